//! `GET /api/dashboard/{rates,trend,procedures,coverage,dormant,overdue}?agency=&period=[&format=csv]`
//! and `POST /api/dashboard/import` (CSV). Leaders and admins only, within their subtree: an
//! officer gets 404 for the whole dashboard, an agency outside the scope 404 like an unknown one.
//!
//! The tree comes from the catalog's memo; the counts from each province database of the
//! agency's subtree, summed by key (`repo::summed`) before the route's code runs once on them
//! (docs/SHARDING.md §4), so the national view is the provinces' views added up.

use std::collections::{BTreeMap, HashMap, HashSet};

use motcua_domain::api::AgencyNode;
use motcua_domain::calendar::format_iso_date;
use motcua_domain::dashboard::{
    self, fraction_display, sort_by_rate, to_csv, CoverageRow, CoverageView, DormantRow, ImportResult, OverdueRow, Period,
    ProcedureRate, RateRow, RatesView, RowError, TrendPoint, TrendView,
};
use motcua_domain::stats::{
    format_percent_vi, meets_target, procedures_without_dossiers, roll_up, units_with_online_payment, OnlinePaymentCoverage,
    PaymentCounts, RateReport, Targets,
};
use motcua_domain::validation::FieldError;
use serde::Serialize;
use worker::Response;

use super::repo;
use super::targets::YearTargets;
use motcua_domain::indicators::{
    self, Indicator, IntakeCounts, IntakePoint, IntakeProcedure, IntakeRow, IntakeView, RatingTally, RatingsRow, RatingsView,
};
use crate::auth::session::{self, StaffSession};
use crate::catalog::repo::{self as catalog, AgencyRow};
use crate::platform::db::Db;
use crate::platform::{clock, shards};
use crate::platform::error::ApiError;
use crate::platform::http::{json, Ctx};

/// The caller's part of the agency tree.
struct Scope {
    staff: StaffSession,
    rows: HashMap<String, AgencyRow>,
    children: HashMap<String, Vec<String>>,
    roots: Vec<String>,
}

impl Scope {
    async fn load(ctx: &Ctx) -> Result<Scope, ApiError> {
        let staff = session::staff(ctx).await?;
        if !staff.role.sees_dashboard() {
            return Err(ApiError::NotFound { what: "dashboard", field: None });
        }
        let in_scope: HashSet<&str> = staff.agencies.iter().map(String::as_str).collect();
        let all = crate::catalog::cache::agencies(&ctx.national()?).await?; // ordered by sort_order, name
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        let mut roots = Vec::new();
        let mut rows = HashMap::new();
        for a in all.iter().filter(|a| in_scope.contains(a.code.as_str())).cloned() {
            match a.parent_code.as_deref().filter(|p| in_scope.contains(p)) {
                Some(p) => children.entry(p.to_string()).or_default().push(a.code.clone()),
                None => roots.push(a.code.clone()),
            }
            rows.insert(a.code.clone(), a);
        }
        // Several provinces (the national role): one node above them, so the country's figures
        // are one view and each province a row of it.
        if roots.len() > 1 {
            for r in &roots {
                if let Some(row) = rows.get_mut(r) {
                    row.parent_code = Some(dashboard::NATIONAL_ROOT.to_string());
                }
            }
            let root = AgencyRow {
                code: dashboard::NATIONAL_ROOT.to_string(),
                name: dashboard::NATIONAL_ROOT_NAME.to_string(),
                level: dashboard::NATIONAL_LEVEL.to_string(),
                parent_code: None,
            };
            rows.insert(root.code.clone(), root);
            children.insert(dashboard::NATIONAL_ROOT.to_string(), std::mem::take(&mut roots));
            roots.push(dashboard::NATIONAL_ROOT.to_string());
        }
        Ok(Scope { staff, rows, children, roots })
    }

    /// `?agency=` (default: the top of the caller's scope), 404 outside the scope.
    fn agency(&self, ctx: &Ctx) -> Result<String, ApiError> {
        let code = ctx.query("agency").map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
        let code = match code {
            Some(c) => c,
            None => self.roots.first().cloned().ok_or(ApiError::NotFound { what: "agency", field: Some("agency") })?,
        };
        let national = code == dashboard::NATIONAL_ROOT;
        if !(self.staff.covers(&code) || national) || !self.rows.contains_key(&code) {
            return Err(ApiError::NotFound { what: "agency", field: Some("agency") });
        }
        Ok(code)
    }

