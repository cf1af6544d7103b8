//! What the portal tells a citizen outside the app, and on which channels: the choice of
//! channels a citizen makes in the profile ([`Channels`]), the notices themselves ([`Notice`]:
//! a dossier's new status, a fee to pay) and their rendering, one pure function per channel
//! ([`sms_text`], [`email`], [`zns`]). The providers' protocols are beside it: [`email`]
//! (Resend's HTTP API) and [`zns`] (Zalo's template messages); eSMS is `crate::sms`.

pub mod email;
pub mod zns;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Vnd;
use crate::validation::FieldError;

/// A way to reach a citizen.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
    Zalo,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Sms, Channel::Email, Channel::Zalo];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Zalo => "zalo",
        }
    }

    pub fn from_str(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Channel::Sms => "Tin nhắn SMS",
            Channel::Email => "Thư điện tử",
            Channel::Zalo => "Zalo",
        }
    }
}

/// The channels a citizen is told on: at least one, each at most once, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channels(Vec<Channel>);

impl Default for Channels {
    /// SMS, what every account had before the choice existed.
    fn default() -> Self {
        Channels(vec![Channel::Sms])
    }
}

impl Channels {
    /// The citizen's choice from `PUT /api/me`: names from `sms`, `email`, `zalo`; e-mail only
    /// with an e-mail address, SMS and Zalo only with a phone number. `None` keeps `current`.
    pub fn parse(input: Option<&[String]>, has_email: bool, has_phone: bool, current: &Channels) -> Result<Channels, FieldError> {
        const FIELD: &str = "notify_channels";
        let Some(names) = input else {
            // The old choice, minus what no longer has an address (e-mail removed).
            let kept: Vec<Channel> = current.0.iter().copied().filter(|c| *c != Channel::Email || has_email).collect();
            return Ok(if kept.is_empty() { Channels::default() } else { Channels(kept) });
        };
        let mut chosen = Vec::new();
        for name in names {
            let c = Channel::from_str(name).ok_or_else(|| {
                FieldError::new(
                    FIELD,
                    "invalid_value",
                    "Kênh nhận thông báo chỉ có thể là sms, email hoặc zalo.",
                    "A notification channel is one of sms, email, zalo.",
                )
            })?;
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        if chosen.is_empty() {
            return Err(FieldError::new(
                FIELD,
                "required",
                "Vui lòng chọn ít nhất một kênh nhận thông báo.",
                "Choose at least one notification channel.",
            ));
        }
        if chosen.contains(&Channel::Email) && !has_email {
            return Err(FieldError::new(
                FIELD,
                "email_required",
                "Để nhận thông báo qua thư điện tử, vui lòng nhập địa chỉ thư điện tử.",
                "Give an e-mail address to be notified by e-mail.",
            ));
        }
        if (chosen.contains(&Channel::Sms) || chosen.contains(&Channel::Zalo)) && !has_phone {
            return Err(FieldError::new(
                FIELD,
                "phone_required",
                "Tài khoản chưa có số điện thoại: chỉ có thể nhận thông báo qua thư điện tử.",
                "The account has no phone number: only e-mail notifications are possible.",
            ));
        }
        chosen.sort();
        Ok(Channels(chosen))
    }

    /// As stored (`sms,email`); an unreadable or empty value is the default.
    pub fn from_stored(s: &str) -> Channels {
        let mut v: Vec<Channel> = s.split(',').filter_map(Channel::from_str).collect();
        v.sort();
        v.dedup();
        if v.is_empty() {
            Channels::default()
        } else {
            Channels(v)
        }
    }

    pub fn to_stored(&self) -> String {
        self.0.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|c| c.as_str().to_string()).collect()
    }

    pub fn contains(&self, c: Channel) -> bool {
        self.0.contains(&c)
    }

    pub fn iter(&self) -> impl Iterator<Item = Channel> + '_ {
        self.0.iter().copied()
    }
}

/// Something to tell a citizen. `link` is the absolute address where they act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A dossier changed status.
    Status { dossier_code: String, status_vi: String, link: String },
    /// A fee to pay: a dossier's fee notice or an issued bill.
    Fee {
        agency: String,
        /// What the money is for ("Phí, lệ phí hồ sơ 000.10.51.H27-261123-0001").
        purpose: String,
        /// The dossier's or the bill's code (the reference at the bank too).
        reference: String,
        amount: Vnd,
        due: Option<Date>,
        link: String,
    },
}

