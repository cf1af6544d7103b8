//! Every change of a dossier, decided once: `decide(state, command, actor, now)` returns the new
//! status with the event that records it, what else is written with it (the documents checked
//! at reception, the payment channel, an open fee notice to cancel) and the audit values. The
//! Worker's dossier store writes exactly this, conditional on the version it was decided from;
//! no handler composes a status change of its own.

use serde::Serialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::{record, Actor, DossierAction, DossierEvent, DossierStatus, Role, TransitionError};
use crate::money::Vnd;
use crate::validation::FieldError;

/// What the decision needs to know about the dossier as it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierState {
    pub status: DossierStatus,
    /// Whether the procedure charges anything (see [`super::transition`]).
    pub has_fees: bool,
}

/// What someone asks of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// An officer's step at the desk: receive (with the ticked checklist out of the
    /// procedure's `required` documents), request a supplement, reject, start processing,
    /// return the result, complete.
    Act { action: DossierAction, reason: Option<String>, required: Vec<String>, ticked: Vec<String> },
    /// An officer sends the fee notice `notice_id` of `total` (the domain computed `computed`;
    /// `changes` lists the officer's changed lines with their reasons, `reason` sums them up for
    /// the citizen's timeline).
    NotifyFee { notice_id: String, total: Vnd, computed: Vnd, changes: Value, reason: Option<String> },
    /// A settled payment of the open notice: online (a verified provider result) or at the
    /// counter (recorded by an officer).
    Pay { payment_id: String, amount: Vnd, online: bool },
    /// An officer stored the digitized result: the result is ready.
    AttachResult { file_id: String, name: String, size: u64 },
    /// The citizen withdraws the dossier (before processing starts).
    Withdraw { reason: Option<String> },
}

impl Command {
    /// The state-machine action this command takes.
    pub fn action(&self) -> DossierAction {
        match self {
            Command::Act { action, .. } => *action,
            Command::NotifyFee { .. } => DossierAction::NotifyFee,
            Command::Pay { online: true, .. } => DossierAction::PayOnline,
            Command::Pay { online: false, .. } => DossierAction::PayAtCounter,
            Command::AttachResult { .. } => DossierAction::MarkResultReady,
            Command::Withdraw { .. } => DossierAction::Withdraw,
        }
    }
}

/// The audit row of a staff change (who is added by the store from the session).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditValues {
    pub action: String,
    pub before: Value,
    pub after: Value,
}

/// Everything one change writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub event: DossierEvent,
    /// The documents checked at reception (receive only).
    pub received_documents: Option<Vec<String>>,
    /// The payment channel, written with a payment (true online).
    pub paid_online: Option<bool>,
    /// The open fee notice, if any, is cancelled (a withdrawal; a new notice replaces it).
    pub cancels_open_notice: bool,
    /// The audit row, for a change made by staff.
    pub audit: Option<AuditValues>,
}

impl Decision {
    pub fn from(&self) -> DossierStatus {
        self.event.from
    }

    pub fn to(&self) -> DossierStatus {
        self.event.to
    }
}

/// Why a command was refused: the state machine, or the command's own content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// Actions that the desk's generic `actions` endpoint does not take: each has its own command.
fn has_own_command(action: DossierAction) -> bool {
    matches!(
        action,
        DossierAction::Submit
            | DossierAction::NotifyFee
            | DossierAction::PayOnline
            | DossierAction::PayAtCounter
            | DossierAction::MarkResultReady
            | DossierAction::Withdraw
    )
}

