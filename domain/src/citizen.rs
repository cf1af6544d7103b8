//! Who the citizen is, as the forms ask it: citizen ID (CCCD, 12 digits) or the legacy 9-digit
//! ID card number where the form still says "Số CMND", mobile phone, e-mail and full name.
//! Each is a newtype built only through `parse`, whose error names the field and says why in
//! Vietnamese and English; `masked()` gives what logs may show.
//!
//! CCCD structure (Thông tư 07/2016/TT-BCA, Phụ lục 1, and Luật Căn cước 2023 Điều 12, via
//! thuvienphapluat.vn and moinhat123.blogspot.com): digits 1–3 the province where the birth was
//! registered (the GSO province code on 3 digits, 001 Hà Nội … 096 Cà Mau — the 63 codes of
//! [`crate::codes::PROVINCES`]); digit 4 century and gender (0/1 = 20th century male/female,
//! 2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th); digits 5–6 the last two digits of the birth
//! year; digits 7–12 random. Citizens registered abroad carry a country code in digits 1–3;
//! those are not accepted here (assumption: the portal serves residents).
//!
//! Mobile prefixes (after the 2018 move from 11 to 10 digits), from the carriers' published
//! lists as commonly reproduced; not checked against the Ministry's numbering plan:
//! Viettel 032–039, 086, 096–098; Vinaphone 081–085, 088, 091, 094; MobiFone 070, 076–079, 089,
//! 090, 093; Vietnamobile 052, 056, 058, 092; Gmobile 059, 099; iTel 087; Reddi 055.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes;
use crate::validation::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// A 12-digit citizen identity number (số định danh cá nhân / CCCD).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitizenId(String);

fn only_digits(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect()
}

impl CitizenId {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        Self::parse_for(field, input, None)
    }

    /// Also checks digits 4–6 against a known birth year.
    pub fn parse_for(field: &str, input: &str, birth_year: Option<i32>) -> Result<Self, FieldError> {
        let s = only_digits(input);
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "invalid_format",
                "Số định danh cá nhân (CCCD) gồm đúng 12 chữ số.",
                "A citizen ID (CCCD) has exactly 12 digits.",
            ));
        }
        let province: u16 = s[0..3].parse().expect("digits");
        if province > 99 || codes::province(province as u8).is_none() {
            return Err(FieldError::new(
                field,
                "unknown_province",
                "3 chữ số đầu của CCCD không phải mã tỉnh, thành phố nơi đăng ký khai sinh.",
                "The first 3 digits are not a province code of birth registration.",
            ));
        }
        let id = CitizenId(s);
        if let Some(year) = birth_year {
            if id.birth_year() != year {
                return Err(FieldError::new(
                    field,
                    "birth_year_mismatch",
                    format!("Số CCCD không khớp với năm sinh {year} (chữ số thứ 4–6 mã hóa thế kỷ, giới tính và năm sinh)."),
                    format!("The citizen ID does not match the birth year {year} (digits 4–6 encode century, gender and year)."),
                ));
            }
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> u8 {
        self.0.as_bytes()[i] - b'0'
    }

    /// GSO code of the province of birth registration (`42` for `042…`).
    pub fn province_code(&self) -> u8 {
        self.0[1..3].parse().expect("digits")
    }

    pub fn gender(&self) -> Gender {
        if self.digit(3).is_multiple_of(2) {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * i32::from(self.digit(3) / 2);
        century + i32::from(self.digit(4)) * 10 + i32::from(self.digit(5))
    }

    /// For logs: the first 4 and last 2 digits (`0420******89`).
    pub fn masked(&self) -> String {
        format!("{}******{}", &self.0[..4], &self.0[10..])
    }
}

/// The legacy 9-digit ID card number (CMND), accepted only where a form says "Số CMND".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegacyIdNumber(String);

impl LegacyIdNumber {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = only_digits(input);
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        if s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "invalid_format",
                "Số CMND gồm đúng 9 chữ số.",
                "A legacy ID card number (CMND) has exactly 9 digits.",
            ));
        }
        Ok(LegacyIdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        format!("{}*****{}", &self.0[..2], &self.0[7..])
    }
}

/// A personal identity number as a form field takes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdNumber {
    Cccd(CitizenId),
    Cmnd(LegacyIdNumber),
}

