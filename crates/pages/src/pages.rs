//! The page structs, one per template: the values each page shows, already formatted.

use crate::{Chrome, Link};
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
    pub sections: Vec<SectionText>,
    pub flags: Vec<String>,
    pub columns: Vec<ColumnRow>,
    pub allowed: Option<String>,
    pub findings: Vec<FindingRow>,
    pub decisions: Vec<DecisionRow>,
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
