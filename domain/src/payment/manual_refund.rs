//! A refund the provider cannot make itself (a bank transfer by VietQR, the national payment
//! platform): the agency's accountant pays it back by transfer. Money leaves a public account,
//! so two people take part: one officer requests it, another approves (never the requester),
//! and it is marked paid only with the bank transfer's reference; either officer but the
//! requester may reject it instead, which releases the reserved amount.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Requested,
    Approved,
    Paid,
    Rejected,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "requested" => Some(Status::Requested),
            "approved" => Some(Status::Approved),
            "paid" => Some(Status::Paid),
            "rejected" => Some(Status::Rejected),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Approved => "approved",
            Status::Paid => "paid",
            Status::Rejected => "rejected",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Requested => "Chờ duyệt",
            Status::Approved => "Đã duyệt, chờ chuyển khoản",
            Status::Paid => "Đã chuyển khoản",
            Status::Rejected => "Từ chối",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Approve,
    Reject,
    /// The bank transfer that paid it back.
    MarkPaid { transfer_ref: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    /// The requester may not approve or reject their own request.
    SameOfficer,
    /// Not possible from this status.
    WrongState(Status),
    /// Marked paid without the transfer's reference.
    TransferRefRequired,
}

impl RefusalReason {
    pub fn code(&self) -> &'static str {
        match self {
            RefusalReason::SameOfficer => "same_officer",
            RefusalReason::WrongState(_) => "wrong_state",
            RefusalReason::TransferRefRequired => "required",
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            RefusalReason::SameOfficer => "Người đề nghị hoàn tiền không được tự duyệt hoặc từ chối đề nghị của mình; cần một cán bộ khác.".into(),
            RefusalReason::WrongState(s) => format!("Đề nghị hoàn tiền đang ở trạng thái \"{}\" nên không thực hiện được thao tác này.", s.label_vi()),
            RefusalReason::TransferRefRequired => "Vui lòng nhập số tham chiếu của giao dịch chuyển khoản hoàn tiền.".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            RefusalReason::SameOfficer => "The officer who requested the refund cannot approve or reject it; another officer must.".into(),
            RefusalReason::WrongState(s) => format!("The refund is {}; this action is not possible.", s.as_str()),
            RefusalReason::TransferRefRequired => "The bank transfer reference is required.".into(),
        }
    }
}

/// The next status of a hand-paid refund, decided from its status, who asks and who requested it.
pub fn decide(status: Status, command: &Command, actor: &str, requester: &str) -> Result<Status, RefusalReason> {
    match (status, command) {
        (Status::Requested, Command::Approve | Command::Reject) if actor == requester => Err(RefusalReason::SameOfficer),
        (Status::Approved, Command::Reject) if actor == requester => Err(RefusalReason::SameOfficer),
        (Status::Requested, Command::Approve) => Ok(Status::Approved),
        (Status::Requested | Status::Approved, Command::Reject) => Ok(Status::Rejected),
        (Status::Approved, Command::MarkPaid { transfer_ref }) if transfer_ref.trim().is_empty() => Err(RefusalReason::TransferRefRequired),
        (Status::Approved, Command::MarkPaid { .. }) => Ok(Status::Paid),
        (s, _) => Err(RefusalReason::WrongState(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 4] = [Status::Requested, Status::Approved, Status::Paid, Status::Rejected];

    fn paid() -> Command {
        Command::MarkPaid { transfer_ref: "FT26340123456".into() }
    }

    #[test]
    fn a_refund_needs_a_second_officer_and_a_transfer_reference() {
        assert_eq!(decide(Status::Requested, &Command::Approve, "a", "a"), Err(RefusalReason::SameOfficer));
        assert_eq!(decide(Status::Requested, &Command::Reject, "a", "a"), Err(RefusalReason::SameOfficer));
        assert_eq!(decide(Status::Requested, &Command::Approve, "b", "a"), Ok(Status::Approved));
        assert_eq!(decide(Status::Requested, &paid(), "b", "a"), Err(RefusalReason::WrongState(Status::Requested)), "never paid unapproved");
        assert_eq!(decide(Status::Approved, &Command::MarkPaid { transfer_ref: " ".into() }, "b", "a"), Err(RefusalReason::TransferRefRequired));
        assert_eq!(decide(Status::Approved, &paid(), "b", "a"), Ok(Status::Paid));
        assert_eq!(decide(Status::Approved, &Command::Reject, "b", "a"), Ok(Status::Rejected));
    }

    #[test]
    fn paid_and_rejected_are_final_for_everyone() {
        for s in [Status::Paid, Status::Rejected] {
            for c in [Command::Approve, Command::Reject, paid()] {
                assert_eq!(decide(s, &c, "b", "a"), Err(RefusalReason::WrongState(s)));
            }
        }
        for s in ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert!(!s.label_vi().is_empty());
        }
    }
}
