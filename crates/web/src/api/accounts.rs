//! `/api/v1/session`, `/api/v1/tokens`, `/api/v1/accounts`, `/api/v1/grants`: signing in and
//! out, changing one's password, API tokens, and the administration of accounts and roles. The
//! rules (who may manage whom, throttling, the password policy) are the app's
//! (`kiemdiem_app::accounts`); here the session secret becomes an `HttpOnly` cookie.

use crate::ApiState;
use crate::actor::{Acting, SESSION_COOKIE, check_same_site, session_cookie};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::limits::client_address;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kiemdiem_app::Role;
use kiemdiem_app::accounts::session::SignedIn;
use kiemdiem_app::accounts::token::{CreatedToken, TokenView};
use kiemdiem_app::accounts::{AccountView, GrantView, NewAccount, RoleGrant};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, current_session, sign_out))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account))
        .routes(routes!(grant_role))
        .routes(routes!(revoke_grant))
        .routes(routes!(reset_password))
        .routes(routes!(set_account_status))
        .routes(routes!(list_account_tokens))
}

/// A role granted, as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantBody {
    pub id: Uuid,
    /// `admin`, `board`, `committee`, `branch_secretary`, `branch_committee`, `member`,
    /// `participating_body` or `inspection`.
    #[schema(example = "branch_secretary")]
    pub role: String,
    #[schema(example = "Bí thư chi bộ")]
    pub role_name: String,
    pub org_id: Option<Uuid>,
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    pub valid_from: Date,
    /// Exclusive; `null` while it runs.
    pub valid_to: Option<Date>,
    pub granted_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub granted_at: OffsetDateTime,
    pub revoked_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<GrantView> for GrantBody {
    fn from(g: GrantView) -> GrantBody {
        GrantBody {
            id: g.id,
            role: g.role.code().to_string(),
            role_name: g.role_name.to_string(),
            org_id: g.org_id,
            org_code: g.org_code,
            org_name: g.org_name,
            valid_from: g.valid_from,
            valid_to: g.valid_to,
            granted_by: g.granted_by,
            granted_at: g.granted_at,
            revoked_by: g.revoked_by,
            revoked_at: g.revoked_at,
        }
    }
}

/// An account, as shown (never a password or its hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountBody {
    pub id: Uuid,
    #[schema(example = "bithu.dongson")]
    pub login: String,
    pub display_name: String,
    pub member_id: Option<Uuid>,
    /// The member's card number, when the account is a member's.
    pub member_code: Option<String>,
    /// The organisation whose board manages the account.
    pub org_id: Option<Uuid>,
    pub org_code: Option<String>,
    pub disabled: bool,
    /// Signed in with a one-time password that must be changed before anything else.
    pub must_change_password: bool,
    /// Every role granted, revoked ones included.
    pub grants: Vec<GrantBody>,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<AccountView> for AccountBody {
    fn from(a: AccountView) -> AccountBody {
        AccountBody {
            id: a.id,
            login: a.login,
            display_name: a.display_name,
            member_id: a.member_id,
            member_code: a.member_code,
            org_id: a.org_id,
            org_code: a.org_code,
            disabled: a.disabled,
            must_change_password: a.must_change_password,
            grants: a.grants.into_iter().map(GrantBody::from).collect(),
            created_by: a.created_by,
            created_at: a.created_at,
        }
    }
}

/// Signing in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    #[schema(example = "bithu.dongson")]
    pub login: String,
    pub password: String,
}

/// The signed-in session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub account: AccountBody,
    /// Send it back in `X-Kiemdiem-CSRF` with every POST, PUT and DELETE made with the session
    /// cookie (absent when the request used an API token).
    pub csrf_token: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// Signs in: sets the session cookie (`HttpOnly`, `SameSite=Lax`) and answers who signed in.
