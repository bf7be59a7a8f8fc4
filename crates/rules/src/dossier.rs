//! Dossiers (hồ sơ kiểm điểm, đánh giá, xếp loại): each era's checklist, per subject (a body's, an
//! individual's) and per organisation (what it sends up: Mẫu 04 from 2025), as data
//! (`data/dossiers/checklists.toml`); what is missing among the items the caller found present;
//! and whether the results may be sent up while something is missing (not while a required item
//! is missing, unless the list lets it follow). The caller says what is present; this module reads
//! no document.

use crate::cite::Citation;
use crate::ruleset::RuleSetId;
use crate::subject::SubjectKind;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Whose dossier an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// An organisation or a leadership collective reviewed as a subject.
    Body,
    /// A member or a leader.
    Individual,
    /// What the organisation sends up for its plan.
    Organisation,
}

impl Holder {
    /// The holder of a subject's own dossier.
    pub fn of(kind: SubjectKind) -> Holder {
        match kind {
            SubjectKind::Organisation | SubjectKind::Collective => Holder::Body,
            _ => Holder::Individual,
        }
    }
}

/// Whether an item must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Required {
    Always,
    /// Nếu có: listed, never missing.
    IfAny,
}

/// The step of the cycle whose generated document stands for the item once reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Produced {
    SelfReview,
    Minutes,
    Verification,
    Decision,
    Plan,
    Summary,
    DossierList,
    Suggestion,
    ResidenceComment,
}

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub holder: Holder,
    pub title: String,
    pub required: Required,
    #[serde(default)]
    pub produced_by: Option<Produced>,
    /// The kinds of subject it is for; every kind of the holder when empty.
    #[serde(default)]
    pub applies_to: Vec<SubjectKind>,
    /// May be sent after the results (nộp bổ sung).
    #[serde(default)]
    pub may_follow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    rule_sets: Vec<RuleSetId>,
    source: String,
    #[serde(rename = "item")]
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    list: Vec<List>,
}

const CHECKLISTS: &str = include_str!("../data/dossiers/checklists.toml");

fn lists() -> &'static [List] {
    static LISTS: OnceLock<Vec<List>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let file: File = toml::from_str(CHECKLISTS).expect("data/dossiers/checklists.toml parses");
        file.list
    })
}

/// The era's checklist for `holder` (and, for a subject, its kind), with the list's source.
pub fn checklist(
    rule_set: RuleSetId,
    holder: Holder,
    kind: Option<SubjectKind>,
) -> (Vec<&'static Item>, Citation) {
    let list = lists()
        .iter()
        .find(|l| l.rule_sets.contains(&rule_set))
        .expect("every rule set has a dossier checklist");
    let items = list
        .items
        .iter()
        .filter(|i| i.holder == holder)
        .filter(|i| match kind {
            Some(kind) => i.applies_to.is_empty() || i.applies_to.contains(&kind),
            None => true,
        })
        .collect();
    (
        items,
        Citation::new(format!("{rule_set}.dossier"), list.source.clone()),
    )
}

/// A required item not present, and whose dossier it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The subject's or organisation's name, as the caller gave it.
    pub whose: String,
    pub code: String,
    pub title: String,
    pub may_follow: bool,
}

/// The items of `items` that are required and not among `present` (codes).
pub fn missing(whose: &str, items: &[&Item], present: &[String]) -> Vec<Missing> {
    items
        .iter()
        .filter(|i| i.required == Required::Always && !present.contains(&i.code))
        .map(|i| Missing {
            whose: whose.to_owned(),
            code: i.code.clone(),
            title: i.title.clone(),
            may_follow: i.may_follow,
        })
        .collect()
}

/// Refusal to send the results up while required items are missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Incomplete {
    pub message: String,
    /// Every missing item that blocks, in the order found.
    pub blocking: Vec<Missing>,
    pub citation: Citation,
}

/// Whether the results may be sent up with `missing` items: not while one that may not follow is
/// missing (the first ones are named).
pub fn may_submit(rule_set: RuleSetId, missing: &[Missing]) -> Result<(), Incomplete> {
    let blocking: Vec<Missing> = missing.iter().filter(|m| !m.may_follow).cloned().collect();
    if blocking.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = blocking
        .iter()
        .take(10)
        .map(|m| format!("{}: thiếu «{}»", m.whose, m.title))
        .collect();
    let more = blocking.len().saturating_sub(named.len());
    let (_, citation) = checklist(rule_set, Holder::Organisation, None);
    Err(Incomplete {
        message: format!(
            "Hồ sơ chưa đủ, chưa gửi kết quả lên cấp trên: {}{}",
            named.join("; "),
            if more > 0 {
                format!(" và {more} mục khác")
            } else {
                String::new()
            }
        ),
        blocking,
        citation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_set_has_a_list_and_2025_lists_mau_04() {
        for id in RuleSetId::ALL {
            let (items, citation) = checklist(id, Holder::Organisation, None);
            assert!(!items.is_empty(), "{id}");
            assert!(!citation.source.is_empty());
        }
        let (items, citation) = checklist(RuleSetId::Qd366Hd43, Holder::Organisation, None);
        assert!(items.iter().any(|i| i.title.contains("Mẫu 04")));
        assert!(citation.source.contains("HD 43-HD/BTCTW"));
        let (before, _) = checklist(RuleSetId::Qd132Hd21, Holder::Organisation, None);
        assert!(!before.iter().any(|i| i.title.contains("Mẫu 04")));
    }

    #[test]
    fn a_member_without_a_post_declares_no_assets_and_a_leader_has_no_party_record() {
        // Seed 003 mục B.7 b): bản kê khai tài sản for leaders; phiếu bổ sung hồ sơ đảng viên.
        let codes = |kind| {
            checklist(RuleSetId::Qd366Hd43, Holder::Individual, Some(kind))
                .0
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>()
        };
        assert!(!codes(SubjectKind::MemberWithoutPost).contains(&"asset_declaration"));
        assert!(codes(SubjectKind::MemberWithPost).contains(&"asset_declaration"));
        assert!(!codes(SubjectKind::Leader).contains(&"member_record_supplement"));
    }

    #[test]
    fn a_missing_item_blocks_unless_it_may_follow() {
        let (items, _) = checklist(
            RuleSetId::Qd366Hd43,
            Holder::Individual,
            Some(SubjectKind::MemberWithoutPost),
        );
        let present = vec![
            "self_review".to_owned(),
            "member_record_supplement".to_owned(),
        ];
        let gaps = missing("Nguyễn Văn An", &items, &present);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(gaps[0].may_follow, "the residence comment may follow");
        assert!(may_submit(RuleSetId::Qd366Hd43, &gaps).is_ok());
        let gaps = missing("Nguyễn Văn An", &items, &present[..1]);
        let refused = may_submit(RuleSetId::Qd366Hd43, &gaps).unwrap_err();
        assert_eq!(refused.blocking.len(), 1);
        assert!(
            refused
                .message
                .contains("Nguyễn Văn An: thiếu «Phiếu bổ sung hồ sơ đảng viên»"),
            "{}",
            refused.message
        );
    }
}
