//! The activity as SQL statements for the local D1 file, in the column order of the migrations.
//! Every generated row's id starts with `act-`, so `scripts/gen_activity.py` can find and replace
//! them. The dashboard's counters are not written here: the script rebuilds them from the
//! dossiers with the Worker's own rule, whatever else the state holds.

use std::fmt::Write;

use serde::Serialize;
use time::OffsetDateTime;

use crate::Activity;

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn qo(s: Option<&str>) -> String {
    s.map(q).unwrap_or_else(|| "NULL".into())
}

/// RFC 3339 in UTC with whole seconds, as `platform::clock::rfc3339` writes it.
pub fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn to_sql(a: &Activity) -> String {
    let mut s = String::with_capacity(a.dossiers.len() * 2_000);
    for c in &a.citizens {
        let _ = writeln!(
            s,
            "INSERT INTO citizens (id, phone, full_name, citizen_id, address, created_at) VALUES ({}, {}, {}, {}, {}, {});",
            q(&c.id),
            q(&c.phone),
            q(&c.full_name),
            q(&c.id_number),
            q(&c.address),
            q(&stamp(c.created_at))
        );
    }
    for d in &a.dossiers {
        let deadline = format!("{:04}-{:02}-{:02}", d.deadline.year(), u8::from(d.deadline.month()), d.deadline.day());
        let _ = writeln!(
            s,
            "INSERT INTO dossiers (id, code, agency_code, procedure_code, owner_citizen_id, channel, status, has_fees, applicant_json, \
             inputs_json, submitted_at, deadline, paid_online, paid_at, created_at, updated_at, search_text, version) VALUES \
             ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});",
            q(&d.id),
            q(&d.code),
            q(&d.agency),
            q(&d.procedure),
            qo(d.owner.as_deref()),
            q(d.channel),
            q(&enum_str(&d.status)),
            d.has_fees as u8,
            q(&d.applicant_json),
            q(&d.inputs_json),
            q(&stamp(d.submitted_at)),
            q(&deadline),
            d.paid_online.map(|o| (o as u8).to_string()).unwrap_or_else(|| "NULL".into()),
            qo(d.paid_at.map(stamp).as_deref()),
            q(&stamp(d.submitted_at)),
            q(&stamp(d.updated_at)),
            q(&d.search_text),
            d.version
        );
    }
    for e in &a.events {
        let _ = writeln!(
            s,
            "INSERT INTO dossier_events (dossier_id, at, actor_role, actor_id, action, from_status, to_status, reason) VALUES ({}, {}, {}, {}, {}, {}, {}, {});",
            q(&e.dossier_id),
            q(&stamp(e.at)),
            q(&enum_str(&e.role)),
            qo(e.actor.as_deref()),
            q(&enum_str(&e.action)),
            qo(e.from.map(|f| enum_str(&f)).as_deref()),
            q(&enum_str(&e.to)),
            qo(e.reason)
        );
    }
    for n in &a.notices {
        let lines = serde_json::to_string(&n.lines).expect("lines serialize");
        let (status, closed_by, version) = match &n.paid_by {
            Some(p) => ("paid", Some(format!("payment:{p}")), 1),
            None => ("open", None, 0),
        };
        let _ = writeln!(
            s,
            "INSERT INTO bills (id, kind, dossier_id, agency_code, total, lines_json, status, closed_by, closed_at, version, created_by, created_at) \
             VALUES ({}, 'procedure_fee', {}, {}, {}, {}, {}, {}, {}, {}, {}, {});",
            q(&n.id),
            q(&n.dossier_id),
            q(&n.agency),
            n.total,
            q(&lines),
            q(status),
            qo(closed_by.as_deref()),
            qo(n.closed_at.map(stamp).as_deref()),
            version,
            q(&n.created_by),
            q(&stamp(n.created_at))
        );
    }
    for p in &a.payments {
        let online = p.provider != "counter";
        let expires = p.created_at + time::Duration::minutes(15);
        let _ = writeln!(
            s,
            "INSERT INTO payments (id, reference, bill_id, dossier_id, agency_code, provider, amount, state, provider_txn, started_by, created_at, expires_at, updated_at, version) \
             VALUES ({}, {}, {}, {}, {}, {}, {}, 'succeeded', {}, {}, {}, {}, {}, 2);",
            q(&p.id),
            q(&p.reference),
            q(&p.bill_id),
            q(&p.dossier_id),
            q(&p.agency),
            q(p.provider),
            p.amount,
            q(&p.provider_txn),
            q(&p.started_by),
            q(&stamp(p.created_at)),
            q(&stamp(if online { expires } else { p.created_at })),
            q(&stamp(p.settled_at))
        );
        let _ = writeln!(
            s,
            "INSERT INTO settlements (bill_id, payment_id, provider, provider_txn, amount, online, settled_by, settled_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {});",
            q(&p.bill_id),
            q(&p.id),
            q(p.provider),
            q(&p.provider_txn),
            p.amount,
            online as u8,
            q(p.provider),
            q(&stamp(p.settled_at))
        );
    }
    for r in &a.receipts {
        let _ = writeln!(
            s,
            "INSERT INTO receipts (number, agency_code, year, seq, payment_id, bill_id, dossier_id, payer_name, lines_json, total, provider, provider_txn, verify_code, issued_at, legal_json) \
             VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});",
            q(&r.number),
            q(&r.agency),
            r.year,
            r.seq,
            q(&r.payment_id),
            q(&r.bill_id),
            q(&r.dossier_id),
            q(&r.payer_name),
            q(&r.lines_json),
            r.total,
            q(r.provider),
            q(&r.provider_txn),
            q(&r.verify_code),
            q(&stamp(r.issued_at)),
            qo(r.legal_json.as_deref())
        );
    }
    for r in &a.ratings {
        let _ = writeln!(
            s,
            "INSERT INTO dossier_ratings (id, dossier_id, citizen_id, rating, score, reasons_json, created_at) VALUES ({}, {}, {}, {}, {}, {}, {});",
            q(&r.id),
            q(&r.dossier_id),
            q(&r.citizen_id),
            q(&enum_str(&r.level)),
            r.score,
            q(&serde_json::to_string(&r.reasons).expect("codes serialize")),
            q(&stamp(r.created_at))
        );
    }
    s
}
