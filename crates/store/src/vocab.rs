//! The rules' vocabularies as the store keeps them: a TEXT column holds each value's `code()`
//! (`member_without_post`, `grassroots_committee`, `review_and_classify`, `decided`, `HTXSNV`),
//! and rows are read back into the enums here, once. A code the rules do not know is a corrupt
//! database, reported as [`StoreError::Corrupt`](crate::StoreError::Corrupt) naming the column
//! and the value; it never reaches the app as text.
//!
//! A row field reads a code with `#[sqlx(try_from = "Coded<SubjectKind>")]`, or
//! `#[sqlx(try_from = "OptCoded<Level>")]` for a nullable column (NULL is `None`); a tuple reads
//! `Coded<T>` and takes `.0`. The check happens while the column is decoded, so sqlx's error
//! names the column; [`StoreError`](crate::StoreError)'s conversion turns it into `Corrupt`.

use kiemdiem_rules::authority::Body;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use kiemdiem_rules::{Level, OrgKind, SubjectKind};
use sqlx::Database;
use sqlx::decode::Decode;
use sqlx::error::BoxDynError;
use sqlx::types::Type;

/// A value of a vocabulary read from a TEXT column holding its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded<T>(pub T);

/// A value of a vocabulary read from a nullable TEXT column (NULL is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptCoded<T>(pub Option<T>);

impl<DB: Database, T> Type<DB> for Coded<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database, T: Stored> Decode<'r, DB> for Coded<T>
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Coded<T>, BoxDynError> {
        let code = <String as Decode<'r, DB>>::decode(value)?;
        Ok(Coded(T::from_code(&code)?))
    }
}

impl<DB: Database, T> Type<DB> for OptCoded<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database, T: Stored> Decode<'r, DB> for OptCoded<T>
where
    Option<String>: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<OptCoded<T>, BoxDynError> {
        match <Option<String> as Decode<'r, DB>>::decode(value)? {
            Some(code) => Ok(OptCoded(Some(T::from_code(&code)?))),
            None => Ok(OptCoded(None)),
        }
    }
}

impl<T> From<OptCoded<T>> for Option<T> {
    fn from(read: OptCoded<T>) -> Option<T> {
        read.0
    }
}

/// A stored code that is not one of its vocabulary's: the database was written by something
/// else than kiemdiem, or edited by hand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} «{code}» không có trong danh mục")]
pub struct BadCode {
    pub what: &'static str,
    /// The stored text, or `NULL`.
    pub code: String,
}

/// One of the rules' vocabularies stored as its code.
pub trait Stored: Copy + Sized {
    /// What the value is, in Vietnamese, for the error on a corrupt code.
    const WHAT: &'static str;
    fn code(self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;

    /// The value of a stored code, or the error naming it.
    fn from_code(code: &str) -> Result<Self, BadCode> {
        Self::parse(code).ok_or_else(|| BadCode {
            what: Self::WHAT,
            code: code.to_owned(),
        })
    }
}

macro_rules! stored {
    ($($ty:ty => $what:literal,)*) => {$(
        impl Stored for $ty {
            const WHAT: &'static str = $what;
            fn code(self) -> &'static str {
                <$ty>::code(self)
            }
            fn parse(code: &str) -> Option<$ty> {
                // Exact spellings only: the store wrote them.
                <$ty>::parse(code).filter(|value| value.code() == code)
            }
        }

        impl From<Coded<$ty>> for $ty {
            fn from(read: Coded<$ty>) -> $ty {
                read.0
            }
        }
    )*};
}

stored! {
    SubjectKind => "loại đối tượng",
    Stage => "bước",
    Level => "mức xếp loại",
    Participation => "diện tham gia",
    Body => "cấp quyết định",
    OrgKind => "loại tổ chức",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_exactly_and_a_stranger_is_named() {
        assert_eq!(SubjectKind::from_code("leader"), Ok(SubjectKind::Leader));
        assert_eq!(Level::from_code("HTNV"), Ok(Level::Htnv));
        // The rules read levels case-insensitively; the store wrote upper case only.
        let bad = Level::from_code("htnv").unwrap_err();
        assert_eq!(
            bad.to_string(),
            "mức xếp loại «htnv» không có trong danh mục"
        );
        assert_eq!(Body::from_code("own_branch"), Ok(Body::OwnBranch));
        assert!(Stage::from_code("done").is_err());
    }
}
