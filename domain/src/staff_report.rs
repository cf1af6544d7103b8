//! Reports upward (seed 000: report difficulties upward; correct wrong fee information through
//! the province): an officer or leader tells the province about a wrong published fee, wrong
//! procedure information, a difficulty or a system error of an agency in their scope; the
//! province's admin answers and closes it.
//!
//! **States.** `open → answered → closed`, and `open → closed` by the admin (a duplicate, or
//! fixed without words). The reporter may close their own report once it is answered (they
//! accept the answer); an open report only the admin closes, so nothing sent upward disappears
//! unread. A closed report is final: a new problem is a new report.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::text_input::Reason;
use crate::validation::FieldError;

/// What a report is about.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema), schemars(rename = "ReportKind"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The published fee (phí, lệ phí) of a procedure is wrong: the province corrects its fee version.
    WrongFee,
    /// The procedure's published documents, time or legal basis are wrong.
    WrongProcedureInfo,
    /// A difficulty at the desk (a rule that cannot be applied, a citizen's recurring problem).
    Difficulty,
    /// The system does not work as it should.
    SystemError,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::WrongFee, Kind::WrongProcedureInfo, Kind::Difficulty, Kind::SystemError];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::WrongFee => "wrong_fee",
            Kind::WrongProcedureInfo => "wrong_procedure_info",
            Kind::Difficulty => "difficulty",
            Kind::SystemError => "system_error",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Kind::WrongFee => "Phí, lệ phí công bố sai",
            Kind::WrongProcedureInfo => "Thông tin thủ tục sai",
            Kind::Difficulty => "Khó khăn, vướng mắc",
            Kind::SystemError => "Lỗi hệ thống",
        }
    }

    /// Whether the report must name the procedure it is about.
    pub fn needs_procedure(self) -> bool {
        matches!(self, Kind::WrongFee | Kind::WrongProcedureInfo)
    }
}

/// A report's state.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema), schemars(rename = "ReportState"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Open,
    Answered,
    Closed,
}

impl State {
    pub const ALL: [State; 3] = [State::Open, State::Answered, State::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Answered => "answered",
            State::Closed => "closed",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            State::Open => "Chờ trả lời",
            State::Answered => "Đã trả lời",
            State::Closed => "Đã đóng",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            State::Open => "Awaiting an answer",
            State::Answered => "Answered",
            State::Closed => "Closed",
        }
    }

    /// `?status=` of the admin's list: a state, or `all`.
    pub fn parse_filter(field: &str, input: Option<&str>) -> Result<Option<State>, FieldError> {
        match input.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("all") => Ok(None),
            Some(s) => State::from_str_opt(s).map(Some).ok_or_else(|| {
                FieldError::new(field, "invalid_choice", "Trạng thái là open, answered, closed hoặc all.", "The status is open, answered, closed or all.")
            }),
        }
    }
}

/// `POST /api/staff/reports`, before checks.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NewReportInput {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub procedure: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
}

/// A report that passed its checks (the agency's scope and the procedure's existence are the
/// shell's to check, against the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub agency: String,
    pub procedure: Option<String>,
    pub kind: Kind,
    pub text: String,
}

impl NewReportInput {
    /// The body read by hand from JSON (see `validation::json_fields`).
    pub fn from_json(body: &serde_json::Value) -> Result<NewReportInput, FieldError> {
        use crate::validation::json_fields as f;
        Ok(NewReportInput {
            agency: f::text(body, "agency")?,
            procedure: f::optional_text(body, "procedure")?,
            kind: f::text(body, "kind")?,
            text: f::text(body, "text")?,
        })
    }

    pub fn validate(&self) -> Result<NewReport, FieldError> {
        let agency = crate::codes::AgencyCode::parse("agency", &self.agency)?.to_string();
        let kind = match Kind::from_str_opt(self.kind.trim()) {
            Some(k) => k,
            None if self.kind.trim().is_empty() => return Err(FieldError::required("kind")),
            None => {
                return Err(FieldError::new(
                    "kind",
                    "invalid_choice",
                    "Loại phản ánh là wrong_fee (phí sai), wrong_procedure_info (thông tin thủ tục sai), difficulty (khó khăn) hoặc system_error (lỗi hệ thống).",
                    "The kind is wrong_fee, wrong_procedure_info, difficulty or system_error.",
                ))
            }
        };
        let procedure = self.procedure.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        if kind.needs_procedure() && procedure.is_none() {
            return Err(FieldError::new(
                "procedure",
                "required",
                "Vui lòng chọn thủ tục có thông tin sai.",
                "Choose the procedure whose information is wrong.",
            ));
        }
        let text = Reason::parse("text", &self.text)?.into_string();
        Ok(NewReport { agency, procedure, kind, text })
    }
}

