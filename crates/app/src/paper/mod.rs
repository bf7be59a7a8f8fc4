//! Documents (văn bản) generated from the stored data: which kinds exist, what each is about (a
//! subject, a meeting or an organisation and year), and [`App::paper`], the one use case that
//! builds any of them — every read inside it authorized as on its own. The layout is
//! [`model`]; files are the `export` (Word, Excel) and `pdf` crates'.

mod documents;
pub mod model;
mod reports;

pub use model::{Block, Cell, Column, Paper, Signature, Table};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, Result};
use serde::Serialize;
use uuid::Uuid;

/// A kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaperKind {
    /// Báo cáo tổng hợp kết quả (biểu tổng hợp).
    Summary,
    /// Báo cáo tỷ lệ khống chế HTXSNV.
    Quota,
    /// Báo cáo tiến độ.
    Progress,
    /// Danh sách chưa kiểm điểm, chưa xếp loại, với lý do.
    NotRated,
    /// Bản kiểm điểm (Mẫu 02; 02A/02B; 2A/2B/2C) or the collective report (Mẫu 01).
    SelfReview,
    /// Phiếu chấm điểm: criteria, bonuses and deductions, columns (1) … (5).
    ScoreSheet,
    /// Biên bản hội nghị: attendance, reviews, ballot results.
    Minutes,
    /// Phiếu đánh giá, xếp loại (paper voting).
    BallotPaper,
    /// Biên bản kiểm phiếu.
    BallotCount,
    /// Bảng tổng hợp đề xuất of a branch.
    ProposalTable,
    /// Quyết định công nhận mức xếp loại đảng viên.
    MemberDecision,
    /// Quyết định xếp loại tổ chức đảng, tập thể.
    OrgDecision,
    /// Quyết định hủy bỏ kết quả và xếp loại lại (Mẫu 03).
    Reclassification,
    /// Danh mục hồ sơ (Mẫu 04).
    Dossier,
}

/// What a kind of document is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Subject,
    Meeting,
    Org,
}

/// The document asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperTarget {
    Subject(Uuid),
    Meeting(Uuid),
    Org { org: Uuid, year: i32 },
}

impl PaperKind {
    pub const ALL: [PaperKind; 14] = [
        PaperKind::Summary,
        PaperKind::Quota,
        PaperKind::Progress,
        PaperKind::NotRated,
        PaperKind::SelfReview,
        PaperKind::ScoreSheet,
        PaperKind::Minutes,
        PaperKind::BallotPaper,
        PaperKind::BallotCount,
        PaperKind::ProposalTable,
        PaperKind::MemberDecision,
        PaperKind::OrgDecision,
        PaperKind::Reclassification,
        PaperKind::Dossier,
    ];

    /// The code in URLs and on the command line (`self-review`).
    pub fn code(self) -> &'static str {
        match self {
            PaperKind::Summary => "summary",
            PaperKind::Quota => "quota",
            PaperKind::Progress => "progress",
            PaperKind::NotRated => "not-rated",
            PaperKind::SelfReview => "self-review",
            PaperKind::ScoreSheet => "score-sheet",
            PaperKind::Minutes => "minutes",
            PaperKind::BallotPaper => "ballot-paper",
            PaperKind::BallotCount => "ballot-count",
            PaperKind::ProposalTable => "proposal-table",
            PaperKind::MemberDecision => "member-decision",
            PaperKind::OrgDecision => "org-decision",
            PaperKind::Reclassification => "reclassification",
            PaperKind::Dossier => "dossier",
        }
    }

    pub fn parse(code: &str) -> Option<PaperKind> {
        PaperKind::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The document's name in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            PaperKind::Summary => "Báo cáo tổng hợp kết quả xếp loại",
            PaperKind::Quota => "Báo cáo tỷ lệ khống chế",
            PaperKind::Progress => "Báo cáo tiến độ",
            PaperKind::NotRated => "Danh sách chưa kiểm điểm, xếp loại",
            PaperKind::SelfReview => "Bản kiểm điểm",
            PaperKind::ScoreSheet => "Phiếu chấm điểm",
            PaperKind::Minutes => "Biên bản hội nghị",
            PaperKind::BallotPaper => "Phiếu đánh giá, xếp loại",
            PaperKind::BallotCount => "Biên bản kiểm phiếu",
            PaperKind::ProposalTable => "Bảng tổng hợp đề xuất xếp loại",
            PaperKind::MemberDecision => "Quyết định xếp loại đảng viên",
            PaperKind::OrgDecision => "Quyết định xếp loại tổ chức đảng",
            PaperKind::Reclassification => "Quyết định xếp loại lại (Mẫu 03)",
            PaperKind::Dossier => "Danh mục hồ sơ (Mẫu 04)",
        }
    }

    pub fn target(self) -> TargetKind {
        match self {
            PaperKind::SelfReview | PaperKind::ScoreSheet | PaperKind::Reclassification => {
                TargetKind::Subject
            }
            PaperKind::Minutes | PaperKind::BallotPaper | PaperKind::BallotCount => {
                TargetKind::Meeting
            }
            _ => TargetKind::Org,
        }
    }
}

