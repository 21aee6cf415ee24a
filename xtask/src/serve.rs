//! `cargo xtask serve [--lang <code>] [--port <n>]`: reads the book in every
//! language on http://127.0.0.1:3000/ (the source language at `/`, every
//! other language at `/<code>/`), rebuilding what an edit affects.
//!
//! Every language is built in-process by the pipeline the tests use
//! (`booktools::site::build_language`), into a folder of its own under
//! `target/xtask-serve/`, and served by `booktools::site::static_server`.
//! `notify` watches the inputs (`crate::serve::Inputs`); a rebuild goes to a
//! fresh folder that replaces the served one only when the build succeeded,
//! so a broken edit leaves the last good pages served and the error printed.
//! Open pages reload when their site changed.

use anyhow::{bail, Context, Result};
use booktools::languages::BookLayout;
use booktools::site::static_server::{Mount, StaticServer};
use booktools::site::{self, SitePlan};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the inputs must stay unchanged before a rebuild starts (an
/// editor saving several files, a `git checkout`).
const SETTLE: Duration = Duration::from_millis(150);

/// The longest a rebuild waits for the inputs to settle.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);

/// The serve session's folder, under the target folder.
const WORK_DIR: &str = "xtask-serve";

pub fn run(root: &Path, language: Option<&str>, port: u16) -> Result<()> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut session = Session::start(root, address, &root.join(target).join(WORK_DIR))?;
    let plan = &session.plan;
    if let Some(language) = language.filter(|l| !plan.languages.iter().any(|code| code == l)) {
        bail!(
            "no `{language}` edition: book.toml has {}",
            plan.languages.join(", ")
        );
    }
    println!();
    for code in &plan.languages {
        let url = session.server.url(&format!("/{}", plan.url_path(code)));
        let open = if language == Some(code.as_str()) {
            "   <- open this one"
        } else {
            ""
        };
        println!("  {code}: {url}{open}");
    }
    println!("\nWatching the sources, the translations and the listings. Ctrl-C stops.");
    loop {
        session.next_change(Duration::from_secs(3600))?;
    }
}

/// The inputs of the book, as `book.toml` configures them, and a watcher
/// on each.
struct Inputs {
    layout: BookLayout,
    /// The paths of each change (access events left out: inotify reports
    /// every file opened, so reading the inputs for a build would trigger
    /// the next build).
    events: mpsc::Receiver<Vec<PathBuf>>,
    _watcher: RecommendedWatcher,
}

/// What changed, and what to rebuild.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub files: BTreeSet<PathBuf>,
    pub languages: BTreeSet<String>,
    /// `book.toml` changed: the plan and the inputs are read again.
    pub config: bool,
}

impl Inputs {
    fn watch(root: &Path) -> Result<Inputs> {
        let layout = BookLayout::load(root)?;
        let (sender, events) = mpsc::channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
                Ok(event) if event.kind.is_access() => {}
                Ok(event) => drop(sender.send(event.paths)),
                Err(error) => eprintln!("watch error: {error}"),
            })?;
        let trees = layout.languages.iter().map(|language| &language.tree);
        let folders = [&layout.src, &layout.theme_dir, &layout.po_dir];
        let recursive = folders.into_iter().chain(trees);
        // The root for `book.toml` and `glossary.toml` only.
        let watched = (recursive.map(|folder| (folder, RecursiveMode::Recursive)))
            .chain([(&layout.root, RecursiveMode::NonRecursive)]);
        for (path, mode) in watched.filter(|(path, _)| path.exists()) {
            let watching = watcher.watch(path, mode);
            watching.with_context(|| format!("watching {}", path.display()))?;
        }
        Ok(Inputs {
            layout,
            events,
            _watcher: watcher,
        })
    }

    /// Waits up to `timeout` for changed files, then takes every change
    /// until the inputs stay unchanged for [`SETTLE`], for at most
    /// [`SETTLE_AT_MOST`]: files that never stop changing (an editor saving
    /// every second) still get their rebuild.
    fn wait(&self, timeout: Duration) -> Changes {
        let mut changes = Changes::default();
        let mut next = self.events.recv_timeout(timeout).ok();
        let settled_by = Instant::now() + SETTLE_AT_MOST;
        while let Some(paths) = next {
            for path in paths {
                classify(&self.layout, path, &mut changes);
            }
            let left = settled_by.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break; // What is still queued goes to the next rebuild.
            }
            next = self.events.recv_timeout(SETTLE.min(left)).ok();
        }
        changes
    }
}

