//! What a verified provider result or an officer's refund does to a payment attempt, and
//! whether a dossier can be paid at all. The Worker's payment store writes these decisions,
//! conditional on the version they were decided from.

use super::{transition, Event, State, TransitionError};
use crate::dossier::DossierStatus;
use crate::gateway::ProviderResult;
use crate::money::Vnd;

/// One decided change of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentDecision {
    pub from: State,
    pub to: State,
    pub event: Event,
}

impl PaymentDecision {
    /// The ledger's name for the change.
    pub fn ledger_kind(&self) -> &'static str {
        match self.event {
            Event::Redirect => "redirected",
            Event::Paid => "settled",
            Event::PaidWrongAmount => "amount_mismatch",
            Event::Declined => "declined",
            Event::Cancel => "cancelled",
            Event::Expire => "expired",
            Event::RefundPartial | Event::RefundFull => "refund",
        }
    }
}

pub fn decide(from: State, event: Event) -> Result<PaymentDecision, TransitionError> {
    transition(from, event).map(|to| PaymentDecision { from, to, event })
}

/// The event a verified provider result makes: `None` while the provider has not finished.
pub fn event_for(result: ProviderResult, amount_matches: bool) -> Option<Event> {
    match result {
        ProviderResult::Paid if amount_matches => Some(Event::Paid),
        ProviderResult::Paid => Some(Event::PaidWrongAmount),
        ProviderResult::Cancelled => Some(Event::Cancel),
        ProviderResult::Declined => Some(Event::Declined),
        ProviderResult::Pending => None,
    }
}

/// The refund event for `amount` when `refundable` is what is left to give back.
pub fn refund_event(amount: i64, refundable: i64) -> Event {
    if amount >= refundable {
        Event::RefundFull
    } else {
        Event::RefundPartial
    }
}

/// Why a dossier cannot be paid now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("dossier {status:?} has nothing to pay")]
pub struct NotPayable {
    pub status: DossierStatus,
}

impl NotPayable {
    pub fn code(&self) -> &'static str {
        "not_payable"
    }

    pub fn message_vi(&self) -> String {
        format!("Hồ sơ đang ở trạng thái \"{}\", không có khoản phí nào cần thanh toán.", self.status.label_vi())
    }

    pub fn message_en(&self) -> String {
        format!("The dossier is \"{}\" and has no amount to pay.", self.status.label_en())
    }
}

/// The fee notice as payment sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenNotice {
    pub open: bool,
    pub total: i64,
}

/// The one rule of "payable": the dossier waits for its fees and its latest notice is open
/// with something to pay. Answers the amount.
pub fn payable(status: DossierStatus, notice: Option<OpenNotice>) -> Result<Vnd, NotPayable> {
    match notice {
        Some(OpenNotice { open: true, total }) if status == DossierStatus::FeeNotified && total > 0 => Ok(Vnd::dong(total)),
        _ => Err(NotPayable { status }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_results_become_events() {
        assert_eq!(event_for(ProviderResult::Paid, true), Some(Event::Paid));
        assert_eq!(event_for(ProviderResult::Paid, false), Some(Event::PaidWrongAmount));
        assert_eq!(event_for(ProviderResult::Cancelled, true), Some(Event::Cancel));
        assert_eq!(event_for(ProviderResult::Declined, false), Some(Event::Declined));
        assert_eq!(event_for(ProviderResult::Pending, true), None);
    }

    #[test]
    fn decisions_name_their_ledger_row() {
        let d = decide(State::Redirected, Event::Paid).unwrap();
        assert_eq!((d.from, d.to, d.ledger_kind()), (State::Redirected, State::Succeeded, "settled"));
        assert_eq!(decide(State::Succeeded, Event::Paid), Err(TransitionError::AlreadySettled));
        assert_eq!(refund_event(50, 50), Event::RefundFull);
        assert_eq!(refund_event(20, 50), Event::RefundPartial);
    }

    #[test]
    fn only_an_open_notice_of_a_waiting_dossier_is_payable() {
        let open = Some(OpenNotice { open: true, total: 30_000 });
        assert_eq!(payable(DossierStatus::FeeNotified, open), Ok(Vnd::dong(30_000)));
        for status in DossierStatus::ALL.into_iter().filter(|s| *s != DossierStatus::FeeNotified) {
            let e = payable(status, open).unwrap_err();
            assert!(e.message_vi().contains(status.label_vi()));
        }
        assert!(payable(DossierStatus::FeeNotified, None).is_err());
        assert!(payable(DossierStatus::FeeNotified, Some(OpenNotice { open: false, total: 30_000 })).is_err());
        assert!(payable(DossierStatus::FeeNotified, Some(OpenNotice { open: true, total: 0 })).is_err());
    }
}
