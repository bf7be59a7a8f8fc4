//! Near-copy detection of self-reviews (seed 003 §A.4.1: "không sao chép, photo mẫu kiểm điểm để
//! điền theo kiểu đối phó"): texts are normalised (NFC, lower case, letters and digits only),
//! cut into overlapping 3-word shingles, and compared by Jaccard similarity (against another
//! self-review) or by containment (how much of a self-review is the form's sample text). The
//! result is a flag for the secretary, never a refusal.

use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Words per shingle.
const SHINGLE: usize = 3;

/// Normalised words of a text.
pub fn words(text: &str) -> Vec<String> {
    let normalised: String = text.nfc().collect::<String>().to_lowercase();
    normalised
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The set of shingles of a text (a short text is one shingle of all its words).
pub fn shingles(text: &str) -> HashSet<String> {
    let words = words(text);
    if words.is_empty() {
        return HashSet::new();
    }
    if words.len() < SHINGLE {
        return HashSet::from([words.join(" ")]);
    }
    words.windows(SHINGLE).map(|w| w.join(" ")).collect()
}

/// |A ∩ B| / |A ∪ B|, 0 when both are empty.
pub fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count();
    common as f64 / (a.len() + b.len() - common) as f64
}

/// |A ∩ B| / |A|: the share of `a` found in `b`.
pub fn containment(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_unrelated_ones_zero() {
        let a = shingles("Luôn chấp hành nghiêm chủ trương, đường lối của Đảng.");
        let b = shingles("LUÔN chấp hành nghiêm chủ trương — đường lối của Đảng");
        assert!((jaccard(&a, &b) - 1.0).abs() < 1e-9);
        let c = shingles("Hoàn thành 12 chỉ tiêu thu ngân sách xã năm 2025");
        assert_eq!(jaccard(&a, &c), 0.0);
    }

    #[test]
    fn a_lightly_edited_copy_is_still_close() {
        let original = "Bản thân luôn giữ gìn phẩm chất đạo đức lối sống trong sạch lành mạnh, đoàn kết nội bộ, hoàn thành tốt nhiệm vụ được giao tại cơ quan và nơi cư trú";
        let copy = "Bản thân luôn giữ gìn phẩm chất đạo đức lối sống trong sạch lành mạnh, đoàn kết nội bộ, hoàn thành tốt nhiệm vụ được giao tại đơn vị và nơi cư trú";
        let score = jaccard(&shingles(original), &shingles(copy));
        assert!(score > 0.6 && score < 1.0, "{score}");
    }

    #[test]
    fn decomposed_vietnamese_matches_composed() {
        assert_eq!(words("Nguye\u{302}\u{303}n"), vec!["nguyễn".to_owned()]);
    }
}
