//! Just enough WebDriver (W3C, over HTTP/1.1 on 127.0.0.1) to drive
//! headless Chromium through ChromeDriver: one session, navigation, element
//! lookup, clicks, typing, scripts and screenshots.
//!
//! [`Browser::start`] runs `chromedriver` on a free port in a process group
//! of its own, with Chromium as its child and a fresh profile folder. Every
//! request has a deadline. Dropping the [`Browser`] ends the session, kills
//! the process group and then any process still using the profile folder,
//! so nothing outlives the test, even when it panics.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key of an element reference in WebDriver answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long ChromeDriver may take to listen.
const DRIVER_START: Duration = Duration::from_secs(20);

/// How long one WebDriver command may take (a session start launches
/// Chromium).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a page may take to load.
const PAGE_LOAD: Duration = Duration::from_secs(30);

/// The Chromium flags: headless as root, no network but 127.0.0.1.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
];

/// A headless Chromium driven through ChromeDriver.
pub struct Browser {
    driver: Option<Child>,
    address: SocketAddr,
    session: Option<String>,
    profile: tempfile::TempDir,
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// Finds an executable: the environment variable `variable` if set, else
/// the first of `names` in `PATH`.
fn executable(variable: &str, names: &[&str]) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Ok(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "none of {names:?} is in PATH (set {variable} to its path, or install Debian's \
         `chromium` and `chromium-driver`: apt-get install -y chromium chromium-driver)"
    )
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

impl Browser {
    /// Starts ChromeDriver and a Chromium session. Fails, saying why, when
    /// either cannot start.
    pub fn start() -> Result<Browser> {
        let chromium = executable(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        )?;
        let chromedriver = executable("CHROMEDRIVER", &["chromedriver"])?;
        let profile = tempfile::Builder::new()
            .prefix("chromium-profile-")
            .tempdir()
            .context("creating the Chromium profile folder")?;
        let port = free_port()?;
        let log = profile.path().join("chromedriver.log");
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;
        let mut browser = Browser {
            driver: Some(driver),
            address: SocketAddr::from(([127, 0, 0, 1], port)),
            session: None,
            profile,
        };
        browser.wait_for_driver(&log)?;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!(
            "--user-data-dir={}",
            browser.profile.path().join("data").display()
        ));
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium.to_string_lossy(),
                        "args": args,
                    },
                    "timeouts": {
                        "pageLoad": PAGE_LOAD.as_millis() as u64,
                        "script": 10_000,
                        "implicit": 0,
                    },
                }
            }
        });
        let answer = browser
            .request("POST", "/session", Some(&capabilities))
            .with_context(|| {
                format!(
                    "Chromium ({}) did not start through {}; ChromeDriver's log: {}",
                    chromium.display(),
                    chromedriver.display(),
                    std::fs::read_to_string(&log)
                        .map(|text| log_summary(&text))
                        .unwrap_or_default()
                )
            })?;
        let session = answer["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("no sessionId in {answer}"))?;
        browser.session = Some(session.to_string());
        Ok(browser)
    }

    fn wait_for_driver(&mut self, log: &Path) -> Result<()> {
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if let Ok(status) = self.request("GET", "/status", None) {
                if status["ready"].as_bool() == Some(true) {
                    return Ok(());
                }
            }
            if let Some(status) = self
                .driver
                .as_mut()
                .and_then(|d| d.try_wait().ok().flatten())
            {
                bail!(
                    "chromedriver exited at start ({status}); its log: {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "chromedriver did not answer within {}s",
                    DRIVER_START.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn session_path(&self, suffix: &str) -> Result<String> {
        let session = self.session.as_deref().context("no browser session")?;
        Ok(format!("/session/{session}{suffix}"))
    }

    /// Sends one WebDriver command; returns the `value` of the answer, or
    /// the WebDriver error as an error.
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect_timeout(&self.address, Duration::from_secs(5))
            .with_context(|| format!("connecting to chromedriver at {}", self.address))?;
        stream.set_read_timeout(Some(COMMAND_TIMEOUT))?;
        stream.set_write_timeout(Some(COMMAND_TIMEOUT))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        )?;
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        let mut answer = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        loop {
            if Instant::now() > deadline {
                bail!(
                    "{method} {path}: no complete answer within {}s",
                    COMMAND_TIMEOUT.as_secs()
                );
            }
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => answer.extend_from_slice(&chunk[..read]),
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("{method} {path}: reading the answer"))
                }
            }
            if let Some(body) = complete_body(&answer) {
                answer = body;
                return parse_answer(method, path, &answer);
            }
        }
        // Closed by the server: without a length, the body is the rest.
        let body = match complete_body(&answer) {
            Some(body) => body,
            None => {
                let head_end = answer
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .with_context(|| format!("{method} {path}: truncated answer"))?;
                answer[head_end + 4..].to_vec()
            }
        };
        parse_answer(method, path, &body)
    }

    fn command(&self, method: &str, suffix: &str, body: Option<Value>) -> Result<Value> {
        let path = self.session_path(suffix)?;
        self.request(method, &path, body.as_ref())
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) -> Result<()> {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .with_context(|| format!("opening {url}"))?;
        Ok(())
    }

    /// The address of the current page.
    pub fn current_url(&self) -> Result<String> {
        let url = self.command("GET", "/url", None)?;
        url.as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow!("the current URL is not a string: {url}"))
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The first element matching `selector`, if any.
    pub fn find(&self, selector: &str) -> Result<Option<Element>> {
        let found = self.command(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": selector })),
        )?;
        Ok(found
            .as_array()
            .and_then(|elements| elements.first())
            .and_then(|element| element[ELEMENT_KEY].as_str())
            .map(|id| Element(id.to_string())))
    }

    /// Waits until `condition` returns `Some`, polling every 100 ms, for at
    /// most `timeout`; the error says what was awaited.
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut condition: impl FnMut(&Browser) -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = condition(self)? {
                return Ok(value);
            }
            if Instant::now() > deadline {
                let url = self.current_url().unwrap_or_default();
                bail!("waited {}s for {what} (page {url})", timeout.as_secs());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for an element matching `selector` that is displayed.
    pub fn wait_for_visible(&self, selector: &str, timeout: Duration) -> Result<Element> {
        self.wait_for(
            &format!("a visible `{selector}`"),
            timeout,
            |browser| match browser.find(selector)? {
                Some(element) if browser.is_displayed(&element)? => Ok(Some(element)),
                _ => Ok(None),
            },
        )
    }

    /// Whether the element is rendered visibly.
    pub fn is_displayed(&self, element: &Element) -> Result<bool> {
        let shown = self.command("GET", &format!("/element/{}/displayed", element.0), None)?;
        Ok(shown.as_bool() == Some(true))
    }

    /// Clicks the element.
    pub fn click(&self, element: &Element) -> Result<()> {
        self.command(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )?;
        Ok(())
    }

    /// Types `text` into the element.
    pub fn type_text(&self, element: &Element, text: &str) -> Result<()> {
        self.command(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        )?;
        Ok(())
    }

    /// The element's rendered text.
    pub fn text(&self, element: &Element) -> Result<String> {
        let text = self.command("GET", &format!("/element/{}/text", element.0), None)?;
        Ok(text.as_str().unwrap_or_default().to_string())
    }

    /// The element's attribute (or `None`).
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = self.command(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )?;
        Ok(value.as_str().map(str::to_string))
    }

    /// Saves a PNG of the window to `path`.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let encoded = self.command("GET", "/screenshot", None)?;
        let encoded = encoded.as_str().context("the screenshot is not a string")?;
        let png = decode_base64(encoded)?;
        if !png.starts_with(b"\x89PNG") {
            bail!("the screenshot is not a PNG");
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// Ends the session (Chromium quits), then stops ChromeDriver.
    pub fn quit(mut self) -> Result<()> {
        let ended = self.end_session();
        self.kill_everything();
        ended
    }

    fn end_session(&mut self) -> Result<()> {
        if let Some(session) = self.session.take() {
            self.request("DELETE", &format!("/session/{session}"), None)?;
        }
        Ok(())
    }

    /// Kills ChromeDriver's process group, then every process still naming
    /// the profile folder on its command line (Chromium's helpers).
    fn kill_everything(&mut self) {
        if let Some(mut driver) = self.driver.take() {
            let group = driver.id() as i32;
            // SAFETY: sends a signal to the process group ChromeDriver leads.
            unsafe {
                libc::killpg(group, libc::SIGKILL);
            }
            let _ = driver.kill();
            let _ = driver.wait();
        }
        let profile = self.profile.path().to_string_lossy().into_owned();
        for pid in processes_mentioning(&profile) {
            // SAFETY: sends a signal to a process of ours, found by its command line.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.end_session();
        self.kill_everything();
    }
}

/// The ids of the processes whose command line contains `text`.
pub fn processes_mentioning(text: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let command_line = std::fs::read(entry.path().join("cmdline")).ok()?;
            String::from_utf8_lossy(&command_line)
                .contains(text)
                .then_some(pid)
        })
        .filter(|pid| *pid != std::process::id() as i32)
        .collect()
}

