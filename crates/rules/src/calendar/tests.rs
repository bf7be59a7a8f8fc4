use super::*;
use proptest::prelude::*;
use time::macros::date;

fn off(year: i32) -> Vec<(Date, Holiday, DayOffKind)> {
    national()
        .year(year)
        .days_off
        .into_iter()
        .map(|d| (d.date, d.holiday, d.kind))
        .collect()
}

#[test]
fn weekends_are_not_working_days() {
    // Monday 1 Dec 2025 → Thursday 4 Dec: Tuesday and Wednesday only.
    let calendar = national();
    assert_eq!(
        calendar.working_days_between(date!(2025 - 12 - 01), date!(2025 - 12 - 04)),
        2
    );
    assert_eq!(
        calendar.working_days_between(date!(2025 - 12 - 01), date!(2025 - 12 - 05)),
        3
    );
    // Friday 5 Dec → Wednesday 10 Dec: Monday, Tuesday.
    assert_eq!(
        calendar.working_days_between(date!(2025 - 12 - 05), date!(2025 - 12 - 10)),
        2
    );
    // Same day, next day, backwards: nothing between.
    for (sent, meeting) in [
        (date!(2025 - 12 - 01), date!(2025 - 12 - 01)),
        (date!(2025 - 12 - 01), date!(2025 - 12 - 02)),
        (date!(2025 - 12 - 10), date!(2025 - 12 - 01)),
    ] {
        assert_eq!(calendar.working_days_between(sent, meeting), 0);
    }
}

#[test]
fn new_year_is_not_a_working_day_and_a_weekend_new_year_is_compensated() {
    let calendar = national();
    // Tuesday 30 Dec 2025 → Monday 5 Jan 2026: Wednesday 31, (Thursday 1 Jan off), Friday 2.
    assert_eq!(
        calendar.working_days_between(date!(2025 - 12 - 30), date!(2026 - 01 - 05)),
        2
    );
    let between = calendar.days_off_between(date!(2025 - 12 - 30), date!(2026 - 01 - 05));
    assert_eq!(between.len(), 1);
    assert_eq!(between[0].date, date!(2026 - 01 - 01));
    assert_eq!(between[0].holiday, Holiday::NewYear);
    assert_eq!(between[0].source, "Bộ luật Lao động 2019 Điều 112");
    // 1 Jan 2023 was a Sunday: Monday 2 Jan off instead; 1 Jan 2022 a Saturday: Monday 3 Jan.
    assert!(off(2023).contains(&(
        date!(2023 - 01 - 02),
        Holiday::NewYear,
        DayOffKind::Compensatory
    )));
    assert!(off(2022).contains(&(
        date!(2022 - 01 - 03),
        Holiday::NewYear,
        DayOffKind::Compensatory
    )));
    assert!(!calendar.is_working_day(date!(2022 - 01 - 03)));
    assert!(calendar.is_working_day(date!(2022 - 01 - 04)));
}

#[test]
fn tet_without_an_announcement_takes_the_codes_days() {
    // Tết Bính Ngọ: mùng 1 is Tuesday 17 Feb 2026; the eve and mùng 1–4 are Monday to Friday.
    let tet: Vec<_> = off(2026)
        .into_iter()
        .filter(|(_, holiday, _)| *holiday == Holiday::Tet)
        .collect();
    let dates: Vec<Date> = tet.iter().map(|(date, ..)| *date).collect();
    assert_eq!(
        dates,
        [
            date!(2026 - 02 - 16),
            date!(2026 - 02 - 17),
            date!(2026 - 02 - 18),
            date!(2026 - 02 - 19),
            date!(2026 - 02 - 20)
        ]
    );
    assert!(tet.iter().all(|(.., kind)| *kind == DayOffKind::Statutory));
    // Thursday 12 Feb → Tuesday 24 Feb: Friday 13 and Monday 23 only.
    assert_eq!(
        national().working_days_between(date!(2026 - 02 - 12), date!(2026 - 02 - 24)),
        2
    );
}

#[test]
fn before_2013_tet_had_four_days() {
    // Tết Nhâm Thìn: the eve Sunday 22 Jan 2012, mùng 1–3 Monday to Wednesday; the Sunday is
    // compensated on Thursday 26.
    let tet: Vec<_> = national()
        .year(2012)
        .days_off
        .into_iter()
        .filter(|d| d.holiday == Holiday::Tet)
        .collect();
    let dates: Vec<Date> = tet.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        [
            date!(2012 - 01 - 23),
            date!(2012 - 01 - 24),
            date!(2012 - 01 - 25),
            date!(2012 - 01 - 26)
        ]
    );
    assert_eq!(tet[3].kind, DayOffKind::Compensatory);
    assert!(tet[0].source.starts_with("Bộ luật Lao động 1994"));
}

