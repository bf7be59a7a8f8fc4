//! `App::verify_audit`: everything the trail can prove, checked in one pass and reported at the
//! first entry that differs —
//!
//! 1. the chain: sequence numbers without gaps, each `prev_hash` the previous hash, each hash
//!    its entry's content, the head at the last entry;
//! 2. the seals (with the audit key): every entry after the first sealed one is sealed, each
//!    seal the HMAC of its hash — a chain re-hashed without the key fails at the first
//!    rewritten entry;
//! 3. the anchors (outside the database): every anchored entry still exists with the anchored
//!    hash, so a truncated tail, an emptied log or a rewritten chain is found even when the
//!    chain is consistent in itself; anchor lines are checked against the key;
//! 4. the sealed records: each record's current content still hashes to what its last entry
//!    recorded, so a decision or a ballot result edited in place is named.

use super::anchor::{self, Anchor};
use super::{AuditKey, GENESIS_HASH, content_hash, entry_hash};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::Result;
use kiemdiem_store::audit::AuditRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// Why an entry breaks the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The sequence numbers skip or repeat (an entry was removed or inserted).
    Gap,
    /// `prev_hash` is not the previous entry's hash (entries reordered or replaced).
    Link,
    /// The stored hash does not match the entry's content (the entry was edited).
    Content,
    /// The head (last sequence number and hash) does not match the last entry (tail removed).
    Head,
    /// The entry's seal is missing or is not the key's (the chain was re-hashed without the key).
    Seal,
    /// An anchor names an entry that is gone (truncated or emptied log) or that has another
    /// hash (rewritten chain), or an anchor line is not signed by the key.
    Anchor,
    /// A sealed record (decision, ballot result …) no longer has the content its entry recorded.
    Record,
}

/// The first entry where the trail breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub seq: i64,
    pub kind: BreakKind,
    pub message: String,
}

/// The result of verifying the whole trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// The hash of the last entry checked.
    pub last_hash: String,
    /// Entries whose seal was checked against the key (0 without a key).
    pub sealed: u64,
    /// Anchors the chain was checked against.
    pub anchors: u64,
    /// The last anchor, if any.
    pub last_anchor: Option<Anchor>,
    /// Sealed records whose content was checked.
    pub records: u64,
    pub first_break: Option<ChainBreak>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Where a sealed record's expected content was last recorded.
struct Expected {
    seq: i64,
    digest: Option<String>,
}

fn broken(seq: i64, kind: BreakKind, message: String) -> Option<ChainBreak> {
    Some(ChainBreak { seq, kind, message })
}

impl App {
    /// Verifies the chain, its seals (with the key), the anchors and the sealed records'
    /// content, and reports the first entry that differs.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditReport> {
        self.authorize(actor, Action::Audit, Scope::Global).await?;
        let key = self.audit_seal().map(|s| s.key.clone());
        let anchor_lines = match self.audit_seal().and_then(|s| s.anchors.as_deref()) {
            Some(path) => anchor::read(path)?,
            None => Vec::new(),
        };
        let mut report = AuditReport {
            entries: 0,
            last_hash: GENESIS_HASH.to_owned(),
            sealed: 0,
            anchors: 0,
            last_anchor: None,
            records: 0,
            first_break: None,
        };
        // The anchor file first: a line that is not an anchor, or not signed by the key.
        let mut anchors: BTreeMap<i64, Anchor> = BTreeMap::new();
        for line in anchor_lines {
            match line {
                Ok(anchor) => {
                    if let Some(key) = &key
                        && !anchor.is_signed_by(key)
                    {
                        report.first_break = broken(
                            anchor.seq,
                            BreakKind::Anchor,
                            format!(
                                "Mốc neo của mục số {} không mang chữ ký của khoá nhật ký: tệp mốc neo đã bị sửa",
                                anchor.seq
                            ),
                        );
                        return Ok(report);
                    }
                    report.last_anchor = Some(anchor.clone());
                    anchors.entry(anchor.seq).or_insert(anchor);
                }
                Err((number, _)) => {
                    report.first_break = broken(
                        0,
                        BreakKind::Anchor,
                        format!("Dòng {number} của tệp mốc neo không phải một mốc neo"),
                    );
                    return Ok(report);
                }
            }
        }
        report.anchors = anchors.len() as u64;
        // Every entry from the first one sealed (as the anchors, signed, say) must be sealed.
        let sealed_from = anchors.values().map(|a| a.sealed_from).min();

