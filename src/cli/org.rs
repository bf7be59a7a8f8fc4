//! `kiemdiem org merge|split|move`: the changes of the organisation tree the competent level
//! decides (hợp nhất, sáp nhập; chia tách; chuyển trực thuộc), through the app (checked, audited,
//! the history kept). Parses arguments and prints the result in Vietnamese.

use crate::cli::store::DatabaseArg;
use clap::{Args, Subcommand};
use kiemdiem_app::Actor;
use kiemdiem_app::tree::{MergeInput, NewOrgInput, SplitInput, SplitPartInput, TreeChange};
use kiemdiem_store::Store;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Merge organisations into one, existing (--into) or new (--new-code, --new-name, --new-kind).
    Merge(MergeArgs),
    /// Split an organisation into new ones (--part), with the sub-organisations (--child) and
    /// members (--member) each takes.
    Split(SplitArgs),
    /// Move an organisation and its subtree under another parent.
    Move(MoveArgs),
}

#[derive(Debug, Args)]
pub struct Common {
    /// The day the change takes effect, dd/mm/yyyy.
    #[arg(long)]
    pub on: String,
    /// The decision it follows (số, ngày quyết định …).
    #[arg(long, default_value = "")]
    pub note: String,
    /// Who records it.
    #[arg(long = "by", env = "KIEMDIEM_USER", default_value = "cli")]
    pub changed_by: String,
    #[command(flatten)]
    pub database: DatabaseArg,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The codes of the organisations merged.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// The code of the organisation they merge into.
    #[arg(long, conflicts_with = "new_code")]
    pub into: Option<String>,
    #[arg(long, requires_all = ["new_name", "new_kind"])]
    pub new_code: Option<String>,
    #[arg(long)]
    pub new_name: Option<String>,
    /// The new organisation's kind ("Chi bộ trực thuộc", "Đảng bộ cơ sở" …).
    #[arg(long)]
    pub new_kind: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct SplitArgs {
    /// The code of the organisation split.
    pub source: String,
    /// A new organisation: "MÃ:Tên:Loại" (repeat for each).
    #[arg(long = "part", required = true)]
    pub parts: Vec<String>,
    /// A sub-organisation going to a part: "MÃ_TỔ_CHỨC=MÃ_MỚI".
    #[arg(long = "child")]
    pub children: Vec<String>,
    /// A member going to a part: "SỐ_THẺ=MÃ_MỚI".
    #[arg(long = "member")]
    pub members: Vec<String>,
    /// Dissolve the organisation split (it must then be empty).
    #[arg(long)]
    pub dissolve_source: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The code of the organisation moved.
    pub code: String,
    /// The code of its new parent.
    #[arg(long)]
    pub under: String,
    #[command(flatten)]
    pub common: Common,
}

fn day(text: &str) -> Result<time::Date, String> {
    kiemdiem_store::date::parse_vn(text)
        .ok_or_else(|| format!("ngày «{text}» không hợp lệ: hãy ghi dd/mm/yyyy"))
}

/// "A=B" pairs of a split.
fn pairs(items: &[String], what: &str) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
                .ok_or_else(|| format!("{what} «{item}» phải viết dạng MÃ=MÃ_MỚI"))
        })
        .collect()
}

fn print(change: &TreeChange) {
    let what = match change.kind.as_str() {
        "merge" => "Đã hợp nhất",
        "split" => "Đã chia tách",
        _ => "Đã chuyển trực thuộc",
    };
    println!(
        "{what} từ ngày {}{}.",
        kiemdiem_store::date::format_vn(change.on),
        if change.created.is_empty() {
            String::new()
        } else {
            format!("; tạo mới {} tổ chức", change.created.len())
        }
    );
}

pub fn run(command: OrgCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Lỗi: không khởi động được: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), String> = runtime.block_on(async {
        let common = match &command {
            OrgCommand::Merge(a) => &a.common,
            OrgCommand::Split(a) => &a.common,
            OrgCommand::Move(a) => &a.common,
        };
        let on = day(&common.on)?;
        let actor = Actor::trusted(common.changed_by.clone());
        let store = Store::open(&common.database.url)
            .await
            .map_err(|e| e.to_string())?;
        let app = common.database.app(&store)?;
        let change = match &command {
            OrgCommand::Merge(args) => {
                let new = args.new_code.as_ref().map(|code| NewOrgInput {
                    code: code.clone(),
                    name: args.new_name.clone().unwrap_or_default(),
                    kind: args.new_kind.clone().unwrap_or_default(),
                    has_committee: None,
                    parent: None,
                });
                app.merge_orgs(
                    &actor,
                    MergeInput {
                        sources: args.sources.clone(),
                        into: args.into.clone(),
                        new,
                        on,
                        note: common.note.clone(),
                    },
                )
                .await
            }
            OrgCommand::Split(args) => {
                let children = pairs(&args.children, "--child")?;
                let members = pairs(&args.members, "--member")?;
                let mut parts = Vec::new();
                for part in &args.parts {
                    let fields: Vec<&str> = part.splitn(3, ':').map(str::trim).collect();
                    let [code, name, kind] = fields[..] else {
                        return Err(format!("--part «{part}» phải viết dạng MÃ:Tên:Loại"));
                    };
                    parts.push(SplitPartInput {
                        org: NewOrgInput {
                            code: code.to_owned(),
                            name: name.to_owned(),
                            kind: kind.to_owned(),
                            has_committee: None,
                            parent: None,
                        },
                        children: children
                            .iter()
                            .filter(|(_, to)| to == code)
                            .map(|(from, _)| from.clone())
                            .collect(),
                        members: members
                            .iter()
                            .filter(|(_, to)| to == code)
                            .map(|(card, _)| card.clone())
                            .collect(),
                    });
                }
                app.split_org(
                    &actor,
                    &args.source,
                    SplitInput {
                        parts,
                        on,
                        dissolve_source: args.dissolve_source,
                        note: common.note.clone(),
                    },
                )
                .await
            }
            OrgCommand::Move(args) => app.move_org(&actor, &args.code, &args.under, on).await,
        };
        store.close().await;
        let change = change.map_err(|e| match e.field() {
            Some(field) => format!("{} (trường {field})", e.message()),
            None => e.message().to_owned(),
        })?;
        print(&change);
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Lỗi: {message}");
            ExitCode::FAILURE
        }
    }
}
