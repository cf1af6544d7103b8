//! `TestApp`: starts the product under `wrangler dev` once per test binary and exposes typed
//! calls. The server runs in its own process group and is stopped by that group's id when the
//! binary exits (and stops itself if the binary dies).

use std::collections::HashMap;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pgid: i32,
    _state: tempfile::TempDir,
}

static APP: OnceLock<TestApp> = OnceLock::new();
/// The process groups of the servers this binary started (the shared one, and any started with
/// settings of their own), stopped at exit.
static PGIDS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static AT_EXIT: std::sync::Once = std::sync::Once::new();

extern "C" fn stop_servers() {
    let pgids = PGIDS.lock().map(|v| v.clone()).unwrap_or_default();
    for pgid in pgids.into_iter().filter(|p| *p > 0) {
        // SAFETY: sends a signal to a process group we created; no memory is touched.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
    }
}

/// Today in Vietnam (UTC+7), `YYYY-MM-DD`, as the Worker dates fee versions.
pub fn today_vn() -> String {
    time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap()).date().to_string()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `scripts/serve-test.sh` on `port` over `dir/state` in a process group of its own,
/// appending to `dir/wrangler.log`; answers the group's id (remembered for the exit).
fn spawn_server(dir: &std::path::Path, port: u16, vars: &[&str]) -> i32 {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("wrangler.log")).unwrap();
    let child = Command::new(root().join("scripts/serve-test.sh"))
        .arg(std::process::id().to_string())
        .arg(port.to_string())
        .arg(dir.join("state"))
        .args(vars)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("start scripts/serve-test.sh");
    let pgid = child.id() as i32;
    PGIDS.lock().unwrap_or_else(|e| e.into_inner()).push(pgid);
    pgid
}

/// The shared app, started on first use.
pub fn app() -> &'static TestApp {
    APP.get_or_init(|| TestApp::start_with(&[]))
}