/// Adds what `file` feeds to `changes`: a language's listing tree and
/// `<language>.po` feed that language; `src/`, the theme, `book.toml` and
/// `glossary.toml` every language (all derive from the source); build
/// products, hidden files and editor leftovers nothing.
fn classify(layout: &BookLayout, file: PathBuf, changes: &mut Changes) {
    let feeds = |folder: &Path| {
        let inside = file.strip_prefix(folder);
        inside.is_ok_and(|inside| {
            !inside.iter().any(|part| {
                let part = part.to_string_lossy();
                part == "target" || part == "book" || part.starts_with('.') || part.ends_with('~')
            })
        })
    };
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let in_folder = |folder: &Path| file.parent() == Some(folder);
    let catalog = (name.strip_suffix(".po"))
        .filter(|code| in_folder(&layout.po_dir) && layout.language(code).is_some());
    // The deepest tree holding the file (trees may nest), unless the
    // file is a build product or hidden there.
    let tree = (layout.languages.iter())
        .filter(|language| file.starts_with(&language.tree))
        .max_by_key(|language| language.tree.components().count());
    if tree.is_some_and(|language| !feeds(&language.tree)) {
        return;
    }
    let root_file = in_folder(&layout.root) && (name == "book.toml" || name == "glossary.toml");
    if let Some(code) = tree.map(|language| language.code.as_str()).or(catalog) {
        changes.languages.insert(code.to_string());
    } else if root_file || feeds(&layout.src) || feeds(&layout.theme_dir) {
        changes.config |= root_file && name == "book.toml";
        changes
            .languages
            .extend(layout.languages.iter().map(|l| l.code.clone()));
    } else {
        return;
    }
    changes.files.insert(file);
}

/// Every language built into its own folder, served and watched.
pub struct Session {
    root: PathBuf,
    work_dir: PathBuf,
    /// The languages, served at `/`.
    pub plan: SitePlan,
    inputs: Inputs,
    /// The folder served for each language built successfully.
    built: BTreeMap<String, PathBuf>,
    /// The error of each language whose last build failed.
    pub failed: BTreeMap<String, String>,
    generation: u64,
    pub server: StaticServer,
}

impl Session {
    /// Empties `work_dir`, watches the inputs, builds every language (one
    /// that fails is reported and left unserved until an edit fixes it) and
    /// serves them on `address`.
    pub fn start(root: &Path, address: SocketAddr, work_dir: &Path) -> Result<Session> {
        if work_dir.exists() {
            std::fs::remove_dir_all(work_dir)
                .with_context(|| format!("removing {}", work_dir.display()))?;
        }
        let server = StaticServer::start(address, Vec::new(), true)
            .with_context(|| format!("is another server on {address}? Try --port"))?;
        // The server's full URL: search engines and Lighthouse want the
        // `hreflang` links of each page absolute, as the published site has.
        let site_url = server.url("/");
        let mut session = Session {
            root: root.to_path_buf(),
            work_dir: work_dir.to_path_buf(),
            inputs: Inputs::watch(root)?,
            built: BTreeMap::new(),
            failed: BTreeMap::new(),
            generation: 0,
            plan: SitePlan::load(root, Some(&site_url))?,
            server,
        };
        session.rebuild(&session.plan.languages.clone());
        Ok(session)
    }

    pub fn built_dir(&self, language: &str) -> Option<&Path> {
        self.built.get(language).map(PathBuf::as_path)
    }

