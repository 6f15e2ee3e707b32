//! Headless Chromium through ChromeDriver, for the console's browser tests.
//!
//! [`Driver::start`] launches `chromedriver` on a free port (in a process group of its own, ended
//! with everything it started when the driver is dropped); [`Driver::open`] opens one browser
//! session on a base URL. Several sessions of one driver are independent browsers (own profile,
//! own cookies): two people signed in side by side.
//!
//! When ChromeDriver or Chromium is missing the test prints `SKIPPED: <why>` and gets `None`,
//! except under `CI=true`, where it fails: CI must never pass by skipping.
//!
//! ```ignore
//! let Some(driver) = Driver::start().await else { return };
//! let dispatcher = driver.open(&app.url("")).await;
//! dispatcher.sign_in("disp", "secret").await;
//! dispatcher.submit_form("dispatch", &[("unit", "department:urban_management")]).await;
//! dispatcher.wait_for("[data-case-state='dispatched']", WAIT).await;
//! dispatcher.screenshot("dispatched").await;
//! dispatcher.close().await;
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::databases::in_ci;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long helpers wait for a page or an element by default.
pub const WAIT: Duration = Duration::from_secs(10);

/// A running `chromedriver`; it and every browser it started are ended when this is dropped.
pub struct Driver {
    child: Child,
    killed: bool,
    url: String,
    // Chromium profiles and the driver's log.
    dir: TempDir,
}