    fn tree(&self, code: &str) -> AgencyNode {
        let row = &self.rows[code];
        AgencyNode {
            code: row.code.clone(),
            name: row.name.clone(),
            level: row.level.clone(),
            children: self.children.get(code).map(|c| c.iter().map(|k| self.tree(k)).collect()).unwrap_or_default(),
        }
    }

    fn subtree(&self, code: &str) -> Vec<String> {
        let mut out = vec![code.to_string()];
        let mut i = 0;
        while i < out.len() {
            if let Some(c) = self.children.get(&out[i]) {
                out.extend(c.iter().cloned());
            }
            i += 1;
        }
        out
    }

    fn name(&self, code: &str) -> String {
        self.rows.get(code).map(|r| r.name.clone()).unwrap_or_default()
    }

    /// The province databases holding the rows of `code`'s subtree, each once.
    fn databases(&self, ctx: &Ctx, code: &str) -> Result<Vec<Db>, ApiError> {
        shards::of_agencies(&ctx.env, &self.subtree(code))
    }
}

fn period(ctx: &Ctx) -> Result<Period, ApiError> {
    match ctx.query("period").filter(|p| !p.trim().is_empty()) {
        Some(p) => Ok(Period::parse("period", &p)?),
        None => Ok(Period::year(clock::today_vn().year())),
    }
}

fn wants_csv(ctx: &Ctx) -> Result<bool, ApiError> {
    match ctx.query("format").as_deref() {
        None | Some("") | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(FieldError::new("format", "invalid_format", "Định dạng chỉ có thể là json hoặc csv.", "The format must be json or csv.").into()),
    }
}

fn csv(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Result<Response, ApiError> {
    let mut resp = Response::ok(to_csv(header, &rows))?;
    let h = resp.headers_mut();
    h.set("content-type", "text/csv; charset=utf-8")?;
    h.set("content-disposition", &format!("attachment; filename=\"{name}.csv\""))?;
    h.set("cache-control", "no-store")?;
    Ok(resp)
}

fn no_store<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let mut resp = json(value)?;
    resp.headers_mut().set("cache-control", "no-store")?;
    Ok(resp)
}

fn target_for(period: &Period) -> rust_decimal::Decimal {
    Targets::default().for_year(period.target_year())
}

fn imported_total(r: &RateReport) -> u64 {
    r.external.total() + r.children.iter().map(imported_total).sum::<u64>()
}

fn row_of(r: &RateReport, level: &str, target: rust_decimal::Decimal) -> RateRow {
    RateRow::new(&r.code, &r.name, level, r.total, imported_total(r), target, !r.children.is_empty())
}

/// `GET /api/dashboard/rates`
pub async fn rates(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let national = ctx.national()?;
    let p = &period;
    let settled = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::settled_counts(&d1, p, false).await }).await?;
    let own: BTreeMap<String, PaymentCounts> = settled.into_iter().map(|((a, _), c)| (a, c)).collect();
    let mut external: BTreeMap<String, PaymentCounts> = BTreeMap::new();
    for r in repo::imported_within(&national, &format_iso_date(period.from), &format_iso_date(period.to)).await? {
        let e = external.entry(r.agency_code).or_default();
        *e = *e + PaymentCounts::new(r.online as u64, r.other as u64);
    }
    let target = target_for(&period);
    let report = roll_up(&scope.tree(&code), &own, &external, target);
    let level = |c: &str| scope.rows.get(c).map(|r| r.level.clone()).unwrap_or_default();
    let add = |(s, t): (u64, u64), (s1, t1): (u64, u64)| (s + s1, t + t1);
    let synced = repo::summed_by(scope.databases(ctx, &code)?, |d1| async move { repo::national_sync_counts(&d1, p).await }, add).await?;
    let with_national = |row: RateRow| {
        let (synced, total) = scope
            .subtree(&row.code)
            .iter()
            .filter_map(|c| synced.get(c))
            .fold((0, 0), |(s, t), (s1, t1)| (s + s1, t + t1));
        row.with_national(synced, total)
    };
    // Each unit against its own target (its own, an ancestor's, else the default).
    let targets = YearTargets::load(&national, period.target_year()).await?;
    let own_target = |row: RateRow| {
        let t = targets.of(&row.code, Indicator::OnlinePayment);
        row.with_target(&t)
    };
    let mut rows: Vec<RateRow> = report.children.iter().map(|c| own_target(with_national(row_of(c, &level(&c.code), target)))).collect();
    sort_by_rate(&mut rows);
    let summary = own_target(with_national(row_of(&report, &level(&code), target)));
    let (with_online, units) = units_with_online_payment(&report.children);
    if as_csv {
        let mut body: Vec<Vec<String>> = rows.iter().map(RateRow::csv_cells).collect();
        body.push(summary.csv_cells());
        return csv(&format!("ty-le-thanh-toan-truc-tuyen-{}", period.key), &RateRow::CSV_HEADER, body);
    }
    let parent = scope.rows[&code].parent_code.clone().filter(|p| scope.rows.contains_key(p));
    no_store(&RatesView {
        target_display: format_percent_vi(target),
        period,
        target,
        summary,
        rows,
        parent,
        with_online,
        units,
        with_online_display: fraction_display(with_online, units),
    })
}

