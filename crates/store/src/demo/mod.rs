//! Demo data: a deterministic, realistic party organisation tree with Vietnamese names, members,
//! posts and collectives, leave, transfers, statuses in plausible proportions and a few
//! discipline records — from a district up to the whole country (≈5.6 million members).
//!
//! Same seed, same scale and same reference day give the same data (ids included). Everything
//! goes through the bulk loaders of [`crate::bulk`], in one transaction; a few internal
//! transfers go through the ordinary API so that their history looks like real use.

mod names;

use crate::bulk::{
    CollectiveLoad, DisciplineLoad, LeaderLoad, MemberLoad, OrgLoad, PeriodLoad, PositionLoad,
    TransferLoad,
};
use crate::db::{Store, Tx};
use crate::error::{Result, StoreError};
use crate::leadership::{CollectiveKind, Holder, NewPosition};
use crate::people::{MemberDetails, NewDiscipline, TransferDirection};
use kiemdiem_rules::{DisciplineForm, LeaveKind, OrgKind, PositionKind, StatusKind};
use time::{Date, Duration};
use uuid::Uuid;

/// The shape of a generated tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoScale {
    /// Provincial organisations (roots of the tree).
    pub provinces: u32,
    /// District, bloc or commune-level committees per province (cấp trên cơ sở).
    pub uppers_per_province: u32,
    /// Grassroots organisations per upper committee.
    pub grassroots_per_upper: u32,
    /// Branches under a grassroots committee: from, to (inclusive).
    pub branches_per_committee: (u32, u32),
    /// Members per branch: from, to (inclusive).
    pub members_per_branch: (u32, u32),
}

impl DemoScale {
    /// One district of one province: ≈95 grassroots organisations, ≈10 000 members.
    pub const DISTRICT: DemoScale = DemoScale {
        provinces: 1,
        uppers_per_province: 1,
        grassroots_per_upper: 95,
        branches_per_committee: (3, 12),
        members_per_branch: (8, 36),
    };
    /// One province: ≈950 grassroots organisations, ≈4 500 branches, ≈100 000 members.
    pub const PROVINCE: DemoScale = DemoScale {
        uppers_per_province: 10,
        ..DemoScale::DISTRICT
    };
    /// The country: ≈52 000 grassroots organisations, ≈250 000 branches, ≈5.6 million members.
    pub const NATIONAL: DemoScale = DemoScale {
        provinces: 56,
        ..DemoScale::PROVINCE
    };

