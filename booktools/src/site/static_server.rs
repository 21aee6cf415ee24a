//! A small static file server on `127.0.0.1` for the built site: `GET` and
//! `HEAD` only, one thread per connection, `Connection: close`.
//!
//! The site is a list of mounts (URL prefix -> folder): the source language
//! at `/`, every other language at `/<language>/`, each folder replaceable
//! while serving ([`StaticServer::set_mounts`]), so a rebuild can be written
//! to a fresh folder and swapped in at once. With live reload on, every HTML
//! page gets a few lines of script that poll [`RELOAD_ENDPOINT`] and reload
//! the page when [`StaticServer::site_changed`] was called.
//!
//! Dropping the server stops it: the listener is closed and the accepting
//! thread joined, so nothing stays listening.

use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// The URL the live-reload script polls; answers the site's generation.
pub const RELOAD_ENDPOINT: &str = "/__site_generation";

/// How long a connection may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest request head accepted.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// One folder served under a URL prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Absolute URL path ending with `/` (`/`, `/fr/`).
    pub prefix: String,
    /// The folder whose files are served under `prefix`.
    pub dir: PathBuf,
}

impl Mount {
    /// A mount of `dir` at `prefix` (a missing final `/` is added).
    pub fn new(prefix: &str, dir: impl Into<PathBuf>) -> Mount {
        let mut prefix = prefix.to_string();
        if !prefix.starts_with('/') {
            prefix.insert(0, '/');
        }
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Mount {
            prefix,
            dir: dir.into(),
        }
    }
}

/// State shared by the accepting thread and the connections.
struct Shared {
    mounts: RwLock<Vec<Mount>>,
    generation: AtomicU64,
    live_reload: bool,
    stopping: AtomicBool,
}

