use proptest::prelude::*;
use time::macros::{date, datetime};

use super::*;
use crate::codes::AgencyCode;

const TODAY: Date = date!(2026 - 12 - 06);
// 10:00 in Vietnam on TODAY.
const NOW: OffsetDateTime = datetime!(2026-12-06 03:00 UTC);

fn fine_input() -> NewBillInput {
    serde_json::from_value(serde_json::json!({
        "kind": "fine",
        "agency": "000.00.08.H23",
        "payer": {"name": "Nguyễn Văn An", "id_number": "030085001234", "phone": "0912345678"},
        "document": {"number": "125/QĐ-XPHC", "date": "2026-12-01", "violation": "Điểm a khoản 2 Điều 6 NĐ 100/2019", "issued_by": "Trần Văn Bình"},
        "lines": [{"name": "Tiền phạt", "amount": 1500000, "budget_item": "4254"}],
        "due_date": "2026-12-16"
    }))
    .unwrap()
}

#[test]
fn a_fine_is_checked_and_owed_to_the_state_budget() {
    let bill = fine_input().validate(TODAY).unwrap();
    assert_eq!(bill.kind, Kind::Fine);
    assert_eq!(bill.total, Vnd::dong(1_500_000));
    assert_eq!(bill.lines[0].kind, FeeKind::LePhi, "a fine goes to the treasury account");
    assert_eq!(line_budget_item(&bill.lines[0]), Some("4254"));
    assert_eq!(bill.payer_id.masked(), "03*******234");
    assert_eq!(bill.due_date, date!(2026 - 12 - 16));
}

#[test]
fn every_wrong_field_is_named_by_its_path() {
    let cases: Vec<(fn(&mut NewBillInput), &str, &str)> = vec![
        (|i| i.kind = "procedure_fee".into(), "kind", "invalid_choice"),
        (|i| i.kind = "tax".into(), "kind", "invalid_choice"),
        (|i| i.agency = "H23".into(), "agency", "invalid_format"),
        (|i| i.payer.name = " ".into(), "payer.name", "required"),
        (|i| i.payer.id_number = "12345".into(), "payer.id_number", "invalid_format"),
        (|i| i.payer.phone = Some("12".into()), "payer.phone", "invalid_format"),
        (|i| i.document.number = "".into(), "document.number", "required"),
        (|i| i.document.date = "2026-12-07".into(), "document.date", "in_future"),
        (|i| i.document.violation = None, "document.violation", "required"),
        (|i| i.document.issued_by = Some("".into()), "document.issued_by", "required"),
        (|i| i.lines.clear(), "lines", "required"),
        (|i| i.lines[0].amount = 0, "lines.0.amount", "too_small"),
        (|i| i.lines[0].beneficiary = Some("bank".into()), "lines.0.beneficiary", "invalid_choice"),
        (|i| i.lines[0].budget_item = Some("42".into()), "lines.0.budget_item", "invalid_format"),
        (|i| i.due_date = "2026-12-05".into(), "due_date", "in_past"),
        (|i| i.due_date = "2036-12-05".into(), "due_date", "too_far"),
    ];
    for (change, field, code) in cases {
        let mut input = fine_input();
        change(&mut input);
        let e = input.validate(TODAY).unwrap_err();
        assert_eq!((e.field.as_str(), e.code.as_str()), (field, code), "{e:?}");
        assert!(!e.message_vi.is_empty());
    }
    // A due date of today is still payable today.
    let mut input = fine_input();
    input.due_date = "2026-12-06".into();
    assert!(input.validate(TODAY).is_ok());
}

#[test]
fn payer_ids_are_citizen_numbers_or_tax_codes() {
    assert!(matches!(PayerId::parse("p", "0301 0234 5678"), Ok(PayerId::Citizen(_))));
    assert_eq!(PayerId::parse("p", "0101234567").unwrap().as_str(), "0101234567");
    assert_eq!(PayerId::parse("p", "0101234567-001").unwrap().as_str(), "0101234567-001");
    assert_eq!(PayerId::parse("p", "0101234567001").unwrap().as_str(), "0101234567-001");
    for bad in ["", "abc", "01012345", "0101234567-01", "999012345678"] {
        assert!(PayerId::parse("p", bad).is_err(), "{bad}");
    }
}