/// The body of a complete HTTP response (by `Content-Length`, or chunked),
/// or `None` while more is to come.
fn complete_body(answer: &[u8]) -> Option<Vec<u8>> {
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
    let body = &answer[head_end + 4..];
    if let Some(length) = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
    {
        return (body.len() >= length).then(|| body[..length].to_vec());
    }
    if head.contains("transfer-encoding: chunked") {
        let mut decoded = Vec::new();
        let mut rest = body;
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..line_end])
                    .split(';')
                    .next()?
                    .trim(),
                16,
            )
            .ok()?;
            rest = &rest[line_end + 2..];
            if size == 0 {
                return Some(decoded);
            }
            if rest.len() < size + 2 {
                return None;
            }
            decoded.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
    }
    None
}

fn parse_answer(method: &str, path: &str, body: &[u8]) -> Result<Value> {
    let answer: Value = serde_json::from_slice(body).with_context(|| {
        format!(
            "{method} {path}: the answer is not JSON: {}",
            String::from_utf8_lossy(body)
        )
    })?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        let message = value["message"].as_str().unwrap_or_default();
        bail!(
            "{method} {path}: WebDriver error `{error}`: {}",
            tail(message, 20)
        );
    }
    // `POST /session` answers `{value: {sessionId, capabilities}}`.
    Ok(value)
}