/// `GET /api/dashboard/trend`: month by month for the agency's subtree.
pub async fn trend(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let national = ctx.national()?;
    let months = period.months();
    let sub: HashSet<String> = scope.subtree(&code).into_iter().collect();
    let mut by_month: BTreeMap<String, PaymentCounts> = months.iter().map(|m| (m.clone(), PaymentCounts::default())).collect();
    if let (Some(first), Some(last)) = (months.first(), months.last()) {
        let monthly = repo::concatenated(scope.databases(ctx, &code)?, |d1| async move { repo::monthly_counts(&d1, first, last).await }).await?;
        for (agency, month, c) in monthly {
            if sub.contains(&agency) {
                if let Some(e) = by_month.get_mut(&month) {
                    *e = *e + c;
                }
            }
        }
        // Imported counts that fall inside a single month count in it.
        let whole = Period::range(Period::parse("m", first)?.from, Period::parse("m", last)?.to);
        for r in repo::imported_within(&national, &format_iso_date(whole.from), &format_iso_date(whole.to)).await? {
            if !sub.contains(&r.agency_code) || r.from_date.get(0..7) != r.to_date.get(0..7) {
                continue;
            }
            if let Some(e) = r.from_date.get(0..7).and_then(|m| by_month.get_mut(m)) {
                *e = *e + PaymentCounts::new(r.online as u64, r.other as u64);
            }
        }
    }
    let points: Vec<TrendPoint> = by_month
        .into_iter()
        .map(|(month, c)| TrendPoint {
            month,
            online: c.online,
            other: c.other,
            rate: c.rate(),
            rate_display: c.rate().map(format_percent_vi).unwrap_or_else(|| "—".into()),
        })
        .collect();
    if as_csv {
        let body = points.iter().map(|p| vec![p.month.clone(), p.online.to_string(), p.other.to_string(), p.rate_display.clone()]).collect();
        return csv(&format!("xu-huong-{code}-{}", period.key), &["thang", "truc_tuyen", "khac", "ty_le"], body);
    }
    no_store(&TrendView { name: scope.name(&code), agency: code, target: target_for(&period), points })
}

/// `GET /api/dashboard/procedures`: the agency's subtree by procedure (counted dossiers only;
/// imported counts carry no procedure).
pub async fn procedures(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let p = &period;
    let sub: HashSet<String> = scope.subtree(&code).into_iter().collect();
    let mut by_proc: BTreeMap<String, PaymentCounts> = BTreeMap::new();
    let settled = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::settled_counts(&d1, p, true).await }).await?;
    for ((agency, procedure), c) in settled {
        if sub.contains(&agency) {
            let e = by_proc.entry(procedure).or_default();
            *e = *e + c;
        }
    }
    let names: HashMap<String, String> = catalog::all_procedures(&ctx.national()?).await?.into_iter().map(|p| (p.code, p.name)).collect();
    let target = target_for(&period);
    let mut rows: Vec<ProcedureRate> = by_proc
        .into_iter()
        .map(|(p, c)| ProcedureRate {
            name: names.get(&p).cloned().unwrap_or_default(),
            code: p,
            online: c.online,
            other: c.other,
            rate: c.rate(),
            rate_display: c.rate().map(format_percent_vi).unwrap_or_else(|| "—".into()),
            below_target: c.rate().is_some_and(|r| !meets_target(r, target)),
        })
        .collect();
    rows.sort_by(|a, b| b.rate.cmp(&a.rate).then_with(|| a.name.cmp(&b.name)));
    if as_csv {
        let body = rows
            .iter()
            .map(|r| vec![r.code.clone(), r.name.clone(), r.online.to_string(), r.other.to_string(), r.rate_display.clone()])
            .collect();
        return csv(&format!("thu-tuc-{code}-{}", period.key), &["ma_thu_tuc", "thu_tuc", "truc_tuyen", "khac", "ty_le"], body);
    }
    no_store(&rows)
}