    pub fn parse(name: &str) -> Option<DemoScale> {
        match name {
            "district" => Some(DemoScale::DISTRICT),
            "province" => Some(DemoScale::PROVINCE),
            "national" => Some(DemoScale::NATIONAL),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub scale: DemoScale,
    pub seed: u64,
    /// The day the data describes ("today" of the demo).
    pub today: Date,
}

/// How many rows of each kind were generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub orgs: u64,
    pub grassroots: u64,
    pub branches: u64,
    pub members: u64,
    pub positions: u64,
    pub collectives: u64,
    pub non_member_leaders: u64,
    pub statuses: u64,
    pub leaves: u64,
    pub transfers: u64,
    pub disciplines: u64,
}

/// Generates demo data into an empty database, in one transaction. `progress` is called with
/// (members done, members expected) after each province.
pub async fn generate(
    store: &Store,
    options: &DemoOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<DemoSummary> {
    let mut tx = store.begin("demo").await?;
    let summary = generate_in(&mut tx, options, progress).await?;
    tx.commit().await?;
    store.analyze().await?;
    Ok(summary)
}

/// Generates demo data inside the caller's transaction (the caller commits, then refreshes the
/// planner's statistics with [`Store::analyze`]).
pub async fn generate_in(
    tx: &mut Tx,
    options: &DemoOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<DemoSummary> {
    if tx.any_org().await? {
        return Err(StoreError::invalid(
            "cơ sở dữ liệu đã có dữ liệu: dữ liệu mẫu chỉ tạo vào cơ sở dữ liệu trống",
        ));
    }
    let mut generator = Generator::new(options);
    let expected = expected_members(&options.scale);
    let mut summary = DemoSummary::default();
    for province in 0..options.scale.provinces {
        let batch = generator.province(province);
        batch.load(tx, &mut summary).await?;
        generator
            .internal_transfers(tx, &batch, &mut summary)
            .await?;
        progress(summary.members, expected);
    }
    Ok(summary)
}

fn expected_members(scale: &DemoScale) -> u64 {
    let branches = f64::from(scale.branches_per_committee.0 + scale.branches_per_committee.1) / 2.0;
    let members = f64::from(scale.members_per_branch.0 + scale.members_per_branch.1) / 2.0;
    let per_grassroots = 0.4 * members + 0.6 * branches * members;
    (f64::from(scale.provinces * scale.uppers_per_province * scale.grassroots_per_upper)
        * per_grassroots) as u64
}

impl Tx {
    async fn any_org(&mut self) -> Result<bool> {
        let n: i64 = crate::db::on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM orgs LIMIT 1) AS t").fetch_one(c).await?);
        Ok(n > 0)
    }
}

/// SplitMix64: small, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `from..=to`.
    fn range(&mut self, from: u32, to: u32) -> u32 {
        from + (self.next() % u64::from(to - from + 1)) as u32
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u32) -> bool {
        self.next() % 1000 < u64::from(per_mille)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    fn weighted<'a>(&mut self, items: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.range(0, total - 1);
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        items[0].0
    }

    fn day_between(&mut self, from: Date, to: Date) -> Date {
        if to <= from {
            return from;
        }
        let days = (to - from).whole_days() as u32;
        from + Duration::days(i64::from(self.range(0, days)))
    }
}

/// A leadership collective to generate and the seats it has.
struct CollectiveSpec<'a> {
    kind: CollectiveKind,
    suffix: &'a str,
    name: String,
    seats: &'a [(PositionKind, &'a str)],
}

struct Generator {
    rng: Rng,
    scale: DemoScale,
    today: Date,
    ids: u64,
    member_seq: u64,
}

/// Everything generated for one province, ready to load.
#[derive(Default)]
struct Batch {
    orgs: Vec<OrgLoad>,
    members: Vec<MemberLoad>,
    collectives: Vec<CollectiveLoad>,
    leaders: Vec<LeaderLoad>,
    positions: Vec<PositionLoad>,
    statuses: Vec<PeriodLoad<StatusKind>>,
    leaves: Vec<PeriodLoad<LeaveKind>>,
    transfers: Vec<TransferLoad>,
    disciplines: Vec<DisciplineLoad>,
    /// Branches of each grassroots organisation, for internal transfers.
    sibling_branches: Vec<Vec<Uuid>>,
}

impl Batch {
    async fn load(&self, tx: &mut Tx, summary: &mut DemoSummary) -> Result<()> {
        tx.load_orgs(&self.orgs).await?;
        for chunk in self.members.chunks(50_000) {
            tx.load_members(chunk).await?;
        }
        tx.load_collectives(&self.collectives).await?;
        tx.load_leaders(&self.leaders).await?;
        tx.load_positions(&self.positions).await?;
        tx.load_statuses(&self.statuses).await?;
        tx.load_leaves(&self.leaves).await?;
        tx.load_transfers(&self.transfers).await?;
        tx.load_disciplines(&self.disciplines).await?;
        summary.orgs += self.orgs.len() as u64;
        summary.grassroots += self.orgs.iter().filter(|o| o.kind.is_grassroots()).count() as u64;
        summary.branches += self.orgs.iter().filter(|o| o.kind.is_branch()).count() as u64;
        summary.members += self.members.len() as u64;
        summary.collectives += self.collectives.len() as u64;
        summary.non_member_leaders += self.leaders.len() as u64;
        summary.positions += self.positions.len() as u64;
        summary.statuses += self.statuses.len() as u64;
        summary.leaves += self.leaves.len() as u64;
        summary.transfers += self.transfers.len() as u64;
        summary.disciplines += self.disciplines.len() as u64;
        Ok(())
    }
}

