//! An upper level's inspection orders (kiểm tra của cấp trên): an organisation above the plan
//! holding a subject orders a new review where one fell short — the decided result is re-opened
//! for the lower level to review and decide again — or a re-classification where a quota or a
//! condition was broken, carried out by the competent level's correction (Mẫu 03). An order is
//! done when a decision version carries it out (`evaluation::decide_in`).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::evaluation::{DecisionView, reopen_in};
use crate::plan::{load_plan, load_subject};
use kiemdiem_store::cycle::after::InspectionOrderRow;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// What the upper level orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// Kiểm điểm lại: the review fell short.
    Review,
    /// Xếp loại lại: a quota or a condition was broken.
    Reclassify,
}

impl OrderKind {
    pub fn code(self) -> &'static str {
        match self {
            OrderKind::Review => "review",
            OrderKind::Reclassify => "reclassify",
        }
    }

    fn parse(code: &str) -> OrderKind {
        if code == "review" {
            OrderKind::Review
        } else {
            OrderKind::Reclassify
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            OrderKind::Review => "Kiểm điểm lại",
            OrderKind::Reclassify => "Xếp loại lại",
        }
    }
}

/// An order given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionInput {
    /// The ordering organisation: above the organisation whose plan holds the subject.
    pub org: Uuid,
    pub kind: OrderKind,
    pub reason: String,
    #[serde(default)]
    pub due_on: Option<Date>,
    /// The subject's version read (a new review re-opens the decided result).
    pub version: i64,
}

/// An order as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionOrder {
    pub id: Uuid,
    pub subject: Uuid,
    pub org: Uuid,
    pub org_name: Option<String>,
    pub kind: OrderKind,
    pub kind_name: String,
    pub reason: String,
    pub due_on: Option<Date>,
    /// `open` or `done`.
    pub status: String,
    /// The decision version that carried it out.
    pub decision: Option<Uuid>,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
    /// For a new review: the re-opening written when it was ordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopened: Option<DecisionView>,
}

async fn order_view(
    tx: &mut kiemdiem_store::Tx,
    row: InspectionOrderRow,
) -> Result<InspectionOrder> {
    let kind = OrderKind::parse(&row.kind);
    Ok(InspectionOrder {
        id: row.id,
        subject: row.subject_id,
        org: row.ordering_org_id,
        org_name: super::org_name(tx, row.ordering_org_id).await?,
        kind,
        kind_name: kind.name_vi().to_owned(),
        reason: row.reason,
        due_on: row.due_on,
        status: row.status,
        decision: row.decision_id,
        changed_by: row.changed_by,
        changed_at: row.changed_at,
        reopened: None,
    })
}

impl App {
    /// An upper level orders a new review or a re-classification of a subject of a plan below
    /// it. A new review of a decided subject re-opens its result at once (a `reopen` version);
    /// a re-classification waits for the competent level's correction.
    pub async fn order_inspection(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: InspectionInput,
    ) -> Result<InspectionOrder> {
        let who = self
            .authorize(actor, Action::Inspect, Scope::Org(input.org))
            .await?;
        let reason = input.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Yêu cầu kiểm điểm, xếp loại lại phải ghi rõ lý do",
            ));
        }
        let today = self.today();
        if input.due_on.is_some_and(|due| due < today) {
            return Err(AppError::invalid(
                "due_on",
                "Thời hạn thực hiện không được trước ngày hôm nay",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let above = tx
            .org_ancestors(plan.org_id, plan.review_date)
            .await?
            .iter()
            .any(|o| o.id == input.org && o.id != plan.org_id);
        if !above {
            return Err(AppError::invalid(
                "org",
                "Chỉ cấp ủy, ủy ban kiểm tra cấp trên của cấp ban hành kế hoạch mới yêu cầu kiểm điểm, xếp loại lại",
            ));
        }
        let stage = row.stage;
        let reopened = match input.kind {
            OrderKind::Reclassify if !stage.decided() => {
                return Err(AppError::conflict(format!(
                    "{} chưa có quyết định xếp loại: chưa có gì để xếp loại lại",
                    row.name
                )));
            }
            OrderKind::Review if !stage.reviewed() => {
                return Err(AppError::conflict(format!(
                    "{} chưa được kiểm điểm: chưa có gì để kiểm điểm lại",
                    row.name
                )));
            }
            OrderKind::Review if stage.decided() => Some(
                reopen_in(
                    &mut tx,
                    &who,
                    subject,
                    input.version,
                    format!("Cấp trên yêu cầu kiểm điểm lại: {reason}"),
                )
                .await?,
            ),
            _ => None,
        };
        let order = InspectionOrderRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            ordering_org_id: input.org,
            kind: input.kind.code().to_owned(),
            reason: reason.clone(),
            due_on: input.due_on,
            status: "open".into(),
            decision_id: None,
            version: 1,
            changed_by: who.actor.user.clone(),
            changed_at: tx.stamp()?.at,
        };
        tx.insert_inspection_order(&order).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("inspection.order", "subject", subject)
                .reason(Some(reason))
                .detail(serde_json::json!({
                    "order": order.id, "kind": order.kind, "org": input.org,
                    "due_on": input.due_on, "reopened": reopened.as_ref().map(|r| r.id),
                })),
        )
        .await?;
        let mut view = order_view(&mut tx, order).await?;
        view.reopened = reopened;
        tx.commit().await?;
        Ok(view)
    }

    /// The inspection orders about a subject, oldest first.
    pub async fn inspection_orders(
        &self,
        actor: &Actor,
        subject: Uuid,
    ) -> Result<Vec<InspectionOrder>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        load_subject(&mut tx, subject).await?;
        let mut out = Vec::new();
        for row in tx.inspection_orders(subject).await? {
            out.push(order_view(&mut tx, row).await?);
        }
        Ok(out)
    }
}
