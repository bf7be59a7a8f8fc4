//! Discipline decisions recorded during the year (*quyết định kỷ luật*): a member's (form, day of
//! the violation and of the decision, where the violation happened, whether it concerns their
//! duties, self-detected and remedied) and a body's — a party organisation or a leadership
//! collective reprimanded or warned, whether for a case of corruption, waste or negativity.
//!
//! They are facts, read when a subject is rated ([`crate::facts`]): a member's own discipline; a
//! branch's members disciplined for violations there; an organisation's own discipline, its
//! sub-organisations disciplined and those with a corruption case; a collective's own discipline
//! and its members'; a leader's led units disciplined. What each counts for is the rules crate's.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use kiemdiem_rules::DisciplineForm;
use kiemdiem_store::discipline::{DisciplinedBody, NewUnitDiscipline, UnitDiscipline};
use kiemdiem_store::people::{MembershipKind, NewDiscipline};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A member's discipline decision to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDisciplineInput {
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    /// Where the violation happened (defaults to the member's branch on the day of the
    /// violation).
    pub violation_org: Option<Uuid>,
    /// Whose committee decided.
    pub deciding_org: Option<Uuid>,
    /// Vi phạm liên quan đến chức trách, nhiệm vụ được giao.
    pub duty_related: bool,
    /// Tự phát hiện, tự khắc phục xong hậu quả.
    pub self_detected_remedied: bool,
    pub note: String,
}

/// A body's discipline decision to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitDisciplineInput {
    /// Khiển trách or cảnh cáo.
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    pub deciding_org: Option<Uuid>,
    /// For a case of corruption, waste or negativity (tham nhũng, lãng phí, tiêu cực).
    pub corruption_case: bool,
    pub self_detected_remedied: bool,
    pub note: String,
}

/// A body's discipline decision as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitDisciplineView {
    pub id: Uuid,
    /// `org` or `collective`.
    pub body_kind: &'static str,
    pub body: Uuid,
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    pub deciding_org: Option<Uuid>,
    pub corruption_case: bool,
    pub self_detected_remedied: bool,
    pub note: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl From<UnitDiscipline> for UnitDisciplineView {
    fn from(d: UnitDiscipline) -> UnitDisciplineView {
        let (body_kind, body) = d.body.entity();
        UnitDisciplineView {
            id: d.id,
            body_kind,
            body,
            form: d.record.form,
            violation_on: d.record.violation_on,
            decided_on: d.record.decided_on,
            deciding_org: d.record.deciding_org,
            corruption_case: d.record.corruption_case,
            self_detected_remedied: d.record.self_detected_remedied,
            note: d.record.note,
            by: d.changed_by,
            at: d.changed_at,
        }
    }
}

/// The organisation a body belongs to, for the scope: the organisation itself, or the one a
/// collective is attached to.
async fn managing_org(tx: &mut kiemdiem_store::Tx, body: DisciplinedBody) -> Result<Uuid> {
    match body {
        DisciplinedBody::Org(org) => Ok(org),
        DisciplinedBody::Collective(collective) => Ok(tx
            .collective(collective)
            .await?
            .ok_or_else(|| AppError::not_found("tập thể", collective))?
            .org),
    }
}

/// The day the Party was founded (3 February 1930): no violation or discipline precedes it.
const PARTY_FOUNDED: Date = time::macros::date!(1930 - 02 - 03);

fn check_dates(violation_on: Date, decided_on: Date) -> Result<()> {
    for (field, day, what) in [
        ("violation_on", violation_on, "Ngày vi phạm"),
        ("decided_on", decided_on, "Ngày quyết định kỷ luật"),
    ] {
        if day < PARTY_FOUNDED {
            return Err(AppError::invalid(
                field,
                format!(
                    "{what} {} trước ngày thành lập Đảng ({})",
                    crate::date_vi(day),
                    crate::date_vi(PARTY_FOUNDED)
                ),
            ));
        }
    }
    if violation_on > decided_on {
        return Err(AppError::invalid(
            "violation_on",
            format!(
                "Ngày vi phạm {} sau ngày quyết định kỷ luật {}",
                crate::date_vi(violation_on),
                crate::date_vi(decided_on)
            ),
        ));
    }
    Ok(())
}

/// A discipline record withdrawn as entered by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithdrawnDiscipline {
    pub id: Uuid,
    /// `member`, `org` or `collective`: whose record it was.
    pub entity: &'static str,
    pub entity_id: Uuid,
    pub reason: String,
}