impl Generator {
    fn new(options: &DemoOptions) -> Generator {
        Generator {
            rng: Rng(options.seed ^ 0x6b69_656d_6469_656d),
            scale: options.scale,
            today: options.today,
            ids: 0,
            member_seq: 0,
        }
    }

    /// A UUID v7 whose time part counts up from a fixed instant: deterministic, and in
    /// insertion order for the B-trees.
    fn id(&mut self) -> Uuid {
        self.ids += 1;
        let random = self.rng.next().to_le_bytes();
        let more = self.rng.next().to_le_bytes();
        let bytes = [
            random[0], random[1], random[2], random[3], random[4], random[5], random[6], random[7],
            more[0], more[1],
        ];
        uuid::Builder::from_unix_timestamp_millis(1_700_000_000_000 + self.ids, &bytes).into_uuid()
    }

    fn years_ago(&self, years: i32) -> Date {
        self.today
            .replace_year(self.today.year() - years)
            .unwrap_or(self.today - Duration::days(365 * i64::from(years)))
    }

    fn place(&mut self) -> String {
        let a = *self.rng.pick(names::PLACE_WORDS);
        let mut b = *self.rng.pick(names::PLACE_WORDS);
        if a == b {
            b = *self.rng.pick(names::PLACE_WORDS);
        }
        format!("{a} {b}")
    }

    fn org(
        &mut self,
        batch: &mut Batch,
        code: String,
        name: String,
        kind: OrgKind,
        parent: Option<&OrgLoad>,
        earliest: i32,
    ) -> OrgLoad {
        let from = match parent {
            Some(parent) => parent.founded_on.max(self.years_ago(earliest)),
            None => self.years_ago(earliest),
        };
        let founded_on = self.rng.day_between(from, self.years_ago(3));
        let has_committee = match kind {
            OrgKind::SubordinateBranch | OrgKind::GrassrootsBranch => self.rng.chance(300),
            _ => true,
        };
        let org = OrgLoad {
            id: self.id(),
            code,
            name,
            kind,
            has_committee,
            founded_on,
            parent: parent.map(|p| p.id),
            valid_from: founded_on,
        };
        batch.orgs.push(org.clone());
        org
    }

    fn province(&mut self, index: u32) -> Batch {
        let mut batch = Batch::default();
        let province_name = names::PROVINCES[index as usize % names::PROVINCES.len()];
        let province_code = format!("{:02}", index + 1);
        let province = self.org(
            &mut batch,
            province_code.clone(),
            format!("Đảng bộ tỉnh {province_name}"),
            OrgKind::Province,
            None,
            95,
        );
        let mut province_members = Vec::new();
        for u in 0..self.scale.uppers_per_province {
            let upper_code = format!("{province_code}.{:02}", u + 1);
            let upper_name = if u % 4 == 3 {
                format!("Đảng bộ Khối các cơ quan tỉnh {province_name}")
            } else {
                format!("Đảng bộ huyện {}", self.place())
            };
            let upper = self.org(
                &mut batch,
                upper_code.clone(),
                upper_name,
                OrgKind::UpperGrassroots,
                Some(&province),
                80,
            );
            let mut upper_members = Vec::new();
            for g in 0..self.scale.grassroots_per_upper {
                let members = self.grassroots(
                    &mut batch,
                    &upper,
                    format!("{upper_code}.{:03}", g + 1),
                    index,
                );
                upper_members.extend(members);
            }
            self.committee(&mut batch, &upper, &upper_members, 11);
            province_members.extend(upper_members.iter().step_by(7).copied());
        }
        self.committee(&mut batch, &province, &province_members, 15);
        batch
    }

