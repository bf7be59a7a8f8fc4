//! What other bodies say of a subject before the decision: the verification (thẩm định) of the
//! advisory staff, the opinions of the participating bodies — each in its column of the summary
//! form ([`OpinionSource`]) — and the proposal of the body that proposes ([`App::propose`]).
//! None of them decides a level ([`super::decision`]).

use super::order::refuse_order;
use super::{EvaluationView, StoredInput, save_evaluation, score_of, scored_row};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{advance, load_plan, load_subject, require_status};
use crate::state::{Event, Stage};
use kiemdiem_rules::Level;
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::EvaluationInput;
use kiemdiem_rules::ordering::{Precedence, Predecessor};
use kiemdiem_store::cycle::evaluation::EvaluationRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// Who gives an opinion, and in which column of the summary form it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionSource {
    /// (2) Đánh giá, xếp loại công chức, viên chức của cơ quan, đơn vị.
    CivilService,
    /// (3) Chi ủy nơi đảng viên sinh hoạt.
    BranchCommittee,
    /// (4) Tập thể lãnh đạo đoàn thể mà đảng viên là thành viên lãnh đạo.
    MassOrganisation,
    /// Thẩm định của cơ quan tham mưu về tổ chức, cán bộ (ban tổ chức, bộ phận giúp việc).
    AdvisoryStaff,
    /// Thường trực, ban thường vụ cấp ủy.
    StandingCommittee,
    /// Thường trực HĐND, UBND, Ủy ban MTTQ.
    GovernmentBodies,
    /// Các ban tham mưu, cơ quan ngành dọc.
    AdvisoryBoards,
}

impl OpinionSource {
    pub const ALL: [OpinionSource; 7] = [
        OpinionSource::CivilService,
        OpinionSource::BranchCommittee,
        OpinionSource::MassOrganisation,
        OpinionSource::AdvisoryStaff,
        OpinionSource::StandingCommittee,
        OpinionSource::GovernmentBodies,
        OpinionSource::AdvisoryBoards,
    ];

    pub fn parse(code: &str) -> Option<OpinionSource> {
        OpinionSource::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            OpinionSource::CivilService => "civil_service",
            OpinionSource::BranchCommittee => "branch_committee",
            OpinionSource::MassOrganisation => "mass_organisation",
            OpinionSource::AdvisoryStaff => "advisory_staff",
            OpinionSource::StandingCommittee => "standing_committee",
            OpinionSource::GovernmentBodies => "government_bodies",
            OpinionSource::AdvisoryBoards => "advisory_boards",
        }
    }

    /// The column of the summary form (mẫu tổng hợp đề xuất của các chủ thể).
    pub fn column(self) -> i64 {
        match self {
            OpinionSource::CivilService => 2,
            OpinionSource::BranchCommittee => 3,
            OpinionSource::MassOrganisation => 4,
            OpinionSource::AdvisoryStaff => 6,
            OpinionSource::StandingCommittee => 7,
            OpinionSource::GovernmentBodies => 8,
            OpinionSource::AdvisoryBoards => 9,
        }
    }

    fn step(self) -> &'static str {
        match self {
            OpinionSource::AdvisoryStaff => "verification",
            _ => "opinion",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            OpinionSource::CivilService => "Xếp loại công chức, viên chức",
            OpinionSource::BranchCommittee => "Chi ủy nơi sinh hoạt",
            OpinionSource::MassOrganisation => "Tập thể lãnh đạo đoàn thể",
            OpinionSource::AdvisoryStaff => "Thẩm định của cơ quan tham mưu",
            OpinionSource::StandingCommittee => "Thường trực, Ban Thường vụ cấp ủy",
            OpinionSource::GovernmentBodies => "Thường trực HĐND, UBND, MTTQ",
            OpinionSource::AdvisoryBoards => "Các ban tham mưu, ngành dọc",
        }
    }
}