/// dd/mm/yyyy.
fn date_vi(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The SMS text: short (one or two parts), the link last so phones make it clickable. With
/// diacritics; the eSMS adapter sends it unaccented where the brandname requires
/// (`ESMS_UNICODE=0`, `crate::sms::send_request`).
pub fn sms_text(notice: &Notice) -> String {
    match notice {
        Notice::Status { dossier_code, status_vi, link } => format!("Dịch vụ công: hồ sơ {dossier_code} — {status_vi}. Xem tại {link}"),
        Notice::Fee { agency, reference, amount, due, link, .. } => {
            let due = due.map(|d| format!(", hạn {}", date_vi(d))).unwrap_or_default();
            format!("{agency}: {reference} cần nộp {amount}{due}. Nộp tại {link}")
        }
    }
}

/// A rendered e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
}

use crate::html::escape;

/// The e-mail: a subject that says it all, plain text, and simple HTML (one paragraph, a
/// table of the amount, a button-like link) that every mail client shows.
pub fn email(notice: &Notice) -> EmailContent {
    const FOOT: &str = "Thư này được gửi tự động từ Cổng dịch vụ công. Bạn có thể đổi kênh nhận thông báo trong trang Tài khoản.";
    match notice {
        Notice::Status { dossier_code, status_vi, link } => {
            let subject = format!("Hồ sơ {dossier_code}: {status_vi}");
            let text = format!("Hồ sơ {dossier_code} của bạn đã chuyển sang trạng thái: {status_vi}.\n\nXem hồ sơ: {link}\n\n{FOOT}\n");
            let html = format!(
                "<!doctype html><html lang=\"vi\"><body style=\"font-family:Arial,sans-serif;color:#1a1a1a\">\
                 <p>Hồ sơ <strong>{code}</strong> của bạn đã chuyển sang trạng thái: <strong>{status}</strong>.</p>\
                 <p><a href=\"{link}\" style=\"background:#b3261e;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px\">Xem hồ sơ</a></p>\
                 <p style=\"font-size:12px;color:#555\">{FOOT}</p></body></html>",
                code = escape(dossier_code),
                status = escape(status_vi),
                link = escape(link)
            );
            EmailContent { subject, text, html }
        }
        Notice::Fee { agency, purpose, reference, amount, due, link } => {
            let subject = format!("{agency}: cần nộp {amount} — {reference}");
            let due_line = due.map(|d| format!("Hạn nộp: {}\n", date_vi(d))).unwrap_or_default();
            let text = format!(
                "{agency} thông báo khoản cần nộp.\n\nNội dung: {purpose}\nMã: {reference}\nSố tiền: {amount}\n{due_line}\nNộp trực tuyến: {link}\n\n{FOOT}\n"
            );
            let due_row = due
                .map(|d| format!("<tr><th align=\"left\">Hạn nộp</th><td>{}</td></tr>", date_vi(d)))
                .unwrap_or_default();
            let html = format!(
                "<!doctype html><html lang=\"vi\"><body style=\"font-family:Arial,sans-serif;color:#1a1a1a\">\
                 <p>{agency} thông báo khoản cần nộp.</p>\
                 <table cellpadding=\"4\"><tr><th align=\"left\">Nội dung</th><td>{purpose}</td></tr>\
                 <tr><th align=\"left\">Mã</th><td>{reference}</td></tr>\
                 <tr><th align=\"left\">Số tiền</th><td><strong>{amount}</strong></td></tr>{due_row}</table>\
                 <p><a href=\"{link}\" style=\"background:#b3261e;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px\">Nộp trực tuyến</a></p>\
                 <p style=\"font-size:12px;color:#555\">Hoặc mở: {link}<br>{FOOT}</p></body></html>",
                agency = escape(agency),
                purpose = escape(purpose),
                reference = escape(reference),
                amount = escape(&amount.to_string()),
                link = escape(link)
            );
            EmailContent { subject, text, html }
        }
    }
}

/// Which of the two registered ZNS templates a notice uses (their ids are settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZnsTemplate {
    Status,
    Fee,
}

