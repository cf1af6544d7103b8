//! The living demo of `make dev`: a year of reproducible activity for the demo provinces, so a
//! leader who opens `/lanh-dao` sees the current year as the seeds describe it (a few communes
//! above the 30 % online-payment target, most below), an officer's desk has dossiers in every
//! state, and the payment and rating figures have something to count.
//!
//! Every step is decided by the domain's own rules — the dossier's transitions
//! (`dossier::transition`), its deadline (`calendar::deadline`), its code (`DossierCode`), the
//! fee (`fee::evaluate` on the published schedules), the receipt (`LegalReceipt::issue`) — so the
//! generated rows are what the Worker would have written had the year been lived through its API.
//! The output is SQL for the local D1 file (`scripts/gen_activity.py` applies it); nothing here
//! does I/O.

pub mod people;
pub mod rng;
mod sql;

use std::collections::{BTreeMap, HashMap};

use motcua_domain::calendar;
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::dossier::{transition, DossierAction, DossierStatus, Role};
use motcua_domain::fee::{self, FeeLineAmount, FeeSchedule};
use motcua_domain::gateway::Reference;
use motcua_domain::national::{portal, RatingValue};
use motcua_domain::receipt::{Collector, LegalReceipt, ReceiptItem, ReceiptNo, ReceiptSeries};
use serde::Deserialize;
use serde_json::{Map, Value};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use crate::rng::Rng;

