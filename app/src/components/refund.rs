//! A refund's status in words, the same on the citizen's dossier and at the desk.

use crate::i18n::t;

/// The label of a refund status as the API names it; an unknown one is shown as it came.
pub fn status_label(status: &str) -> String {
    match status {
        "requested" => t("Chờ duyệt", "Awaiting approval"),
        "approved" => t("Đã duyệt, chờ chuyển khoản", "Approved, awaiting the transfer"),
        "paid" => t("Đã chuyển khoản", "Transferred"),
        "rejected" => t("Từ chối", "Rejected"),
        "done" => t("Đã hoàn", "Refunded"),
        "processing" => t("Đang xử lý", "In progress"),
        "failed" => t("Không thực hiện được", "Could not be completed"),
        // Recorded before refunds were decided under four eyes: paid back by the accountant.
        "manual" => t("Cơ quan sẽ chuyển khoản hoàn lại", "The agency will transfer it back"),
        other => return other.to_string(),
    }
    .to_string()
}
