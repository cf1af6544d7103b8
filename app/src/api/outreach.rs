//! Outreach at the desk (staff bundle): the assisted-filing QR for a citizen who files online on
//! their own phone, an agency's paperless days (admins), and reports upward with their answers.

use motcua_domain::paperless::{AssistLink, AssistRequest, PaperlessView};
use motcua_domain::staff_report::{AnswerInput, NewReportInput, ReportView};
use serde_json::Value;

use super::{encode, get, post, put, Call};

/// `POST /api/staff/assist`: a short-lived link with its QR, bound to the officer.
pub fn assist(agency: &str, procedure: &str) -> Call<AssistLink> {
    post("/api/staff/assist".into()).json(&AssistRequest { agency: agency.into(), procedure: procedure.into() })
}

/// `GET /api/admin/agencies/{code}/paperless`.
pub fn paperless(agency: &str) -> Call<PaperlessView> {
    get(format!("/api/admin/agencies/{}/paperless", encode(agency)))
}

/// `PUT /api/admin/agencies/{code}/paperless`.
pub fn put_paperless(agency: &str, body: &Value) -> Call<PaperlessView> {
    put(format!("/api/admin/agencies/{}/paperless", encode(agency))).json(body)
}

/// `GET /api/staff/reports`: the caller's own reports.
pub fn my_reports() -> Call<Vec<ReportView>> {
    get("/api/staff/reports".into())
}

/// `POST /api/staff/reports`.
pub fn report(body: &NewReportInput) -> Call<ReportView> {
    post("/api/staff/reports".into()).json(body)
}

/// `POST /api/staff/reports/{id}/close`: the sender accepts the answer.
pub fn close_mine(id: &str) -> Call<ReportView> {
    post(format!("/api/staff/reports/{}/close", encode(id)))
}

/// `GET /api/admin/reports?status=`.
pub fn reports(status: &str) -> Call<Vec<ReportView>> {
    get(format!("/api/admin/reports?status={}", encode(status)))
}

/// `POST /api/admin/reports/{id}/answer`.
pub fn answer(id: &str, text: &str) -> Call<ReportView> {
    post(format!("/api/admin/reports/{}/answer", encode(id))).json(&AnswerInput { text: text.into() })
}

/// `POST /api/admin/reports/{id}/close`.
pub fn close(id: &str) -> Call<ReportView> {
    post(format!("/api/admin/reports/{}/close", encode(id)))
}
