//! Checks one listing against everything recorded about it: compiles it
//! (through the cache), compares the result with its `output.txt`, and
//! checks the outcome, error codes, warning count and names that the text
//! states against both the recorded and the live output.

use crate::languages::BookLayout;
use crate::listings::compile::{self, CargoCommand, Compilation, CompileSettings};
use crate::listings::diagnostics::{self, Diagnostic, Level};
use crate::listings::expectations::{Claim, Expectations, ListingExpectation, Outcome};
use crate::listings::line_diff;
use crate::listings::parallel;
use crate::listings::Listing;
use anyhow::{anyhow, bail, Context, Result};

/// The command that rewrites every `output.txt`.
pub const REGENERATE_COMMAND: &str = "cargo xtask outputs";

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
    let recorded_command = match compile::recorded_command(listing) {
        Ok(command) => command,
        Err(error) => {
            problems.push(format!("{error:#}"));
            None
        }
    };
    let recorded = match recorded_command {
        Some(_) => Some(
            std::fs::read_to_string(&output_path)
                .with_context(|| format!("reading {}", output_path.display()))?,
        ),
        None => None,
    };
    if recorded.is_none() && problems.is_empty() {
        problems.push(format!(
            "{} is missing: create it with `{REGENERATE_COMMAND}`",
            output_path.display()
        ));
    }
    let command = recorded_command.unwrap_or(CargoCommand::DEFAULT);
    let compilation = compile::compile(listing, command, settings)?;
    let live = compilation.transcript();

    if let Some(recorded) = &recorded {
        if *recorded != live {
            problems.push(format!(
                "{} is stale: `{}` in {} now prints something else \
                 (- recorded, + now):\n{}Regenerate it with `{REGENERATE_COMMAND}`.",
                output_path.display(),
                command.transcript_line().trim_start_matches("$ "),
                listing.dir.display(),
                line_diff::diff(recorded, &live)
            ));
        }
    }

    if let Some(expectation) = expectation {
        problems.extend(expectation_problems(
            listing,
            expectation,
            &compilation,
            recorded.filter(|recorded| *recorded != live),
        ));
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

/// What in the live and recorded outputs contradicts what the book states.
fn expectation_problems(
    listing: &Listing,
    expectation: &ListingExpectation,
    compilation: &Compilation,
    recorded_if_different: Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let live_outcome = if compilation.succeeded {
        Outcome::Compiles
    } else {
        Outcome::DoesNotCompile
    };
    if live_outcome != expectation.outcome {
        problems.push(format!(
            "{}: says {} {}, but it {} (`{}` in {})",
            expectation.outcome_origin,
            listing.name,
            expectation.outcome,
            live_outcome,
            compilation
                .command
                .transcript_line()
                .trim_start_matches("$ "),
            listing.dir.display()
        ));
    }
    let mut sources = vec![("the live output", compilation.output.clone())];
    if let Some(recorded) = recorded_if_different {
        let recorded_outcome = if diagnostics::shows_failure(&recorded) {
            Outcome::DoesNotCompile
        } else {
            Outcome::Compiles
        };
        if recorded_outcome != expectation.outcome {
            problems.push(format!(
                "{}: says {} {}, but {} shows it {}",
                expectation.outcome_origin,
                listing.name,
                expectation.outcome,
                listing.output_path().display(),
                recorded_outcome
            ));
        }
        sources.push(("output.txt", recorded));
    }
    for claim in &expectation.claims {
        for (source, output) in &sources {
            problems.extend(claim_problems(
                claim,
                &diagnostics::parse(output),
                source,
                listing,
            ));
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
        let listings = match crate::listings::discover(language) {
            Ok(listings) => listings,
            Err(error) => {
                verdicts.push(ListingVerdict {
                    id: language.code.clone(),
                    result: Err(error),
                });
                continue;
            }
        };
        let expectations =
            Expectations::load(layout, &language.code).map_err(|error| format!("{error:#}"));
        let language_problem = match &expectations {
            Ok(expectations) => Some(expectations.dangling_fences(&listings).join("\n"))
                .filter(|dangling| !dangling.is_empty()),
            Err(reason) => Some(reason.clone()),
        };
        if let Some(problem) = language_problem {
            verdicts.push(ListingVerdict {
                id: language.code.clone(),
                result: Err(anyhow!("{problem}")),
            });
        }
        for listing in listings {
            let expectation = match &expectations {
                Ok(expectations) => expectations
                    .for_listing(&listing)
                    .map_err(|error| format!("{error:#}")),
                Err(reason) => Err(reason.clone()),
            };
            work.push((listing, expectation));
        }
    }
    let results = parallel::map(&work, jobs, |(listing, expectation)| {
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

/// What in `diagnostics` contradicts `claim`.
pub fn claim_problems(
    claim: &Claim,
    diagnostics: &[Diagnostic],
    source: &str,
    listing: &Listing,
) -> Vec<String> {
    let mut problems = Vec::new();
    let stated = format!("{} (\"{}\")", claim.origin, claim.quote);
    if let Some(expected) = &claim.errors {
        let found = diagnostics::error_codes(diagnostics);
        let found_codes: Vec<String> = found
            .iter()
            .map(|code| {
                code.clone()
                    .unwrap_or_else(|| "(error without code)".to_string())
            })
            .collect();
        if &found_codes != expected {
            problems.push(format!(
                "{stated}: {} must show the errors {expected:?}, {source} has {found_codes:?}",
                listing.name
            ));
        }
    }
    let warnings: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .collect();
    if let Some(expected) = claim.warnings {
        if warnings.len() != expected {
            let headers: Vec<&str> = warnings
                .iter()
                .map(|w| w.text.lines().next().unwrap_or(""))
                .collect();
            problems.push(format!(
                "{stated}: {} must show {expected} warning(s), {source} has {}: {headers:?}",
                listing.name,
                warnings.len()
            ));
        }
    }
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .collect();
    for (kind, names, shown) in [
        ("errors", &claim.error_mentions, &errors),
        ("warnings", &claim.warning_mentions, &warnings),
    ] {
        for name in names {
            if !shown.iter().any(|d| mentions(&d.text, name)) {
                problems.push(format!(
                    "{stated}: the {kind} of {} must mention `{name}`, none does in {source}",
                    listing.name
                ));
            }
        }
    }
    problems
}

/// Whether `name` appears in `text` as a whole identifier.
fn mentions(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_identifiers_only() {
        assert!(mentions(
            "variant `Terminate` is never constructed",
            "Terminate"
        ));
        assert!(!mentions(
            "variant `Terminated` is never constructed",
            "Terminate"
        ));
        assert!(!mentions("variant `NewJob`", "Job"));
    }
}
