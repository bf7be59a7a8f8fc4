//! Calendar days as the store keeps them: the open end of a period, the Vietnamese
//! `dd/mm/yyyy` form used in files and messages, and "today" in Vietnam (UTC+7).

use time::macros::{date, offset};
use time::{Date, Month, OffsetDateTime};

/// The stored end of a period that has not ended ("still valid").
pub const OPEN_END: Date = date!(9999 - 12 - 31);

/// `None` for the stored open end, else the day.
pub fn from_stored_end(day: Date) -> Option<Date> {
    (day != OPEN_END).then_some(day)
}

/// The stored form of an optional end.
pub fn to_stored_end(day: Option<Date>) -> Date {
    day.unwrap_or(OPEN_END)
}

/// Today's date in Vietnam.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(offset!(+7)).date()
}

/// Parses `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`) or ISO `yyyy-mm-dd`.
pub fn parse_vn(text: &str) -> Option<Date> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    let (year, month, day) = if a.len() == 4 && text.contains('-') {
        (a, b, c)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        (c, b, a)
    } else {
        return None;
    };
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

/// Formats as `dd/mm/yyyy`.
pub fn format_vn(day: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vietnamese_and_iso_dates() {
        assert_eq!(parse_vn("02/09/1945"), Some(date!(1945 - 09 - 02)));
        assert_eq!(parse_vn(" 2/9/1945 "), Some(date!(1945 - 09 - 02)));
        assert_eq!(parse_vn("02-09-1945"), Some(date!(1945 - 09 - 02)));
        assert_eq!(parse_vn("1945-09-02"), Some(date!(1945 - 09 - 02)));
        assert_eq!(parse_vn("31/02/1980"), None);
        assert_eq!(parse_vn("1980"), None);
        assert_eq!(parse_vn("aa/bb/cccc"), None);
        assert_eq!(parse_vn("09/02/45"), None);
    }

    #[test]
    fn formats_and_open_end() {
        assert_eq!(format_vn(date!(2025 - 07 - 01)), "01/07/2025");
        assert_eq!(from_stored_end(OPEN_END), None);
        assert_eq!(to_stored_end(None), OPEN_END);
        assert_eq!(
            from_stored_end(date!(2025 - 07 - 01)),
            Some(date!(2025 - 07 - 01))
        );
    }
}
