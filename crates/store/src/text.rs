//! Vietnamese text: NFC normalisation of every input, and the sort key that orders people the
//! Vietnamese way — by given name (tên), then family name (họ), then middle names (tên đệm),
//! with the letters in Vietnamese order (a ă â b c d đ e ê … o ô ơ … u ư …) and, within a
//! word, the tones in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng).
//!
//! Neither SQLite nor PostgreSQL collates Vietnamese correctly (and they disagree), so the key is
//! computed here and compared bytewise (`COLLATE "C"` on PostgreSQL).

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The text in NFC, borrowing when it already is (the common case).
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

/// A person's or organisation's name as stored: NFC, trimmed, inner runs of white space folded
/// to one space.
pub fn clean_name(text: &str) -> String {
    let normal = nfc(text);
    let mut out = String::with_capacity(normal.len());
    for word in normal.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Family name, middle names and given name of a Vietnamese full name ("Nguyễn Thị Minh Khai" →
/// ("Nguyễn", ["Thị", "Minh"], "Khai")). A one-word name is a given name only.
pub fn name_parts(full_name: &str) -> (Option<&str>, Vec<&str>, &str) {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    match words.as_slice() {
        [] => (None, Vec::new(), ""),
        [given] => (None, Vec::new(), given),
        [family, middle @ .., given] => (Some(family), middle.to_vec(), given),
    }
}

/// The collation key of a full name: words in the order given, family, middle; each word as its
/// letters then its tone; compared bytewise. Case is ignored.
pub fn sort_key(full_name: &str) -> String {
    let name = nfc(full_name);
    let (family, middle, given) = name_parts(&name);
    let mut key = String::with_capacity(name.len() * 2);
    push_word_key(&mut key, given);
    for word in family.into_iter().chain(middle) {
        key.push(WORD_SEPARATOR);
        push_word_key(&mut key, word);
    }
    key
}

/// Lower than every letter code, so "An" sorts before "Anh", and a shorter name first.
const WORD_SEPARATOR: char = ' ';
/// Ends a word's letters, before its tone digit.
const TONE_MARKER: char = '!';

/// Vietnamese letter order, with f, j, w, z (foreign names) in their Latin places.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Letter codes start here: `'A'` (0x41) … `'a'` (0x61), all above the separators and digits.
const FIRST_LETTER_CODE: u8 = b'A';

fn push_word_key(key: &mut String, word: &str) {
    let mut tone = 0u8;
    let chars: Vec<char> = word.nfd().flat_map(char::to_lowercase).collect();
    let mut i = 0;
    while i < chars.len() {
        let base = chars[i];
        i += 1;
        // NFD puts the dot below before the circumflex or breve ("ậ" = a, U+0323, U+0302): read
        // all marks of the base letter before deciding which Vietnamese letter it is.
        let mut shape = None;
        while let Some(&mark) = chars.get(i) {
            if canonical_combining_class(mark) == 0 {
                break;
            }
            match mark {
                '\u{306}' | '\u{302}' | '\u{31b}' => shape = Some(mark),
                '\u{300}' => tone = 1, // huyền
                '\u{309}' => tone = 2, // hỏi
                '\u{303}' => tone = 3, // ngã
                '\u{301}' => tone = 4, // sắc
                '\u{323}' => tone = 5, // nặng
                _ => {}
            }
            i += 1;
        }
        let letter = match (base, shape) {
            ('a', Some('\u{306}')) => 'ă',
            ('a', Some('\u{302}')) => 'â',
            ('e', Some('\u{302}')) => 'ê',
            ('o', Some('\u{302}')) => 'ô',
            ('o', Some('\u{31b}')) => 'ơ',
            ('u', Some('\u{31b}')) => 'ư',
            (base, _) => base,
        };
        if letter.is_ascii_digit() {
            key.push(letter);
        } else if let Some(index) = ALPHABET.iter().position(|&a| a == letter) {
            key.push(char::from(FIRST_LETTER_CODE + index as u8));
        } else if letter.is_alphanumeric() {
            // Other scripts sort after every Vietnamese letter, by code point.
            key.push(letter);
        }
        // Punctuation (hyphen, apostrophe, dot) does not take part in the order.
    }
    key.push(TONE_MARKER);
    key.push(char::from(b'0' + tone));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        names.sort_by_key(|n| sort_key(n));
        names
    }

    #[test]
    fn nfc_normalises_decomposed_text() {
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_eq!(nfc(decomposed), "Nguyễn");
        assert!(matches!(nfc("Nguyễn"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(clean_name("  Tra\u{302}\u{300}n   Văn\tAn "), "Trần Văn An");
    }

    #[test]
    fn splits_names() {
        assert_eq!(
            name_parts("Nguyễn Thị Minh Khai"),
            (Some("Nguyễn"), vec!["Thị", "Minh"], "Khai")
        );
        assert_eq!(name_parts("Lê Lợi"), (Some("Lê"), vec![], "Lợi"));
        assert_eq!(name_parts("Hùng"), (None, vec![], "Hùng"));
    }

    #[test]
    fn sorts_by_given_name_first() {
        assert_eq!(
            sorted(&["Trần Văn Bình", "Phạm An", "Lê Thị Bình", "Nguyễn Văn An"]),
            ["Nguyễn Văn An", "Phạm An", "Lê Thị Bình", "Trần Văn Bình"]
        );
    }

    #[test]
    fn vietnamese_letter_order() {
        // a < ă < â < b; d < đ < e; o < ô < ơ < p; u < ư < v
        assert_eq!(
            sorted(&["X Bảo", "X Ân", "X Ăn", "X An"]),
            ["X An", "X Ăn", "X Ân", "X Bảo"]
        );
        assert_eq!(
            sorted(&["X Em", "X Đạt", "X Dũng"]),
            ["X Dũng", "X Đạt", "X Em"]
        );
        assert_eq!(
            sorted(&["X Phú", "X Ơn", "X Ông", "X Oanh"]),
            ["X Oanh", "X Ông", "X Ơn", "X Phú"]
        );
        assert_eq!(
            sorted(&["X Vân", "X Ưng", "X Uyên"]),
            ["X Uyên", "X Ưng", "X Vân"]
        );
        // Code-point order would put "Đạt" after "Em" (U+0111 > 'e').
        assert!(sort_key("A Đạt") < sort_key("A Em"));
    }

    #[test]
    fn tones_order_within_the_same_letters() {
        assert_eq!(
            sorted(&["X Mạ", "X Má", "X Mã", "X Mả", "X Mà", "X Ma"]),
            ["X Ma", "X Mà", "X Mả", "X Mã", "X Má", "X Mạ"]
        );
        // Letters decide before tones: "Án" < "Anh" although "An" < "Án".
        assert_eq!(
            sorted(&["X Anh", "X Án", "X An"]),
            ["X An", "X Án", "X Anh"]
        );
        // The dot below comes first in NFD: "ậ" is still â with nặng.
        assert_eq!(
            sorted(&["X Bạch", "X Ậu", "X Ặc", "X Ắc", "X Ấu", "X Ảo"]),
            ["X Ảo", "X Ắc", "X Ặc", "X Ấu", "X Ậu", "X Bạch"]
        );
    }

    #[test]
    fn key_ignores_case_and_normal_form() {
        assert_eq!(sort_key("NGUYỄN VĂN AN"), sort_key("nguyễn văn an"));
        assert_eq!(
            sort_key("Nguye\u{302}\u{303}n Va\u{306}n An"),
            sort_key("Nguyễn Văn An")
        );
    }

    #[test]
    fn then_family_then_middle_names() {
        assert_eq!(
            sorted(&["Trần Văn An", "Nguyễn Văn An", "Nguyễn Thị An", "Nguyễn An"]),
            ["Nguyễn An", "Nguyễn Thị An", "Nguyễn Văn An", "Trần Văn An"]
        );
    }
}