/// The one decision of a dossier change.
pub fn decide(state: DossierState, command: Command, actor: &Actor, now: OffsetDateTime) -> Result<Decision, DossierError> {
    let action = command.action();
    if let Command::Act { action, .. } = &command {
        if has_own_command(*action) {
            return Err(FieldError::new(
                "action",
                "use_dedicated_endpoint",
                "Thao tác này có chức năng riêng (thông báo phí, thu phí tại quầy, đính kèm kết quả).",
                "This action has its own endpoint (fee notice, counter payment, result file).",
            )
            .into());
        }
    }
    let reason = match &command {
        Command::Act { reason, .. } | Command::Withdraw { reason } | Command::NotifyFee { reason, .. } => reason.clone(),
        _ => None,
    };
    let event = record(state.status, action, actor.clone(), state.has_fees, now, reason)?;
    let before = json!({"status": state.status});
    let mut decision = Decision { event, received_documents: None, paid_online: None, cancels_open_notice: false, audit: None };
    let after_status = json!(decision.event.to);
    let audit = match command {
        Command::Act { action, required, ticked, .. } => {
            let mut after = json!({"status": after_status, "reason": decision.event.reason});
            if action == DossierAction::Receive {
                crate::desk::check_documents(&required, &ticked)?;
                after["documents"] = json!(required);
                decision.received_documents = Some(required);
            }
            Some(AuditValues { action: wire_name(&action), before, after })
        }
        Command::NotifyFee { notice_id, total, computed, changes, .. } => {
            if total.is_zero() {
                return Err(FieldError::new(
                    "changes",
                    "zero_total",
                    "Tổng số tiền của thông báo bằng 0 đồng: không thể gửi thông báo phí, lệ phí.",
                    "The notice would ask for nothing; a fee notice needs an amount to pay.",
                )
                .into());
            }
            decision.cancels_open_notice = true;
            Some(AuditValues {
                action: "notify_fee".into(),
                before: json!({"status": state.status, "computed_total": computed.as_dong()}),
                after: json!({"status": after_status, "notice_id": notice_id, "total": total.as_dong(), "changes": changes}),
            })
        }
        Command::Pay { payment_id, amount, online } => {
            decision.paid_online = Some(online);
            (actor.role == Role::Officer).then(|| AuditValues {
                action: "pay_at_counter".into(),
                before,
                after: json!({"status": after_status, "payment_id": payment_id, "amount": amount.as_dong(), "online": online}),
            })
        }
        Command::AttachResult { file_id, name, size } => Some(AuditValues {
            action: "attach_result".into(),
            before,
            after: json!({"status": after_status, "file_id": file_id, "name": name, "size": size}),
        }),
        Command::Withdraw { .. } => {
            decision.cancels_open_notice = true;
            None
        }
    };
    decision.audit = audit;
    Ok(decision)
}

