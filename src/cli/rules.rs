//! `kiemdiem rules …`: the black-box interface to the rules crate (no database).

use clap::Subcommand;
use kiemdiem_rules::case::run_case;
use kiemdiem_rules::framework;
use kiemdiem_rules::ruleset::builtin_local_layers;
use kiemdiem_rules::{RuleBook, RuleSetId};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the rule sets with their parameters and sources, the local layers and the frameworks.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Decide a case file and print the decision as JSON (exit code 2 on a bad case).
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
                    "parameters": book.params,
                })
            })
            .collect();
        let output = serde_json::json!({
            "rule_sets": rule_sets,
            "local_layers": builtin_local_layers(),
            "frameworks": framework::builtin().iter().map(|f| serde_json::json!({
                "id": f.id, "title": f.title, "rule_sets": f.rule_sets, "subjects": f.subjects, "scale": f.scale, "source": f.source,
            })).collect::<Vec<_>>(),
        });
        print_ignoring_closed_pipe(&serde_json::to_string_pretty(&output).expect("serialises"));
        return ExitCode::SUCCESS;
    }
    use std::fmt::Write as _;
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
                let _ = writeln!(out, "    {key} = {value}{source}");
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

/// Writes to standard output; a reader that closed the pipe early (`| head`) is not an error.
fn print_ignoring_closed_pipe(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"));
}
