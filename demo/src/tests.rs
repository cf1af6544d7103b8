//! The living demo against the real demo catalog (`demo/tests/catalog.json`, dumped from the
//! demo database by `scripts/gen_activity.py --dump-catalog`).

use std::collections::{BTreeMap, HashSet};

use motcua_domain::dossier::{transition, DossierAction, DossierStatus};
use time::macros::date;

use super::*;

fn catalog() -> Catalog {
    serde_json::from_str(include_str!("../tests/catalog.json")).expect("the dumped catalog")
}

fn year() -> Activity {
    generate(&catalog(), &Options { seed: 2026, today: date!(2026 - 12 - 06), per_commune_month: 10.0 })
}

#[test]
fn the_same_seed_gives_the_same_year() {
    let cat = catalog();
    let options = || Options { seed: 7, today: date!(2026 - 12 - 06), per_commune_month: 3.0 };
    assert_eq!(to_sql(&generate(&cat, &options())), to_sql(&generate(&cat, &options())));
    let other = generate(&cat, &Options { seed: 8, ..options() });
    assert_ne!(to_sql(&generate(&cat, &options())), to_sql(&other));
}

#[test]
fn every_dossier_lived_by_the_rules_and_before_today() {
    let a = year();
    let now = PrimitiveDateTime::new(date!(2026 - 12 - 06), Time::MIDNIGHT).assume_offset(VN);
    let first = PrimitiveDateTime::new(date!(2025 - 12 - 06), Time::MIDNIGHT).assume_offset(VN);
    let mut by_dossier: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    for e in &a.events {
        by_dossier.entry(e.dossier_id.as_str()).or_default().push(e);
    }
    for d in &a.dossiers {
        let events = &by_dossier[d.id.as_str()];
        let mut state = DossierStatus::Draft;
        let mut last = first;
        for e in events {
            assert_eq!(e.from, Some(state));
            assert_eq!(transition(state, e.action, e.action.role(), d.has_fees), Ok(e.to), "{} {:?}", d.id, e.action);
            assert!(e.at >= last && e.at < now, "{} at {}", d.id, e.at);
            last = e.at;
            state = e.to;
        }
        assert_eq!(state, d.status, "{}", d.id);
        assert_eq!(d.paid_at.is_some(), events.iter().any(|e| matches!(e.action, DossierAction::PayOnline | DossierAction::PayAtCounter)));
    }
    let codes: HashSet<&str> = a.dossiers.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.len(), a.dossiers.len(), "dossier codes are unique");
}

#[test]
fn the_desk_has_dossiers_in_every_state_and_money_by_every_channel() {
    let a = year();
    let states: HashSet<DossierStatus> = a.dossiers.iter().map(|d| d.status).collect();
    for s in DossierStatus::ALL {
        if s != DossierStatus::Draft {
            assert!(states.contains(&s), "no dossier is {s:?}");
        }
    }
    let providers: HashSet<&str> = a.payments.iter().map(|p| p.provider).collect();
    for p in ["vnpay", "momo", "zalopay", "vietqr", "paygov", "counter"] {
        assert!(providers.contains(p), "nobody paid by {p}");
    }
    let channels: HashSet<&str> = a.dossiers.iter().map(|d| d.channel).collect();
    assert_eq!(channels, HashSet::from(["online", "counter", "post"]));
    assert!(a.dossiers.len() > 3_000, "{} dossiers", a.dossiers.len());
}

#[test]
fn a_few_communes_meet_the_target_and_most_do_not() {
    let a = year();
    let cat = catalog();
    let communes: HashSet<&str> = cat.agencies.iter().filter(|g| g.level == "commune").map(|g| g.code.as_str()).collect();
    let mut paid: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for d in a.dossiers.iter().filter(|d| communes.contains(d.agency.as_str())) {
        if let (Some(online), Some(at)) = (d.paid_online, d.paid_at) {
            if at.to_offset(VN).year() == 2026 {
                let e = paid.entry(d.agency.as_str()).or_default();
                e.0 += online as u32;
                e.1 += 1;
            }
        }
    }
    let measured: Vec<f64> = paid.values().filter(|(_, n)| *n >= 20).map(|(o, n)| *o as f64 / *n as f64).collect();
    let above = measured.iter().filter(|r| **r >= TARGET_ONLINE_PAYMENT).count();
    assert!(measured.len() >= 20, "{} communes with enough payments", measured.len());
    assert!(above >= 2, "only {above} communes meet the target");
    assert!(above * 3 < measured.len(), "{above} of {} communes meet the target: most should not", measured.len());
}

#[test]
fn receipts_are_numbered_without_gaps_per_agency_and_year_in_the_order_money_came() {
    let a = year();
    assert_eq!(a.receipts.len(), a.payments.len());
    let mut by: BTreeMap<(&str, i32), Vec<&Receipt>> = BTreeMap::new();
    for r in &a.receipts {
        by.entry((r.agency.as_str(), r.year)).or_default().push(r);
    }
    for rs in by.values() {
        for (i, r) in rs.iter().enumerate() {
            assert_eq!(r.seq, i as u64 + 1);
            assert!(i == 0 || rs[i - 1].issued_at <= r.issued_at);
        }
    }
    assert!(a.receipts.iter().any(|r| r.legal_json.is_some()), "agencies with a tax code issue the legal form");
}

#[test]
fn only_finished_online_dossiers_are_rated_once() {
    let a = year();
    let dossiers: BTreeMap<&str, &Dossier> = a.dossiers.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut seen = HashSet::new();
    for r in &a.ratings {
        let d = dossiers[r.dossier_id.as_str()];
        assert!(matches!(d.status, DossierStatus::Returned | DossierStatus::Completed));
        assert_eq!(d.owner.as_deref(), Some(r.citizen_id.as_str()));
        assert!(seen.insert(r.dossier_id.as_str()));
        assert_eq!(r.level, level_of(r.score));
        assert!(!r.reasons.is_empty() && r.reasons.iter().all(|c| portal::rating_reason(c).is_some()), "{:?}", r.reasons);
    }
    assert!(a.ratings.len() > 100);
}