/// What the demo database already holds that the activity is made of (read from the local D1
/// by `scripts/gen_activity.py`).
#[derive(Debug, Deserialize)]
pub struct Catalog {
    pub agencies: Vec<Agency>,
    pub handling: Vec<Handling>,
    pub procedures: Vec<Procedure>,
    /// The fee schedules of the procedures that have fees.
    pub schedules: Vec<FeeSchedule>,
    /// Officers and the agencies they work at (the actor of an officer's step).
    #[serde(default)]
    pub officers: Vec<Officer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Agency {
    pub code: String,
    pub name: String,
    pub level: String,
    #[serde(default)]
    pub tax_code: Option<String>,
    #[serde(default)]
    pub receipt_form_symbol: Option<String>,
    #[serde(default)]
    pub receipt_symbol: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Handling {
    pub agency: String,
    pub procedure: String,
    pub online_payment: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Procedure {
    pub code: String,
    pub processing_days: u32,
    pub has_fees: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Officer {
    pub id: String,
    pub agency: String,
}

pub struct Options {
    pub seed: u64,
    /// The Vietnamese calendar day the activity runs up to (exclusive: today is left to the
    /// live product, whose sequence numbers start after the generated ones).
    pub today: Date,
    /// Dossiers per commune per month, on average.
    pub per_commune_month: f64,
}

/// The online payment target of seeds 000 and 002, which the generated communes straddle.
pub const TARGET_ONLINE_PAYMENT: f64 = 0.30;

/// How often each procedure is asked for at a one-stop desk, relative to one another (birth
/// registration and certified copies dominate a commune's desk).
fn procedure_weight(code: &str) -> f64 {
    match code {
        "2.000815" => 8.0,
        "1.001193" => 5.0,
        "1.013831" => 4.0,
        "1.004222" | "2.000884" => 3.0,
        "1.000894" | "2.001035" | "2.000635" | "1.004873" => 2.0,
        _ => 1.0,
    }
}

const PROVIDERS: [(&str, f64); 5] = [("vnpay", 30.0), ("vietqr", 25.0), ("momo", 20.0), ("zalopay", 15.0), ("paygov", 10.0)];

#[derive(Debug, Clone)]
pub struct Dossier {
    pub id: String,
    pub code: String,
    pub agency: String,
    pub procedure: String,
    pub owner: Option<String>,
    pub channel: &'static str,
    pub status: DossierStatus,
    pub has_fees: bool,
    pub applicant_json: String,
    pub inputs_json: String,
    pub submitted_at: OffsetDateTime,
    pub deadline: Date,
    pub paid_online: Option<bool>,
    pub paid_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    pub search_text: String,
    pub version: u32,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub dossier_id: String,
    pub at: OffsetDateTime,
    pub role: Role,
    pub actor: Option<String>,
    pub action: DossierAction,
    pub from: Option<DossierStatus>,
    pub to: DossierStatus,
    pub reason: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Notice {
    pub id: String,
    pub dossier_id: String,
    pub agency: String,
    pub total: i64,
    pub lines: Vec<FeeLineAmount>,
    pub paid_by: Option<String>,
    pub closed_at: Option<OffsetDateTime>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: String,
    pub reference: String,
    pub bill_id: String,
    pub dossier_id: String,
    pub agency: String,
    pub provider: &'static str,
    pub amount: i64,
    pub provider_txn: String,
    pub started_by: String,
    pub created_at: OffsetDateTime,
    pub settled_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Receipt {
    pub number: String,
    pub agency: String,
    pub year: i32,
    pub seq: u64,
    pub payment_id: String,
    pub bill_id: String,
    pub dossier_id: String,
    pub payer_name: String,
    pub lines_json: String,
    pub total: i64,
    pub provider: &'static str,
    pub provider_txn: String,
    pub verify_code: String,
    pub issued_at: OffsetDateTime,
    pub legal_json: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Rating {
    pub id: String,
    pub dossier_id: String,
    pub citizen_id: String,
    pub score: u8,
    pub level: RatingValue,
    pub reasons: Vec<&'static str>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Citizen {
    pub id: String,
    pub phone: String,
    pub full_name: String,
    pub id_number: String,
    pub address: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Default)]
pub struct Activity {
    pub citizens: Vec<Citizen>,
    pub dossiers: Vec<Dossier>,
    pub events: Vec<Event>,
    pub notices: Vec<Notice>,
    pub payments: Vec<Payment>,
    pub receipts: Vec<Receipt>,
    pub ratings: Vec<Rating>,
}

const VN: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("UTC+7"),
};

/// The satisfaction level the national portal counts for a score of 1–5 (the portal's rule).
pub fn level_of(score: u8) -> RatingValue {
    portal::level_of_score(score).expect("a score of 1–5")
}

/// What a rating of `score` is about: a satisfied applicant praises one or two things, an
/// unsatisfied one names what went wrong (codes of `portal::RATING_REASONS`).
fn reasons_for(rng: &mut Rng, score: u8, late: bool, paid_online: Option<bool>) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if score <= 3 {
        if late {
            reasons.push("dung_hen");
        }
        let complaints = ["thu_tuc_giay_to", "thong_tin_huong_dan", "thai_do_can_bo", "nop_truc_tuyen"];
        reasons.push(*rng.pick(&complaints));
    } else {
        let praise = ["dung_hen", "thai_do_can_bo", "nop_truc_tuyen", "ket_qua", "thong_tin_huong_dan"];
        reasons.push(*rng.pick(&praise));
        if paid_online == Some(true) && rng.chance(0.5) {
            reasons.push("thanh_toan");
        }
    }
    reasons.dedup();
    reasons.retain(|code| portal::rating_reason(code).is_some());
    reasons
}

struct AgencyPlan<'a> {
    agency: &'a Agency,
    handling: Vec<&'a Handling>,
    /// Relative size (population served).
    size: f64,
    /// Its propensity to pay online: a few communes lead, most lag (seed 000).
    lean: f64,
    /// Its share of dossiers filed online at the start of the year.
    online_intake: f64,
    gso: u8,
    officer: Option<String>,
}

pub fn generate(catalog: &Catalog, options: &Options) -> Activity {
    let mut rng = Rng::new(options.seed);
    let procedures: HashMap<&str, &Procedure> = catalog.procedures.iter().map(|p| (p.code.as_str(), p)).collect();
    let schedules: HashMap<&str, &FeeSchedule> = catalog.schedules.iter().map(|s| (s.procedure.as_str(), s)).collect();
    let mut by_agency: BTreeMap<&str, Vec<&Handling>> = BTreeMap::new();
    for h in &catalog.handling {
        if procedures.contains_key(h.procedure.as_str()) {
            by_agency.entry(h.agency.as_str()).or_default().push(h);
        }
    }
    let mut plans: Vec<AgencyPlan> = Vec::new();
    for agency in &catalog.agencies {
        let Some(handling) = by_agency.get(agency.code.as_str()) else { continue };
        let Ok(code) = AgencyCode::parse("agency", &agency.code) else { continue };
        let Some(province) = code.province() else { continue };
        let commune = agency.level == "commune";
        let leader = commune && rng.chance(0.12);
        plans.push(AgencyPlan {
            agency,
            handling: handling.clone(),
            size: if commune { rng.between(0.5, 1.6) } else { rng.between(0.3, 0.8) },
            lean: if leader { rng.between(0.40, 0.60) } else { rng.between(0.04, 0.20) },
            online_intake: if leader { rng.between(0.35, 0.55) } else { rng.between(0.12, 0.35) },
            gso: province.gso,
            officer: catalog.officers.iter().find(|o| o.agency == agency.code).map(|o| o.id.clone()),
        });
    }
    let first_day = options.today - Duration::days(365);
    let span = (options.today - first_day).whole_days();
    let now = PrimitiveDateTime::new(options.today, Time::MIDNIGHT).assume_offset(VN).to_offset(UtcOffset::UTC);

    let mut out = Activity::default();
    let mut pool: Vec<usize> = Vec::new(); // indices of citizens, reused for repeat applicants
    let mut daily: HashMap<(String, Date), u32> = HashMap::new();
    let mut receipts_due: Vec<(Payment, String, String)> = Vec::new(); // payment, payer name, lines
    let mut n = 0usize;
    for plan in &plans {
        let months = 12.0;
        let count = (options.per_commune_month * months * plan.size).round() as usize;
        let weights: Vec<f64> = plan.handling.iter().map(|h| procedure_weight(&h.procedure)).collect();
        let mut days: Vec<Date> = (0..count)
            .map(|_| loop {
                let d = first_day + Duration::days(rng.range(0, span as u64) as i64);
                // Desks are open on working days; a few Saturday mornings (the "thứ Bảy" desks).
                if calendar::is_working_day(d) || (d.weekday() == Weekday::Saturday && rng.chance(0.15)) {
                    break d;
                }
            })
            .collect();
        days.sort();
        for day in days {
            n += 1;
            let h = plan.handling[rng.weighted(&weights)];
            let procedure = procedures[h.procedure.as_str()];
            let progress = (day - first_day).whole_days() as f64 / span as f64;
            let channel = if rng.chance((plan.online_intake + 0.15 * progress).min(0.9)) {
                "online"
            } else if rng.chance(0.05) {
                "post"
            } else {
                "counter"
            };
            let minutes = rng.range(7 * 60 + 30, 17 * 60) as i64;
            let local = PrimitiveDateTime::new(day, Time::MIDNIGHT) + Duration::minutes(minutes) + Duration::seconds(rng.range(0, 60) as i64);
            let t0 = local.assume_offset(VN).to_offset(UtcOffset::UTC);
            let seq = daily.entry((plan.agency.code.clone(), day)).or_insert(0);
            *seq += 1;
            let code = DossierCode::new(AgencyCode::parse("agency", &plan.agency.code).expect("checked above"), day, *seq)
                .expect("a day of this century and a small sequence")
                .to_string();
            let (owner, person) = if channel == "online" {
                // A third of online applicants have filed before.
                let i = if !pool.is_empty() && rng.chance(0.33) {
                    *rng.pick(&pool)
                } else {
                    let p = people::person(&mut rng, plan.gso, area_of(&plan.agency.name));
                    out.citizens.push(Citizen {
                        id: format!("act-cit-{:05}", out.citizens.len() + 1),
                        phone: p.phone.clone(),
                        full_name: p.full_name.clone(),
                        id_number: p.id_number.clone(),
                        address: p.address.clone(),
                        created_at: t0 - Duration::minutes(rng.range(3, 60 * 24 * 30) as i64),
                    });
                    pool.push(out.citizens.len() - 1);
                    out.citizens.len() - 1
                };
                let c = &out.citizens[i];
                (Some(c.id.clone()), people::Person { full_name: c.full_name.clone(), id_number: c.id_number.clone(), phone: c.phone.clone(), address: c.address.clone() })
            } else {
                (None, people::person(&mut rng, plan.gso, area_of(&plan.agency.name)))
            };
            // An exempt applicant (a birth registered on time, a poor household) gets no notice: the
            // desk refuses a notice of 0 đ. The demo draws the answers again until something is
            // owed, as most applicants of a fee-bearing procedure owe something.
            let schedule = schedules.get(procedure.code.as_str()).copied();
            let mut inputs = inputs_for(&mut rng, schedule, day, false);
            let mut breakdown = schedule.and_then(|s| fee::evaluate(s, day, &inputs).ok());
            for _ in 0..6 {
                if !procedure.has_fees || breakdown.as_ref().is_some_and(|b| !b.total.is_zero()) {
                    break;
                }
                inputs = inputs_for(&mut rng, schedule, day, true);
                breakdown = schedule.and_then(|s| fee::evaluate(s, day, &inputs).ok());
            }
            let applicant = serde_json::json!({
                "full_name": person.full_name, "id_number": person.id_number, "phone": person.phone,
                "email": "", "address": person.address, "area": area_of(&plan.agency.name),
            });
            let id = format!("act-{n:06}");
            let deadline = calendar::deadline(local, procedure.processing_days.max(1));
            let mut d = Dossier {
                id: id.clone(),
                code: code.clone(),
                agency: plan.agency.code.clone(),
                procedure: procedure.code.clone(),
                owner: owner.clone(),
                channel,
                status: DossierStatus::Draft,
                has_fees: procedure.has_fees,
                applicant_json: applicant.to_string(),
                inputs_json: Value::Object(inputs.clone()).to_string(),
                submitted_at: t0,
                deadline,
                paid_online: None,
                paid_at: None,
                updated_at: t0,
                search_text: motcua_domain::desk::search_text(&code, &person.full_name, &person.phone, &person.id_number),
                version: 0,
            };
            let officer = plan.officer.clone();
            let mut life = Life { rng: &mut rng, d: &mut d, events: &mut out.events, now, officer: officer.clone(), owner: owner.clone() };
            // Reception.
            let mut t = t0;
            if channel == "online" {
                life.step(t, DossierAction::Submit, None);
                t += working_hours(life.rng, 1, 30);
                let r = life.rng.unit();
                if r < 0.05 {
                    if !life.step(t, DossierAction::RequestSupplement, Some("Bản sao giấy tờ chưa rõ nét, đề nghị bổ sung bản chụp rõ hơn.")) {
                        out.dossiers.push(d);
                        continue;
                    }
                    t += Duration::days(life.rng.range(1, 6) as i64);
                    if !life.rng.chance(0.7) || !life.step(t, DossierAction::Submit, None) {
                        out.dossiers.push(d);
                        continue;
                    }
                    t += working_hours(life.rng, 1, 16);
                } else if r < 0.07 {
                    life.step(t, DossierAction::Reject, Some("Thủ tục không thuộc thẩm quyền giải quyết của cơ quan."));
                    out.dossiers.push(d);
                    continue;
                } else if r < 0.085 {
                    life.step(t, DossierAction::Withdraw, Some("Công dân rút hồ sơ để nộp lại sau."));
                    out.dossiers.push(d);
                    continue;
                }
                if !life.step(t, DossierAction::Receive, None) {
                    out.dossiers.push(d);
                    continue;
                }
            } else {
                let reason = if channel == "post" { "Nhận qua dịch vụ bưu chính công ích" } else { "Nộp trực tiếp tại Bộ phận Một cửa" };
                life.step_as(t, DossierAction::Submit, Role::Officer, Some(reason));
                life.step(t, DossierAction::Receive, None);
            }
            // Fees.
            if d.has_fees {
                let Some(breakdown) = breakdown.filter(|b| !b.total.is_zero()) else {
                    out.dossiers.push(d);
                    continue;
                };
                t += working_hours(&mut rng, 1, 24);
                let mut life = Life { rng: &mut rng, d: &mut d, events: &mut out.events, now, officer: officer.clone(), owner: owner.clone() };
                if !life.step(t, DossierAction::NotifyFee, None) {
                    out.dossiers.push(d);
                    continue;
                }
                let notice_at = t;
                let total = breakdown.total.as_dong();
                let mut notice = Notice {
                    id: format!("act-bill-{n:06}"),
                    dossier_id: id.clone(),
                    agency: d.agency.clone(),
                    total,
                    lines: breakdown.lines.clone(),
                    paid_by: None,
                    closed_at: None,
                    created_by: officer.clone().unwrap_or_else(|| "system".into()),
                    created_at: notice_at,
                };
                // A few notices are never paid (the applicant gave up); a free procedure after an
                // exemption is not noticed at all.
                let abandoned = rng.chance(0.03);
                let online = h.online_payment && rng.chance((plan.lean * (0.7 + 0.5 * progress) + if channel == "online" { 0.06 } else { 0.0 }).min(0.95));
                t += if online { Duration::minutes(rng.range(3, 60 * 30) as i64) } else { working_hours(&mut rng, 1, 40) };
                if total <= 0 || abandoned || t >= now {
                    out.notices.push(notice);
                    out.dossiers.push(d);
                    continue;
                }
                let action = if online { DossierAction::PayOnline } else { DossierAction::PayAtCounter };
                let mut life = Life { rng: &mut rng, d: &mut d, events: &mut out.events, now, officer: officer.clone(), owner: owner.clone() };
                life.step(t, action, None);
                let provider = if online { PROVIDERS[rng.weighted(&PROVIDERS.map(|p| p.1))].0 } else { "counter" };
                let reference = Reference::from_random(rng.next_u64()).as_str().to_string();
                let payment_id = format!("act-pay-{n:06}");
                let payment = Payment {
                    id: payment_id.clone(),
                    reference: reference.clone(),
                    bill_id: notice.id.clone(),
                    dossier_id: id.clone(),
                    agency: d.agency.clone(),
                    provider,
                    amount: total,
                    provider_txn: if online { format!("{}{:010}", provider.to_uppercase(), rng.range(0, 10_000_000_000)) } else { format!("QUAY-{reference}") },
                    started_by: match (&owner, online) {
                        (Some(c), true) => format!("citizen:{c}"),
                        _ => format!("staff:{}", officer.clone().unwrap_or_else(|| "system".into())),
                    },
                    created_at: t - Duration::minutes(rng.range(1, 10) as i64),
                    settled_at: t,
                };
                d.paid_online = Some(online);
                d.paid_at = Some(t);
                notice.paid_by = Some(payment_id.clone());
                notice.closed_at = Some(t);
                receipts_due.push((payment.clone(), person.full_name.clone(), serde_json::to_string(&breakdown.lines).expect("lines serialize")));
                out.payments.push(payment);
                out.notices.push(notice);
            }
            // Processing and the result; a tenth run late (the dashboard's overdue list).
            let late = rng.chance(0.1);
            let mut life = Life { rng: &mut rng, d: &mut d, events: &mut out.events, now, officer: officer.clone(), owner: owner.clone() };
            t += working_hours(life.rng, 1, 20);
            if !life.step(t, DossierAction::StartProcessing, None) {
                out.dossiers.push(d);
                continue;
            }
            let days = procedure.processing_days.max(1) as i64;
            let ready = if late {
                PrimitiveDateTime::new(calendar::add_working_days(deadline, life.rng.range(1, 6) as u32), Time::MIDNIGHT) + Duration::hours(life.rng.range(8, 17) as i64)
            } else {
                PrimitiveDateTime::new(calendar::add_working_days(day, life.rng.range(0, days as u64) as u32), Time::MIDNIGHT) + Duration::hours(life.rng.range(8, 17) as i64)
            };
            t = t.max(ready.assume_offset(VN).to_offset(UtcOffset::UTC)) + Duration::minutes(30);
            if !life.step(t, DossierAction::MarkResultReady, None) {
                out.dossiers.push(d);
                continue;
            }
            t += working_hours(life.rng, 1, 24);
            if !life.step(t, DossierAction::ReturnResult, None) {
                out.dossiers.push(d);
                continue;
            }
            let returned_at = t;
            t += Duration::days(life.rng.range(0, 4) as i64) + Duration::minutes(5);
            life.step(t, DossierAction::Complete, None);
            // About 45 % of online applicants rate the service (the portal's survey).
            if let Some(citizen) = &owner {
                if rng.chance(0.45) {
                    let rated = returned_at + Duration::hours(rng.range(1, 72) as i64);
                    if rated < now {
                        // Late results are rated lower.
                        let weights = if late { [20.0, 30.0, 25.0, 15.0, 10.0] } else { [50.0, 32.0, 11.0, 4.0, 3.0] };
                        let score = [5u8, 4, 3, 2, 1][rng.weighted(&weights)];
                        let reasons = reasons_for(&mut rng, score, late, d.paid_online);
                        out.ratings.push(Rating {
                            id: format!("act-rt-{n:06}"),
                            dossier_id: id.clone(),
                            citizen_id: citizen.clone(),
                            score,
                            level: level_of(score),
                            reasons,
                            created_at: rated,
                        });
                    }
                }
            }
            out.dossiers.push(d);
        }
    }
    out.receipts = number_receipts(&mut rng, &plans, receipts_due);
    out
}

/// Receipts numbered from 1 per collecting agency and year, in the order the money came.
fn number_receipts(rng: &mut Rng, plans: &[AgencyPlan], mut due: Vec<(Payment, String, String)>) -> Vec<Receipt> {
    due.sort_by(|a, b| (a.0.agency.as_str(), a.0.settled_at).cmp(&(b.0.agency.as_str(), b.0.settled_at)));
    let agencies: HashMap<&str, &Agency> = plans.iter().map(|p| (p.agency.code.as_str(), p.agency)).collect();
    let mut seqs: HashMap<(String, i32), u64> = HashMap::new();
    due.into_iter()
        .map(|(p, payer_name, lines_json)| {
            let agency = agencies[p.agency.as_str()];
            let year = motcua_domain::receipt::receipt_year(p.settled_at);
            let seq = seqs.entry((p.agency.clone(), year)).or_insert(0);
            *seq += 1;
            let lines: Vec<FeeLineAmount> = serde_json::from_str(&lines_json).unwrap_or_default();
            let items = lines
                .into_iter()
                .filter(|l| !l.amount.is_zero())
                .map(|l| ReceiptItem { name: l.name, kind: l.kind, amount: l.amount, beneficiary: l.beneficiary })
                .collect();
            let series = match (agency.receipt_form_symbol.as_deref(), agency.receipt_symbol.as_deref()) {
                (Some(form), Some(symbol)) => ReceiptSeries::parse(form, symbol).unwrap_or_else(|_| ReceiptSeries::default_for_year(year)),
                _ => ReceiptSeries::default_for_year(year),
            };
            let legal = ReceiptNo::new(*seq).and_then(|no| {
                LegalReceipt::issue(
                    &series,
                    no,
                    Collector { name: agency.name.clone(), tax_code: agency.tax_code.clone().unwrap_or_default() },
                    &payer_name,
                    items,
                    p.settled_at,
                )
            });
            Receipt {
                number: format!("{}-{year}-{:06}", p.agency, *seq),
                agency: p.agency.clone(),
                year,
                seq: *seq,
                payment_id: p.id.clone(),
                bill_id: p.bill_id.clone(),
                dossier_id: p.dossier_id.clone(),
                payer_name,
                lines_json,
                total: p.amount,
                provider: p.provider,
                provider_txn: p.provider_txn.clone(),
                verify_code: format!("{:016x}{:04x}", rng.next_u64(), rng.range(0, 0x10000)),
                issued_at: p.settled_at,
                legal_json: legal.ok().map(|l| serde_json::to_string(&l).expect("a receipt serializes")),
            }
        })
        .collect()
}

/// A dossier living through its steps; a step that would happen after now is not taken (the
/// dossier stays where it is today).
struct Life<'a> {
    rng: &'a mut Rng,
    d: &'a mut Dossier,
    events: &'a mut Vec<Event>,
    now: OffsetDateTime,
    officer: Option<String>,
    owner: Option<String>,
}

impl Life<'_> {
    fn step(&mut self, at: OffsetDateTime, action: DossierAction, reason: Option<&'static str>) -> bool {
        self.step_as(at, action, action.role(), reason)
    }

    /// `role` differs from the action's own only for a walk-in's submission, which the officer
    /// records for the applicant (as `dossier::routes::prepare` does).
    fn step_as(&mut self, at: OffsetDateTime, action: DossierAction, role: Role, reason: Option<&'static str>) -> bool {
        if at >= self.now {
            return false;
        }
        let to = transition(self.d.status, action, action.role(), self.d.has_fees).expect("the demo follows the dossier's rules");
        let actor = match role {
            Role::Citizen => self.owner.clone(),
            Role::Officer => self.officer.clone(),
            Role::System => None,
        };
        self.events.push(Event { dossier_id: self.d.id.clone(), at, role, actor, action, from: Some(self.d.status), to, reason });
        self.d.status = to;
        self.d.updated_at = at;
        self.d.version += 1;
        true
    }
}

/// A delay of between `lo` and `hi` office hours, as elapsed time (nights and weekends are not
/// modelled finely: a desk answers the next morning).
fn working_hours(rng: &mut Rng, lo: u64, hi: u64) -> Duration {
    let h = rng.range(lo, hi.max(lo + 1));
    Duration::hours((h / 8) as i64 * 24 + (h % 8) as i64) + Duration::minutes(rng.range(0, 60) as i64)
}

/// The form's answers a person would give for this fee schedule on `day`; `owing`: answers of
/// someone without an exemption (no flags, extra copies, an event registered late).
fn inputs_for(rng: &mut Rng, schedule: Option<&FeeSchedule>, day: Date, owing: bool) -> Map<String, Value> {
    let mut inputs = Map::new();
    let Some(schedule) = schedule else { return inputs };
    for input in &schedule.inputs {
        let value = match input.kind {
            fee::InputKind::Count => {
                let hi = if input.name == "pages" { 12 } else { 4 };
                Value::from(rng.range(if input.name.starts_with("extra") && !owing { 0 } else { 1 }, hi + 1))
            }
            fee::InputKind::Date if owing => Value::from(iso(day - Duration::days(rng.range(60, 400) as i64))),
            fee::InputKind::Date => Value::from(iso(day - Duration::days(rng.range(3, 50) as i64))),
            fee::InputKind::Flag => Value::from(!owing && rng.chance(0.03)),
            fee::InputKind::Money => Value::from(rng.range(2, 300) * 10_000_000),
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        inputs.insert(input.name.clone(), value);
    }
    inputs
}

/// The area an agency serves, as an address names it ("UBND xã Sơn Tây" → "xã Sơn Tây").
fn area_of(agency_name: &str) -> &str {
    agency_name.strip_prefix("UBND ").unwrap_or(agency_name)
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub use sql::to_sql;

#[cfg(test)]
mod tests;
