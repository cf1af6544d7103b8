//! The dossier lifecycle: one state machine for every procedure, so that a dossier cannot be
//! closed "khi chưa đúng trạng thái" (seed 002) — before its fees are settled and its result
//! returned. [`transition`] is the only place that decides whether an action is allowed, for
//! which role, from which state; the shells persist the [`DossierEvent`] it yields (who, when,
//! why). A free procedure skips the fee steps (received → processing).
//!
//! ```text
//! draft → submitted → received → fee_notified → paid → processing → result_ready → returned → completed
//!            ↑  ↓         ↘ (free procedure) ───────────↗
//!   supplement_requested  rejected (from submitted or received)
//! withdrawn: by the citizen, from submitted, supplement_requested, received, fee_notified, paid
//! ```

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub mod decide;
pub use decide::{decide, AuditValues, Command, Decision, DossierError, DossierState};

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    Draft,
    Submitted,
    SupplementRequested,
    Received,
    Rejected,
    FeeNotified,
    Paid,
    Processing,
    ResultReady,
    Returned,
    Completed,
    Withdrawn,
}

impl DossierStatus {
    pub const ALL: [DossierStatus; 12] = [
        DossierStatus::Draft,
        DossierStatus::Submitted,
        DossierStatus::SupplementRequested,
        DossierStatus::Received,
        DossierStatus::Rejected,
        DossierStatus::FeeNotified,
        DossierStatus::Paid,
        DossierStatus::Processing,
        DossierStatus::ResultReady,
        DossierStatus::Returned,
        DossierStatus::Completed,
        DossierStatus::Withdrawn,
    ];

