//! Made-up applicants with ordinary Vietnamese names, for the living demo. Nobody here is a
//! real person: identity numbers start with the province's birth-registration code and go on
//! with generated digits, phone numbers are generated on mobile prefixes.

use crate::rng::Rng;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE_M: &[&str] = &["Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Xuân"];
const MIDDLE_F: &[&str] = &["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Phương", "Kim"];
const GIVEN_M: &[&str] = &["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt"];
const GIVEN_F: &[&str] = &["Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Oanh", "Thảo", "Trang", "Yến"];
const VILLAGES: &[&str] = &["Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Hòa Bình", "Phú Thọ", "An Phú", "Quyết Tiến"];
const PREFIXES: &[&str] = &["032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "093", "094", "096", "097", "098"];

#[derive(Debug, Clone)]
pub struct Person {
    pub full_name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
}

/// A person living in the area of `area_name`, born in the province whose GSO code is `gso`.
pub fn person(rng: &mut Rng, gso: u8, area_name: &str) -> Person {
    let female = rng.chance(0.5);
    let (middle, given) = if female { (MIDDLE_F, GIVEN_F) } else { (MIDDLE_M, GIVEN_M) };
    let full_name = format!("{} {} {}", rng.pick(FAMILY), rng.pick(middle), rng.pick(given));
    // CCCD: province (3) + century-and-sex (1) + year (2) + 6 digits (Thông tư 59/2021/TT-BCA, Điều 7).
    let year = rng.range(1950, 2005);
    let century_sex = match (year >= 2000, female) {
        (false, false) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (true, true) => 3,
    };
    let id_number = format!("{:03}{}{:02}{:06}", gso, century_sex, year % 100, rng.range(0, 1_000_000));
    let phone = format!("{}{:07}", rng.pick(PREFIXES), rng.range(0, 10_000_000));
    let address = format!("Số {}, thôn {}, {}", rng.range(1, 200), rng.pick(VILLAGES), area_name);
    Person { full_name, id_number, phone, address }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::citizen::{CitizenId, Phone};

    #[test]
    fn people_have_valid_numbers() {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let p = person(&mut rng, 42, "xã Sơn Tây");
            CitizenId::parse("id", &p.id_number).expect("a well-formed CCCD");
            Phone::parse("phone", &p.phone).expect("a well-formed mobile number");
            assert!(p.id_number.starts_with("042"));
        }
    }
}
