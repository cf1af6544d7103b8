//! `TestApp`: starts the product under `wrangler dev` once per test binary and exposes typed
//! calls. The server runs in its own process group and is stopped by that group's id when the
//! binary exits (and stops itself if the binary dies).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
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
static PGID: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

extern "C" fn stop_server() {
    let pgid = PGID.load(std::sync::atomic::Ordering::SeqCst);
    if pgid > 0 {
        // SAFETY: sends a signal to the process group we created; no memory is touched.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The shared app, started on first use.
pub fn app() -> &'static TestApp {
    APP.get_or_init(TestApp::start)
}

impl TestApp {
    fn start() -> TestApp {
        let state = tempfile::tempdir().expect("temp state dir");
        let port = free_port();
        let log = std::fs::File::create(state.path().join("wrangler.log")).unwrap();
        let child = Command::new(root().join("scripts/serve-test.sh"))
            .arg(std::process::id().to_string())
            .arg(port.to_string())
            .arg(state.path().join("state"))
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("start scripts/serve-test.sh");
        let pgid = child.id() as i32;
        PGID.store(pgid, std::sync::atomic::Ordering::SeqCst);
        // SAFETY: registers a plain extern "C" function to run at process exit.
        unsafe {
            libc::atexit(stop_server);
        }
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(r) = client.get(format!("{base}/api/health")).send() {
                if r.status().is_success() {
                    break;
                }
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(state.path().join("wrangler.log")).unwrap_or_default();
                panic!("wrangler dev did not become ready on {base}:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        TestApp { base, client, pgid, _state: state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().unwrap()
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().unwrap()
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body.to_string())
            .send()
            .unwrap()
    }

    #[allow(dead_code)]
    pub fn pgid(&self) -> i32 {
        self.pgid
    }
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
