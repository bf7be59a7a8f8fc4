//! The page structs, one per template: the values each page shows, already formatted.

use crate::{Chrome, Link, Tr};
use askama::Template;

/// A demonstration account listed on the sign-in page (demo mode only).
#[derive(Debug, Clone)]
pub struct DemoAccountRow {
    pub login: String,
    pub role: String,
    pub place: String,
    pub member: Option<String>,
}

/// `GET /dang-nhap`.
#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub c: Chrome,
    pub login: String,
    pub next: String,
    pub error: Option<String>,
    pub demo: Vec<DemoAccountRow>,
    pub demo_password: String,
}

/// A refusal or a failure, as a page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub heading: String,
    pub message: String,
    /// The rules that refused, each "rule — source".
    pub rules: Vec<String>,
    pub reference: Option<String>,
}

/// `GET /mat-khau`.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub c: Chrome,
    pub must_change: bool,
    pub field: String,
    pub error: String,
}

/// One of the person's own subjects on the home page.
#[derive(Debug, Clone)]
pub struct OwnRow {
    pub subject: String,
    pub next: String,
    pub plan: String,
    pub deadline: Option<String>,
    pub late: bool,
}

/// An open ballot on the home page.
#[derive(Debug, Clone)]
pub struct BallotRow {
    pub id: String,
    pub meeting: String,
    pub held_on: String,
    pub electronic: bool,
    pub entitled: bool,
    pub voted: bool,
}

/// A role's place of work on the home page.
#[derive(Debug, Clone)]
pub struct DutyRow {
    pub role: String,
    pub place: String,
    pub links: Vec<Link>,
}

/// A level of an earlier year on the home page.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub year: String,
    pub level: String,
    pub plan: String,
    pub subject: String,
}

/// `GET /`: what the person must do now.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub c: Chrome,
    pub today: String,
    pub own: Vec<OwnRow>,
    pub ballots: Vec<BallotRow>,
    pub duties: Vec<DutyRow>,
    pub history: Vec<HistoryRow>,
}

/// A labelled value (a line of "last year" on the subject page …).
#[derive(Debug, Clone)]
pub struct Labelled {
    pub label: String,
    pub note: String,
}

/// A section of a self-review as read.
#[derive(Debug, Clone)]
pub struct SectionText {
    pub title: String,
    pub text: String,
}

/// A column of the side-by-side table.
#[derive(Debug, Clone)]
pub struct ColumnRow {
    pub title: String,
    pub level: String,
    pub points: String,
    pub note: String,
}

/// A rule's finding with its source.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub message: String,
    pub source: String,
}

/// A decision version.
#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub version: String,
    pub kind: String,
    pub level: String,
    pub body: String,
    pub at: String,
    pub reason: String,
    /// The dissenting opinions kept against it (bảo lưu ý kiến): who, when, to whom, what.
    pub dissents: Vec<DissentLine>,
}

/// A dissenting opinion shown with its decision.
#[derive(Debug, Clone)]
pub struct DissentLine {
    pub by: String,
    pub at: String,
    /// The level it is addressed to.
    pub to: String,
    pub opinion: String,
}

/// `GET /doi-tuong/{id}`: one subject through the cycle.
#[derive(Template)]
#[template(path = "subject.html")]
pub struct SubjectPage {
    pub c: Chrome,
    pub plan: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub stage: String,
    pub form: String,
    pub next: Option<String>,
    pub participation: String,
    pub actions: Vec<Link>,
    pub previous: Vec<Labelled>,
    /// Facts gathered in the year (in force) and the ones still awaited.
    pub facts: Vec<Labelled>,
    pub sections: Vec<SectionText>,
    pub flags: Vec<String>,
    pub columns: Vec<ColumnRow>,
    pub allowed: Option<String>,
    pub findings: Vec<FindingRow>,
    pub decisions: Vec<DecisionRow>,
    /// The subject's id, for the document downloads.
    pub id: String,
}