impl Driver {
    /// Starts ChromeDriver on a free port and waits until it answers, or `None` (after printing
    /// why) when the driver or the browser is missing outside CI.
    pub async fn start() -> Option<Driver> {
        for (path, what) in [(CHROMEDRIVER, "ChromeDriver"), (CHROMIUM, "Chromium")] {
            if !Path::new(path).exists() {
                let why = format!(
                    "{what} not found at {path} (apt-get install chromium chromium-driver \
                     fonts-wqy-microhei)"
                );
                if in_ci() {
                    panic!("{why}; browser tests must run under CI=true");
                }
                eprintln!("SKIPPED: {why}; set CI=true to fail");
                return None;
            }
        }
        let mut dir = tempfile::tempdir().expect("temp dir for the browser");
        let mut last_error = String::new();
        // A port found free may be taken before the driver binds it: try a few.
        for _ in 0..3 {
            let port = free_port();
            let log = std::fs::File::create(dir.path().join("chromedriver.log")).expect("log");
            let mut command = Command::new(CHROMEDRIVER);
            command
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log"))
                .stderr(log);
            {
                use std::os::unix::process::CommandExt;
                // Its own process group, so dropping the driver also ends its browsers.
                command.process_group(0);
            }
            let child = match command.spawn() {
                Ok(child) => child,
                Err(err) => panic!("cannot start {CHROMEDRIVER}: {err}"),
            };
            let mut driver = Driver {
                child,
                killed: false,
                url: format!("http://127.0.0.1:{port}"),
                dir,
            };
            match driver.wait_until_ready().await {
                Ok(()) => return Some(driver),
                Err(err) => {
                    last_error = err;
                    driver.kill();
                    dir = std::mem::replace(&mut driver.dir, tempfile::tempdir().expect("dir"));
                }
            }
        }
        let why = format!("ChromeDriver did not start: {last_error}");
        if in_ci() {
            panic!("{why}");
        }
        eprintln!("SKIPPED: {why}");
        None
    }

    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited with {status}: {}", self.log()));
            }
            if let Ok(response) = client.get(format!("{}/status", self.url)).send().await {
                if let Ok(body) = response.json::<Value>().await {
                    if body["value"]["ready"].as_bool() == Some(true) {
                        return Ok(());
                    }
                }
            }
            if Instant::now() > deadline {
                return Err(format!("not ready after 20 s: {}", self.log()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The driver's log so far (for failure messages).
    pub fn log(&self) -> String {
        let log =
            std::fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Opens a new browser (own profile, own cookies) whose relative paths resolve against
    /// `base` (e.g. `http://127.0.0.1:PORT`).
    pub async fn open(&self, base: &str) -> Browser {
        self.open_window(base, 1366, 900).await
    }

    /// [`Driver::open`] with a page area (viewport) of exactly `width` × `height` CSS pixels,
    /// e.g. a 1920×1080 wall screen: the window is resized until the page reports that size.
    pub async fn open_sized(&self, base: &str, width: u32, height: u32) -> Browser {
        let browser = self.open_window(base, width, height).await;
        for _ in 0..3 {
            let inner = browser
                .client
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await
                .expect("read the viewport");
            let size = |i: usize| inner[i].as_i64().unwrap_or_default();
            let (dw, dh) = (i64::from(width) - size(0), i64::from(height) - size(1));
            if (dw, dh) == (0, 0) {
                return browser;
            }
            let (w, h) = browser.client.get_window_size().await.expect("window size");
            let grow = |now: u64, by: i64| u32::try_from(now as i64 + by).expect("window size");
            browser
                .client
                .set_window_size(grow(w, dw), grow(h, dh))
                .await
                .expect("resize the window");
        }
        panic!("cannot give the page a {width}×{height} viewport");
    }

    async fn open_window(&self, base: &str, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir_in(self.dir.path()).expect("profile dir");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    format!("--window-size={width},{height}"),
                    "--lang=zh-CN",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-extensions",
                    "--disable-background-networking",
                    "--disable-sync",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": "zh-CN,zh" },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = match builder.connect(&self.url).await {
            Ok(client) => client,
            Err(err) => panic!("cannot open a Chromium session: {err}\n{}", self.log()),
        };
        Browser {
            client,
            base: base.trim_end_matches('/').to_string(),
            _profile: profile,
        }
    }

    fn kill(&mut self) {
        if std::mem::replace(&mut self.killed, true) {
            return;
        }
        // The whole group: chromedriver and the Chromium processes it started. Never through
        // the `kill` program: procps-ng 4.0.2 takes `kill -KILL -<pgid>` for "every process".
        if let Ok(group) = i32::try_from(self.child.id()) {
            if group > 1 {
                // SAFETY: a plain syscall on the process group this driver created.
                unsafe {
                    libc::killpg(group, libc::SIGKILL);
                }
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// Where screenshots go: `target/screenshots/`, beside the build output.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("screenshots")
}

/// One browser session on the console.
pub struct Browser {
    pub client: Client,
    base: String,
    _profile: TempDir,
}

/// Fills the named fields of a form and reports the names it could not fill. Select elements take
/// the value of an option (several values for a `multiple` one), checkboxes and radios are checked
/// when their value is listed, anything else gets its value set.
const FILL_FORM: &str = r#"
const [selector, fields] = arguments;
const form = document.querySelector(selector);
if (!form) return { error: `no form matches ${selector}` };
const values = new Map();
for (const [name, value] of fields) {
  if (!values.has(name)) values.set(name, []);
  values.get(name).push(value);
}
const problems = [];
for (const [name, wanted] of values) {
  const inputs = Array.from(form.elements).filter(e => e.name === name);
  if (inputs.length === 0) { problems.push(`no field named ${name}`); continue; }
  for (const input of inputs) {
    if (input.tagName === 'SELECT') {
      const options = Array.from(input.options);
      for (const w of wanted) {
        if (!options.some(o => o.value === w)) {
          problems.push(`${name} has no option ${w} (options: ${options.map(o => o.value).join(',')})`);
        }
      }
      for (const o of options) o.selected = wanted.includes(o.value);
    } else if (input.type === 'checkbox' || input.type === 'radio') {
      input.checked = wanted.includes(input.value);
    } else {
      input.value = wanted[wanted.length - 1];
    }
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
  if (inputs.every(i => (i.type === 'checkbox' || i.type === 'radio'))
      && !inputs.some(i => wanted.includes(i.value))) {
    problems.push(`${name} has no choice ${wanted.join(',')}`);
  }
}
return { error: problems.length ? problems.join('; ') : null };
"#;

/// Submits a form the way a click on its submit button does (validation and submit handlers
/// included), marking the document so the caller can tell a navigation from an in-page update.
const SUBMIT_FORM: &str = r#"
const [selector] = arguments;
const form = document.querySelector(selector);
if (!form) return `no form matches ${selector}`;
window.__sbSubmitted = Date.now();
const button = form.querySelector('button[type=submit], input[type=submit], button:not([type])');
if (button) { button.click(); } else { form.requestSubmit(); }
return null;
"#;

/// A status and a body fetched from inside the page (with the session's cookies).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub body: String,
    pub headers: Value,
}

impl Browser {
    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Goes to `path` (relative to the base URL) and waits for the page to load.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|err| panic!("GET {path}: {err}"));
    }

    /// The current path (and query).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Signs in at `/login` and waits until the browser has left the login page; panics with
    /// the page's error otherwise. Returns the path the console sent this person to.
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        self.try_sign_in(login, password).await;
        let deadline = Instant::now() + WAIT;
        loop {
            let path = self.path().await;
            if !path.starts_with("/login") {
                return path;
            }
            if Instant::now() > deadline {
                let error = self.text_of(".form-error").await.unwrap_or_default();
                self.screenshot(&format!("sign-in-failed-{login}")).await;
                panic!("{login} could not sign in: still at {path}; form error: {error:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fills and submits the login form, without checking the outcome.
    pub async fn try_sign_in(&self, login: &str, password: &str) {
        self.goto("/login").await;
        self.submit_form("login", &[("login", login), ("password", password)])
            .await;
    }

    /// Fills `form[data-action="<action>"]` (the first on the page) and submits it.
    pub async fn submit_form(&self, action: &str, fields: &[(&str, &str)]) {
        self.submit_form_at(&format!("form[data-action=\"{action}\"]"), fields)
            .await
    }

    /// Fills the form matched by a CSS selector (e.g.
    /// `form[data-action="report-in"][data-whistle-no="1"]`) and submits it; waits until the
    /// resulting page has loaded or an in-page update has settled.
    pub async fn submit_form_at(&self, selector: &str, fields: &[(&str, &str)]) {
        self.wait_for(selector, WAIT).await;
        let fields: Vec<Value> = fields.iter().map(|(n, v)| json!([n, v])).collect();
        let filled = self
            .client
            .execute(FILL_FORM, vec![json!(selector), Value::Array(fields)])
            .await
            .unwrap_or_else(|err| panic!("fill {selector}: {err}"));
        if let Some(error) = filled["error"].as_str() {
            self.screenshot("form-fill-failed").await;
            panic!("cannot fill {selector} at {}: {error}", self.path().await);
        }
        let submitted = self
            .client
            .execute(SUBMIT_FORM, vec![json!(selector)])
            .await
            .unwrap_or_else(|err| panic!("submit {selector}: {err}"));
        if let Some(error) = submitted.as_str() {
            panic!("cannot submit {selector}: {error}");
        }
        self.settle().await;
    }

    /// Waits until a navigation started by a submit has finished (a new document, fully
    /// loaded), or an in-page update has had time to settle (no htmx request in flight).
    pub async fn settle(&self) {
        let started = Instant::now();
        let deadline = started + WAIT;
        while Instant::now() < deadline {
            let state = self
                .client
                .execute(
                    "return { same: window.__sbSubmitted !== undefined, \
                       ready: document.readyState, \
                       busy: document.querySelector('.htmx-request') !== null };",
                    vec![],
                )
                .await;
            if let Ok(state) = state {
                let same = state["same"].as_bool().unwrap_or(false);
                let ready = state["ready"] == "complete";
                let busy = state["busy"].as_bool().unwrap_or(false);
                if !same && ready {
                    return;
                }
                if same && !busy && started.elapsed() > Duration::from_millis(600) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Polls for an element matching `css` until `timeout`; panics (after a screenshot) when it
    /// never appears.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        match self.try_wait_for(css, timeout).await {
            Some(element) => element,
            None => {
                let path = self.path().await;
                let errors = self.visible_errors().await;
                self.screenshot("wait-for-timeout").await;
                panic!("no {css} at {path} after {timeout:?}{errors}");
            }
        }
    }

    /// Polls for an element matching `css` until `timeout`.
    pub async fn try_wait_for(&self, css: &str, timeout: Duration) -> Option<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                return Some(element);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every element matching `css` now.
    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    /// The text of the first element matching `css`, if any. A live refresh may swap the element
    /// out between finding it and reading it (a stale element): then it is found again, for up
    /// to a second.
    pub async fn text_of(&self, css: &str) -> Option<String> {
        for _ in 0..5 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    return Some(text);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    }

    /// The page's form errors and field errors, for failure messages (empty when none).
    pub async fn visible_errors(&self) -> String {
        let mut out = String::new();
        for element in self.all(".form-error, .field-error, .stale-warning").await {
            if let Ok(text) = element.text().await {
                if !text.trim().is_empty() {
                    out.push_str(&format!("\n  error on page: {}", text.trim()));
                }
            }
        }
        out
    }

    /// `fetch()` from inside the page: same origin, the session's cookies. `body` is sent as
    /// `application/x-www-form-urlencoded` when given.
    pub async fn fetch(&self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> Fetched {
        let form: Option<Vec<Value>> =
            form.map(|fields| fields.iter().map(|(n, v)| json!([n, v])).collect());
        let script = r#"
const [method, path, form, done] = arguments;
const init = { method, credentials: 'same-origin', redirect: 'manual' };
if (form) {
  init.body = new URLSearchParams(form);
  init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
}
fetch(path, init).then(async r => {
  const headers = {};
  r.headers.forEach((v, k) => headers[k] = v);
  done({ status: r.status, body: await r.text(), headers });
}).catch(e => done({ status: 0, body: String(e), headers: {} }));
"#;
        let answer = self
            .client
            .execute_async(
                script,
                vec![json!(method), json!(path), json!(form.map(Value::Array))],
            )
            .await
            .unwrap_or_else(|err| panic!("fetch {method} {path}: {err}"));
        Fetched {
            status: answer["status"].as_u64().unwrap_or(0) as u16,
            body: answer["body"].as_str().unwrap_or_default().to_string(),
            headers: answer["headers"].clone(),
        }
    }

    /// The `Cookie` header this browser sends to the console (for raw HTTP clients).
    pub async fn cookie_header(&self) -> String {
        let cookies = self.client.get_all_cookies().await.expect("cookies");
        cookies
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Saves a PNG of the viewport as `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create the screenshot dir");
        let path = dir.join(format!("{name}.png"));
        match self.client.screenshot().await {
            Ok(png) => std::fs::write(&path, png).expect("write screenshot"),
            Err(err) => eprintln!("screenshot {name} failed: {err}"),
        }
        eprintln!("screenshot: {}", path.display());
        path
    }

    /// Ends the session (closes the browser).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
