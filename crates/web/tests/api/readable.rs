//! Every answer of the API is readable by the people it is for: no prose string — a message, a
//! label, a citation, a title — names an internal file ("RULES.md", "SPEC", a seed) or carries a
//! program's identifier (`snake_case`, `review.min_meeting_half_days`). Codes and ids are single
//! tokens for programs and are left alone, as is a value the prose quotes for the user to type
//! («khien_trach»); prose is any string with a space in it.
//! [`assert_readable`] runs on every JSON answer the web tests read (`expect_json`), so every
//! route the tests drive is scanned, refusals included.

use serde_json::Value;

/// Keys whose values are trails for auditors (what a use case recorded), not prose for users.
const TRAILS: [&str; 1] = ["detail"];

/// Words that name the project's own files.
const INTERNAL: [&str; 4] = ["RULES.md", "SPEC", "Seed", "seed"];

/// The prose strings of `value` that read badly, with where they are.
pub fn unreadable(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(value, "$", &mut out);
    out
}

/// Panics naming every unreadable prose string of an answer.
pub fn assert_readable(value: &Value) {
    if value.get("openapi").is_some() {
        // The OpenAPI document is for programmers.
        return;
    }
    let bad = unreadable(value);
    assert!(
        bad.is_empty(),
        "not fit for a user to read:\n{}",
        bad.join("\n")
    );
}

fn walk(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if !TRAILS.contains(&key.as_str()) {
                    walk(child, &format!("{path}.{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(text) if text.contains(char::is_whitespace) => {
            if let Some(problem) = problem(text) {
                out.push(format!("{path}: {problem}: «{text}»"));
            }
        }
        _ => {}
    }
}

/// `text` without what it quotes («…», `…`): a value quoted for the user to type is meant.
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing = None;
    for c in text.chars() {
        match (closing, c) {
            (None, '«') => closing = Some('»'),
            (None, '`') => closing = Some('`'),
            (Some(end), c) if c == end => closing = None,
            (Some(_), _) => {}
            (None, c) => out.push(c),
        }
    }
    out
}

fn problem(text: &str) -> Option<String> {
    for word in unquoted(text).split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_')) {
        let word = word.trim_matches('.');
        if INTERNAL
            .iter()
            .any(|internal| word == *internal || word.starts_with(internal))
        {
            return Some(format!("names an internal file ({word})"));
        }
        if is_identifier(word) {
            return Some(format!("carries an identifier ({word})"));
        }
    }
    None
}

/// `snake_case` or `dotted.snake_case`: ASCII lower case, digits, at least one underscore
/// between letters.
fn is_identifier(word: &str) -> bool {
    word.contains('_')
        && word
            .split('.')
            .flat_map(|part| part.split('_'))
            .all(|piece| !piece.is_empty())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

#[test]
fn the_scan_finds_what_it_is_for() {
    let answer = serde_json::json!({
        "error": {
            "code": "rule_refused",
            "message": "Hội nghị tối thiểu 2 buổi (review.min_meeting_half_days)",
            "rule": { "rule": "qd366-hd43.quota", "source": "RULES.md §11.4" },
        },
        "fine": "đảng viên Đảng bộ xã Hợp Thành",
        "local_layer": "seed003-huyen-2019",
        "note": "theo seed 003 mục B.6",
        "quoted": "giá trị hợp lệ: «khien_trach», «canh_cao»",
        "detail": { "why": "plan_reopened true" },
    });
    let bad = unreadable(&answer);
    assert_eq!(bad.len(), 3, "{bad:?}");
    assert!(
        bad.iter()
            .any(|b| b.contains("review.min_meeting_half_days"))
    );
    assert!(bad.iter().any(|b| b.contains("RULES.md")));
    assert!(bad.iter().any(|b| b.contains("seed 003")));
}