impl App {
    /// Withdraws a discipline record entered by mistake (a member's or a body's), with the
    /// reason; the audit entry keeps what it said. A decision of the party that was annulled is
    /// not a mistake of entry: record it as it happened.
    pub async fn withdraw_discipline(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> Result<WithdrawnDiscipline> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Phải ghi rõ lý do gỡ bỏ quyết định kỷ luật đã nhập nhầm",
            ));
        }
        // Find whose record it is, for the scope.
        let mut read = self.store().read().await?;
        let scopes: Vec<Scope> = match read.unit_discipline_body(id).await? {
            Some(body) => vec![Scope::Org(managing_org(&mut read, body).await?)],
            // A member's: as when recording it, the place of the violation and the branch.
            None => match read.member_discipline_places(id).await? {
                Some((place, branch)) => {
                    let mut scopes: Vec<Scope> = place.into_iter().map(Scope::Org).collect();
                    scopes.extend(branch.filter(|b| Some(*b) != place).map(Scope::Org));
                    if scopes.is_empty() {
                        scopes.push(Scope::Global);
                    }
                    scopes
                }
                None => return Err(AppError::not_found("quyết định kỷ luật", id)),
            },
        };
        drop(read);
        let who = self
            .authorize(actor, Action::ManageRecords, scopes[0])
            .await?;
        for scope in &scopes[1..] {
            self.authorize(actor, Action::ManageRecords, *scope).await?;
        }
        let mut tx = self.begin(&who).await?;
        let (entity, entity_id, detail) =
            if let Some(removed) = tx.remove_unit_discipline(id).await? {
                let view = UnitDisciplineView::from(removed);
                (
                    view.body_kind,
                    view.body,
                    serde_json::to_value(&view).unwrap_or_default(),
                )
            } else if let Some(removed) = tx.remove_member_discipline(id).await? {
                let r = &removed.record;
                (
                    "member",
                    removed.member_id,
                    serde_json::json!({
                        "id": removed.id, "form": r.form, "violation_on": r.violation_on,
                        "decided_on": r.decided_on, "violation_org": r.violation_org,
                        "deciding_org": r.deciding_org, "duty_related": r.duty_related,
                        "self_detected_remedied": r.self_detected_remedied, "note": r.note,
                        "by": removed.changed_by,
                    }),
                )
            } else {
                return Err(AppError::not_found("quyết định kỷ luật", id));
            };
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("discipline.withdraw", entity, entity_id)
                .reason(Some(reason.to_owned()))
                .detail(serde_json::json!({ "withdrawn": detail })),
        )
        .await?;
        tx.commit().await?;
        Ok(WithdrawnDiscipline {
            id,
            entity,
            entity_id,
            reason: reason.to_owned(),
        })
    }

    /// Records a member's discipline decision, with its audit entry. The place of the violation
    /// defaults to the member's branch on the day of the violation (required when the member was
    /// in no branch that day). Authorised on the place of the violation and on the member's
    /// branch; withdrawing it is authorised the same way.
    pub async fn record_member_discipline(
        &self,
        actor: &Actor,
        member: Uuid,
        input: MemberDisciplineInput,
    ) -> Result<Uuid> {
        check_dates(input.violation_on, input.decided_on)?;
        let mut read = self.store().read().await?;
        if read.member_as_of(member, input.decided_on).await?.is_none()
            && read
                .member_as_of(member, input.violation_on)
                .await?
                .is_none()
        {
            return Err(AppError::not_found("đảng viên", member));
        }
        let branch = read
            .branch_of(member, MembershipKind::Official, input.violation_on)
            .await?;
        let violation_org = match (input.violation_org, branch) {
            (Some(org), _) => {
                if read.org_as_of(org, input.violation_on).await?.is_none() {
                    return Err(AppError::invalid(
                        "violation_org",
                        format!(
                            "Tổ chức đảng nơi vi phạm không tồn tại vào ngày vi phạm {}",
                            crate::date_vi(input.violation_on)
                        ),
                    ));
                }
                org
            }
            (None, Some(branch)) => branch,
            (None, None) => {
                return Err(AppError::invalid(
                    "violation_org",
                    format!(
                        "Vào ngày vi phạm {}, đồng chí chưa sinh hoạt ở chi bộ nào: hãy ghi tổ chức nơi vi phạm",
                        crate::date_vi(input.violation_on)
                    ),
                ));
            }
        };
        if let Some(org) = input.deciding_org
            && read.org_as_of(org, input.decided_on).await?.is_none()
        {
            return Err(AppError::invalid(
                "deciding_org",
                "Tổ chức quyết định kỷ luật không tồn tại vào ngày quyết định",
            ));
        }
        drop(read);
        // The record weighs on the place of the violation (its share of members disciplined):
        // whoever records it must manage both that place and the member's branch.
        let who = self
            .authorize(actor, Action::ManageRecords, Scope::Org(violation_org))
            .await?;
        if let Some(branch) = branch.filter(|b| *b != violation_org) {
            self.authorize(actor, Action::ManageRecords, Scope::Org(branch))
                .await?;
        }
        let mut tx = self.begin(&who).await?;
        let record = NewDiscipline {
            form: input.form,
            violation_on: input.violation_on,
            decided_on: input.decided_on,
            violation_org: Some(violation_org),
            deciding_org: input.deciding_org,
            duty_related: input.duty_related,
            self_detected_remedied: input.self_detected_remedied,
            note: input.note.trim().to_owned(),
        };
        let id = tx.add_discipline(member, &record).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("discipline.member", "member", member).detail(serde_json::json!({
                "id": id, "form": record.form, "violation_on": record.violation_on,
                "decided_on": record.decided_on, "violation_org": record.violation_org,
                "deciding_org": record.deciding_org, "duty_related": record.duty_related,
                "self_detected_remedied": record.self_detected_remedied,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a discipline decision about an organisation or a collective (khiển trách or cảnh
    /// cáo), with its audit entry.
    pub async fn record_unit_discipline(
        &self,
        actor: &Actor,
        body: DisciplinedBody,
        input: UnitDisciplineInput,
    ) -> Result<UnitDisciplineView> {
        check_dates(input.violation_on, input.decided_on)?;
        if !input.form.applies_to_bodies() {
            return Err(AppError::invalid(
                "form",
                format!(
                    "Tổ chức đảng, tập thể bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng Điều 36), không phải «{}»; giải tán là giải thể tổ chức trên cây tổ chức",
                    input.form.name_vi().to_lowercase()
                ),
            ));
        }
        let mut read = self.store().read().await?;
        let org = match body {
            DisciplinedBody::Org(org) => {
                if read.org_as_of(org, input.decided_on).await?.is_none() {
                    return Err(AppError::invalid(
                        "decided_on",
                        format!(
                            "Tổ chức đảng không tồn tại vào ngày quyết định {}",
                            crate::date_vi(input.decided_on)
                        ),
                    ));
                }
                org
            }
            DisciplinedBody::Collective(_) => managing_org(&mut read, body).await?,
        };
        drop(read);
        let who = self
            .authorize(actor, Action::ManageRecords, Scope::Org(org))
            .await?;
        let mut tx = self.begin(&who).await?;
        if let Some(deciding) = input.deciding_org
            && tx.org_as_of(deciding, input.decided_on).await?.is_none()
        {
            return Err(AppError::invalid(
                "deciding_org",
                "Tổ chức quyết định kỷ luật không tồn tại vào ngày quyết định",
            ));
        }
        let record = NewUnitDiscipline {
            form: input.form,
            violation_on: input.violation_on,
            decided_on: input.decided_on,
            deciding_org: input.deciding_org,
            corruption_case: input.corruption_case,
            self_detected_remedied: input.self_detected_remedied,
            note: input.note.trim().to_owned(),
        };
        let id = tx.add_unit_discipline(body, &record).await?;
        let (entity, entity_id) = body.entity();
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("discipline.unit", entity, entity_id).detail(serde_json::json!({
                "id": id, "form": record.form, "violation_on": record.violation_on,
                "decided_on": record.decided_on, "deciding_org": record.deciding_org,
                "corruption_case": record.corruption_case,
                "self_detected_remedied": record.self_detected_remedied,
            })),
        )
        .await?;
        let view = tx
            .unit_disciplines(body)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .map(UnitDisciplineView::from)
            .ok_or_else(|| AppError::not_found("quyết định kỷ luật", id))?;
        tx.commit().await?;
        Ok(view)
    }

    /// The discipline decisions about an organisation or a collective, in date order.
    pub async fn unit_disciplines(
        &self,
        actor: &Actor,
        body: DisciplinedBody,
    ) -> Result<Vec<UnitDisciplineView>> {
        let mut tx = self.store().read().await?;
        let org = managing_org(&mut tx, body).await?;
        self.authorize(actor, Action::Read, Scope::Org(org)).await?;
        Ok(tx
            .unit_disciplines(body)
            .await?
            .into_iter()
            .map(UnitDisciplineView::from)
            .collect())
    }
}
