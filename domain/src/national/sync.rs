//! Delivery of the portal's messages, independent of the portal: each message is `pending` until
//! a sender claims it (`sent`), then `acknowledged`, or back to `pending` with a later try on a
//! transient failure, or `failed` when the portal refused it or the ladder ran out. A dossier's
//! messages go strictly in order: one is sent only when every earlier one is acknowledged, so a
//! later state never overtakes an earlier one at the portal.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Pending,
    Sent,
    Acknowledged,
    Failed,
}

impl SyncState {
    pub fn label_vi(self) -> &'static str {
        match self {
            SyncState::Pending => "Chờ gửi",
            SyncState::Sent => "Đang gửi",
            SyncState::Acknowledged => "Cổng DVCQG đã nhận",
            SyncState::Failed => "Gửi không thành công",
        }
    }
}

/// Waits after the 1st, 2nd, … failed attempt: about a minute first, two days last, then the
/// message is given up (dead-lettered) and waits for an operator. Together ≈ 3,9 days, so a
/// portal down over a long weekend is caught up without anyone's help.
pub const LADDER_SECONDS: [i64; 9] = [60, 300, 900, 3_600, 3 * 3_600, 6 * 3_600, 12 * 3_600, 24 * 3_600, 48 * 3_600];

/// How long a claim holds: a sender that died after claiming leaves the message to the next
/// sweep after this, as if the attempt had failed.
pub const CLAIM_SECONDS: i64 = 120;

/// One message as the sender sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub state: SyncState,
    pub attempts: u32,
    pub next_try_at: OffsetDateTime,
}

/// Which of a dossier's messages (in order) may be sent now: the first one not acknowledged,
/// if it is due. A failed one blocks the dossier until an operator retries it.
pub fn next_to_send(messages: &[Message], now: OffsetDateTime) -> Option<&Message> {
    let first = messages.iter().find(|m| m.state != SyncState::Acknowledged)?;
    let due = first.next_try_at <= now;
    match first.state {
        SyncState::Pending | SyncState::Sent if due => Some(first),
        _ => None,
    }
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Acknowledged,
    /// Worth trying again (the portal down, a timeout, a 5xx).
    Transient { code: String, detail: String },
    /// The portal refused the content; the same message will be refused again.
    Refused { code: String, detail: String },
}

/// The state a message is written with after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterAttempt {
    pub state: SyncState,
    pub next_try_at: OffsetDateTime,
    pub error_code: Option<String>,
    pub error: Option<String>,
}

/// Decides what an attempt's outcome does to a message that has now been tried `attempts`
/// times (this attempt included).
pub fn after_attempt(attempts: u32, outcome: &Outcome, now: OffsetDateTime) -> AfterAttempt {
    match outcome {
        Outcome::Acknowledged => AfterAttempt { state: SyncState::Acknowledged, next_try_at: now, error_code: None, error: None },
        Outcome::Refused { code, detail } => {
            AfterAttempt { state: SyncState::Failed, next_try_at: now, error_code: Some(code.clone()), error: Some(detail.clone()) }
        }
        Outcome::Transient { code, detail } => match LADDER_SECONDS.get(attempts.saturating_sub(1) as usize) {
            Some(wait) => AfterAttempt {
                state: SyncState::Pending,
                next_try_at: now + Duration::seconds(*wait),
                error_code: Some(code.clone()),
                error: Some(detail.clone()),
            },
            None => AfterAttempt {
                state: SyncState::Failed,
                next_try_at: now,
                error_code: Some("gave_up".into()),
                error: Some(format!("{attempts} attempts failed; the last: {detail}")),
            },
        },
    }
}

/// Why an operator's retry is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryError {
    NotFailed(SyncState),
}