    /// The label citizens and officers see.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Draft => "Bản nháp",
            DossierStatus::Submitted => "Đã nộp, chờ tiếp nhận",
            DossierStatus::SupplementRequested => "Yêu cầu bổ sung hồ sơ",
            DossierStatus::Received => "Đã tiếp nhận",
            DossierStatus::Rejected => "Từ chối tiếp nhận / giải quyết",
            DossierStatus::FeeNotified => "Chờ thanh toán",
            DossierStatus::Paid => "Đã thanh toán",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::ResultReady => "Có kết quả, chờ trả",
            DossierStatus::Returned => "Đã trả kết quả",
            DossierStatus::Completed => "Hoàn thành",
            DossierStatus::Withdrawn => "Đã rút hồ sơ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DossierStatus::Draft => "Draft",
            DossierStatus::Submitted => "Submitted, awaiting reception",
            DossierStatus::SupplementRequested => "Supplement requested",
            DossierStatus::Received => "Received",
            DossierStatus::Rejected => "Rejected",
            DossierStatus::FeeNotified => "Awaiting payment",
            DossierStatus::Paid => "Paid",
            DossierStatus::Processing => "Processing",
            DossierStatus::ResultReady => "Result ready for pick-up",
            DossierStatus::Returned => "Result returned",
            DossierStatus::Completed => "Completed",
            DossierStatus::Withdrawn => "Withdrawn",
        }
    }

    /// No action leaves these states.
    pub fn is_final(self) -> bool {
        matches!(self, DossierStatus::Rejected | DossierStatus::Completed | DossierStatus::Withdrawn)
    }

    /// Whether an officer's fee notice may still come without the citizen doing anything: the
    /// procedure charges, and the dossier waits to be received or is received and not yet
    /// notified. The citizen's page keeps asking while this holds.
    pub fn may_get_fee_notice(self, has_fees: bool) -> bool {
        has_fees && matches!(self, DossierStatus::Submitted | DossierStatus::Received)
    }

    /// Before processing starts: the citizen may still withdraw.
    fn before_processing(self) -> bool {
        matches!(
            self,
            DossierStatus::Submitted
                | DossierStatus::SupplementRequested
                | DossierStatus::Received
                | DossierStatus::FeeNotified
                | DossierStatus::Paid
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    /// An officer of the agency handling the dossier.
    Officer,
    /// The platform itself (a verified gateway callback, a scheduled job).
    System,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Citizen, Role::Officer, Role::System];

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Citizen => "công dân",
            Role::Officer => "cán bộ cơ quan giải quyết",
            Role::System => "hệ thống",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierAction {
    Submit,
    RequestSupplement,
    Receive,
    Reject,
    NotifyFee,
    /// A verified online payment (gateway callback).
    PayOnline,
    /// Cash or card at the one-stop counter, recorded by an officer.
    PayAtCounter,
    StartProcessing,
    MarkResultReady,
    ReturnResult,
    Complete,
    Withdraw,
}

impl DossierAction {
    pub const ALL: [DossierAction; 12] = [
        DossierAction::Submit,
        DossierAction::RequestSupplement,
        DossierAction::Receive,
        DossierAction::Reject,
        DossierAction::NotifyFee,
        DossierAction::PayOnline,
        DossierAction::PayAtCounter,
        DossierAction::StartProcessing,
        DossierAction::MarkResultReady,
        DossierAction::ReturnResult,
        DossierAction::Complete,
        DossierAction::Withdraw,
    ];

    /// The only role allowed to take the action.
    pub fn role(self) -> Role {
        match self {
            DossierAction::Submit | DossierAction::Withdraw => Role::Citizen,
            DossierAction::PayOnline => Role::System,
            _ => Role::Officer,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            DossierAction::Submit => "nộp hồ sơ",
            DossierAction::RequestSupplement => "yêu cầu bổ sung hồ sơ",
            DossierAction::Receive => "tiếp nhận hồ sơ",
            DossierAction::Reject => "từ chối hồ sơ",
            DossierAction::NotifyFee => "thông báo phí, lệ phí",
            DossierAction::PayOnline => "ghi nhận thanh toán trực tuyến",
            DossierAction::PayAtCounter => "ghi nhận thanh toán tại quầy",
            DossierAction::StartProcessing => "chuyển xử lý",
            DossierAction::MarkResultReady => "báo có kết quả",
            DossierAction::ReturnResult => "trả kết quả",
            DossierAction::Complete => "kết thúc hồ sơ",
            DossierAction::Withdraw => "rút hồ sơ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DossierAction::Submit => "submit the dossier",
            DossierAction::RequestSupplement => "request a supplement",
            DossierAction::Receive => "receive the dossier",
            DossierAction::Reject => "reject the dossier",
            DossierAction::NotifyFee => "notify the fees",
            DossierAction::PayOnline => "record an online payment",
            DossierAction::PayAtCounter => "record a counter payment",
            DossierAction::StartProcessing => "start processing",
            DossierAction::MarkResultReady => "mark the result ready",
            DossierAction::ReturnResult => "return the result",
            DossierAction::Complete => "complete the dossier",
            DossierAction::Withdraw => "withdraw the dossier",
        }
    }

    /// The step as a dossier's history shows it in English ("Dossier received"); the Vietnamese
    /// history uses [`DossierAction::label_vi`], which reads as a noun phrase there.
    pub fn event_en(self) -> &'static str {
        match self {
            DossierAction::Submit => "Dossier submitted",
            DossierAction::RequestSupplement => "Supplement requested",
            DossierAction::Receive => "Dossier received",
            DossierAction::Reject => "Dossier rejected",
            DossierAction::NotifyFee => "Fees notified",
            DossierAction::PayOnline => "Online payment recorded",
            DossierAction::PayAtCounter => "Counter payment recorded",
            DossierAction::StartProcessing => "Processing started",
            DossierAction::MarkResultReady => "Result ready",
            DossierAction::ReturnResult => "Result returned",
            DossierAction::Complete => "Dossier completed",
            DossierAction::Withdraw => "Dossier withdrawn",
        }
    }

    /// Actions that must say why (shown to the citizen).
    pub fn needs_reason(self) -> bool {
        matches!(self, DossierAction::RequestSupplement | DossierAction::Reject)
    }
}

