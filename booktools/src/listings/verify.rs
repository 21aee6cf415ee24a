//! Checks one listing against everything recorded about it: compiles it
//! (through the cache), compares the result with its `output.txt`, and
//! checks the outcome, error codes, warning count and names that the text
//! states against both the recorded and the live output.

use crate::languages::BookLayout;
use crate::listings::compile::{self, CargoCommand, Compilation, CompileSettings};
use crate::listings::expectations::{Claim, Expectations, ListingExpectation, Outcome};
use crate::listings::{line_diff, Listing};
use anyhow::{anyhow, bail, Result};
use regex::Regex;
use std::sync::LazyLock;

/// The command that rewrites every `output.txt`.
pub const REGENERATE_COMMAND: &str = "cargo xtask outputs";

/// Severity of a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One error or warning of a cargo transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    /// `E0507` in `error[E0507]`, if any.
    pub code: Option<String>,
    /// The whole diagnostic, header line to the blank line.
    pub text: String,
}

/// `error[E0507]: `, `error: `, `warning: `.
static HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(error|warning)(?:\[(\w+)\])?: ").expect("valid"));
/// Cargo's and rustc's summaries, which are not diagnostics.
static SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(error: could not compile `|error: aborting due to|warning: build failed, waiting for other jobs|warning: `.*[`)] generated )").expect("valid")
});

/// The diagnostics of a cargo transcript, in order: each starts at its
/// header line and runs to the next blank line, summary or header.
pub fn diagnostics(output: &str) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut open = false;
    for line in output.lines() {
        let header = HEADER.captures(line).filter(|_| !SUMMARY.is_match(line));
        if let Some(header) = header {
            found.push(Diagnostic {
                level: match &header[1] {
                    "error" => Level::Error,
                    _ => Level::Warning,
                },
                code: header.get(2).map(|code| code.as_str().to_string()),
                text: line.to_string(),
            });
            open = true;
        } else if line.trim().is_empty() || SUMMARY.is_match(line) {
            open = false;
        } else if let Some(diagnostic) = found.last_mut().filter(|_| open) {
            diagnostic.text.push('\n');
            diagnostic.text.push_str(line);
        }
    }
    found
}

/// Verifies `listing`; on failure the error lists every problem, each
/// naming the file at fault. Returns the compilation on success.
///
/// `expectation` is what the book states about the listing, or why that
/// could not be read: the listing is then still compiled and compared with
/// its `output.txt`, and the reason is one of the problems.
pub fn verify_listing(
    listing: &Listing,
    expectation: Result<&ListingExpectation, String>,
    settings: &CompileSettings,
) -> Result<Compilation> {
    let mut problems = Vec::new();
    let expectation = expectation
        .map_err(|reason| problems.push(format!("what the book states about it: {reason}")))
        .ok();
    let output_path = listing.output_path();
    let recorded = compile::recorded(listing)
        .map_err(|error| problems.push(format!("{error:#}")))
        .ok();
    if let Some(None) = recorded {
        problems.push(format!(
            "{} is missing: create it with `{REGENERATE_COMMAND}`",
            output_path.display()
        ));
    }
    let (command, recorded) = recorded.flatten().unzip();
    let command = command.unwrap_or_else(CargoCommand::default_command);
    let compilation = compile::compile(listing, &command, settings)?;
    let live = compilation.transcript();
    let stale = recorded.filter(|recorded| *recorded != live);
    if let Some(recorded) = &stale {
        problems.push(format!(
            "{} is stale: `{}` in {} now prints something else \
             (- recorded, + now):\n{}Regenerate it with `{REGENERATE_COMMAND}`.",
            output_path.display(),
            command.command_line(),
            listing.dir.display(),
            line_diff(recorded, &live)
        ));
    }
    if let Some(expectation) = expectation {
        let live_outcome = outcome_of(compilation.succeeded);
        let mut outputs = vec![("the live output", live_outcome, &compilation.output)];
        if let Some(recorded) = &stale {
            let failed = (diagnostics(recorded).iter()).any(|d| d.level == Level::Error);
            outputs.push(("output.txt", outcome_of(!failed), recorded));
        }
        for (source, outcome, output) in outputs {
            if outcome != expectation.outcome {
                problems.push(format!(
                    "{}: says {} {}, but {source} shows it {outcome} (`{}` in {})",
                    expectation.outcome_origin,
                    listing.name,
                    expectation.outcome,
                    command.command_line(),
                    listing.dir.display()
                ));
            }
            let found = diagnostics(output);
            for claim in &expectation.claims {
                problems.extend(claim_problems(claim, &found, source, listing));
            }
        }
    }
    if problems.is_empty() {
        Ok(compilation)
    } else {
        bail!(
            "listing {} ({}):\n- {}",
            listing.id(),
            listing.dir.display(),
            problems.join("\n- ")
        )
    }
}

fn outcome_of(succeeded: bool) -> Outcome {
    match succeeded {
        true => Outcome::Compiles,
        false => Outcome::DoesNotCompile,
    }
}

/// What in `diagnostics` (of `source`) contradicts `claim`.
fn claim_problems(
    claim: &Claim,
    diagnostics: &[Diagnostic],
    source: &str,
    listing: &Listing,
) -> Vec<String> {
    let mut problems = Vec::new();
    let of = |level| diagnostics.iter().filter(move |d| d.level == level);
    if let Some(expected) = &claim.errors {
        let found: Vec<String> = of(Level::Error)
            .map(|d| (d.code.clone()).unwrap_or_else(|| "(error without code)".to_string()))
            .collect();
        if &found != expected {
            problems.push(format!(
                "{}: {} must show the errors {expected:?}, {source} has {found:?}",
                claim.origin, listing.name
            ));
        }
    }
    if let Some(expected) = claim.warnings {
        let headers: Vec<&str> = of(Level::Warning)
            .map(|w| w.text.lines().next().unwrap_or(""))
            .collect();
        if headers.len() != expected {
            problems.push(format!(
                "{}: {} must show {expected} warning(s), {source} has {}: {headers:?}",
                claim.origin,
                listing.name,
                headers.len()
            ));
        }
    }
    let mentions = [
        (Level::Error, "errors", &claim.error_mentions),
        (Level::Warning, "warnings", &claim.warning_mentions),
    ];
    for (level, kind, names) in mentions {
        for name in names {
            // A whole identifier: `Terminate` is not in `Terminated`.
            let word = Regex::new(&format!(r"\b{}\b", regex::escape(name))).expect("escaped");
            if !of(level).any(|d| word.is_match(&d.text)) {
                problems.push(format!(
                    "{}: the {kind} of {} must mention `{name}`, none does in {source}",
                    claim.origin, listing.name
                ));
            }
        }
    }
    problems
}

/// The verdict on one listing of a whole-book run.
#[derive(Debug)]
pub struct ListingVerdict {
    /// `<language>/<chapter>/<listing>`, or `<language>` for a problem of
    /// the whole language (its tree missing, a fence naming no listing).
    pub id: String,
    /// The compilation, or every problem found.
    pub result: Result<Option<Compilation>>,
}

/// Verifies every listing of every language of the book, `jobs` at a time,
/// as the test suite does.
pub fn verify_book(
    layout: &BookLayout,
    settings: &CompileSettings,
    jobs: usize,
) -> Vec<ListingVerdict> {
    let mut verdicts = Vec::new();
    let mut work = Vec::new();
    for language in &layout.languages {
        let id = language.code.clone();
        let listings = match crate::listings::discover(language) {
            Ok(listings) => listings,
            Err(error) => {
                let result = Err(error);
                verdicts.push(ListingVerdict { id, result });
                continue;
            }
        };
        let expectations =
            Expectations::load(layout, &language.code).map_err(|error| format!("{error:#}"));
        let problem = match &expectations {
            Ok(expectations) => expectations.dangling_fences(&listings).join("\n"),
            Err(reason) => reason.clone(),
        };
        if !problem.is_empty() {
            let result = Err(anyhow!("{problem}"));
            verdicts.push(ListingVerdict { id, result });
        }
        for listing in listings {
            let expectation = (expectations.as_ref().map_err(Clone::clone))
                .and_then(|all| all.for_listing(&listing).map_err(|e| format!("{e:#}")));
            work.push((listing, expectation));
        }
    }
    let results = super::parallel_map(&work, jobs, |(listing, expectation)| {
        verify_listing(
            listing,
            expectation.as_ref().map_err(Clone::clone),
            settings,
        )
        .map(Some)
    });
    for ((listing, _), result) in work.iter().zip(results) {
        verdicts.push(ListingVerdict {
            id: listing.id(),
            result,
        });
    }
    verdicts
}
