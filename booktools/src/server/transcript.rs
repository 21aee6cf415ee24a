//! The console transcript the chapter shows after Listing 20-25 (`$ cargo
//! run`, cargo's lines, the server's). The text narrates that one run
//! ("workers 0 and 3 got the first two requests"), so [`regenerate`]
//! repeats real runs paced like the reader ([`Pacing::LikeAReader`]) until
//! one is the run the `[transcript]` claims describe; [`committed_problems`]
//! holds a committed transcript to the rules of every run and to the claims.
//! cargo's lines are normalized like every `output.txt`.

use crate::languages::{BookLayout, Language};
use crate::listings::expectations::EXPECTATIONS_FILE;
use crate::listings::normalize::{self, MachinePaths, FIXED_DURATION};
use crate::listings::Listing;
use crate::server::listing_binary::{self, BUILD_TIMEOUT};
use crate::server::port::{PortLock, DEFAULT_LOCK_WAIT};
use crate::server::shutdown_run::{self, Outcome, Pacing};
use crate::server::shutdown_story::{self, NarratedClaim};
use crate::server::source::{read_section, ServerSource};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const COMMAND_LINE: &str = "$ cargo run";

/// The command that rewrites the transcripts (with every `output.txt`).
pub const REGENERATE_COMMAND: &str = "cargo xtask outputs";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptSpec {
    /// The listing folder (the same in every language).
    pub listing: String,
    /// The transcript file, relative to the listing crate.
    pub file: String,
    /// How many real runs a regeneration may try.
    pub attempts: usize,
    pub reason: String,
    #[serde(default)]
    pub claim: Vec<NarratedClaim>,
}

impl TranscriptSpec {
    pub fn load(layout: &BookLayout) -> Result<Self> {
        read_section(&layout.root, "transcript")
    }

    /// Problems of the section itself: empty claims, a quote that is not
    /// in the English text, no attempt allowed.
    pub fn problems(&self, layout: &BookLayout) -> Result<Vec<String>> {
        let origin = format!(
            "{} [transcript]",
            layout.root.join(EXPECTATIONS_FILE).display()
        );
        let mut problems = Vec::new();
        if self.attempts == 0 {
            problems.push(format!("{origin}: `attempts` must be at least 1"));
        }
        if self.claim.is_empty() {
            problems.push(format!("{origin}: no `[[transcript.claim]]`"));
        }
        let chapters = source_chapters(layout)?;
        for claim in &self.claim {
            if !claim.states_something() {
                problems.push(format!(
                    "{origin}: the claim \"{}\" states nothing",
                    claim.quote
                ));
            }
            let quote = collapse_whitespace(&claim.quote);
            if quote.is_empty() || !chapters.iter().any(|chapter| chapter.contains(&quote)) {
                problems.push(format!(
                    "{origin}: the quote \"{}\" is not in the text of {}",
                    claim.quote,
                    layout.src.display()
                ));
            }
        }
        Ok(problems)
    }

    pub fn listing(&self, language: &Language) -> Result<Listing> {
        listing_binary::find(language, &self.listing)
            .with_context(|| format!("named by {EXPECTATIONS_FILE} [transcript]"))
    }

    pub fn path(&self, listing: &Listing) -> PathBuf {
        listing.dir.join(&self.file)
    }

    /// The claims a run already contradicts once both jobs were handed to
    /// workers and `main` announced the shutdown (`lines`: its standard
    /// output up to then); empty when it may still be the narrated run.
    fn unmet_when_jobs_are_handed_out(
        &self,
        lines: &[String],
        source: &ServerSource,
    ) -> Vec<String> {
        let settled: Vec<NarratedClaim> = self
            .claim
            .iter()
            .map(NarratedClaim::settled_when_jobs_are_handed_out)
            .collect();
        shutdown_story::claim_problems(lines, 1, source, &settled)
    }
}

/// A transcript: `$ cargo run`, cargo's lines, the server's lines.
pub fn compose(cargo_lines: &str, server_lines: &[String]) -> String {
    let cargo_lines = cargo_lines.trim_end_matches('\n');
    let server: String = server_lines
        .iter()
        .map(|line| format!("{line}\n"))
        .collect();
    format!("{COMMAND_LINE}\n{cargo_lines}\n{server}")
}

/// Splits a transcript into cargo's lines (through `Running`) and the
/// server's lines.
pub fn split(text: &str) -> Result<(Vec<&str>, Vec<&str>)> {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    if first != COMMAND_LINE {
        bail!("line 1 must be `{COMMAND_LINE}`, found {first:?}");
    }
    let lines: Vec<&str> = lines.collect();
    let Some(running) = lines
        .iter()
        .position(|line| line.trim_start().starts_with("Running "))
    else {
        bail!("no `Running` line from cargo");
    };
    Ok((lines[..=running].to_vec(), lines[running + 1..].to_vec()))
}

