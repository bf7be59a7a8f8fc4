//! Facts gathered during the year for a subject (*sự việc được ghi nhận trong năm*), each with
//! who recorded it and its source document (number, date, issuer), audited, and read by
//! [`crate::facts::gather`] when the subject is rated:
//!
//! - conclusions of the competent level or of the inspection committee (suy thoái, những điều
//!   đảng viên không được làm, nêu gương, mất đoàn kết, công tác cán bộ, thành viên suy thoái,
//!   tham nhũng trong phạm vi phụ trách and whether self-detected): `concluded`, `cleared`, or
//!   `under_review` — a conclusion awaited makes the subject wait;
//! - a leader's vote of confidence (held, low/total; or not held in the year);
//! - the 5 basic socio-economic targets (total/missed; or not applicable) and force majeure;
//! - whether last year's shortcomings were remedied (read from the remediation records when
//!   there are any, [`crate::remediation`]);
//! - for a discipline record: counted before (in an earlier year's classification), and
//!   unrelated to a collective's remit (recorded at that collective's subject).
//!
//! A fact a rule needs and nobody has recorded is *unknown* (`SubjectFacts::unknown`): the rules
//! make the subject pending naming it, never a silent "no". Which facts are awaited by default:
//! the vote of confidence for holders of posts, the key targets for the leaders and bodies of a
//! province or of an upper-grassroots committee, force majeure and earlier shortcomings for
//! everyone (the rules consult them only when a floor is missed or the score reaches HTXSNV).
//! A conclusion is a positive act: none recorded means none drawn.
//!
//! Who may record which fact ([`crate::access::permits`]): conclusions and the discipline
//! readings — the committee and the inspection committee (`RecordConclusion`); the vote of
//! confidence, the key targets and force majeure — the committee and the organisation board
//! (`RecordFact`); earlier shortcomings remedied — as remediation records (`RecordRemediation`).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{Plan, load_plan, load_subject, require_status};
use kiemdiem_rules::facts::{ConfidenceVote, FactCode, KeyTargets, SubjectFacts};
use kiemdiem_rules::{OrgKind, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::facts::{NewSubjectFact, SourceDocument, SubjectFact};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Where a conclusion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConclusionStatus {
    /// Concluded (đã kết luận có vi phạm).
    Concluded,
    /// Verified and not concluded (đã xác minh, kết luận không có).
    Cleared,
    /// Under verification or inspection (đang xác minh, kiểm tra): the subject waits.
    UnderReview,
}

/// A fact and its value. The tag `fact` is the fact's stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum FactValue {
    Degradation {
        status: ConclusionStatus,
    },
    ForbiddenActs {
        status: ConclusionStatus,
    },
    ExemplaryDutyBreached {
        status: ConclusionStatus,
    },
    Disunity {
        status: ConclusionStatus,
    },
    CadreWorkViolation {
        status: ConclusionStatus,
    },
    MemberDegradation {
        status: ConclusionStatus,
    },
    CorruptionInScope {
        status: ConclusionStatus,
        /// Tự phát hiện, báo cáo và khắc phục (only with `concluded`).
        #[serde(default)]
        self_detected: bool,
    },
    ConfidenceVote {
        /// Whether a vote of confidence was held in the year.
        held: bool,
        #[serde(default)]
        low: u32,
        #[serde(default)]
        total: u32,
    },
    KeyTargets {
        /// Whether the 5 basic socio-economic targets apply to the subject.
        applies: bool,
        #[serde(default)]
        total: u32,
        #[serde(default)]
        missed: u32,
    },
    ForceMajeure {
        recognised: bool,
    },
    PreviousDefectsFixed {
        fixed: bool,
    },
    DisciplineCountedBefore {
        discipline_id: Uuid,
        counted_before: bool,
    },
    DisciplineUnrelatedToCollective {
        discipline_id: Uuid,
        unrelated: bool,
    },
}

