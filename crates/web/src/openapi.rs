//! The OpenAPI document served at `/api/openapi.json`: its frame (title, tags, the two security
//! schemes — session cookie and bearer token) and the responses every operation shares (401
//! without credentials, 403 outside the roles' scope, 500 with a reference id). The paths themselves come from the handlers, through
//! [`api_router`], the same router the server runs.

use crate::ApiState;
use crate::actor::{SESSION_COOKIE, SESSION_SCHEME, TOKEN_SCHEME};
use crate::api;
use crate::error::ErrorBody;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/openapi.json";
/// The prefix of every versioned route.
pub const API_PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kiemdiem API",
        description = "Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên — API JSON.\n\n\
            Mỗi yêu cầu (trừ /api/v1/health và đăng nhập) phải được xác thực: bằng phiên đăng nhập \
            (cookie `kiemdiem_session`, nhận khi `POST /api/v1/session`; yêu cầu ghi phải kèm tiêu đề \
            `X-Kiemdiem-CSRF`) hoặc bằng khóa truy cập của chương trình (`Authorization: Bearer kdt_…`). \
            Quyền theo vai trò và phạm vi cây tổ chức: docs/access.md. \
            Lỗi trả về `{\"error\": {\"code\", \"message\", \"field\", \"rule\"}}` với mã ổn định và thông điệp tiếng Việt. \
            Hướng dẫn: docs/api.md."
    ),
    modifiers(&ActorSecurity),
    security(("session" = []), ("token" = [])),
    tags(
        (name = "health", description = "Tình trạng máy chủ"),
        (name = "accounts", description = "Đăng nhập, tài khoản, vai trò, khóa truy cập"),
        (name = "orgs", description = "Cây tổ chức đảng theo ngày, lịch sử thay đổi"),
        (name = "members", description = "Đảng viên và hồ sơ theo thời gian"),
        (name = "rules", description = "Bộ quy tắc, khung tiêu chí, kiểm tra tình huống"),
        (name = "plans", description = "Kế hoạch kiểm điểm, đánh giá, xếp loại: ban hành, triển khai, công khai"),
        (name = "review", description = "Kiểm điểm: bản kiểm điểm, góp ý, hội nghị"),
        (name = "ballots", description = "Bỏ phiếu kín: khóa danh sách, bỏ phiếu, kiểm phiếu"),
        (name = "evaluation", description = "Đối tượng: tự đánh giá, thẩm định, ý kiến, đề xuất, quyết định xếp loại"),
        (name = "audit", description = "Nhật ký kiểm toán nối chuỗi băm"),
        (name = "reports", description = "Báo cáo tổng hợp, tiến độ, tỷ lệ và văn bản (Word, PDF, Excel)"),
        (name = "after_decision", description = "Sau quyết định: bảo lưu ý kiến, đơn thư khiếu nại, tố cáo, phản ánh, kiểm tra của cấp trên, rà soát kết quả"),
        (name = "after", description = "Sau xếp loại: kết quả qua các năm, khen thưởng, đăng ký phấn đấu, hồ sơ"),
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct ActorSecurity;

impl Modify for ActorSecurity {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Phiên đăng nhập (POST /api/v1/session). Yêu cầu ghi gửi kèm tiêu đề X-Kiemdiem-CSRF.",
            ))),
        );
        let mut token = Http::new(HttpAuthScheme::Bearer);
        token.description = Some(
            "Khóa truy cập của chương trình (kdt_…), cấp tại POST /api/v1/tokens.".to_string(),
        );
        components.add_security_scheme(TOKEN_SCHEME, SecurityScheme::Http(token));
    }
}

/// The router of every `/api/v1` route together with its document.
pub fn api_router() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(API_PREFIX, api::routes())
}

