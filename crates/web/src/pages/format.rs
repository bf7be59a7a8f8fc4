//! Values as Vietnamese readers expect them: days dd/mm/yyyy, numbers with `.` between
//! thousands, shares with a decimal comma, levels by their full names.

use time::Date;

/// `31/12/2025`.
pub fn day(day: Date) -> String {
    kiemdiem_app::date_vi(day)
}

/// `12.345` (thousands separated by dots, as Vietnamese writes them).
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `12,5%` from a part and a whole (empty when the whole is zero).
pub fn share(part: i64, whole: i64) -> String {
    if whole == 0 {
        return String::new();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{},{}%", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_shares_are_written_the_vietnamese_way() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1_000), "1.000");
        assert_eq!(number(5_600_000), "5.600.000");
        assert_eq!(number(-12_345), "-12.345");
        assert_eq!(share(1, 8), "12,5%");
        assert_eq!(share(1, 5), "20%");
        assert_eq!(share(1, 0), "");
        assert_eq!(day(time::macros::date!(2025 - 12 - 05)), "05/12/2025");
    }
}