/// `POST /api/admin/reports/{id}/answer`.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub text: String,
}

/// Who acts on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The officer or leader who sent it.
    Reporter,
    /// An admin whose scope covers the report's agency.
    Admin,
}

/// A change asked of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Answer { text: String },
    Close,
}

/// A decided change: the new state, the audit action and what its row keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub from: State,
    pub to: State,
    pub action: &'static str,
    /// The answer to store (an answer only).
    pub answer: Option<String>,
    pub at: OffsetDateTime,
    pub audit_before: serde_json::Value,
    pub audit_after: serde_json::Value,
}

/// Why a report cannot do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The state does not allow it (409 `wrong_state`).
    #[error("the report is {0:?}")]
    WrongState(State),
    /// Only the province answers; a reporter closes only an answered report (403).
    #[error("not this actor's to do")]
    NotAllowed,
}

impl ReportError {
    pub fn code(self) -> &'static str {
        match self {
            ReportError::WrongState(State::Closed) => "report_closed",
            ReportError::WrongState(_) => "wrong_state",
            ReportError::NotAllowed => "forbidden_role",
        }
    }

    pub fn message_vi(self) -> &'static str {
        match self {
            ReportError::WrongState(State::Closed) => "Phản ánh đã đóng; nếu còn vướng mắc, vui lòng gửi phản ánh mới.",
            ReportError::WrongState(State::Answered) => "Phản ánh đã được trả lời.",
            ReportError::WrongState(State::Open) => "Phản ánh chưa được trả lời; chỉ quản trị tỉnh đóng được phản ánh đang chờ.",
            ReportError::NotAllowed => "Chỉ quản trị cấp tỉnh trả lời phản ánh; người gửi chỉ đóng phản ánh đã được trả lời.",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            ReportError::WrongState(State::Closed) => "The report is closed; send a new one if the problem remains.",
            ReportError::WrongState(State::Answered) => "The report has been answered.",
            ReportError::WrongState(State::Open) => "The report has not been answered; only the province closes an open report.",
            ReportError::NotAllowed => "Only the province answers a report; its sender closes it once answered.",
        }
    }
}

/// The one rule of a report's states.
pub fn decide(state: State, command: &Command, actor: Actor, now: OffsetDateTime) -> Result<Decision, ReportError> {
    use {Actor::*, Command::*, State::*};
    let (to, action) = match (state, command, actor) {
        (Closed, _, _) => return Err(ReportError::WrongState(Closed)),
        (Open, Answer { .. }, Admin) => (Answered, "report.answer"),
        (Answered, Answer { .. }, Admin) => return Err(ReportError::WrongState(Answered)),
        (_, Answer { .. }, Reporter) => return Err(ReportError::NotAllowed),
        (Open | Answered, Close, Admin) => (Closed, "report.close"),
        (Answered, Close, Reporter) => (Closed, "report.close"),
        (Open, Close, Reporter) => return Err(ReportError::WrongState(Open)),
    };
    let answer = match command {
        Answer { text } => Some(text.clone()),
        Close => None,
    };
    let audit_after = match &answer {
        Some(text) => serde_json::json!({"state": to.as_str(), "answer": text}),
        None => serde_json::json!({"state": to.as_str(), "by": if actor == Admin { "admin" } else { "reporter" }}),
    };
    Ok(Decision { from: state, to, action, answer, at: now, audit_before: serde_json::json!({"state": state.as_str()}), audit_after })
}

/// An answer's text, checked.
pub fn answer_text(input: &str) -> Result<String, FieldError> {
    Ok(Reason::parse("text", input)?.into_string())
}

