//! Dossier codes under concurrency: the daily sequence comes from a Durable Object, and
//! simultaneous submissions must never share a number or skip one.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{agency_code, app};

#[test]
fn concurrent_submissions_get_distinct_consecutive_codes() {
    let citizen = app().login_citizen("0911000801");
    let agency = agency_code("UBND xã Quang Trung");
    let body = json!({
        "agency": agency,
        "procedure": "2.000884",
        "applicant": {"full_name": "Phạm Thị Mai", "id_number": "030185004321", "phone": "0911000801", "address": "Thôn Trung, xã Quang Trung"},
        "inputs": {"cases": 1}
    });
    let codes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|_| {
                s.spawn(|| {
                    let resp = citizen.post_json("/api/dossiers", &body);
                    assert_eq!(resp.status(), 201);
                    resp.json::<Value>().unwrap()["code"].as_str().unwrap().to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let distinct: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), codes.len(), "{codes:?}");
    let mut numbers: Vec<u32> = codes.iter().map(|c| c.rsplit('-').next().unwrap().parse().unwrap()).collect();
    numbers.sort();
    let first = numbers[0];
    assert_eq!(numbers, (first..first + 12).collect::<Vec<_>>(), "no gaps: {codes:?}");
}