impl RetryError {
    pub fn message_vi(self) -> String {
        let RetryError::NotFailed(s) = self;
        format!("Chỉ gửi lại được tin chưa gửi thành công; tin này đang ở trạng thái “{}”.", s.label_vi())
    }
    pub fn message_en(self) -> String {
        let RetryError::NotFailed(s) = self;
        format!("Only a failed message can be retried; this one is {s:?}.")
    }
}

/// An operator's retry: a failed message starts the ladder again, due now.
pub fn retry(state: SyncState, now: OffsetDateTime) -> Result<AfterAttempt, RetryError> {
    match state {
        SyncState::Failed => Ok(AfterAttempt { state: SyncState::Pending, next_try_at: now, error_code: None, error: None }),
        other => Err(RetryError::NotFailed(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-06 10:00 UTC);

    fn msg(id: i64, state: SyncState, due_in: i64) -> Message {
        Message { id, state, attempts: 0, next_try_at: NOW + Duration::seconds(due_in) }
    }

    #[test]
    fn only_the_first_unacknowledged_message_goes_and_only_when_due() {
        let ms = [msg(1, SyncState::Acknowledged, 0), msg(2, SyncState::Pending, 0), msg(3, SyncState::Pending, -10)];
        assert_eq!(next_to_send(&ms, NOW).map(|m| m.id), Some(2));
        let ms = [msg(1, SyncState::Pending, 60), msg(2, SyncState::Pending, -10)];
        assert_eq!(next_to_send(&ms, NOW), None, "a later message never overtakes a waiting one");
        let ms = [msg(1, SyncState::Failed, -10), msg(2, SyncState::Pending, -10)];
        assert_eq!(next_to_send(&ms, NOW), None, "a failed message blocks the dossier");
        let ms = [msg(1, SyncState::Sent, 30)];
        assert_eq!(next_to_send(&ms, NOW), None, "a live claim is left alone");
        let ms = [msg(1, SyncState::Sent, -1)];
        assert_eq!(next_to_send(&ms, NOW).map(|m| m.id), Some(1), "an expired claim is taken again");
        assert_eq!(next_to_send(&[msg(1, SyncState::Acknowledged, 0)], NOW), None);
    }

    #[test]
    fn transient_failures_climb_the_ladder_then_give_up() {
        let down = Outcome::Transient { code: "server_error".into(), detail: "HTTP 503".into() };
        let first = after_attempt(1, &down, NOW);
        assert_eq!((first.state, first.next_try_at), (SyncState::Pending, NOW + Duration::minutes(1)));
        let last = after_attempt(LADDER_SECONDS.len() as u32, &down, NOW);
        assert_eq!((last.state, last.next_try_at), (SyncState::Pending, NOW + Duration::days(2)));
        let gone = after_attempt(LADDER_SECONDS.len() as u32 + 1, &down, NOW);
        assert_eq!(gone.state, SyncState::Failed);
        assert_eq!(gone.error_code.as_deref(), Some("gave_up"));
        let mut waits = LADDER_SECONDS.to_vec();
        waits.sort();
        assert_eq!(waits, LADDER_SECONDS.to_vec(), "the ladder never shortens");
    }

    #[test]
    fn a_refusal_fails_at_once_and_an_ack_clears_the_error() {
        let refused = after_attempt(1, &Outcome::Refused { code: "refused".into(), detail: "Sai MaTTHC".into() }, NOW);
        assert_eq!(refused.state, SyncState::Failed);
        assert_eq!(refused.error.as_deref(), Some("Sai MaTTHC"));
        let ok = after_attempt(3, &Outcome::Acknowledged, NOW);
        assert_eq!((ok.state, ok.error), (SyncState::Acknowledged, None));
    }

    #[test]
    fn only_failed_messages_are_retried_by_hand() {
        assert_eq!(retry(SyncState::Failed, NOW).unwrap().state, SyncState::Pending);
        for s in [SyncState::Pending, SyncState::Sent, SyncState::Acknowledged] {
            assert_eq!(retry(s, NOW), Err(RetryError::NotFailed(s)));
        }
    }
}