impl FactValue {
    /// The stable code, as in the database and the API.
    pub fn code(&self) -> &'static str {
        match self {
            FactValue::DisciplineCountedBefore { .. } => "discipline_counted_before",
            FactValue::DisciplineUnrelatedToCollective { .. } => {
                "discipline_unrelated_to_collective"
            }
            other => other.fact().map_or("", FactCode::code),
        }
    }

    /// The rules' fact this value is about (none for the discipline readings).
    pub fn fact(&self) -> Option<FactCode> {
        Some(match self {
            FactValue::Degradation { .. } => FactCode::Degradation,
            FactValue::ForbiddenActs { .. } => FactCode::ForbiddenActs,
            FactValue::ExemplaryDutyBreached { .. } => FactCode::ExemplaryDutyBreached,
            FactValue::Disunity { .. } => FactCode::Disunity,
            FactValue::CadreWorkViolation { .. } => FactCode::CadreWorkViolation,
            FactValue::MemberDegradation { .. } => FactCode::MemberDegradation,
            FactValue::CorruptionInScope { .. } => FactCode::CorruptionInScope,
            FactValue::ConfidenceVote { .. } => FactCode::ConfidenceVote,
            FactValue::KeyTargets { .. } => FactCode::KeyTargets,
            FactValue::ForceMajeure { .. } => FactCode::ForceMajeure,
            FactValue::PreviousDefectsFixed { .. } => FactCode::PreviousDefectsFixed,
            FactValue::DisciplineCountedBefore { .. }
            | FactValue::DisciplineUnrelatedToCollective { .. } => return None,
        })
    }

    fn discipline(&self) -> Option<Uuid> {
        match self {
            FactValue::DisciplineCountedBefore { discipline_id, .. }
            | FactValue::DisciplineUnrelatedToCollective { discipline_id, .. } => {
                Some(*discipline_id)
            }
            _ => None,
        }
    }

    fn conclusion_status(&self) -> Option<ConclusionStatus> {
        match self {
            FactValue::Degradation { status }
            | FactValue::ForbiddenActs { status }
            | FactValue::ExemplaryDutyBreached { status }
            | FactValue::Disunity { status }
            | FactValue::CadreWorkViolation { status }
            | FactValue::MemberDegradation { status }
            | FactValue::CorruptionInScope { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The fact and its value in Vietnamese, as shown to people.
    pub fn describe_vi(&self) -> String {
        let yes_no = |b: bool, yes: &str, no: &str| if b { yes } else { no }.to_owned();
        match self {
            FactValue::ConfidenceVote {
                held: true,
                low,
                total,
            } => format!("Lấy phiếu tín nhiệm trong năm: {low}/{total} phiếu tín nhiệm thấp"),
            FactValue::ConfidenceVote { held: false, .. } => {
                "Không tổ chức lấy phiếu tín nhiệm trong năm".to_owned()
            }
            FactValue::KeyTargets {
                applies: true,
                total,
                missed,
            } => format!("5 chỉ tiêu kinh tế - xã hội cơ bản: không đạt {missed}/{total}"),
            FactValue::KeyTargets { applies: false, .. } => {
                "5 chỉ tiêu kinh tế - xã hội cơ bản: không áp dụng".to_owned()
            }
            FactValue::ForceMajeure { recognised } => format!(
                "Yếu tố bất khả kháng: {}",
                yes_no(*recognised, "có", "không")
            ),
            FactValue::PreviousDefectsFixed { fixed } => format!(
                "Hạn chế, khuyết điểm kỳ trước: {}",
                yes_no(*fixed, "đã khắc phục 100%", "chưa khắc phục hết")
            ),
            FactValue::DisciplineCountedBefore { counted_before, .. } => yes_no(
                *counted_before,
                "Quyết định kỷ luật đã được tính khi xếp loại kỳ trước",
                "Quyết định kỷ luật chưa được tính khi xếp loại kỳ trước",
            ),
            FactValue::DisciplineUnrelatedToCollective { unrelated, .. } => yes_no(
                *unrelated,
                "Vi phạm của thành viên không liên quan đến chức trách của tập thể",
                "Vi phạm của thành viên liên quan đến chức trách của tập thể",
            ),
            other => {
                let name = other.fact().map_or("", FactCode::name_vi);
                let status = match other.conclusion_status() {
                    Some(ConclusionStatus::Concluded) => "đã kết luận có",
                    Some(ConclusionStatus::Cleared) => "đã kết luận không có",
                    _ => "đang xác minh",
                };
                let self_detected = matches!(
                    other,
                    FactValue::CorruptionInScope {
                        self_detected: true,
                        ..
                    }
                );
                let mut text = format!("Về {name}: {status}");
                if self_detected {
                    text.push_str(" (tự phát hiện, báo cáo, khắc phục)");
                }
                text
            }
        }
    }

    /// The action that records it: who may record which fact.
    pub fn action(&self) -> Action {
        match self {
            FactValue::ConfidenceVote { .. }
            | FactValue::KeyTargets { .. }
            | FactValue::ForceMajeure { .. } => Action::RecordFact,
            FactValue::PreviousDefectsFixed { .. } => Action::RecordRemediation,
            _ => Action::RecordConclusion,
        }
    }
}

/// The source document of a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// Số văn bản (e.g. "15-KL/UBKT").
    pub number: String,
    pub date: Date,
    /// Cơ quan ban hành.
    pub issuer: String,
}

/// A fact to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactInput {
    pub value: FactValue,
    pub document: DocumentRef,
    #[serde(default)]
    pub note: String,
}

