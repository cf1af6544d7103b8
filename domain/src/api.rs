//! The serde types that cross the wire between the functions and the app. Both shells use these
//! so a renamed field breaks the build instead of a page.

use serde::{Deserialize, Serialize};

/// The error envelope of every failed API call: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    /// English, for API clients.
    pub message: String,
    /// Vietnamese, what the app shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub version: String,
    pub d1: bool,
    pub r2: bool,
    pub sequences: bool,
}

/// One node of the agency tree (any depth: provinces merged and districts were abolished in 2025).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyNode {
    pub code: String,
    pub name: String,
    /// `province`, `district`, `commune`, or a department's own level.
    pub level: String,
    #[serde(default)]
    pub children: Vec<AgencyNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    /// National base procedure code (mã TTHC), e.g. `2.000815`.
    pub code: String,
    pub name: String,
    pub level: String,
    pub processing_days: u32,
    pub has_fees: bool,
    pub online_payment: bool,
}

/// `POST /api/fees/quote` body: the inputs named by the procedure's fee schedule
/// (`{"procedure": "2.000815", "agency": "000.00.51.H23", "inputs": {"pages": 5, "copies": 1}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeQuoteRequest {
    pub procedure: String,
    pub agency: String,
    #[serde(default)]
    pub inputs: serde_json::Map<String, serde_json::Value>,
}

/// `POST /api/fees/quote` answer: `{"total": 7000, "lines": [...], ...}`, amounts in đồng.
pub type FeeQuoteResponse = crate::fee::FeeBreakdown;
