//! The documents of one subject (self-review form of its era, score sheet), one meeting (minutes,
//! ballot papers, ballot-count minutes) and one organisation (the branch's proposal table, the
//! decisions on members' and organisations' levels), filled from what was recorded. Each is
//! built from the app's own read use cases, so each read is authorized as it would be on its
//! own; a document whose step is not reached yet is refused with what is missing.

use super::model::{Block, Cell, Paper, Signature, Table, day_words, file_stem, issuing_body};
use super::reports::{abbreviation, committee_of};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::Subject;
use crate::state::Stage;
use kiemdiem_rules::ballot::BallotOutcome;
use kiemdiem_rules::{Level, SubjectKind};
use time::Date;
use uuid::Uuid;

/// The refusal of a document whose step is not reached: what is missing, in words.
pub(crate) fn not_yet(document: &str, missing: impl std::fmt::Display) -> AppError {
    AppError::new(
        ErrorCode::OutOfOrder,
        format!("Chưa lập được {document}: {missing}"),
    )
}

/// Names the parts of the tree a document prints.
pub(crate) struct Places {
    pub unit: String,
    pub superior: Option<String>,
    pub place: String,
}

impl App {
    pub(crate) async fn places(&self, unit: Uuid, on: Date, plan: Uuid) -> Result<Places> {
        let mut tx = self.store().read().await?;
        let node = tx.org_as_of(unit, on).await?;
        let superior = match node.as_ref().and_then(|n| n.parent_id) {
            Some(parent) => tx.org_as_of(parent, on).await?.map(|o| o.name),
            None => None,
        };
        let place = match tx.plan(plan).await?.and_then(|p| p.document_id) {
            Some(id) => tx.document(id).await?.map(|d| d.place).unwrap_or_default(),
            None => String::new(),
        };
        Ok(Places {
            unit: node.map(|n| n.name).unwrap_or_default(),
            superior,
            place,
        })
    }
}

fn header(places: &Places) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(superior) = &places.superior {
        lines.push(superior.to_uppercase());
    }
    lines.push(issuing_body(&places.unit).to_uppercase());
    lines
}

fn place_date(place: &str, day: Date) -> String {
    if place.is_empty() {
        format!("…………, {}", day_words(day))
    } else {
        format!("{place}, {}", day_words(day))
    }
}

fn level_name(level: Option<Level>) -> String {
    level.map(|l| l.name_vi().to_owned()).unwrap_or_default()
}

impl App {
    /// The self-review (bản kiểm điểm) or, for a body, the collective report (Mẫu 01), on the
    /// form of the plan's era, filled with what the subject wrote.
    pub(crate) async fn self_review_paper(&self, actor: &Actor, id: Uuid) -> Result<Paper> {
        let subject = self.subject(actor, id).await?;
        let review = self.self_review(actor, id).await?.ok_or_else(|| {
            not_yet(
                "bản kiểm điểm",
                format!("{} chưa viết bản kiểm điểm", subject.name),
            )
        })?;
        let plan = self.plan(actor, subject.plan).await?;
        // A quarter's or half-year's self-evaluation is on the era's periodic form (Mẫu 05).
        let book = plan.book()?;
        let form = match plan.period {
            crate::plan::Period::Year => None,
            _ => kiemdiem_rules::forms::periodic_form(&book),
        }
        .unwrap_or_else(|| kiemdiem_rules::forms::self_review_form(&book, subject.kind));
        let sections = kiemdiem_rules::forms::self_review_sections(&book, subject.kind);
        let places = self.places(subject.unit, plan.review_date, plan.id).await?;
        let individual = subject.kind.is_individual();
        let mut blocks = vec![Block::Field {
            label: if individual {
                "Họ và tên"
            } else {
                "Tập thể"
            }
            .to_owned(),
            value: subject.name.clone(),
        }];
        blocks.push(Block::Field {
            label: "Đối tượng".to_owned(),
            value: subject.kind.name_vi().to_owned(),
        });
        blocks.push(Block::Field {
            label: if individual {
                "Sinh hoạt tại"
            } else {
                "Thuộc"
            }
            .to_owned(),
            value: places.unit.clone(),
        });
        for section in sections {
            blocks.push(Block::Heading {
                text: section.title.to_owned(),
            });
            let text = review
                .sections
                .get(section.code)
                .map(|t| t.trim().to_owned())
                .unwrap_or_default();
            blocks.push(Block::Paragraph {
                text: if text.is_empty() {
                    "(Không ghi)".to_owned()
                } else {
                    text
                },
            });
        }
        let evaluations = self.evaluations(actor, id).await?;
        if let Some(own) = evaluations.iter().find(|e| e.source == "self") {
            if let Some(total) = own.score.as_ref().and_then(|s| s.total) {
                blocks.push(Block::Field {
                    label: "Tự chấm điểm".to_owned(),
                    value: format!("{total} điểm"),
                });
            }
            blocks.push(Block::Field {
                label: "Tự nhận mức xếp loại chất lượng".to_owned(),
                value: level_name(own.level),
            });
        }
        if let Some(level) = subject.level {
            blocks.push(Block::Field {
                label: "Cấp có thẩm quyền xếp loại".to_owned(),
                value: level.name_vi().to_owned(),
            });
        }
        let day = review.submitted_on.unwrap_or(plan.review_date);
        Ok(Paper {
            file_name: file_stem(&format!("ban kiem diem {} {}", subject.name, plan.year)),
            form: Some(form.code.clone()),
            issuer: header(&places),
            number: None,
            place_date: Some(place_date(&places.place, day)),
            title: form.title.to_uppercase(),
            subtitle: Some(match plan.period {
                crate::plan::Period::Year => format!("Năm {}", plan.year),
                crate::plan::Period::Half(n) => format!("6 tháng lần {n} năm {}", plan.year),
                crate::plan::Period::Quarter(n) => format!("Quý {n} năm {}", plan.year),
            }),
            blocks,
            recipients: Vec::new(),
            signatures: vec![Signature {
                on_behalf_of: None,
                title: if individual {
                    "NGƯỜI TỰ KIỂM ĐIỂM".to_owned()
                } else {
                    format!("T/M {}", committee_of(&subject.name))
                },
                name: if individual {
                    subject.name.clone()
                } else {
                    String::new()
                },
            }],
            landscape: false,
        })
    }