#[test]
fn an_announced_schedule_replaces_the_statutory_days() {
    let calendar = national();
    // Tết Ất Tỵ 2025 was announced as 25 Jan – 2 Feb: Monday 3 Feb is a working day, though the
    // code's days (eve 28 Jan … Saturday 1 Feb) would have given it as compensation.
    assert!(!calendar.is_working_day(date!(2025 - 01 - 27)));
    assert!(!calendar.is_working_day(date!(2025 - 01 - 31)));
    assert!(calendar.is_working_day(date!(2025 - 02 - 03)));
    let tet: Vec<_> = off(2025)
        .into_iter()
        .filter(|(_, holiday, _)| *holiday == Holiday::Tet)
        .collect();
    assert_eq!(tet.len(), 5);
    assert!(tet.iter().all(|(.., kind)| *kind == DayOffKind::Announced));
    // 30/4–1/5/2025: Friday 2 May off, Saturday 26 April worked instead.
    assert!(!calendar.is_working_day(date!(2025 - 05 - 02)));
    assert!(calendar.is_working_day(date!(2025 - 04 - 26)));
    assert!(!calendar.is_working_day(date!(2025 - 04 - 27)));
    assert_eq!(national().year(2025).make_up_days, [date!(2025 - 04 - 26)]);
}

#[test]
fn a_compensatory_day_is_not_swallowed_by_an_announced_break() {
    // Giỗ Tổ on Sunday 26/4/2026 would be compensated on Monday 27/4; an announced 30/4–1/5 break
    // from 27/4 to 3/5 moves it to Monday 4/5.
    let calendar = Calendar::from_toml(
        (
            "lunar.toml",
            "[2026]\ntet_eve = \"2026-02-16\"\ntet = \"2026-02-17\"\nhung_kings = \"2026-04-26\"\n",
        ),
        (
            "announced.toml",
            "[[announced]]\nyear = 2026\nholidays = [\"victory\", \"labour\"]\nfrom = \"2026-04-27\"\nto = \"2026-05-03\"\nsource = \"x\"\n",
        ),
    )
    .unwrap();
    let year = calendar.year(2026);
    let hung: Vec<_> = year
        .days_off
        .iter()
        .filter(|d| d.holiday == Holiday::HungKings)
        .map(|d| (d.date, d.kind))
        .collect();
    assert_eq!(hung, [(date!(2026 - 05 - 04), DayOffKind::Compensatory)]);
    assert!(!year.is_working_day(date!(2026 - 04 - 27)));
}

#[test]
fn national_day_has_two_days_from_2021() {
    let national_day = |year| -> Vec<Date> {
        off(year)
            .into_iter()
            .filter(|(_, h, _)| *h == Holiday::NationalDay)
            .map(|(date, ..)| date)
            .collect()
    };
    // Wednesday 2 Sep 2020: one day. Wednesday 2 Sep 2026: and Thursday 3 (no announcement).
    assert_eq!(national_day(2020), [date!(2020 - 09 - 02)]);
    assert_eq!(
        national_day(2026),
        [date!(2026 - 09 - 02), date!(2026 - 09 - 03)]
    );
}

#[test]
fn holidays_on_weekends_are_compensated_on_the_next_free_working_day() {
    // 2026: Giỗ Tổ is Sunday 26 April → Monday 27; 30/4 Thursday, 1/5 Friday.
    let april_may: Vec<_> = off(2026)
        .into_iter()
        .filter(|(date, ..)| matches!(date.month(), Month::April | Month::May))
        .collect();
    assert_eq!(
        april_may,
        [
            (
                date!(2026 - 04 - 27),
                Holiday::HungKings,
                DayOffKind::Compensatory
            ),
            (
                date!(2026 - 04 - 30),
                Holiday::Victory,
                DayOffKind::Statutory
            ),
            (
                date!(2026 - 05 - 01),
                Holiday::Labour,
                DayOffKind::Statutory
            ),
        ]
    );
    // 2022: 30/4 Saturday and 1/5 Sunday → Monday 2 and Tuesday 3 May.
    let may_2022: Vec<_> = off(2022)
        .into_iter()
        .filter(|(date, ..)| date.month() == Month::May)
        .collect();
    assert_eq!(
        may_2022,
        [
            (
                date!(2022 - 05 - 02),
                Holiday::Victory,
                DayOffKind::Compensatory
            ),
            (
                date!(2022 - 05 - 03),
                Holiday::Labour,
                DayOffKind::Compensatory
            ),
        ]
    );
}

#[test]
fn every_year_without_announcements_has_the_codes_number_of_days_off() {
    let calendar = national();
    let (first, last) = calendar.lunar_years().expect("the lunar table has years");
    assert!(first <= 2008 && last >= 2035, "{first}–{last}");
    for year in first..=last {
        if calendar.announced.iter().any(|a| a.year == year) {
            continue;
        }
        let year_calendar = calendar.year(year);
        assert!(year_calendar.lunar_known);
        let lunar = calendar.lunar[&year];
        let code = labour_code(lunar.tet);
        let expected = 1 // 1/1
            + code.tet_days
            + i64::from(labour_code(lunar.hung_kings).hung_kings)
            + 2 // 30/4, 1/5
            + labour_code(date!(2000 - 09 - 02).replace_year(year).unwrap()).national_day_days;
        assert_eq!(
            year_calendar.days_off.len() as i64,
            expected,
            "{year}: {:?}",
            year_calendar.days_off
        );
        assert!(
            year_calendar
                .days_off
                .iter()
                .all(|d| !is_weekend(d.date) && d.date.year() == year),
            "{year}"
        );
    }
}