/// The snake_case wire name of an action.
fn wire_name(action: &DossierAction) -> String {
    serde_json::to_value(action).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use DossierStatus as S;

    fn at() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
    }

    fn officer() -> Actor {
        Actor { role: Role::Officer, id: "cb-1".into() }
    }

    fn state(status: S) -> DossierState {
        DossierState { status, has_fees: true }
    }

    #[test]
    fn receive_checks_the_documents_and_records_them() {
        let required = vec!["to-khai".to_string(), "cccd".to_string()];
        let cmd = |ticked: Vec<String>| Command::Act { action: DossierAction::Receive, reason: None, required: required.clone(), ticked };
        let e = decide(state(S::Submitted), cmd(vec!["to-khai".into()]), &officer(), at()).unwrap_err();
        assert!(matches!(e, DossierError::Invalid(ref f) if f.field == "documents"), "{e:?}");
        let d = decide(state(S::Submitted), cmd(required.clone()), &officer(), at()).unwrap();
        assert_eq!((d.from(), d.to()), (S::Submitted, S::Received));
        assert_eq!(d.received_documents.as_deref(), Some(required.as_slice()));
        let audit = d.audit.unwrap();
        assert_eq!(audit.action, "receive");
        assert_eq!(audit.before["status"], "submitted");
        assert_eq!(audit.after["status"], "received");
        assert_eq!(audit.after["documents"][1], "cccd");
    }

    #[test]
    fn dedicated_actions_are_refused_at_the_generic_endpoint() {
        for action in [DossierAction::NotifyFee, DossierAction::PayAtCounter, DossierAction::MarkResultReady, DossierAction::Withdraw] {
            let cmd = Command::Act { action, reason: None, required: vec![], ticked: vec![] };
            let e = decide(state(S::Received), cmd, &officer(), at()).unwrap_err();
            assert!(matches!(e, DossierError::Invalid(ref f) if f.code == "use_dedicated_endpoint"), "{action:?}");
        }
    }

    #[test]
    fn a_fee_notice_replaces_the_open_one_and_needs_an_amount() {
        let notice = |total: i64| Command::NotifyFee {
            notice_id: "n1".into(),
            total: Vnd::dong(total),
            computed: Vnd::dong(50_000),
            changes: json!([]),
            reason: None,
        };
        let e = decide(state(S::Received), notice(0), &officer(), at()).unwrap_err();
        assert!(matches!(e, DossierError::Invalid(ref f) if f.code == "zero_total"));
        let d = decide(state(S::Received), notice(30_000), &officer(), at()).unwrap();
        assert_eq!(d.to(), S::FeeNotified);
        assert!(d.cancels_open_notice);
        let audit = d.audit.unwrap();
        assert_eq!((audit.before["computed_total"].as_i64(), audit.after["total"].as_i64()), (Some(50_000), Some(30_000)));
        // Not from a state the machine refuses, whatever the amount.
        let e = decide(state(S::Processing), notice(30_000), &officer(), at()).unwrap_err();
        assert!(matches!(e, DossierError::Transition(TransitionError::WrongState { .. })));
    }

    #[test]
    fn payments_carry_their_channel_and_only_the_counter_is_audited() {
        let system = Actor { role: Role::System, id: "payment:p1".into() };
        let online = Command::Pay { payment_id: "p1".into(), amount: Vnd::dong(20_000), online: true };
        let d = decide(state(S::FeeNotified), online.clone(), &system, at()).unwrap();
        assert_eq!((d.to(), d.paid_online, d.audit.is_none()), (S::Paid, Some(true), true));
        let counter = Command::Pay { payment_id: "p2".into(), amount: Vnd::dong(20_000), online: false };
        let d = decide(state(S::FeeNotified), counter, &officer(), at()).unwrap();
        assert_eq!((d.paid_online, d.audit.as_ref().map(|a| a.action.as_str())), (Some(false), Some("pay_at_counter")));
        // A payment that arrives after a withdrawal does not move the dossier.
        let e = decide(state(S::Withdrawn), online, &system, at()).unwrap_err();
        assert!(matches!(e, DossierError::Transition(TransitionError::Final { .. })));
    }

    #[test]
    fn withdrawal_is_the_citizens_and_cancels_the_notice() {
        let citizen = Actor { role: Role::Citizen, id: "cit-1".into() };
        let d = decide(state(S::FeeNotified), Command::Withdraw { reason: Some(" Nộp nhầm ".into()) }, &citizen, at()).unwrap();
        assert_eq!(d.to(), S::Withdrawn);
        assert!(d.cancels_open_notice && d.audit.is_none());
        assert_eq!(d.event.reason.as_deref(), Some("Nộp nhầm"));
        let e = decide(state(S::FeeNotified), Command::Withdraw { reason: None }, &officer(), at()).unwrap_err();
        assert!(matches!(e, DossierError::Transition(TransitionError::RoleNotAllowed { .. })));
        let e = decide(state(S::Processing), Command::Withdraw { reason: None }, &citizen, at()).unwrap_err();
        assert!(matches!(e, DossierError::Transition(TransitionError::WrongState { .. })));
    }

    #[test]
    fn attaching_a_result_marks_it_ready() {
        let cmd = Command::AttachResult { file_id: "f1".into(), name: "kq.pdf".into(), size: 1234 };
        let d = decide(state(S::Processing), cmd.clone(), &officer(), at()).unwrap();
        assert_eq!(d.to(), S::ResultReady);
        assert_eq!(d.audit.unwrap().after["file_id"], "f1");
        assert!(decide(state(S::ResultReady), cmd, &officer(), at()).is_err());
    }
}
