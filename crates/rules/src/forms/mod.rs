//! Forms by era (mẫu biểu): which self-review form each subject writes, with the local layer's
//! own names taking precedence where a plan issued its own forms (seed 000: Mẫu 02/03/04), and
//! the headings of each form ([`sections`]).

pub mod sections;

use crate::cite::Citation;
use crate::ruleset::RuleBook;
use crate::subject::SubjectKind;
use serde::{Deserialize, Serialize};

/// A form to fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// The form's code as printed ("Mẫu 2A-HD KĐ.ĐG 2025").
    pub code: String,
    pub title: String,
    pub citation: Citation,
}

/// The self-review (or, for bodies, the collective report) form of a subject kind.
pub fn self_review_form(book: &RuleBook, kind: SubjectKind) -> Form {
    if let Some(local) = &book.local
        && let Some(code) = local.forms.get(&kind)
    {
        return Form {
            code: code.clone(),
            title: book.era().self_review_form(kind).title.to_owned(),
            citation: Citation::new(format!("local.forms.{}", local.id), local.source.clone()),
        };
    }
    let form = book.era().self_review_form(kind);
    Form {
        code: form.code.to_owned(),
        title: form.title.to_owned(),
        citation: Citation::new(format!("{}.forms", book.rule_set), book.sources().forms),
    }
}

/// The headings of the self-review form a subject kind writes in the book's era (a local form
/// keeps the era's headings: the local plans rename the forms, not their content).
pub fn self_review_sections(book: &RuleBook, kind: SubjectKind) -> &'static [sections::Section] {
    book.era().self_review_form(kind).sections
}

/// The quarterly or periodic self-evaluation form, where the era defines one (HD 43: Mẫu 05).
pub fn periodic_form(book: &RuleBook) -> Option<Form> {
    book.era().periodic_form.map(|form| Form {
        code: form.code.to_owned(),
        title: form.title.to_owned(),
        citation: Citation::new(
            format!("{}.forms.periodic", book.rule_set),
            book.sources().forms,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{RuleSetId, builtin_local_layer};

    #[test]
    fn hd43_individual_forms_follow_the_post() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberWithPost).code,
            "Mẫu 2A-HD KĐ.ĐG 2025"
        );
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberWithoutPost).code,
            "Mẫu 2B-HD KĐ.ĐG 2025"
        );
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberOutsideSystem).code,
            "Mẫu 2C-HD KĐ.ĐG 2025"
        );
        assert_eq!(
            self_review_form(&book, SubjectKind::Collective).code,
            "Mẫu 01-HD KĐ.ĐG 2025"
        );
        assert_eq!(periodic_form(&book).unwrap().code, "Mẫu 05-HD KĐ.ĐG 2025");
        // The 2025 forms score the two groups of criteria out of 30 and 70 points.
        let outside = self_review_sections(&book, SubjectKind::MemberOutsideSystem);
        let points = outside.iter().find(|s| s.code == "B.I").unwrap();
        assert!(points.guidance.iter().any(|g| g.contains("/70")));
        assert!(outside[0].guidance[1].contains("quyền và nghĩa vụ đảng viên"));
    }

    #[test]
    fn hd25_reverses_a_and_b() {
        let book = RuleBook::national(RuleSetId::Qd124Hd25);
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberWithoutPost).code,
            "Mẫu 02A-HD KĐ.ĐG 2023"
        );
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberWithPost).code,
            "Mẫu 02B-HD KĐ.ĐG 2023"
        );
        assert!(periodic_form(&book).is_none());
        let sections = self_review_sections(&book, SubjectKind::MemberWithPost);
        assert!(sections[0].guidance.contains(&"Về tư tưởng chính trị"));
    }

    #[test]
    fn hd21_has_one_individual_form_unless_the_plan_names_its_own() {
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberWithPost).code,
            "Mẫu 02-HD KĐ.ĐG 2019"
        );
        assert_eq!(
            self_review_form(&book, SubjectKind::MemberOutsideSystem).code,
            "Mẫu 02-HD KĐ.ĐG 2019"
        );
        let seed000 = RuleBook::with_local(
            RuleSetId::Qd132Hd21,
            builtin_local_layer("seed000-so-gtvt-2020").unwrap().clone(),
        )
        .unwrap();
        let form = self_review_form(&seed000, SubjectKind::Organisation);
        assert_eq!(form.code, "Mẫu 03 (Kế hoạch 02-KH/ĐUK)");
        assert!(form.citation.source.contains("02-KH/ĐUK"));
    }
}
