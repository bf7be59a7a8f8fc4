//! `/api/v1/rules/check`, `/api/v1/rule-sets`, `/api/v1/frameworks/…` and
//! `/api/v1/calendar/{year}`: the rules crate over HTTP — every question of the case format —
//! exactly as `kiemdiem rules check`,
//! `kiemdiem rules list --json` and `kiemdiem rules calendar --json` give it on the command line
//! (pure: no database). The case and result schema is documented with worked
//! examples in `docs/rules-cases.md`.

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, json_error, json_text};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use kiemdiem_rules::case::run_case;
use kiemdiem_rules::framework;
use kiemdiem_rules::ruleset::alternatives::alternatives;
use kiemdiem_rules::ruleset::builtin_local_layers;
use kiemdiem_rules::vocabulary::vocabulary;
use kiemdiem_rules::{RuleBook, RuleSetId, SubjectKind};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .routes(routes!(rule_sets))
        .routes(routes!(get_framework))
        .routes(routes!(calendar))
}

/// Every rule set with its level names, parameters and sources, the alternatives of every
/// parameter, the shipped local layers and frameworks.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCatalog {
    pub rule_sets: Vec<RuleSetView>,
    /// What each parameter (`section.key`) may be set to: `kind` (`one_of`, `any_of`, `yes_no`,
    /// `share`, `number`, `day_month`, `points`) and, for the first two, the `values`.
    pub alternatives: serde_json::Value,
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
    /// The era's levels, as distinct codes with their names (`organisation`, `member`): before
    /// 2018 "Trong sạch, vững mạnh" (`TSVM`) … "Yếu kém" and "Đủ tư cách …".
    pub levels: serde_json::Value,
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

/// Answers a rules case, as `kiemdiem rules check --case` does: `question` `classify` (the
/// default: one subject, or a group with its quota and secret ballot), `order`, `timing`,
/// `history` or `level`. The body is a case file (`docs/rules-cases.md`); a bad case is 422
/// `invalid_case` naming the field.
#[utoipa::path(post, path = "/rules/check", tag = "rules", operation_id = "check_rules_case",
    request_body(content = serde_json::Value, content_type = "application/json",
        description = "A case file: `year`, optional `question` (classify | order | timing | history | level), `rule_set`, `local_layer`, `as_of`, and the question's input: `subject` or `group`, `order`, `timing`, `history` or `level` (see docs/rules-cases.md)."),
    responses(
        (status = 200, description = "The answer: for classify, eligibility, score, allowed and suggested levels with every constraining rule, quota and ballot outcomes; for the other questions, their answer with the rule and source of every finding.", body = serde_json::Value),
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
            format!(
                "hồ sơ tình huống không hợp lệ: {}",
                crate::extract::serde_problem_vi(&error.problem)
            ),
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
                levels: serde_json::json!({
                    "organisation": vocabulary(*id, SubjectKind::Organisation),
                    "member": vocabulary(*id, SubjectKind::MemberWithoutPost),
                }),
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
        alternatives: json(&alternatives())?,
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
    ApiPath((set, name)): ApiPath<(String, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = format!("{set}/{name}");
    let framework = framework::builtin()
        .iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::not_found(format!("không có khung tiêu chí «{id}»")))?;
    json(framework).map(Json)
}

/// One year's days off besides weekends, as working days are counted (the draft report's
/// notice).
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarView {
    pub year: i32,
    /// Weekdays that are not working days, in date order.
    pub days_off: Vec<DayOffView>,
    /// Saturdays or Sundays worked in exchange for a day off (ngày làm bù).
    #[schema(value_type = Vec<String>, format = Date)]
    pub make_up_days: Vec<time::Date>,
    /// False outside the lunar table's years: Tết and Giỗ Tổ are then not counted.
    pub lunar_known: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayOffView {
    #[schema(value_type = String, format = Date, example = "2026-01-01")]
    pub date: time::Date,
    /// `new_year`, `tet`, `hung_kings`, `victory`, `labour` or `national_day`.
    #[schema(example = "new_year")]
    pub holiday: String,
    #[schema(example = "Tết Dương lịch")]
    pub name: String,
    /// `statutory`, `compensatory` (nghỉ bù) or `announced` (the year's announced schedule).
    #[schema(example = "statutory")]
    pub kind: String,
    #[schema(example = "Bộ luật Lao động 2019 Điều 112")]
    pub source: String,
}

/// The public holidays of a year that are not working days — statutory, compensatory (nghỉ bù)
/// or from the announced schedule — and the make-up working days, as `kiemdiem rules calendar`.
#[utoipa::path(get, path = "/calendar/{year}", tag = "rules", operation_id = "get_calendar",
    params(("year" = i32, Path, minimum = 1995, maximum = 9999, description = "The year, 1995–9999", example = 2026)),
    responses((status = 200, body = CalendarView), (status = 400, body = ErrorBody)))]
async fn calendar(_actor: Acting, ApiPath(year): ApiPath<String>) -> ApiResult<Json<CalendarView>> {
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| kiemdiem_rules::calendar::YEARS.contains(y))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                format!("năm «{year}» không hợp lệ (từ 1995 đến 9999)"),
            )
            .with_field("year")
        })?;
    let calendar = kiemdiem_rules::calendar::national().year(year);
    let days_off = calendar
        .days_off
        .iter()
        .map(|day| {
            Ok(DayOffView {
                date: day.date,
                holiday: json(&day.holiday)?.as_str().unwrap_or_default().to_owned(),
                name: day.holiday.name_vi().to_owned(),
                kind: json(&day.kind)?.as_str().unwrap_or_default().to_owned(),
                source: day.source.clone(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(CalendarView {
        year,
        days_off,
        make_up_days: calendar.make_up_days,
        lunar_known: calendar.lunar_known,
    }))
}

/// A rules value as JSON; a failure is a bug, answered as internal.
fn json<T: Serialize + ?Sized>(value: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|error| ApiError::internal(&error))
}