    /// One grassroots organisation with its branches and members; returns its members' ids.
    fn grassroots(
        &mut self,
        batch: &mut Batch,
        upper: &OrgLoad,
        code: String,
        province: u32,
    ) -> Vec<Uuid> {
        let commune = self.rng.chance(600);
        let unit = if commune {
            format!("xã {}", self.place())
        } else {
            format!("{} {}", self.rng.pick(names::AGENCIES), self.place())
        };
        let mut members = Vec::new();
        if self.rng.chance(400) {
            let org = self.org(
                batch,
                code,
                format!("Chi bộ {unit}"),
                OrgKind::GrassrootsBranch,
                Some(upper),
                70,
            );
            let ids = self.branch_members(batch, &org, province);
            self.branch_posts(batch, &org, &ids);
            if !commune {
                self.unit_leadership(batch, &org, &ids, &unit);
            }
            batch.sibling_branches.push(vec![org.id]);
            return ids;
        }
        let org = self.org(
            batch,
            code.clone(),
            format!("Đảng bộ {unit}"),
            OrgKind::GrassrootsCommittee,
            Some(upper),
            70,
        );
        let branches = self.rng.range(
            self.scale.branches_per_committee.0,
            self.scale.branches_per_committee.1,
        );
        // A few large committees group their branches under partial committees (đảng bộ bộ phận).
        let partial = if branches >= 8 && self.rng.chance(150) {
            let name = format!("Đảng bộ bộ phận {}", self.place());
            Some(self.org(
                batch,
                format!("{code}.B1"),
                name,
                OrgKind::PartialCommittee,
                Some(&org),
                60,
            ))
        } else {
            None
        };
        let mut branch_ids = Vec::new();
        for b in 0..branches {
            let parent = match &partial {
                Some(partial) if b % 2 == 1 => partial.clone(),
                _ => org.clone(),
            };
            let unit_kind = *self.rng.pick(names::BRANCH_UNITS);
            let name = format!("Chi bộ {unit_kind} {}", self.place());
            let branch = self.org(
                batch,
                format!("{code}.{:02}", b + 1),
                name,
                OrgKind::SubordinateBranch,
                Some(&parent),
                60,
            );
            let ids = self.branch_members(batch, &branch, province);
            self.branch_posts(batch, &branch, &ids);
            branch_ids.push(branch.id);
            members.extend(ids);
        }
        batch.sibling_branches.push(branch_ids);
        self.committee(batch, &org, &members, 9);
        if let Some(partial) = &partial {
            self.committee(batch, partial, &members, 5);
        }
        if commune {
            self.commune_collectives(batch, &org, &members, &unit);
        } else {
            self.unit_leadership(batch, &org, &members, &unit);
        }
        members
    }

    fn person_name(&mut self, female: bool) -> String {
        let family = self.rng.weighted(names::FAMILY);
        let (middle, given) = if female {
            (
                *self.rng.pick(names::MIDDLE_FEMALE),
                *self.rng.pick(names::GIVEN_FEMALE),
            )
        } else {
            (
                *self.rng.pick(names::MIDDLE_MALE),
                *self.rng.pick(names::GIVEN_MALE),
            )
        };
        format!("{family} {middle} {given}")
    }

    fn branch_members(&mut self, batch: &mut Batch, branch: &OrgLoad, province: u32) -> Vec<Uuid> {
        let count = self.rng.range(
            self.scale.members_per_branch.0,
            self.scale.members_per_branch.1,
        );
        let mut ids = Vec::with_capacity(count as usize);
        for _ in 0..count {
            self.member_seq += 1;
            let female = self.rng.chance(370);
            let full_name = self.person_name(female);
            let age = if self.rng.chance(250) {
                self.rng.range(60, 88)
            } else {
                self.rng.range(22, 60)
            };
            let birth_date = self
                .rng
                .day_between(self.years_ago(age as i32 + 1), self.years_ago(age as i32));
            let admitted_earliest = birth_date + Duration::days(18 * 366);
            let admitted_on = self.rng.day_between(
                admitted_earliest,
                (admitted_earliest + Duration::days(25 * 365)).min(self.today - Duration::days(30)),
            );
            let official = admitted_on + Duration::days(365);
            let official_on = (official <= self.today).then_some(official);
            let civil_servant = self.rng.chance(350);
            let employer_unit = if civil_servant {
                format!("{} {}", self.rng.pick(names::EMPLOYERS), self.place())
            } else {
                String::new()
            };
            let id = self.id();
            let mut valid_from = admitted_on.max(branch.valid_from);
            if self.rng.chance(20) {
                // Chuyển đến from another province within the last five years.
                valid_from = self.rng.day_between(
                    valid_from.max(self.years_ago(5)),
                    self.today - Duration::days(10),
                );
                let other =
                    names::PROVINCES[(province as usize + 1 + self.rng.range(0, 20) as usize)
                        % names::PROVINCES.len()];
                batch.transfers.push(TransferLoad {
                    id: self.id(),
                    member: id,
                    direction: TransferDirection::In,
                    effective_on: valid_from,
                    from_org: None,
                    to_org: Some(branch.id),
                    external_org: format!("Đảng bộ tỉnh {other}"),
                    note: "Chuyển sinh hoạt đảng chính thức".to_string(),
                });
            }
            batch.members.push(MemberLoad {
                id,
                code: format!("{:02}{:07}", province + 1, self.member_seq % 10_000_000),
                details: MemberDetails {
                    full_name,
                    birth_date,
                    admitted_on,
                    official_on,
                    civil_servant,
                    employer_unit,
                    residence_org: None,
                },
                branch: branch.id,
                temporary_branch: None,
                valid_from,
            });
            self.member_records(batch, id, branch, age, female, valid_from);
            ids.push(id);
        }
        ids
    }

