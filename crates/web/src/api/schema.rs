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

/// A rule set (bộ quy tắc) by its code: the guidance a year is reviewed under, `hd20`
/// (2008–2013), `hd27` (2014–2017), `qd132-hd16` (2018), `qd132-hd21` (2019–2022),
/// `qd124-hd25` (2023–2024), `qd366-hd43` (2025 onward).
#[derive(ToSchema)]
#[schema(as = RuleSet)]
pub enum RuleSetCode {
    #[schema(rename = "hd20")]
    Hd20,
    #[schema(rename = "hd27")]
    Hd27,
    #[schema(rename = "qd132-hd16")]
    Qd132Hd16,
    #[schema(rename = "qd132-hd21")]
    Qd132Hd21,
    #[schema(rename = "qd124-hd25")]
    Qd124Hd25,
    #[schema(rename = "qd366-hd43")]
    Qd366Hd43,
}

/// A member named by id (UUID) or party card number (số thẻ đảng viên); never blank.
#[derive(ToSchema)]
#[schema(as = MemberRef, value_type = String, min_length = 1, pattern = r"\S")]
pub struct MemberRefSchema(String);

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
#[derive(ToSchema, serde::Deserialize)]
#[serde(untagged)]
#[schema(as = Period)]
pub enum PeriodSchema {
    Year(PeriodYear),
    Half(PeriodHalf),
    Quarter(PeriodQuarter),
}

/// The whole year (annual review).
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodYear {
    kind: PeriodYearKind,
}

/// Six months: the first or the second half.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodHalf {
    kind: PeriodHalfKind,
    #[schema(minimum = 1, maximum = 2)]
    no: u8,
}

/// A quarter, 1 to 4.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuarter {
    kind: PeriodQuarterKind,
    #[schema(minimum = 1, maximum = 4)]
    no: u8,
}

#[derive(ToSchema, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodYearKind {
    Year,
}

#[derive(ToSchema, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodHalfKind {
    Half,
}

#[derive(ToSchema, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodQuarterKind {
    Quarter,
}

/// How a ballot is cast: `electronic` (each voter casts a paper here) or `paper` (the counting
/// committee enters the tallies).
#[derive(ToSchema)]
#[schema(as = BallotMode, rename_all = "snake_case")]
pub enum BallotModeCode {
    Electronic,
    Paper,
}

/// The form of a discipline: `khien_trach`, `canh_cao`, `cach_chuc`, `khai_tru` (lightest to
/// heaviest).
#[derive(ToSchema)]
#[schema(as = DisciplineForm, rename_all = "snake_case")]
pub enum DisciplineFormCode {
    KhienTrach,
    CanhCao,
    CachChuc,
    KhaiTru,
}

/// The form of a discipline of an organisation or a collective: `khien_trach` or `canh_cao`.
#[derive(ToSchema)]
#[schema(as = UnitDisciplineForm, rename_all = "snake_case")]
pub enum UnitDisciplineFormCode {
    KhienTrach,
    CanhCao,
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
