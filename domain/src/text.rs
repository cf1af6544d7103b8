//! Search text folding: Vietnamese users type without diacritics ("son tay", "chung thuc"), so
//! names are compared after removing tone and vowel marks, mapping đ to d and lower-casing.
//!
//! Search ([`matches`]) also respects the marks a person did type: a query word matches only the
//! start of a word, letter by letter, and a letter typed with a mark matches only letters that
//! carry that mark. "khai tử" finds "khai tử" but not "thủ tục" (folded, "tu" begins "tuc");
//! "khai tu" finds both, as it must; "tư" (a tone not typed yet) still finds "tử".

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

/// True when every word of `query` begins a word of `haystack` (see [`matches_any`]).
pub fn matches(haystack: &str, query: &str) -> bool {
    matches_any(&[haystack], query)
}

/// True when every word of `query` begins a word of one of `texts` (a name, a code, a field),
/// letter by letter as [`accepts`] says. An empty query matches everything.
pub fn matches_any(texts: &[&str], query: &str) -> bool {
    words(query).all(|q| texts.iter().any(|t| words(t).any(|w| begins(w, q))))
}

/// Words split at spaces and punctuation ("2.000815" → "2", "000815"; "(CCCD)" → "CCCD"), the
/// same for the query and the texts. Not `!char::is_alphanumeric`: its Unicode tables would
/// weigh on the phone's first load, and these texts are Vietnamese.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || c.is_ascii_punctuation() || matches!(c, '–' | '—' | '“' | '”' | '‘' | '’' | '…'))
        .filter(|w| !w.is_empty())
}

fn begins(word: &str, prefix: &str) -> bool {
    let mut w = word.chars().filter(|c| !is_combining_mark(*c));
    prefix.chars().filter(|c| !is_combining_mark(*c)).all(|q| w.next().is_some_and(|h| accepts(q, h)))
}

/// Whether a typed letter `q` accepts a text's letter `h`: the same base letter, in any case,
/// and each mark typed on `q` (vowel mark, tone) is the one `h` carries; a mark not typed
/// accepts any.
fn accepts(q: char, h: char) -> bool {
    let ((qb, qv, qt), (hb, hv, ht)) = (parts(q), parts(h));
    qb == hb && (qv == 0 || qv == hv) && (qt == 0 || qt == ht)
}

/// The Vietnamese vowels in their five tones after the plain one, one row per vowel form.
const VOWELS: [&str; 12] =
    ["aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ"];

/// A letter as (base, vowel mark, tone): vowel mark 0 none, else the row of its form (đ's stroke
/// counts as one); tone 0 none, 1–5 grave, acute, hook, tilde, dot below.
fn parts(c: char) -> (char, u8, u8) {
    let c = c.to_lowercase().next().unwrap_or(c);
    if c.is_ascii() {
        return (c, 0, 0);
    }
    if c == 'đ' {
        return ('d', 1, 0);
    }
    for (row, forms) in VOWELS.iter().enumerate() {
        if let Some(tone) = forms.chars().position(|f| f == c) {
            // The plain vowel of a row is its first letter; rows of the same base differ in mark.
            let mark = match row {
                1 | 2 | 4 | 7 | 8 | 10 => row as u8,
                _ => 0,
            };
            return (fold_char(c), mark, tone as u8);
        }
    }
    (c, 0, 0)
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

    #[test]
    fn matches_only_at_word_starts() {
        assert!(matches("Thủ tục đăng ký khai tử", "khai tử"));
        assert!(matches("Thủ tục đăng ký khai tử", "KHAI TU"));
        assert!(!matches("Thủ tục đăng ký kết hôn", "uc"));
        assert!(!matches("Xã Sơn Tây", "on"));
        assert!(matches("Thủ tục đăng ký kết hôn", "ket h"));
    }

    #[test]
    fn a_typed_mark_must_be_there() {
        // "tử" is not "tục", although folded "tu" begins "tuc".
        assert!(!matches("Thủ tục đăng ký khai sinh", "khai tử"));
        assert!(matches("Thủ tục đăng ký khai sinh", "khai tu"));
        // Half-typed (Telex "tuw" before the tone): the vowel mark alone still finds "tử".
        assert!(matches("Thủ tục đăng ký khai tử", "khai tư"));
        assert!(!matches("Đăng ký khai tử", "khai tụ"));
        assert!(matches("Hộ tịch", "hô"));
        assert!(!matches("Hộ tịch", "hơ"));
        assert!(!matches("Đăng ký", "dd"));
        assert!(matches("Dăng ký", "dang"));
        assert!(!matches("Dăng ký", "đăng"));
        assert!(matches("ĐĂNG KÝ", "đăng ký"));
        // Decomposed input (a horn as a combining mark) reads as the letter without it.
        assert!(matches("Xã Sơn Tây", "So\u{031B}n"));
    }

    #[test]
    fn matches_across_name_code_and_field() {
        let texts = ["Thủ tục đăng ký khai sinh", "1.001193", "Hộ tịch"];
        assert!(matches_any(&texts, "hộ tịch"));
        assert!(matches_any(&texts, "ho tich"));
        assert!(matches_any(&texts, "khai sinh ho"));
        assert!(matches_any(&texts, "1.001193"));
        assert!(matches_any(&texts, "001193"));
        assert!(!matches_any(&texts, "193"));
        assert!(!matches_any(&texts, "chung thuc"));
        assert!(matches_any(&texts, ""));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Vietnamese-looking words: vowels with and without marks, đ, consonants, digits.
        fn word() -> impl Strategy<Value = String> {
            let letters: Vec<char> = "aăấeểiịoơộuưừyỹđDĐhkntcg07ÂỮ".chars().collect();
            proptest::collection::vec(prop::sample::select(letters), 1..8).prop_map(|cs| cs.into_iter().collect())
        }

        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(word(), 1..6).prop_map(|ws| ws.join(" "))
        }

        /// Every folded query word begins some folded word of the text.
        fn folded_prefixes(hay: &str, query: &str) -> bool {
            let hay = fold(hay);
            fold(query).split(' ').filter(|q| !q.is_empty()).all(|q| hay.split(' ').any(|w| w.starts_with(q)))
        }

        proptest! {
            /// Any prefix of any word of the text, typed as written, without marks or in capitals,
            /// finds it.
            #[test]
            fn a_prefix_of_any_word_matches(hay in text(), pick in any::<prop::sample::Index>(), len in 1usize..8) {
                let words: Vec<&str> = hay.split(' ').collect();
                let prefix: String = pick.get(&words).chars().take(len).collect();
                prop_assert!(matches(&hay, &prefix));
                prop_assert!(matches(&hay, &fold(&prefix)));
                prop_assert!(matches(&hay, &prefix.to_uppercase()));
            }

            /// A match needs every query word to begin a word of the text once marks are folded.
            #[test]
            fn a_match_is_a_prefix_match_after_folding(hay in text(), query in text()) {
                if matches(&hay, &query) {
                    prop_assert!(folded_prefixes(&hay, &query));
                }
            }

            /// Typed without marks, the search ignores the text's marks entirely.
            #[test]
            fn without_marks_only_folded_prefixes_count(hay in text(), query in text()) {
                let plain = fold(&query);
                prop_assert_eq!(matches(&hay, &plain), folded_prefixes(&hay, &plain));
                prop_assert_eq!(matches(&fold(&hay), &plain), matches(&hay, &plain));
            }
        }
    }
}