/// `GET /api/dashboard/coverage`: fee-bearing procedures with online payment enabled, and
/// agencies without a beneficiary account.
pub async fn coverage(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let as_csv = wants_csv(ctx)?;
    // The catalog and the accounts: national tables only.
    let d1 = ctx.national()?;
    let counts: HashMap<String, (u64, u64)> = repo::coverage(&d1)
        .await?
        .into_iter()
        .map(|c| (c.agency_code, (c.with_fees as u64, c.with_online.unwrap_or(0.0) as u64)))
        .collect();
    let accounts: HashSet<(String, String)> = repo::agency_accounts(&d1).await?.into_iter().collect();
    let has = |a: &str, purpose: &str| accounts.contains(&(a.to_string(), purpose.to_string()));
    let mut rows = Vec::new();
    let mut total = OnlinePaymentCoverage { with_fees: 0, with_online_payment: 0 };
    for a in scope.subtree(&code) {
        let Some(&(with_fees, with_online)) = counts.get(&a) else { continue };
        let c = OnlinePaymentCoverage { with_fees, with_online_payment: with_online };
        total.with_fees += with_fees;
        total.with_online_payment += with_online;
        let (phi, le_phi) = (has(&a, "phi"), has(&a, "le_phi"));
        rows.push(CoverageRow {
            name: scope.name(&a),
            has_account: phi && le_phi,
            has_phi_account: phi,
            has_le_phi_account: le_phi,
            code: a,
            with_fees,
            with_online_payment: with_online,
            rate_display: c.rate().map(format_percent_vi).unwrap_or_else(|| "—".into()),
        });
    }
    if as_csv {
        let body = rows
            .iter()
            .map(|r| {
                vec![
                    r.code.clone(),
                    r.name.clone(),
                    r.with_fees.to_string(),
                    r.with_online_payment.to_string(),
                    r.rate_display.clone(),
                    if r.has_phi_account { "Có".into() } else { "Chưa có".into() },
                    if r.has_le_phi_account { "Có".into() } else { "Chưa có".into() },
                ]
            })
            .collect();
        return csv(
            &format!("thanh-toan-truc-tuyen-thu-tuc-{code}"),
            &["ma_co_quan", "co_quan", "thu_tuc_co_phi", "co_thanh_toan_truc_tuyen", "ty_le", "tai_khoan_thu_phi", "tai_khoan_kbnn_le_phi"],
            body,
        );
    }
    no_store(&CoverageView {
        with_fees: total.with_fees,
        with_online_payment: total.with_online_payment,
        rate_display: total.rate().map(format_percent_vi).unwrap_or_else(|| "—".into()),
        meets_2021_target: total.rate().is_some_and(|r| r >= OnlinePaymentCoverage::TARGET_2021),
        complete: total.complete(),
        agencies_without_account: rows.iter().filter(|r| !r.has_account).count(),
        rows,
    })
}