/// The timestamped lines of ChromeDriver's log that report a problem, or
/// its last timestamped lines.
fn log_summary(log: &str) -> String {
    let entries: Vec<&str> = log.lines().filter(|line| line.starts_with('[')).collect();
    let problems: Vec<&str> = entries
        .iter()
        .copied()
        .filter(|line| {
            line.contains("SEVERE") || line.contains("WARNING") || line.contains("ERROR")
        })
        .collect();
    let shown = if problems.is_empty() {
        &entries
    } else {
        &problems
    };
    tail(&shown.join("\n"), 10)
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Decodes standard base64 (with padding).
fn decode_base64(text: &str) -> Result<Vec<u8>> {
    fn value(byte: u8) -> Option<u32> {
        match byte {
            b'A'..=b'Z' => Some(u32::from(byte - b'A')),
            b'a'..=b'z' => Some(u32::from(byte - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(byte - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut decoded = Vec::with_capacity(bytes.len() / 4 * 3);
    for quad in bytes.chunks(4) {
        let data: Vec<u8> = quad.iter().copied().take_while(|b| *b != b'=').collect();
        let mut accumulator = 0u32;
        for byte in &data {
            accumulator = (accumulator << 6)
                | value(*byte).with_context(|| format!("bad base64 byte {byte}"))?;
        }
        accumulator <<= 6 * (4 - data.len() as u32);
        let produced = match data.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => bail!("bad base64 length"),
        };
        decoded.extend_from_slice(&accumulator.to_be_bytes()[1..1 + produced]);
    }
    Ok(decoded)
}

#[test]
fn base64_and_http_bodies() {
    assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
    assert_eq!(decode_base64("YWJj").unwrap(), b"abc");
    assert_eq!(
        complete_body(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").unwrap(),
        b"{}"
    );
    assert!(complete_body(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n{}").is_none());
    assert_eq!(
        complete_body(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
            .unwrap(),
        b"{}"
    );
}
