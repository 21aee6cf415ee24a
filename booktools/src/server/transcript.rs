//! The console transcript the chapter shows after Listing 20-25 (`$ cargo
//! run`, cargo's lines, the server's). The text narrates that one run
//! ("workers 0 and 3 got the first two requests"), so [`update_all`]
//! repeats real runs paced like the reader ([`Pacing::LikeAReader`]) until
//! one is the run the `[transcript]` claims describe; [`committed_problems`]
//! holds a committed transcript to the rules of every run and to the claims.
//! cargo's lines are normalized like every `output.txt`.

use crate::languages::{BookLayout, Language};
use crate::listings::expectations::EXPECTATIONS_FILE;
use crate::listings::normalize::{self, MachinePaths, FIXED_DURATION};
use crate::listings::Listing;
use crate::server::listing_binary::{self, BUILD_TIMEOUT};
use crate::server::port::{self, PortLock, DEFAULT_LOCK_WAIT};
use crate::server::shutdown_run::{self, Outcome, Pacing};
use crate::server::shutdown_story::{claim_problems, story_problems, NarratedClaim};
use crate::server::source::{read_section, ServerSource};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::Path;
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

    /// Problems of the section itself: no attempt allowed, no claim, a
    /// claim that states nothing or whose quote is not in the English text.
    pub fn problems(&self, layout: &BookLayout) -> Result<Vec<String>> {
        let origin = layout.root.join(EXPECTATIONS_FILE);
        let origin = format!("{} [transcript]", origin.display());
        let mut problems = Vec::new();
        if self.attempts == 0 {
            problems.push(format!("{origin}: `attempts` must be at least 1"));
        }
        if self.claim.is_empty() {
            problems.push(format!("{origin}: no `[[transcript.claim]]`"));
        }
        let collapse = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let chapters = crate::book::chapters_before_links(&layout.root, &layout.source_language)?;
        let chapters: Vec<String> = chapters.iter().map(|c| collapse(&c.content)).collect();
        for claim in &self.claim {
            let quote = &claim.quote;
            if !claim.states_something() {
                problems.push(format!("{origin}: the claim \"{quote}\" states nothing"));
            }
            let collapsed = collapse(quote);
            if collapsed.is_empty() || !chapters.iter().any(|c| c.contains(&collapsed)) {
                let src = layout.src.display();
                problems.push(format!(
                    "{origin}: the quote \"{quote}\" is not in the text of {src}"
                ));
            }
        }
        Ok(problems)
    }

    pub fn listing(&self, language: &Language) -> Result<Listing> {
        listing_binary::find(language, &self.listing)
            .with_context(|| format!("named by {EXPECTATIONS_FILE} [transcript]"))
    }
}

/// Splits a transcript into cargo's lines (through `Running`) and the
/// server's lines.
fn split(text: &str) -> Result<(Vec<&str>, Vec<&str>)> {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    if first != COMMAND_LINE {
        bail!("line 1 must be `{COMMAND_LINE}`, found {first:?}");
    }
    let lines: Vec<&str> = lines.collect();
    let running = lines
        .iter()
        .position(|line| line.trim_start().starts_with("Running "));
    let Some(running) = running else {
        bail!("no `Running` line from cargo");
    };
    Ok((lines[..=running].to_vec(), lines[running + 1..].to_vec()))
}

/// cargo's lines of a `cargo run` of `listing` built in `target_dir`, as
/// every `output.txt` shows them, the binary relative to the crate.
fn normalize_cargo_lines(raw: &str, listing: &Listing, target_dir: &Path) -> String {
    let machine = MachinePaths {
        crate_dir: listing.dir.clone(),
        target_dir: target_dir.to_path_buf(),
        package: listing.package.clone(),
    };
    let own_target = format!("`/projects/{}/target/", listing.package);
    normalize::normalize(raw, &machine).replace(&own_target, "`target/")
}

/// Every problem of the committed transcript of `source`'s listing:
/// missing, not a `cargo run` of this package, a run that cannot happen,
/// or not the run the text narrates.
pub fn committed_problems(spec: &TranscriptSpec, source: &ServerSource) -> Vec<String> {
    let path = source.listing.dir.join(&spec.file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            let make = format!("make it with `{REGENERATE_COMMAND}`");
            return vec![format!(
                "{}: cannot read it ({error}); {make}",
                path.display()
            )];
        }
    };
    let mut problems = Vec::new();
    if !text.ends_with('\n') || text.contains('\r') {
        problems.push("must end with a newline and use `\\n` line ends".to_string());
    }
    match split(&text) {
        Err(error) => problems.push(format!("{error:#}")),
        Ok((cargo, server)) => {
            problems.extend(cargo_line_problems(&cargo, &source.listing.package));
            // The server's first line in the file: after `$ cargo run` and
            // cargo's lines.
            let first = cargo.len() + 2;
            problems.extend(story_problems(&server, first, source));
            problems.extend(claim_problems(&server, first, source, &spec.claim));
        }
    }
    let path = path.display();
    problems
        .into_iter()
        .map(|problem| format!("{path}: {problem}"))
        .collect()
}

