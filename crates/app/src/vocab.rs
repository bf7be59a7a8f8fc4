//! Stable codes for the rules crate's vocabulary as the store keeps it (`member_without_post`,
//! `grassroots_committee`, `review_and_classify` …), and their parsing back. One place, so
//! the database and the API always spell them the same way.

use crate::error::{AppError, Result};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::{Level, SubjectKind};

pub fn kind_code(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Organisation => "organisation",
        SubjectKind::Collective => "collective",
        SubjectKind::MemberWithPost => "member_with_post",
        SubjectKind::MemberWithoutPost => "member_without_post",
        SubjectKind::MemberOutsideSystem => "member_outside_system",
        SubjectKind::Leader => "leader",
    }
}

pub fn parse_kind(code: &str) -> Result<SubjectKind> {
    SubjectKind::ALL
        .into_iter()
        .find(|k| kind_code(*k) == code)
        .ok_or_else(|| corrupt("loại đối tượng", code))
}

pub fn body_code(body: Body) -> &'static str {
    match body {
        Body::OwnBranch => "own_branch",
        Body::GrassrootsCommittee => "grassroots_committee",
        Body::PartialCommittee => "partial_committee",
        Body::SuperiorStandingCommittee => "superior_standing_committee",
        Body::UpperStandingCommittee => "upper_standing_committee",
        Body::ManagingStandingCommittee => "managing_standing_committee",
        Body::ProvinceExecutiveCommittee => "province_executive_committee",
    }
}

pub fn parse_body(code: &str) -> Result<Body> {
    [
        Body::OwnBranch,
        Body::GrassrootsCommittee,
        Body::PartialCommittee,
        Body::SuperiorStandingCommittee,
        Body::UpperStandingCommittee,
        Body::ManagingStandingCommittee,
        Body::ProvinceExecutiveCommittee,
    ]
    .into_iter()
    .find(|b| body_code(*b) == code)
    .ok_or_else(|| corrupt("cấp quyết định", code))
}

pub fn participation_code(participation: Participation) -> &'static str {
    match participation {
        Participation::Excluded => "excluded",
        Participation::ReviewOnly => "review_only",
        Participation::ReviewAndClassify => "review_and_classify",
    }
}

pub fn parse_participation(code: &str) -> Result<Participation> {
    match code {
        "excluded" => Ok(Participation::Excluded),
        "review_only" => Ok(Participation::ReviewOnly),
        "review_and_classify" => Ok(Participation::ReviewAndClassify),
        _ => Err(corrupt("diện tham gia", code)),
    }
}

pub fn parse_level(code: &str) -> Result<Level> {
    Level::parse(code).ok_or_else(|| corrupt("mức xếp loại", code))
}

fn corrupt(what: &str, code: &str) -> AppError {
    AppError::internal(format!("Dữ liệu không hợp lệ: {what} «{code}»"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for kind in SubjectKind::ALL {
            assert_eq!(parse_kind(kind_code(kind)).unwrap(), kind);
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind_code(kind))
            );
        }
        for p in [
            Participation::Excluded,
            Participation::ReviewOnly,
            Participation::ReviewAndClassify,
        ] {
            assert_eq!(parse_participation(participation_code(p)).unwrap(), p);
        }
        assert_eq!(
            parse_body(body_code(Body::GrassrootsCommittee)).unwrap(),
            Body::GrassrootsCommittee
        );
    }
}