/// Why an action was refused; each variant has a message a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("only the {allowed:?} may {action:?}, not the {role:?}")]
    RoleNotAllowed { action: DossierAction, role: Role, allowed: Role },
    #[error("the dossier is {state:?}, which is final")]
    Final { state: DossierStatus },
    #[error("the procedure is free: no fee step")]
    FreeProcedure { action: DossierAction },
    #[error("fees not settled")]
    FeesNotSettled { state: DossierStatus, action: DossierAction },
    #[error("cannot complete: result not returned")]
    ResultNotReturned { state: DossierStatus },
    #[error("cannot {action:?} from {state:?}")]
    WrongState { state: DossierStatus, action: DossierAction },
    #[error("a reason is required")]
    ReasonRequired { action: DossierAction },
}

impl TransitionError {
    /// Stable machine code for the API envelope.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::RoleNotAllowed { .. } => "role_not_allowed",
            TransitionError::Final { .. } => "dossier_closed",
            TransitionError::FreeProcedure { .. } => "free_procedure",
            TransitionError::FeesNotSettled { .. } => "fees_not_settled",
            TransitionError::ResultNotReturned { .. } => "result_not_returned",
            TransitionError::WrongState { .. } => "wrong_state",
            TransitionError::ReasonRequired { .. } => "reason_required",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            TransitionError::RoleNotAllowed { action, role, allowed } => format!(
                "Chỉ {} mới được {}; {} không thực hiện được thao tác này.",
                allowed.label_vi(),
                action.label_vi(),
                role.label_vi()
            ),
            TransitionError::Final { state } => {
                format!("Hồ sơ đã ở trạng thái \"{}\", không thể thay đổi thêm.", state.label_vi())
            }
            TransitionError::FreeProcedure { action } => {
                format!("Thủ tục này không thu phí, lệ phí nên không thể {}.", action.label_vi())
            }
            TransitionError::FeesNotSettled { state, action } => format!(
                "Không thể {} khi hồ sơ chưa thu đủ phí, lệ phí (trạng thái hiện tại: \"{}\").",
                action.label_vi(),
                state.label_vi()
            ),
            TransitionError::ResultNotReturned { state } => format!(
                "Không thể kết thúc hồ sơ khi chưa đúng trạng thái: hồ sơ phải được thu đủ phí, lệ phí và trả kết quả trước khi kết thúc (trạng thái hiện tại: \"{}\").",
                state.label_vi()
            ),
            TransitionError::WrongState { state, action } => format!(
                "Không thể {} khi hồ sơ đang ở trạng thái \"{}\".",
                action.label_vi(),
                state.label_vi()
            ),
            TransitionError::ReasonRequired { action } => format!("Cần ghi rõ lý do khi {}.", action.label_vi()),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            TransitionError::RoleNotAllowed { action, role, allowed } => format!(
                "Only the {} may {}; the {} cannot.",
                role_en(*allowed),
                action.label_en(),
                role_en(*role)
            ),
            TransitionError::Final { state } => {
                format!("The dossier is \"{}\" and can no longer change.", state.label_en())
            }
            TransitionError::FreeProcedure { action } => {
                format!("This procedure has no fees, so you cannot {}.", action.label_en())
            }
            TransitionError::FeesNotSettled { state, action } => format!(
                "Cannot {} before the fees are settled (current status: \"{}\").",
                action.label_en(),
                state.label_en()
            ),
            TransitionError::ResultNotReturned { state } => format!(
                "Cannot complete the dossier yet: its fees must be settled and its result returned first (current status: \"{}\").",
                state.label_en()
            ),
            TransitionError::WrongState { state, action } => {
                format!("Cannot {} while the dossier is \"{}\".", action.label_en(), state.label_en())
            }
            TransitionError::ReasonRequired { action } => format!("A reason is required to {}.", action.label_en()),
        }
    }
}

fn role_en(role: Role) -> &'static str {
    match role {
        Role::Citizen => "citizen",
        Role::Officer => "officer of the handling agency",
        Role::System => "system",
    }
}

