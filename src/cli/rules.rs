//! `kiemdiem rules …`: the black-box interface to the rules crate (no database).

use clap::Subcommand;
use kiemdiem_rules::case::run_case;
use kiemdiem_rules::framework;
use kiemdiem_rules::ruleset::alternatives::{Alternatives, alternatives};
use kiemdiem_rules::ruleset::builtin_local_layers;
use kiemdiem_rules::vocabulary::vocabulary;
use kiemdiem_rules::{RuleBook, RuleSetId, SubjectKind};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the rule sets with their level names, their parameters with the source and the
    /// alternatives of each, the local layers and the frameworks.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a year's public holidays and make-up days: the days that are not working days
    /// besides weekends, as the draft-report notice counts them.
    Calendar {
        /// The year (e.g. 2026).
        #[arg(long)]
        year: i32,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Answer a case file — classify, order, timing, history or level — and print the answer as
    /// JSON (exit code 2 on a bad case).
    Check {
        /// The case file (JSON), or `-` for standard input.
        #[arg(long)]
        case: PathBuf,
    },
}

pub fn run(command: RulesCommand) -> ExitCode {
    match command {
        RulesCommand::List { json } => list(json),
        RulesCommand::Check { case } => check(&case),
        RulesCommand::Calendar { year, json } => holidays(year, json),
    }
}

fn holidays(year: i32, json: bool) -> ExitCode {
    if !kiemdiem_rules::calendar::YEARS.contains(&year) {
        eprintln!(
            "lỗi: năm {year} không hợp lệ (từ 1995 đến 9999: lịch nghỉ theo Bộ luật Lao động từ 1995)"
        );
        return ExitCode::from(2);
    }
    let calendar = kiemdiem_rules::calendar::national().year(year);
    if json {
        print_ignoring_closed_pipe(
            &serde_json::to_string_pretty(&calendar).expect("the calendar serialises"),
        );
        return ExitCode::SUCCESS;
    }
    use std::fmt::Write as _;
    let date = |d: time::Date| {
        format!(
            "{} {:02}/{:02}/{}",
            weekday_vi(d.weekday()),
            d.day(),
            u8::from(d.month()),
            d.year()
        )
    };
    let mut out = format!("Ngày nghỉ lễ, Tết năm {year} (ngoài thứ Bảy, Chủ nhật):\n");
    for day in &calendar.days_off {
        let kind = match day.kind {
            kiemdiem_rules::calendar::DayOffKind::Statutory => "",
            kiemdiem_rules::calendar::DayOffKind::Compensatory => " (nghỉ bù)",
            kiemdiem_rules::calendar::DayOffKind::Announced => " (theo lịch nghỉ đã công bố)",
        };
        let _ = writeln!(
            out,
            "    {}  {}{kind}  ← {}",
            date(day.date),
            day.holiday.name_vi(),
            day.source
        );
    }
    if calendar.days_off.is_empty() {
        out.push_str("    (không có)\n");
    }
    if !calendar.make_up_days.is_empty() {
        out.push_str("Ngày làm bù:\n");
        for day in &calendar.make_up_days {
            let _ = writeln!(out, "    {}", date(*day));
        }
    }
    if !calendar.lunar_known {
        out.push_str(
            "Chưa có ngày âm lịch của năm này: Tết Âm lịch và Giỗ Tổ Hùng Vương không được tính.\n",
        );
    }
    print_ignoring_closed_pipe(out.trim_end());
    ExitCode::SUCCESS
}

fn weekday_vi(weekday: time::Weekday) -> &'static str {
    use time::Weekday::*;
    match weekday {
        Monday => "Thứ Hai",
        Tuesday => "Thứ Ba",
        Wednesday => "Thứ Tư",
        Thursday => "Thứ Năm",
        Friday => "Thứ Sáu",
        Saturday => "Thứ Bảy",
        Sunday => "Chủ nhật",
    }
}

fn check(path: &PathBuf) -> ExitCode {
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    if let Err(error) = read {
        eprintln!("lỗi: không đọc được {}: {error}", path.display());
        return ExitCode::from(2);
    }
    match run_case(&text) {
        Ok(result) => {
            print_ignoring_closed_pipe(
                &serde_json::to_string_pretty(&result).expect("results serialise"),
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "{}",
                serde_json::json!({ "error": { "code": "invalid_case", "field": error.field, "problem": error.problem } })
            );
            ExitCode::from(2)
        }
    }
}