    fn member_records(
        &mut self,
        batch: &mut Batch,
        member: Uuid,
        branch: &OrgLoad,
        age: u32,
        female: bool,
        since: Date,
    ) {
        let year_start = Date::from_calendar_date(self.today.year(), time::Month::January, 1)
            .unwrap_or(self.today);
        if age >= 70 && self.rng.chance(300) {
            batch.statuses.push(PeriodLoad {
                id: self.id(),
                member,
                kind: StatusKind::ExemptFromPartyWork,
                valid_from: self.rng.day_between(since, self.today),
                valid_to: None,
                note: "Miễn công tác và sinh hoạt đảng do tuổi cao, sức yếu".to_string(),
            });
        } else if self.rng.chance(1) {
            batch.statuses.push(PeriodLoad {
                id: self.id(),
                member,
                kind: StatusKind::SuspendedFromParty,
                valid_from: self.rng.day_between(since.max(year_start), self.today),
                valid_to: None,
                note: "Đình chỉ sinh hoạt đảng để xem xét kỷ luật".to_string(),
            });
        }
        if self.rng.chance(20) {
            let from = self.rng.day_between(since.max(year_start), self.today);
            let days = i64::from(self.rng.range(7, 200));
            batch.leaves.push(PeriodLoad {
                id: self.id(),
                member,
                kind: LeaveKind::Sick,
                valid_from: from,
                valid_to: Some(from + Duration::days(days)),
                note: "Nghỉ ốm".to_string(),
            });
        }
        if female && (22..=42).contains(&age) && self.rng.chance(40) {
            let from = self
                .rng
                .day_between(since.max(year_start - Duration::days(120)), self.today);
            batch.leaves.push(PeriodLoad {
                id: self.id(),
                member,
                kind: LeaveKind::Maternity,
                valid_from: from,
                valid_to: Some(from + Duration::days(183)),
                note: "Nghỉ thai sản".to_string(),
            });
        }
        if self.rng.chance(2) {
            let violation_on = self.rng.day_between(
                since.max(self.years_ago(2)),
                self.today - Duration::days(40),
            );
            let decided_on = self
                .rng
                .day_between(violation_on + Duration::days(30), self.today);
            let roll = self.rng.range(0, 99);
            let form = if roll < 70 {
                DisciplineForm::KhienTrach
            } else if roll < 94 {
                DisciplineForm::CanhCao
            } else {
                DisciplineForm::CachChuc
            };
            batch.disciplines.push(DisciplineLoad {
                id: self.id(),
                member,
                record: NewDiscipline {
                    form,
                    violation_on,
                    decided_on,
                    violation_org: Some(branch.id),
                    deciding_org: branch.parent,
                    duty_related: self.rng.chance(600),
                    self_detected_remedied: self.rng.chance(100),
                    note: "Vi phạm quy định về những điều đảng viên không được làm".to_string(),
                },
            });
        }
    }