#[test]
fn bill_codes_carry_the_kind_and_are_not_dossier_codes() {
    let agency = AgencyCode::parse("a", "000.00.08.H23").unwrap();
    let code = BillCode::new(Kind::Fine, agency, TODAY, 7).unwrap();
    assert_eq!(code.to_string(), "000.00.08.H23-P261206-0007");
    assert_eq!(BillCode::parse("code", " 000.00.08.h23-p261206-0007 ").unwrap(), code);
    assert_eq!(BillCode::parse("code", "000.00.08.H23-261206-0007").unwrap_err().code, "dossier_code");
    for bad in ["", "000.00.08.H23-X261206-0007", "000.00.08.H23-P261306-0007", "000.00.08.H23-P261206-07", "P261206-0007"] {
        assert!(BillCode::parse("code", bad).is_err(), "{bad}");
    }
    assert!(BillCode::new(Kind::ProcedureFee, agency, TODAY, 1).is_err());
}

proptest! {
    #[test]
    fn bill_codes_round_trip(k in 0usize..4, days in 0i64..20_000, seq in 1u32..=999_999) {
        let agency = AgencyCode::parse("a", "000.00.08.H23").unwrap();
        let date = date!(2000 - 01 - 01) + time::Duration::days(days);
        let code = BillCode::new(Kind::STANDALONE[k], agency, date, seq).unwrap();
        prop_assert_eq!(BillCode::parse("c", &code.to_string()).unwrap(), code);
        prop_assert_eq!(code.kind(), Kind::STANDALONE[k]);
    }
}

fn facts(state: State, due: Date) -> Facts {
    Facts { kind: Kind::Fine, state, due_date: Some(due), total: 100 }
}

#[test]
fn only_an_open_bill_changes_and_a_late_payment_still_settles() {
    let cancel = Command::Cancel { reason: "Quyết định bị hủy".into() };
    let d = decide(facts(State::Open, TODAY), &cancel, NOW).unwrap();
    assert_eq!((d.from, d.to, d.action), (State::Open, State::Cancelled, "bill.cancel"));
    assert_eq!(d.audit_after["reason"], "Quyết định bị hủy");
    for s in [State::Paid, State::Cancelled, State::Expired] {
        assert_eq!(decide(facts(s, TODAY), &cancel, NOW), Err(BillError::NotOpen(s)));
    }
    assert_eq!(decide(facts(State::Open, TODAY), &Command::Expire, NOW), Err(BillError::NotDue), "due today is not past due");
    assert_eq!(decide(facts(State::Open, date!(2026 - 12 - 05)), &Command::Expire, NOW).unwrap().to, State::Expired);
    assert_eq!(decide(facts(State::Expired, date!(2026 - 12 - 05)), &Command::Settle, NOW).unwrap().to, State::Paid);
    assert_eq!(decide(facts(State::Paid, TODAY), &Command::Settle, NOW), Err(BillError::NotOpen(State::Paid)));
    assert_eq!(decide(facts(State::Cancelled, TODAY), &Command::Settle, NOW), Err(BillError::NotOpen(State::Cancelled)));
    let notice = Facts { kind: Kind::ProcedureFee, state: State::Open, due_date: None, total: 100 };
    assert_eq!(decide(notice, &cancel, NOW), Err(BillError::ProcedureFee));
}

#[test]
fn payable_only_while_open_and_not_past_due() {
    assert_eq!(payable(facts(State::Open, TODAY), NOW), Ok(Vnd::dong(100)));
    assert_eq!(payable(facts(State::Open, date!(2026 - 12 - 05)), NOW), Err(BillError::PastDue));
    for s in [State::Paid, State::Cancelled, State::Expired] {
        let e = payable(facts(s, TODAY), NOW).unwrap_err();
        assert_eq!(e, BillError::NotOpen(s));
        assert!(e.message_vi().len() > 10);
    }
    assert_eq!(BillError::NotOpen(State::Paid).code(), "bill_paid");
    assert_eq!(BillError::PastDue.code(), "bill_expired");
}

const CSV_HEADER: &str = "kind,agency,payer_name,payer_id,payer_phone,document_number,document_date,violation,issued_by,line_name,amount,beneficiary,budget_item,due_date\n";