fn list(json: bool) -> ExitCode {
    if json {
        let rule_sets: Vec<_> = RuleSetId::ALL
            .iter()
            .map(|id| {
                let book = RuleBook::national(*id);
                let (from, to) = id.years();
                serde_json::json!({
                    "id": id,
                    "legal_basis": id.legal_basis(),
                    "years": { "from": from, "to": to },
                    "levels": {
                        "organisation": vocabulary(*id, SubjectKind::Organisation),
                        "member": vocabulary(*id, SubjectKind::MemberWithoutPost),
                    },
                    "parameters": book.params,
                })
            })
            .collect();
        let output = serde_json::json!({
            "rule_sets": rule_sets,
            "alternatives": alternatives(),
            "local_layers": builtin_local_layers(),
            "frameworks": framework::builtin().iter().map(|f| serde_json::json!({
                "id": f.id, "title": f.title, "rule_sets": f.rule_sets, "subjects": f.subjects, "scale": f.scale, "source": f.source,
            })).collect::<Vec<_>>(),
        });
        print_ignoring_closed_pipe(&serde_json::to_string_pretty(&output).expect("serialises"));
        return ExitCode::SUCCESS;
    }
    use std::fmt::Write as _;
    let alternatives = alternatives();
    let mut out = String::new();
    for id in RuleSetId::ALL {
        let book = RuleBook::national(id);
        let (from, to) = id.years();
        let years = match to {
            Some(to) if to == from => format!("{from}"),
            Some(to) => format!("{from}–{to}"),
            None => format!("{from}–"),
        };
        let _ = writeln!(out, "{id}  ({years})  {}", id.legal_basis());
        for (whose, kind) in [
            ("tổ chức đảng", SubjectKind::Organisation),
            ("đảng viên", SubjectKind::MemberWithoutPost),
        ] {
            let levels: Vec<String> = vocabulary(id, kind)
                .levels
                .iter()
                .map(|l| format!("{} «{}»", l.code, l.name))
                .collect();
            let _ = writeln!(out, "  Mức xếp loại {whose}: {}", levels.join(", "));
        }
        let table = toml::Table::try_from(&book.params).expect("parameters serialise");
        for (section, value) in &table {
            let toml::Value::Table(entries) = value else {
                continue;
            };
            if section == "sources" {
                continue;
            }
            if let Some(source) = book.params.sources.get(section) {
                let _ = writeln!(out, "  [{section}]  ← {source}");
            } else {
                let _ = writeln!(out, "  [{section}]");
            }
            for (key, value) in entries {
                let source = book
                    .params
                    .sources
                    .get(&format!("{section}.{key}"))
                    .map(|s| format!("  ← {s}"))
                    .unwrap_or_default();
                let choices = alternatives
                    .get(format!("{section}.{key}").as_str())
                    .map(|a| format!("  [{}]", choices_vi(a)))
                    .unwrap_or_default();
                let _ = writeln!(out, "    {key} = {value}{choices}{source}");
                if let toml::Value::Table(nested) = value {
                    for inner in nested.keys() {
                        if let Some(a) =
                            alternatives.get(format!("{section}.{key}.{inner}").as_str())
                        {
                            let _ = writeln!(out, "      {key}.{inner}: [{}]", choices_vi(a));
                        }
                    }
                }
            }
        }
        out.push('\n');
    }
    out.push_str("Lớp quy định địa phương:\n");
    for layer in builtin_local_layers() {
        let rule_sets: Vec<_> = layer.rule_sets.iter().map(|id| id.code()).collect();
        let _ = writeln!(
            out,
            "    {}  [{}]  {}",
            layer.id,
            rule_sets.join(", "),
            layer.title
        );
    }
    out.push_str("\nKhung tiêu chí:\n");
    for f in framework::builtin() {
        let rule_sets: Vec<_> = f.rule_sets.iter().map(|id| id.code()).collect();
        let _ = writeln!(out, "    {}  [{}]  {}", f.id, rule_sets.join(", "), f.title);
    }
    print_ignoring_closed_pipe(&out);
    ExitCode::SUCCESS
}

/// A parameter's alternatives, for people.
fn choices_vi(alternatives: &Alternatives) -> String {
    match alternatives.kind {
        "one_of" => format!("một trong: {}", alternatives.values.join(" | ")),
        "any_of" => format!("danh sách gồm: {}", alternatives.values.join(", ")),
        "yes_no" => "true | false".to_owned(),
        "share" => "tỷ lệ, ví dụ \"20%\", \"1/3\"; không ghi: không có quy tắc".to_owned(),
        "number" => "số".to_owned(),
        "day_month" => "ngày, tháng { day, month }; không ghi: không có thời hạn chung".to_owned(),
        "points" => "điểm".to_owned(),
        other => other.to_owned(),
    }
}

/// Writes to standard output; a reader that closed the pipe early (`| head`) is not an error.
fn print_ignoring_closed_pipe(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"));
}
