//! The site server on `127.0.0.1`, as mdBook's own `serve` does it: axum,
//! tower-http's `ServeDir` for the files (media types, index pages, ranges,
//! conditional requests, no `..`), and a websocket at
//! [`LIVE_RELOAD_ENDPOINT`] on which every open page hears `reload`.
//!
//! The only thing added is the mounts: the source language at `/`, every
//! other language at `/<language>/`, each folder replaceable while serving
//! ([`StaticServer::set_mounts`]), so a rebuild written to a fresh folder is
//! swapped in at once and a failed one leaves the last good pages served. A
//! missing page gets its language's `404.html` with status 404.
//!
//! The server runs on a thread of its own with a single-threaded tokio
//! runtime; dropping it drops the runtime, which closes the listener and
//! every connection, then joins the thread: nothing stays listening.

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::oneshot;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// The websocket path (without its `/`), given to mdBook's renderer as
/// `output.html.live-reload-endpoint`: its pages then open the socket and
/// reload on the message `reload`.
pub const LIVE_RELOAD_ENDPOINT: &str = "__livereload";

/// One folder served under a URL prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Absolute URL path ending with `/` (`/`, `/fr/`).
    pub prefix: String,
    /// The folder whose files are served under `prefix`.
    pub dir: PathBuf,
}

impl Mount {
    /// A mount of `dir` at `prefix` (missing `/` at either end are added).
    pub fn new(prefix: &str, dir: impl Into<PathBuf>) -> Mount {
        let prefix = format!("/{}/", prefix.trim_matches('/')).replace("//", "/");
        Mount {
            prefix,
            dir: dir.into(),
        }
    }
}

/// What the request handlers share with the [`StaticServer`] handle.
struct Shared {
    /// Longest prefix first, so `/fr/` wins over `/`.
    mounts: RwLock<Vec<Mount>>,
    reload: broadcast::Sender<()>,
}

