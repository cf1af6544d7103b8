//! Amounts shown the Vietnamese way (`21.000 đ`), through the domain's `Vnd`.

use motcua_domain::money::Vnd;

pub fn vnd(dong: i64) -> String {
    Vnd::from_dong("amount", dong).map(|v| v.to_string()).unwrap_or_else(|_| format!("{dong} đ"))
}