/// A wrong login or password is `401 invalid_credentials` (never saying which); after repeated
/// failures for the account or from the address, `429 too_many_attempts` with `Retry-After`.
#[utoipa::path(post, path = "/session", tag = "accounts", operation_id = "sign_in",
    security(()),
    request_body = SignInBody,
    responses((status = 200, body = SessionView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn sign_in(
    State(state): State<ApiState>,
    request: axum::extract::Request,
) -> ApiResult<Response> {
    let (parts, body) = request.into_parts();
    check_same_site(&parts.headers)?;
    let client = client_address(&parts.extensions);
    state.limiters().sign_in(&client)?;
    let ApiJson(body) =
        <ApiJson<SignInBody> as axum::extract::FromRequest<ApiState>>::from_request(
            axum::extract::Request::from_parts(parts, body),
            &state,
        )
        .await?;
    let signed_in = state
        .app()
        .sign_in(&body.login, &body.password, &client)
        .await?;
    let cookie = session_cookie_header(&state, &signed_in)?;
    let view = SessionView {
        account: signed_in.account.into(),
        csrf_token: Some(signed_in.csrf_token),
        expires_at: Some(signed_in.expires_at),
    };
    let mut response = Json(view).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

pub(crate) fn session_cookie_header(
    state: &ApiState,
    signed_in: &SignedIn,
) -> ApiResult<HeaderValue> {
    let max_age = (signed_in.expires_at - OffsetDateTime::now_utc())
        .whole_seconds()
        .max(0);
    let secure = if state.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        signed_in.token
    ))
    .map_err(|e| ApiError::internal(&e))
}

pub(crate) fn expired_cookie(state: &ApiState) -> HeaderValue {
    let secure = if state.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("kiemdiem_session=; Max-Age=0"))
}

/// Who is signed in, with their roles, and the session's CSRF token.
#[utoipa::path(get, path = "/session", tag = "accounts", operation_id = "current_session",
    responses((status = 200, body = SessionView)))]
async fn current_session(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    headers: HeaderMap,
) -> ApiResult<Json<SessionView>> {
    let account = state.app().my_account(&actor).await?;
    let (csrf_token, expires_at) = match session_cookie(&headers) {
        Some(token) if !headers.contains_key(header::AUTHORIZATION) => {
            let session = state.app().authenticate_session(&token).await?;
            (Some(session.csrf_token), Some(session.expires_at))
        }
        _ => (None, None),
    };
    Ok(Json(SessionView {
        account: account.into(),
        csrf_token,
        expires_at,
    }))
}

/// Signs out: the session ends on every server at once and the cookie is cleared.
#[utoipa::path(delete, path = "/session", tag = "accounts", operation_id = "sign_out",
    responses((status = 204, description = "Đã đăng xuất")))]
async fn sign_out(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(token) = session_cookie(&headers) {
        state.app().sign_out(&actor, &token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, expired_cookie(&state));
    Ok(response)
}

/// Changing one's own password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeBody {
    pub current_password: String,
    /// At least 10 characters, not the login, at least 4 different characters.
    pub new_password: String,
}

/// Changes the signed-in account's password (the current one is asked again). Every other
/// session of the account ends; this one goes on.
#[utoipa::path(put, path = "/session/password", tag = "accounts", operation_id = "change_password",
    request_body = PasswordChangeBody,
    responses((status = 204, description = "Đã đổi mật khẩu"), (status = 422, body = ErrorBody)))]