/// A fact as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedFact {
    pub id: Uuid,
    pub subject: Uuid,
    /// The fact's code.
    pub fact: &'static str,
    pub value: FactValue,
    pub document: DocumentRef,
    pub note: String,
    /// Whether it is the record in force (the latest of its fact, and discipline record).
    pub in_force: bool,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A fact a rule needs and nobody has recorded yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwaitedFact {
    pub code: &'static str,
    pub name: &'static str,
}

/// A subject's facts: every record (history included) and the facts still awaited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectFactsView {
    pub subject: Uuid,
    pub facts: Vec<RecordedFact>,
    /// The facts not known yet that the subject's rules may need (`SubjectFacts::unknown`).
    pub unknown: Vec<AwaitedFact>,
}

fn parse_recorded(fact: SubjectFact) -> Result<(SubjectFact, FactValue)> {
    let value: FactValue = serde_json::from_str(&fact.record.value).map_err(|e| {
        AppError::new(
            crate::ErrorCode::Internal,
            format!("sự việc {} không đọc được: {e}", fact.id),
        )
    })?;
    Ok((fact, value))
}

/// The records in force among `facts` (the latest per fact code and discipline record).
fn in_force(facts: &[(SubjectFact, FactValue)]) -> BTreeMap<(String, Option<Uuid>), FactValue> {
    let mut out = BTreeMap::new();
    for (fact, value) in facts {
        out.insert(
            (fact.record.fact.clone(), fact.record.discipline),
            value.clone(),
        );
    }
    out
}

async fn recorded(tx: &mut Tx, subject: Uuid) -> Result<Vec<(SubjectFact, FactValue)>> {
    tx.subject_facts(subject)
        .await?
        .into_iter()
        .map(parse_recorded)
        .collect()
}

