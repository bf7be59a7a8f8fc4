//! The summary reports and the documents on the demo cycle (a district, one branch decided): the
//! figures agree with progress and with the rules' quota check, the totals balance, the roll-up
//! agrees with the hand-written SQL roll-up, every document kind is built from what was recorded,
//! and a document whose step is not reached is refused with what is missing.

use crate::support::{TestDb, actor, on_both_backends};
use kiemdiem_app::paper::{Block, PaperKind, PaperTarget};
use kiemdiem_app::state::Stage;
use kiemdiem_app::{App, ErrorCode};
use kiemdiem_rules::quota::check_quota;
use kiemdiem_rules::summary::Outcome;
use kiemdiem_rules::{Level, SubjectKind};
use kiemdiem_store::cycle::report::{ReportScope, SubtreeAsk, SubtreeCounts};
use time::macros::date;

on_both_backends!(reports_and_documents_of_the_demo_cycle);

fn text_of(paper: &kiemdiem_app::paper::Paper) -> String {
    let mut out = vec![paper.title.clone()];
    out.extend(paper.issuer.iter().cloned());
    for block in &paper.blocks {
        match block {
            Block::Heading { text } | Block::Paragraph { text } | Block::Note { text } => {
                out.push(text.clone())
            }
            Block::Field { label, value } => out.push(format!("{label}: {value}")),
            Block::Table(t) => {
                out.extend(t.columns.iter().map(|c| c.header.clone()));
                out.extend(t.rows.iter().flatten().map(|c| c.text.clone()));
            }
        }
    }
    out.join("\n")
}

