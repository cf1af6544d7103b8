//! Search text folding: Vietnamese users type without diacritics ("son tay", "chung thuc"), so
//! names are compared after removing tone and vowel marks, mapping đ to d and lower-casing.

/// Folds one character to its base Latin letter, lower case.
fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ' | 'ẫ' | 'ậ' => 'a',
        'À' | 'Á' | 'Ả' | 'Ã' | 'Ạ' | 'Ă' | 'Ằ' | 'Ắ' | 'Ẳ' | 'Ẵ' | 'Ặ' | 'Â' | 'Ầ' | 'Ấ' | 'Ẩ' | 'Ẫ' | 'Ậ' => 'a',
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => 'e',
        'È' | 'É' | 'Ẻ' | 'Ẽ' | 'Ẹ' | 'Ê' | 'Ề' | 'Ế' | 'Ể' | 'Ễ' | 'Ệ' => 'e',
        'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' | 'Ì' | 'Í' | 'Ỉ' | 'Ĩ' | 'Ị' => 'i',
        'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ' | 'ở' | 'ỡ' | 'ợ' => 'o',
        'Ò' | 'Ó' | 'Ỏ' | 'Õ' | 'Ọ' | 'Ô' | 'Ồ' | 'Ố' | 'Ổ' | 'Ỗ' | 'Ộ' | 'Ơ' | 'Ờ' | 'Ớ' | 'Ở' | 'Ỡ' | 'Ợ' => 'o',
        'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => 'u',
        'Ù' | 'Ú' | 'Ủ' | 'Ũ' | 'Ụ' | 'Ư' | 'Ừ' | 'Ứ' | 'Ử' | 'Ữ' | 'Ự' => 'u',
        'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' | 'Ỳ' | 'Ý' | 'Ỷ' | 'Ỹ' | 'Ỵ' => 'y',
        'đ' | 'Đ' => 'd',
        other => other.to_ascii_lowercase(),
    }
}

/// Strips combining marks too, for text that arrives decomposed (NFD) from some keyboards.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

/// Lower-case, diacritic-free form with runs of whitespace collapsed to one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(fold_char(c).to_lowercase());
    }
    out
}

/// The text without Vietnamese tone and vowel marks, case and spacing kept ("Đã nộp" → "Da nop"):
/// what an SMS sent without Unicode must carry.
pub fn unaccent(s: &str) -> String {
    s.chars()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            c if c.is_ascii() => c,
            c if c.is_uppercase() => fold_char(c).to_ascii_uppercase(),
            c => fold_char(c),
        })
        .collect()
}

/// True when every word of `query` occurs in `haystack`, both folded.
pub fn matches(haystack: &str, query: &str) -> bool {
    let hay = fold(haystack);
    fold(query).split(' ').filter(|w| !w.is_empty()).all(|w| hay.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unaccents_keeping_case_and_punctuation() {
        assert_eq!(unaccent("Đã nộp hồ sơ — Ủy ban: SƠN TÂY, 21.000 đ"), "Da nop ho so — Uy ban: SON TAY, 21.000 d");
    }

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(fold("Xã Sơn Tây"), "xa son tay");
        assert_eq!(fold("Chứng thực bản sao"), "chung thuc ban sao");
        assert_eq!(fold("  Đồng   Tháp "), "dong thap");
        assert_eq!(fold("Hồng Ngự"), "hong ngu");
    }

    #[test]
    fn folds_decomposed_input() {
        // "Sơn" typed as S, o + U+031B (horn), n
        assert_eq!(fold("So\u{031B}n"), "son");
    }

    #[test]
    fn matches_without_diacritics_or_case() {
        assert!(matches("Xã Sơn Tây", "son tay"));
        assert!(matches("Thủ tục chứng thực chữ ký", "CHUNG THUC"));
        assert!(matches("Thủ tục chứng thực chữ ký", "chữ ký chứng"));
        assert!(!matches("Thủ tục đăng ký kết hôn", "chung thuc"));
        assert!(matches("anything", "   "));
    }
}