/// OpenAPI links from a creating operation's response to the operations that read what it
/// created, so that a stateful client (schemathesis' stateful phase, a generated SDK) can follow
/// create → read: (operation, status, link name, target operation, parameter, runtime
/// expression giving the parameter's value).
pub const LINKS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "create_plan",
        "201",
        "GetPlan",
        "get_plan",
        "id",
        "$response.body#/id",
    ),
    (
        "create_plan",
        "201",
        "ListPlanSubjects",
        "list_plan_subjects",
        "id",
        "$response.body#/id",
    ),
    (
        "create_plan",
        "201",
        "ListPlanMeetings",
        "list_plan_meetings",
        "id",
        "$response.body#/id",
    ),
    (
        "schedule_meeting",
        "201",
        "GetMeeting",
        "get_meeting",
        "id",
        "$response.body#/id",
    ),
    (
        "schedule_meeting",
        "201",
        "ListMeetingBallots",
        "list_meeting_ballots",
        "id",
        "$response.body#/id",
    ),
    (
        "prepare_ballot",
        "201",
        "GetBallot",
        "get_ballot",
        "id",
        "$response.body#/id",
    ),
    (
        "create_account",
        "201",
        "GetAccount",
        "get_account",
        "login",
        "$response.body#/account/login",
    ),
    (
        "derive_framework",
        "201",
        "GetOrgFramework",
        "get_org_framework",
        "id",
        "$response.body#/id",
    ),
    (
        "import_framework",
        "201",
        "GetOrgFramework",
        "get_org_framework",
        "id",
        "$response.body#/id",
    ),
    (
        "decide_level",
        "201",
        "GetSubject",
        "get_subject",
        "id",
        "$request.path.id",
    ),
    (
        "decide_level",
        "201",
        "ListDecisions",
        "list_decisions",
        "id",
        "$request.path.id",
    ),
    (
        "correct_level",
        "201",
        "ListDecisions",
        "list_decisions",
        "id",
        "$request.path.id",
    ),
    (
        "lodge_matter",
        "201",
        "ListSubjectMatters",
        "list_subject_matters",
        "id",
        "$request.path.id",
    ),
    (
        "record_subject_fact",
        "201",
        "ListSubjectFacts",
        "list_subject_facts",
        "id",
        "$request.path.id",
    ),
    (
        "add_review_input",
        "201",
        "ListReviewInputs",
        "list_review_inputs",
        "id",
        "$request.path.id",
    ),
];

/// Adds the responses every operation shares: 401 and 403 where an acting user is required;
/// 400, 413, 415 and 422 where the edge refuses a path, query, header or body; 503 and 500.
pub fn finish(mut document: Document) -> Document {
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ErrorBody",
                        ))))
                        .build(),
                )
                .build(),
        )
    };
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let public = operation
                .security
                .as_ref()
                .is_some_and(|requirements| requirements.iter().all(is_empty_requirement));
            let responses = &mut operation.responses.responses;
            if !public {
                responses.entry("403".to_string()).or_insert_with(|| {
                    error("Vai trò của tài khoản không cho phép việc này trong phạm vi này (`forbidden`)")
                });
                responses.entry("401".to_string()).or_insert_with(|| {
                    error("Chưa đăng nhập, phiên đã hết hạn hoặc khóa truy cập không hợp lệ (`unauthenticated`, `session_expired`)")
                });
            }
            // What the edge answers before a handler runs: a bad path parameter, query or
            // header, a body that is not JSON, holds invalid text, is too large or of the
            // wrong shape; and a busy database or an overlong request on any route.
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let has = |place: ParameterIn| {
                parameters
                    .iter()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let has_body = operation.request_body.is_some();
            let mut bad_request = Vec::new();
            if has(ParameterIn::Path) {
                bad_request.push("`invalid_path`");
            }
            if has(ParameterIn::Query) {
                bad_request.push("`invalid_query`, `invalid_date`");
            }
            if has(ParameterIn::Header) {
                bad_request.push("`invalid_header`, `version_mismatch`");
            }
            if has_body {
                bad_request.push("`malformed_json`, `invalid_text`, `unreadable_body`");
            }
            if !bad_request.is_empty() {
                let text = format!("Yêu cầu không đọc được ({})", bad_request.join(", "));
                responses
                    .entry("400".to_string())
                    .or_insert_with(|| error(&text));
            }
            if has_body {
                responses
                    .entry("413".to_string())
                    .or_insert_with(|| error("Nội dung yêu cầu quá lớn (`body_too_large`)"));
                responses.entry("415".to_string()).or_insert_with(|| {
                    error("Nội dung yêu cầu không phải JSON (`unsupported_media_type`)")
                });
                responses.entry("422".to_string()).or_insert_with(|| {
                    error(
                        "Nội dung JSON sai kiểu hoặc thiếu trường, có tên trường (`invalid_body`)",
                    )
                });
            }
            responses.entry("503".to_string()).or_insert_with(|| {
                error("Hệ thống đang bận hoặc yêu cầu chạy quá lâu (`busy`, `timeout`); thử lại sau giây lát (Retry-After)")
            });
            responses
                .entry("500".to_string())
                .or_insert_with(|| error("Lỗi hệ thống (`internal`), kèm mã tham chiếu"));
            let id = operation.operation_id.as_deref().unwrap_or_default();
            for (_, status, name, target, parameter, expression) in
                LINKS.iter().filter(|link| link.0 == id)
            {
                if let Some(RefOr::T(response)) = responses.get_mut(*status) {
                    response.links.insert(
                        name.to_string(),
                        RefOr::T(
                            LinkBuilder::new()
                                .operation_id(*target)
                                .parameter(*parameter, *expression)
                                .build(),
                        ),
                    );
                }
            }
        }
    }
    document
}

fn is_empty_requirement(requirement: &utoipa::openapi::security::SecurityRequirement) -> bool {
    serde_json::to_value(requirement).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
}

/// The document as served.
pub fn document() -> Document {
    finish(api_router().into_openapi())
}
