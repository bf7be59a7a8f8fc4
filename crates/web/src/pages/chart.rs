//! Charts drawn on the server as SVG (no chart script from anywhere): the distribution of the
//! levels of a set of subjects, and bars of counts by step. The markup holds only numbers and
//! text escaped here, so the templates may insert it as is.

use super::format::{number, share};
use super::subject::LEVELS;
use kiemdiem_rules::Level;
use std::fmt::Write;

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One stacked bar of the four levels and the subjects not yet decided, with a legend and the
/// counts in words for screen readers.
pub fn levels_chart(levels: &[Option<Level>]) -> String {
    let total = levels.len() as i64;
    let count = |level: Option<Level>| levels.iter().filter(|l| **l == level).count() as i64;
    stacked_bar(total, count)
}

fn stacked_bar(total: i64, count: impl Fn(Option<Level>) -> i64) -> String {
    let mut parts: Vec<(String, &str, i64)> = LEVELS
        .into_iter()
        .map(|l| (l.name_vi().to_string(), l.code(), count(Some(l))))
        .collect();
    parts.push((
        crate::pages::tr().t("chart.undecided").to_string(),
        "none",
        count(None),
    ));
    let summary: Vec<String> = parts
        .iter()
        .map(|(name, _, n)| format!("{name}: {} ({})", number(*n), share(*n, total)))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="chart" viewBox="0 0 600 60" role="img" aria-label="{}"><title>{}</title>"##,
        escape(&summary.join("; ")),
        escape(&summary.join("; "))
    );
    let mut x = 0.0_f64;
    for (name, code, n) in &parts {
        if *n == 0 || total == 0 {
            continue;
        }
        let width = 600.0 * *n as f64 / total as f64;
        let _ = write!(
            svg,
            r##"<rect class="level-{code}" x="{x:.1}" y="0" width="{width:.1}" height="40"><title>{}: {}</title></rect>"##,
            escape(name),
            number(*n)
        );
        if width > 40.0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="26" fill="#fff" font-size="14" text-anchor="middle">{}</text>"##,
                x + width / 2.0,
                number(*n)
            );
        }
        x += width;
    }
    svg.push_str("</svg>");
    svg.push_str(r##"<ul class="legend">"##);
    for (name, code, n) in &parts {
        let _ = write!(
            svg,
            r##"<li><i class="level-{code}"></i>{}: {} ({})</li>"##,
            escape(name),
            number(*n),
            share(*n, total)
        );
    }
    svg.push_str("</ul>");
    svg
}

/// One stacked bar of levels per organisation: the node first, then each child.
pub fn levels_by_child(rows: &[kiemdiem_app::work::LevelsAt]) -> String {
    let mut out = String::new();
    out.push_str(r##"<div class="by-child">"##);
    for row in rows {
        let total: i64 = row.levels.iter().map(|(_, n)| *n as i64).sum();
        if total == 0 {
            continue;
        }
        let count = |level: Option<Level>| {
            row.levels
                .iter()
                .find(|(l, _)| *l == level)
                .map(|(_, n)| *n as i64)
                .unwrap_or(0)
        };
        let _ = write!(out, r##"<h3>{}</h3>"##, escape(&row.org.name));
        out.push_str(&stacked_bar(total, count));
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_levels_chart_counts_every_subject_and_escapes_text() {
        let svg = levels_chart(&[
            Some(Level::Htxsnv),
            Some(Level::Httnv),
            Some(Level::Httnv),
            None,
        ]);
        assert!(svg.contains("Hoàn thành tốt nhiệm vụ: 2 (50%)"), "{svg}");
        assert!(svg.contains("Chưa quyết định: 1 (25%)"));
        assert!(svg.starts_with("<svg"));
        assert_eq!(escape("<b>\"&"), "&lt;b&gt;&quot;&amp;");
    }
}