/// A running server; dropping it stops it.
pub struct StaticServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Listens on `address` (port 0 picks a free port) and serves `mounts`.
    pub fn start(address: SocketAddr, mounts: Vec<Mount>, live_reload: bool) -> Result<Self> {
        let listener =
            TcpListener::bind(address).with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            mounts: RwLock::new(sorted(mounts)),
            generation: AtomicU64::new(0),
            live_reload,
            stopping: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name(format!("static-server {address}"))
            .spawn(move || accept_loop(listener, accepting))
            .context("starting the server thread")?;
        Ok(StaticServer {
            address,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:<port>` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Replaces the mounts (after a rebuild into fresh folders).
    pub fn set_mounts(&self, mounts: Vec<Mount>) {
        *self.shared.mounts.write().expect("mounts lock") = sorted(mounts);
    }

    /// Tells the live-reload script of every open page to reload.
    pub fn site_changed(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking `accept` so the thread sees the flag and returns,
        // closing the listener.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Longest prefix first, so `/fr/` wins over `/`.
fn sorted(mut mounts: Vec<Mount>) -> Vec<Mount> {
    mounts.sort_by_key(|mount| std::cmp::Reverse(mount.prefix.len()));
    mounts
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(&shared);
        let _ = std::thread::Builder::new()
            .name("static-server connection".into())
            .spawn(move || {
                let _ = serve_connection(stream, &shared);
            });
    }
}

/// An answer to one request.
struct Response {
    status: &'static str,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn text(status: &'static str, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let read = (&mut reader)
            .take((MAX_REQUEST_HEAD - head.len()) as u64)
            .read_line(&mut line)?;
        if read == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        head.push_str(&line);
        if head.len() >= MAX_REQUEST_HEAD {
            break;
        }
    }
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = match method {
        "GET" | "HEAD" => respond(target, shared),
        "" => return Ok(()),
        _ => {
            let mut response = Response::text("405 Method Not Allowed", "GET or HEAD only\n");
            response.headers.push(("Allow", "GET, HEAD".into()));
            response
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    )?;
    for (name, value) in &response.headers {
        write!(stream, "{name}: {value}\r\n")?;
    }
    stream.write_all(b"\r\n")?;
    if method != "HEAD" {
        stream.write_all(&response.body)?;
    }
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

fn respond(target: &str, shared: &Shared) -> Response {
    let raw_path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(path) = percent_decode(raw_path) else {
        return Response::text("400 Bad Request", "bad percent-encoding\n");
    };
    if !path.starts_with('/') || path.contains('\0') || path.split('/').any(|part| part == "..") {
        return Response::text("400 Bad Request", "bad path\n");
    }
    if path == RELOAD_ENDPOINT {
        let generation = shared.generation.load(Ordering::SeqCst).to_string();
        return Response::text("200 OK", &generation);
    }
    let mounts = shared.mounts.read().expect("mounts lock").clone();
    // `/fr` is the folder `/fr/`.
    if mounts
        .iter()
        .any(|mount| mount.prefix == format!("{path}/"))
    {
        return redirect(&format!("{path}/"));
    }
    let Some(mount) = mounts.iter().find(|mount| path.starts_with(&mount.prefix)) else {
        return Response::text("404 Not Found", "not found\n");
    };
    let relative = &path[mount.prefix.len()..];
    let mut file = mount.dir.join(relative);
    if file.is_dir() {
        if !path.ends_with('/') {
            return redirect(&format!("{path}/"));
        }
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => file_response("200 OK", &file, body, shared),
        Err(_) => {
            let not_found = mount.dir.join("404.html");
            match std::fs::read(&not_found) {
                Ok(body) => file_response("404 Not Found", &not_found, body, shared),
                Err(_) => Response::text("404 Not Found", "not found\n"),
            }
        }
    }
}

fn redirect(location: &str) -> Response {
    let mut response = Response::text("301 Moved Permanently", "moved\n");
    response.headers.push(("Location", location.to_string()));
    response
}

fn file_response(status: &'static str, file: &Path, body: Vec<u8>, shared: &Shared) -> Response {
    let content_type = content_type(file);
    let body = if shared.live_reload && content_type.starts_with("text/html") {
        with_live_reload(body, shared.generation.load(Ordering::SeqCst))
    } else {
        body
    };
    Response {
        status,
        content_type,
        headers: Vec::new(),
        body,
    }
}

/// Adds, before `</body>`, a script that reloads the page once the site's
/// generation differs from the one the page was served at.
fn with_live_reload(body: Vec<u8>, generation: u64) -> Vec<u8> {
    let script = format!(
        "<script>(function () {{\n\
         const served = \"{generation}\";\n\
         setInterval(function () {{\n\
         fetch(\"{RELOAD_ENDPOINT}\", {{cache: \"no-store\"}})\n\
         .then(function (r) {{ return r.text(); }})\n\
         .then(function (now) {{ if (now !== served) {{ location.reload(); }} }})\n\
         .catch(function () {{}});\n\
         }}, 1000);\n\
         }})();</script>\n"
    );
    let Ok(mut page) = String::from_utf8(body.clone()) else {
        return body;
    };
    match page.rfind("</body>") {
        Some(at) => page.insert_str(at, &script),
        None => page.push_str(&script),
    }
    page.into_bytes()
}

/// The media type of a file of the site, by extension.
pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" | "rs" | "toml" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` on a malformed escape or non-UTF-8 result.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bare HTTP/1.1 GET; returns the status line and the body.
    fn get(server: &StaticServer, path: &str) -> (String, String, String) {
        let mut stream = TcpStream::connect(server.address()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        let status = head.lines().next().unwrap().to_string();
        (status, head.to_string(), body.to_string())
    }

    fn site() -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("en/sub")).unwrap();
        std::fs::create_dir_all(site.path().join("fr")).unwrap();
        std::fs::write(site.path().join("en/index.html"), "<body>english</body>").unwrap();
        std::fs::write(site.path().join("en/sub/index.html"), "sub").unwrap();
        std::fs::write(site.path().join("en/404.html"), "missing").unwrap();
        std::fs::write(site.path().join("fr/été.html"), "français").unwrap();
        site
    }

    fn mounts(site: &Path) -> Vec<Mount> {
        vec![
            Mount::new("/", site.join("en")),
            Mount::new("/fr", site.join("fr")),
        ]
    }

    #[test]
    fn serves_files_by_mount_with_index_redirects_and_404() {
        let site = site();
        let server =
            StaticServer::start("127.0.0.1:0".parse().unwrap(), mounts(site.path()), false)
                .unwrap();
        let (status, head, body) = get(&server, "/");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(head.contains("text/html; charset=utf-8"), "{head}");
        assert_eq!(body, "<body>english</body>");
        let (status, _, body) = get(&server, "/fr/%C3%A9t%C3%A9.html");
        assert_eq!(
            (status.as_str(), body.as_str()),
            ("HTTP/1.1 200 OK", "français")
        );
        let (status, head, _) = get(&server, "/fr");
        assert!(status.contains("301"), "{status}");
        assert!(head.contains("Location: /fr/"), "{head}");
        let (status, head, _) = get(&server, "/sub");
        assert!(
            status.contains("301") && head.contains("Location: /sub/"),
            "{head}"
        );
        let (status, _, body) = get(&server, "/nothing.html");
        assert_eq!(
            (status.as_str(), body.as_str()),
            ("HTTP/1.1 404 Not Found", "missing")
        );
        let (status, _, _) = get(&server, "/../etc/passwd");
        assert!(status.contains("400"), "{status}");
    }

    #[test]
    fn live_reload_script_and_generation() {
        let site = site();
        let server =
            StaticServer::start("127.0.0.1:0".parse().unwrap(), mounts(site.path()), true).unwrap();
        let (_, _, body) = get(&server, "/");
        assert!(body.contains(RELOAD_ENDPOINT), "{body}");
        assert!(body.ends_with("</body>"), "{body}");
        assert_eq!(get(&server, RELOAD_ENDPOINT).2, "0");
        server.site_changed();
        assert_eq!(get(&server, RELOAD_ENDPOINT).2, "1");
    }

    #[test]
    fn swapped_mounts_serve_the_new_folder_and_drop_stops_listening() {
        let site = site();
        let server =
            StaticServer::start("127.0.0.1:0".parse().unwrap(), mounts(site.path()), false)
                .unwrap();
        server.set_mounts(vec![Mount::new("/", site.path().join("en/sub"))]);
        assert_eq!(get(&server, "/").2, "sub");
        let address = server.address();
        drop(server);
        assert!(TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err());
    }
}
