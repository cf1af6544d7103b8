//! Bills without a dossier (`motcua_domain::bill`): a fine, a land obligation, an insurance
//! contribution, or a charge paid through an agency's payment link. Anyone holding a bill's code
//! and its payer's number looks it up and pays it; a signed-in citizen sees their own open ones.
//! In the staff bundle, the desk issues, lists, cancels and imports bills and publishes payment
//! links.

use motcua_domain::api::PaymentSummary;
use motcua_domain::bill::link::Link;
use motcua_domain::bill::BillView;
use motcua_domain::gateway::{Provider, StartPayment};
use serde::{Deserialize, Serialize};

use super::payments::Started;
use super::{encode, get, post, Call};

#[derive(Serialize)]
struct PayBody<'a> {
    provider: &'static str,
    payer_id: &'a str,
}

/// `GET /api/bills/lookup?code=&payer_id=`: the bill as its payer sees it (initials, masked
/// number). A wrong code or payer is 404 `not_found`; too many misses 429.
pub fn lookup(code: &str, payer_id: &str) -> Call<BillView> {
    get(format!("/api/bills/lookup?code={}&payer_id={}", encode(code), encode(payer_id)))
}

/// `POST /api/bills/{code}/payments` `{"provider", "payer_id"}`: as a dossier's payment start.
/// Refused 409 `bill_paid`, `bill_cancelled`, `bill_expired`.
pub fn pay(code: &str, provider: Provider, payer_id: &str) -> Call<Started> {
    post(format!("/api/bills/{}/payments", encode(code))).json(&PayBody { provider: provider.as_str(), payer_id })
}

#[derive(Clone, Deserialize)]
pub struct BillList {
    #[serde(default)]
    pub bills: Vec<BillView>,
}

/// `GET /api/bills/mine`: the signed-in citizen's open bills (payer id = their CCCD).
pub fn mine() -> Call<BillList> {
    get("/api/bills/mine".into())
}

/// A payment link as its public page reads it: the link and the agency's name.
#[derive(Clone, Deserialize)]
pub struct PublicLink {
    #[serde(flatten)]
    pub link: Link,
    #[serde(default)]
    pub agency_name: String,
}

/// `GET /api/payment-links/{slug}`.
pub fn link(slug: &str) -> Call<PublicLink> {
    get(format!("/api/payment-links/{}", encode(slug)))
}

#[derive(Serialize)]
pub struct LinkPayer<'a> {
    pub name: &'a str,
    pub id_number: &'a str,
}

#[derive(Serialize)]
pub struct LinkPayment<'a> {
    pub provider: &'static str,
    pub reference: &'a str,
    pub payer: LinkPayer<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
}

/// The answer to a payment through a link: the bill it made, the attempt, where to go next.
#[derive(Deserialize)]
pub struct LinkStarted {
    pub bill: BillView,
    #[allow(dead_code)]
    pub payment: PaymentSummary,
    pub next: StartPayment,
}

/// `POST /api/payment-links/{slug}/payments`.
pub fn pay_link(slug: &str, body: &LinkPayment<'_>) -> Call<LinkStarted> {
    post(format!("/api/payment-links/{}/payments", encode(slug))).json(body)
}

#[cfg(feature = "staff")]
pub use staff::*;

#[cfg(feature = "staff")]
mod staff {
    use super::*;
    use crate::api::Call;

    #[derive(Clone, Copy, Default, Deserialize, PartialEq)]
    pub struct Counts {
        #[serde(default)]
        pub open: u32,
        #[serde(default)]
        pub paid: u32,
        #[serde(default)]
        pub cancelled: u32,
        #[serde(default)]
        pub expired: u32,
    }

    #[derive(Clone, Deserialize)]
    pub struct StaffBills {
        #[serde(default)]
        pub bills: Vec<BillView>,
        #[serde(default)]
        pub counts: Counts,
    }

