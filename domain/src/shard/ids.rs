//! Identifiers that name their shard (docs/SHARDING.md §3.2), as [`super::sharded_reference`]
//! does for payment references: a URL, a QR code or a printed code then opens one database,
//! with no national routing row written per record (which would put the country's writes back
//! through one D1). The shape is the part's marker letter (`s` for a province's first database,
//! then `t v w x y z`), the province's two digits, then the random part:
//!
//! - record ids (dossier, bill, payment, refund, upload, upload session, signed document,
//!   result, scan): `s42` + 30 hex digits (120 random bits), 33 characters. Ids made before
//!   sharding are 32 hex digits; a marker is never a hex digit, so the two never overlap.
//! - receipt check codes: `s42` + 20 hex digits (80 bits), 23 characters; before, 20 hex.
//!
//! An identifier made before sharding answers `Ok(None)`: the Worker looks it up in the legacy
//! shard's `legacy_routes`. Anything else is refused, naming the field, before any read.

use super::ShardId;
use crate::validation::FieldError;

/// Hex digits of a record id's random part (15 bytes).
const ID_HEX: usize = 30;
/// Hex digits of a record id made before sharding (16 bytes).
const LEGACY_ID_HEX: usize = 32;
/// Hex digits of a receipt check code, before and after sharding (10 bytes).
const CHECK_HEX: usize = 20;

fn tagged_hex(shard: ShardId, random: &[u8]) -> String {
    format!("{}{:02}{}", shard.marker().to_ascii_lowercase() as char, shard.province, hex::encode(random))
}

