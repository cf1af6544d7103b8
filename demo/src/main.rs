//! `gen-activity --today YYYY-MM-DD [--seed N] [--per-commune-month X] < catalog.json > activity.sql`
//! (run by scripts/gen_activity.py, which reads the catalog from the local D1 and applies the SQL).

use std::io::{Read, Write};

use motcua_demo::{generate, to_sql, Catalog, Options};

/// `shard-of`: each agency code of stdin (one a line) with its shard (`42`, `79-2`) or `-`;
/// `audit-home`: each audit action with `shard`, `national` or `-`. The domain's answers, for
/// scripts/shard_migrate.py, which must not decide them a second time.
fn shard_answers(command: &str) -> bool {
    use motcua_domain::shard::{audit_home, shard_of_agency, Home};
    let answer = |line: &str| -> String {
        match command {
            "shard-of" => shard_of_agency(line).map(|s| s.to_string()).unwrap_or_else(|_| "-".into()),
            _ => match audit_home(line) {
                Some(Home::National) => "national".into(),
                Some(_) => "shard".into(),
                None => "-".into(),
            },
        }
    };
    if command != "shard-of" && command != "audit-home" {
        return false;
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin");
    let mut out = String::new();
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(&format!("{line}\t{}\n", answer(line)));
    }
    std::io::stdout().write_all(out.as_bytes()).expect("stdout");
    true
}

fn main() {
    if std::env::args().nth(1).is_some_and(|c| shard_answers(&c)) {
        return;
    }
    let mut seed = 2026u64;
    let mut today = None;
    let mut per_commune_month = 10.0;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--seed" => seed = value.parse().expect("--seed takes a whole number"),
            "--today" => today = Some(parse_date(&value).expect("--today takes YYYY-MM-DD")),
            "--per-commune-month" => per_commune_month = value.parse().expect("--per-commune-month takes a number"),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("the catalog on stdin");
    let catalog: Catalog = serde_json::from_str(&input).expect("a catalog as scripts/gen_activity.py writes it");
    let activity = generate(&catalog, &Options { seed, today: today.expect("--today is required"), per_commune_month });
    eprintln!(
        "gen-activity: {} dossiers, {} events, {} payments, {} receipts, {} ratings, {} citizens",
        activity.dossiers.len(),
        activity.events.len(),
        activity.payments.len(),
        activity.receipts.len(),
        activity.ratings.len(),
        activity.citizens.len()
    );
    std::io::stdout().write_all(to_sql(&activity).as_bytes()).expect("stdout");
}

fn parse_date(s: &str) -> Option<time::Date> {
    let mut parts = s.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    time::Date::from_calendar_date(y, time::Month::try_from(m as u8).ok()?, d as u8).ok()
}
