//! The load benchmark of "Going further" as data and as a recorded file:
//! the `[pool_bench]` section of `listing-expectations.toml` (which servers,
//! how many clients, how much `GET /sleep`, the bounds of a run, and each
//! language's words for the table), the figures of one
//! `cargo xtask bench pools` ([`Recorded`]), and their rendering in each
//! language's listing tree.
//!
//! Only the source language's servers run: every other tree's servers are
//! the same code token for token (the translated-code check proves it),
//! and a French page must not show English, so each tree gets the same
//! figures rendered with its own words. The last line of each file is a
//! fingerprint: a SHA-256 of the benchmarked servers' files, the load
//! generator's sources, the `[pool_bench]` data and the file's own text
//! above it. The suite recomputes it: a hand edit, a changed server or a
//! changed benchmark shows as a stale file.

use crate::languages::{BookLayout, Language};
use crate::listings::compile;
use crate::listings::expectations::EXPECTATIONS_FILE;
use crate::listings::Listing;
use crate::server::listing_binary;
use crate::server::load::{Load, Measured};
use crate::server::source::read_section;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The sources of the load generator and of its command, relative to the
/// book root: part of the fingerprint.
pub const GENERATOR_SOURCES: [&str; 2] =
    ["booktools/src/server/load.rs", "xtask/src/bench/pools.rs"];

/// The command that makes the recorded files, their first line.
pub const COMMAND: &str = "$ cargo xtask bench pools";

// The `Debug` form of these two structs is part of the fingerprint: a
// field renamed or moved makes every recorded file stale.

/// One language's words for the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// `{cores}`, `{date}`, `{seconds}`, `{max_requests}` are replaced.
    pub heading: String,
    pub columns: [String; 7],
    /// The `GET /sleep` column when there is none, and otherwise (`{n}`:
    /// one request in n).
    pub no_slow: String,
    pub slow: String,
    pub decimal: String,
    /// Each server's name, by listing.
    pub servers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolBench {
    /// The chapter folder of the servers in every tree.
    pub chapter: String,
    /// The servers, by listing folder, in the order of the table.
    pub servers: Vec<String>,
    /// The listing folder the recorded file goes in, and its name.
    pub record_in: String,
    pub file: String,
    /// The numbers of clients, and the `GET /sleep` mixes (0: none, n: one
    /// request in n).
    pub clients: Vec<usize>,
    pub slow_every: Vec<usize>,
    /// The bounds of one run.
    pub seconds: u64,
    pub max_requests: u64,
    pub request_timeout_secs: u64,
    pub labels: BTreeMap<String, Labels>,
}

/// One row: a server (its listing folder) under one load.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub server: String,
    pub clients: usize,
    pub slow_every: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub failed: u64,
}