async fn change_password(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordChangeBody>,
) -> ApiResult<StatusCode> {
    let keep = session_cookie(&headers);
    state
        .app()
        .change_password(
            &actor,
            &body.current_password,
            &body.new_password,
            keep.as_deref(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An API token, as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenBody {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    #[schema(example = "kdt_3f9a1c2e")]
    pub prefix: String,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<TokenView> for TokenBody {
    fn from(t: TokenView) -> TokenBody {
        TokenBody {
            id: t.id,
            account_id: t.account_id,
            name: t.name,
            prefix: t.prefix,
            created_by: t.created_by,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_by: t.revoked_by,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenBody>,
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// What the token is for.
    #[schema(example = "Đồng bộ phần mềm quản lý đảng viên")]
    pub name: String,
    /// The last day it works (none: until revoked).
    pub expires_on: Option<Date>,
    /// The account it acts as (default: the signed-in one; another only for whoever manages it).
    pub login: Option<String>,
}

/// A token just created: `token` is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedTokenBody {
    /// The secret, for `Authorization: Bearer …`; it cannot be shown again.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenBody,
}

impl From<CreatedToken> for CreatedTokenBody {
    fn from(t: CreatedToken) -> CreatedTokenBody {
        CreatedTokenBody {
            token: t.token,
            info: t.view.into(),
        }
    }
}

/// The signed-in account's API tokens, newest first.
#[utoipa::path(get, path = "/tokens", tag = "accounts", operation_id = "list_tokens",
    responses((status = 200, body = TokenList)))]
async fn list_tokens(
    State(state): State<ApiState>,
    Acting(actor): Acting,
) -> ApiResult<Json<TokenList>> {
    let tokens = state.app().tokens(&actor, None).await?;
    Ok(Json(TokenList {
        tokens: tokens.into_iter().map(TokenBody::from).collect(),
    }))
}

/// Creates an API token for a program; the secret is in the answer only.
#[utoipa::path(post, path = "/tokens", tag = "accounts", operation_id = "create_token",
    request_body = NewTokenBody,
    responses((status = 201, body = CreatedTokenBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_token(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<CreatedTokenBody>)> {
    let created = state
        .app()
        .create_token(&actor, body.login.as_deref(), &body.name, body.expires_on)
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Revokes an API token: refused at once on every server (its owner, or whoever manages the
/// account).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts", operation_id = "revoke_token",
    params(("id" = Uuid, Path, description = "The token's id")),
    responses((status = 200, body = TokenBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<TokenBody>> {
    Ok(Json(state.app().revoke_token(&actor, id).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub accounts: Vec<AccountBody>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountsQuery {
    /// Only the accounts managed in this organisation's subtree (code). Without it: every account
    /// for an administrator, the subtree of a board's own node for a board.
    pub org: Option<String>,
}

/// The accounts the signed-in person manages.
#[utoipa::path(get, path = "/accounts", tag = "accounts", operation_id = "list_accounts",
    params(AccountsQuery),
    responses((status = 200, body = AccountList), (status = 404, body = ErrorBody)))]
async fn list_accounts(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<AccountsQuery>,
) -> ApiResult<Json<AccountList>> {
    let org = match query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        Some(code) => Some(state.app().org_id(&actor, code, None, "org").await?),
        None => None,
    };
    let accounts = state.app().accounts(&actor, org).await?;
    Ok(Json(AccountList {
        accounts: accounts.into_iter().map(AccountBody::from).collect(),
    }))
}

/// An account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountBody {
    /// 3–64 characters: unaccented letters, digits, `.`, `-`, `_`, `@` (stored lower-case).
    #[schema(example = "bithu.dongson")]
    pub login: String,
    #[schema(example = "Nguyễn Văn Đông")]
    pub display_name: String,
    /// The member's card number: the account votes as that member and no one else, and gets
    /// the member role on their branch.
    pub member: Option<String>,
    /// The organisation whose board manages the account (code; the member's branch by default).
    pub org: Option<String>,
    /// A password chosen now; without it a one-time password is generated, returned once and
    /// must be changed at first sign-in.
    pub password: Option<String>,
}

/// An account just created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccountBody {
    pub account: AccountBody,
    /// Shown this once, when the server generated it.
    pub one_time_password: Option<String>,
}

/// Creates an account (an administrator anywhere; a board within its subtree).
#[utoipa::path(post, path = "/accounts", tag = "accounts", operation_id = "create_account",
    request_body = NewAccountBody,
    responses((status = 201, body = CreatedAccountBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_account(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<NewAccountBody>,
) -> ApiResult<(StatusCode, Json<CreatedAccountBody>)> {
    let member = match body
        .member
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(code) => Some(state.app().member_id(&actor, code, "member").await?),
        None => None,
    };
    let org = match body.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(code) => Some(state.app().org_id(&actor, code, None, "org").await?),
        None => None,
    };
    let created = state
        .app()
        .create_account(
            &actor,
            NewAccount {
                login: body.login,
                display_name: body.display_name,
                member,
                org,
                password: body.password,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccountBody {
            account: created.account.into(),
            one_time_password: created.one_time_password,
        }),
    ))
}

/// One account with its roles (one's own, or one managed).
#[utoipa::path(get, path = "/accounts/{login}", tag = "accounts", operation_id = "get_account",
    params(("login" = String, Path, description = "Tên đăng nhập")),
    responses((status = 200, body = AccountBody), (status = 404, body = ErrorBody)))]
async fn get_account(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(login): ApiPath<String>,
) -> ApiResult<Json<AccountBody>> {
    Ok(Json(state.app().account(&actor, &login).await?.into()))
}

/// A role to grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRoleBody {
    /// `admin`, `board`, `committee`, `branch_secretary`, `branch_committee`, `member`,
    /// `participating_body` or `inspection`.
    #[schema(example = "branch_secretary")]
    pub role: String,
    /// The organisation (code) whose subtree the role covers; none for `admin`.
    pub org: Option<String>,
    /// Today when absent.
    pub valid_from: Option<Date>,
    /// Exclusive; none while it runs.
    pub valid_to: Option<Date>,
}

/// Grants a role on a node of the tree (the administrator's role only an administrator grants;
/// a board grants the others within its subtree).
#[utoipa::path(post, path = "/accounts/{login}/grants", tag = "accounts", operation_id = "grant_role",
    params(("login" = String, Path, description = "Tên đăng nhập")),
    request_body = GrantRoleBody,
    responses((status = 201, body = GrantBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn grant_role(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(login): ApiPath<String>,
    ApiJson(body): ApiJson<GrantRoleBody>,
) -> ApiResult<(StatusCode, Json<GrantBody>)> {
    let role = Role::parse(body.role.trim()).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!(
                "vai trò «{}» không có; chọn một trong: {}",
                body.role,
                Role::ALL.map(Role::code).join(", ")
            ),
        )
        .with_field("role")
    })?;
    let org = match body.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(code) => Some(
            state
                .app()
                .org_id(&actor, code, body.valid_from, "org")
                .await?,
        ),
        None => None,
    };
    let grant = state
        .app()
        .grant_role(
            &actor,
            &login,
            RoleGrant {
                role,
                org,
                valid_from: body.valid_from,
                valid_to: body.valid_to,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(grant.into())))
}

/// Why a role is revoked.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    pub reason: Option<String>,
}