/// Whether the 5 basic socio-economic targets are awaited for `subject` (QĐ 366 Điều 11 khoản
/// 4): its leaders and bodies of a province or of an upper-grassroots committee (since 2025 the
/// commune's). Read where the texts are silent: the targets are a locality's; others record
/// "not applicable" (`applies: false`) if a rule book asks.
async fn key_targets_awaited(tx: &mut Tx, plan: &Plan, subject: &SubjectRow) -> Result<bool> {
    let kind = subject.kind;
    if !(kind.holds_post() || matches!(kind, SubjectKind::Organisation | SubjectKind::Collective)) {
        return Ok(false);
    }
    let org = match (kind, subject.collective_id) {
        (SubjectKind::Collective, Some(collective)) => {
            tx.collective(collective).await?.map(|c| c.org)
        }
        _ => Some(subject.org_id.unwrap_or(subject.unit_id)),
    };
    let Some(org) = org else { return Ok(false) };
    Ok(tx
        .org_as_of(org, plan.review_date)
        .await?
        .is_some_and(|o| matches!(o.kind, OrgKind::Province | OrgKind::UpperGrassroots)))
}

/// Puts the recorded facts of `subject` into `facts`, and lists as unknown those a rule may need
/// that nobody recorded. Earlier shortcomings come from the remediation records when there are
/// any ([`crate::remediation::previous_defects_fixed`]).
pub(crate) async fn apply(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
    facts: &mut SubjectFacts,
) -> Result<()> {
    let kind = subject.kind;
    let records = recorded(tx, subject.id).await?;
    let current = in_force(&records);
    let get = |fact: FactCode| current.get(&(fact.code().to_owned(), None));
    let mut unknown = Vec::new();
    for fact in FactCode::ALL.into_iter().filter(|f| f.is_conclusion()) {
        let Some(value) = get(fact) else { continue };
        match value.conclusion_status() {
            Some(ConclusionStatus::UnderReview) => unknown.push(fact),
            Some(ConclusionStatus::Concluded) => {
                let c = &mut facts.conclusions;
                match value {
                    FactValue::Degradation { .. } => c.degradation = true,
                    FactValue::ForbiddenActs { .. } => c.forbidden_acts = true,
                    FactValue::ExemplaryDutyBreached { .. } => c.exemplary_duty_breached = true,
                    FactValue::Disunity { .. } => c.disunity = true,
                    FactValue::CadreWorkViolation { .. } => c.cadre_work_violation = true,
                    FactValue::MemberDegradation { .. } => c.member_degradation = true,
                    FactValue::CorruptionInScope { self_detected, .. } => {
                        c.corruption_in_scope = true;
                        c.corruption_self_detected = *self_detected;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    match get(FactCode::ConfidenceVote) {
        Some(FactValue::ConfidenceVote {
            held: true,
            low,
            total,
        }) => {
            facts.confidence_vote = Some(ConfidenceVote {
                low: *low,
                total: *total,
            })
        }
        Some(_) => facts.confidence_vote = None,
        None if kind.holds_post() => unknown.push(FactCode::ConfidenceVote),
        None => {}
    }
    match get(FactCode::KeyTargets) {
        Some(FactValue::KeyTargets {
            applies: true,
            total,
            missed,
        }) => {
            facts.key_targets = Some(KeyTargets {
                total: *total,
                missed: *missed,
            })
        }
        Some(_) => facts.key_targets = None,
        None if key_targets_awaited(tx, plan, subject).await? => unknown.push(FactCode::KeyTargets),
        None => {}
    }
    match get(FactCode::ForceMajeure) {
        Some(FactValue::ForceMajeure { recognised }) => facts.force_majeure = *recognised,
        _ => unknown.push(FactCode::ForceMajeure),
    }
    let remedied = crate::remediation::previous_defects_fixed(tx, plan, subject).await?;
    match (remedied, get(FactCode::PreviousDefectsFixed)) {
        (Some(fixed), _) | (None, Some(&FactValue::PreviousDefectsFixed { fixed })) => {
            facts.previous_defects_fixed = Some(fixed)
        }
        _ => unknown.push(FactCode::PreviousDefectsFixed),
    }
    unknown.sort();
    unknown.dedup();
    facts.unknown = unknown;
    Ok(())
}

/// How the discipline record `id` is read at `subject`: (counted before, unrelated to the
/// collective's remit). Counted before is the record's, wherever it was recorded; unrelated is
/// the collective's own reading, recorded at its subject.
pub(crate) async fn discipline_reading(
    tx: &mut Tx,
    id: Uuid,
    subject: Uuid,
) -> Result<(bool, bool)> {
    let mut counted_before = false;
    let mut unrelated = false;
    for fact in tx.discipline_facts(id).await? {
        let at = fact.subject_id;
        let (_, value) = parse_recorded(fact)?;
        match value {
            FactValue::DisciplineCountedBefore {
                counted_before: c, ..
            } => counted_before = c,
            FactValue::DisciplineUnrelatedToCollective { unrelated: u, .. } if at == subject => {
                unrelated = u
            }
            _ => {}
        }
    }
    Ok((counted_before, unrelated))
}

fn check_input(input: &FactInput, kind: SubjectKind, today: Date) -> Result<()> {
    let document = &input.document;
    if document.number.trim().is_empty() {
        return Err(AppError::invalid(
            "document.number",
            "Phải ghi số văn bản làm căn cứ (kết luận, biên bản, báo cáo …)",
        ));
    }
    if document.issuer.trim().is_empty() {
        return Err(AppError::invalid(
            "document.issuer",
            "Phải ghi cơ quan ban hành văn bản làm căn cứ",
        ));
    }
    if document.date > today {
        return Err(AppError::invalid(
            "document.date",
            format!(
                "Ngày văn bản {} sau ngày hôm nay",
                crate::date_vi(document.date)
            ),
        ));
    }
    let body = matches!(kind, SubjectKind::Organisation | SubjectKind::Collective);
    let refuse = |field: &str, message: &str| Err(AppError::invalid(field, message));
    match &input.value {
        FactValue::Disunity { .. }
        | FactValue::CadreWorkViolation { .. }
        | FactValue::MemberDegradation { .. }
            if !body =>
        {
            refuse(
                "value.fact",
                "Kết luận này là về tổ chức đảng, tập thể lãnh đạo, không về cá nhân",
            )
        }
        FactValue::CorruptionInScope { .. } if !body && !kind.holds_post() => refuse(
            "value.fact",
            "Tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách là kết luận về người giữ chức vụ lãnh đạo, quản lý hoặc tập thể",
        ),
        FactValue::CorruptionInScope {
            status,
            self_detected: true,
        } if *status != ConclusionStatus::Concluded => refuse(
            "value.self_detected",
            "Tự phát hiện, báo cáo, khắc phục chỉ ghi khi đã có kết luận",
        ),
        FactValue::Degradation { .. }
        | FactValue::ForbiddenActs { .. }
        | FactValue::ExemplaryDutyBreached { .. }
            if body =>
        {
            refuse(
                "value.fact",
                "Kết luận này là về cá nhân; với tập thể hãy ghi «thành viên suy thoái» (member_degradation)",
            )
        }
        FactValue::ConfidenceVote { .. } if !kind.holds_post() => refuse(
            "value.fact",
            "Lấy phiếu tín nhiệm chỉ ghi cho người giữ chức vụ lãnh đạo, quản lý",
        ),
        FactValue::ConfidenceVote {
            held: true,
            low,
            total,
        } if *total == 0 || low > total => refuse(
            "value.low",
            "Số phiếu tín nhiệm thấp phải không lớn hơn tổng số phiếu, tổng số phiếu lớn hơn 0",
        ),
        FactValue::ConfidenceVote {
            held: false,
            low,
            total,
        } if *low > 0 || *total > 0 => refuse(
            "value.held",
            "Không tổ chức lấy phiếu tín nhiệm thì không ghi số phiếu",
        ),
        FactValue::KeyTargets { .. } if !body && !kind.holds_post() => refuse(
            "value.fact",
            "5 chỉ tiêu kinh tế - xã hội cơ bản ghi cho người lãnh đạo, quản lý hoặc tập thể",
        ),
        FactValue::KeyTargets {
            applies: true,
            total,
            missed,
        } if *total == 0 || missed > total => refuse(
            "value.missed",
            "Số chỉ tiêu không đạt phải không lớn hơn tổng số chỉ tiêu, tổng số lớn hơn 0",
        ),
        FactValue::DisciplineUnrelatedToCollective { .. } if kind != SubjectKind::Collective => {
            refuse(
                "value.fact",
                "Vi phạm không liên quan đến chức trách của tập thể chỉ ghi tại đối tượng là tập thể lãnh đạo, quản lý",
            )
        }
        _ => Ok(()),
    }
}

impl App {
    /// Records a fact about `subject` with its source document, authorized per fact (see the
    /// module's note) on the subject's scope, audited (`subject.fact`). The latest record of a
    /// fact is in force; earlier ones stay as its history. Refused once the subject is decided
    /// (a later conclusion goes through re-classification).
    pub async fn record_subject_fact(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: FactInput,
    ) -> Result<RecordedFact> {
        let who = self
            .authorize(actor, input.value.action(), Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "ghi nhận sự việc trong năm")?;
        if row.stage.decided() {
            return Err(AppError::conflict(
                "Đối tượng đã được quyết định xếp loại: sự việc ghi nhận sau đó được xem xét bằng xếp loại lại",
            ));
        }
        check_input(&input, row.kind, self.today())?;
        if let Some(discipline) = input.value.discipline()
            && tx.member_discipline_places(discipline).await?.is_none()
        {
            return Err(AppError::invalid(
                "value.discipline_id",
                format!("Không có quyết định kỷ luật đảng viên «{discipline}»"),
            ));
        }
        let value = serde_json::to_string(&input.value)
            .map_err(|e| AppError::new(crate::ErrorCode::Internal, format!("ghi sự việc: {e}")))?;
        let record = NewSubjectFact {
            fact: input.value.code().to_owned(),
            discipline: input.value.discipline(),
            value,
            document: SourceDocument {
                number: input.document.number.trim().to_owned(),
                date: input.document.date,
                issuer: input.document.issuer.trim().to_owned(),
            },
            note: input.note.trim().to_owned(),
        };
        let id = tx.add_subject_fact(subject, &record).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.fact", "subject", subject).detail(serde_json::json!({
                "id": id, "fact": record.fact, "value": input.value,
                "document": { "number": record.document.number, "date": record.document.date,
                    "issuer": record.document.issuer },
                "note": record.note,
            })),
        )
        .await?;
        let view = RecordedFact {
            id,
            subject,
            fact: input.value.code(),
            value: input.value,
            document: DocumentRef {
                number: record.document.number,
                date: record.document.date,
                issuer: record.document.issuer,
            },
            note: record.note,
            in_force: true,
            by: who.actor.user.clone(),
            at: tx.stamp()?.at,
        };
        tx.commit().await?;
        Ok(view)
    }

    /// The facts recorded about `subject` (history included, the ones in force marked) and the
    /// facts its rules may still need that nobody recorded.
    pub async fn subject_facts(&self, actor: &Actor, subject: Uuid) -> Result<SubjectFactsView> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let records = recorded(&mut tx, subject).await?;
        let latest: BTreeMap<(String, Option<Uuid>), Uuid> = records
            .iter()
            .map(|(f, _)| ((f.record.fact.clone(), f.record.discipline), f.id))
            .collect();
        let facts = records
            .into_iter()
            .map(|(f, value)| RecordedFact {
                in_force: latest.get(&(f.record.fact.clone(), f.record.discipline)) == Some(&f.id),
                id: f.id,
                subject: f.subject_id,
                fact: value.code(),
                value,
                document: DocumentRef {
                    number: f.record.document.number,
                    date: f.record.document.date,
                    issuer: f.record.document.issuer,
                },
                note: f.record.note,
                by: f.recorded_by,
                at: f.recorded_at,
            })
            .collect();
        let mut gathered = SubjectFacts::new(row.kind);
        apply(&mut tx, &plan, &row, &mut gathered).await?;
        let book = plan.book()?;
        let unknown = gathered
            .unknown
            .iter()
            .filter(|f| fact_matters(&book, gathered.kind, **f))
            .map(|f| AwaitedFact {
                code: f.code(),
                name: f.name_vi(),
            })
            .collect();
        Ok(SubjectFactsView {
            subject,
            facts,
            unknown,
        })
    }
}

