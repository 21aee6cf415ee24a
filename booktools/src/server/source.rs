//! What a web-server listing prints and how it is set up, as data: the
//! `[server]` section of `listing-expectations.toml` (address, pool size,
//! connections served, pause of `GET /sleep`, each language's six shutdown
//! messages) and the `[going_further]` section (the listings of ch20-04
//! that handle errors and signals, the status line of a malformed request,
//! each language's message for a failed connection).
//! [`ServerSource::source_problems`] holds the data to the listing's code,
//! so a run is read with the listing's own messages.

use crate::listings::expectations::EXPECTATIONS_FILE;
use crate::listings::Listing;
use crate::Problem;
use anyhow::{bail, Context, Result};
use regex::Regex;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIB_FILE: &str = "src/lib.rs";
const MAIN_FILE: &str = "src/bin/main.rs";

/// The messages of the graceful shutdown (`ShuttingDown`: `main` left its
/// loop, printed by `src/bin/main.rs`, the others by `src/lib.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Job,
    Terminated,
    Joining,
    ShuttingDown,
    SendingTerminate,
    ShuttingDownAll,
}

/// Each message, its key in a `[server.messages.<language>]` table, and
/// whether it names a worker.
const KINDS: [(Kind, &str, bool); 6] = [
    (Kind::Job, "job", true),
    (Kind::Terminated, "terminated", true),
    (Kind::Joining, "joining", true),
    (Kind::ShuttingDown, "shutting_down", false),
    (Kind::SendingTerminate, "sending_terminate", false),
    (Kind::ShuttingDownAll, "shutting_down_all", false),
];

/// What one line of the server's standard output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    pub worker: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerData {
    address: String,
    workers: usize,
    connections: usize,
    slow_request_secs: u64,
    messages: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads section `name` of the book's `listing-expectations.toml`.
pub fn read_section<T: DeserializeOwned>(root: &Path, name: &str) -> Result<T> {
    let path = root.join(EXPECTATIONS_FILE);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut file: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let Some(section) = file.remove(name) else {
        bail!("{}: no `[{name}]` section", path.display());
    };
    section
        .try_into()
        .with_context(|| format!("{}: reading `[{name}]`", path.display()))
}

/// What of the data a listing's code holds, word for word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// The `[server]` settings as arguments in `src/bin/main.rs`; where the
    /// server shuts down by itself, also `take` and every message (a
    /// `println!` of `src/lib.rs`, the shutdown notice of `src/bin/main.rs`).
    Server { shuts_down: bool },
    /// The `[going_further]` data: the `eprintln!` of a failed connection
    /// and, in the errors listing, the status line of a malformed request.
    GoingFurther,
}

/// A web-server listing of one language, as the data describes it.
#[derive(Debug, Clone)]
pub struct ServerSource {
    pub listing: Listing,
    pub address: SocketAddr,
    /// The size of its pool.
    pub workers: usize,
    /// How many connections `main` accepts before it shuts down.
    pub connections: usize,
    /// How long `GET /sleep` sleeps.
    pub pause: Duration,
    /// The book root, whose data file the problems name.
    root: PathBuf,
    /// Each message: its key, the format string and its line matcher.
    messages: Vec<(Kind, &'static str, String, Regex)>,
}

impl ServerSource {
    pub fn load(root: &Path, listing: &Listing) -> Result<Self> {
        Self::from_data(read_section(root, "server")?, root, listing)
    }

