//! What a web-server listing prints and how it is set up, as data: the
//! `[server]` section of `listing-expectations.toml` (address, pool size,
//! connections served, pause of `GET /sleep`, and each language's six
//! shutdown messages) and the `[going_further]` section (the listings of
//! ch20-04 that handle errors and signals, the status line of a malformed
//! request, each language's message for a failed connection). Each
//! `source_problems` holds the data to the listing's code, so a run is read
//! with the listing's own messages.

use crate::listings::expectations::EXPECTATIONS_FILE;
use crate::listings::Listing;
use anyhow::{bail, Context, Result};
use regex::Regex;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The library and the binary of a listing crate.
const LIB_FILE: &str = "src/lib.rs";
const MAIN_FILE: &str = "src/bin/main.rs";

/// The messages of the graceful shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A worker got a job (`Worker 0 got a job; executing.`).
    Job,
    /// A worker got a terminate message.
    Terminated,
    /// The pool joins one worker (`Shutting down worker 0`).
    Joining,
    /// `main` left its loop (`Shutting down.`), in `src/bin/main.rs`.
    ShuttingDown,
    /// The pool starts sending terminate messages.
    SendingTerminate,
    /// The pool starts joining the workers.
    ShuttingDownAll,
}

/// Each message and its key in a `[server.messages.<language>]` table.
const KINDS: [(Kind, &str); 6] = [
    (Kind::Job, "job"),
    (Kind::Terminated, "terminated"),
    (Kind::Joining, "joining"),
    (Kind::ShuttingDown, "shutting_down"),
    (Kind::SendingTerminate, "sending_terminate"),
    (Kind::ShuttingDownAll, "shutting_down_all"),
];

impl Kind {
    fn names_a_worker(self) -> bool {
        matches!(self, Kind::Job | Kind::Terminated | Kind::Joining)
    }
}

/// What one line of the server's standard output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The message.
    pub kind: Kind,
    /// The worker it names, if it names one.
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

/// A web-server listing of one language, as the data describes it.
#[derive(Debug, Clone)]
pub struct ServerSource {
    /// The crate folder.
    pub crate_dir: PathBuf,
    /// Where it listens.
    pub address: SocketAddr,
    /// The size of its pool.
    pub workers: usize,
    /// How many connections `main` accepts before it shuts down.
    pub connections: usize,
    /// How long `GET /sleep` sleeps.
    pub pause: Duration,
    /// The data's file, whose lines the problems name.
    data_file: PathBuf,
    /// The listing's language, the table of its messages.
    language: String,
    /// Each message: its key, the format string and its line matcher.
    messages: Vec<(Kind, &'static str, String, Regex)>,
}

impl ServerSource {
    /// The `[server]` data of `listing`'s language, for that listing.
    pub fn load(root: &Path, listing: &Listing) -> Result<Self> {
        let mut source = Self::from_data(read_section(root, "server")?, listing)?;
        source.data_file = root.join(EXPECTATIONS_FILE);
        Ok(source)
    }

    fn from_data(data: ServerData, listing: &Listing) -> Result<Self> {
        let origin = format!("{EXPECTATIONS_FILE} [server.messages.{}]", listing.language);
        let Some(formats) = data.messages.get(&listing.language) else {
            bail!("{origin}: no such table (every language needs its messages)");
        };
        if let Some(key) = (formats.keys()).find(|key| !KINDS.iter().any(|(_, k)| k == key)) {
            bail!("{origin}: unknown message `{key}`");
        }
        let placeholder = Regex::new(r"\{[^}]*\}")?;
        let mut messages = Vec::new();
        for (kind, key) in KINDS {
            let Some(format) = formats.get(key) else {
                bail!("{origin}: no `{key}` message");
            };
            let pieces: Vec<&str> = placeholder.split(format).collect();
            if pieces.len() != 1 + usize::from(kind.names_a_worker()) {
                bail!("{origin}: the {kind:?} message {format:?} has the wrong number of `{{}}`");
            }
            let escaped: Vec<String> = pieces.iter().map(|piece| regex::escape(piece)).collect();
            let matcher = Regex::new(&format!("^{}$", escaped.join(r"(\d+)")))?;
            messages.push((kind, key, format.clone(), matcher));
        }
        Ok(Self {
            crate_dir: listing.dir.clone(),
            address: data
                .address
                .parse()
                .with_context(|| format!("{EXPECTATIONS_FILE} [server]: address"))?,
            workers: data.workers,
            connections: data.connections,
            pause: Duration::from_secs(data.slow_request_secs),
            data_file: PathBuf::from(EXPECTATIONS_FILE),
            language: listing.language.clone(),
            messages,
        })
    }

    /// The format string of the `kind` message (`Shutting down.`).
    pub fn message(&self, kind: Kind) -> &str {
        self.messages
            .iter()
            .find(|(k, ..)| *k == kind)
            .map_or("", |(_, _, format, _)| format.as_str())
    }