    /// `GET /api/staff/bills?agency=&state=&kind=&q=` (empty values: all).
    pub fn list(agency: &str, state: &str, kind: &str, q: &str) -> Call<StaffBills> {
        get(format!("/api/staff/bills?agency={}&state={}&kind={}&q={}", encode(agency), encode(state), encode(kind), encode(q)))
    }

    #[derive(Serialize)]
    pub struct NewPayer<'a> {
        pub name: &'a str,
        pub id_number: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub phone: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct NewDocument<'a> {
        pub number: &'a str,
        pub date: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub violation: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub issued_by: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct NewLine {
        pub name: String,
        pub amount: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub beneficiary: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub budget_item: Option<String>,
    }

    #[derive(Serialize)]
    pub struct NewBill<'a> {
        pub kind: &'a str,
        pub agency: &'a str,
        pub payer: NewPayer<'a>,
        pub document: NewDocument<'a>,
        pub lines: Vec<NewLine>,
        pub due_date: &'a str,
    }

    /// `POST /api/staff/bills` → 201 the bill.
    pub fn create(bill: &NewBill<'_>) -> Call<BillView> {
        post("/api/staff/bills".into()).json(bill)
    }

    #[derive(Serialize)]
    struct Cancel<'a> {
        reason: &'a str,
    }

    /// `POST /api/staff/bills/{code}/cancel` `{"reason"}`.
    pub fn cancel(code: &str, reason: &str) -> Call<BillView> {
        post(format!("/api/staff/bills/{}/cancel", encode(code))).json(&Cancel { reason })
    }

    #[derive(Serialize)]
    struct Counter<'a> {
        #[serde(skip_serializing_if = "str::is_empty")]
        reference: &'a str,
    }

    /// `POST /api/staff/bills/{code}/counter-payment` `{"reference"?}`: paid in cash at the desk,
    /// or at the treasury or a bank counter (its receipt or transfer number); receipted.
    pub fn counter_payment(code: &str, reference: &str) -> Call<BillView> {
        post(format!("/api/staff/bills/{}/counter-payment", encode(code))).json(&Counter { reference })
    }

    #[derive(Deserialize)]
    pub struct Imported {
        pub imported: usize,
    }

    /// `POST /api/staff/bills/import?agency=` with the CSV as the body: all bills or none (400
    /// `invalid_rows` with every bad line in [`crate::api::ApiFailure::rows`]).
    pub fn import(agency: &str, file: &web_sys::File) -> Call<Imported> {
        post(format!("/api/staff/bills/import?agency={}", encode(agency))).blob("text/csv".into(), file)
    }

    /// A payment link as the desk lists it.
    #[derive(Clone, Deserialize, PartialEq)]
    pub struct StaffLink {
        #[serde(flatten)]
        pub link: Link,
        #[serde(default = "yes")]
        pub active: bool,
        #[serde(default)]
        pub url: String,
    }

    fn yes() -> bool {
        true
    }

    #[derive(Clone, Deserialize)]
    pub struct Links {
        #[serde(default)]
        pub links: Vec<StaffLink>,
    }

    /// `GET /api/staff/payment-links?agency=`.
    pub fn links(agency: &str) -> Call<Links> {
        get(format!("/api/staff/payment-links?agency={}", encode(agency)))
    }

    #[derive(Serialize)]
    pub struct NewLink<'a> {
        pub agency: &'a str,
        pub slug: &'a str,
        pub title: &'a str,
        pub description: &'a str,
        pub reference_label: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub amount: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub min_amount: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_amount: Option<i64>,
        pub line_name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub beneficiary: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub budget_item: Option<&'a str>,
    }

    /// `POST /api/staff/payment-links` → 201 (the answer is read only for success).
    pub fn create_link(link: &NewLink<'_>) -> Call<serde_json::Value> {
        post("/api/staff/payment-links".into()).json(link)
    }
}