/// Normalizes cargo's lines of a `cargo run` of `listing` built in
/// `target_dir` (see the module documentation).
pub fn normalize_cargo_lines(raw: &str, listing: &Listing, target_dir: &Path) -> String {
    let normalized = normalize::normalize(
        raw,
        &MachinePaths {
            crate_dir: listing.dir.clone(),
            target_dir: target_dir.to_path_buf(),
            package: listing.package.clone(),
        },
    );
    normalized.replace(
        &format!("`/projects/{}/target/", listing.package),
        "`target/",
    )
}

/// Every problem of the committed transcript of `listing`: missing, not a
/// `cargo run` of this package, a run that cannot happen, or not the run
/// the text narrates.
pub fn committed_problems(
    spec: &TranscriptSpec,
    listing: &Listing,
    source: &ServerSource,
) -> Vec<String> {
    let path = spec.path(listing);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            return vec![format!(
                "{}: cannot read it ({error}); make it with `{REGENERATE_COMMAND}`",
                path.display()
            )]
        }
    };
    let mut problems = Vec::new();
    if !text.ends_with('\n') || text.contains('\r') {
        problems.push("must end with a newline and use `\\n` line ends".to_string());
    }
    match split(&text) {
        Err(error) => problems.push(format!("{error:#}")),
        Ok((cargo, server)) => {
            problems.extend(cargo_line_problems(&cargo, &listing.package));
            // The server's first line in the file: after `$ cargo run` and
            // cargo's lines.
            let first = cargo.len() + 2;
            problems.extend(shutdown_story::story_problems(&server, first, source));
            problems.extend(shutdown_story::claim_problems(
                &server,
                first,
                source,
                &spec.claim,
            ));
        }
    }
    problems
        .into_iter()
        .map(|problem| format!("{}: {problem}", path.display()))
        .collect()
}

/// cargo's part: compiled this package at `/projects/<package>`, finished
/// in the fixed duration, ran the binary from the default target folder.
fn cargo_line_problems(cargo: &[&str], package: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let compiling = format!("Compiling {package} v");
    let project = format!("(file:///projects/{package})");
    if !cargo
        .iter()
        .any(|line| line.trim_start().starts_with(&compiling) && line.ends_with(&project))
    {
        problems.push(format!("no cargo line `{compiling}... {project}`"));
    }
    if !cargo.iter().any(|line| {
        line.trim_start().starts_with("Finished ")
            && line.ends_with(&format!(" in {FIXED_DURATION}"))
    }) {
        problems.push(format!("no cargo line `Finished ... in {FIXED_DURATION}`"));
    }
    let running = format!("Running `target/debug/{}`", listing_binary::BINARY_NAME);
    if cargo.last().map(|line| line.trim_start()) != Some(running.as_str()) {
        problems.push(format!("cargo's last line must be `{running}`"));
    }
    problems
}

/// Makes the transcript of `listing` from real `cargo run`s, holding
/// `lock`: each attempt empties the target folder (so cargo compiles and
/// prints `Compiling`), makes the three requests one after the other like
/// the reader the text addresses ([`Pacing::LikeAReader`]), and is kept
/// only if it is a correct run that the claims describe. A run that breaks
/// the listing's rules ends the regeneration with an error; one that is
/// merely not the narrated run (or, once the jobs are handed out, cannot
/// become it) is retried. `progress` gets one line per run.
pub fn regenerate(
    root: &Path,
    spec: &TranscriptSpec,
    listing: &Listing,
    lock: &PortLock,
    mut progress: impl FnMut(&str),
) -> Result<String> {
    let source = ServerSource::load(root, listing)?;
    let target_dir = listing_binary::target_dir(root, listing_binary::SERVERS, listing);
    let mut runs = Vec::new();
    for attempt in 1..=spec.attempts {
        if target_dir.exists() {
            std::fs::remove_dir_all(&target_dir)
                .with_context(|| format!("emptying {}", target_dir.display()))?;
        }
        let args = ["run", "--color", "never", "--locked"];
        let cargo = listing_binary::cargo_in(listing, &target_dir, &args);
        let narrated_so_far = |lines: &[String]| {
            spec.unmet_when_jobs_are_handed_out(lines, &source)
                .is_empty()
        };
        let outcome = shutdown_run::run(
            &source,
            cargo,
            BUILD_TIMEOUT,
            Pacing::LikeAReader,
            narrated_so_far,
        )
        .with_context(|| format!("{}: real run {attempt}", listing.id()))?;
        lock.wait_until_free(Instant::now() + Duration::from_secs(10))?;
        let unmet = match outcome {
            Outcome::Abandoned(lines) => {
                let unmet = spec.unmet_when_jobs_are_handed_out(&lines, &source);
                format!("{}; stopped", unmet.join("; "))
            }
            Outcome::Finished(run) => {
                let problems = run.problems(&source)?;
                if !problems.is_empty() {
                    bail!(
                        "{}: real run {attempt} breaks the listing's behaviour:\n- {}",
                        listing.id(),
                        problems.join("\n- ")
                    );
                }
                let unmet = shutdown_story::claim_problems(&run.lines, 1, &source, &spec.claim);
                if unmet.is_empty() {
                    progress(&format!("run {attempt}: the narrated run, kept"));
                    let cargo_lines = normalize_cargo_lines(&run.stderr, listing, &target_dir);
                    return Ok(compose(&cargo_lines, &run.lines));
                }
                unmet.join("; ")
            }
        };
        runs.push(format!("run {attempt}: {unmet}"));
        progress(runs.last().expect("just pushed"));
    }
    bail!(
        "{}: none of {} real runs was the run the text narrates ({} [transcript]):\n{}",
        listing.id(),
        spec.attempts,
        EXPECTATIONS_FILE,
        runs.join("\n")
    )
}