/// A section of the self-review form.
#[derive(Debug, Clone)]
pub struct SectionInput {
    /// A safe id for the HTML (`A-I`).
    pub id: String,
    pub code: String,
    pub title: String,
    pub required: bool,
    pub guidance: Vec<String>,
    pub text: String,
    pub invalid: bool,
}

/// `GET /doi-tuong/{id}/kiem-diem`: writing the self-review.
#[derive(Template)]
#[template(path = "self_review.html")]
pub struct SelfReviewPage {
    pub c: Chrome,
    pub subject: String,
    pub name: String,
    pub form: String,
    pub deadline: Option<String>,
    /// Last year's commitment for this year (bản đăng ký phấn đấu), to review against.
    pub commitment: Option<String>,
    pub version: i64,
    pub sections: Vec<SectionInput>,
    /// The field the error concerns (`sections.A.I`), empty for a general one.
    pub field: String,
    pub error: String,
    pub rules: Vec<String>,
}

/// A criterion of the self-evaluation form.
#[derive(Debug, Clone)]
pub struct CriterionInput {
    pub id: String,
    pub title: String,
    pub max: String,
    pub value: String,
    pub invalid: bool,
}

/// A top-level group of criteria.
#[derive(Debug, Clone)]
pub struct CriterionGroupInput {
    pub title: String,
    pub max: String,
    pub items: Vec<CriterionInput>,
}

/// A choice of a select: code and name.
#[derive(Debug, Clone)]
pub struct Choice {
    pub code: String,
    pub name: String,
}

/// `GET /doi-tuong/{id}/tu-danh-gia`: the self-evaluation.
#[derive(Template)]
#[template(path = "self_evaluation.html")]
pub struct SelfEvaluationPage {
    pub c: Chrome,
    pub subject: String,
    pub name: String,
    pub framework: String,
    pub version: i64,
    /// Points (true) or grades.
    pub points: bool,
    pub groups: Vec<CriterionGroupInput>,
    pub grades: Vec<Choice>,
    pub levels: Vec<Choice>,
    /// Assigned, completed, on time, exceeded (as typed).
    pub tasks: (String, String, String, String),
    pub proposed: String,
    pub note: String,
    pub result: Option<String>,
    pub field: String,
    pub error: String,
    pub rules: Vec<String>,
}

/// A subject on a ballot paper.
#[derive(Debug, Clone)]
pub struct PaperSubject {
    pub id: String,
    pub name: String,
    pub choice: String,
    pub choice_name: String,
}

/// `GET /phieu/{id}`: a member's ballot paper.
#[derive(Template)]
#[template(path = "ballot.html")]
pub struct BallotPage {
    pub c: Chrome,
    pub ballot: String,
    pub meeting: String,
    pub subjects: Vec<PaperSubject>,
    pub choices: Vec<Choice>,
    pub confirm: bool,
    pub done: bool,
    pub error: String,
}

/// A subject row of an organisation's page.
#[derive(Debug, Clone)]
pub struct UnitSubjectRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub stage: String,
    pub review: String,
    pub flagged: bool,
    pub self_level: String,
    pub branch_level: String,
    pub level: String,
    pub version: i64,
    /// May be put on a meeting's agenda (not excluded, not yet reviewed).
    pub reviewable: bool,
    /// Reviewed and waiting for the branch's proposal.
    pub can_propose: bool,
    pub suggested: String,
    pub error: String,
}

/// A plan on an organisation's page: its subjects in the unit, meetings, forms.
#[derive(Debug, Clone)]
pub struct UnitPlan {
    pub id: String,
    pub title: String,
    pub links: Vec<Link>,
    pub subjects: Vec<UnitSubjectRow>,
    pub meetings: Vec<Link>,
    pub can_schedule: bool,
    pub can_propose: bool,
    pub default_title: String,
    pub schedule_error: String,
}

