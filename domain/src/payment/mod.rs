//! The life of one payment attempt. Internally an attempt keeps detailed states (redirected,
//! settled, amount mismatch, expired, refunded...); the API shows only `{status, finished}` with
//! a Vietnamese label. Every change goes through the one pure [`transition`], so a duplicate or
//! late callback can never settle twice or undo a settlement: the shell persists the new state
//! only when `transition` returns `Ok`, and maps each error to the provider's reply
//! (`AlreadySettled` → "already confirmed").

use serde::{Deserialize, Serialize};

pub mod decide;
pub mod manual_refund;
pub use decide::{decide, event_for, payable, refund_event, NotPayable, OpenNotice, PaymentDecision};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Created,
    /// The citizen was sent to the provider (or shown the QR).
    Redirected,
    /// A verified callback or query said paid, with the right amount.
    Succeeded,
    Failed,
    Cancelled,
    /// Verified as paid, but not the amount asked: recorded, not settled; an officer refunds.
    AmountMismatch,
    /// No result before the deadline (reconciliation found nothing).
    Expired,
    Refunded,
    PartiallyRefunded,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Created,
        State::Redirected,
        State::Succeeded,
        State::Failed,
        State::Cancelled,
        State::AmountMismatch,
        State::Expired,
        State::Refunded,
        State::PartiallyRefunded,
    ];

    /// The fee counts as paid (a partial refund leaves the payment standing).
    pub fn is_settled(self) -> bool {
        matches!(self, State::Succeeded | State::PartiallyRefunded)
    }

    pub fn view(self) -> PaymentView {
        let (status, finished) = match self {
            State::Created | State::Redirected => (Status::Pending, false),
            State::Succeeded => (Status::Paid, true),
            State::Failed => (Status::Failed, true),
            State::Cancelled => (Status::Cancelled, true),
            State::AmountMismatch => (Status::NeedsReview, true),
            State::Expired => (Status::Expired, true),
            State::Refunded => (Status::Refunded, true),
            State::PartiallyRefunded => (Status::PartiallyRefunded, true),
        };
        PaymentView {
            status,
            finished,
            label: status.label_vi().to_string(),
        }
    }
}

/// What happened to the attempt. Payment events come only from verified callbacks or queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Redirect,
    /// Verified success with the expected amount.
    Paid,
    /// Verified success with another amount.
    PaidWrongAmount,
    /// Verified failure (declined, insufficient funds, ...).
    Declined,
    /// The citizen cancelled at the provider.
    Cancel,
    /// The deadline passed with no verified result.
    Expire,
    RefundPartial,
    RefundFull,
}

impl Event {
    pub const ALL: [Event; 8] = [
        Event::Redirect,
        Event::Paid,
        Event::PaidWrongAmount,
        Event::Declined,
        Event::Cancel,
        Event::Expire,
        Event::RefundPartial,
        Event::RefundFull,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// A payment event for an attempt already settled: answer "already confirmed".
    #[error("the payment is already settled")]
    AlreadySettled,
    /// A refund of money never received.
    #[error("nothing was paid, nothing to refund")]
    NotSettled,
    /// The attempt is over and this event does not move it.
    #[error("{event:?} does not apply to a finished attempt in state {from:?}")]
    Finished { from: State, event: Event },
}

/// The one way an attempt changes state.
pub fn transition(from: State, event: Event) -> Result<State, TransitionError> {
    use Event as E;
    use State as S;
    let finished = Err(TransitionError::Finished { from, event });
    match (from, event) {
        (S::Created | S::Redirected, E::Redirect) => Ok(S::Redirected),
        // Money verified as taken is never ignored, even after a failure, cancel or expiry.
        (S::Created | S::Redirected | S::Failed | S::Cancelled | S::Expired, E::Paid) => {
            Ok(S::Succeeded)
        }
        (
            S::Created | S::Redirected | S::Failed | S::Cancelled | S::Expired,
            E::PaidWrongAmount,
        ) => Ok(S::AmountMismatch),
        (S::Created | S::Redirected, E::Declined) => Ok(S::Failed),
        (S::Created | S::Redirected, E::Cancel) => Ok(S::Cancelled),
        (S::Created | S::Redirected, E::Expire) => Ok(S::Expired),
        (
            S::Created | S::Redirected | S::Failed | S::Cancelled | S::Expired,
            E::RefundPartial | E::RefundFull,
        ) => Err(TransitionError::NotSettled),
        (S::Succeeded | S::PartiallyRefunded | S::AmountMismatch, E::RefundPartial) => {
            Ok(S::PartiallyRefunded)
        }
        (S::Succeeded | S::PartiallyRefunded | S::AmountMismatch, E::RefundFull) => Ok(S::Refunded),
        (
            S::Succeeded | S::PartiallyRefunded | S::AmountMismatch | S::Refunded,
            E::Paid | E::PaidWrongAmount,
        ) => Err(TransitionError::AlreadySettled),
        _ => finished,
    }
}

/// How an attempt is paid: through a provider, or cash at the counter.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Vnpay,
    Momo,
    Zalopay,
    Vietqr,
    Paygov,
    Counter,
}