/// Decides the next state, or why not. `has_fees` is whether the procedure charges anything
/// (a schedule whose evaluation can be non-zero); a free procedure goes received → processing.
pub fn transition(
    state: DossierStatus,
    action: DossierAction,
    role: Role,
    has_fees: bool,
) -> Result<DossierStatus, TransitionError> {
    use DossierAction as A;
    use DossierStatus as S;

    if action.role() != role {
        return Err(TransitionError::RoleNotAllowed { action, role, allowed: action.role() });
    }
    if state.is_final() {
        return Err(TransitionError::Final { state });
    }
    let wrong = || Err(TransitionError::WrongState { state, action });
    match action {
        A::Submit => match state {
            S::Draft | S::SupplementRequested => Ok(S::Submitted),
            _ => wrong(),
        },
        A::RequestSupplement => match state {
            S::Submitted => Ok(S::SupplementRequested),
            _ => wrong(),
        },
        A::Receive => match state {
            S::Submitted => Ok(S::Received),
            _ => wrong(),
        },
        A::Reject => match state {
            S::Submitted | S::Received => Ok(S::Rejected),
            _ => wrong(),
        },
        A::NotifyFee | A::PayOnline | A::PayAtCounter if !has_fees => Err(TransitionError::FreeProcedure { action }),
        A::NotifyFee => match state {
            S::Received => Ok(S::FeeNotified),
            _ => wrong(),
        },
        A::PayOnline | A::PayAtCounter => match state {
            S::FeeNotified => Ok(S::Paid),
            _ => wrong(),
        },
        A::StartProcessing => match state {
            S::Paid => Ok(S::Processing),
            S::Received if !has_fees => Ok(S::Processing),
            S::Received | S::FeeNotified => Err(TransitionError::FeesNotSettled { state, action }),
            _ => wrong(),
        },
        A::MarkResultReady => match state {
            S::Processing => Ok(S::ResultReady),
            S::Received | S::FeeNotified if has_fees => Err(TransitionError::FeesNotSettled { state, action }),
            _ => wrong(),
        },
        A::ReturnResult => match state {
            S::ResultReady => Ok(S::Returned),
            S::Received | S::FeeNotified if has_fees => Err(TransitionError::FeesNotSettled { state, action }),
            _ => wrong(),
        },
        A::Complete => match state {
            S::Returned => Ok(S::Completed),
            S::Received | S::FeeNotified if has_fees => Err(TransitionError::FeesNotSettled { state, action }),
            _ => Err(TransitionError::ResultNotReturned { state }),
        },
        A::Withdraw => match state {
            s if s.before_processing() => Ok(S::Withdrawn),
            _ => wrong(),
        },
    }
}

/// Who took an action (the user id for citizens and officers, a job name for the system).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    pub id: String,
}

/// One recorded step of a dossier's history: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierEvent {
    pub from: DossierStatus,
    pub to: DossierStatus,
    pub action: DossierAction,
    pub actor: Actor,
    #[serde(with = "time::serde::timestamp")]
    pub at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// [`transition`] plus the record to persist. Rejections and supplement requests need a reason.
pub fn record(
    state: DossierStatus,
    action: DossierAction,
    actor: Actor,
    has_fees: bool,
    at: OffsetDateTime,
    reason: Option<String>,
) -> Result<DossierEvent, TransitionError> {
    let to = transition(state, action, actor.role, has_fees)?;
    let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if action.needs_reason() && reason.is_none() {
        return Err(TransitionError::ReasonRequired { action });
    }
    Ok(DossierEvent { from: state, to, action, actor, at, reason })
}

