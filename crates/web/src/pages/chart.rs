//! Charts drawn on the server as SVG (no chart script from anywhere): the distribution of the
//! levels of a set of subjects, and bars of counts by step. The markup holds only numbers and
//! text escaped here, so the templates may insert it as is.

use super::format::{number, share};
use super::subject::LEVELS;
use kiemdiem_app::views::PlanOverview;
use kiemdiem_rules::Level;
use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::{Arc, Mutex, Weak};

/// A coordinate written with one decimal (`12.5`), by integer arithmetic: `{:.1}` on a float
/// is the costliest part of drawing a chart with a few hundred shapes.
#[derive(Clone, Copy)]
struct Px(f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let tenths = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", tenths / 10, tenths % 10)
    }
}

/// The charts and the progress table of a plan's progress page drawn from one kept overview, kept
/// beside it: they
/// depend only on the overview and the day, so a page asked many times a second draws them
/// once per change. An entry holds only a weak reference (the app decides how long an overview
/// is kept) and goes when its overview has gone.
#[derive(Debug, Default)]
pub struct KeptCharts {
    drawn: Mutex<HashMap<usize, Drawn>>,
}

#[derive(Debug)]
struct Drawn {
    overview: Weak<PlanOverview>,
    today: time::Date,
    charts: Arc<PlanCharts>,
}

/// The progress table, the progress over time and the levels per child of one overview (see
/// [`KeptCharts`]).
#[derive(Debug)]
pub struct PlanCharts {
    pub progress_table: String,
    pub over_time: Option<String>,
    /// `None` before anyone is a subject of the plan (a draft).
    pub levels: Option<String>,
}

