//! `cargo xtask serve [--lang <code>] [--port <n>]`: reads the book in every
//! language on http://127.0.0.1:3000/ (the source language at `/`, every
//! other language at `/<code>/`), rebuilding what an edit affects.
//!
//! Installs the pinned tools into `tools/` when needed, builds the
//! `cargo run` preprocessors once (`crate::prebuilt`), builds every
//! language with the installed `mdbook build` into a folder of its own under
//! `target/xtask-serve/`, serves them with our static server
//! (`booktools::site::static_server`) and polls the inputs (`crate::watch`). A
//! rebuild goes to a fresh folder that replaces the old one only when the
//! build succeeded, so a broken edit leaves the last good pages served and
//! the error printed; open pages reload when the site changed. Ctrl-C stops
//! the command, and the terminal's interrupt reaches a running `mdbook` too.

use crate::mdbook_cli::MdbookCli;
use crate::prebuilt::{self, CargoPreprocessor};
use crate::tools;
use crate::watch::{Changes, Inputs, Snapshot};
use anyhow::{bail, Context, Result};
use booktools::site::static_server::{Mount, StaticServer};
use booktools::site::{LanguageBuild, SitePlan};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The port `cargo xtask serve` listens on unless `--port` says otherwise.
const DEFAULT_PORT: u16 = 3000;

/// How often the inputs are polled.
pub const POLL: Duration = Duration::from_millis(250);

/// How long the inputs must stay unchanged before a rebuild starts (an
/// editor saving several files, a `git checkout`).
const SETTLE: Duration = Duration::from_millis(150);

/// The longest a burst of changes is waited out before rebuilding anyway.
const MAX_SETTLE: Duration = Duration::from_secs(5);

/// The serve session's folder, under the target folder.
const WORK_DIR: &str = "xtask-serve";

/// Runs `serve` with its arguments.
pub fn run(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let root = crate::paths::book_root()?;
    let tools = tools::ensure_installed(&root)?;
    let work_dir = crate::paths::target_dir(&root).join(WORK_DIR);
    let mut session = Session::start(&root, MdbookCli::new(tools), &work_dir)?;
    if let Some(language) = &options.language {
        if !session.plan.languages.contains(language) {
            bail!(
                "no `{language}` edition: book.toml has {}",
                session.plan.languages.join(", ")
            );
        }
    }
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let server = StaticServer::start(address, session.mounts(), true)
        .with_context(|| format!("is another server using port {}? Try --port", options.port))?;
    println!();
    for language in &session.plan.languages {
        println!(
            "  {language}: {}",
            server.url(&format!("/{}", session.plan.url_path(language)))
        );
    }
    if let Some(language) = &options.language {
        println!(
            "\nOpen {}",
            server.url(&format!("/{}", session.plan.url_path(language)))
        );
    }
    println!("\nWatching the sources, the translations and the listings. Ctrl-C stops.");
    loop {
        std::thread::sleep(POLL);
        let Some(changes) = session.poll()? else {
            continue;
        };
        session.rebuild(&changes);
        server.set_mounts(session.mounts());
        server.site_changed();
    }
}

/// The command-line options of `serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    language: Option<String>,
    port: u16,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options {
            language: None,
            port: DEFAULT_PORT,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--lang" => {
                    options.language = Some(args.next().context("--lang needs a code")?.clone())
                }
                "--port" => {
                    let port = args.next().context("--port needs a number")?;
                    options.port = port.parse().with_context(|| format!("bad port `{port}`"))?;
                }
                other => {
                    bail!("usage: cargo xtask serve [--lang <code>] [--port <n>] (got `{other}`)")
                }
            }
        }
        Ok(options)
    }
}

/// Every language built into its own folder, and the inputs last seen.
pub struct Session {
    root: PathBuf,
    /// The builder as given, before the prebuilt preprocessors.
    base_builder: MdbookCli,
    /// The builder running the prebuilt preprocessors.
    builder: MdbookCli,
    preprocessors: Vec<CargoPreprocessor>,
    work_dir: PathBuf,
    /// The languages and the site URL.
    pub plan: SitePlan,
    inputs: Inputs,
    snapshot: Snapshot,
    /// The folder currently served for each language built successfully.
    built: BTreeMap<String, PathBuf>,
    generation: u64,
}

impl Session {
    /// Empties `work_dir`, builds the `cargo run` preprocessors and every
    /// language; a language that fails is reported and left unserved until
    /// an edit fixes it.
    pub fn start(root: &Path, builder: MdbookCli, work_dir: &Path) -> Result<Session> {
        if work_dir.exists() {
            std::fs::remove_dir_all(work_dir)
                .with_context(|| format!("removing {}", work_dir.display()))?;
        }
        std::fs::create_dir_all(work_dir)
            .with_context(|| format!("creating {}", work_dir.display()))?;
        let plan = SitePlan::load(root, Some("/"))?;
        let preprocessors = prebuilt::cargo_preprocessors(root)?;
        let inputs = Inputs::of_book(root, &plan)?;
        let mut session = Session {
            root: root.to_path_buf(),
            base_builder: builder.clone(),
            builder,
            preprocessors,
            work_dir: work_dir.to_path_buf(),
            plan,
            inputs,
            snapshot: Snapshot::default(),
            built: BTreeMap::new(),
            generation: 0,
        };
        session.watch_inputs()?;
        session.prebuild()?;
        let everything = Changes {
            languages: session.plan.languages.iter().cloned().collect(),
            ..Changes::default()
        };
        session.rebuild(&everything);
        Ok(session)
    }