        let mut tx = self.store().read().await?;
        let head = tx.audit_head().await?;
        let mut expected: BTreeMap<(String, String), Expected> = BTreeMap::new();
        let mut expected_seq = 1;
        let mut sealing_started = false;
        const PAGE: i64 = 5_000;
        'pages: loop {
            let page = tx.audit_page(expected_seq - 1, PAGE).await?;
            if page.is_empty() {
                break;
            }
            for record in page {
                report.first_break = check_entry(
                    &record,
                    expected_seq,
                    &report.last_hash,
                    key.as_ref(),
                    &mut sealing_started,
                    sealed_from,
                    &anchors,
                );
                if report.first_break.is_some() {
                    break 'pages;
                }
                if key.is_some() && record.seal.is_some() {
                    report.sealed += 1;
                }
                note_sealed_records(&record, &mut expected);
                report.last_hash = record.hash;
                expected_seq += 1;
                report.entries += 1;
            }
        }
        if report.first_break.is_some() {
            return Ok(report);
        }
        let last = expected_seq - 1;
        if head.seq != last || head.prev_hash != report.last_hash {
            report.first_break = broken(
                expected_seq,
                BreakKind::Head,
                format!(
                    "Đầu chuỗi ghi số {} nhưng chỉ có {last} mục hợp lệ: các mục cuối đã bị xóa",
                    head.seq
                ),
            );
            return Ok(report);
        }
        if let Some((&seq, anchor)) = anchors.range(last + 1..).next() {
            let message = if last == 0 {
                format!(
                    "Nhật ký trống nhưng mốc neo lúc {} ghi đến mục số {seq}: nhật ký đã bị xoá sạch",
                    super::rfc3339_or_empty(anchor.at)
                )
            } else {
                format!(
                    "Nhật ký chỉ còn {last} mục nhưng mốc neo lúc {} ghi đến mục số {seq}: các mục từ số {} đã bị xoá",
                    super::rfc3339_or_empty(anchor.at),
                    last + 1
                )
            };
            report.first_break = broken(last + 1, BreakKind::Anchor, message);
            return Ok(report);
        }
        // The sealed records, in the order their entries were written.
        let mut by_seq: Vec<(&(String, String), &Expected)> = expected.iter().collect();
        by_seq.sort_by_key(|(_, e)| e.seq);
        for ((table, key), wanted) in by_seq {
            let content = tx.sealed_content(table, key).await?;
            let digest = content.as_deref().map(content_hash);
            report.records += 1;
            if digest != wanted.digest {
                let what = match (&wanted.digest, &digest) {
                    (Some(_), None) => "đã bị xoá",
                    (None, Some(_)) => "xuất hiện lại sau khi đã xoá",
                    _ => "đã bị sửa",
                };
                report.first_break = broken(
                    wanted.seq,
                    BreakKind::Record,
                    format!(
                        "Hồ sơ {table} «{key}» {what} sau khi mục nhật ký số {} ghi nó",
                        wanted.seq
                    ),
                );
                return Ok(report);
            }
        }
        Ok(report)
    }
}

/// The first problem of one entry, if any, in the order: gap, link, content, seal, anchor.
fn check_entry(
    record: &AuditRecord,
    expected_seq: i64,
    prev_hash: &str,
    key: Option<&AuditKey>,
    sealing_started: &mut bool,
    sealed_from: Option<i64>,
    anchors: &BTreeMap<i64, Anchor>,
) -> Option<ChainBreak> {
    if sealed_from.is_some_and(|from| record.seq >= from) {
        *sealing_started = true;
    }
    if record.seq != expected_seq {
        return broken(
            expected_seq,
            BreakKind::Gap,
            format!(
                "Thiếu mục nhật ký số {expected_seq} (mục tiếp theo là số {})",
                record.seq
            ),
        );
    }
    if record.prev_hash != prev_hash {
        return broken(
            record.seq,
            BreakKind::Link,
            format!("Mục nhật ký số {} không nối vào mục trước nó", record.seq),
        );
    }
    match entry_hash(record) {
        Ok(hash) if hash == record.hash => {}
        _ => {
            return broken(
                record.seq,
                BreakKind::Content,
                format!(
                    "Nội dung mục nhật ký số {} đã bị sửa sau khi ghi",
                    record.seq
                ),
            );
        }
    }
    if let Some(key) = key {
        match &record.seal {
            Some(seal) if *seal == key.seal(&record.hash) => *sealing_started = true,
            Some(_) => {
                return broken(
                    record.seq,
                    BreakKind::Seal,
                    format!(
                        "Dấu niêm phong của mục nhật ký số {} không khớp khoá nhật ký: mục này và chuỗi sau nó đã bị viết lại",
                        record.seq
                    ),
                );
            }
            None if *sealing_started => {
                return broken(
                    record.seq,
                    BreakKind::Seal,
                    format!(
                        "Mục nhật ký số {} thiếu dấu niêm phong dù các mục trước đã có: mục này và chuỗi sau nó đã bị viết lại",
                        record.seq
                    ),
                );
            }
            None => {}
        }
    }
    if let Some(anchor) = anchors.get(&record.seq)
        && anchor.hash != record.hash
    {
        return broken(
            record.seq,
            BreakKind::Anchor,
            format!(
                "Mục nhật ký số {} khác với mốc neo lúc {}: chuỗi đã bị viết lại đến mục này",
                record.seq,
                super::rfc3339_or_empty(anchor.at)
            ),
        );
    }
    None
}

/// Remembers, for each sealed record the entry wrote, the content hash it recorded.
fn note_sealed_records(record: &AuditRecord, expected: &mut BTreeMap<(String, String), Expected>) {
    let Ok(detail) = serde_json::from_str::<serde_json::Value>(&record.detail) else {
        return;
    };
    let Some(changes) = detail.get("changes").and_then(|c| c.as_array()) else {
        return;
    };
    for change in changes {
        let Some([table, key, _action, digest]) = change.as_array().map(Vec::as_slice) else {
            continue;
        };
        let (Some(table), Some(key)) = (table.as_str(), key.as_str()) else {
            continue;
        };
        expected.insert(
            (table.to_owned(), key.to_owned()),
            Expected {
                seq: record.seq,
                digest: digest.as_str().map(str::to_owned),
            },
        );
    }
}
