//! The citizen's landing pages as the Worker writes them — `/` (the procedures), `/co-quan` (the
//! agency chooser) and `/thu-tuc/{code}` (a procedure and its fees) — complete HTML with their
//! data, so a phone paints them before any script or wasm arrives. They work without script (a
//! search is a GET form, choosing an agency a GET form's button, the fee a GET form);
//! `public/page.js` makes search live, recomputes the fee as it is typed and switches the
//! language. The whole app (wasm) draws the same pages when it reaches them from its other pages
//! or inside a portal's frame; the parts with the data (the cards, the facts, the fee table, the
//! paperless days) come from here in both, so the two cannot drift apart.

pub mod agencies;
pub mod frame;
pub mod home;
pub mod procedure;

/// The interface language of a page (the app's `motcua.lang`, sent as a cookie of that name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// `en` is English; anything else (absent, garbled) is Vietnamese, the default.
    pub fn from_code(code: Option<&str>) -> Lang {
        match code.map(str::trim) {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    pub fn pick(self, vi: String, en: String) -> String {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// `5 ngày làm việc` / `5 working days` (`1 working day`).
    pub fn working_days(self, n: u32) -> String {
        match self {
            Lang::Vi => format!("{n} ngày làm việc"),
            Lang::En if n == 1 => "1 working day".to_string(),
            Lang::En => format!("{n} working days"),
        }
    }

    pub fn app_name(self) -> &'static str {
        self.t("Dịch vụ công Một cửa", "One-Stop Public Services")
    }
}

/// The agency the citizen chose (the `motcua.agency` cookie, checked against the agency list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen<'a> {
    pub code: &'a str,
    pub name: &'a str,
}