/// The ZNS template and its parameters. Parameter names are those the templates are registered
/// with at Zalo (README, "Zalo ZNS templates"); each value within the 30 characters a string
/// parameter of a ZNS template takes, but the link, a URL parameter.
pub fn zns(notice: &Notice) -> (ZnsTemplate, serde_json::Map<String, serde_json::Value>) {
    let mut p = serde_json::Map::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), serde_json::Value::String(v));
    };
    let template = match notice {
        Notice::Status { dossier_code, status_vi, link } => {
            put("ma_ho_so", dossier_code.clone());
            put("trang_thai", cut(status_vi, 30));
            put("duong_dan", link.clone());
            ZnsTemplate::Status
        }
        Notice::Fee { agency, purpose, reference, amount, due, link } => {
            put("co_quan", cut(agency, 30));
            put("noi_dung", cut(purpose, 30));
            put("ma", reference.clone());
            put("so_tien", amount.to_string());
            put("han_nop", due.map(date_vi).unwrap_or_else(|| "Không có".into()));
            put("duong_dan", link.clone());
            ZnsTemplate::Fee
        }
    };
    (template, p)
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fee() -> Notice {
        Notice::Fee {
            agency: "UBND xã Sơn Tây".into(),
            purpose: "Phí, lệ phí hồ sơ 000.10.51.H27-261123-0001".into(),
            reference: "000.10.51.H27-261123-0001".into(),
            amount: Vnd::dong(1_250_000),
            due: Some(time::macros::date!(2026 - 12 - 31)),
            link: "https://dichvucong.example.vn/ho-so/abc123".into(),
        }
    }

    #[test]
    fn each_channel_carries_the_amount_and_the_link() {
        let n = fee();
        let sms = sms_text(&n);
        assert!(sms.contains("1.250.000 đ") && sms.contains("https://dichvucong.example.vn/ho-so/abc123"), "{sms}");
        assert!(sms.contains("31/12/2026"), "{sms}");
        assert!(sms.chars().count() <= 160, "two unicode parts at most: {sms}");
        let e = email(&n);
        for part in [&e.subject, &e.text, &e.html] {
            assert!(part.contains("1.250.000 đ"), "{part}");
        }
        assert!(e.text.contains("https://dichvucong.example.vn/ho-so/abc123") && e.html.contains("href=\"https://dichvucong.example.vn/ho-so/abc123\""));
        assert!(e.text.contains("Phí, lệ phí hồ sơ") && e.text.contains("Hạn nộp: 31/12/2026"));
        let (t, p) = zns(&n);
        assert_eq!(t, ZnsTemplate::Fee);
        assert_eq!(p["so_tien"], "1.250.000 đ");
        assert_eq!(p["duong_dan"], "https://dichvucong.example.vn/ho-so/abc123");
        assert_eq!(p["han_nop"], "31/12/2026");
        assert!(p.values().filter(|v| *v != &p["duong_dan"]).all(|v| v.as_str().unwrap().chars().count() <= 30), "{p:?}");
    }

    #[test]
    fn a_fee_without_a_due_date_says_none() {
        let Notice::Fee { agency, purpose, reference, amount, link, .. } = fee() else { unreachable!() };
        let n = Notice::Fee { agency, purpose, reference, amount, due: None, link };
        assert!(!sms_text(&n).contains("hạn"));
        assert!(!email(&n).text.contains("Hạn nộp"));
        assert_eq!(zns(&n).1["han_nop"], "Không có");
    }

    #[test]
    fn html_is_escaped() {
        let n = Notice::Status { dossier_code: "A<b>".into(), status_vi: "Đã tiếp nhận".into(), link: "https://x.vn/ho-so/1?a=1&b=2".into() };
        let e = email(&n);
        assert!(e.html.contains("A&lt;b&gt;") && e.html.contains("a=1&amp;b=2"));
        assert_eq!(e.subject, "Hồ sơ A<b>: Đã tiếp nhận");
        assert_eq!(sms_text(&n), "Dịch vụ công: hồ sơ A<b> — Đã tiếp nhận. Xem tại https://x.vn/ho-so/1?a=1&b=2");
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn channels_need_their_address_and_at_least_one() {
        let cur = Channels::default();
        let ok = Channels::parse(Some(&names(&["zalo", "email", "zalo"])), true, true, &cur).unwrap();
        assert_eq!(ok.to_stored(), "email,zalo");
        assert_eq!(Channels::from_stored(&ok.to_stored()), ok);
        let e = Channels::parse(Some(&names(&["email"])), false, true, &cur).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("notify_channels", "email_required"));
        assert_eq!(Channels::parse(Some(&[]), true, true, &cur).unwrap_err().code, "required");
        assert_eq!(Channels::parse(Some(&names(&["fax"])), true, true, &cur).unwrap_err().code, "invalid_value");
        assert_eq!(Channels::parse(Some(&names(&["sms"])), true, false, &cur).unwrap_err().code, "phone_required");
        // Not given: kept, but e-mail dropped with the address.
        let both = Channels::from_stored("sms,email");
        assert_eq!(Channels::parse(None, false, true, &both).unwrap().to_stored(), "sms");
        assert_eq!(Channels::parse(None, false, true, &Channels::from_stored("email")).unwrap(), Channels::default());
        assert_eq!(Channels::from_stored(""), Channels::default());
        assert_eq!(Channels::from_stored("zalo,fax"), Channels::from_stored("zalo"));
    }
}