/// Brings the transcript of every language up to date, as `cargo xtask
/// outputs` does: a committed transcript that still passes
/// [`committed_problems`] is kept unless `remake`; any other is made again
/// by [`regenerate`]. `report` gets one line per step; the result lists
/// what could not be made.
pub fn update_all(
    layout: &BookLayout,
    remake: bool,
    mut report: impl FnMut(&str),
) -> Result<Vec<String>> {
    let spec = TranscriptSpec::load(layout)?;
    let mut problems = spec.problems(layout)?;
    if !problems.is_empty() {
        return Ok(problems);
    }
    for language in &layout.languages {
        if let Err(error) = update_one(layout, &spec, language, remake, &mut report) {
            problems.push(format!("{error:#}"));
        }
    }
    Ok(problems)
}

fn update_one(
    layout: &BookLayout,
    spec: &TranscriptSpec,
    language: &Language,
    remake: bool,
    report: &mut impl FnMut(&str),
) -> Result<()> {
    let listing = spec.listing(language)?;
    let source = ServerSource::load(&layout.root, &listing)?;
    let path = spec.path(&listing);
    let relative = path.strip_prefix(&layout.root).unwrap_or(&path).display();
    if !remake && committed_problems(spec, &listing, &source).is_empty() {
        report(&format!(
            "kept {relative}: still a correct run and the narrated one (--no-cache remakes it)"
        ));
        return Ok(());
    }
    report(&format!("making {relative} from real `cargo run`s"));
    let lock = PortLock::acquire(&layout.root, source.address, DEFAULT_LOCK_WAIT)?;
    let text = regenerate(&layout.root, spec, &listing, &lock, |line| {
        report(&format!("  {line}"))
    })?;
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old != text {
        std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    }
    report(&match old.as_str() {
        "" => format!("created {relative}"),
        same if same == text => format!("unchanged {relative}"),
        old => format!(
            "updated {relative}:\n{}",
            crate::listings::line_diff(old, &text)
        ),
    });
    Ok(())
}

/// The English chapters (`src/`), whitespace collapsed.
fn source_chapters(layout: &BookLayout) -> Result<Vec<String>> {
    let mut chapters = Vec::new();
    for entry in walkdir::WalkDir::new(&layout.src).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", layout.src.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "md") {
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            chapters.push(collapse_whitespace(&text));
        }
    }
    Ok(chapters)
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_and_split_round_trip() {
        let cargo = "   Compiling hello v0.1.0 (file:///projects/hello)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s\n     Running `target/debug/main`\n";
        let server = vec!["Worker 0 got a job; executing.".to_string()];
        let text = compose(cargo, &server);
        let (cargo_lines, server_lines) = split(&text).unwrap();
        assert_eq!(cargo_lines.len(), 3);
        assert_eq!(server_lines, ["Worker 0 got a job; executing."]);
        assert!(cargo_line_problems(&cargo_lines, "hello").is_empty());
        assert_eq!(cargo_line_problems(&cargo_lines, "salutations").len(), 1);
        assert!(split("$ cargo build\n").is_err());
        assert!(split("$ cargo run\nWorker 0\n").is_err());
    }

    #[test]
    fn the_running_line_is_relative_to_the_crate() {
        let listing = Listing {
            language: "en".to_string(),
            chapter: "ch20".to_string(),
            name: "listing-20-25".to_string(),
            dir: PathBuf::from("/book/listings-sources/ch20/listing-20-25"),
            package: "hello".to_string(),
        };
        let raw = "   Compiling hello v0.1.0 (/book/listings-sources/ch20/listing-20-25)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 3.21s\n     Running `/book/target/transcripts/en/ch20/listing-20-25/debug/main`\n";
        let normalized = normalize_cargo_lines(
            raw,
            &listing,
            Path::new("/book/target/transcripts/en/ch20/listing-20-25"),
        );
        assert_eq!(
            normalized,
            "   Compiling hello v0.1.0 (file:///projects/hello)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s\n     Running `target/debug/main`\n"
        );
    }
}