#[test]
fn an_import_groups_lines_into_bills() {
    let csv = format!(
        "{CSV_HEADER}land_obligation,000.00.08.H23,Lê Thị Hoa,030085001234,,TB-001/CCT,2026-12-01,,,Lệ phí trước bạ nhà đất,\"2.000.000\",,2801,2026-12-31\n\
         land_obligation,000.00.08.H23,Lê Thị Hoa,030085001234,,TB-001/CCT,2026-12-01,,,Tiền sử dụng đất,150000000,,1401,2026-12-31\n\
         fine,000.00.08.H23,Công ty TNHH An Phát,0101234567,,12/QĐ-XPHC,2026-12-02,Không niêm yết giá,Phạm Văn C,Tiền phạt,5000000,,4254,2026-12-20\n"
    );
    let bills = import::parse(&csv, TODAY).unwrap();
    assert_eq!(bills.len(), 2);
    assert_eq!((bills[0].line, bills[0].bill.lines.len(), bills[0].bill.total), (2, 2, Vnd::dong(152_000_000)));
    assert_eq!((bills[1].line, bills[1].bill.kind), (4, Kind::Fine));
}

#[test]
fn an_import_names_every_bad_row_by_line_and_column() {
    let csv = format!(
        "{CSV_HEADER}fine,000.00.08.H23,Nguyễn An,030085001234,,1/QĐ,2026-12-01,Vi phạm,Cán bộ A,Tiền phạt,abc,,,2026-12-20\n\
         fine,000.00.08.H23,Nguyễn An,030085001234,,2/QĐ,2026-12-01,,Cán bộ A,Tiền phạt,100,,,2026-12-20\n\
         land_obligation,000.00.08.H23,Lê Hoa,030085001234,,TB-9,2026-12-01,,,LPTB,100,,,2026-12-31\n\
         land_obligation,000.00.08.H23,Lê Hòa,030085001234,,TB-9,2026-12-01,,,Tiền đất,100,,,2026-12-31\n\
         insurance,000.00.08.H23,Lê Hoa,030085001234,,BH-1,2026-12-01,,,BHYT,100,,,2025-01-01\n"
    );
    let errors = import::parse(&csv, TODAY).unwrap_err();
    let found: Vec<(usize, &str, &str)> = errors.iter().map(|e| (e.line, e.column.as_deref().unwrap(), e.code.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (2, "amount", "invalid_amount"),
            (3, "violation", "required"),
            (5, "payer_name", "differs_within_bill"),
            (6, "due_date", "in_past"),
        ]
    );
    assert!(import::parse("kind,agency\n", TODAY).unwrap_err()[0].code == "invalid_header");
    assert!(import::parse(CSV_HEADER, TODAY).unwrap_err()[0].code == "empty_file");
}

#[test]
fn a_payment_link_takes_a_fixed_or_ranged_amount() {
    let input: link::LinkInput = serde_json::from_value(serde_json::json!({
        "agency": "000.00.08.H23", "slug": "hoc-phi-mam-non", "title": "Học phí mầm non",
        "reference_label": "Mã học sinh", "min_amount": 100000, "max_amount": 2000000, "line_name": "Học phí"
    }))
    .unwrap();
    let link = input.validate().unwrap();
    assert_eq!(link.charge, link::Charge::Range { min: 100_000, max: 2_000_000 });
    let pay = |amount: Option<i64>| {
        link.take(&link::LinkPaymentInput {
            provider: "vietqr".into(),
            reference: "HS-0042".into(),
            payer: PayerInput { name: "Lê Hoa".into(), id_number: "030085001234".into(), phone: None },
            amount,
        })
    };
    let ok = pay(Some(500_000)).unwrap();
    assert_eq!(ok.line.amount, Vnd::dong(500_000));
    assert!(ok.line.name.contains("HS-0042"));
    assert_eq!(pay(None).unwrap_err().field, "amount");
    assert_eq!(pay(Some(99_999)).unwrap_err().code, "out_of_range");
    for (slug, ok) in [("ab", false), ("Hoc-phi", false), ("-abc", false), ("le-phi-2026", true)] {
        assert_eq!(link::parse_slug("slug", slug).is_ok(), ok, "{slug}");
    }
    let mut fixed = input.clone();
    fixed.amount = Some(50_000);
    assert_eq!(fixed.validate().unwrap_err().field, "amount", "a fixed amount and a range at once");
}
