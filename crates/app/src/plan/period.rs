//! The period a plan covers — the year or a part of it — and its first and last day. Owns no
//! dates of phases ([`super::phases`]) and reads nothing from the store.

use crate::error::{AppError, Result};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The period a plan covers: the year (annual review) or a part of it (QĐ 366 Mẫu 05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "no", rename_all = "snake_case")]
pub enum Period {
    Year,
    /// 6 tháng: 1 or 2.
    Half(u8),
    /// Quý: 1 to 4.
    Quarter(u8),
}

impl Period {
    pub(crate) fn parts(self) -> (&'static str, i64) {
        match self {
            Period::Year => ("year", 0),
            Period::Half(n) => ("half", i64::from(n)),
            Period::Quarter(n) => ("quarter", i64::from(n)),
        }
    }

    pub(super) fn from_parts(kind: &str, no: i64) -> Result<Period> {
        let no = u8::try_from(no).map_err(|_| AppError::internal("kỳ kế hoạch không hợp lệ"))?;
        match kind {
            "year" => Ok(Period::Year),
            "half" => Ok(Period::Half(no)),
            "quarter" => Ok(Period::Quarter(no)),
            _ => Err(AppError::internal(format!("kỳ kế hoạch «{kind}»"))),
        }
    }

    /// The first and last month of the period.
    fn months(self) -> Result<(Month, Month)> {
        use Month::*;
        match self {
            Period::Year => Ok((January, December)),
            Period::Half(1) => Ok((January, June)),
            Period::Half(2) => Ok((July, December)),
            Period::Quarter(1) => Ok((January, March)),
            Period::Quarter(2) => Ok((April, June)),
            Period::Quarter(3) => Ok((July, September)),
            Period::Quarter(4) => Ok((October, December)),
            _ => Err(AppError::invalid(
                "period",
                "Kỳ không hợp lệ: 6 tháng 1–2, quý 1–4",
            )),
        }
    }

    /// The first day of the period in `year`: where its evaluation period begins.
    pub fn first_day(self, year: i32) -> Result<Date> {
        let (first, _) = self.months()?;
        Date::from_calendar_date(year, first, 1)
            .map_err(|e| AppError::invalid("year", e.to_string()))
    }

    /// The last day of the period in `year` (the default review date).
    pub fn last_day(self, year: i32) -> Result<Date> {
        let (_, last) = self.months()?;
        Date::from_calendar_date(year, last, last.length(year))
            .map_err(|e| AppError::invalid("year", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_end_on_their_last_day() {
        assert_eq!(
            Period::Quarter(1).last_day(2026).unwrap(),
            date!(2026 - 03 - 31)
        );
        assert_eq!(
            Period::Half(1).last_day(2026).unwrap(),
            date!(2026 - 06 - 30)
        );
        assert!(Period::Quarter(5).last_day(2026).is_err());
        assert_eq!(
            Period::Quarter(3).first_day(2026).unwrap(),
            date!(2026 - 07 - 01)
        );
        assert_eq!(Period::Year.first_day(2026).unwrap(), date!(2026 - 01 - 01));
    }
}