/// cargo's part: compiled this package at `/projects/<package>`, finished
/// in the fixed duration, ran the binary from the default target folder.
fn cargo_line_problems(cargo: &[&str], package: &str) -> Vec<String> {
    let has = |start: &str, end: &str| {
        (cargo.iter()).any(|line| line.trim_start().starts_with(start) && line.ends_with(end))
    };
    let mut problems = Vec::new();
    let (compiling, project) = (
        format!("Compiling {package} v"),
        format!("(file:///projects/{package})"),
    );
    if !has(&compiling, &project) {
        problems.push(format!("no cargo line `{compiling}... {project}`"));
    }
    if !has("Finished ", &format!(" in {FIXED_DURATION}")) {
        problems.push(format!("no cargo line `Finished ... in {FIXED_DURATION}`"));
    }
    let running = format!("Running `target/debug/{}`", listing_binary::BINARY_NAME);
    if cargo.last().map(|line| line.trim_start()) != Some(running.as_str()) {
        problems.push(format!("cargo's last line must be `{running}`"));
    }
    problems
}

/// Makes the transcript of `source`'s listing from real `cargo run`s, the
/// caller holding the [`PortLock`]: each attempt empties the target folder (so cargo
/// compiles and prints `Compiling`), makes the three requests one after the
/// other like the reader the text addresses ([`Pacing::LikeAReader`]), and
/// is kept only if it is a correct run that the claims describe. A run that
/// breaks the listing's rules ends the regeneration with an error; one that
/// is merely not the narrated run (or, once the jobs are handed out, cannot
/// become it) is retried. `progress` gets one line per run.
fn regenerate(
    root: &Path,
    spec: &TranscriptSpec,
    source: &ServerSource,
    progress: &mut impl FnMut(&str),
) -> Result<String> {
    let listing = &source.listing;
    let target_dir = listing_binary::target_dir(root, listing_binary::SERVERS, listing);
    // What a run has settled once both jobs were handed to workers and
    // `main` announced the shutdown: whatever the pool does afterwards is
    // left out.
    let settled: Vec<NarratedClaim> = (spec.claim.iter())
        .map(NarratedClaim::settled_when_jobs_are_handed_out)
        .collect();
    let unmet_so_far = |lines: &[String]| claim_problems(lines, 1, source, &settled);
    let mut runs = Vec::new();
    for attempt in 1..=spec.attempts {
        if target_dir.exists() {
            std::fs::remove_dir_all(&target_dir)
                .with_context(|| format!("emptying {}", target_dir.display()))?;
        }
        let args = ["run", "--color", "never", "--locked"];
        let cargo = listing_binary::cargo_in(listing, &target_dir, &args);
        let keep = |lines: &[String]| unmet_so_far(lines).is_empty();
        let outcome = shutdown_run::run(source, cargo, BUILD_TIMEOUT, Pacing::LikeAReader, keep)
            .with_context(|| format!("{}: real run {attempt}", listing.id()))?;
        port::wait_until_free(source.address, Instant::now() + Duration::from_secs(10))?;
        let unmet = match outcome {
            Outcome::Abandoned(lines) => format!("{}; stopped", unmet_so_far(&lines).join("; ")),
            Outcome::Finished(run) => {
                let problems = run.problems(source)?;
                if !problems.is_empty() {
                    bail!(
                        "{}: real run {attempt} breaks the listing's behaviour:\n- {}",
                        listing.id(),
                        problems.join("\n- ")
                    );
                }
                let unmet = claim_problems(&run.lines, 1, source, &spec.claim);
                if unmet.is_empty() {
                    progress(&format!("run {attempt}: the narrated run, kept"));
                    let cargo_lines = normalize_cargo_lines(&run.stderr, listing, &target_dir);
                    let server: String = run.lines.iter().map(|line| format!("{line}\n")).collect();
                    let cargo_lines = cargo_lines.trim_end_matches('\n');
                    return Ok(format!("{COMMAND_LINE}\n{cargo_lines}\n{server}"));
                }
                unmet.join("; ")
            }
        };
        runs.push(format!("run {attempt}: {unmet}"));
        progress(&runs[runs.len() - 1]);
    }
    bail!(
        "{}: none of {} real runs was the run the text narrates ({EXPECTATIONS_FILE} [transcript]):\n{}",
        listing.id(),
        spec.attempts,
        runs.join("\n")
    )
}

/// Brings the transcript of every language up to date, as `cargo xtask
/// outputs` does: a committed transcript that still passes
/// [`committed_problems`] is kept unless `remake`; any other is made again
/// from real runs. `report` gets one line per step; the result lists what
/// could not be made.
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
    let mut update = |language: &Language| -> Result<()> {
        let source = ServerSource::load(&layout.root, &spec.listing(language)?)?;
        let path = source.listing.dir.join(&spec.file);
        let relative = path.strip_prefix(&layout.root).unwrap_or(&path).display();
        if !remake && committed_problems(&spec, &source).is_empty() {
            report(&format!(
                "kept {relative}: still a correct run and the narrated one (--no-cache remakes it)"
            ));
            return Ok(());
        }
        report(&format!("making {relative} from real `cargo run`s"));
        let _lock = PortLock::acquire(&layout.root, source.address, DEFAULT_LOCK_WAIT)?;
        let mut progress = |line: &str| report(&format!("  {line}"));
        let text = regenerate(&layout.root, &spec, &source, &mut progress)?;
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
    };
    for language in &layout.languages {
        if let Err(error) = update(language) {
            problems.push(format!("{error:#}"));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_transcript_is_split_and_cargo_lines_are_checked() {
        let text = "$ cargo run\n   Compiling hello v0.1.0 (file:///projects/hello)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s\n     Running `target/debug/main`\nWorker 0 got a job; executing.\n";
        let (cargo_lines, server_lines) = split(text).unwrap();
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