/// Revokes a role; it stays in the account's history with who revoked it and when.
#[utoipa::path(post, path = "/grants/{id}/revocation", tag = "accounts", operation_id = "revoke_grant",
    params(("id" = Uuid, Path, description = "The grant's id")),
    request_body(content = Option<RevokeBody>, description = "Optional: the reason"),
    responses((status = 200, body = GrantBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn revoke_grant(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<Option<RevokeBody>>,
) -> ApiResult<Json<GrantBody>> {
    let reason = body.and_then(|b| b.reason);
    Ok(Json(
        state
            .app()
            .revoke_grant(&actor, id, reason.as_deref())
            .await?
            .into(),
    ))
}

/// A one-time password, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct OneTimePassword {
    pub login: String,
    /// Must be changed at the next sign-in.
    pub one_time_password: String,
}

/// Gives the account a new one-time password and ends its sessions.
#[utoipa::path(post, path = "/accounts/{login}/password-reset", tag = "accounts", operation_id = "reset_password",
    params(("login" = String, Path, description = "Tên đăng nhập")),
    responses((status = 200, body = OneTimePassword), (status = 404, body = ErrorBody)))]
async fn reset_password(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(login): ApiPath<String>,
) -> ApiResult<Json<OneTimePassword>> {
    let password = state.app().reset_password(&actor, &login).await?;
    Ok(Json(OneTimePassword {
        login: login.trim().to_lowercase(),
        one_time_password: password,
    }))
}

/// Disabling or enabling an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountStatusBody {
    pub disabled: bool,
    pub reason: Option<String>,
}

/// Disables an account (its sessions end at once, its tokens stop working) or enables it again.
#[utoipa::path(put, path = "/accounts/{login}/status", tag = "accounts", operation_id = "set_account_status",
    params(("login" = String, Path, description = "Tên đăng nhập")),
    request_body = AccountStatusBody,
    responses((status = 200, body = AccountBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_account_status(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(login): ApiPath<String>,
    ApiJson(body): ApiJson<AccountStatusBody>,
) -> ApiResult<Json<AccountBody>> {
    Ok(Json(
        state
            .app()
            .set_account_disabled(&actor, &login, body.disabled, body.reason.as_deref())
            .await?
            .into(),
    ))
}

/// The API tokens of an account (its owner, or whoever manages it).
#[utoipa::path(get, path = "/accounts/{login}/tokens", tag = "accounts", operation_id = "list_account_tokens",
    params(("login" = String, Path, description = "Tên đăng nhập")),
    responses((status = 200, body = TokenList), (status = 404, body = ErrorBody)))]
async fn list_account_tokens(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(login): ApiPath<String>,
) -> ApiResult<Json<TokenList>> {
    let tokens = state.app().tokens(&actor, Some(&login)).await?;
    Ok(Json(TokenList {
        tokens: tokens.into_iter().map(TokenBody::from).collect(),
    }))
}