/// A member listed on an organisation's page.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub code: String,
    pub name: String,
    pub branch: String,
    pub note: String,
}

/// `GET /to-chuc/{code}`: an organisation, its children, its subjects and meetings in the
/// plans, its members.
#[derive(Template)]
#[template(path = "org.html")]
pub struct OrgPage {
    pub c: Chrome,
    pub path: Vec<Link>,
    pub code: String,
    pub here: String,
    pub name: String,
    pub kind: String,
    pub as_of: String,
    pub today: String,
    pub viewer_name: String,
    pub children: Vec<Link>,
    /// An SVG chart of the levels, already rendered (safe markup built by the web crate).
    pub chart: Option<String>,
    pub plans: Vec<UnitPlan>,
    pub levels: Vec<Choice>,
    pub members: Vec<MemberRow>,
    pub members_total: String,
    /// The organisation's own board or committee may draw up a plan here.
    pub can_plan: bool,
    pub new_plan: NewPlanForm,
    /// Plans still in draft (to its board or committee only).
    pub drafts: Vec<Link>,
}

/// The form that drafts a plan, as typed (kept when refused).
#[derive(Debug, Clone, Default)]
pub struct NewPlanForm {
    pub year: String,
    pub title: String,
    pub review_date: String,
    /// The committee's own framework versions a plan may pin, one choice per kind of subject
    /// they are for (empty when the committee made none).
    pub frameworks: Vec<FrameworkChoice>,
    pub error: String,
    pub rules: Vec<String>,
}

/// Which framework a drafted plan pins for one kind of subject: the superior's or the national
/// one (empty code), or a version of the committee's own.
#[derive(Debug, Clone, Default)]
pub struct FrameworkChoice {
    /// The form field (`framework_<kind>`).
    pub field: String,
    /// "Khung tiêu chí cho <kind of subject>".
    pub label: String,
    pub options: Vec<Choice>,
    /// The code chosen (kept when the form is refused).
    pub chosen: String,
}

/// A subject on a meeting's agenda.
#[derive(Debug, Clone)]
pub struct AgendaRow {
    pub subject: String,
    pub name: String,
    pub kind: String,
    pub stage: String,
    pub reviewed: bool,
    pub absent: bool,
    pub conclusion: String,
    /// May be voted on (a member's subject reviewed here).
    pub votable: bool,
    pub error: String,
    pub rules: Vec<String>,
    pub typed_comments: String,
    pub typed_conclusion: String,
    pub typed_chair: String,
    pub typed_override: String,
}

/// A ballot result line: counts per level (highest first), blanks, the outcome.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub name: String,
    pub counts: Vec<String>,
    pub blank: String,
    pub outcome: String,
}

/// A name on a ballot (for the tally form).
#[derive(Debug, Clone)]
pub struct NamedId {
    pub id: String,
    pub name: String,
}

/// A ballot of a meeting, as its console shows it.
#[derive(Debug, Clone)]
pub struct BallotPanel {
    pub id: String,
    pub label: String,
    pub status: String,
    pub count: String,
    pub live: bool,
    pub version: i64,
    pub can_open: bool,
    pub can_close: bool,
    pub can_tally: bool,
    pub subjects: Vec<NamedId>,
    pub results: Vec<ResultRow>,
}

/// `GET /hoi-nghi/{id}`: the meeting console.
#[derive(Template)]
#[template(path = "meeting.html")]
pub struct MeetingPage {
    pub c: Chrome,
    pub id: String,
    pub org_code: String,
    pub org_name: String,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub chair: String,
    pub status: String,
    pub attendance: String,
    pub open: bool,
    pub version: i64,
    /// The members present, who may chair an item (value: member id).
    pub attendees: Vec<Choice>,
    pub items: Vec<AgendaRow>,
    pub ballots: Vec<BallotPanel>,
    pub levels: Vec<Choice>,
    pub ballot_error: String,
    pub ballot_rules: Vec<String>,
    pub close_error: String,
    pub close_rules: Vec<String>,
    pub typed_half_days: String,
    pub typed_minutes: String,
    pub typed_conclusion: String,
    pub typed_override: String,
    pub minutes: String,
    pub conclusion: String,
}