/// `GET /api/dashboard/dormant`: procedures with no dossier in the last three years (seed 001).
pub async fn dormant(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let today = clock::today_vn();
    let sub: HashSet<String> = scope.subtree(&code).into_iter().collect();
    // The pairs come from the catalog; each database answers the last dates of its agencies'.
    let handled: Vec<repo::LastDossier> =
        repo::handled_procedures(&ctx.national()?).await?.into_iter().filter(|r| sub.contains(&r.agency_code)).collect();
    let pairs: Vec<(String, String)> = handled.iter().map(|r| (r.agency_code.clone(), r.procedure_code.clone())).collect();
    let pairs = &pairs;
    let last = repo::summed_by(
        scope.databases(ctx, &code)?,
        |d1| {
            let mine: Vec<(String, String)> = pairs.iter().filter(|(a, _)| d1.holds(a)).cloned().collect();
            async move { repo::last_dossiers(&d1, &mine).await }
        },
        std::cmp::max,
    )
    .await?;
    let mut by_agency: BTreeMap<String, Vec<repo::LastDossier>> = BTreeMap::new();
    for mut r in handled {
        r.last = last.get(&(r.agency_code.clone(), r.procedure_code.clone())).cloned();
        by_agency.entry(r.agency_code.clone()).or_default().push(r);
    }
    let mut rows = Vec::new();
    for (agency, list) in by_agency {
        let codes: Vec<String> = list.iter().map(|r| r.procedure_code.clone()).collect();
        let last: BTreeMap<String, time::Date> = list
            .iter()
            .filter_map(|r| Some((r.procedure_code.clone(), dashboard::vn_day(r.last.as_deref()?)?)))
            .collect();
        let dormant: HashSet<String> = procedures_without_dossiers(&codes, &last, today).into_iter().collect();
        for r in list.into_iter().filter(|r| dormant.contains(&r.procedure_code)) {
            rows.push(DormantRow {
                agency_name: scope.name(&agency),
                agency: agency.clone(),
                last_dossier: last.get(&r.procedure_code).map(|d| format_iso_date(*d)),
                procedure: r.procedure_code,
                procedure_name: r.procedure_name,
            });
        }
    }
    if as_csv {
        let body = rows
            .iter()
            .map(|r| vec![r.agency.clone(), r.agency_name.clone(), r.procedure.clone(), r.procedure_name.clone(), r.last_dossier.clone().unwrap_or_default()])
            .collect();
        return csv(&format!("thu-tuc-khong-phat-sinh-{code}"), &["ma_co_quan", "co_quan", "ma_thu_tuc", "thu_tuc", "ho_so_gan_nhat"], body);
    }
    no_store(&rows)
}

/// `GET /api/dashboard/overdue`: open dossiers past their deadline, per child agency (subtree
/// totals) and the agency itself.
pub async fn overdue(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let today = format_iso_date(clock::today_vn());
    let today = &today;
    let counts = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::overdue(&d1, today).await }).await?;
    let sum = |c: &str| scope.subtree(c).iter().map(|a| counts.get(a).copied().unwrap_or(0)).sum::<u64>();
    let mut rows: Vec<OverdueRow> = scope
        .children
        .get(&code)
        .map(|cs| cs.iter().map(|c| OverdueRow { code: c.clone(), name: scope.name(c), overdue: sum(c) }).collect())
        .unwrap_or_default();
    rows.insert(0, OverdueRow { code: code.clone(), name: scope.name(&code), overdue: counts.get(&code).copied().unwrap_or(0) });
    rows.sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| a.name.cmp(&b.name)));
    if as_csv {
        let body = rows.iter().map(|r| vec![r.code.clone(), r.name.clone(), r.overdue.to_string()]).collect();
        return csv(&format!("ho-so-qua-han-{code}"), &["ma_co_quan", "co_quan", "qua_han"], body);
    }
    no_store(&rows)
}

/// `GET /api/dashboard/bills`: what the agency's subtree collected per kind of bill in the
/// period (online and otherwise, the land obligations against seed 001's 50 %) and what is
/// still open now.
pub async fn bills(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let agencies = scope.subtree(&code);
    let (p, a) = (&period, &agencies);
    // Keyed by kind, not agency: each database is asked for its own agencies only.
    let paid = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::bill_counts(&d1, p, &d1.own(a)).await }).await?;
    let add = |(n, x): (u64, i64), (n1, x1): (u64, i64)| (n + n1, x + x1);
    let open = repo::summed_by(scope.databases(ctx, &code)?, |d1| async move { repo::open_bills(&d1, &d1.own(a)).await }, add).await?;
    let rows = motcua_domain::bill::report::kind_rows(&paid, &open);
    if as_csv {
        let body = rows
            .iter()
            .map(|r| {
                vec![
                    r.kind.as_str().to_string(),
                    r.label.clone(),
                    r.paid_online.to_string(),
                    r.paid_other.to_string(),
                    r.rate_display.clone(),
                    r.target_display.clone().unwrap_or_default(),
                    r.open_count.to_string(),
                    r.open_amount.to_string(),
                ]
            })
            .collect();
        return csv(
            &format!("khoan-thu-{code}-{}", period.key),
            &["loai", "ten_loai", "nop_truc_tuyen", "nop_khac", "ty_le", "chi_tieu", "dang_mo", "so_tien_dang_mo"],
            body,
        );
    }
    no_store(&serde_json::json!({"agency": code, "name": scope.name(&code), "period": period, "kinds": rows}))
}