impl Row {
    pub fn new(server: &str, load: &Load, measured: &Measured) -> Self {
        Self {
            server: server.to_string(),
            clients: load.clients,
            slow_every: load.slow_every,
            per_second: measured.per_second(),
            p50_ms: measured.millis_at(0.5),
            p99_ms: measured.millis_at(0.99),
            failed: measured.failed,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The machine's cores.
    pub cores: usize,
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: String,
    pub rows: Vec<Row>,
}

impl PoolBench {
    pub fn load(root: &Path) -> Result<Self> {
        read_section(root, "pool_bench")
    }

    /// Every load, in the order of the table (for each server).
    pub fn loads(&self) -> Vec<Load> {
        let loads = (self.slow_every.iter()).flat_map(|&slow_every| {
            self.clients.iter().map(move |&clients| Load {
                clients,
                slow_every,
                duration: Duration::from_secs(self.seconds),
                max_requests: self.max_requests,
                request_timeout: Duration::from_secs(self.request_timeout_secs),
            })
        });
        loads.collect()
    }

    fn labels(&self, language: &str) -> Result<&Labels> {
        (self.labels.get(language)).with_context(|| {
            format!("{EXPECTATIONS_FILE}: no `[pool_bench.labels.{language}]` table")
        })
    }

    /// The server listings of `language`, in the order of the table.
    pub fn server_listings(&self, language: &Language) -> Result<Vec<Listing>> {
        let find =
            |name: &String| listing_binary::find(language, name).context("[pool_bench] servers");
        self.servers.iter().map(find).collect()
    }

    /// The recorded file of `language`.
    pub fn record_path(&self, language: &Language) -> PathBuf {
        let listing = language.tree.join(&self.chapter).join(&self.record_in);
        listing.join(&self.file)
    }

    /// The fingerprint of a recorded file whose text above its last line is
    /// `body`: a hash of this data, the generator's sources, the servers of
    /// the source language (each file but `output.txt`, `target/` and the
    /// recorded file) and `body`.
    fn fingerprint(&self, layout: &BookLayout, body: &str) -> Result<String> {
        let source = (layout.language(&layout.source_language)).context("the source language")?;
        let mut inputs = vec![format!("{self:?}").into_bytes()];
        for file in GENERATOR_SOURCES.map(|file| layout.root.join(file)) {
            inputs
                .push(std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
        }
        let skipped = [crate::listings::OUTPUT_FILE, "target", self.file.as_str()];
        for listing in self.server_listings(source)? {
            let hash = compile::files_hash(&[listing.name.as_bytes()], &listing.dir, &skipped)?;
            inputs.push(hash.into_bytes());
        }
        inputs.push(body.as_bytes().to_vec());
        let fields: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
        Ok(format!("sha256:{}", compile::fields_hash(&fields)))
    }

    /// The file of `language` for `recorded`: the command, the heading, the
    /// table, the fingerprint.
    pub fn render(
        &self,
        layout: &BookLayout,
        language: &str,
        recorded: &Recorded,
    ) -> Result<String> {
        let labels = self.labels(language)?;
        let number = |value: f64, decimals: usize| {
            format!("{value:.decimals$}").replace('.', &labels.decimal)
        };
        let mut table = vec![labels.columns.to_vec()];
        for row in &recorded.rows {
            let server = labels.servers.get(&row.server).with_context(|| {
                let server = &row.server;
                format!("[pool_bench.labels.{language}.servers]: no name for `{server}`")
            })?;
            let mix = match row.slow_every {
                0 => labels.no_slow.clone(),
                n => labels.slow.replace("{n}", &n.to_string()),
            };
            table.push(vec![
                server.clone(),
                row.clients.to_string(),
                mix,
                number(row.per_second, 1),
                number(row.p50_ms, 2),
                number(row.p99_ms, 2),
                row.failed.to_string(),
            ]);
        }
        let heading = (labels.heading)
            .replace("{cores}", &recorded.cores.to_string())
            .replace("{date}", &recorded.date)
            .replace("{seconds}", &self.seconds.to_string())
            .replace("{max_requests}", &self.max_requests.to_string());
        let mut body = format!("{COMMAND}\n{heading}\n\n");
        for cells in &table {
            let padded: Vec<String> = (cells.iter().enumerate())
                .map(|(column, cell)| {
                    let width = (table.iter())
                        .map(|cells| cells[column].chars().count())
                        .max();
                    let width = width.unwrap_or(0);
                    // Names and mixes to the left, numbers to the right.
                    match column {
                        0 | 2 => format!("{cell:<width$}"),
                        _ => format!("{cell:>width$}"),
                    }
                })
                .collect();
            body.push_str(padded.join(" | ").trim_end());
            body.push('\n');
        }
        let fingerprint = self.fingerprint(layout, &body)?;
        Ok(format!("{body}{fingerprint}\n"))
    }

    /// Reads back the figures of a recorded file of `language` (`path`
    /// names it in errors): the figures are read from where [`Self::render`]
    /// puts them, rendered again and compared line by line, so everything
    /// but the figures (and the fingerprint of the current sources) is
    /// checked, and the first line that differs is named.
    pub fn parse(
        &self,
        layout: &BookLayout,
        language: &str,
        path: &Path,
        text: &str,
    ) -> Result<Recorded> {
        let labels = self.labels(language)?;
        let lines: Vec<&str> = text.lines().collect();
        let template = regex::escape(&labels.heading)
            .replace(r"\{cores\}", r"(\d+)")
            .replace(r"\{date\}", r"(\d{4}-\d{2}-\d{2})")
            .replace(r"\{seconds\}", r"\d+")
            .replace(r"\{max_requests\}", r"\d+");
        let heading = regex::Regex::new(&format!("^{template}$"))?;
        let captures = lines.get(1).and_then(|line| heading.captures(line));
        let (cores, date) = captures.map_or((0, String::new()), |found| {
            (found[1].parse().unwrap_or(0), found[2].to_string())
        });
        let mut rows = Vec::new();
        for server in &self.servers {
            for load in self.loads() {
                let line = lines.get(4 + rows.len()).copied().unwrap_or_default();
                let cells: Vec<String> = (line.split('|'))
                    .map(|cell| cell.trim().replace(&labels.decimal, "."))
                    .collect();
                let number = |column: usize| cells.get(column).and_then(|cell| cell.parse().ok());
                rows.push(Row {
                    server: server.clone(),
                    clients: load.clients,
                    slow_every: load.slow_every,
                    per_second: number(3).unwrap_or(f64::NAN),
                    p50_ms: number(4).unwrap_or(f64::NAN),
                    p99_ms: number(5).unwrap_or(f64::NAN),
                    failed: cells
                        .get(6)
                        .and_then(|cell| cell.parse().ok())
                        .unwrap_or(u64::MAX),
                });
            }
        }
        let recorded = Recorded { cores, date, rows };
        let expected = self.render(layout, language, &recorded)?;
        let expected: Vec<&str> = expected.lines().collect();
        let Some(line) = (0..lines.len().max(expected.len()))
            .find(|&index| lines.get(index) != expected.get(index))
        else {
            return Ok(recorded);
        };
        let message = if line + 1 == expected.len() && line + 1 == lines.len() {
            format!(
                "the fingerprint is not the one of the current servers, benchmark and text \
                 ({}): the file is stale or was edited by hand",
                expected[line]
            )
        } else {
            format!(
                "expected `{}` (the command, the heading with this data's bounds, the column \
                 titles, one row per server and load of the data, the fingerprint)",
                expected.get(line).unwrap_or(&"")
            )
        };
        let remake = "remake it with `cargo xtask bench pools`";
        let problem = crate::Problem::at(path, line + 1, format!("{message}; {remake}"));
        bail!("{problem}")
    }
}
