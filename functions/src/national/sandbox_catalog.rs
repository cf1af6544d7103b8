//! The national portal's share services imitated for development (`SANDBOX=1` only): `POST
//! /sandbox/dvcqg/share` answers `LayDanhSachTTHC` and `LayThuTuc` with the session checked as the
//! integration endpoint checks it. Its catalog is ours (by the portal's codes, our mappings
//! applied) with a few deliberate differences, fixed by procedure code so that tests can name
//! them and a review list is never empty:
//! - 1.000894 (kết hôn) is published under another name;
//! - 2.000884 (chứng thực chữ ký) charges 2.000 đồng more per fee;
//! - 1.000656 (khai tử) takes one working day more;
//! - 1.004873 (xác nhận tình trạng hôn nhân) cites a legal basis we do not;
//! - 2.000635 (bản sao trích lục hộ tịch) is not published;
//! - 1.999999 is published and not ours.

use motcua_domain::national::catalog::{self as rules, LegalBasis, Listed, NationalFee, NationalProcedure, Processing};
use serde_json::{json, Value};
use worker::Response;

use super::catalog::{procedures, FeeCodeRow, ProcedureRow};
use super::sandbox::{hour_now, sandbox_only, session_for};
use crate::platform::error::ApiError;
use crate::platform::http::{json as reply_json, Ctx};
use crate::platform::settings::config;

pub const RENAMED: &str = "1.000894";
pub const DEARER: &str = "2.000884";
pub const SLOWER: &str = "1.000656";
pub const MORE_LAW: &str = "1.004873";
pub const UNPUBLISHED: &str = "2.000635";
pub const ONLY_NATIONAL: &str = "1.999999";

/// Our procedure as the sandbox portal publishes it.
fn published(row: &ProcedureRow, fees: &[FeeCodeRow]) -> NationalProcedure {
    let ours = row.ours(fees);
    let plain = ours.name.strip_prefix("Thủ tục ").map(|n| {
        let mut c = n.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    });
    let mut name = plain.unwrap_or_else(|| ours.name.clone());
    if row.code == RENAMED {
        name = format!("{name} (sửa đổi theo Quyết định công bố năm 2026)");
    }
    let days = ours.processing_days + u32::from(row.code == SLOWER);
    let extra = if row.code == DEARER { 2_000 } else { 0 };
    let mut legal_bases: Vec<LegalBasis> = row
        .legal_basis
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| LegalBasis { number: String::new(), title: p.to_string() })
        .collect();
    if row.code == MORE_LAW {
        legal_bases.push(LegalBasis {
            number: "04/2020/TT-BTP".into(),
            title: "Thông tư 04/2020/TT-BTP quy định chi tiết thi hành một số điều của Luật Hộ tịch".into(),
        });
    }
    NationalProcedure {
        code: ours.national_code.clone(),
        name,
        processing: Some(Processing { amount: days.to_string(), unit: "Ngày làm việc".into() }),
        fees: ours
            .fees
            .iter()
            .map(|f| NationalFee { code: f.national_code.clone(), amount: f.amount.map(|a| a + extra), description: f.name.clone() })
            .collect(),
        legal_bases,
        documents: row.documents(),
    }
}

fn only_national() -> NationalProcedure {
    NationalProcedure {
        code: ONLY_NATIONAL.into(),
        name: "Thủ tục thử nghiệm chỉ có trên Cổng DVCQG".into(),
        processing: Some(Processing { amount: "5".into(), unit: "Ngày làm việc".into() }),
        fees: vec![],
        legal_bases: vec![],
        documents: vec!["Tờ khai".into()],
    }
}

pub async fn share(ctx: &mut Ctx) -> Result<Response, ApiError> {
    sandbox_only(ctx)?;
    let text = ctx.body_text(64 * 1024).await.unwrap_or_default();
    let Ok(body) = serde_json::from_str::<Value>(&text) else {
        return reply_json(&json!({"error_code": "1", "message": "Dữ liệu gửi lên không phải JSON"}));
    };
    let password = config(&ctx.env).national.as_ref().map(|a| a.password.expose().to_string()).unwrap_or_default();
    let session = body.get("session").and_then(Value::as_str).unwrap_or("");
    let hour = hour_now();
    if session.is_empty() || (session != session_for(&password, hour) && session != session_for(&password, hour - 1)) {
        return reply_json(&json!({"error_code": "-2", "message": "session không hợp lệ hoặc đã hết hạn"}));
    }
    let (rows, fees) = procedures(&ctx.national()?).await?;
    let catalog: Vec<NationalProcedure> = rows
        .iter()
        .filter(|r| r.code != UNPUBLISHED)
        .map(|r| published(r, &fees))
        .chain(std::iter::once(only_national()))
        .collect();
    match body.get("service").and_then(Value::as_str).unwrap_or("") {
        rules::SERVICE_LIST => {
            let listed: Vec<Listed> = catalog.iter().map(|p| Listed { code: p.code.clone(), name: p.name.clone() }).collect();
            reply_json(&rules::list_reply(&listed))
        }
        rules::SERVICE_PROCEDURE => {
            let code = body.get("maTTHC").and_then(Value::as_str).unwrap_or("");
            if code.is_empty() {
                return reply_json(&json!({"error_code": "1", "message": "Thiếu maTTHC"}));
            }
            reply_json(&rules::procedure_reply(catalog.iter().find(|p| p.code == code)))
        }
        other => reply_json(&json!({"error_code": "1", "message": format!("Dịch vụ {other} không được hỗ trợ")})),
    }
}