impl App {
    /// Builds a document: `not_found`/`invalid` when the target is not what the kind is about,
    /// `out_of_order` (with what is missing) when its step is not reached yet.
    pub async fn paper(
        &self,
        actor: &Actor,
        kind: PaperKind,
        target: PaperTarget,
    ) -> Result<Paper> {
        let wrong = || {
            AppError::invalid(
                "target",
                format!(
                    "{} lập cho {}",
                    kind.name_vi(),
                    match kind.target() {
                        TargetKind::Subject => "một đối tượng (--subject)",
                        TargetKind::Meeting => "một hội nghị (--meeting)",
                        TargetKind::Org => "một tổ chức và một năm (--org, --year)",
                    }
                ),
            )
        };
        match (kind, target) {
            (PaperKind::SelfReview, PaperTarget::Subject(id)) => {
                self.self_review_paper(actor, id).await
            }
            (PaperKind::ScoreSheet, PaperTarget::Subject(id)) => {
                self.score_sheet_paper(actor, id).await
            }
            (PaperKind::Reclassification, PaperTarget::Subject(id)) => {
                self.reclassification_paper(actor, id).await
            }
            (PaperKind::Minutes, PaperTarget::Meeting(id)) => self.minutes_paper(actor, id).await,
            (PaperKind::BallotPaper, PaperTarget::Meeting(id)) => {
                self.ballot_papers_paper(actor, id).await
            }
            (PaperKind::BallotCount, PaperTarget::Meeting(id)) => {
                self.ballot_count_paper(actor, id).await
            }
            (PaperKind::ProposalTable, PaperTarget::Org { org, year }) => {
                self.proposal_table_paper(actor, org, year).await
            }
            (PaperKind::MemberDecision, PaperTarget::Org { org, year }) => {
                self.decision_paper(actor, org, year, false).await
            }
            (PaperKind::Dossier, PaperTarget::Org { org, year }) => {
                self.dossier_paper(actor, org, year).await
            }
            (PaperKind::OrgDecision, PaperTarget::Org { org, year }) => {
                self.decision_paper(actor, org, year, true).await
            }
            (PaperKind::Summary, PaperTarget::Org { org, year }) => {
                let report = self.report_summary(actor, org, year).await?;
                let places = self
                    .places(org, report.plan.review_date, report.plan.id)
                    .await?;
                Ok(reports::summary_paper(
                    &report,
                    &places.superior,
                    &places.place,
                    self.today(),
                ))
            }
            (PaperKind::Quota, PaperTarget::Org { org, year }) => {
                let report = self.report_quota(actor, org, year).await?;
                let places = self
                    .places(org, report.plan.review_date, report.plan.id)
                    .await?;
                Ok(reports::quota_paper(
                    &report,
                    &places.superior,
                    &places.place,
                    self.today(),
                ))
            }
            (PaperKind::Progress | PaperKind::NotRated, PaperTarget::Org { org, year }) => {
                let report = self.report_progress(actor, org, year).await?;
                let places = self
                    .places(org, report.plan.review_date, report.plan.id)
                    .await?;
                Ok(if kind == PaperKind::Progress {
                    reports::progress_paper(&report, &places.superior, &places.place)
                } else {
                    reports::pending_paper(&report, &places.superior, &places.place)
                })
            }
            _ => Err(wrong()),
        }
    }
}
