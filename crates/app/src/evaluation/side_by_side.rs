//! The side-by-side view of a subject (mẫu tổng hợp đề xuất của các chủ thể): every body's
//! level in its column, the branch's secret ballot, a member's quarterly and six-monthly
//! results in the year's view, and what the rules allow. Read only.

use super::{OpinionSource, classify_subject};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::Result;
use crate::plan::{Period, load_plan, load_subject};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::classify::Classification;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::{Level, Points};
use serde::Serialize;
use uuid::Uuid;

/// A column of the side-by-side view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub no: i64,
    pub title: String,
    pub level: Option<Level>,
    /// The total points, when scored.
    pub total: Option<Points>,
    pub note: String,
}

/// Columns (1) self … (5) branch, then the verification and the other bodies, and what the
/// rules allow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideBySide {
    pub subject: Uuid,
    pub name: String,
    pub columns: Vec<Column>,
    pub classification: Option<Classification>,
    pub decided: Option<Level>,
}

impl App {
    /// The proposals of every body side by side (columns (1) self … (5) branch, then the
    /// verification and the others), with what the rules allow.
    pub async fn side_by_side(&self, actor: &Actor, subject: Uuid) -> Result<SideBySide> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let book = plan.book()?;
        let mut columns = Vec::new();
        for e in tx.evaluations(subject).await? {
            let title = match (e.step.as_str(), e.source.as_str()) {
                (_, "self") => "Tự đánh giá, xếp loại".to_owned(),
                ("proposal", body) => proposal_title(body),
                (_, code) => OpinionSource::parse(code)
                    .map(|s| s.name_vi().to_owned())
                    .unwrap_or_else(|| "Ý kiến tham gia đánh giá".to_owned()),
            };
            columns.push(Column {
                no: e.column_no,
                title,
                level: e.proposed_level.or(e.score_level),
                total: e.total.map(Points),
                note: e.note,
            });
        }
        for result in tx.results_of_subject(subject).await? {
            columns.push(Column {
                no: 5,
                title: "Chi bộ đánh giá, xếp loại (bỏ phiếu kín)".into(),
                level: Level::parse(&result.outcome),
                total: None,
                note: result.message,
            });
        }
        // Quarterly and six-monthly results of the same member feed the year (QĐ 366 Điều 13).
        if plan.period == Period::Year
            && let Some(member) = row.member_id
        {
            let periodic: Vec<(Uuid, String)> = tx
                .plans_of_year(i64::from(plan.year))
                .await?
                .into_iter()
                .filter(|p| p.period_kind != "year")
                .map(|p| {
                    let label = if p.period_kind == "quarter" {
                        format!("Quý {}", p.period_no)
                    } else {
                        format!("6 tháng lần {}", p.period_no)
                    };
                    (p.id, label)
                })
                .collect();
            let ids: Vec<Uuid> = periodic.iter().map(|(id, _)| *id).collect();
            for other in tx.decided_subjects_of_member(member, &ids).await? {
                let label = periodic
                    .iter()
                    .find(|(id, _)| *id == other.plan_id)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default();
                columns.push(Column {
                    no: 10,
                    title: format!("Kết quả {label}"),
                    level: other.level,
                    total: None,
                    note: other.name,
                });
            }
        }
        columns.sort_by_key(|c| c.no);
        let participation = row.participation;
        let classification = if participation == Participation::ReviewAndClassify {
            Some(classify_subject(&mut tx, &plan, &book, &row).await?)
        } else {
            None
        };
        Ok(SideBySide {
            subject,
            name: row.name.clone(),
            columns,
            classification,
            decided: row.level,
        })
    }
}

/// The title of a proposal's column: "Đề xuất của chi bộ", "Đề xuất của đảng ủy bộ phận".
fn proposal_title(body: &str) -> String {
    let name = Body::parse(body)
        .map(|b| b.name_vi())
        .unwrap_or("cấp đề nghị");
    let mut chars = name.chars();
    let lowered = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    format!("Đề xuất của {lowered}")
}