    /// The score sheet: the self-scored criteria, bonuses and deductions with their responsible
    /// people, and columns (1) self … (5) branch side by side.
    pub(crate) async fn score_sheet_paper(&self, actor: &Actor, id: Uuid) -> Result<Paper> {
        let subject = self.subject(actor, id).await?;
        let evaluations = self.evaluations(actor, id).await?;
        let own = evaluations
            .iter()
            .find(|e| e.source == "self")
            .ok_or_else(|| {
                not_yet(
                    "phiếu chấm điểm",
                    format!("{} chưa tự chấm điểm, tự xếp loại", subject.name),
                )
            })?;
        let plan = self.plan(actor, subject.plan).await?;
        let places = self.places(subject.unit, plan.review_date, plan.id).await?;
        let mut blocks = vec![
            Block::Field {
                label: if subject.kind.is_individual() {
                    "Họ và tên"
                } else {
                    "Tập thể"
                }
                .to_owned(),
                value: subject.name.clone(),
            },
            Block::Field {
                label: "Đối tượng".to_owned(),
                value: subject.kind.name_vi().to_owned(),
            },
        ];
        if let Some(sheet) = &own.score {
            blocks.push(Block::Heading {
                text: "I. TỰ CHẤM ĐIỂM THEO TIÊU CHÍ".to_owned(),
            });
            let mut table = Table::new(&[
                ("Tiêu chí", 60),
                ("Điểm tối đa", 14),
                ("Tự chấm", 13),
                ("Cấp độ", 13),
            ]);
            for c in &sheet.criteria {
                table.rows.push(vec![
                    Cell::text(c.title.clone()),
                    c.max_points
                        .map(Cell::points)
                        .unwrap_or_else(|| Cell::text("")),
                    c.points.map(Cell::points).unwrap_or_else(|| Cell::text("")),
                    Cell::text(c.grade.map(|g| g.name_vi()).unwrap_or_default()),
                ]);
            }
            if let Some(total) = sheet.total {
                table.rows.push(vec![
                    Cell::text("Tổng điểm"),
                    sheet
                        .max_points
                        .map(Cell::points)
                        .unwrap_or_else(|| Cell::text("")),
                    Cell::points(total),
                    Cell::text(""),
                ]);
                table.total_row = true;
            }
            blocks.push(Block::Table(table));
            blocks.push(Block::Paragraph {
                text: sheet.basis.clone(),
            });
            blocks.push(Block::Heading {
                text: "II. ĐIỂM THƯỞNG, ĐIỂM TRỪ".to_owned(),
            });
            if sheet.adjustments.is_empty() {
                blocks.push(Block::Paragraph {
                    text: "Không có.".to_owned(),
                });
            } else {
                let mut table = Table::new(&[
                    ("Nội dung", 44),
                    ("Điểm", 12),
                    ("Người chịu trách nhiệm", 24),
                    ("Căn cứ", 20),
                ]);
                for a in &sheet.adjustments {
                    let sign = if a.applied.0 > 0 { "+" } else { "" };
                    table.rows.push(vec![
                        Cell::text(a.reason.clone()),
                        Cell {
                            text: format!("{sign}{}", a.applied),
                            number: Some(a.applied.as_decimal()),
                        },
                        Cell::text(a.responsible.clone()),
                        Cell::text(a.citation.source.clone()),
                    ]);
                }
                blocks.push(Block::Table(table));
            }
        }
        let side = self.side_by_side(actor, id).await?;
        blocks.push(Block::Heading {
            text: "III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CỦA CÁC CHỦ THỂ".to_owned(),
        });
        let mut table = Table::new(&[
            ("Cột", 8),
            ("Chủ thể đánh giá", 40),
            ("Tổng điểm", 12),
            ("Mức xếp loại", 24),
            ("Ghi chú", 16),
        ]);
        for c in side.columns.iter().filter(|c| c.no < 10) {
            table.rows.push(vec![
                Cell::text(if c.no > 0 {
                    format!("({})", c.no)
                } else {
                    String::new()
                }),
                Cell::text(c.title.clone()),
                c.total.map(Cell::points).unwrap_or_else(|| Cell::text("")),
                Cell::text(level_name(c.level)),
                Cell::text(c.note.clone()),
            ]);
        }
        blocks.push(Block::Table(table));
        Ok(Paper {
            file_name: file_stem(&format!("phieu cham diem {} {}", subject.name, plan.year)),
            form: None,
            issuer: header(&places),
            number: None,
            place_date: Some(place_date(&places.place, plan.review_date)),
            title: "PHIẾU CHẤM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG".to_owned(),
            subtitle: Some(format!("Năm {}", plan.year)),
            blocks,
            recipients: Vec::new(),
            signatures: vec![Signature {
                on_behalf_of: None,
                title: "NGƯỜI TỰ CHẤM ĐIỂM".to_owned(),
                name: if subject.kind.is_individual() {
                    subject.name.clone()
                } else {
                    String::new()
                },
            }],
            landscape: false,
        })
    }