/// `GET /api/dashboard/intake`: submissions online, at the counter and by post for the agency's
/// subtree and each child (each against its own online-submission target), by procedure, and
/// month by month.
pub async fn intake(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let national = ctx.national()?;
    let p = &period;
    let by_agency: BTreeMap<String, IntakeCounts> = {
        let mut m: BTreeMap<String, IntakeCounts> = BTreeMap::new();
        let counts = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::intake_counts(&d1, p, false).await }).await?;
        for ((a, _), c) in counts {
            let e = m.entry(a).or_default();
            *e = *e + c;
        }
        m
    };
    let subtree_sum = |c: &str| scope.subtree(c).iter().filter_map(|a| by_agency.get(a).copied()).sum::<IntakeCounts>();
    let targets = YearTargets::load(&national, period.target_year()).await?;
    let row_for = |c: &str| {
        let r = &scope.rows[c];
        IntakeRow::new(c, &r.name, &r.level, subtree_sum(c), &targets.of(c, Indicator::OnlineSubmission), scope.children.contains_key(c))
    };
    let mut rows: Vec<IntakeRow> = scope.children.get(&code).map(|cs| cs.iter().map(|c| row_for(c)).collect()).unwrap_or_default();
    indicators::sort_intake(&mut rows);
    let summary = row_for(&code);
    if as_csv {
        let mut body: Vec<Vec<String>> = rows.iter().map(IntakeRow::csv_cells).collect();
        body.push(summary.csv_cells());
        return csv(&format!("ho-so-truc-tuyen-{code}-{}", period.key), &IntakeRow::CSV_HEADER, body);
    }
    let sub: HashSet<String> = scope.subtree(&code).into_iter().collect();
    let mut by_proc: BTreeMap<String, IntakeCounts> = BTreeMap::new();
    let counts = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::intake_counts(&d1, p, true).await }).await?;
    for ((agency, procedure), c) in counts {
        if sub.contains(&agency) {
            let e = by_proc.entry(procedure).or_default();
            *e = *e + c;
        }
    }
    let names: HashMap<String, String> = catalog::all_procedures(&national).await?.into_iter().map(|p| (p.code, p.name)).collect();
    let mut procedures: Vec<IntakeProcedure> =
        by_proc.into_iter().map(|(p, c)| IntakeProcedure::new(&p, names.get(&p).map(String::as_str).unwrap_or(""), c)).collect();
    procedures.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    let months = period.months();
    let mut by_month: BTreeMap<String, IntakeCounts> = months.iter().map(|m| (m.clone(), IntakeCounts::default())).collect();
    if let (Some(first), Some(last)) = (months.first(), months.last()) {
        let monthly = repo::concatenated(scope.databases(ctx, &code)?, |d1| async move { repo::intake_monthly(&d1, first, last).await }).await?;
        for (agency, month, c) in monthly {
            if let (true, Some(e)) = (sub.contains(&agency), by_month.get_mut(&month)) {
                *e = *e + c;
            }
        }
    }
    let trend = by_month.iter().map(|(m, c)| IntakePoint::new(m, *c)).collect();
    let parent = scope.rows[&code].parent_code.clone().filter(|p| scope.rows.contains_key(p));
    no_store(&IntakeView { period, summary, rows, procedures, trend, parent })
}

