//! The domain's hot paths, timed natively with criterion (`make bench` runs them with short
//! warm-up and measurement times): fee evaluation as the quote and submit routes do it, VNPay
//! IPN signature verification as the IPN route does it, and VietQR payload encoding and SVG
//! rendering as the bank-transfer payment start does it. Native timings are a lower bound of
//! the same code in the Worker's wasm; they show which step dominates, not the CPU bill.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use motcua_domain::fee::{self, FeeSchedule};
use motcua_domain::gateway::vietqr;
use motcua_domain::gateway::vnpay::{self, sandbox, VnpayConfig};
use motcua_domain::gateway::Secret;
use motcua_domain::money::Vnd;
use serde_json::{json, Map, Value};
use time::macros::{date, datetime};

fn schedule(code: &str) -> FeeSchedule {
    fee::find_schedule(&fee::demo_schedules(), code)
        .unwrap_or_else(|| panic!("no demo schedule {code}"))
        .clone()
}

fn inputs(v: Value) -> Map<String, Value> {
    v.as_object().expect("an object").clone()
}

fn fee_evaluation(c: &mut Criterion) {
    let on = date!(2026 - 11 - 23);
    let copies = schedule("2.000815");
    let copies_inputs = inputs(json!({"pages": 5, "copies": 3}));
    let registration = schedule("1.013831");
    let registration_inputs = inputs(json!({"value": 2_000_000_000_i64}));
    // Both must succeed, or the bench would time the error path.
    fee::evaluate(&copies, on, &copies_inputs).expect("2.000815 evaluates");
    fee::evaluate(&registration, on, &registration_inputs).expect("1.013831 evaluates");

    let mut g = c.benchmark_group("fee::evaluate");
    g.bench_function("2.000815 pages=5 copies=3", |b| {
        b.iter(|| fee::evaluate(black_box(&copies), on, black_box(&copies_inputs)))
    });
    g.bench_function("1.013831 value=2e9", |b| {
        b.iter(|| {
            fee::evaluate(
                black_box(&registration),
                on,
                black_box(&registration_inputs),
            )
        })
    });
    g.finish();
}

fn vnpay_verification(c: &mut Criterion) {
    let config = VnpayConfig::new("DEMOV210", Secret::new("SECRETKEYFORTESTS0123456789ABCDE"));
    let paid = sandbox::PaymentResult {
        txn_ref: "MC0123456789ABC".to_string(),
        amount: Vnd::dong(50_000),
        order_info: "Le phi chung thuc ho so 000.10.51.H27-261123-0001".to_string(),
        response_code: "00".to_string(),
        transaction_status: "00".to_string(),
        transaction_no: "14422574".to_string(),
        bank_code: "NCB".to_string(),
        pay_date: datetime!(2026-11-23 03:06:00 UTC),
    };
    let query = sandbox::callback_query(&config, &paid);
    assert!(
        vnpay::verify_callback_query(&config, &query)
            .expect("verifies")
            .is_paid()
    );

    c.bench_function("vnpay::verify_callback_query (IPN)", |b| {
        b.iter(|| vnpay::verify_callback_query(black_box(&config), black_box(&query)))
    });
}

fn vietqr_encoding(c: &mut Criterion) {
    let (bin, account, amount, purpose) = (
        "970415",
        "0011001932418",
        Vnd::dong(50_000),
        "MC0123456789ABC",
    );
    let payload = vietqr::payload(bin, account, amount, purpose).expect("a valid payload");

    let mut g = c.benchmark_group("vietqr");
    g.bench_function("payload", |b| {
        b.iter(|| {
            vietqr::payload(
                black_box(bin),
                black_box(account),
                amount,
                black_box(purpose),
            )
        })
    });
    g.bench_function("svg", |b| b.iter(|| vietqr::svg(black_box(&payload))));
    // The QR matrix alone (what `svg` calls first), to tell encoding from drawing.
    g.bench_function("svg: QR matrix only", |b| {
        b.iter(|| {
            qrcode::QrCode::with_error_correction_level(
                black_box(payload.as_bytes()),
                qrcode::EcLevel::M,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, fee_evaluation, vnpay_verification, vietqr_encoding);
criterion_main!(benches);