/// The live count of a ballot (an htmx fragment).
#[derive(Template)]
#[template(path = "ballot_count.html")]
pub struct BallotCount {
    pub meeting: String,
    pub ballot: String,
    pub count: String,
    pub live: bool,
}

/// A node's progress line.
#[derive(Debug, Clone)]
pub struct ProgressRow {
    pub name: String,
    pub href: String,
    pub subjects: String,
    pub self_review: String,
    pub review: String,
    pub decision: String,
    pub late: bool,
}

/// Someone not yet reviewed or rated.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub subject: String,
    pub name: String,
    pub stage: String,
    pub reason: String,
    pub late: bool,
}

/// A person escalated to the board.
#[derive(Debug, Clone)]
pub struct EscalationRow {
    pub id: String,
    pub person: String,
    pub places: String,
    pub version: i64,
    pub error: String,
}

/// The progress table of a plan at a node and its children: the same for every viewer, so the web
/// crate renders it once per kept overview and [`PlanPage`] inserts it as is.
#[derive(Template)]
#[template(path = "plan_progress.html")]
pub struct PlanProgressTable {
    pub tr: &'static Tr,
    pub progress: Vec<ProgressRow>,
}

/// `GET /ke-hoach/{id}`: a plan, its progress over the subtree, who is late and why.
#[derive(Template)]
#[template(path = "plan.html")]
pub struct PlanPage {
    pub c: Chrome,
    pub id: String,
    /// From the plan's organisation down to the node's parent, each to its progress.
    pub path: Vec<Link>,
    /// The node shown (the plan's organisation unless a lower one was chosen).
    pub org_code: String,
    pub org_name: String,
    pub title: String,
    pub basis: String,
    pub status: String,
    pub review_date: String,
    /// Phases: label = title, note = from, href = to.
    pub phases: Vec<Link>,
    pub can_publish: bool,
    pub version: i64,
    pub publish_error: String,
    pub publish_rules: Vec<String>,
    /// The progress table, rendered once per kept overview ([`PlanProgressTable`]).
    pub progress_table: String,
    /// Progress over time (SVG), `None` before any subject passed a step.
    pub over_time: Option<String>,
    pub chart: Option<String>,
    pub pending: Vec<PendingRow>,
    pub pending_pager: PendingPager,
    pub escalations: Vec<EscalationRow>,
    /// A draft its board or committee may still change and open.
    pub can_manage: bool,
    /// The criteria frameworks of the plan, by kind of subject.
    pub frameworks: Vec<Link>,
    pub phase_rows: Vec<PhaseRow>,
    pub manage_error: String,
    pub manage_rules: Vec<String>,
    pub levels: Vec<Choice>,
    /// The plan's year, for the report downloads.
    pub year: i32,
}

/// A phase of a draft plan, as its form shows it.
#[derive(Debug, Clone, Default)]
pub struct PhaseRow {
    pub code: String,
    pub step: String,
    pub title: String,
    pub from: String,
    pub to: String,
}

/// Where the plan page's pending list is: "51–100 of 256" and the links to the pages beside.
#[derive(Debug, Clone, Default)]
pub struct PendingPager {
    /// Empty when the whole list fits on one page.
    pub note: String,
    /// Empty on the first page.
    pub previous: String,
    /// Empty on the last page.
    pub next: String,
}

/// A subject on the decision page.
#[derive(Debug, Clone)]
pub struct DecideRow {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub proposals: String,
    pub allowed: String,
    pub suggested_name: String,
    pub findings: Vec<FindingRow>,
    pub level: String,
    pub version: i64,
    /// `decide`, `correct`, or empty when nothing can be done now.
    pub action: String,
    pub action_label: String,
    pub chosen: String,
    pub typed_reason: String,
    pub error: String,
    pub error_field: String,
    pub rules: Vec<String>,
}