    fn post(&mut self, batch: &mut Batch, post: NewPosition, since: Date) {
        let valid_from = self.rng.day_between(since, self.today - Duration::days(1));
        batch.positions.push(PositionLoad {
            id: self.id(),
            holder: post.holder,
            kind: post.kind,
            org: post.org,
            collective: post.collective,
            title: post.title,
            valid_from,
            valid_to: None,
        });
    }

    /// Bí thư, phó bí thư and chi ủy viên of a branch, from its own members.
    fn branch_posts(&mut self, batch: &mut Batch, branch: &OrgLoad, members: &[Uuid]) {
        let since = branch.valid_from.max(self.years_ago(5));
        let latest_join = batch.members[batch.members.len() - members.len()..]
            .iter()
            .map(|m| m.valid_from)
            .max()
            .unwrap_or(since);
        let since = since.max(latest_join);
        let committee = if branch.has_committee {
            let id = self.id();
            batch.collectives.push(CollectiveLoad {
                id,
                code: format!("{}.CU", branch.code),
                name: format!("Chi ủy {}", branch.name),
                kind: CollectiveKind::PartyCommittee,
                org: branch.id,
                valid_from: since,
            });
            Some(id)
        } else {
            None
        };
        let seats: &[PositionKind] = if branch.has_committee {
            &[
                PositionKind::Secretary,
                PositionKind::DeputySecretary,
                PositionKind::CommitteeMember,
            ]
        } else if members.len() >= 9 {
            &[PositionKind::Secretary, PositionKind::DeputySecretary]
        } else {
            &[PositionKind::Secretary]
        };
        for (kind, member) in seats.iter().zip(members) {
            self.post(
                batch,
                NewPosition {
                    holder: Holder::Member(*member),
                    kind: *kind,
                    org: Some(branch.id),
                    collective: committee,
                    title: kind.name_vi().to_string(),
                },
                since,
            );
        }
    }

    /// A committee (cấp ủy) with its standing members, drawn from the organisation's members.
    fn committee(&mut self, batch: &mut Batch, org: &OrgLoad, members: &[Uuid], size: u32) {
        if members.is_empty() {
            return;
        }
        let since = org.valid_from.max(self.years_ago(5));
        let since = since.max(
            batch
                .members
                .iter()
                .rev()
                .take(members.len())
                .map(|m| m.valid_from)
                .max()
                .unwrap_or(since),
        );
        let committee = self.id();
        batch.collectives.push(CollectiveLoad {
            id: committee,
            code: format!("{}.CU", org.code),
            name: format!("Ban Chấp hành {}", org.name),
            kind: CollectiveKind::PartyCommittee,
            org: org.id,
            valid_from: since,
        });
        for seat in 0..size.min(members.len() as u32) {
            let kind = match seat {
                0 => PositionKind::Secretary,
                1 | 2 => PositionKind::DeputySecretary,
                3..=4 => PositionKind::StandingCommitteeMember,
                _ => PositionKind::CommitteeMember,
            };
            let holder = *self.rng.pick(members);
            self.post(
                batch,
                NewPosition {
                    holder: Holder::Member(holder),
                    kind,
                    org: Some(org.id),
                    collective: Some(committee),
                    title: kind.name_vi().to_string(),
                },
                since,
            );
        }
    }