    /// The re-classification decision (Mẫu 03): the earlier result annulled, the new level,
    /// the reason, and the number, date and signature of the document it was issued by when
    /// recorded.
    pub(crate) async fn reclassification_paper(&self, actor: &Actor, id: Uuid) -> Result<Paper> {
        let subject = self.subject(actor, id).await?;
        let versions = self.decisions(actor, id).await?;
        let correction = versions
            .iter()
            .rev()
            .find(|d| d.kind == "correction")
            .ok_or_else(|| {
                not_yet(
                    "quyết định xếp loại lại (Mẫu 03)",
                    format!(
                        "{} chưa có quyết định hủy bỏ kết quả và xếp loại lại",
                        subject.name
                    ),
                )
            })?;
        let before = correction
            .previous
            .and_then(|p| versions.iter().find(|d| d.id == p))
            .and_then(|d| d.level);
        let plan = self.plan(actor, subject.plan).await?;
        let unit = correction.deciding_org.unwrap_or(subject.unit);
        let places = self.places(unit, plan.review_date, plan.id).await?;
        let document = correction.document.as_ref();
        let day = document
            .map(|d| d.issued_on)
            .unwrap_or_else(|| correction.decided_at.date());
        let place = document
            .map(|d| d.place.clone())
            .filter(|p| !p.is_empty())
            .unwrap_or(places.place.clone());
        let blocks = vec![
            Block::Paragraph {
                text: format!("Căn cứ {};", plan.legal_basis),
            },
            Block::Paragraph {
                text: format!(
                    "Xét lý do: {}",
                    correction.reason.clone().unwrap_or_default()
                ),
            },
            Block::Heading {
                text: "QUYẾT ĐỊNH:".to_owned(),
            },
            Block::Paragraph {
                text: format!(
                    "Điều 1. Hủy bỏ kết quả xếp loại chất lượng năm {} đối với {}: {}.",
                    plan.year,
                    subject.name,
                    level_name(before)
                ),
            },
            Block::Paragraph {
                text: format!(
                    "Điều 2. Xếp loại lại chất lượng năm {} đối với {}: {}.",
                    plan.year,
                    subject.name,
                    level_name(correction.level)
                ),
            },
            Block::Paragraph {
                text: "Điều 3. Các tổ chức, cá nhân có liên quan căn cứ quyết định thi hành."
                    .to_owned(),
            },
        ];
        Ok(Paper {
            file_name: file_stem(&format!(
                "quyet dinh xep loai lai {} {}",
                subject.name, plan.year
            )),
            form: Some("Mẫu 03".to_owned()),
            issuer: header(&places),
            number: Some(
                document
                    .map(|d| format!("Số {}", d.number_symbol))
                    .unwrap_or_else(|| format!("Số     -QĐ/{}", abbreviation(&places.unit))),
            ),
            place_date: Some(place_date(&place, day)),
            title: "QUYẾT ĐỊNH".to_owned(),
            subtitle: Some(format!(
                "Về việc hủy bỏ kết quả và xếp loại lại chất lượng năm {} đối với {}",
                plan.year, subject.name
            )),
            blocks,
            recipients: document
                .map(|d| d.recipients.clone())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| vec!["Như Điều 3".to_owned(), "Lưu văn phòng".to_owned()]),
            signatures: vec![Signature {
                on_behalf_of: Some(
                    document
                        .map(|d| d.on_behalf_of.clone())
                        .unwrap_or_else(|| format!("T/M {}", committee_of(&places.unit))),
                ),
                title: document
                    .map(|d| d.signer_title.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "BÍ THƯ".to_owned()),
                name: document.map(|d| d.signer_name.clone()).unwrap_or_default(),
            }],
            landscape: false,
        })
    }

    /// The dossier list (Mẫu 04): what the organisation's file of the year holds — the plan, the
    /// self-reviews, the minutes of each meeting held in it and its direct branches, the ballot
    /// counts, the decisions — each with its number and date where one was recorded.
    pub(crate) async fn dossier_paper(&self, actor: &Actor, org: Uuid, year: i32) -> Result<Paper> {
        let plan = self.report_plan(actor, org, year).await?;
        let mut units = vec![org];
        let mut tx = self.store().read().await?;
        units.extend(
            tx.org_children(org, plan.review_date)
                .await?
                .into_iter()
                .map(|o| o.id),
        );
        drop(tx);
        let subjects = self.subjects(actor, plan.id, Some(&units)).await?;
        let meetings: Vec<_> = self
            .meetings(actor, plan.id)
            .await?
            .into_iter()
            .filter(|m| units.contains(&m.org) && m.status != "scheduled")
            .collect();
        if meetings.is_empty() {
            return Err(not_yet(
                "danh mục hồ sơ",
                "tổ chức và các chi bộ trực thuộc chưa họp kiểm điểm",
            ));
        }
        let places = self.places(org, plan.review_date, plan.id).await?;
        let mut table = Table::new(&[
            ("STT", 6),
            ("Tên tài liệu", 52),
            ("Số, ký hiệu", 16),
            ("Ngày", 12),
            ("Số lượng", 14),
        ]);
        let mut add = |name: String, number: String, day: String, count: u64| {
            let n = table.rows.len() as u64 + 1;
            table.rows.push(vec![
                Cell::count(n),
                Cell::text(name),
                Cell::text(number),
                Cell::text(day),
                Cell::count(count),
            ]);
        };
        let doc = |d: Option<&crate::document::Document>| {
            d.map(|d| (d.number_symbol.clone(), crate::date_vi(d.issued_on)))
                .unwrap_or_default()
        };
        let (number, day) = doc(plan.document.as_ref());
        add(plan.title.clone(), number, day, 1);
        let written = subjects
            .iter()
            .filter(|s| !matches!(s.stage, Stage::Pending | Stage::Excluded))
            .count() as u64;
        add(
            "Bản kiểm điểm, báo cáo kiểm điểm của tập thể, cá nhân".to_owned(),
            String::new(),
            String::new(),
            written,
        );
        for m in &meetings {
            let unit = self.places(m.org, plan.review_date, plan.id).await?.unit;
            add(
                format!("Biên bản {} — {unit}", m.title.to_lowercase()),
                String::new(),
                crate::date_vi(m.held_on),
                1,
            );
            let counted = self
                .ballots(actor, m.id)
                .await?
                .iter()
                .filter(|b| !b.results.is_empty())
                .count() as u64;
            if counted > 0 {
                add(
                    format!("Biên bản kiểm phiếu — {unit}"),
                    String::new(),
                    crate::date_vi(m.held_on),
                    counted,
                );
            }
        }
        let decided: Vec<&Subject> = subjects
            .iter()
            .filter(|s| matches!(s.stage, Stage::Decided | Stage::Published))
            .collect();
        if let Some(first) = decided.first() {
            let document = self
                .decisions(actor, first.id)
                .await?
                .into_iter()
                .rev()
                .find_map(|d| d.document);
            let (number, day) = doc(document.as_ref());
            add(
                format!("Quyết định công nhận mức xếp loại chất lượng năm {year}"),
                number,
                day,
                decided.len() as u64,
            );
        }
        Ok(Paper {
            file_name: file_stem(&format!("danh muc ho so {} {year}", places.unit)),
            form: Some("Mẫu 04".to_owned()),
            issuer: header(&places),
            number: None,
            place_date: Some(place_date(&places.place, self.today())),
            title: "DANH MỤC HỒ SƠ".to_owned(),
            subtitle: Some(format!(
                "Kiểm điểm, đánh giá, xếp loại chất lượng năm {year}"
            )),
            blocks: vec![Block::Table(table)],
            recipients: vec!["Lưu hồ sơ".to_owned()],
            signatures: vec![Signature {
                on_behalf_of: Some(format!("T/M {}", committee_of(&places.unit))),
                title: "BÍ THƯ".to_owned(),
                name: String::new(),
            }],
            landscape: false,
        })
    }

    async fn names(&self, actor: &Actor, ids: &[Uuid]) -> Result<Vec<Subject>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.subject(actor, *id).await?);
        }
        Ok(out)
    }

    /// The meeting's minutes (biên bản): attendance, the subjects reviewed with the comments
    /// and conclusions, and the ballot results — written once.
    pub(crate) async fn minutes_paper(&self, actor: &Actor, id: Uuid) -> Result<Paper> {
        let meeting = self.meeting(actor, id).await?;
        if meeting.status == "scheduled" {
            return Err(not_yet(
                "biên bản hội nghị",
                format!(
                    "hội nghị ngày {} chưa họp (chưa ghi kết quả kiểm điểm)",
                    crate::date_vi(meeting.held_on)
                ),
            ));
        }
        let plan = self.plan(actor, meeting.plan).await?;
        let places = self.places(meeting.org, plan.review_date, plan.id).await?;
        let present = meeting.attendees.iter().filter(|a| a.present).count();
        let excused = meeting
            .attendees
            .iter()
            .filter(|a| !a.present && a.excused)
            .count();
        let absent = meeting.attendees.len() - present - excused;
        let mut blocks = vec![
            Block::Paragraph {
                text: format!(
                    "Hồi … giờ … ngày {}, tại {}, {} tổ chức {}.",
                    day_words(meeting.held_on).trim_start_matches("ngày "),
                    if meeting.place.is_empty() {
                        "…………"
                    } else {
                        &meeting.place
                    },
                    places.unit,
                    meeting.title
                ),
            },
            Block::Field {
                label: "Chủ trì".to_owned(),
                value: meeting.chair.clone(),
            },
            Block::Heading {
                text: "I. THÀNH PHẦN".to_owned(),
            },
            Block::Paragraph {
                text: format!(
                    "Tổng số được triệu tập: {}; có mặt: {present}; vắng có lý do: {excused}; vắng không có lý do: {absent}.",
                    meeting.attendees.len()
                ),
            },
        ];
        let mut table = Table::new(&[
            ("STT", 6),
            ("Họ và tên", 40),
            ("Vai trò", 28),
            ("Có mặt", 26),
        ]);
        for (i, a) in meeting.attendees.iter().enumerate() {
            table.rows.push(vec![
                Cell::count(i as u64 + 1),
                Cell::text(a.name.clone()),
                Cell::text(match a.role.as_str() {
                    "chair" => "Chủ trì",
                    "secretary" => "Thư ký",
                    "superior_delegate" => "Đại biểu cấp trên",
                    "guest" => "Khách mời",
                    _ => "Đảng viên",
                }),
                Cell::text(if a.present {
                    "Có mặt"
                } else if a.excused {
                    "Vắng có lý do"
                } else {
                    "Vắng"
                }),
            ]);
        }
        blocks.push(Block::Table(table));
        blocks.push(Block::Heading {
            text: "II. NỘI DUNG KIỂM ĐIỂM".to_owned(),
        });
        let ids: Vec<Uuid> = meeting.items.iter().map(|i| i.subject).collect();
        let subjects = self.names(actor, &ids).await?;
        for (item, subject) in meeting.items.iter().zip(&subjects) {
            blocks.push(Block::Field {
                label: format!("{}. {}", item.position, subject.name),
                value: if item.absent {
                    "vắng mặt, kiểm điểm tại cuộc họp gần nhất".to_owned()
                } else if item.reviewed {
                    "đã kiểm điểm".to_owned()
                } else {
                    "chưa kiểm điểm".to_owned()
                },
            });
            if !item.comments.trim().is_empty() {
                blocks.push(Block::Paragraph {
                    text: format!("Ý kiến góp ý: {}", item.comments.trim()),
                });
            }
            if !item.conclusion.trim().is_empty() {
                blocks.push(Block::Paragraph {
                    text: format!("Kết luận: {}", item.conclusion.trim()),
                });
            }
        }
        let ballots = self.ballots(actor, id).await?;
        let results: Vec<_> = ballots.iter().flat_map(|b| b.results.iter()).collect();
        blocks.push(Block::Heading {
            text: "III. KẾT QUẢ BỎ PHIẾU ĐÁNH GIÁ, XẾP LOẠI".to_owned(),
        });
        if results.is_empty() {
            blocks.push(Block::Paragraph {
                text: "Hội nghị chưa bỏ phiếu.".to_owned(),
            });
        } else {
            blocks.push(Block::Table(results_table(&results)));
        }
        if !meeting.minutes.trim().is_empty() {
            blocks.push(Block::Heading {
                text: "IV. DIỄN BIẾN HỘI NGHỊ".to_owned(),
            });
            blocks.push(Block::Paragraph {
                text: meeting.minutes.trim().to_owned(),
            });
        }
        if !meeting.conclusion.trim().is_empty() {
            blocks.push(Block::Heading {
                text: "KẾT LUẬN CỦA CHỦ TRÌ".to_owned(),
            });
            blocks.push(Block::Paragraph {
                text: meeting.conclusion.trim().to_owned(),
            });
        }
        blocks.push(Block::Paragraph {
            text: "Biên bản đã được thông qua trước hội nghị và hội nghị nhất trí.".to_owned(),
        });
        let secretary = meeting
            .attendees
            .iter()
            .find(|a| a.role == "secretary")
            .map(|a| a.name.clone())
            .unwrap_or_default();
        Ok(Paper {
            file_name: file_stem(&format!(
                "bien ban {} {}",
                places.unit,
                crate::date_vi(meeting.held_on)
            )),
            form: None,
            issuer: header(&places),
            number: None,
            place_date: Some(place_date(&places.place, meeting.held_on)),
            title: "BIÊN BẢN".to_owned(),
            subtitle: Some(meeting.title.clone()),
            blocks,
            recipients: Vec::new(),
            signatures: vec![
                Signature {
                    on_behalf_of: None,
                    title: "THƯ KÝ".to_owned(),
                    name: secretary,
                },
                Signature {
                    on_behalf_of: None,
                    title: "CHỦ TRÌ".to_owned(),
                    name: meeting.chair.clone(),
                },
            ],
            landscape: false,
        })
    }

    /// Ballot papers to print for paper voting: the subjects of the meeting's ballot, a box
    /// per level.
    pub(crate) async fn ballot_papers_paper(&self, actor: &Actor, id: Uuid) -> Result<Paper> {
        let meeting = self.meeting(actor, id).await?;
        let ballots = self.ballots(actor, id).await?;
        let ballot = ballots.first().ok_or_else(|| {
            not_yet(
                "phiếu bầu",
                "hội nghị chưa lập danh sách bỏ phiếu (chuẩn bị cuộc bỏ phiếu trước)",
            )
        })?;
        let plan = self.plan(actor, meeting.plan).await?;
        let places = self.places(meeting.org, plan.review_date, plan.id).await?;
        let subjects = self.names(actor, &ballot.agenda).await?;
        let mut columns: Vec<(&str, u16)> = vec![("STT", 6), ("Họ và tên", 34)];
        for level in Level::DESCENDING {
            columns.push((level.name_vi(), 15));
        }
        let mut table = Table::new(&columns);
        for (i, s) in subjects.iter().enumerate() {
            let mut row = vec![Cell::count(i as u64 + 1), Cell::text(s.name.clone())];
            row.extend(Level::DESCENDING.iter().map(|_| Cell::text("")));
            table.rows.push(row);
        }
        Ok(Paper {
            file_name: file_stem(&format!("phieu danh gia {} {}", places.unit, plan.year)),
            form: None,
            issuer: header(&places),
            number: None,
            place_date: None,
            title: "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN".to_owned(),
            subtitle: Some(format!("Năm {}", plan.year)),
            blocks: vec![
                Block::Note {
                    text: "Mỗi đảng viên đánh dấu (X) vào một ô mức xếp loại; phiếu đánh dấu nhiều hơn một ô ở cùng một dòng không hợp lệ cho dòng đó.".to_owned(),
                },
                Block::Table(table),
            ],
            recipients: Vec::new(),
            signatures: Vec::new(),
            landscape: true,
        })
    }

    /// The ballot-count minutes (biên bản kiểm phiếu) of a closed ballot.
    pub(crate) async fn ballot_count_paper(&self, actor: &Actor, id: Uuid) -> Result<Paper> {
        let meeting = self.meeting(actor, id).await?;
        let ballots = self.ballots(actor, id).await?;
        let closed: Vec<_> = ballots.iter().filter(|b| !b.results.is_empty()).collect();
        if closed.is_empty() {
            return Err(not_yet(
                "biên bản kiểm phiếu",
                "chưa có cuộc bỏ phiếu nào của hội nghị được kiểm phiếu",
            ));
        }
        let plan = self.plan(actor, meeting.plan).await?;
        let places = self.places(meeting.org, plan.review_date, plan.id).await?;
        let mut blocks = Vec::new();
        for ballot in &closed {
            let summoned = ballot
                .denominator
                .as_ref()
                .map(|d| d.summoned.to_string())
                .unwrap_or_else(|| "…".to_owned());
            blocks.push(Block::Paragraph {
                text: format!(
                    "Số đảng viên chính thức được triệu tập: {summoned}; số có quyền biểu quyết: {}; số phiếu phát ra và thu về: {}.",
                    ballot.entitled, ballot.papers_cast
                ),
            });
            let results: Vec<_> = ballot.results.iter().collect();
            blocks.push(Block::Table(results_table(&results)));
        }
        Ok(Paper {
            file_name: file_stem(&format!(
                "bien ban kiem phieu {} {}",
                places.unit, plan.year
            )),
            form: None,
            issuer: header(&places),
            number: None,
            place_date: Some(place_date(&places.place, meeting.held_on)),
            title: "BIÊN BẢN KIỂM PHIẾU".to_owned(),
            subtitle: Some(format!(
                "Đánh giá, xếp loại chất lượng đảng viên năm {}",
                plan.year
            )),
            blocks,
            recipients: Vec::new(),
            signatures: vec![Signature {
                on_behalf_of: None,
                title: "TRƯỞNG BAN KIỂM PHIẾU".to_owned(),
                name: String::new(),
            }],
            landscape: true,
        })
    }

    /// The decided subjects an organisation decides (or whose unit it is), of a set of kinds.
    async fn decided_under(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
        kinds: &[SubjectKind],
    ) -> Result<(crate::plan::Plan, Vec<Subject>)> {
        let plan = self.report_plan(actor, org, year).await?;
        let mut units = vec![org];
        let mut tx = self.store().read().await?;
        units.extend(
            tx.org_children(org, plan.review_date)
                .await?
                .into_iter()
                .map(|o| o.id),
        );
        drop(tx);
        let subjects = self
            .subjects(actor, plan.id, Some(&units))
            .await?
            .into_iter()
            .filter(|s| kinds.contains(&s.kind))
            .collect();
        Ok((plan, subjects))
    }

    /// The branch's summary proposal table: each member's levels from self-assessment to the
    /// branch's vote, columns (1) … (5).
    pub(crate) async fn proposal_table_paper(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<Paper> {
        let members = [
            SubjectKind::MemberWithPost,
            SubjectKind::MemberWithoutPost,
            SubjectKind::MemberOutsideSystem,
        ];
        let (plan, subjects) = self.decided_under(actor, org, year, &members).await?;
        let mut table = Table::new(&[
            ("STT", 5),
            ("Họ và tên", 25),
            ("(1) Tự xếp loại", 14),
            ("(2) Chủ thể thẩm định", 14),
            ("(3) Ý kiến nơi cư trú, cơ quan", 14),
            ("(4) Chi ủy đề xuất", 14),
            ("(5) Chi bộ biểu quyết", 14),
        ]);
        let mut any = false;
        for (i, s) in subjects.iter().enumerate() {
            let side = self.side_by_side(actor, s.id).await?;
            let at = |no: i64| {
                side.columns
                    .iter()
                    .filter(|c| c.no == no)
                    .filter_map(|c| c.level)
                    .next_back()
            };
            any |= (1..=5).any(|no| at(no).is_some());
            let mut row = vec![Cell::count(i as u64 + 1), Cell::text(s.name.clone())];
            row.extend((1..=5).map(|no| Cell::text(at(no).map(|l| l.code()).unwrap_or_default())));
            table.rows.push(row);
        }
        if !any {
            return Err(not_yet(
                "bảng tổng hợp đề xuất xếp loại",
                "chưa đảng viên nào tự đánh giá, xếp loại hoặc được đề xuất",
            ));
        }
        let places = self.places(org, plan.review_date, plan.id).await?;
        Ok(Paper {
            file_name: file_stem(&format!("bang tong hop de xuat {} {}", places.unit, year)),
            form: None,
            issuer: header(&places),
            number: None,
            place_date: Some(place_date(&places.place, self.today())),
            title: "BẢNG TỔNG HỢP".to_owned(),
            subtitle: Some(format!(
                "Kết quả đánh giá, đề xuất xếp loại chất lượng đảng viên năm {year}"
            )),
            blocks: vec![
                Block::Table(table),
                Block::Note {
                    text: "HTXSNV: Hoàn thành xuất sắc nhiệm vụ; HTTNV: Hoàn thành tốt nhiệm vụ; HTNV: Hoàn thành nhiệm vụ; KHTNV: Không hoàn thành nhiệm vụ.".to_owned(),
                },
            ],
            recipients: vec!["Cấp ủy cấp trên".to_owned(), "Lưu chi bộ".to_owned()],
            signatures: vec![Signature {
                on_behalf_of: Some(format!("T/M {}", committee_of(&places.unit))),
                title: "BÍ THƯ".to_owned(),
                name: String::new(),
            }],
            landscape: true,
        })
    }

    /// The decision recognising the levels of the members (or of the organisations and
    /// collectives) in `org` and its direct branches.
    pub(crate) async fn decision_paper(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
        organisations: bool,
    ) -> Result<Paper> {
        let kinds: &[SubjectKind] = if organisations {
            &[SubjectKind::Organisation, SubjectKind::Collective]
        } else {
            &[
                SubjectKind::MemberWithPost,
                SubjectKind::MemberWithoutPost,
                SubjectKind::MemberOutsideSystem,
            ]
        };
        let (plan, subjects) = self.decided_under(actor, org, year, kinds).await?;
        let decided: Vec<&Subject> = subjects
            .iter()
            .filter(|s| matches!(s.stage, Stage::Decided | Stage::Published) && s.level.is_some())
            .collect();
        let what = if organisations {
            "tổ chức đảng, tập thể"
        } else {
            "đảng viên"
        };
        if decided.is_empty() {
            return Err(not_yet(
                "quyết định xếp loại",
                format!("chưa {what} nào được cấp có thẩm quyền quyết định mức xếp loại"),
            ));
        }
        let places = self.places(org, plan.review_date, plan.id).await?;
        let body = committee_of(&places.unit);
        // The document the decisions were issued by, when a sitting recorded one.
        let mut document = None;
        for s in &decided {
            if let Some(d) = self
                .decisions(actor, s.id)
                .await?
                .into_iter()
                .rev()
                .find(|d| d.kind == "decision")
                .and_then(|d| d.document)
            {
                document = Some(d);
                break;
            }
        }
        let document = document.as_ref();
        let mut table = Table::new(&[
            ("STT", 6),
            ("Họ và tên / tên tổ chức", 44),
            ("Mức xếp loại chất lượng", 50),
        ]);
        for (i, s) in decided.iter().enumerate() {
            table.rows.push(vec![
                Cell::count(i as u64 + 1),
                Cell::text(s.name.clone()),
                Cell::text(level_name(s.level)),
            ]);
        }
        let mut by_level = Vec::new();
        for level in Level::DESCENDING {
            let n = decided.iter().filter(|s| s.level == Some(level)).count();
            if n > 0 {
                by_level.push(format!("{} {n}", level.name_vi().to_lowercase()));
            }
        }
        let blocks = vec![
            Block::Paragraph {
                text: format!("Căn cứ {};", plan.legal_basis),
            },
            Block::Paragraph {
                text: format!("Căn cứ {};", plan.title),
            },
            Block::Paragraph {
                text: format!("Xét đề nghị của các chi bộ và kết quả đánh giá, xếp loại chất lượng {what} năm {year},"),
            },
            Block::Heading {
                text: "QUYẾT ĐỊNH:".to_owned(),
            },
            Block::Paragraph {
                text: format!(
                    "Điều 1. Công nhận mức xếp loại chất lượng năm {year} đối với {} {what} (danh sách kèm theo), trong đó: {}.",
                    decided.len(),
                    by_level.join("; ")
                ),
            },
            Block::Table(table),
            Block::Paragraph {
                text: "Điều 2. Văn phòng cấp ủy, các chi bộ và các đồng chí có tên tại Điều 1 căn cứ quyết định thi hành.".to_owned(),
            },
        ];
        Ok(Paper {
            file_name: file_stem(&format!(
                "quyet dinh xep loai {} {} {year}",
                if organisations {
                    "to chuc"
                } else {
                    "dang vien"
                },
                places.unit
            )),
            form: None,
            issuer: header(&places),
            number: Some(
                document
                    .map(|d| format!("Số {}", d.number_symbol))
                    .unwrap_or_else(|| format!("Số     -QĐ/{}", abbreviation(&places.unit))),
            ),
            place_date: Some(match document {
                Some(d) => place_date(
                    if d.place.is_empty() {
                        &places.place
                    } else {
                        &d.place
                    },
                    d.issued_on,
                ),
                None => place_date(&places.place, self.today()),
            }),
            title: "QUYẾT ĐỊNH".to_owned(),
            subtitle: Some(format!(
                "Về việc công nhận mức xếp loại chất lượng {what} năm {year}"
            )),
            blocks,
            recipients: document
                .map(|d| d.recipients.clone())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| {
                    vec![
                        "Như Điều 2".to_owned(),
                        "Cấp ủy cấp trên (báo cáo)".to_owned(),
                        "Lưu văn phòng".to_owned(),
                    ]
                }),
            signatures: vec![Signature {
                on_behalf_of: Some(
                    document
                        .map(|d| d.on_behalf_of.clone())
                        .unwrap_or_else(|| format!("T/M {body}")),
                ),
                title: document
                    .map(|d| d.signer_title.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "BÍ THƯ".to_owned()),
                name: document.map(|d| d.signer_name.clone()).unwrap_or_default(),
            }],
            landscape: false,
        })
    }
}

fn results_table(results: &[&crate::ballot::SubjectResult]) -> Table {
    let mut columns: Vec<(&str, u16)> = vec![("STT", 5), ("Họ và tên", 25)];
    for level in Level::DESCENDING {
        columns.push((level.code(), 9));
    }
    columns.push(("Phiếu trống", 9));
    columns.push(("Không hợp lệ", 9));
    columns.push(("Kết quả", 25));
    let mut table = Table::new(&columns);
    for (i, r) in results.iter().enumerate() {
        let mut row = vec![Cell::count(i as u64 + 1), Cell::text(r.name.clone())];
        for level in Level::DESCENDING {
            row.push(Cell::count(u64::from(r.tally.levels.get(level))));
        }
        row.push(Cell::count(u64::from(r.tally.blank)));
        row.push(Cell::count(u64::from(r.tally.invalid)));
        row.push(Cell::text(match &r.outcome {
            BallotOutcome::Level {
                level, votes, base, ..
            } => {
                format!("{} ({votes}/{base} phiếu)", level.name_vi())
            }
            BallotOutcome::NoMajority { message, .. } => message.clone(),
        }));
        table.rows.push(row);
    }
    table
}