impl TestApp {
    /// A server of its own with extra `NAME:VALUE` settings (`--var`), for a test that needs a
    /// setting the shared server must not have (e.g. a retention of 0 hours). It is slow to start:
    /// share it within a module.
    pub fn start_with(vars: &[&str]) -> TestApp {
        let state = tempfile::tempdir().expect("temp state dir");
        let port = free_port();
        std::fs::File::create(state.path().join("wrangler.log")).unwrap();
        let pgid = spawn_server(state.path(), port, vars);
        AT_EXIT.call_once(|| {
            // SAFETY: registers a plain extern "C" function to run at process exit.
            unsafe {
                libc::atexit(stop_servers);
            }
        });
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let app = TestApp { base, client, pgid, _state: state };
        app.wait_ready();
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> Response {
        checked(self.client.get(self.url(path)).send().unwrap())
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        checked(self.client.post(self.url(path)).json(body).send().unwrap())
    }

    /// A request to this server as `session` (a session of this server: see
    /// [`TestApp::new_citizen_session`]).
    pub fn as_session(&self, method: reqwest::Method, path: &str, session: &Session) -> reqwest::blocking::RequestBuilder {
        self.client.request(method, self.url(path)).header("cookie", &session.cookie)
    }

    /// One text column of a query on this server's local R2 metadata (miniflare's SQLite files
    /// in the state directory, e.g. `SELECT key FROM _mf_objects`): what is really stored,
    /// which the API never lists.
    pub fn r2_query(&self, sql: &str) -> Vec<String> {
        let dir = self._state.path().join("state/v3/r2/miniflare-R2BucketObject");
        let script = "import glob, os, sqlite3, sys\n\
            for f in glob.glob(os.path.join(sys.argv[1], '*.sqlite')):\n\
            \tif os.path.basename(f) == 'metadata.sqlite': continue\n\
            \tfor (v,) in sqlite3.connect(f).execute(sys.argv[2]): print(v)\n";
        let out = Command::new("python3").arg("-c").arg(script).arg(&dir).arg(sql).output().expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
    }

    /// The bytes of an object in any of this server's local R2 buckets (miniflare keeps the
    /// metadata in SQLite and the bytes in a blob file named by the row's `blob_id`).
    pub fn r2_object(&self, key: &str) -> Option<Vec<u8>> {
        let dir = self._state.path().join("state/v3/r2");
        let script = "import glob, os, sqlite3, sys\n\
            for f in glob.glob(os.path.join(sys.argv[1], 'miniflare-R2BucketObject', '*.sqlite')):\n\
            \tif os.path.basename(f) == 'metadata.sqlite': continue\n\
            \tfor (b,) in sqlite3.connect(f).execute('SELECT blob_id FROM _mf_objects WHERE key = ?', (sys.argv[2],)):\n\
            \t\tfor p in glob.glob(os.path.join(sys.argv[1], '**', b), recursive=True):\n\
            \t\t\tsys.stdout.buffer.write(open(p, 'rb').read()); sys.exit(0)\n\
            sys.exit(3)\n";
        let out = Command::new("python3").arg("-c").arg(script).arg(&dir).arg(key).output().expect("python3");
        out.status.success().then_some(out.stdout)
    }

    /// The rows of a query on this server's local D1 database (miniflare's SQLite file in the
    /// state directory), each row's columns joined by `|`: what is really stored, for the
    /// invariants no API lists (ledger rows, settlements per notice).
    pub fn d1_query(&self, sql: &str) -> Vec<String> {
        let dir = self._state.path().join("state/v3/d1/miniflare-D1DatabaseObject");
        let script = "import glob, os, sqlite3, sys\n\
            for f in glob.glob(os.path.join(sys.argv[1], '*.sqlite')):\n\
            \tif os.path.basename(f) == 'metadata.sqlite': continue\n\
            \tc = sqlite3.connect(f)\n\
            \tif not c.execute(\"SELECT 1 FROM sqlite_master WHERE name = 'dossiers'\").fetchone(): continue\n\
            \tfor row in c.execute(sys.argv[2]): print('|'.join('' if v is None else str(v) for v in row))\n";
        let out = Command::new("python3").arg("-c").arg(script).arg(&dir).arg(sql).output().expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
    }

    /// [`TestApp::d1_query`] per database: for each D1 file holding dossiers, whether it is the
    /// national one (it has the agency tree; a province's shard has not) and its rows. For a
    /// server with provinces' databases of their own (`SHARDS:…`).
    pub fn d1_query_per_database(&self, sql: &str) -> Vec<(bool, Vec<String>)> {
        let dir = self._state.path().join("state/v3/d1/miniflare-D1DatabaseObject");
        let script = "import glob, json, os, sqlite3, sys\n\
            for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.sqlite'))):\n\
            \tif os.path.basename(f) == 'metadata.sqlite': continue\n\
            \tc = sqlite3.connect(f)\n\
            \tif not c.execute(\"SELECT 1 FROM sqlite_master WHERE name = 'dossiers'\").fetchone(): continue\n\
            \tnational = bool(c.execute(\"SELECT 1 FROM sqlite_master WHERE name = 'agencies'\").fetchone())\n\
            \tprint(json.dumps([national, ['|'.join('' if v is None else str(v) for v in row) for row in c.execute(sys.argv[2])]]))\n";
        let out = Command::new("python3").arg("-c").arg(script).arg(&dir).arg(sql).output().expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    /// Statements run by the server itself on its D1 bindings (`POST /dev/d1`, one transaction
    /// per database): `national` (`DB`), `provinces` (each bound `DB_Pnn`) or `every`. A test
    /// never writes the SQLite files while the server runs: it would hold the write lock behind
    /// the server's back, and the server's own write (another test's log-in) fails with
    /// SQLITE_BUSY. Reading them is safe (the files are in WAL mode).
    pub fn d1_statements(&self, databases: &str, statements: &[String]) {
        let resp = self.post_json("/dev/d1", &serde_json::json!({ "databases": databases, "statements": statements }));
        let status = resp.status();
        assert_eq!(status, 200, "/dev/d1 {statements:?}: {}\n{}", resp.text().unwrap_or_default(), self.log_errors());
    }

    /// Statements on the national database (`national`) or on every province's own (for a
    /// server with `SHARDS:…`), to arrange what only a migration writes.
    pub fn d1_script_in(&self, national: bool, statements: &[&str]) {
        let statements: Vec<String> = statements.iter().map(|s| s.to_string()).collect();
        self.d1_statements(if national { "national" } else { "provinces" }, &statements);
    }

    /// Rows of `table` matching `condition` copied from every province's own database into the
    /// national one: what a migration leaves behind until its clean-up (docs/SHARDING.md §5).
    /// The rows are read from the files and written through the server.
    pub fn d1_copy_to_national(&self, table: &str, condition: &str) {
        let dir = self._state.path().join("state/v3/d1/miniflare-D1DatabaseObject");
        let script = "import glob, json, os, sqlite3, sys\n\
            def lit(v):\n\
            \tif v is None: return 'NULL'\n\
            \tif isinstance(v, (int, float)): return repr(v)\n\
            \tif isinstance(v, bytes): return \"X'\" + v.hex() + \"'\"\n\
            \treturn \"'\" + v.replace(\"'\", \"''\") + \"'\"\n\
            out = []\n\
            for f in glob.glob(os.path.join(sys.argv[1], '*.sqlite')):\n\
            \tif os.path.basename(f) == 'metadata.sqlite': continue\n\
            \tc = sqlite3.connect(f)\n\
            \thas = lambda t: bool(c.execute('SELECT 1 FROM sqlite_master WHERE name = ?', (t,)).fetchone())\n\
            \tif not has('dossiers') or has('agencies'): continue\n\
            \tfor row in c.execute('SELECT * FROM %s WHERE %s' % (sys.argv[2], sys.argv[3])):\n\
            \t\tout.append('INSERT OR REPLACE INTO %s VALUES (%s)' % (sys.argv[2], ', '.join(lit(v) for v in row)))\n\
            print(json.dumps(out))\n";
        let out = Command::new("python3").arg("-c").arg(script).arg(&dir).arg(table).arg(condition).output().expect("python3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let statements: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!statements.is_empty(), "no {table} row where {condition} in a province's database");
        self.d1_statements("national", &statements);
    }

    /// A change made by the server on every database (`POST /dev/d1`), for arranging a state
    /// no API makes (an agency that lost an account). Never used to check a result.
    pub fn d1_execute(&self, sql: &str) {
        self.d1_statements("every", &[sql.to_string()]);
    }

    /// One number from [`TestApp::d1_query`].
    pub fn d1_count(&self, sql: &str) -> i64 {
        self.d1_query(sql).first().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no number from {sql}"))
    }

    /// Kills the server's whole process group at once (SIGKILL: no clean shutdown), as a crash
    /// or a lost machine would.
    pub fn kill_hard(&self) {
        // SAFETY: sends a signal to the process group this TestApp started; no memory is touched.
        unsafe {
            libc::kill(-self.pgid, libc::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(500));
    }

    /// Starts the server again on the same state directory (after [`TestApp::kill_hard`]).
    pub fn restart(&mut self, vars: &[&str]) {
        let port: u16 = self.base.rsplit(':').next().unwrap().parse().unwrap();
        self.pgid = spawn_server(self._state.path(), port, vars);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(r) = self.client.get(format!("{}/api/health", self.base)).send() {
                if r.status().is_success() {
                    return;
                }
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(self._state.path().join("wrangler.log")).unwrap_or_default();
                panic!("wrangler dev did not become ready on {}:\n{log}", self.base);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The error lines of this server's log (its last 40).
    pub fn log_errors(&self) -> String {
        let log = std::fs::read_to_string(self._state.path().join("wrangler.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().filter(|l| l.contains("rror") || l.contains("panicked") || l.contains("✘")).collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body.to_string())
            .send()
            .map(checked)
            .unwrap()
    }

    #[allow(dead_code)]
    pub fn pgid(&self) -> i32 {
        self.pgid
    }
}

// ---- No stored secret in any answer ----

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A secret a test stored (an agency's merchant key): no answer may contain it from now on.
pub fn remember_secret(value: &str) {
    SECRETS.lock().unwrap_or_else(|e| e.into_inner()).push(value.to_string());
}

/// The deployment's secrets (`.dev.vars.example`), the demo agencies' sealed merchant secrets
/// and every secret a test stored.
fn secret_values() -> Vec<String> {
    static BASE: OnceLock<Vec<String>> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        let text = std::fs::read_to_string(root().join(".dev.vars.example")).expect(".dev.vars.example");
        let mut v: Vec<String> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .filter(|(k, _)| ["SECRET", "KEY", "KEK"].iter().any(|w| k.contains(w)))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| v.len() >= 8)
            .collect();
        v.extend(crate::money::DAISON_SECRETS.iter().map(|s| s.to_string()));
        v
    });
    let mut all = base.clone();
    all.extend(SECRETS.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned());
    all
}

/// Every answer of the suite passes here: it fails the test if the body holds a stored secret,
/// then gives the response back unchanged.
pub fn checked(resp: Response) -> Response {
    let (status, headers, url) = (resp.status(), resp.headers().clone(), resp.url().to_string());
    let bytes = resp.bytes().expect("read the answer");
    let text = String::from_utf8_lossy(&bytes);
    for secret in secret_values() {
        assert!(!text.contains(&secret), "{url} answered a stored secret ({} characters)", secret.len());
    }
    if status.is_server_error() {
        // The server's own account of a 5xx, for the failure message of whichever test sees it.
        eprintln!("{url} answered {status}; the shared server's log says:\n{}", app().log_errors());
    }
    let mut rebuilt = http::Response::builder().status(status);
    *rebuilt.headers_mut().expect("builder") = headers;
    rebuilt.body(bytes.to_vec()).expect("rebuild the answer").into()
}

/// Asserts the project's error envelope and returns `(code, field)`.
pub fn expect_error(resp: Response, status: u16) -> (String, Option<String>) {
    assert_eq!(resp.status().as_u16(), status, "unexpected status");
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(ct.starts_with("application/json"), "error must be JSON, got {ct}");
    let body: Value = resp.json().unwrap();
    let error = &body["error"];
    let code = error["code"].as_str().expect("error.code").to_string();
    assert!(!error["message"].as_str().expect("error.message").is_empty());
    assert!(!error["message_vi"].as_str().expect("error.message_vi").is_empty());
    (code, error["field"].as_str().map(str::to_string))
}

/// The code of the agency with this exact name, from `GET /api/agencies`.
pub fn agency_code(name: &str) -> String {
    fn find(nodes: &[motcua_domain::api::AgencyNode], name: &str) -> Option<String> {
        nodes.iter().find_map(|n| if n.name == name { Some(n.code.clone()) } else { find(&n.children, name) })
    }
    let tree: Vec<motcua_domain::api::AgencyNode> = app().get("/api/agencies").json().unwrap();
    find(&tree, name).unwrap_or_else(|| panic!("no agency named {name}"))
}

/// A development setting as the test server sees it (`.dev.vars.example`, which it loads).
pub fn dev_var(name: &str) -> String {
    let text = std::fs::read_to_string(root().join(".dev.vars.example")).expect(".dev.vars.example");
    text.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| panic!("{name} missing from .dev.vars.example"))
}

// ---- Log-in helpers (citizens by one-time code, staff by password) ----

/// The demo staff password (development and tests only).
pub const DEMO_PASSWORD: &str = "MotCua@2026";

/// A logged-in caller: the `name=token` pair to send as `Cookie:` (reqwest's cookie store
/// would not send a `Secure` cookie over http), and the log-in answer's body.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub body: Value,
}

impl Session {
    pub fn get(&self, path: &str) -> Response {
        checked(app().client.get(app().url(path)).header("cookie", &self.cookie).send().unwrap())
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        checked(app().client.post(app().url(path)).header("cookie", &self.cookie).json(body).send().unwrap())
    }

    pub fn put_json(&self, path: &str, body: &Value) -> Response {
        checked(app().client.put(app().url(path)).header("cookie", &self.cookie).json(body).send().unwrap())
    }
}

static CITIZENS: Mutex<Option<HashMap<String, Session>>> = Mutex::new(None);
static STAFF: Mutex<Option<HashMap<String, Session>>> = Mutex::new(None);

/// A client address of its own per phone number (miniflare keeps a `CF-Connecting-IP` the client
/// sends; Cloudflare overwrites it), so the per-address limit of one test never hits another.
pub fn ip_for(phone: &str) -> String {
    let n: u32 = phone.bytes().filter(u8::is_ascii_digit).fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add((b - b'0') as u32));
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

/// The `name=value` part of the first `Set-Cookie` for `name`, and the whole header.
pub fn set_cookie(resp: &Response, name: &str) -> Option<(String, String)> {
    resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let pair = v.split(';').next()?.trim();
        pair.starts_with(&format!("{name}=")).then(|| (pair.to_string(), v.to_string()))
    })
}

impl TestApp {
    /// `POST /api/auth/otp/request` from the client address `ip`.
    pub fn request_code_from(&self, phone: &str, ip: &str) -> Response {
        self.client
            .post(self.url("/api/auth/otp/request"))
            .header("CF-Connecting-IP", ip)
            .json(&serde_json::json!({ "phone": phone }))
            .send()
            .unwrap()
    }

    pub fn request_code(&self, phone: &str) -> Response {
        self.request_code_from(phone, &ip_for(phone))
    }

    /// `POST /api/auth/otp/verify` from the number's own client address (see [`ip_for`]), so
    /// the per-address limit of wrong codes of one test never hits another.
    pub fn verify_code(&self, phone: &str, code: &str) -> Response {
        self.verify_code_from(phone, code, &ip_for(phone))
    }

    pub fn verify_code_from(&self, phone: &str, code: &str, ip: &str) -> Response {
        self.client
            .post(self.url("/api/auth/otp/verify"))
            .header("CF-Connecting-IP", ip)
            .json(&serde_json::json!({ "phone": phone, "code": code }))
            .send()
            .unwrap()
    }

    /// The development outbox for a number, newest first (`/dev/outbox.json`, SANDBOX only).
    pub fn outbox(&self, phone: &str) -> Vec<Value> {
        let resp = self.get(&format!("/dev/outbox.json?to={phone}"));
        assert_eq!(resp.status(), 200, "/dev/outbox.json");
        resp.json().unwrap()
    }

    /// The id of the newest outbox message to `phone` (0 when none).
    pub fn last_outbox_id(&self, phone: &str) -> i64 {
        self.outbox(phone).first().and_then(|m| m["id"].as_i64()).unwrap_or(0)
    }

    /// Waits (the outbox queue delivers within ~1 s) for a message to `phone` newer than
    /// `after_id` and returns the 6-digit code in it.
    pub fn code_after(&self, phone: &str, after_id: i64) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(m) = self.outbox(phone).into_iter().find(|m| m["id"].as_i64().unwrap_or(0) > after_id) {
                let body = m["body"].as_str().unwrap();
                let digits: Vec<char> = body.chars().collect();
                for w in digits.windows(6) {
                    if w.iter().all(char::is_ascii_digit) {
                        return w.iter().collect();
                    }
                }
                panic!("no code in SMS {body:?}");
            }
            assert!(Instant::now() < deadline, "no SMS reached the outbox for {phone}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Asks for a code and reads it from the outbox.
    pub fn send_code(&self, phone: &str) -> String {
        let before = self.last_outbox_id(phone);
        let resp = self.request_code(phone);
        assert_eq!(resp.status(), 202, "code request for {phone}: {}", resp.text().unwrap_or_default());
        self.code_after(phone, before)
    }

    /// Sandbox only: moves the number's codes `seconds` into the past (expiry, resend delay).
    pub fn age_codes(&self, phone: &str, seconds: i64) {
        let resp = self.post_json("/dev/otp/age", &serde_json::json!({ "phone": phone, "seconds": seconds }));
        assert_eq!(resp.status(), 200, "/dev/otp/age");
    }

    /// A new citizen session by the whole code flow (a number gets 5 codes an hour: use
    /// [`TestApp::login_citizen`] unless the test needs its own session, e.g. to log out).
    pub fn new_citizen_session(&self, phone: &str) -> Session {
        let code = self.send_code(phone);
        let resp = self.verify_code(phone, &code);
        if resp.status() != 200 {
            // What the server said and logged: a rare 500 here under the full suite (2026-12-07) was
            // not reproduced, and its server's log went with its temporary directory.
            let status = resp.status();
            panic!("verify for {phone}: {status} {}\n{}", resp.text().unwrap_or_default(), self.log_errors());
        }
        let (cookie, _) = set_cookie(&resp, "motcua_session").expect("session cookie");
        Session { cookie, body: resp.json().unwrap() }
    }

    /// The citizen session of this test binary for `phone`, logged in once and shared (do not
    /// log it out). Demo citizens: 0912345678, 0987654321.
    pub fn login_citizen(&self, phone: &str) -> Session {
        let mut cache = CITIZENS.lock().unwrap_or_else(|e| e.into_inner());
        let cache = cache.get_or_insert_with(HashMap::new);
        cache.entry(phone.to_string()).or_insert_with(|| self.new_citizen_session(phone)).clone()
    }

    pub fn staff_login(&self, username: &str, password: &str, totp: Option<&str>) -> Response {
        self.post_json("/api/staff/login", &serde_json::json!({ "username": username, "password": password, "totp": totp }))
    }

    /// A new staff session with the demo password.
    pub fn new_staff_session(&self, username: &str) -> Session {
        let resp = self.staff_login(username, DEMO_PASSWORD, None);
        assert_eq!(resp.status(), 200, "staff log-in {username}");
        let (cookie, _) = set_cookie(&resp, "motcua_staff").expect("staff cookie");
        Session { cookie, body: resp.json().unwrap() }
    }

    /// The staff session of this test binary for `username` (demo password), shared (do not log
    /// it out). Demo staff: sontay.motcua, daison.motcua, ngocky.motcua (officers), tuky.lanhdao
    /// (leader of Tứ Kỳ), haiduong.admin, dongthap.admin, hatinh.admin (provincial admins),
    /// quocgia.admin (the national admin).
    pub fn login_staff(&self, username: &str) -> Session {
        let mut cache = STAFF.lock().unwrap_or_else(|e| e.into_inner());
        let cache = cache.get_or_insert_with(HashMap::new);
        cache.entry(username.to_string()).or_insert_with(|| self.new_staff_session(username)).clone()
    }
}