/// `GET /api/dashboard/digitization`: dossiers digitized at reception and at return, for the
/// agency's subtree and each child, and the share of commune and district units issuing
/// electronic certified copies against seed 001's 35 %.
pub async fn digitization(ctx: &Ctx) -> Result<Response, ApiError> {
    use motcua_domain::document::{self, DigitizationRow, DigitizationView, DigitizedCounts};
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let p = &period;
    let counts = repo::summed(scope.databases(ctx, &code)?, |d1| async move { repo::digitization_counts(&d1, p).await }).await?;
    let subtree_sum = |c: &str| scope.subtree(c).iter().filter_map(|a| counts.get(a).copied()).sum::<DigitizedCounts>();
    let row_for = |c: &str| {
        let r = &scope.rows[c];
        DigitizationRow::new(c, &r.name, &r.level, subtree_sum(c), scope.children.contains_key(c))
    };
    let mut rows: Vec<DigitizationRow> = scope.children.get(&code).map(|cs| cs.iter().map(|c| row_for(c)).collect()).unwrap_or_default();
    rows.sort_by(|a, b| a.reception_rate.total_cmp(&b.reception_rate).then_with(|| a.agency_name.cmp(&b.agency_name)));
    let summary = row_for(&code);
    if as_csv {
        let mut body: Vec<Vec<String>> = rows.iter().map(DigitizationRow::csv_cells).collect();
        body.push(summary.csv_cells());
        return csv(&format!("so-hoa-{code}-{}", period.key), &DigitizationRow::CSV_HEADER, body);
    }
    let units: Vec<(&str, u64)> =
        scope.subtree(&code).iter().map(|a| (scope.rows[a].level.as_str(), counts.get(a).map(|c| c.copies).unwrap_or(0))).collect();
    let copy_units = document::copy_units(&units);
    let parent = scope.rows[&code].parent_code.clone().filter(|p| scope.rows.contains_key(p));
    no_store(&DigitizationView { period, summary, rows, copy_units, parent })
}

/// `GET /api/dashboard/ratings`: the citizens' ratings given in the period, for the agency's
/// subtree and each child: how many, the mean score, the distribution 1–5, the top reasons.
pub async fn ratings(ctx: &Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let code = scope.agency(ctx)?;
    let period = period(ctx)?;
    let as_csv = wants_csv(ctx)?;
    let p = &period;
    let mut own: HashMap<String, RatingTally> = HashMap::new();
    // Rows of one agency from two databases add up in its tally.
    for (agency, score, reasons, n) in repo::concatenated(scope.databases(ctx, &code)?, |d1| async move { repo::ratings(&d1, p).await }).await? {
        own.entry(agency).or_default().add(score, &reasons, n);
    }
    let label = |c: &str| motcua_domain::national::portal::rating_reason(c).map(|r| r.label_vi.to_string()).unwrap_or_else(|| c.to_string());
    let row_for = |c: &str| {
        let mut t = RatingTally::default();
        for a in scope.subtree(c) {
            if let Some(x) = own.get(&a) {
                t.merge(x);
            }
        }
        RatingsRow::new(c, &scope.name(c), &t, label, scope.children.contains_key(c))
    };
    let mut rows: Vec<RatingsRow> = scope.children.get(&code).map(|cs| cs.iter().map(|c| row_for(c)).collect()).unwrap_or_default();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| b.average.cmp(&a.average)).then_with(|| a.name.cmp(&b.name)));
    let summary = row_for(&code);
    if as_csv {
        let mut body: Vec<Vec<String>> = rows.iter().map(RatingsRow::csv_cells).collect();
        body.push(summary.csv_cells());
        return csv(&format!("danh-gia-{code}-{}", period.key), &RatingsRow::CSV_HEADER, body);
    }
    let parent = scope.rows[&code].parent_code.clone().filter(|p| scope.rows.contains_key(p));
    no_store(&RatingsView { period, summary, rows, parent })
}

/// The largest CSV import (1 MB); over it the answer is 413 `payload_too_large`.
pub const IMPORT_MAX: u64 = 1024 * 1024;

/// `POST /api/dashboard/import` with a CSV body `agency,period,online,other`.
pub async fn import(ctx: &mut Ctx) -> Result<Response, ApiError> {
    let scope = Scope::load(ctx).await?;
    let text = ctx.body_text(IMPORT_MAX).await?;
    let rows = dashboard::parse_import(&text).map_err(ApiError::InvalidRows)?;
    let outside: Vec<RowError> = rows
        .iter()
        .filter(|r| !scope.staff.covers(&r.agency))
        .map(|r| RowError {
            line: r.line,
            field: "agency".into(),
            code: "agency_not_found".into(),
            message: format!("No agency {} in your scope.", r.agency),
            message_vi: format!("Không tìm thấy cơ quan {} trong phạm vi quản lý.", r.agency),
        })
        .collect();
    if !outside.is_empty() {
        return Err(ApiError::InvalidRows(outside));
    }
    let now = clock::rfc3339(clock::now());
    repo::save_import(&ctx.national()?, &rows, &format!("staff:{}", scope.staff.staff_id), &now).await?;
    no_store(&ImportResult { imported: rows.len() })
}