/// A running server; dropping it stops it.
pub struct StaticServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Listens on `address` (port 0 picks a free port) and serves `mounts`;
    /// with `live_reload`, also the websocket of [`LIVE_RELOAD_ENDPOINT`].
    pub fn start(address: SocketAddr, mounts: Vec<Mount>, live_reload: bool) -> Result<Self> {
        let listener = std::net::TcpListener::bind(address)
            .with_context(|| format!("cannot listen on {address}"))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            mounts: RwLock::new(Vec::new()),
            reload: broadcast::channel(16).0,
        });
        let mut app = Router::new();
        if live_reload {
            app = app.route(&format!("/{LIVE_RELOAD_ENDPOINT}"), get(live_reload_socket));
        }
        let app = app
            .fallback(serve_file)
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache"),
            ))
            .with_state(Arc::clone(&shared));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .context("starting the server's runtime")?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("site server {address}"))
            .spawn(move || {
                runtime.spawn(async move { axum::serve(listener, app).await });
                let _ = runtime.block_on(stopped);
                // Dropping the runtime drops the listener and every connection.
            })
            .context("starting the server thread")?;
        let server = StaticServer {
            address,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        };
        server.set_mounts(mounts);
        Ok(server)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:<port>` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Replaces the mounts (after a rebuild into fresh folders).
    pub fn set_mounts(&self, mut mounts: Vec<Mount>) {
        mounts.sort_by_key(|mount| std::cmp::Reverse(mount.prefix.len()));
        *self.shared.mounts.write().expect("mounts lock") = mounts;
    }

    /// Tells every open page to reload.
    pub fn site_changed(&self) {
        // No page open is no error.
        let _ = self.shared.reload.send(());
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Waits for the next [`StaticServer::site_changed`] and sends `reload`.
async fn live_reload_socket(
    State(shared): State<Arc<Shared>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    // Subscribed before the handshake answers: a change right after the
    // page connected is not missed.
    let mut reloads = shared.reload.subscribe();
    upgrade.on_upgrade(move |mut socket| async move {
        // A page that missed changes (lagged) reloads all the same.
        if !matches!(reloads.recv().await, Err(RecvError::Closed)) {
            let _ = socket.send(Message::text("reload")).await;
        }
    })
}

/// Serves `request` from the mount its path falls in.
async fn serve_file(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let mounts = shared.mounts.read().expect("mounts lock").clone();
    // `/fr` is the folder `/fr/`.
    if mounts
        .iter()
        .any(|mount| mount.prefix == format!("{path}/"))
    {
        return Redirect::permanent(&format!("{path}/")).into_response();
    }
    let Some(mount) = mounts.iter().find(|mount| path.starts_with(&mount.prefix)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let inside = &path[mount.prefix.len() - 1..];
    // `ServeDir` would redirect a folder to `<inside>/`, without the prefix.
    let folder = crate::site::percent_decode(inside)
        .filter(|decoded| !decoded.split('/').any(|part| part == ".."))
        .is_some_and(|decoded| mount.dir.join(decoded.trim_start_matches('/')).is_dir());
    if folder && !inside.ends_with('/') {
        return Redirect::permanent(&format!("{path}/")).into_response();
    }
    let (mut parts, body) = request.into_parts();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    parts.uri = match format!("{inside}{query}").parse::<Uri>() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let not_found = ServeFile::new(mount.dir.join(crate::site::NOT_FOUND_PAGE));
    let mut files = ServeDir::new(&mount.dir).not_found_service(not_found);
    match files.try_call(Request::from_parts(parts, body)).await {
        Ok(response) => response.map(Body::new),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::http_client::get_and_close;
    use std::time::{Duration, Instant};

    /// The response to `GET path`, on a connection the server closes after.
    fn get(address: SocketAddr, path: &str) -> String {
        get_and_close(address, path, Instant::now() + Duration::from_secs(10)).unwrap()
    }

    #[test]
    fn serves_mounts_with_redirects_404_pages_and_live_reload() {
        let site = tempfile::tempdir().unwrap();
        let s = site.path();
        std::fs::create_dir_all(s.join("en/sub")).unwrap();
        std::fs::create_dir_all(s.join("fr")).unwrap();
        std::fs::write(s.join("en/index.html"), "english").unwrap();
        std::fs::write(s.join("en/sub/index.html"), "sub").unwrap();
        std::fs::write(s.join("fr/404.html"), "introuvable").unwrap();
        std::fs::write(s.join("fr/été.html"), "français").unwrap();
        let mounts = vec![
            Mount::new("/", s.join("en")),
            Mount::new("fr", s.join("fr")),
        ];
        let server = StaticServer::start("127.0.0.1:0".parse().unwrap(), mounts, true).unwrap();
        let address = server.address();

        for (path, status, part) in [
            ("/", "200 OK", "\r\ncontent-type: text/html"),
            ("/", "200 OK", "\r\n\r\nenglish"),
            ("/fr/%C3%A9t%C3%A9.html", "200 OK", "\r\n\r\nfrançais"),
            ("/fr", "308 Permanent Redirect", "\r\nlocation: /fr/\r\n"),
            ("/sub", "308 Permanent Redirect", "\r\nlocation: /sub/\r\n"),
            ("/fr/nothing.html", "404 Not Found", "\r\n\r\nintrouvable"),
        ] {
            let answer = get(address, path);
            let head = format!("HTTP/1.1 {status}\r\n");
            assert!(
                answer.starts_with(&head) && answer.contains(part),
                "{path}: {answer}"
            );
        }

        let stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let url = format!("ws://{address}/{LIVE_RELOAD_ENDPOINT}");
        let (mut socket, _) = tungstenite::client(url, stream).unwrap();
        server.set_mounts(vec![Mount::new("/", s.join("en/sub"))]);
        server.site_changed();
        assert_eq!(
            socket.read().unwrap().into_text().unwrap().as_str(),
            "reload"
        );
        assert!(get(address, "/").ends_with("\r\n\r\nsub"));

        drop(server);
        assert!(std::net::TcpStream::connect(address).is_err());
    }
}