    fn collective(
        &mut self,
        batch: &mut Batch,
        org: &OrgLoad,
        spec: CollectiveSpec<'_>,
        members: &[Uuid],
    ) {
        let CollectiveSpec {
            kind,
            suffix,
            name,
            seats,
        } = spec;
        if members.is_empty() {
            return;
        }
        let since = org.valid_from.max(self.years_ago(5));
        let since = since.max(
            batch
                .members
                .iter()
                .rev()
                .take(members.len())
                .map(|m| m.valid_from)
                .max()
                .unwrap_or(since),
        );
        let id = self.id();
        batch.collectives.push(CollectiveLoad {
            id,
            code: format!("{}.{suffix}", org.code),
            name,
            kind,
            org: org.id,
            valid_from: since,
        });
        for (kind, title) in seats {
            // About one deputy in seven is not a party member.
            let holder = if *kind == PositionKind::UnitDeputy && self.rng.chance(140) {
                let leader = self.id();
                let female = self.rng.chance(400);
                let full_name = self.person_name(female);
                let birth = self.rng.day_between(self.years_ago(58), self.years_ago(30));
                batch.leaders.push(LeaderLoad {
                    id: leader,
                    full_name,
                    birth_date: Some(birth),
                    employer_unit: org.name.replace("Đảng bộ ", "").replace("Chi bộ ", ""),
                });
                Holder::Leader(leader)
            } else {
                Holder::Member(*self.rng.pick(members))
            };
            self.post(
                batch,
                NewPosition {
                    holder,
                    kind: *kind,
                    org: None,
                    collective: Some(id),
                    title: (*title).to_string(),
                },
                since,
            );
        }
    }

    fn commune_collectives(
        &mut self,
        batch: &mut Batch,
        org: &OrgLoad,
        members: &[Uuid],
        unit: &str,
    ) {
        self.collective(
            batch,
            org,
            CollectiveSpec {
                kind: CollectiveKind::PeoplesCommittee,
                suffix: "UBND",
                name: format!("Ủy ban nhân dân {unit}"),
                seats: &[
                    (PositionKind::UnitHead, "Chủ tịch UBND"),
                    (PositionKind::UnitDeputy, "Phó Chủ tịch UBND"),
                    (PositionKind::UnitDeputy, "Phó Chủ tịch UBND"),
                ],
            },
            members,
        );
        self.collective(
            batch,
            org,
            CollectiveSpec {
                kind: CollectiveKind::PeoplesCouncilStanding,
                suffix: "HDND",
                name: format!("Thường trực Hội đồng nhân dân {unit}"),
                seats: &[
                    (PositionKind::UnitHead, "Chủ tịch HĐND"),
                    (PositionKind::UnitDeputy, "Phó Chủ tịch HĐND"),
                ],
            },
            members,
        );
        self.collective(
            batch,
            org,
            CollectiveSpec {
                kind: CollectiveKind::FatherlandFront,
                suffix: "MTTQ",
                name: format!("Ban Thường trực Ủy ban MTTQ {unit}"),
                seats: &[
                    (PositionKind::UnitHead, "Chủ tịch Ủy ban MTTQ"),
                    (PositionKind::UnitDeputy, "Phó Chủ tịch Ủy ban MTTQ"),
                ],
            },
            members,
        );
    }

    fn unit_leadership(&mut self, batch: &mut Batch, org: &OrgLoad, members: &[Uuid], unit: &str) {
        self.collective(
            batch,
            org,
            CollectiveSpec {
                kind: CollectiveKind::UnitLeadership,
                suffix: "LD",
                name: format!("Lãnh đạo {unit}"),
                seats: &[
                    (PositionKind::UnitHead, "Thủ trưởng đơn vị"),
                    (PositionKind::UnitDeputy, "Cấp phó"),
                    (PositionKind::UnitDeputy, "Cấp phó"),
                ],
            },
            members,
        );
    }

    /// A few members change branch inside their grassroots organisation through the ordinary
    /// API, leaving a closed branch period and an internal transfer record behind.
    async fn internal_transfers(
        &mut self,
        tx: &mut Tx,
        batch: &Batch,
        summary: &mut DemoSummary,
    ) -> Result<()> {
        let on = self.today - Duration::days(90);
        let wanted = (batch.members.len() / 500).max(1);
        let mut done = 0;
        for group in &batch.sibling_branches {
            if done >= wanted {
                break;
            }
            if group.len() < 2 || !self.rng.chance(200) {
                continue;
            }
            let from = group[0];
            let to = group[1];
            let Some(member) = batch
                .members
                .iter()
                .find(|m| m.branch == from && m.valid_from < on)
            else {
                continue;
            };
            tx.transfer_member(member.id, to, on, "Chuyển sinh hoạt đảng nội bộ")
                .await?;
            done += 1;
            summary.transfers += 1;
        }
        Ok(())
    }
}