    /// Waits up to `timeout` for an edit; rebuilds the languages it
    /// affects and returns what changed (nothing when the wait ended).
    pub fn next_change(&mut self, timeout: Duration) -> Result<Changes> {
        let changes = self.inputs.wait(timeout);
        for file in changes.files.iter().take(5) {
            let shown = file.strip_prefix(&self.root).unwrap_or(file);
            println!("changed: {}", shown.display());
        }
        if changes.config {
            match SitePlan::load(&self.root, Some(&self.server.url("/"))).and_then(|plan| {
                self.inputs = Inputs::watch(&self.root)?;
                Ok(plan)
            }) {
                Ok(plan) => self.plan = plan,
                Err(error) => eprintln!("error: {error:#}\n(book.toml left as last read)"),
            }
            let plan = &self.plan;
            self.built
                .retain(|language, _| plan.languages.contains(language));
            self.rebuild(&self.plan.languages.clone());
        } else if !changes.languages.is_empty() {
            self.rebuild(&changes.languages.iter().cloned().collect::<Vec<_>>());
        }
        Ok(changes)
    }

    /// Rebuilds `languages`, each into a fresh folder that replaces the
    /// served one when the build succeeds; then open pages reload.
    fn rebuild(&mut self, languages: &[String]) {
        for language in languages {
            self.generation += 1;
            let dest = self
                .work_dir
                .join(format!("{language}-{}", self.generation));
            let started = Instant::now();
            match site::build_language(&self.root, &self.plan, language, &dest, true) {
                Ok(_) => {
                    self.failed.remove(language);
                    println!(
                        "built `{language}` in {:.1}s",
                        started.elapsed().as_secs_f64()
                    );
                    if let Some(old) = self.built.insert(language.clone(), dest) {
                        let _ = std::fs::remove_dir_all(old);
                    }
                }
                Err(error) => {
                    eprintln!("error: {error:#}");
                    eprintln!("(still serving the last good `{language}` pages, if any)");
                    self.failed.insert(language.clone(), format!("{error:#}"));
                    let _ = std::fs::remove_dir_all(&dest);
                }
            }
        }
        let mounts = self.built.iter().map(|(language, dir)| {
            Mount::new(&format!("/{}", self.plan.url_path(language)), dir.clone())
        });
        self.server.set_mounts(mounts.collect());
        self.server.site_changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::site::{mark_a_message, marked_pages, EDIT_MARK};
    use booktools::server::http_client::get_and_close;
    use booktools::site::static_server::LIVE_RELOAD_ENDPOINT;

    /// `GET path`, answered and closed; the body of a `200 OK`.
    fn get(address: SocketAddr, path: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        let answer = get_and_close(address, path, deadline).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK"), "GET {path}: {head}");
        body.to_string()
    }

    /// What each kind of file feeds, trees nested or not.
    #[test]
    fn each_file_feeds_its_languages_and_build_products_nothing() {
        let root = crate::book_root().unwrap();
        let mut layout = BookLayout::load(&root).unwrap();
        let plan = SitePlan::load(&root, None).unwrap();
        let (source, all) = (layout.source_language.clone(), plan.languages.join(" "));
        let other = layout.translated().next().unwrap().clone();
        let tree = |language: &booktools::languages::Language| language.tree_setting.clone();
        let rows = vec![
            (format!("po/{}.po", other.code), other.code.clone()),
            (format!("po/{}.po~", other.code), String::new()),
            ("po/messages.pot".into(), String::new()),
            (
                format!("{}/ch/l/src/lib.rs", tree(&other)),
                other.code.clone(),
            ),
            (format!("{}/ch/l/target/x", tree(&other)), String::new()),
            ("src/chapter.md".into(), all.clone()),
            ("src/.chapter.md.swp".into(), String::new()),
            ("theme/chrome/x.json".into(), all.clone()),
            ("book.toml".into(), all.clone()),
            ("glossary.toml".into(), all.clone()),
            ("Cargo.toml".into(), String::new()),
            ("target/debug/x".into(), String::new()),
        ];
        let check = |layout: &BookLayout, rows: Vec<(String, String)>| {
            for (file, fed) in rows {
                let mut changes = Changes::default();
                classify(layout, root.join(&file), &mut changes);
                let languages: Vec<String> = changes.languages.into_iter().collect();
                assert_eq!(languages.join(" "), fed, "{file}");
                assert_eq!(changes.config, file == "book.toml", "{file}");
            }
        };
        check(&layout, rows);
        // Another language's tree inside the source language's.
        let source_tree = tree(layout.language(&source).unwrap());
        let nested = layout.language(&source).unwrap().tree.join("nested");
        (layout.languages.iter_mut())
            .find(|language| language.code == other.code)
            .unwrap()
            .tree = nested;
        let rows = vec![
            (
                format!("{source_tree}/nested/ch/l/src/lib.rs"),
                other.code.clone(),
            ),
            (format!("{source_tree}/ch/l/src/lib.rs"), source.clone()),
        ];
        check(&layout, rows);
    }

    #[test]
    fn a_catalog_edit_rebuilds_its_language_only_and_reloads_open_pages() {
        let scratch = tempfile::tempdir().unwrap();
        let book = scratch.path().join("book");
        booktools::book::copy_book_to(&crate::book_root().unwrap(), &book).unwrap();
        let address = "127.0.0.1:0".parse().unwrap();
        let mut session = Session::start(&book, address, &scratch.path().join("serve")).unwrap();
        let address = session.server.address();
        let plan = session.plan.clone();
        for language in &plan.languages {
            let page = get(address, &format!("/{}", plan.url_path(language)));
            assert!(page.contains(LIVE_RELOAD_ENDPOINT), "{page}");
        }
        let before: BTreeMap<String, PathBuf> = session.built.clone();
        let stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let url = format!("ws://{address}/{LIVE_RELOAD_ENDPOINT}");
        let (mut socket, _) = tungstenite::client(url, stream).unwrap();

        let edited = (plan.languages.iter())
            .find(|language| **language != plan.source_language)
            .expect("book.toml has a translated language");
        let catalog = BookLayout::load(&book).unwrap().po_file(edited);
        let text = std::fs::read_to_string(&catalog).unwrap();
        std::fs::write(&catalog, mark_a_message(&text, 0).unwrap()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let changes = loop {
            let changes = session.next_change(Duration::from_secs(1)).unwrap();
            if !changes.files.is_empty() || Instant::now() > deadline {
                break changes;
            }
        };
        assert_eq!(changes.languages, BTreeSet::from([edited.clone()]));
        assert_eq!(
            socket.read().unwrap().into_text().unwrap().as_str(),
            "reload"
        );
        for language in &plan.languages {
            let rebuilt = session.built[language] != before[language];
            assert_eq!(
                rebuilt,
                language == edited,
                "`{language}` rebuilt: {rebuilt}"
            );
        }
        let marked = marked_pages(&session.built[edited]).unwrap();
        let (page, _) = marked.first().expect("the edit shows on a page");
        let page = page.to_string_lossy();
        let edited_url = format!("/{}{page}", plan.url_path(edited));
        assert!(get(address, &edited_url).contains(EDIT_MARK));
        let source_url = format!("/{}{page}", plan.url_path(&plan.source_language));
        assert!(!get(address, &source_url).contains(EDIT_MARK));

        // A catalog broken while serving: the error names the file and
        // line, and the last good pages stay served.
        let served = session.built[edited].clone();
        let text = std::fs::read_to_string(&catalog).unwrap();
        let (line, broken) = text
            .lines()
            .enumerate()
            .find(|(_, line)| line.starts_with("msgstr \"") && line.len() > 12)
            .unwrap();
        let text = text.replacen(broken, broken.trim_end_matches('"'), 1);
        std::fs::write(&catalog, text).unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        while !session.failed.contains_key(edited.as_str()) && Instant::now() < deadline {
            session.next_change(Duration::from_secs(1)).unwrap();
        }
        let error = &session.failed[edited.as_str()];
        let at = format!("{}:{}", catalog.display(), line + 1);
        assert!(error.contains(&at), "{at} not in {error}");
        assert_eq!(session.built[edited], served);
        assert!(get(address, &edited_url).contains(EDIT_MARK));
    }

    #[test]
    fn a_port_in_use_is_named_and_serve_stops() {
        let scratch = tempfile::tempdir().unwrap();
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = taken.local_addr().unwrap();
        let root = crate::book_root().unwrap();
        let error = Session::start(&root, address, &scratch.path().join("serve")).err();
        let error = format!("{:#}", error.expect("a port in use is an error"));
        assert!(error.contains(&address.to_string()), "{error}");
        assert!(error.contains("--port"), "{error}");
    }
}
