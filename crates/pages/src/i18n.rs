//! The catalogue of interface strings: every word the pages show comes from `i18n/vi.toml`
//! through [`Tr::t`], so that a second catalogue (English) can be added beside it without
//! touching a template. Keys are dotted (`sign_in.title`); a key missing from the catalogue
//! shows as itself (visible at once), and a test fails if any key used by a template or by
//! the web crate is missing.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A catalogue of interface strings for one language.
#[derive(Debug)]
pub struct Tr {
    language: &'static str,
    strings: HashMap<String, String>,
}

impl Tr {
    /// The Vietnamese catalogue.
    pub fn vi() -> &'static Tr {
        static VI: OnceLock<Tr> = OnceLock::new();
        VI.get_or_init(|| Tr::parse("vi", include_str!("../i18n/vi.toml")))
    }

    fn parse(language: &'static str, text: &str) -> Tr {
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("the {language} catalogue is not valid TOML: {e}"));
        let mut strings = HashMap::new();
        flatten("", &table, &mut strings);
        Tr { language, strings }
    }

    /// The language code (`vi`), for `<html lang>`.
    pub fn language(&self) -> &'static str {
        self.language
    }

    /// The string of `key`, or the key itself when the catalogue lacks it.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The string of `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Whether the catalogue has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.strings.contains_key(key)
    }

    /// Every key of the catalogue.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => panic!("catalogue key {full}: a string was expected, not {other}"),
        }
    }
}

/// The keys a piece of source text uses: every `t("…")` and `fill("…"` call, and every
/// `key: "…"`-style reference written as `tr_key!("…")`.
pub fn keys_used(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for marker in ["t(\"", "fill(\"", "tk(\""] {
        let mut rest = source;
        while let Some(at) = rest.find(marker) {
            let after = &rest[at + marker.len()..];
            if let Some(end) = after.find('"') {
                let key = &after[..end];
                if !key.is_empty() && key.contains('.') && !key.contains(' ') {
                    keys.push(key.to_string());
                }
                rest = &after[end..];
            } else {
                break;
            }
        }
    }
    keys
}

/// Marks a catalogue key chosen in Rust code (so the key test finds it): returns it unchanged.
pub const fn tk(key: &'static str) -> &'static str {
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_used_by_a_template_or_the_web_crate_is_in_the_catalogue() {
        let tr = Tr::vi();
        let mut sources = Vec::new();
        for dir in [
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src/pages"),
        ] {
            collect(std::path::Path::new(dir), &mut sources);
        }
        assert!(sources.len() > 5, "sources found: {}", sources.len());
        let mut missing = Vec::new();
        let mut used = 0;
        for (path, text) in &sources {
            if path.ends_with("i18n.rs") {
                continue;
            }
            for key in keys_used(text) {
                used += 1;
                if !tr.has(&key) {
                    missing.push(format!("{path}: {key}"));
                }
            }
        }
        assert!(used > 50, "keys used: {used}");
        assert!(
            missing.is_empty(),
            "keys missing from vi.toml:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_catalogue_is_vietnamese_and_nfc() {
        let tr = Tr::vi();
        for key in tr.keys() {
            let text = tr.t(key);
            assert!(!text.trim().is_empty(), "{key} is empty");
            assert!(!text.contains("  "), "{key}: double space");
        }
        assert_eq!(tr.t("sign_in.title"), "Đăng nhập");
        assert_eq!(tr.t("khong.co.khoa"), "khong.co.khoa");
        assert_eq!(
            tr.fill("home.deadline", &[("day", "20/12/2025")]),
            "hạn 20/12/2025"
        );
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.display().to_string(), text));
            }
        }
    }
}