impl IdNumber {
    /// `accept_legacy`: the form's label is "Số CMND/CCCD" and a 9-digit number is allowed.
    pub fn parse(field: &str, input: &str, accept_legacy: bool) -> Result<Self, FieldError> {
        if accept_legacy && only_digits(input).len() == 9 {
            return LegacyIdNumber::parse(field, input).map(IdNumber::Cmnd);
        }
        CitizenId::parse(field, input).map(IdNumber::Cccd)
    }

    pub fn as_str(&self) -> &str {
        match self {
            IdNumber::Cccd(id) => id.as_str(),
            IdNumber::Cmnd(id) => id.as_str(),
        }
    }

    pub fn masked(&self) -> String {
        match self {
            IdNumber::Cccd(id) => id.masked(),
            IdNumber::Cmnd(id) => id.masked(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    Viettel,
    Vinaphone,
    Mobifone,
    Vietnamobile,
    Gmobile,
    Itel,
    Reddi,
}

const PREFIXES: &[(&str, Network)] = &[
    ("032", Network::Viettel),
    ("033", Network::Viettel),
    ("034", Network::Viettel),
    ("035", Network::Viettel),
    ("036", Network::Viettel),
    ("037", Network::Viettel),
    ("038", Network::Viettel),
    ("039", Network::Viettel),
    ("086", Network::Viettel),
    ("096", Network::Viettel),
    ("097", Network::Viettel),
    ("098", Network::Viettel),
    ("081", Network::Vinaphone),
    ("082", Network::Vinaphone),
    ("083", Network::Vinaphone),
    ("084", Network::Vinaphone),
    ("085", Network::Vinaphone),
    ("088", Network::Vinaphone),
    ("091", Network::Vinaphone),
    ("094", Network::Vinaphone),
    ("070", Network::Mobifone),
    ("076", Network::Mobifone),
    ("077", Network::Mobifone),
    ("078", Network::Mobifone),
    ("079", Network::Mobifone),
    ("089", Network::Mobifone),
    ("090", Network::Mobifone),
    ("093", Network::Mobifone),
    ("052", Network::Vietnamobile),
    ("056", Network::Vietnamobile),
    ("058", Network::Vietnamobile),
    ("092", Network::Vietnamobile),
    ("059", Network::Gmobile),
    ("099", Network::Gmobile),
    ("087", Network::Itel),
    ("055", Network::Reddi),
];

/// A Vietnamese mobile number, normalized to `0xxxxxxxxx`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts `+84 912 345 678`, `84912345678`, `0912.345.678`, `(091) 234-5678`...
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FieldError::required(field));
        }
        let bad = || {
            FieldError::new(
                field,
                "invalid_format",
                "Số điện thoại di động không hợp lệ, ví dụ 0912 345 678.",
                "Invalid mobile number; e.g. 0912 345 678.",
            )
        };
        let plus = trimmed.starts_with('+');
        let body = if plus { &trimmed[1..] } else { trimmed };
        let mut digits = String::with_capacity(12);
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err(bad()),
            }
        }
        let national = if let Some(rest) = digits.strip_prefix("84").filter(|r| plus || r.len() == 9) {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        } else if plus {
            return Err(bad()); // a foreign number
        } else {
            digits
        };
        if national.len() != 10 || !national.starts_with('0') {
            return Err(bad());
        }
        if !PREFIXES.iter().any(|(p, _)| national.starts_with(p)) {
            return Err(FieldError::new(
                field,
                "unknown_network",
                "Đầu số này không phải số di động của nhà mạng Việt Nam.",
                "This prefix is not a Vietnamese mobile network.",
            ));
        }
        Ok(Phone(national))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn network(&self) -> Network {
        PREFIXES.iter().find(|(p, _)| self.0.starts_with(p)).map(|(_, n)| *n).expect("checked in parse")
    }

    /// `+84912345678`, for SMS gateways.
    pub fn international(&self) -> String {
        format!("+84{}", &self.0[1..])
    }

    /// For logs: `091****678`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// An e-mail address, trimmed, domain lower-cased; a pragmatic check, not RFC 5322.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        let bad = || {
            FieldError::new(
                field,
                "invalid_format",
                "Địa chỉ thư điện tử không hợp lệ, ví dụ ten@example.vn.",
                "Invalid e-mail address, e.g. name@example.vn.",
            )
        };
        if s.len() > 254 {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !local_ok || !domain_ok {
            return Err(bad());
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For logs: `n***@example.vn`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').expect("checked in parse");
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

/// A person's full name as written on their papers (Vietnamese letters, spaces, hyphen,
/// apostrophe, dot), whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let name = crate::text_input::normalize(field, input, Self::MAX_CHARS, false)?;
        if name.is_empty() {
            return Err(FieldError::required(field));
        }
        let len = name.chars().count();
        if len < 2 {
            return Err(FieldError::new(field, "too_short", "Họ và tên quá ngắn.", "The name is too short."));
        }
        if len > Self::MAX_CHARS {
            return Err(FieldError::new(
                field,
                "too_long",
                format!("Họ và tên không quá {} ký tự.", Self::MAX_CHARS),
                format!("The name must be at most {} characters.", Self::MAX_CHARS),
            ));
        }
        let allowed = |c: char| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '.' || matches!(c as u32, 0x0300..=0x036F);
        if !name.chars().all(allowed) {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                "Họ và tên chỉ gồm chữ cái, không có chữ số hay ký hiệu.",
                "The name may contain letters only, no digits or symbols.",
            ));
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype {
    ($t:ty, $field:literal) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse($field, &s).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_newtype!(CitizenId, "citizen_id");
string_newtype!(LegacyIdNumber, "id_number");
string_newtype!(Phone, "phone");
string_newtype!(Email, "email");
string_newtype!(PersonName, "full_name");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn citizen_id_structure() {
        let id = CitizenId::parse("citizen_id", "042 090 123 489").unwrap();
        assert_eq!(id.as_str(), "042090123489");
        assert_eq!(id.province_code(), 42);
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.birth_year(), 1990);
        assert_eq!(id.masked(), "0420******89");
        let girl = CitizenId::parse("citizen_id", "030305000001").unwrap();
        assert_eq!((girl.gender(), girl.birth_year()), (Gender::Female, 2005));
        assert_eq!(CitizenId::parse("c", "001400000001").unwrap().birth_year(), 2100);
        assert!(CitizenId::parse_for("c", "042090123489", Some(1990)).is_ok());
        let e = CitizenId::parse_for("citizen_id", "042090123489", Some(2090)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("citizen_id", "birth_year_mismatch"));
    }

    #[test]
    fn citizen_id_failures() {
        let code = |s: &str| CitizenId::parse("citizen_id", s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("04209012348"), "invalid_format");
        assert_eq!(code("04209012348a"), "invalid_format");
        assert_eq!(code("003090123489"), "unknown_province"); // 003 is not a province
        assert_eq!(code("100090123489"), "unknown_province");
        assert_eq!(CitizenId::parse("citizen_id", "1").unwrap_err().field, "citizen_id");
    }

    #[test]
    fn legacy_cmnd_only_where_the_form_allows_it() {
        assert!(matches!(IdNumber::parse("id_number", "183 456 789", true).unwrap(), IdNumber::Cmnd(_)));
        assert_eq!(IdNumber::parse("id_number", "183456789", false).unwrap_err().code, "invalid_format");
        assert!(matches!(IdNumber::parse("id_number", "042090123489", true).unwrap(), IdNumber::Cccd(_)));
        assert_eq!(IdNumber::parse("id_number", "183456789", true).unwrap().masked(), "18*****89");
        assert_eq!(LegacyIdNumber::parse("id_number", "12345").unwrap_err().code, "invalid_format");
    }

    #[test]
    fn phones_normalize_from_every_form() {
        for input in ["0912345678", "+84912345678", "84912345678", "+84 912 345 678", "0912.345.678", "(091) 234-5678", "+840912345678"] {
            assert_eq!(Phone::parse("phone", input).unwrap().as_str(), "0912345678", "{input}");
        }
        let p = Phone::parse("phone", "0987654321").unwrap();
        assert_eq!(p.network(), Network::Viettel);
        assert_eq!(p.international(), "+84987654321");
        assert_eq!(p.masked(), "098****321");
        assert_eq!(Phone::parse("phone", "0888123456").unwrap().network(), Network::Vinaphone);
        assert_eq!(Phone::parse("phone", "0708123456").unwrap().network(), Network::Mobifone);
        assert_eq!(Phone::parse("phone", "0921234567").unwrap().network(), Network::Vietnamobile);
        assert_eq!(Phone::parse("phone", "0991234567").unwrap().network(), Network::Gmobile);
        assert_eq!(Phone::parse("phone", "0871234567").unwrap().network(), Network::Itel);
        assert_eq!(Phone::parse("phone", "0551234567").unwrap().network(), Network::Reddi);
    }

    #[test]
    fn phone_failures_name_the_field() {
        let code = |s: &str| Phone::parse("phone", s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("0241234567"), "unknown_network"); // landline area code
        assert_eq!(code("0951234567"), "unknown_network");
        assert_eq!(code("091234567"), "invalid_format");
        assert_eq!(code("09123456789"), "invalid_format");
        assert_eq!(code("+1 415 555 0100"), "invalid_format");
        assert_eq!(code("0912abc678"), "invalid_format");
        assert_eq!(Phone::parse("phone", "x").unwrap_err().field, "phone");
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse("email", "  Nguyen.Van.A@Example.VN ").unwrap().as_str(), "Nguyen.Van.A@example.vn");
        assert_eq!(Email::parse("email", "an@hatinh.gov.vn").unwrap().masked(), "a***@hatinh.gov.vn");
        for bad in ["a", "a@b", "@x.vn", "a@@x.vn", "a..b@x.vn", "a@-x.vn", "a b@x.vn", "a@x.v", "a@x.123"] {
            assert_eq!(Email::parse("email", bad).unwrap_err().code, "invalid_format", "{bad}");
        }
        assert_eq!(Email::parse("email", "").unwrap_err().code, "required");
    }

    #[test]
    fn person_names() {
        assert_eq!(PersonName::parse("full_name", "  Nguyễn   Thị  Hồng ").unwrap().as_str(), "Nguyễn Thị Hồng");
        assert!(PersonName::parse("full_name", "H'Hen Niê").is_ok());
        assert_eq!(PersonName::parse("full_name", "").unwrap_err().code, "required");
        assert_eq!(PersonName::parse("full_name", "A").unwrap_err().code, "too_short");
        assert_eq!(PersonName::parse("full_name", &"a".repeat(101)).unwrap_err().code, "too_long");
        let e = PersonName::parse("full_name", "Nguyễn Văn 2").unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("full_name", "invalid_characters"));
        assert!(e.message_vi.contains("chữ cái"));
    }

    #[test]
    fn serde_goes_through_parse() {
        assert!(serde_json::from_str::<Phone>("\"+84 912 345 678\"").is_ok());
        assert!(serde_json::from_str::<Phone>("\"12\"").is_err());
        assert_eq!(serde_json::to_string(&Phone::parse("p", "0912345678").unwrap()).unwrap(), "\"0912345678\"");
    }

    proptest! {
        #[test]
        fn every_valid_phone_round_trips_through_its_forms(i in 0usize..PREFIXES.len(), rest in 0u32..10_000_000) {
            let national = format!("{}{:07}", PREFIXES[i].0, rest);
            let p = Phone::parse("phone", &national).unwrap();
            prop_assert_eq!(Phone::parse("phone", &p.international()).unwrap(), p.clone());
            prop_assert_eq!(p.network(), PREFIXES[i].1);
            prop_assert_eq!(p.masked().len(), 10);
        }

        #[test]
        fn citizen_ids_carry_their_birth_year(pi in 0usize..63, year in 1900i32..2100, female in proptest::bool::ANY, tail in 0u32..1_000_000) {
            let prov = codes::PROVINCES[pi].gso;
            let digit = (year - 1900) / 100 * 2 + i32::from(female);
            let s = format!("{:03}{}{:02}{:06}", prov, digit, year % 100, tail);
            let id = CitizenId::parse_for("citizen_id", &s, Some(year)).unwrap();
            prop_assert_eq!(id.birth_year(), year);
            prop_assert_eq!(id.province_code(), prov);
            prop_assert_eq!(id.gender() == Gender::Female, female);
            prop_assert_eq!(id.masked().len(), 12);
        }
    }
}