impl Channel {
    pub fn of(provider: crate::gateway::Provider) -> Channel {
        use crate::gateway::Provider as P;
        match provider {
            P::Vnpay => Channel::Vnpay,
            P::Momo => Channel::Momo,
            P::Zalopay => Channel::Zalopay,
            P::Vietqr => Channel::Vietqr,
            P::Paygov => Channel::Paygov,
        }
    }

    /// The provider, for an online channel.
    pub fn provider(self) -> Option<crate::gateway::Provider> {
        crate::gateway::Provider::ALL.into_iter().find(|p| Channel::of(*p) == self)
    }

    /// The stored name (`payments.provider`).
    pub fn parse(name: &str) -> Option<Channel> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }

    pub fn label_vi(self) -> &'static str {
        self.provider().map_or("Tiền mặt tại quầy", |p| p.label())
    }

    pub fn label_en(self) -> &'static str {
        self.provider().map_or("Cash at the counter", |p| p.label_en())
    }
}

/// What the API shows about an attempt.
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Paid,
    Failed,
    Cancelled,
    NeedsReview,
    Expired,
    Refunded,
    PartiallyRefunded,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pending,
        Status::Paid,
        Status::Failed,
        Status::Cancelled,
        Status::NeedsReview,
        Status::Expired,
        Status::Refunded,
        Status::PartiallyRefunded,
    ];

    /// The label citizens see (the API's `status_label`).
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Pending => "Chờ thanh toán",
            Status::Paid => "Đã thanh toán",
            Status::Failed => "Thanh toán thất bại",
            Status::Cancelled => "Đã hủy thanh toán",
            Status::NeedsReview => "Số tiền không khớp, đang được kiểm tra",
            Status::Expired => "Hết thời hạn thanh toán",
            Status::Refunded => "Đã hoàn tiền",
            Status::PartiallyRefunded => "Đã thanh toán, hoàn tiền một phần",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Pending => "Awaiting payment",
            Status::Paid => "Paid",
            Status::Failed => "Payment failed",
            Status::Cancelled => "Payment cancelled",
            Status::NeedsReview => "Amount did not match; under review",
            Status::Expired => "Payment time expired",
            Status::Refunded => "Refunded",
            Status::PartiallyRefunded => "Paid, partly refunded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub status: Status,
    pub finished: bool,
    pub label: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_event_pair() {
        use Event as E;
        use State as S;
        // Expected outcome per (state, event); "=X" a new state X, "!S" AlreadySettled,
        // "!N" NotSettled, "!F" Finished. Columns in Event::ALL order:
        // Redirect, Paid, PaidWrongAmount, Declined, Cancel, Expire, RefundPartial, RefundFull.
        let table: [(S, [&str; 8]); 9] = [
            (
                S::Created,
                [
                    "=Redirected",
                    "=Succeeded",
                    "=AmountMismatch",
                    "=Failed",
                    "=Cancelled",
                    "=Expired",
                    "!N",
                    "!N",
                ],
            ),
            (
                S::Redirected,
                [
                    "=Redirected",
                    "=Succeeded",
                    "=AmountMismatch",
                    "=Failed",
                    "=Cancelled",
                    "=Expired",
                    "!N",
                    "!N",
                ],
            ),
            (
                S::Succeeded,
                [
                    "!F",
                    "!S",
                    "!S",
                    "!F",
                    "!F",
                    "!F",
                    "=PartiallyRefunded",
                    "=Refunded",
                ],
            ),
            (
                S::Failed,
                [
                    "!F",
                    "=Succeeded",
                    "=AmountMismatch",
                    "!F",
                    "!F",
                    "!F",
                    "!N",
                    "!N",
                ],
            ),
            (
                S::Cancelled,
                [
                    "!F",
                    "=Succeeded",
                    "=AmountMismatch",
                    "!F",
                    "!F",
                    "!F",
                    "!N",
                    "!N",
                ],
            ),
            (
                S::AmountMismatch,
                [
                    "!F",
                    "!S",
                    "!S",
                    "!F",
                    "!F",
                    "!F",
                    "=PartiallyRefunded",
                    "=Refunded",
                ],
            ),
            (
                S::Expired,
                [
                    "!F",
                    "=Succeeded",
                    "=AmountMismatch",
                    "!F",
                    "!F",
                    "!F",
                    "!N",
                    "!N",
                ],
            ),
            (
                S::Refunded,
                ["!F", "!S", "!S", "!F", "!F", "!F", "!F", "!F"],
            ),
            (
                S::PartiallyRefunded,
                [
                    "!F",
                    "!S",
                    "!S",
                    "!F",
                    "!F",
                    "!F",
                    "=PartiallyRefunded",
                    "=Refunded",
                ],
            ),
        ];
        assert_eq!(table.len(), State::ALL.len());
        let mut checked = 0;
        for (state, row) in table {
            for (event, want) in E::ALL.into_iter().zip(row) {
                let got = match transition(state, event) {
                    Ok(s) => format!("={s:?}"),
                    Err(TransitionError::AlreadySettled) => "!S".to_string(),
                    Err(TransitionError::NotSettled) => "!N".to_string(),
                    Err(TransitionError::Finished { from, event: e }) => {
                        assert_eq!((from, e), (state, event));
                        "!F".to_string()
                    }
                };
                assert_eq!(got, want, "{state:?} + {event:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 72);
    }

    #[test]
    fn duplicate_callbacks_settle_once() {
        let mut state = State::Redirected;
        let mut settlements = 0;
        for _ in 0..20 {
            if let Ok(next) = transition(state, Event::Paid) {
                state = next;
                settlements += 1;
            }
        }
        assert_eq!(settlements, 1);
        assert_eq!(state, State::Succeeded);
    }

    #[test]
    fn every_external_status_has_distinct_labels_in_both_languages() {
        for lang in [Status::label_vi as fn(Status) -> &'static str, Status::label_en] {
            let labels: std::collections::HashSet<_> = Status::ALL.iter().map(|s| lang(*s)).collect();
            assert_eq!(labels.len(), Status::ALL.len());
            assert!(labels.iter().all(|l| !l.is_empty()));
        }
        for s in Status::ALL {
            assert_ne!(s.label_en(), s.label_vi(), "{s:?}");
        }
        // Every internal state maps to one of them.
        assert!(State::ALL.iter().all(|s| Status::ALL.contains(&s.view().status)));
    }

    #[test]
    fn external_view_has_few_states_and_vietnamese_labels() {
        assert_eq!(
            State::Succeeded.view(),
            PaymentView {
                status: Status::Paid,
                finished: true,
                label: "Đã thanh toán".into()
            }
        );
        assert_eq!(State::Redirected.view().label, "Chờ thanh toán");
        assert!(!State::Created.view().finished);
        assert_eq!(State::Failed.view().label, "Thanh toán thất bại");
        assert!(State::ALL.iter().filter(|s| !s.view().finished).count() == 2);
        assert_eq!(
            serde_json::to_value(State::AmountMismatch.view()).unwrap(),
            serde_json::json!({"status": "needs_review", "finished": true, "label": "Số tiền không khớp, đang được kiểm tra"})
        );
    }

    #[test]
    fn settled_means_the_fee_counts_as_paid() {
        let settled: Vec<State> = State::ALL.into_iter().filter(|s| s.is_settled()).collect();
        assert_eq!(settled, vec![State::Succeeded, State::PartiallyRefunded]);
    }
}