    fn from_data(data: ServerData, root: &Path, listing: &Listing) -> Result<Self> {
        let origin = format!("{EXPECTATIONS_FILE} [server.messages.{}]", listing.language);
        let Some(formats) = data.messages.get(&listing.language) else {
            bail!("{origin}: no such table (every language needs its messages)");
        };
        if let Some(key) = (formats.keys()).find(|key| !KINDS.iter().any(|(_, k, _)| k == key)) {
            bail!("{origin}: unknown message `{key}`");
        }
        let placeholder = Regex::new(r"\{[^}]*\}")?;
        let mut messages = Vec::new();
        for (kind, key, names_a_worker) in KINDS {
            let Some(format) = formats.get(key) else {
                bail!("{origin}: no `{key}` message");
            };
            let pieces: Vec<&str> = placeholder.split(format).collect();
            if pieces.len() != 1 + usize::from(names_a_worker) {
                bail!("{origin}: the {kind:?} message {format:?} has the wrong number of `{{}}`");
            }
            let escaped: Vec<String> = pieces.iter().map(|piece| regex::escape(piece)).collect();
            let matcher = Regex::new(&format!("^{}$", escaped.join(r"(\d+)")))?;
            messages.push((kind, key, format.clone(), matcher));
        }
        Ok(Self {
            listing: listing.clone(),
            address: data
                .address
                .parse()
                .with_context(|| format!("{EXPECTATIONS_FILE} [server]: address"))?,
            workers: data.workers,
            connections: data.connections,
            pause: Duration::from_secs(data.slow_request_secs),
            root: root.to_path_buf(),
            messages,
        })
    }

    /// The format string of the `kind` message (`Shutting down.`).
    pub fn message(&self, kind: Kind) -> &str {
        let found = self.messages.iter().find(|(k, ..)| *k == kind);
        found.map_or("", |(_, _, format, _)| format.as_str())
    }

    /// The event of one line of the server's standard output.
    pub fn event(&self, line: &str) -> Option<Event> {
        self.messages.iter().find_map(|(kind, _, _, matcher)| {
            let captures = matcher.captures(line)?;
            let worker = match captures.get(1) {
                Some(number) => Some(number.as_str().parse().ok()?),
                None => None,
            };
            let kind = *kind;
            Some(Event { kind, worker })
        })
    }