/// A report as its sender and the province see it.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: String,
    pub agency: String,
    pub agency_name: String,
    pub procedure: Option<String>,
    pub procedure_name: Option<String>,
    pub kind: Kind,
    pub kind_label: String,
    pub text: String,
    pub state: State,
    pub state_label: String,
    /// The sender's display name.
    pub created_by: String,
    pub created_at: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    pub closed_at: Option<String>,
    /// A wrong fee: the procedure's public page with the agency's fees, where the admin checks
    /// what is published before adding a corrected fee version.
    pub fee_page: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-07 02:00 UTC);

    fn answer() -> Command {
        Command::Answer { text: "Đã sửa mức phí theo Nghị quyết mới.".into() }
    }

    /// Every state × command × actor: what happens, in one table.
    #[test]
    fn every_pair() {
        use Actor::*;
        use State::*;
        let table: Vec<(State, Command, Actor, Result<State, ReportError>)> = vec![
            (Open, answer(), Admin, Ok(Answered)),
            (Open, answer(), Reporter, Err(ReportError::NotAllowed)),
            (Open, Command::Close, Admin, Ok(Closed)),
            (Open, Command::Close, Reporter, Err(ReportError::WrongState(Open))),
            (Answered, answer(), Admin, Err(ReportError::WrongState(Answered))),
            (Answered, answer(), Reporter, Err(ReportError::NotAllowed)),
            (Answered, Command::Close, Admin, Ok(Closed)),
            (Answered, Command::Close, Reporter, Ok(Closed)),
            (Closed, answer(), Admin, Err(ReportError::WrongState(Closed))),
            (Closed, answer(), Reporter, Err(ReportError::WrongState(Closed))),
            (Closed, Command::Close, Admin, Err(ReportError::WrongState(Closed))),
            (Closed, Command::Close, Reporter, Err(ReportError::WrongState(Closed))),
        ];
        assert_eq!(table.len(), State::ALL.len() * 2 * 2, "every pair is listed");
        for (state, command, actor, expected) in table {
            let got = decide(state, &command, actor, NOW).map(|d| d.to);
            assert_eq!(got, expected, "{state:?} {command:?} {actor:?}");
        }
    }

    #[test]
    fn an_answer_is_kept_and_audited() {
        let d = decide(State::Open, &answer(), Actor::Admin, NOW).unwrap();
        assert_eq!(d.action, "report.answer");
        assert_eq!(d.answer.as_deref(), Some("Đã sửa mức phí theo Nghị quyết mới."));
        assert_eq!(d.audit_before["state"], "open");
        assert_eq!(d.audit_after["state"], "answered");
        let c = decide(State::Answered, &Command::Close, Actor::Reporter, NOW).unwrap();
        assert_eq!((c.action, c.answer.clone(), c.audit_after["by"].as_str()), ("report.close", None, Some("reporter")));
    }

    #[test]
    fn refusals_carry_codes_and_both_languages() {
        for e in [ReportError::WrongState(State::Open), ReportError::WrongState(State::Answered), ReportError::WrongState(State::Closed), ReportError::NotAllowed] {
            assert!(!e.code().is_empty() && !e.message_vi().is_empty() && !e.message_en().is_empty());
        }
        assert_eq!(ReportError::WrongState(State::Closed).code(), "report_closed");
    }

    fn input(kind: &str, procedure: Option<&str>, text: &str) -> NewReportInput {
        NewReportInput { agency: "000.10.51.H27".into(), procedure: procedure.map(Into::into), kind: kind.into(), text: text.into() }
    }

    #[test]
    fn a_new_report_is_checked() {
        let r = input("wrong_fee", Some("2.000815"), "Mức phí chứng thực bản sao đang công bố 3.000 đồng, đúng là 2.000 đồng.").validate().unwrap();
        assert_eq!((r.kind, r.procedure.as_deref()), (Kind::WrongFee, Some("2.000815")));
        let e = input("wrong_fee", Some("  "), "x").validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("procedure", "required"));
        let e = input("wrong_procedure_info", None, "x").validate().unwrap_err();
        assert_eq!(e.field, "procedure");
        assert!(input("difficulty", None, "Mạng chập chờn").validate().unwrap().procedure.is_none());
        let e = input("complaint", None, "x").validate().unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), ("kind", "invalid_choice"));
        assert_eq!(input("", None, "x").validate().unwrap_err().code, "required");
        assert_eq!(input("difficulty", None, "  ").validate().unwrap_err().field, "text");
        assert_eq!(input("difficulty", None, "a\u{202e}b").validate().unwrap_err().code, "bidi_control");
        assert_eq!(input("difficulty", None, &"x".repeat(1001)).validate().unwrap_err().code, "too_long");
        let mut bad_agency = input("difficulty", None, "x");
        bad_agency.agency = "not a code".into();
        assert_eq!(bad_agency.validate().unwrap_err().field, "agency");
    }

    #[test]
    fn the_status_filter() {
        assert_eq!(State::parse_filter("status", None).unwrap(), None);
        assert_eq!(State::parse_filter("status", Some("all")).unwrap(), None);
        assert_eq!(State::parse_filter("status", Some("answered")).unwrap(), Some(State::Answered));
        assert_eq!(State::parse_filter("status", Some("done")).unwrap_err().field, "status");
    }
}
