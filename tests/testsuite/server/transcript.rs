//! The console transcript shown after Listing 20-25, one test per language
//! of `book.toml` `[preprocessor.listings.trees]`:
//!
//! - `transcript::claims`: the `[transcript]` section of
//!   `listing-expectations.toml` quotes the English text word for word and
//!   each claim states something;
//! - `transcript::<language>`: the committed transcript of that language is
//!   a `cargo run` of the listing's package, the server's lines obey every
//!   rule a live run obeys (`booktools::server::shutdown_story`), and it is the run
//!   the text narrates (the claims).
//!
//! The transcripts come from real runs: `cargo xtask outputs` makes them.

use booktools::languages::{BookLayout, Language};
use booktools::server::source::ServerSource;
use booktools::server::transcript::{self, TranscriptSpec};
use libtest_mimic::{Failed, Trial};
use std::path::Path;
use std::sync::Arc;

/// The claims file's transcript quotes, and each language's transcript.
pub fn trials(root: &Path) -> Vec<Trial> {
    let layout = match BookLayout::load(root) {
        Ok(layout) => Arc::new(layout),
        Err(error) => {
            let message = format!("{error:#}");
            return vec![Trial::test("transcript::book_layout", move || {
                Err(message.into())
            })];
        }
    };
    let mut trials = Vec::new();
    let shared = Arc::clone(&layout);
    trials.push(Trial::test("transcript::claims", move || {
        claims_quote_the_text(&shared)
    }));
    for language in &layout.languages {
        let (layout, language) = (Arc::clone(&layout), language.clone());
        trials.push(Trial::test(
            format!("transcript::{}", language.code),
            move || committed_transcript(&layout, &language),
        ));
    }
    trials
}

fn failed(error: anyhow::Error) -> Failed {
    format!("{error:#}").into()
}

fn claims_quote_the_text(layout: &BookLayout) -> Result<(), Failed> {
    let spec = TranscriptSpec::load(layout).map_err(failed)?;
    let problems = spec.problems(layout).map_err(failed)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn committed_transcript(layout: &BookLayout, language: &Language) -> Result<(), Failed> {
    let spec = TranscriptSpec::load(layout).map_err(failed)?;
    let listing = spec.listing(language).map_err(failed)?;
    let source = ServerSource::read(&listing.dir).map_err(failed)?;
    let problems = transcript::committed_problems(&spec, &listing, &source);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n(regenerate with `{}`)",
            problems.join("\n"),
            transcript::REGENERATE_COMMAND
        )
        .into())
    }
}