    /// Reads what to watch from `book.toml` and takes the first snapshot.
    fn watch_inputs(&mut self) -> Result<()> {
        self.inputs = Inputs::of_book(&self.root, &self.plan)?;
        for preprocessor in &self.preprocessors {
            if preprocessor.crate_dir != self.root {
                self.inputs.also_watch(&preprocessor.crate_dir);
            }
        }
        self.snapshot = self.inputs.snapshot();
        Ok(())
    }

    /// Builds every `cargo run` preprocessor and points the builder at the
    /// executables.
    fn prebuild(&mut self) -> Result<()> {
        let mut builder = self.base_builder.clone();
        for preprocessor in &self.preprocessors {
            self.generation += 1;
            let started = Instant::now();
            let built =
                preprocessor.build(&self.root, &self.work_dir.join("bin"), self.generation)?;
            println!(
                "built the `{}` preprocessor in {:.1}s",
                preprocessor.name,
                started.elapsed().as_secs_f64()
            );
            builder = builder.with_env(&built.variable, &built.command);
        }
        self.builder = builder;
        Ok(())
    }

    /// The server's mounts: each built language at its URL path.
    pub fn mounts(&self) -> Vec<Mount> {
        self.built
            .iter()
            .map(|(language, dir)| {
                Mount::new(&format!("/{}", self.plan.url_path(language)), dir.clone())
            })
            .collect()
    }

    /// The folder served for `language`, if it built.
    pub fn built_dir(&self, language: &str) -> Option<&Path> {
        self.built.get(language).map(PathBuf::as_path)
    }

    /// Looks at the inputs once; when something changed, waits until they
    /// settle and says what to rebuild.
    pub fn poll(&mut self) -> Result<Option<Changes>> {
        let mut now = self.inputs.snapshot();
        if now == self.snapshot {
            return Ok(None);
        }
        let started = Instant::now();
        loop {
            std::thread::sleep(SETTLE);
            let later = self.inputs.snapshot();
            if later == now || started.elapsed() > MAX_SETTLE {
                now = later;
                break;
            }
            now = later;
        }
        let changes = self.inputs.changes(&self.plan, &self.snapshot, &now);
        self.snapshot = now;
        if changes.config {
            self.plan = SitePlan::load(&self.root, Some("/"))?;
            self.preprocessors = prebuilt::cargo_preprocessors(&self.root)?;
            self.watch_inputs()?;
            self.built
                .retain(|language, _| self.plan.languages.contains(language));
        }
        Ok(Some(changes))
    }

    /// Rebuilds the languages of `changes`, each into a fresh folder that
    /// replaces the served one when the build succeeds. Prints what it did.
    /// Returns the languages that failed.
    pub fn rebuild(&mut self, changes: &Changes) -> Vec<String> {
        for file in changes.files.iter().take(5) {
            let shown = file.strip_prefix(&self.root).unwrap_or(file);
            println!("changed: {}", shown.display());
        }
        let preprocessor_changed = changes.config
            || self.preprocessors.iter().any(|preprocessor| {
                preprocessor.crate_dir != self.root
                    && changes
                        .files
                        .iter()
                        .any(|file| file.starts_with(&preprocessor.crate_dir))
            });
        if preprocessor_changed {
            if let Err(error) = self.prebuild() {
                eprintln!("error: {error:#}");
                return changes.languages.iter().cloned().collect();
            }
        }
        let mut failed = Vec::new();
        for language in &changes.languages {
            self.generation += 1;
            let dest = self
                .work_dir
                .join(format!("{language}-{}", self.generation));
            let site_url = self.plan.language_site_url(language);
            let started = Instant::now();
            let built = self
                .builder
                .build(&LanguageBuild {
                    root: &self.root,
                    language,
                    dest: &dest,
                    site_url: &site_url,
                })
                .and_then(|()| self.plan.write_manifest(&dest));
            match built {
                Ok(()) => {
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
                    let _ = std::fs::remove_dir_all(&dest);
                    failed.push(language.clone());
                }
            }
        }
        failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Options::parse(&args(&[])).unwrap(),
            Options {
                language: None,
                port: 3000
            }
        );
        assert_eq!(
            Options::parse(&args(&["--lang", "fr", "--port", "0"])).unwrap(),
            Options {
                language: Some("fr".into()),
                port: 0
            }
        );
        assert!(Options::parse(&args(&["--port", "x"])).is_err());
        assert!(Options::parse(&args(&["--open"])).is_err());
    }
}