async fn reports_and_documents_of_the_demo_cycle(db: &TestDb) {
    let today = date!(2026 - 12 - 14);
    let cycle = kiemdiem_app::demo::demo_cycle(&db.store, today)
        .await
        .unwrap();
    let app = App::with_today(db.store.clone(), today);
    let office = actor("office");
    let root = cycle.plan.org_id;

    // The summary of the whole district agrees with progress, and balances.
    let summary = app.report_summary(&office, root, 2026).await.unwrap();
    let progress = app.progress(&office, cycle.plan.id).await.unwrap();
    let total = &summary.summary.total;
    assert_eq!(total.subjects, progress[0].subjects);
    assert_eq!(total.excluded, progress[0].excluded);
    assert!(
        summary.summary.cross_check.balanced,
        "{:?}",
        summary.summary.cross_check
    );
    assert_eq!(total.rated, cycle.decided, "{total:?}");
    assert!(total.pending > 0);
    // Members come by kind, organisations by their kind; shares are of those rated.
    assert!(
        summary
            .summary
            .lines
            .iter()
            .any(|l| l.key.kind == SubjectKind::MemberWithoutPost)
    );
    let rated_line = summary.summary.lines.iter().find(|l| l.rated > 0).unwrap();
    let shares: Vec<&str> = rated_line.levels.iter().map(|c| c.share.as_str()).collect();
    assert!(shares.iter().all(|s| s.ends_with('%')), "{shares:?}");
    // Children add up to the whole (the district's own subjects aside).
    let children: u64 = summary.children.iter().map(|c| c.total.subjects).sum();
    assert!(children <= total.subjects && children > total.subjects / 2);
    assert_eq!(summary.previous_year, None);
    assert!(summary.summary.comparison.is_empty());
    // KHTNV listed by name, as many as rated so.
    let khtnv = total
        .levels
        .iter()
        .find(|c| c.level == Level::Khtnv)
        .unwrap()
        .count;
    assert_eq!(summary.khtnv.len() as u64, khtnv);
    // Excluded subjects carry the rules' reasons.
    let excluded: u64 = summary
        .summary
        .excluded_reasons
        .iter()
        .map(|r| r.count)
        .sum();
    assert_eq!(excluded, total.excluded);
    assert!(
        summary
            .summary
            .excluded_reasons
            .iter()
            .all(|r| !r.reason.is_empty())
    );

    // Below the plan's organisation the plan's subjects lie partly outside the subtree: the
    // cross-check then counts unit by unit, and the summary of the grassroots organisation is
    // its line among its parent's children, balanced.
    let below = app
        .report_summary(&office, cycle.grassroots, 2026)
        .await
        .unwrap();
    assert!(
        below.summary.cross_check.balanced,
        "{:?}",
        below.summary.cross_check
    );
    assert!(below.summary.total.subjects > 0);
    assert_eq!(
        below.summary.cross_check.subjects,
        below.summary.total.subjects
    );
    let parent = {
        let mut tx = db.store.read().await.unwrap();
        tx.org_as_of(cycle.grassroots, cycle.plan.review_date)
            .await
            .unwrap()
            .and_then(|o| o.parent_id)
            .expect("the grassroots organisation has a parent")
    };
    let above = app.report_summary(&office, parent, 2026).await.unwrap();
    assert!(above.summary.cross_check.balanced);
    let line = above
        .children
        .iter()
        .find(|c| c.org.id == cycle.grassroots)
        .expect("the grassroots organisation is among its parent's children");
    assert_eq!(line.total.subjects, below.summary.total.subjects);
    assert_eq!(line.total.rated, below.summary.total.rated);
    let below_khtnv = below
        .summary
        .total
        .levels
        .iter()
        .find(|c| c.level == Level::Khtnv)
        .unwrap()
        .count;
    assert_eq!(below.khtnv.len() as u64, below_khtnv);
    assert!(below.khtnv.iter().all(|s| !s.unit.is_empty()));

    // The roll-up of every node agrees with the hand-written SQL roll-up.
    let rollup = app.report_rollup(&office, root, 2026).await.unwrap();
    let tallies = rollup.tallies(root);
    let rolled: u64 = tallies.iter().map(|t| t.count).sum();
    assert_eq!(rolled, total.subjects);
    let mut tx = db.store.read().await.unwrap();
    let scope = kiemdiem_store::cycle::report::ReportScope {
        root,
        on: cycle.plan.review_date,
        year: 2026,
        period_kind: "year",
        period_no: 0,
    };
    let by_sql = tx.report_rollup_sql(&scope).await.unwrap();
    for branch in &cycle.branches {
        let sql: i64 = by_sql
            .iter()
            .filter(|r| r.org_id == *branch)
            .map(|r| r.count)
            .sum();
        let ours: u64 = rollup.tallies(*branch).iter().map(|t| t.count).sum();
        assert_eq!(sql as u64, ours);
        let sql_decided: i64 = by_sql
            .iter()
            .filter(|r| r.org_id == *branch && r.level.is_some())
            .map(|r| r.count)
            .sum();
        let ours_decided: u64 = rollup
            .tallies(*branch)
            .iter()
            .filter(|t| matches!(t.outcome, Outcome::Rated(_)))
            .map(|t| t.count)
            .sum();
        assert_eq!(sql_decided as u64, ours_decided);
    }
    // Every quota group's decided levels add up, level by level, to the subjects decided at
    // that level counted straight from the subjects (the hand-written roll-up at the root).
    let quota_at_root = app.report_quota(&office, root, 2026).await.unwrap();
    for level in [Level::Htxsnv, Level::Httnv, Level::Htnv, Level::Khtnv] {
        let in_groups: u64 = quota_at_root
            .groups
            .iter()
            .map(|g| u64::from(g.levels.get(level)))
            .sum();
        let counted: i64 = by_sql
            .iter()
            .filter(|r| r.org_id == root && r.level == Some(level))
            .map(|r| r.count)
            .sum();
        assert_eq!(in_groups, counted as u64, "{level:?}");
        let line = total.levels.iter().find(|c| c.level == level).unwrap();
        assert_eq!(in_groups, line.count, "{level:?}");
    }
    drop(tx);

    // On SQLite a summary's reading is shared with an idle connection of the pool, which
    // opens the transaction's snapshot: what the two read is what one connection reads alone.
    // A change committed by another connection after the transaction has read (every count
    // row nudged, one subject's level turned KHTNV) is in no part of it (the second connection
    // opens the snapshot, or, when the change has restarted the log, the transaction reads
    // alone).
    let plans = [cycle.plan.id];
    let ask = SubtreeAsk {
        quota: true,
        totals_of: &plans,
        khtnv_of: &plans,
    };
    let comparable = |mut read: SubtreeCounts| {
        read.children.sort_by_key(|c| format!("{c:?}"));
        read.quota.sort_by_key(|q| format!("{q:?}"));
        read.plan_totals.sort();
        read.connections = 0;
        read
    };
    let flipped = app
        .subjects(&office, cycle.plan.id, Some(&[cycle.branches[0]]))
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.stage == Stage::Decided && matches!(s.level, Some(l) if l != Level::Khtnv))
        .expect("a subject decided at a level other than KHTNV");
    let flipped_level = flipped.level.expect("a decided level");
    // Every count row nudged by `delta` (behind the application's back); one subject's level
    // set straight in the database.
    let nudge_all = |delta: i64| {
        format!(
            "UPDATE subject_counts SET subjects = subjects + {delta}, pending = pending + {delta}"
        )
    };
    let set_level = |level: Level| {
        format!(
            "UPDATE subjects SET level = '{}' WHERE id = {}",
            level.code(),
            db.sql_uuid(flipped.id)
        )
    };
    for org in [root, parent, cycle.grassroots] {
        let scope = ReportScope { root: org, ..scope };
        let read_alone = || async {
            let read = db
                .store
                .read()
                .await
                .unwrap()
                .alone()
                .report_subtree_counts(&scope, &ask)
                .await
                .unwrap();
            assert_eq!(read.connections, 1);
            comparable(read)
        };
        let alone = read_alone().await;
        assert!(!alone.children.is_empty() && !alone.plan_totals.is_empty());
        let shared = db
            .store
            .read()
            .await
            .unwrap()
            .report_subtree_counts(&scope, &ask)
            .await
            .unwrap();
        let connections = if db.is_postgres() { 1 } else { 2 };
        assert_eq!(shared.connections, connections, "{org}");
        assert_eq!(comparable(shared), alone, "{org}");
        let mut tx = db.store.read().await.unwrap();
        tx.report_plans(&scope).await.unwrap();
        assert!(db.execute_raw(&nudge_all(1)).await > 0);
        assert_eq!(db.execute_raw(&set_level(Level::Khtnv)).await, 1);
        let during = tx.report_subtree_counts(&scope, &ask).await.unwrap();
        drop(tx);
        assert_eq!(comparable(during), alone, "{org}");
        let changed = read_alone().await;
        assert_ne!(changed.children, alone.children, "the change was committed");
        assert_eq!(
            changed.khtnv.len(),
            alone.khtnv.len() + 1,
            "the plan's KHTNV"
        );
        db.execute_raw(&nudge_all(-1)).await;
        db.execute_raw(&set_level(flipped_level)).await;
        assert_eq!(read_alone().await, alone, "{org}: the changes undone");
    }

    // The counts the report reads are kept beside the subjects; should they ever differ from
    // the subjects (here: edited behind the application's back), the report says so and
    // names the branch, never balancing quietly.
    let branch = cycle.branches[0];
    let branch_subjects: u64 = rollup.tallies(branch).iter().map(|t| t.count).sum();
    let nudge = |delta: i64| async move {
        let changed = db
            .execute_raw(&format!(
                "UPDATE subject_counts \
                 SET subjects = subjects + {delta}, decided = decided + {delta}, httnv = httnv + {delta} \
                 WHERE unit_id = {} AND httnv > 0",
                db.sql_uuid(branch)
            ))
            .await;
        assert!(changed > 0, "the branch has subjects rated HTTNV");
        changed
    };
    let rows = nudge(2).await;
    let tampered = app.report_summary(&office, root, 2026).await.unwrap();
    let check = &tampered.summary.cross_check;
    assert!(!check.balanced, "{check:?}");
    let named = check
        .problems
        .iter()
        .find(|p| p.contains("số đếm lưu sẵn"))
        .unwrap_or_else(|| panic!("{check:?}"));
    assert!(
        named.contains(&format!(
            "là {} đối tượng nhưng đếm trực tiếp được {branch_subjects}",
            branch_subjects + 2 * rows
        )),
        "{named}"
    );
    assert_eq!(
        check.subjects, total.subjects,
        "the subjects are counted themselves"
    );
    nudge(-2).await;
    let mended = app.report_summary(&office, root, 2026).await.unwrap();
    assert!(mended.summary.cross_check.balanced);

    // The quota report: the rules' own check of each group.
    let quota = app
        .report_quota(&office, cycle.grassroots, 2026)
        .await
        .unwrap();
    assert!(!quota.groups.is_empty());
    let book = cycle.plan.book().unwrap();
    for group in &quota.groups {
        assert_eq!(
            group.check,
            check_quota(&book, &group.levels, None).unwrap()
        );
        assert!(
            !group.name.is_empty() && group.name.contains(' '),
            "{}",
            group.name
        );
    }

    // Progress at the grassroots organisation: itself and its children, who is pending.
    let report = app
        .report_progress(&office, cycle.grassroots, 2026)
        .await
        .unwrap();
    assert_eq!(report.nodes[0].org, cycle.grassroots);
    assert!(
        report
            .nodes
            .iter()
            .skip(1)
            .all(|n| n.parent == Some(cycle.grassroots))
    );
    assert!(!report.pending.is_empty());

    // Every kind of document, built from what was recorded.
    let meetings = app.meetings(&office, cycle.plan.id).await.unwrap();
    let meeting = meetings
        .iter()
        .find(|m| m.status != "scheduled")
        .expect("a held meeting");
    let subjects = app
        .subjects(&office, cycle.plan.id, Some(&[cycle.branches[0]]))
        .await
        .unwrap();
    let written = subjects
        .iter()
        .find(|s| s.kind.is_member() && s.stage == Stage::Decided)
        .expect("a decided member");
    let org = |kind| {
        (
            kind,
            PaperTarget::Org {
                org: cycle.grassroots,
                year: 2026,
            },
        )
    };
    let cases = [
        org(PaperKind::Summary),
        org(PaperKind::Quota),
        org(PaperKind::Progress),
        org(PaperKind::NotRated),
        org(PaperKind::MemberDecision),
        org(PaperKind::Dossier),
        (
            PaperKind::ProposalTable,
            PaperTarget::Org {
                org: cycle.branches[0],
                year: 2026,
            },
        ),
        (PaperKind::SelfReview, PaperTarget::Subject(written.id)),
        (PaperKind::ScoreSheet, PaperTarget::Subject(written.id)),
        (PaperKind::Minutes, PaperTarget::Meeting(meeting.id)),
        (PaperKind::BallotPaper, PaperTarget::Meeting(meeting.id)),
        (PaperKind::BallotCount, PaperTarget::Meeting(meeting.id)),
    ];
    for (kind, target) in cases {
        let paper = app
            .paper(&office, kind, target)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let text = text_of(&paper);
        assert!(
            !paper.title.is_empty() && !paper.blocks.is_empty(),
            "{kind:?}"
        );
        assert!(paper.file_name.is_ascii() && !paper.file_name.is_empty());
        match kind {
            PaperKind::SelfReview | PaperKind::ScoreSheet => {
                assert!(text.contains(&written.name), "{kind:?}: {text}")
            }
            PaperKind::Minutes => {
                // Attendance and the ballot results, written once.
                assert!(text.contains("THÀNH PHẦN"));
                assert_eq!(text.matches("KẾT QUẢ BỎ PHIẾU").count(), 1, "{text}");
                assert!(text.contains(&written.name));
            }
            PaperKind::Dossier => {
                assert!(text.contains("Biên bản hội nghị"), "{text}");
                assert!(text.contains("Quyết định công nhận mức xếp loại chất lượng năm 2026"));
            }
            PaperKind::MemberDecision => {
                assert!(text.contains("Điều 1. Công nhận mức xếp loại chất lượng năm 2026"));
                assert!(text.contains(&written.name), "{text}");
            }
            _ => {}
        }
    }

    // A step not reached: the untouched branch has no decision, no proposal; its members no
    // self-review.
    let refused = app
        .paper(
            &office,
            PaperKind::MemberDecision,
            PaperTarget::Org {
                org: cycle.branches[1],
                year: 2026,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::OutOfOrder);
    assert!(
        refused
            .message()
            .contains("Chưa lập được quyết định xếp loại"),
        "{}",
        refused.message()
    );
    let untouched = app
        .subjects(&office, cycle.plan.id, Some(&[cycle.branches[1]]))
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.kind.is_member() && s.stage == Stage::Pending)
        .expect("a member who has not written");
    let refused = app
        .paper(
            &office,
            PaperKind::SelfReview,
            PaperTarget::Subject(untouched.id),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::OutOfOrder);
    assert!(refused.message().contains("chưa viết bản kiểm điểm"));
    // The wrong target for a kind names what it is made for.
    let wrong = app
        .paper(
            &office,
            PaperKind::Minutes,
            PaperTarget::Subject(untouched.id),
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("target"));
    // A year without a plan.
    let none = app.report_summary(&office, root, 2019).await.unwrap_err();
    assert_eq!(none.error_code(), ErrorCode::OutOfOrder);

    // Re-classification (Mẫu 03): refused before any, then the recorded document printed.
    let refused = app
        .paper(
            &office,
            PaperKind::Reclassification,
            PaperTarget::Subject(written.id),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::OutOfOrder);
    let version = app.subject(&office, written.id).await.unwrap().version;
    let before = written.level.unwrap();
    let after = if before == Level::Htnv {
        Level::Httnv
    } else {
        Level::Htnv
    };
    app.correct(
        &office,
        written.id,
        kiemdiem_app::evaluation::DecisionInput {
            version,
            level: Some(after),
            reason: Some("Phát hiện vi phạm sau khi xếp loại, đã được kết luận".into()),
            exceptional_share: None,
            document: Some(kiemdiem_app::document::DocumentInput {
                number_symbol: "15-QĐ/ĐU".into(),
                issued_on: Some(today),
                place: "Đức Nghĩa".into(),
                on_behalf_of: "T/M Ban Thường vụ".into(),
                signer_title: "Phó Bí thư".into(),
                signer_name: "Lữ Văn Đặng".into(),
                recipients: vec!["Như Điều 3".into()],
            }),
        },
    )
    .await
    .unwrap();
    let paper = app
        .paper(
            &office,
            PaperKind::Reclassification,
            PaperTarget::Subject(written.id),
        )
        .await
        .unwrap();
    let text = text_of(&paper);
    assert_eq!(paper.number.as_deref(), Some("Số 15-QĐ/ĐU"));
    assert_eq!(paper.form.as_deref(), Some("Mẫu 03"));
    assert!(
        text.contains(&format!(
            "Hủy bỏ kết quả xếp loại chất lượng năm 2026 đối với {}: {}",
            written.name,
            before.name_vi()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Xếp loại lại chất lượng năm 2026 đối với {}: {}",
            written.name,
            after.name_vi()
        )),
        "{text}"
    );
    assert_eq!(paper.signatures[0].name, "Lữ Văn Đặng");

    // The previous year: a 2025 plan of the district, opened, and its classified subjects
    // decided HTTNV straight in the database (the kept counts follow by their triggers). The
    // 2026 summary compares level by level with it.
    let before = app
        .create_plan(
            &office,
            kiemdiem_app::plan::NewPlan {
                org: root,
                year: 2025,
                ..kiemdiem_app::plan::NewPlan::default()
            },
        )
        .await
        .unwrap();
    app.open_plan(&office, before.id, before.version)
        .await
        .unwrap();
    let decided_2025 = db
        .execute_raw(&format!(
            "UPDATE subjects SET stage = 'decided', level = 'HTTNV' \
             WHERE plan_id = {} AND participation = 'review_and_classify'",
            db.sql_uuid(before.id)
        ))
        .await;
    assert!(decided_2025 > 0);
    let compared = app.report_summary(&office, root, 2026).await.unwrap();
    assert_eq!(compared.previous_year, Some(2025));
    let comparison = &compared.summary.comparison;
    assert!(!comparison.is_empty());
    // Level by level on each line, then again on the total line («Tổng số»).
    let previous = |total: bool, level: Level| -> u64 {
        comparison
            .iter()
            .filter(|c| (c.label == "Tổng số") == total && c.level == level)
            .map(|c| c.previous_year)
            .sum()
    };
    assert_eq!(previous(true, Level::Httnv), decided_2025, "{comparison:?}");
    assert_eq!(
        previous(false, Level::Httnv),
        decided_2025,
        "{comparison:?}"
    );
    for level in [Level::Htxsnv, Level::Htnv, Level::Khtnv] {
        assert_eq!(
            previous(true, level) + previous(false, level),
            0,
            "{level:?}"
        );
    }
    // This year's figures are not touched by the other year's plan.
    assert_eq!(
        compared.summary.total.subjects,
        summary.summary.total.subjects
    );
    assert_eq!(compared.summary.total.rated, summary.summary.total.rated);
    assert!(compared.summary.cross_check.balanced);
}