#[test]
fn the_lunar_table_is_plausible() {
    // Tết falls between 21 January and 20 February; Giỗ Tổ 2 months and 9 days later, or a
    // month more after a leap month.
    let calendar = national();
    for (year, lunar) in &calendar.lunar {
        let tet_window = date!(2000 - 01 - 21).replace_year(*year).unwrap()
            ..=date!(2000 - 02 - 20).replace_year(*year).unwrap();
        assert!(tet_window.contains(&lunar.tet), "{year}: {}", lunar.tet);
        let gap = (lunar.hung_kings - lunar.tet).whole_days();
        assert!(
            (66..=70).contains(&gap) || (95..=100).contains(&gap),
            "{year}: {gap}"
        );
    }
    // Known Tết days.
    for known in [
        date!(2008 - 02 - 07),
        date!(2019 - 02 - 05),
        date!(2020 - 01 - 25),
        date!(2023 - 01 - 22),
        date!(2024 - 02 - 10),
        date!(2025 - 01 - 29),
        date!(2026 - 02 - 17),
    ] {
        assert_eq!(calendar.lunar[&known.year()].tet, known);
    }
}

#[test]
fn a_year_outside_the_table_counts_the_solar_holidays() {
    let year = national().year(2050);
    assert!(!year.lunar_known);
    assert!(year.days_off.iter().all(|d| d.holiday != Holiday::Tet));
    assert!(!national().is_working_day(date!(2050 - 05 - 02))); // 1/5/2050 is a Sunday
}

#[test]
fn bad_calendar_files_are_refused_with_the_file_named() {
    let lunar = (
        "lunar.toml",
        "[2026]\ntet_eve = \"2026-02-16\"\ntet = \"2026-02-17\"\nhung_kings = \"2026-04-26\"\n",
    );
    let good = ("announced.toml", "");
    assert!(Calendar::from_toml(lunar, good).is_ok());
    let cases = [
        (
            (
                "lunar.toml",
                "[2026]\ntet_eve = \"2026-02-15\"\ntet = \"2026-02-17\"\nhung_kings = \"2026-04-26\"\n",
            ),
            good,
            "lunar.toml",
        ),
        (
            lunar,
            (
                "announced.toml",
                "[[announced]]\nyear = 2026\nholidays = [\"tet\"]\nfrom = \"2026-02-22\"\nto = \"2026-02-14\"\nsource = \"x\"\n",
            ),
            "announced.toml",
        ),
        (
            lunar,
            (
                "announced.toml",
                "[[announced]]\nyear = 2026\nholidays = [\"tet\"]\nfrom = \"2026-02-14\"\nto = \"2026-02-22\"\nmake_up = [\"2026-02-25\"]\nsource = \"x\"\n",
            ),
            "announced.toml",
        ),
        (
            lunar,
            (
                "announced.toml",
                "[[announced]]\nyear = 2026\nholidays = [\"christmas\"]\nfrom = \"2026-12-24\"\nto = \"2026-12-25\"\nsource = \"x\"\n",
            ),
            "announced.toml",
        ),
    ];
    for (lunar, announced, file) in cases {
        let error = Calendar::from_toml(lunar, announced).expect_err("refused");
        assert_eq!(error.file, file, "{error}");
    }
}

proptest! {
    /// Counting is additive: the days between a and c are those between a and b, those between
    /// b and c, and b itself if it is a working day; and never more than the weekdays.
    #[test]
    fn counting_is_additive(start in 0i64..(36 * 365), first in 1i64..60, second in 1i64..60) {
        let calendar = national();
        let a = date!(2005 - 01 - 01) + Duration::days(start);
        let b = a + Duration::days(first);
        let c = b + Duration::days(second);
        let whole = calendar.working_days_between(a, c);
        let parts = calendar.working_days_between(a, b)
            + calendar.working_days_between(b, c)
            + u32::from(calendar.is_working_day(b));
        prop_assert_eq!(whole, parts);
        let weekdays = std::iter::successors(a.next_day(), |d| d.next_day())
            .take_while(|d| *d < c)
            .filter(|d| !is_weekend(*d))
            .count() as u32;
        let make_up = (a.year()..=c.year())
            .flat_map(|y| calendar.year(y).make_up_days)
            .filter(|d| *d > a && *d < c)
            .count() as u32;
        prop_assert!(whole <= weekdays + make_up);
        prop_assert_eq!(
            whole + calendar.days_off_between(a, c).len() as u32,
            weekdays + make_up
        );
    }
}