    /// The page a successful request returns (`hello.html`), as served.
    pub fn hello_page(&self) -> Result<Vec<u8>> {
        let path = self.listing.dir.join("hello.html");
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// Where the data disagrees with the listing's code, as `holds` says
    /// it must not: each problem names the listing's file (and the line of
    /// the call, when only one line has it) and the line of the data.
    pub fn source_problems(&self, holds: Holds) -> Result<Vec<String>> {
        // Each: the file, the code it must have, the data's table and key.
        let mut expected: Vec<(&str, String, String, &str)> = Vec::new();
        match holds {
            Holds::Server { shuts_down } => {
                let settings = [
                    ("address", format!("bind(\"{}\")", self.address)),
                    ("workers", format!("::new({})", self.workers)),
                    (
                        "slow_request_secs",
                        format!("from_secs({})", self.pause.as_secs()),
                    ),
                    ("connections", format!(".take({})", self.connections)),
                ];
                let settings = settings.into_iter().take(if shuts_down { 4 } else { 3 });
                expected
                    .extend(settings.map(|(key, code)| (MAIN_FILE, code, "[server]".into(), key)));
                let table = format!("[server.messages.{}]", self.listing.language);
                for (kind, key, format, _) in self.messages.iter().filter(|_| shuts_down) {
                    let file = [LIB_FILE, MAIN_FILE][usize::from(*kind == Kind::ShuttingDown)];
                    expected.push((file, format!("println!(\"{format}\""), table.clone(), key));
                }
            }
            Holds::GoingFurther => {
                let data = GoingFurther::load(&self.root)?;
                let table = format!("[going_further.messages.{}]", self.listing.language);
                let failed = data.connection_failed(&self.listing.language)?;
                let code = format!("eprintln!(\"{failed}\"");
                expected.push((MAIN_FILE, code, table, "connection_failed"));
                if self.listing.name == data.errors_listing {
                    let code = format!("\"{}\"", data.bad_request);
                    expected.push((MAIN_FILE, code, "[going_further]".into(), "bad_request"));
                }
            }
        }
        let data_file = self.root.join(EXPECTATIONS_FILE);
        let data = std::fs::read_to_string(&data_file).unwrap_or_default();
        let mut problems = Vec::new();
        for (file, code, table, key) in expected {
            let path = self.listing.dir.join(file);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            if text.contains(code.as_str()) {
                continue;
            }
            // The line that has the call, when only one has it.
            let call = &code[..code.find('(').map_or(code.len(), |at| at + 1)];
            let mut lines = (text.lines().enumerate()).filter(|(_, line)| line.contains(call));
            let (line, found) = match (lines.next(), lines.next()) {
                (Some((index, line)), None) => (Some(index + 1), format!("`{}`, ", line.trim())),
                _ => (None, String::new()),
            };
            let data_line = line_in_section(&data, &table, key)
                .map_or(String::new(), |line| format!(":{line}"));
            let message = format!(
                "{found}where {}{data_line} ({table} {key}) expects `{code}`",
                data_file.display()
            );
            let mut problem = Problem::in_file(path, message);
            problem.line = line;
            problems.push(problem.to_string());
        }
        Ok(problems)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoingFurther {
    /// The listing whose server answers bad input and logs failures.
    pub errors_listing: String,
    /// The listing whose server shuts down on `SIGINT` or `SIGTERM`.
    pub signals_listing: String,
    /// The status line of the answer to a malformed request line.
    pub bad_request: String,
    messages: BTreeMap<String, Messages>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Messages {
    connection_failed: String,
}

impl GoingFurther {
    pub fn load(root: &Path) -> Result<Self> {
        read_section(root, "going_further")
    }

    /// The `eprintln!` format string `language` logs a failed connection with.
    pub fn connection_failed(&self, language: &str) -> Result<&str> {
        (self.messages.get(language))
            .map(|messages| messages.connection_failed.as_str())
            .with_context(|| {
                format!("{EXPECTATIONS_FILE} [going_further.messages.{language}]: no such table")
            })
    }
}

/// The 1-based line of `key = ` in table `section` of a TOML text.
fn line_in_section(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (index, line) in text.lines().enumerate().map(|(i, l)| (i, l.trim())) {
        if line.starts_with('[') {
            inside = line == section;
        } else if inside && line.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
            return Some(index + 1);
        }
    }
    None
}

/// A small listing with every message, for the tests of this crate:
/// 3 workers, 2 connections, a 2 s pause.
#[cfg(test)]
pub(crate) fn sample_source() -> ServerSource {
    let data: ServerData = toml::from_str(
        r#"address = "127.0.0.1:7878"
workers = 3
connections = 2
slow_request_secs = 2
[messages.en]
job = "W{id} job\u00a0;"
terminated = "W{id} stop"
joining = "Join {}"
shutting_down = "Bye."
sending_terminate = "Send all."
shutting_down_all = "All."
"#,
    )
    .unwrap();
    let listing = Listing {
        language: "en".to_string(),
        chapter: "ch20".to_string(),
        name: "listing".to_string(),
        dir: PathBuf::from("/nowhere"),
        package: "hello".to_string(),
    };
    ServerSource::from_data(data, Path::new("/nowhere"), &listing).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_that_is_not_in_the_source_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/bin")).unwrap();
        std::fs::write(
            dir.path().join(LIB_FILE),
            r#"println!("W{id} job\u{a0};"); println!("W{id} stop"); println!("Join {}", id);
               println!("Send all."); println!("All.");"#
                .replace("\\u{a0}", "\u{a0}"),
        )
        .unwrap();
        let main = r#"bind("127.0.0.1:7878") Pool::new(3) .take(2) from_secs(2) println!("Bye.");"#;
        std::fs::write(dir.path().join(MAIN_FILE), main).unwrap();
        let mut source = sample_source();
        source.listing.dir = dir.path().to_path_buf();
        let holds = Holds::Server { shuts_down: true };
        assert_eq!(source.source_problems(holds).unwrap(), Vec::<String>::new());
        source.workers = 4;
        source.messages[0].2 = "W{id} job;".to_string();
        let problems = source.source_problems(holds).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("src/bin/main.rs:1: `bind("),
            "{problems:?}"
        );
        assert!(
            problems[1].contains("src/lib.rs: where /nowhere/listing-expectations.toml ([server.messages.en] job) expects `println!(\"W{id} job;\"`"),
            "{problems:?}"
        );
    }
}
