//! Points on a score sheet, held as whole hundredths so that sums are exact and the database can
//! store them as integers. `0.5` points is `Points(50)`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

/// A number of points in hundredths of a point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub i64);

impl Points {
    pub const ZERO: Points = Points(0);

    /// Whole points.
    pub const fn whole(points: i64) -> Points {
        Points(points * 100)
    }

    /// Converts a decimal number of points, refusing more than two decimals or non-finite values.
    pub fn from_decimal(value: f64) -> Option<Points> {
        if !value.is_finite() {
            return None;
        }
        let hundredths = (value * 100.0).round();
        if (hundredths - value * 100.0).abs() > 1e-6 || hundredths.abs() > 1e15 {
            return None;
        }
        Some(Points(hundredths as i64))
    }

    pub fn as_decimal(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn clamp_to(self, low: Points, high: Points) -> Points {
        Points(self.0.clamp(low.0, high.0))
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, rhs: Points) -> Points {
        Points(self.0 + rhs.0)
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, rhs: Points) {
        self.0 += rhs.0;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, rhs: Points) -> Points {
        Points(self.0 - rhs.0)
    }
}

impl Neg for Points {
    type Output = Points;
    fn neg(self) -> Points {
        Points(-self.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl fmt::Display for Points {
    /// Vietnamese decimal comma, trailing zeros dropped: `87,5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, cents) = (abs / 100, abs % 100);
        match cents {
            0 => write!(f, "{sign}{whole}"),
            c if c % 10 == 0 => write!(f, "{sign}{whole},{}", c / 10),
            c => write!(f, "{sign}{whole},{c:02}"),
        }
    }
}

impl Serialize for Points {
    /// As points, never hundredths: a whole number of points as an integer (`93`), otherwise
    /// a decimal (`87.5`).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.as_decimal())
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Points::from_decimal(value).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "số điểm {value} không hợp lệ (tối đa hai chữ số thập phân)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_exactly() {
        assert_eq!(Points::from_decimal(0.5), Some(Points(50)));
        assert_eq!(Points::from_decimal(87.25), Some(Points(8725)));
        assert_eq!(Points::from_decimal(0.125), None);
        assert_eq!(Points::from_decimal(f64::NAN), None);
        assert_eq!(Points(8725).as_decimal(), 87.25);
    }

    #[test]
    fn serialises_as_points_never_hundredths() {
        assert_eq!(serde_json::to_string(&Points(9300)).unwrap(), "93");
        assert_eq!(serde_json::to_string(&Points(8750)).unwrap(), "87.5");
        assert_eq!(
            serde_json::from_str::<Points>("93").unwrap(),
            Points::whole(93)
        );
    }

    #[test]
    fn displays_with_a_decimal_comma() {
        assert_eq!(Points(8750).to_string(), "87,5");
        assert_eq!(Points(9000).to_string(), "90");
        assert_eq!(Points(-50).to_string(), "-0,5");
        assert_eq!(Points(1205).to_string(), "12,05");
    }
}