/// The channel of a payment action, for the online-payment statistics.
pub fn paid_online(action: DossierAction) -> Option<bool> {
    match action {
        DossierAction::PayOnline => Some(true),
        DossierAction::PayAtCounter => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DossierAction as A;
    use DossierStatus as S;

    /// Every allowed (state, action, has_fees) → next state. Anything not listed must fail.
    fn allowed(state: S, action: A, has_fees: bool) -> Option<S> {
        const TABLE: &[(S, A, Option<bool>, S)] = &[
            (S::Draft, A::Submit, None, S::Submitted),
            (S::SupplementRequested, A::Submit, None, S::Submitted),
            (S::Submitted, A::RequestSupplement, None, S::SupplementRequested),
            (S::Submitted, A::Receive, None, S::Received),
            (S::Submitted, A::Reject, None, S::Rejected),
            (S::Received, A::Reject, None, S::Rejected),
            (S::Received, A::NotifyFee, Some(true), S::FeeNotified),
            (S::FeeNotified, A::PayOnline, Some(true), S::Paid),
            (S::FeeNotified, A::PayAtCounter, Some(true), S::Paid),
            (S::Paid, A::StartProcessing, None, S::Processing),
            (S::Received, A::StartProcessing, Some(false), S::Processing),
            (S::Processing, A::MarkResultReady, None, S::ResultReady),
            (S::ResultReady, A::ReturnResult, None, S::Returned),
            (S::Returned, A::Complete, None, S::Completed),
            (S::Submitted, A::Withdraw, None, S::Withdrawn),
            (S::SupplementRequested, A::Withdraw, None, S::Withdrawn),
            (S::Received, A::Withdraw, None, S::Withdrawn),
            (S::FeeNotified, A::Withdraw, None, S::Withdrawn),
            (S::Paid, A::Withdraw, None, S::Withdrawn),
        ];
        TABLE
            .iter()
            .find(|(s, a, fees, _)| *s == state && *a == action && fees.is_none_or(|f| f == has_fees))
            .map(|(_, _, _, next)| *next)
    }

    #[test]
    fn every_state_action_role_pair_matches_the_table() {
        let mut ok = 0;
        for state in S::ALL {
            for action in A::ALL {
                for role in Role::ALL {
                    for has_fees in [true, false] {
                        let got = transition(state, action, role, has_fees);
                        let expected = if role == action.role() { allowed(state, action, has_fees) } else { None };
                        match (got, expected) {
                            (Ok(next), Some(want)) => {
                                assert_eq!(next, want, "{state:?} {action:?} {role:?} fees={has_fees}");
                                ok += 1;
                            }
                            (Err(e), None) => {
                                assert!(!e.message_vi().is_empty() && !e.message_en().is_empty());
                                if role != action.role() {
                                    assert_eq!(e.code(), "role_not_allowed");
                                }
                            }
                            (got, want) => panic!("{state:?} {action:?} {role:?} fees={has_fees}: got {got:?}, want {want:?}"),
                        }
                    }
                }
            }
        }
        // 19 table rows; the 15 without a fee condition count twice.
        assert_eq!(ok, 34);
    }

    #[test]
    fn paid_happy_path_and_free_path() {
        let mut s = S::Draft;
        for a in [A::Submit, A::Receive, A::NotifyFee, A::PayOnline, A::StartProcessing, A::MarkResultReady, A::ReturnResult, A::Complete] {
            s = transition(s, a, a.role(), true).unwrap();
        }
        assert_eq!(s, S::Completed);
        let mut s = S::Draft;
        for a in [A::Submit, A::Receive, A::StartProcessing, A::MarkResultReady, A::ReturnResult, A::Complete] {
            s = transition(s, a, a.role(), false).unwrap();
        }
        assert_eq!(s, S::Completed);
    }

    #[test]
    fn closing_too_early_explains_itself() {
        let e = transition(S::FeeNotified, A::Complete, Role::Officer, true).unwrap_err();
        assert_eq!(e.code(), "fees_not_settled");
        assert!(e.message_vi().contains("chưa thu đủ phí, lệ phí"));
        assert!(e.message_vi().contains("Chờ thanh toán"));
        let e = transition(S::Processing, A::Complete, Role::Officer, true).unwrap_err();
        assert_eq!(e.code(), "result_not_returned");
        assert!(e.message_vi().contains("chưa đúng trạng thái"));
        assert!(e.message_en().contains("result returned"));
        let e = transition(S::Received, A::StartProcessing, Role::Officer, true).unwrap_err();
        assert_eq!(e.code(), "fees_not_settled");
        let e = transition(S::Received, A::NotifyFee, Role::Officer, false).unwrap_err();
        assert_eq!(e.code(), "free_procedure");
        let e = transition(S::Completed, A::Withdraw, Role::Citizen, true).unwrap_err();
        assert_eq!(e.code(), "dossier_closed");
        let e = transition(S::Processing, A::Withdraw, Role::Citizen, true).unwrap_err();
        assert_eq!(e.code(), "wrong_state");
        assert!(e.message_vi().contains("Đang xử lý"));
    }

    #[test]
    fn only_the_system_confirms_online_payments() {
        let e = transition(S::FeeNotified, A::PayOnline, Role::Citizen, true).unwrap_err();
        assert_eq!(e.code(), "role_not_allowed");
        assert!(e.message_vi().starts_with("Chỉ hệ thống"));
        assert_eq!(transition(S::FeeNotified, A::PayAtCounter, Role::Officer, true), Ok(S::Paid));
        assert_eq!(paid_online(A::PayOnline), Some(true));
        assert_eq!(paid_online(A::PayAtCounter), Some(false));
        assert_eq!(paid_online(A::Receive), None);
    }

    #[test]
    fn events_record_who_when_why() {
        let at = OffsetDateTime::from_unix_timestamp(1_712_736_000).unwrap();
        let officer = Actor { role: Role::Officer, id: "cb-01".into() };
        let e = record(S::Submitted, A::Reject, officer.clone(), true, at, Some("  ".into())).unwrap_err();
        assert_eq!(e.code(), "reason_required");
        let ev = record(S::Submitted, A::Reject, officer, true, at, Some("Thiếu tờ khai".into())).unwrap();
        assert_eq!((ev.from, ev.to), (S::Submitted, S::Rejected));
        let json = serde_json::to_value(&ev).unwrap();
        assert_eq!(json["to"], "rejected");
        assert_eq!(json["action"], "reject");
        assert_eq!(json["actor"]["role"], "officer");
        assert_eq!(json["at"], 1_712_736_000);
    }

    #[test]
    fn labels_and_serde_names() {
        assert_eq!(S::Paid.label_vi(), "Đã thanh toán");
        assert_eq!(S::FeeNotified.label_vi(), "Chờ thanh toán");
        assert_eq!(serde_json::to_string(&S::SupplementRequested).unwrap(), "\"supplement_requested\"");
        assert_eq!(serde_json::to_string(&A::PayAtCounter).unwrap(), "\"pay_at_counter\"");
        let labels: std::collections::HashSet<_> = S::ALL.iter().map(|s| s.label_vi()).collect();
        assert_eq!(labels.len(), S::ALL.len());
    }

    #[test]
    fn english_labels_for_every_status_and_action() {
        let labels: std::collections::HashSet<_> = S::ALL.iter().map(|s| s.label_en()).collect();
        assert_eq!(labels.len(), S::ALL.len());
        for s in S::ALL {
            assert!(!s.label_en().is_empty());
            assert_ne!(s.label_en(), s.label_vi(), "{s:?}");
        }
        for a in A::ALL {
            assert!(!a.label_en().is_empty() && !a.event_en().is_empty());
            assert_ne!(a.label_en(), a.label_vi(), "{a:?}");
        }
        let events: std::collections::HashSet<_> = A::ALL.iter().map(|a| a.event_en()).collect();
        assert_eq!(events.len(), A::ALL.len());
    }

    #[test]
    fn a_fee_notice_may_come_while_officers_alone_can_reach_it() {
        for s in DossierStatus::ALL {
            for has_fees in [true, false] {
                let officer = |a| transition(s, a, Role::Officer, has_fees);
                // Notified next, or received next and then notified.
                let reachable = officer(A::NotifyFee).is_ok()
                    || officer(A::Receive).is_ok_and(|r| transition(r, A::NotifyFee, Role::Officer, has_fees).is_ok());
                assert_eq!(s.may_get_fee_notice(has_fees), reachable, "{s:?}, has_fees {has_fees}");
            }
        }
    }
}