    /// The event of one line of the server's standard output.
    pub fn event(&self, line: &str) -> Option<Event> {
        self.messages.iter().find_map(|(kind, _, _, matcher)| {
            let captures = matcher.captures(line)?;
            let worker = match captures.get(1) {
                Some(number) => Some(number.as_str().parse().ok()?),
                None => None,
            };
            Some(Event {
                kind: *kind,
                worker,
            })
        })
    }

    /// The page a successful request returns (`hello.html`), as served.
    pub fn hello_page(&self) -> Result<Vec<u8>> {
        let path = self.crate_dir.join("hello.html");
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// Where the data disagrees with the listing's code: each setting is
    /// an argument in `src/bin/main.rs` (`take` only where `shuts_down`),
    /// each message a `println!` format string of `src/lib.rs` (the
    /// shutdown notice: of `src/bin/main.rs`).
    pub fn source_problems(&self, shuts_down: bool) -> Result<Vec<String>> {
        let read = |file: &str| {
            let path = self.crate_dir.join(file);
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
        };
        let (lib, main) = (read(LIB_FILE)?, read(MAIN_FILE)?);
        let data = std::fs::read_to_string(&self.data_file).unwrap_or_default();
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
        let mut expected: Vec<_> =
            (settings.map(|(key, code)| (MAIN_FILE, code, "[server]", key))).collect();
        let table = format!("[server.messages.{}]", self.language);
        for (kind, key, format, _) in self.messages.iter().filter(|_| shuts_down) {
            let file = if *kind == Kind::ShuttingDown {
                MAIN_FILE
            } else {
                LIB_FILE
            };
            expected.push((file, format!("println!(\"{format}\""), &table, key));
        }
        let mut problems = Vec::new();
        for (file, code, section, key) in expected {
            let text = if file == LIB_FILE { &lib } else { &main };
            if text.contains(code.as_str()) {
                continue;
            }
            // The line that has the call, when only one has it.
            let call = &code[..code.find('(').map_or(code.len(), |at| at + 1)];
            let mut lines = (text.lines().enumerate()).filter(|(_, line)| line.contains(call));
            let at = match (lines.next(), lines.next()) {
                (Some((index, line)), None) => format!(":{}: `{}`", index + 1, line.trim()),
                _ => String::new(),
            };
            let data_line = line_in_section(&data, section, key)
                .map_or(String::new(), |line| format!(":{line}"));
            problems.push(format!(
                "{}/{file}{at}, where {}{data_line} ({section} {key}) expects `{code}`",
                self.crate_dir.display(),
                self.data_file.display(),
            ));
        }
        Ok(problems)
    }
}

/// The `[going_further]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoingFurther {
    /// The listing whose server answers bad input and logs failures.
    pub errors_listing: String,
    /// The listing whose server shuts down on `SIGINT` or `SIGTERM`.
    pub signals_listing: String,
    /// The status line of the answer to a malformed request line.
    pub bad_request: String,
    /// Per language: what the server logs when a connection fails.
    messages: BTreeMap<String, Messages>,
}

/// The messages of one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Messages {
    /// The `eprintln!` format string of a failed connection.
    connection_failed: String,
}

impl GoingFurther {
    /// The section of the book at `root`.
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

    /// Where `listing`'s `src/bin/main.rs` does not have what the data
    /// says: the `eprintln!` of a failed connection and, for the errors
    /// listing, the status line of a malformed request.
    pub fn source_problems(&self, listing: &Listing) -> Result<Vec<String>> {
        let path = listing.dir.join(MAIN_FILE);
        let code = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let failed = self.connection_failed(&listing.language)?;
        let mut expected = vec![format!("eprintln!(\"{failed}\"")];
        if listing.name == self.errors_listing {
            expected.push(format!("\"{}\"", self.bad_request));
        }
        expected.retain(|needle| !code.contains(needle.as_str()));
        let file = path.display();
        let expects = format!("which {EXPECTATIONS_FILE} [going_further] expects");
        Ok((expected.iter())
            .map(|needle| format!("{file}: no `{needle}`, {expects}"))
            .collect())
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
    ServerSource::from_data(data, &listing).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_with_the_messages_of_the_data() {
        let source = sample_source();
        let event = |kind, worker| Some(Event { kind, worker });
        assert_eq!(
            source.event("Send all."),
            event(Kind::SendingTerminate, None)
        );
        assert_eq!(source.event("Join 2"), event(Kind::Joining, Some(2)));
        assert_eq!(source.event("W1 job\u{a0};"), event(Kind::Job, Some(1)));
        assert_eq!(source.event("W0 stop"), event(Kind::Terminated, Some(0)));
        assert_eq!(source.event("W1 job ;"), None, "the no-break space matters");
        assert_eq!(source.event("Join x"), None);
        assert_eq!(source.pause, Duration::from_secs(2));
    }

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
        source.crate_dir = dir.path().to_path_buf();
        assert_eq!(source.source_problems(true).unwrap(), Vec::<String>::new());
        source.workers = 4;
        source.messages[0].2 = "W{id} job;".to_string();
        let problems = source.source_problems(true).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[1].contains("src/lib.rs, where listing-expectations.toml ([server.messages.en] job) expects `println!(\"W{id} job;\"`"),
            "{problems:?}"
        );
    }
}
