//! OpenAPI descriptions of the rules' and the app's vocabulary as it travels in JSON. Request and
//! response types keep the real types (`Level`, `EvaluationInput` …) so that what the server
//! accepts is exactly what the rules accept; their fields point here with
//! `#[schema(value_type = …)]` so that the document shows the same shape. Nothing here is
//! constructed: these types exist only to be described.
#![allow(dead_code)]

use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A quality level: `HTXSNV` (hoàn thành xuất sắc nhiệm vụ), `HTTNV` (hoàn thành tốt nhiệm
/// vụ), `HTNV` (hoàn thành nhiệm vụ), `KHTNV` (không hoàn thành nhiệm vụ).
#[derive(ToSchema)]
#[schema(as = Level)]
pub enum LevelCode {
    #[schema(rename = "HTXSNV")]
    Htxsnv,
    #[schema(rename = "HTTNV")]
    Httnv,
    #[schema(rename = "HTNV")]
    Htnv,
    #[schema(rename = "KHTNV")]
    Khtnv,
}

/// The kind of subject.
#[derive(ToSchema)]
#[schema(as = SubjectKind, rename_all = "snake_case")]
pub enum SubjectKindCode {
    Organisation,
    Collective,
    MemberWithPost,
    MemberWithoutPost,
    MemberOutsideSystem,
    Leader,
}

/// The period a plan covers: `{"kind": "year"}`, `{"kind": "half", "no": 1}` or
/// `{"kind": "quarter", "no": 3}`.
#[derive(ToSchema)]
#[schema(as = Period)]
pub struct PeriodSchema {
    /// `year`, `half` or `quarter`.
    #[schema(example = "year")]
    kind: String,
    /// 1–2 for a half, 1–4 for a quarter.
    no: Option<u8>,
}

/// A step of the cycle a phase is the deadline of: `self_review`, `review`, `decision`,
/// `report`.
#[derive(ToSchema)]
#[schema(as = Step, rename_all = "snake_case")]
pub enum StepCode {
    SelfReview,
    Review,
    Decision,
    Report,
}

/// The grade of a criterion.
#[derive(ToSchema)]
#[schema(as = Grade, rename_all = "snake_case")]
pub enum GradeCode {
    Kem,
    TrungBinh,
    Tot,
    XuatSac,
}

/// A score-sheet input: points per leaf criterion (points frameworks) or grades per leaf
/// criterion (grades frameworks), and bonuses/deductions where the local layer allows them
/// (`{"kind": "target_shortfall" | "deduction" | "bonus", "criterion", …}`). Criterion ids are
/// those of the plan's framework (`GET /api/v1/frameworks/{set}/{name}`).
#[derive(ToSchema)]
#[schema(as = EvaluationInput)]
pub struct EvaluationInputSchema {
    /// Points per criterion, as a decimal number (`12.5`).
    points: Option<BTreeMap<String, f64>>,
    grades: Option<BTreeMap<String, GradeCode>>,
    adjustments: Option<Vec<serde_json::Value>>,
}

/// Tasks assigned, completed, completed on time, exceeded.
#[derive(ToSchema)]
#[schema(as = TaskResults)]
pub struct TaskResultsSchema {
    assigned: u32,
    completed: u32,
    on_time: u32,
    exceeded: u32,
}

/// The recorded decision allowing the exceptional HTXSNV share.
#[derive(ToSchema)]
#[schema(as = ExceptionalShareDecision)]
pub struct ExceptionalShareSchema {
    /// Who decided (e.g. "Ban Thường vụ Tỉnh ủy").
    decided_by: String,
    /// The decision's number and date.
    reference: String,
}

/// Who gives an opinion: `civil_service` (column 2), `branch_committee` (3),
/// `mass_organisation` (4), `advisory_staff` (verification, 6), `standing_committee` (7),
/// `government_bodies` (8), `advisory_boards` (9).
#[derive(ToSchema)]
#[schema(as = OpinionSource, rename_all = "snake_case")]
pub enum OpinionSourceCode {
    CivilService,
    BranchCommittee,
    MassOrganisation,
    AdvisoryStaff,
    StandingCommittee,
    GovernmentBodies,
    AdvisoryBoards,
}

/// A stage of a subject: `excluded`, `pending`, `self_reviewed`, `reviewed`, `proposed`,
/// `decided`, `published`.
#[derive(ToSchema)]
#[schema(as = Stage, rename_all = "snake_case")]
pub enum StageCode {
    Excluded,
    Pending,
    SelfReviewed,
    Reviewed,
    Proposed,
    Decided,
    Published,
}