/// Whether the plan's rule book has a rule that reads `fact` for a subject of `kind` (so that
/// the list of awaited facts names only those that can make it wait).
fn fact_matters(book: &kiemdiem_rules::RuleBook, kind: SubjectKind, fact: FactCode) -> bool {
    let p = &book.params;
    let body = matches!(kind, SubjectKind::Organisation | SubjectKind::Collective);
    match fact {
        FactCode::ConfidenceVote => kind.holds_post() && p.leader.low_confidence_above.is_some(),
        FactCode::KeyTargets => {
            (kind.holds_post() && p.leader.key_targets_missed_for_khtnv.is_some())
                || (body && p.collective.key_targets_missed_for_khtnv.is_some())
        }
        FactCode::PreviousDefectsFixed => p.tasks.htxsnv_previous_defects_fixed,
        FactCode::ForceMajeure => {
            (kind.holds_post() && p.leader.led_units_completed_below.is_some())
                || (body && p.collective.completed_below.is_some())
                || fact_matters(book, kind, FactCode::KeyTargets)
        }
        conclusion => {
            let list = if kind.is_individual() {
                &p.member.conclusions_forcing_khtnv
            } else {
                &p.collective.conclusions_forcing_khtnv
            };
            list.iter()
                .any(|k| FactCode::of_conclusion(*k) == conclusion)
        }
    }
}

