//! The rules' vocabularies as the store keeps them: a TEXT column holds each value's `code()`
//! (`member_without_post`, `grassroots_committee`, `review_and_classify`, `decided`, `HTXSNV`),
//! and rows are read back into the enums here, once. A code the rules do not know is a corrupt
//! database, reported as [`StoreError::Corrupt`](crate::StoreError::Corrupt) naming the column
//! and the value; it never reaches the app as text.
//!
//! A row field reads a code with `#[sqlx(try_from = "Code")]`; `Code` accepts NULL so that
//! `Option<Level>` and friends read the same way (NULL is `None`, and corrupt for a required one).

use kiemdiem_rules::authority::Body;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use kiemdiem_rules::{Level, SubjectKind};
use sqlx::Database;
use sqlx::decode::Decode;
use sqlx::error::BoxDynError;
use sqlx::types::Type;

/// A code as read from a TEXT column (NULL as `None`), before it is checked against a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(Option<String>);

impl<DB: Database> Type<DB> for Code
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

impl<'r, DB: Database> Decode<'r, DB> for Code
where
    Option<String>: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Code, BoxDynError> {
        <Option<String> as Decode<'r, DB>>::decode(value).map(Code)
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

impl From<BadCode> for crate::StoreError {
    fn from(bad: BadCode) -> crate::StoreError {
        crate::StoreError::Corrupt(bad.to_string())
    }
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

        impl TryFrom<Code> for $ty {
            type Error = BadCode;
            fn try_from(code: Code) -> Result<$ty, BadCode> {
                match code.0 {
                    Some(text) => <$ty as Stored>::from_code(&text),
                    None => Err(BadCode { what: $what, code: "NULL".to_owned() }),
                }
            }
        }

        impl TryFrom<Code> for Option<$ty> {
            type Error = BadCode;
            fn try_from(code: Code) -> Result<Option<$ty>, BadCode> {
                code.0.map(|text| <$ty as Stored>::from_code(&text)).transpose()
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
}

/// A possibly empty stored code (`''` for none, as in `subject_counts`' key) as a value.
pub(crate) fn optional<T: Stored>(code: &str) -> Result<Option<T>, BadCode> {
    (!code.is_empty()).then(|| T::from_code(code)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_exactly_and_a_stranger_is_named() {
        assert_eq!(
            SubjectKind::try_from(Code(Some("leader".into()))),
            Ok(SubjectKind::Leader)
        );
        assert_eq!(
            Option::<Level>::try_from(Code(Some("HTNV".into()))),
            Ok(Some(Level::Htnv))
        );
        assert_eq!(Option::<Level>::try_from(Code(None)), Ok(None));
        // The rules read levels case-insensitively; the store wrote upper case only.
        let bad = Level::try_from(Code(Some("htnv".into()))).unwrap_err();
        assert_eq!(
            bad.to_string(),
            "mức xếp loại «htnv» không có trong danh mục"
        );
        let null = Stage::try_from(Code(None)).unwrap_err();
        assert_eq!(null.code, "NULL");
        assert_eq!(optional::<Level>(""), Ok(None));
        assert_eq!(optional::<Body>("own_branch"), Ok(Some(Body::OwnBranch)));
    }
}
