//! The console transcript shown after the shutdown listing:
//!
//! - `server::transcript::claims`: the `[transcript]` section of
//!   `listing-expectations.toml` quotes the English text word for word and
//!   each claim states something;
//! - `server::transcript::<language>`: the committed transcript of that
//!   language is a `cargo run` of the listing's package, the server's
//!   lines obey every rule a live run obeys
//!   (`booktools::server::shutdown_story`), and it is the run the text
//!   narrates (the claims).
//!
//! The transcripts come from real runs: `cargo xtask outputs` makes them.

use anyhow::{bail, Result};
use booktools::languages::{BookLayout, Language};
use booktools::server::source::ServerSource;
use booktools::server::transcript::{self, TranscriptSpec};

pub fn claims_quote_the_text(layout: &BookLayout) -> Result<()> {
    let problems = TranscriptSpec::load(layout)?.problems(layout)?;
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

pub fn committed_transcript(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let spec = TranscriptSpec::load(layout)?;
    let listing = spec.listing(language)?;
    let source = ServerSource::load(&layout.root, &listing)?;
    let problems = transcript::committed_problems(&spec, &listing, &source);
    if !problems.is_empty() {
        bail!(
            "{}\n(regenerate with `{}`)",
            problems.join("\n"),
            transcript::REGENERATE_COMMAND
        );
    }
    Ok(())
}
