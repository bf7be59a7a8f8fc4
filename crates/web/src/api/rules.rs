//! `/api/v1/rules/check`, `/api/v1/rule-sets` and `/api/v1/frameworks/…`: the rules crate over
//! HTTP, exactly as `kiemdiem rules check` and `kiemdiem rules list --json` give it on the
//! command line (pure: no database). The case and result schema is documented with worked
//! examples in `docs/rules-cases.md`.

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{json_error, json_text};
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use kiemdiem_rules::case::run_case;
use kiemdiem_rules::framework;
use kiemdiem_rules::ruleset::builtin_local_layers;
use kiemdiem_rules::{RuleBook, RuleSetId};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .routes(routes!(rule_sets))
        .routes(routes!(get_framework))
}

/// Every rule set with its parameters and sources, the shipped local layers and frameworks.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCatalog {
    pub rule_sets: Vec<RuleSetView>,
    /// The shipped local layers (whole, as in `crates/rules/data/local`).
    pub local_layers: Vec<serde_json::Value>,
    pub frameworks: Vec<FrameworkSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetView {
    #[schema(example = "qd366-hd43")]
    pub id: String,
    #[schema(example = "Quy định 366-QĐ/TW ngày 30/8/2025; Hướng dẫn 43-HD/BTCTW")]
    pub legal_basis: String,
    pub years: Years,
    /// The rule set's parameters (quota share, thresholds …) with their sources.
    pub parameters: serde_json::Value,
}

/// The evaluation years a rule set covers; `to` is `null` while it is in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct Years {
    pub from: i32,
    pub to: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkSummary {
    #[schema(example = "qd366-hd43/member-without-post")]
    pub id: String,
    pub title: String,
    pub rule_sets: Vec<String>,
    pub subjects: Vec<String>,
    /// `points` or `grades`.
    pub scale: serde_json::Value,
    pub source: String,
}

/// Decides a rules case (one subject, or a group with its quota and secret ballot) and returns
/// the decision, as `kiemdiem rules check --case` does. The body is a case file
/// (`docs/rules-cases.md`); a bad case is 422 `invalid_case` naming the field.
#[utoipa::path(post, path = "/rules/check", tag = "rules", operation_id = "check_rules_case",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "A case file: `year`, optional `rule_set`, `local_layer`, `as_of`, and `subject` or `group` (see docs/rules-cases.md)."),
    responses(
        (status = 200, description = "The decision: eligibility, score, allowed and suggested levels with every constraining rule, quota and ballot outcomes.", body = serde_json::Value),
        (status = 400, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check(
    State(state): State<ApiState>,
    _actor: Acting,
    request: Request,
) -> ApiResult<Json<serde_json::Value>> {
    let text = json_text(request, &state).await?;
    if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(&text) {
        return Err(json_error(".", &error));
    }
    let result = run_case(&text).map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_case",
            format!("hồ sơ tình huống không hợp lệ: {}", error.problem),
        )
        .with_field(error.field)
    })?;
    json(&result).map(Json)
}

/// The rule sets (one per legal basis and era) with their parameters and sources, the shipped
/// local layers and the criteria frameworks, as `kiemdiem rules list --json`.
#[utoipa::path(get, path = "/rule-sets", tag = "rules", operation_id = "list_rule_sets",
    responses((status = 200, body = RuleCatalog)))]
async fn rule_sets(_actor: Acting) -> ApiResult<Json<RuleCatalog>> {
    let rule_sets = RuleSetId::ALL
        .iter()
        .map(|id| {
            let book = RuleBook::national(*id);
            let (from, to) = id.years();
            Ok(RuleSetView {
                id: id.code().to_string(),
                legal_basis: id.legal_basis().to_string(),
                years: Years { from, to },
                parameters: json(&book.params)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let local_layers = builtin_local_layers()
        .iter()
        .map(json)
        .collect::<ApiResult<Vec<_>>>()?;
    let frameworks = framework::builtin()
        .iter()
        .map(|f| {
            Ok(FrameworkSummary {
                id: f.id.clone(),
                title: f.title.clone(),
                rule_sets: f.rule_sets.iter().map(|r| r.code().to_string()).collect(),
                subjects: f
                    .subjects
                    .iter()
                    .map(|s| json(s).map(|v| v.as_str().unwrap_or_default().to_string()))
                    .collect::<ApiResult<Vec<_>>>()?,
                scale: json(&f.scale)?,
                source: f.source.clone(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(RuleCatalog {
        rule_sets,
        local_layers,
        frameworks,
    }))
}

/// One shipped criteria framework in full: its criteria tree with maximum points or grades,
/// thresholds and the levels each grade allows. Framework ids have two parts
/// (`qd366-hd43/member-without-post`).
#[utoipa::path(get, path = "/frameworks/{set}/{name}", tag = "rules", operation_id = "get_framework",
    params(("set" = String, Path, description = "First part of the id, e.g. `qd366-hd43`"),
           ("name" = String, Path, description = "Second part, e.g. `member-without-post`")),
    responses((status = 200, body = serde_json::Value), (status = 404, body = ErrorBody)))]
async fn get_framework(
    _actor: Acting,
    Path((set, name)): Path<(String, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = format!("{set}/{name}");
    let framework = framework::builtin()
        .iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::not_found(format!("không có khung tiêu chí «{id}»")))?;
    json(framework).map(Json)
}

/// A rules value as JSON; a failure is a bug, answered as internal.
fn json<T: Serialize + ?Sized>(value: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|error| ApiError::internal(&error))
}