/// The facts of a year with nothing to report for a subject of `kind`: earlier shortcomings
/// remedied and no force majeure; for post holders no vote of confidence held; for post holders
/// and bodies the 5 key targets not applying. What an office records for the ordinary case
/// (a fact nobody recorded makes the subject wait).
pub fn plain_year(kind: SubjectKind) -> Vec<FactValue> {
    let body = matches!(kind, SubjectKind::Organisation | SubjectKind::Collective);
    let mut values = vec![
        FactValue::PreviousDefectsFixed { fixed: true },
        FactValue::ForceMajeure { recognised: false },
    ];
    if kind.holds_post() {
        values.push(FactValue::ConfidenceVote {
            held: false,
            low: 0,
            total: 0,
        });
    }
    if kind.holds_post() || body {
        values.push(FactValue::KeyTargets {
            applies: false,
            total: 0,
            missed: 0,
        });
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_with_their_code_as_tag_and_read_in_vietnamese() {
        let vote = FactValue::ConfidenceVote {
            held: true,
            low: 6,
            total: 10,
        };
        let json = serde_json::to_value(&vote).unwrap();
        assert_eq!(json["fact"], vote.code());
        assert_eq!(serde_json::from_value::<FactValue>(json).unwrap(), vote);
        assert!(vote.describe_vi().contains("6/10"));
        let conclusion = FactValue::CorruptionInScope {
            status: ConclusionStatus::Concluded,
            self_detected: true,
        };
        assert_eq!(conclusion.code(), "corruption_in_scope");
        assert!(conclusion.describe_vi().contains("tự phát hiện"));
        assert_eq!(conclusion.action(), Action::RecordConclusion);
        let counted = FactValue::DisciplineCountedBefore {
            discipline_id: Uuid::nil(),
            counted_before: true,
        };
        assert_eq!(counted.code(), "discipline_counted_before");
        assert_eq!(counted.fact(), None);
        assert_eq!(
            FactValue::ForceMajeure { recognised: true }.action(),
            Action::RecordFact
        );
    }
}