impl KeptCharts {
    /// The overview's charts on `today`, and its progress table as `table` renders it, drawn now
    /// unless drawn already.
    pub fn plan(
        &self,
        overview: &Arc<PlanOverview>,
        today: time::Date,
        table: impl FnOnce() -> String,
    ) -> Arc<PlanCharts> {
        // The weak reference held in an entry keeps the overview's allocation, so its address
        // names no other overview while the entry is there.
        let key = Arc::as_ptr(overview) as usize;
        if let Some(drawn) = self.lock().get(&key)
            && drawn.today == today
            && drawn.overview.strong_count() > 0
        {
            return Arc::clone(&drawn.charts);
        }
        let node = &overview.node;
        let charts = Arc::new(PlanCharts {
            progress_table: table(),
            over_time: progress_over_time(
                &overview.days,
                node.self_review.done + node.self_review.pending,
                [
                    node.self_review.deadline,
                    node.review.deadline,
                    node.decision.deadline,
                ],
                today,
            ),
            levels: overview
                .levels
                .iter()
                .any(|l| l.levels.iter().any(|(_, n)| *n > 0))
                .then(|| levels_by_child(&overview.levels)),
        });
        let mut drawn = self.lock();
        drawn.retain(|_, d| d.overview.strong_count() > 0);
        drawn.insert(
            key,
            Drawn {
                overview: Arc::downgrade(overview),
                today,
                charts: Arc::clone(&charts),
            },
        );
        charts
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, Drawn>> {
        // A panic while drawing leaves nothing half-written in the map.
        self.drawn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

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
            r##"<rect class="level-{code}" x="{}" y="0" width="{}" height="40"><title>{}: {}</title></rect>"##,
            Px(x),
            Px(width),
            escape(name),
            number(*n)
        );
        if width > 40.0 {
            let _ = write!(
                svg,
                r##"<text x="{}" y="26" fill="#fff" font-size="14" text-anchor="middle">{}</text>"##,
                Px(x + width / 2.0),
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

/// One stacked bar of levels per organisation, the node first, then each child, in one SVG
/// with one legend (the node's counts): a row's counts are in its title.
pub fn levels_by_child(rows: &[kiemdiem_app::work::LevelsAt]) -> String {
    let rows: Vec<_> = rows
        .iter()
        .filter(|row| row.levels.iter().any(|(_, n)| *n > 0))
        .collect();
    let Some(node) = rows.first() else {
        return String::new();
    };
    let undecided = crate::pages::tr().t("chart.undecided");
    let parts = |row: &kiemdiem_app::work::LevelsAt| -> Vec<(String, &'static str, i64)> {
        let count = |level: Option<Level>| {
            row.levels
                .iter()
                .filter(|(l, _)| *l == level)
                .map(|(_, n)| *n as i64)
                .sum::<i64>()
        };
        LEVELS
            .into_iter()
            .map(|l| (l.name_vi().to_string(), l.code(), count(Some(l))))
            .chain(std::iter::once((
                undecided.to_string(),
                "none",
                count(None),
            )))
            .collect()
    };
    let words = |parts: &[(String, &str, i64)], total: i64| -> Vec<String> {
        parts
            .iter()
            .map(|(name, _, n)| format!("{name}: {} ({})", number(*n), share(*n, total)))
            .collect()
    };
    let (label_width, bar_width, row_height) = (230.0, 360.0, 30.0);
    let height = (row_height * rows.len() as f64) as usize;
    let node_parts = parts(node);
    let node_total: i64 = node_parts.iter().map(|(_, _, n)| n).sum();
    let summary = escape(&format!(
        "{}: {}",
        node.org.name,
        words(&node_parts, node_total).join("; ")
    ));
    let mut svg = String::from(r##"<div class="by-child">"##);
    let _ = write!(
        svg,
        r##"<svg class="chart" viewBox="0 0 600 {height}" role="img" aria-label="{summary}"><title>{summary}</title>"##
    );
    for (i, row) in rows.iter().enumerate() {
        let row_parts = parts(row);
        let total: i64 = row_parts.iter().map(|(_, _, n)| n).sum();
        let y = row_height * i as f64;
        let name: String = if row.org.name.chars().count() > 32 {
            row.org
                .name
                .chars()
                .take(31)
                .chain(std::iter::once('…'))
                .collect()
        } else {
            row.org.name.clone()
        };
        let _ = write!(
            svg,
            r##"<g><title>{}: {}</title><text x="0" y="{}" font-size="13">{}</text>"##,
            escape(&row.org.name),
            escape(&words(&row_parts, total).join("; ")),
            Px(y + 19.0),
            escape(&name)
        );
        let mut x = label_width;
        for (_, code, n) in &row_parts {
            if *n == 0 || total == 0 {
                continue;
            }
            let width = bar_width * *n as f64 / total as f64;
            let _ = write!(
                svg,
                r##"<rect class="level-{code}" x="{}" y="{}" width="{}" height="24"/>"##,
                Px(x),
                Px(y + 2.0),
                Px(width)
            );
            if width > 44.0 {
                let _ = write!(
                    svg,
                    r##"<text x="{}" y="{}" fill="#fff" font-size="12" text-anchor="middle">{}</text>"##,
                    Px(x + width / 2.0),
                    Px(y + 19.0),
                    share(*n, total)
                );
            }
            x += width;
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg.push_str(r##"<ul class="legend">"##);
    for ((_, code, _), text) in node_parts.iter().zip(words(&node_parts, node_total)) {
        let _ = write!(
            svg,
            r##"<li><i class="level-{code}"></i>{}</li>"##,
            escape(&text)
        );
    }
    svg.push_str("</ul></div>");
    svg
}

/// The three steps drawn over time, with their CSS class and catalogue key.
const STEPS: [(&str, &str); 3] = [
    ("step-self", "chart.self_review"),
    ("step-review", "chart.review"),
    ("step-decision", "chart.decision"),
];

/// Progress over time: for each step, how many subjects had passed it by each day (a step
/// line), up to `today`, against `target` (the subjects taking part), with each step's deadline
/// as a dashed line. `None` when no subject has passed any step yet.
pub fn progress_over_time(
    days: &[kiemdiem_app::progress::StepDay],
    target: u64,
    deadlines: [Option<time::Date>; 3],
    today: time::Date,
) -> Option<String> {
    let first = days.first()?.day;
    let last = days.last()?.day;
    let latest_deadline = deadlines.iter().flatten().max().copied();
    let mut end = last.max(today);
    if let Some(deadline) = latest_deadline {
        end = end.max(deadline);
    }
    // A long plan is drawn over its last 400 days at most.
    let start = first.max(end - time::Duration::days(400));
    let span = (end - start).whole_days().max(1) as f64;
    let top = days
        .iter()
        .map(|d| d.self_review.max(d.review).max(d.decision))
        .max()
        .unwrap_or(0)
        .max(target)
        .max(1) as f64;
    let (left, right, upper, lower) = (56.0, 590.0, 12.0, 200.0);
    let x = |day: time::Date| {
        let at = (day.max(start) - start).whole_days() as f64;
        left + (right - left) * at / span
    };
    let y = |n: u64| lower - (lower - upper) * n as f64 / top;
    let value = |d: &kiemdiem_app::progress::StepDay, step: usize| match step {
        0 => d.self_review,
        1 => d.review,
        _ => d.decision,
    };
    let tr = crate::pages::tr();
    let latest = days.last()?;
    let summary: Vec<String> = STEPS
        .iter()
        .enumerate()
        .map(|(i, (_, key))| {
            format!(
                "{}: {}/{}",
                tr.t(key),
                number(value(latest, i) as i64),
                number(target as i64)
            )
        })
        .collect();
    let label = escape(&format!(
        "{} ({} – {})",
        summary.join("; "),
        super::format::day(start),
        super::format::day(latest.day)
    ));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="chart over-time" viewBox="0 0 600 240" role="img" aria-label="{label}"><title>{label}</title>"##
    );
    // Axes: 0, half and all of the subjects; the first and last day.
    for n in [0, target / 2, target] {
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/><text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>"##,
            Px(left - 6.0),
            Px(y(n) + 4.0),
            number(n as i64),
            y = Px(y(n))
        );
    }
    for (day, anchor) in [(start, "start"), (end, "end")] {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="12" text-anchor="{anchor}">{}</text>"##,
            Px(x(day)),
            Px(lower + 18.0),
            super::format::day(day)
        );
    }
    for (i, deadline) in deadlines.iter().enumerate() {
        let Some(deadline) = deadline.filter(|d| *d >= start && *d <= end) else {
            continue;
        };
        let (class, key) = STEPS[i];
        let _ = write!(
            svg,
            r##"<line class="deadline {class}" x1="{x}" x2="{x}" y1="{upper}" y2="{lower}"><title>{}: {}</title></line>"##,
            escape(&tr.fill("chart.deadline", &[("step", tr.t(key))])),
            super::format::day(deadline),
            x = Px(x(deadline))
        );
    }
    for (i, (class, _)) in STEPS.iter().enumerate() {
        let mut points = format!("{},{}", Px(x(start)), Px(y(0)));
        let mut previous = 0;
        for d in days.iter().filter(|d| d.day >= start) {
            let n = value(d, i);
            let _ = write!(
                points,
                " {},{} {},{}",
                Px(x(d.day)),
                Px(y(previous)),
                Px(x(d.day)),
                Px(y(n))
            );
            previous = n;
        }
        let _ = write!(
            points,
            " {},{}",
            Px(x(latest.day.max(today).min(end))),
            Px(y(previous))
        );
        let _ = write!(
            svg,
            r##"<polyline class="line {class}" points="{points}"/>"##
        );
    }
    svg.push_str("</svg>");
    svg.push_str(r##"<ul class="legend">"##);
    for (i, (class, _)) in STEPS.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<li><i class="{class}"></i>{}</li>"##,
            escape(&summary[i])
        );
    }
    if deadlines.iter().any(Option::is_some) {
        let _ = write!(
            svg,
            r##"<li><i class="deadline-key"></i>{}</li>"##,
            escape(tr.t("chart.deadlines"))
        );
    }
    svg.push_str("</ul>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_written_with_one_decimal() {
        let written: Vec<String> = [0.0, 12.34, 12.36, 599.96, 600.0, -1.26, -0.04]
            .into_iter()
            .map(|v| Px(v).to_string())
            .collect();
        assert_eq!(
            written,
            ["0.0", "12.3", "12.4", "600.0", "600.0", "-1.3", "0.0"]
        );
    }

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

    #[test]
    fn levels_by_child_draws_one_row_per_organisation_under_one_legend() {
        use kiemdiem_app::directory::OrgLabel;
        use kiemdiem_app::work::LevelsAt;
        let org = |name: &str| OrgLabel {
            id: uuid::Uuid::new_v4(),
            code: name.to_string(),
            name: name.to_string(),
        };
        let rows = vec![
            LevelsAt {
                org: org("Đảng bộ huyện <A>"),
                levels: vec![(Some(Level::Htxsnv), 1), (Some(Level::Httnv), 3), (None, 4)],
            },
            LevelsAt {
                org: org("Chi bộ 1"),
                levels: vec![(Some(Level::Httnv), 3), (None, 1)],
            },
            LevelsAt {
                org: org("Chi bộ trống"),
                levels: vec![(None, 0)],
            },
        ];
        let svg = levels_by_child(&rows);
        assert_eq!(svg.matches("<svg").count(), 1);
        assert_eq!(svg.matches("<g>").count(), 2, "the empty branch has no row");
        assert_eq!(svg.matches("<li>").count(), 5);
        assert!(svg.contains("Đảng bộ huyện &lt;A&gt;"), "{svg}");
        assert!(svg.contains("Chưa quyết định: 4 (50%)"), "{svg}");
        assert!(
            svg.contains(
                "Chi bộ 1: Hoàn thành xuất sắc nhiệm vụ: 0 (0%); Hoàn thành tốt nhiệm vụ: 3 (75%)"
            ),
            "{svg}"
        );
        assert!(levels_by_child(&[]).is_empty());
    }

    #[test]
    fn progress_over_time_draws_each_step_to_its_latest_count() {
        use kiemdiem_app::progress::StepDay;
        use time::macros::date;
        assert!(progress_over_time(&[], 10, [None; 3], date!(2026 - 12 - 05)).is_none());
        let days = [
            StepDay {
                day: date!(2026 - 12 - 01),
                self_review: 4,
                review: 0,
                decision: 0,
            },
            StepDay {
                day: date!(2026 - 12 - 03),
                self_review: 9,
                review: 6,
                decision: 2,
            },
        ];
        let deadlines = [
            Some(date!(2026 - 12 - 20)),
            None,
            Some(date!(2026 - 12 - 31)),
        ];
        let svg = progress_over_time(&days, 10, deadlines, date!(2026 - 12 - 05)).unwrap();
        assert!(svg.contains("Đã nộp bản tự kiểm điểm: 9/10"), "{svg}");
        assert!(svg.contains("Đã xếp loại: 2/10"), "{svg}");
        assert!(
            svg.contains("01/12/2026") && svg.contains("31/12/2026"),
            "{svg}"
        );
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert_eq!(svg.matches(r#"class="deadline "#).count(), 2);
    }
}