/// An opinion or a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opinion {
    pub source: OpinionSource,
    /// The version read (0 for a new opinion from this source).
    #[serde(default)]
    pub version: i64,
    pub level: Option<Level>,
    /// A verified score sheet, when the body re-scores (thẩm định).
    #[serde(default)]
    pub input: Option<EvaluationInput>,
    #[serde(default)]
    pub tasks: Option<TaskResults>,
    #[serde(default)]
    pub note: String,
}

impl App {
    /// Records the verification (thẩm định) or the opinion of a participating body.
    pub async fn record_opinion(
        &self,
        actor: &Actor,
        subject: Uuid,
        opinion: Opinion,
    ) -> Result<EvaluationView> {
        let who = self
            .authorize(actor, Action::Verify, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "ghi ý kiến đánh giá")?;
        let book = plan.book()?;
        let framework = super::framework_of(&mut tx, &row).await?;
        let score = match &opinion.input {
            Some(input) => score_of(framework.as_ref(), &book, input)?,
            None => None,
        };
        let stored = StoredInput {
            score: opinion.input.clone().unwrap_or_default(),
            tasks: opinion.tasks,
        };
        let evaluation = EvaluationRow {
            step: opinion.source.step().into(),
            source: opinion.source.code().into(),
            column_no: opinion.source.column(),
            proposed_level: opinion.level,
            note: opinion.note.clone(),
            version: opinion.version,
            ..scored_row(subject, &stored, score.as_ref())
        };
        let event =
            AuditEvent::new("evaluation.opinion", "subject", subject).detail(serde_json::json!({
                "source": opinion.source, "level": opinion.level, "note": opinion.note,
            }));
        let view = save_evaluation(
            &mut tx,
            &who,
            &row,
            &book,
            &evaluation,
            opinion.source.name_vi(),
            event,
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The proposal of the body that proposes (chi ủy, đảng ủy bộ phận, the branch) for a
    /// subject whose level another body decides.
    pub async fn propose(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        level: Level,
        note: &str,
    ) -> Result<Stage> {
        let who = self
            .authorize(actor, Action::Propose, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "đề xuất mức xếp loại")?;
        let book = plan.book()?;
        refuse_order(
            &book,
            &[Predecessor {
                precedence: Precedence::ReviewBeforeRating,
                name: format!("Kiểm điểm {}", row.name),
                done: row.stage.reviewed(),
            }],
        )?;
        let stage = advance(&mut tx, &row, version, Event::Propose, None, None).await?;
        let proposer = row.proposes_body.unwrap_or(Body::OwnBranch).code();
        let existing = tx
            .evaluations(subject)
            .await?
            .into_iter()
            .find(|e| e.step == "proposal" && e.source == proposer);
        let evaluation = EvaluationRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            step: "proposal".into(),
            source: proposer.to_owned(),
            column_no: 5,
            input: "{}".into(),
            evidence: "{}".into(),
            total: None,
            score_level: None,
            proposed_level: Some(level),
            note: note.to_owned(),
            version: existing.as_ref().map(|e| e.version).unwrap_or(0),
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        if !tx.save_evaluation(&evaluation).await? {
            return Err(AppError::stale("Đề xuất", evaluation.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.propose", "subject", subject)
                .detail(serde_json::json!({"level": level, "by": proposer})),
        )
        .await?;
        tx.commit().await?;
        Ok(stage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_summary_form() {
        assert_eq!(OpinionSource::CivilService.column(), 2);
        assert_eq!(OpinionSource::BranchCommittee.column(), 3);
        assert_eq!(OpinionSource::MassOrganisation.column(), 4);
        assert_eq!(OpinionSource::AdvisoryStaff.step(), "verification");
    }

    #[test]
    fn codes_round_trip() {
        for source in OpinionSource::ALL {
            assert_eq!(OpinionSource::parse(source.code()), Some(source));
        }
    }
}