/// A quota group on the decision page.
#[derive(Debug, Clone)]
pub struct DecideGroup {
    pub name: String,
    pub quota: String,
    pub over: bool,
    pub rules: Vec<String>,
    pub rows: Vec<DecideRow>,
}

/// `GET /ke-hoach/{id}/quyet-dinh?to-chuc=…`: the committee decides, group by group.
#[derive(Template)]
#[template(path = "decide.html")]
pub struct DecidePage {
    pub c: Chrome,
    pub plan_id: String,
    pub plan: String,
    pub org: String,
    pub org_code: String,
    pub groups: Vec<DecideGroup>,
    pub levels: Vec<Choice>,
}

/// A table of a record page: a title, headings and rows of text.
#[derive(Debug, Clone)]
pub struct TextTable {
    pub title: String,
    pub heads: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// `GET /dang-vien/{code}`: a member's file, as of a chosen day, and their dated history.
#[derive(Template)]
#[template(path = "member.html")]
pub struct MemberPage {
    pub c: Chrome,
    pub code: String,
    pub name: String,
    pub branch: String,
    pub branch_href: String,
    pub as_of: String,
    pub facts: Vec<Labelled>,
    pub tables: Vec<TextTable>,
}

/// `GET /nhat-ky`: the chain's verification and the trail of a record.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub c: Chrome,
    pub verified: Option<String>,
    pub intact: bool,
    pub entities: Vec<Choice>,
    pub entity: String,
    pub entity_id: String,
    pub error: String,
    pub entries: Vec<Vec<String>>,
}

/// `GET /nhap`: importing records from a spreadsheet.
#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub c: Chrome,
    pub kinds: Vec<Choice>,
    pub kind: String,
    pub error: String,
    pub report: Option<String>,
    pub problems: Vec<Vec<String>>,
}

/// An account as its manager sees it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub login: String,
    pub name: String,
    pub member: String,
    pub disabled: bool,
    pub must_change: bool,
    /// Roles in force: label = role and place, note = since, href = the grant's id.
    pub grants: Vec<Link>,
}

/// `GET /tai-khoan`: the accounts an administrator or a board manages.
#[derive(Template)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    pub c: Chrome,
    pub scope: String,
    pub accounts: Vec<AccountRow>,
    pub roles: Vec<Choice>,
    /// Login, name, card number, organisation, role's organisation (as typed).
    pub typed: (String, String, String, String, String),
    /// A one-time password to hand over, shown once.
    pub secret: Option<String>,
    pub error: String,
}

/// `GET /khung/{id}`: a criteria framework — its tree of criteria with their points; a
/// committee's version can be changed (a new version) and any framework derived from.
#[derive(Template)]
#[template(path = "framework.html")]
pub struct FrameworkPage {
    pub c: Chrome,
    /// Its page (`/khung?ma=…`); the change form posts there.
    pub href: String,
    /// Where the form making a committee's own framework from it posts.
    pub derive_href: String,
    pub title: String,
    pub source: String,
    /// "Phiên bản 2 của …, từ …" for a committee's version; empty for a shipped framework.
    pub lineage: String,
    pub total: String,
    pub rows: Vec<CriterionRow>,
    /// The viewer's committee may change this version.
    pub can_edit: bool,
    /// The viewer's committee may make its own from this one.
    pub can_derive: bool,
    pub derive_name: String,
    pub error: String,
    pub rules: Vec<String>,
}

/// A criterion as the framework page lists it.
#[derive(Debug, Clone, Default)]
pub struct CriterionRow {
    pub id: String,
    pub title: String,
    /// 0 at the top; the page indents by it.
    pub depth: usize,
    pub group: String,
    /// Points as people write them (`8,5`), or as typed when refused; empty when it has none.
    pub max: String,
}