fn is_lower_hex(s: &[u8]) -> bool {
    s.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

/// `Some(shard)` for `marker + dd + hex_len hex`, `None` for `legacy_len` hex, else the error.
fn shard_of_tagged(s: &str, hex_len: usize, legacy_len: usize, bad: impl Fn() -> FieldError) -> Result<Option<ShardId>, FieldError> {
    let b = s.as_bytes();
    if b.len() == legacy_len && is_lower_hex(b) {
        return Ok(None);
    }
    if b.len() != 3 + hex_len || !b[0].is_ascii_lowercase() || !is_lower_hex(&b[3..]) {
        return Err(bad());
    }
    ShardId::from_marker(b[0].to_ascii_uppercase(), &b[1..3]).map(Some).ok_or_else(bad)
}

/// A new record id in `shard`: `s42` + the 15 random bytes in lower-case hex (randomness is an
/// argument; the Worker passes `random::bytes::<15>()`).
pub fn sharded_id(shard: ShardId, random: &[u8; 15]) -> String {
    tagged_hex(shard, random)
}

/// The shard a record id names; `None` for an id made before sharding (32 lower-case hex
/// digits). Any other text is refused naming `field` (an id in a URL answers 404 in the shell).
pub fn shard_of_id(field: &str, id: &str) -> Result<Option<ShardId>, FieldError> {
    shard_of_tagged(id, ID_HEX, LEGACY_ID_HEX, || {
        FieldError::new(field, "invalid_format", "Mã bản ghi không đúng dạng.", "The record id is not in the expected form.")
    })
}

/// A new receipt check code (the `/api/receipts/{code}` key printed on the receipt's QR code):
/// `s42` + 10 random bytes in hex.
pub fn sharded_check_code(shard: ShardId, random: &[u8; 10]) -> String {
    tagged_hex(shard, random)
}

/// The shard a receipt check code names; `None` for a code made before sharding (20 hex).
pub fn shard_of_check_code(field: &str, code: &str) -> Result<Option<ShardId>, FieldError> {
    shard_of_tagged(code, CHECK_HEX, CHECK_HEX, || {
        FieldError::new(
            field,
            "invalid_format",
            "Mã kiểm tra biên lai không đúng dạng (quét lại mã QR trên biên lai).",
            "The receipt check code is not in the expected form (scan the receipt's QR code again).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shard(code: u8) -> ShardId {
        ShardId::from_code("shard", code).unwrap()
    }

    #[test]
    fn ids_name_their_shard_and_part() {
        let id = sharded_id(shard(42), &[0xab; 15]);
        assert_eq!(id, format!("s42{}", "ab".repeat(15)));
        assert_eq!(id.len(), 33);
        assert_eq!(shard_of_id("id", &id).unwrap(), Some(shard(42)));
        let hcm2 = shard(79).part(1).unwrap();
        let id2 = sharded_id(hcm2, &[0; 15]);
        assert!(id2.starts_with("t79"), "{id2}");
        assert_eq!(shard_of_id("id", &id2).unwrap(), Some(hcm2));
        assert_eq!(shard_of_id("id", &sharded_id(shard(1), &[0xff; 15])).unwrap(), Some(shard(1)));
    }

    #[test]
    fn ids_made_before_sharding_answer_none() {
        // random::id(): 16 bytes in lower-case hex.
        assert_eq!(shard_of_id("id", "0123456789abcdef0123456789abcdef").unwrap(), None);
        assert_eq!(shard_of_id("id", &"f".repeat(32)).unwrap(), None);
        assert_eq!(shard_of_check_code("code", "00112233445566778899").unwrap(), None);
    }

    #[test]
    fn malformed_ids_are_refused_naming_the_field() {
        let ok = sharded_id(shard(42), &[7; 15]);
        let bad = [
            String::new(),
            "s42".into(),
            ok.to_uppercase(),                        // ids are lower case
            ok[..32].to_string(),                     // one digit short
            format!("{ok}0"),                         // one too many
            ok.replacen("s42", "s30", 1),             // Hải Dương merged into Hải Phòng (31)
            ok.replacen("s42", "s87", 1),             // an old province code
            ok.replacen("s42", "a42", 1),             // not a marker (and then not 32 hex)
            ok.replacen("s42", "u42", 1),             // a Crockford gap, not a marker
            ok.replacen("s42", "s4x", 1),
            format!("s42{}g", "0".repeat(29)),        // not hex
            "0123456789ABCDEF0123456789ABCDEF".into(), // legacy ids are lower case
            "../../etc/passwd".into(),
        ];
        for b in bad {
            let e = shard_of_id("dossier_id", &b).unwrap_err();
            assert_eq!((e.field.as_str(), e.code.as_str()), ("dossier_id", "invalid_format"), "{b:?}");
            assert!(e.message_vi.contains("Mã bản ghi"));
        }
        // A check code is not an id and the other way round.
        let code = sharded_check_code(shard(42), &[1; 10]);
        assert!(shard_of_id("id", &code).is_err());
        assert!(shard_of_check_code("code", &ok).is_err());
        assert_eq!(shard_of_check_code("code", "s42").unwrap_err().field, "code");
    }

    #[test]
    fn receipt_check_codes_name_their_shard() {
        let code = sharded_check_code(shard(31), &[0x5a; 10]);
        assert_eq!(code, format!("s31{}", "5a".repeat(10)));
        assert_eq!(shard_of_check_code("code", &code).unwrap(), Some(shard(31)));
        let e = shard_of_check_code("code", &code.replacen("s31", "s99", 1)).unwrap_err();
        assert!(e.message_en.contains("receipt"));
    }

    proptest! {
        #[test]
        fn ids_and_check_codes_round_trip_for_every_shard_and_part(i in 0usize..34, part in 0u8..ShardId::MAX_PARTS, id in any::<[u8; 15]>(), code in any::<[u8; 10]>()) {
            let s = ShardId::all().nth(i).unwrap().part(part).unwrap();
            let made = sharded_id(s, &id);
            prop_assert_eq!(made.len(), 33);
            prop_assert_eq!(shard_of_id("id", &made).unwrap(), Some(s));
            prop_assert_eq!(hex::decode(&made[3..]).unwrap(), id.to_vec());
            let check = sharded_check_code(s, &code);
            prop_assert_eq!(shard_of_check_code("code", &check).unwrap(), Some(s));
            prop_assert!(shard_of_id("id", &check).is_err());
        }

        #[test]
        fn legacy_ids_and_codes_always_answer_none(id in any::<[u8; 16]>(), code in any::<[u8; 10]>()) {
            prop_assert_eq!(shard_of_id("id", &hex::encode(id)).unwrap(), None);
            prop_assert_eq!(shard_of_check_code("code", &hex::encode(code)).unwrap(), None);
        }

        #[test]
        fn any_other_text_is_refused_or_legacy_never_a_wrong_shard(s in "[0-9a-z]{0,40}") {
            // Whatever a URL carries, the answer is an error, legacy, or the shard the text spells.
            match shard_of_id("id", &s) {
                Ok(Some(shard)) => {
                    let prefix = format!("{}{:02}", shard.marker().to_ascii_lowercase() as char, shard.code());
                    prop_assert!(s.starts_with(&prefix), "{} does not start with {}", s, prefix);
                }
                Ok(None) => prop_assert_eq!(s.len(), 32),
                Err(e) => prop_assert_eq!(e.field, "id"),
            }
        }
    }
}
