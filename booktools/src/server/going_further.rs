//! The servers of "Going further" (ch20-04), as data: the
//! `[going_further]` section of `listing-expectations.toml` names the
//! listing that handles errors and the one that shuts down on a signal,
//! the status line of a malformed request and, per language, the message
//! logged for a failed connection. [`GoingFurther::source_problems`] holds
//! the data to the listings' code, so the runs are read with each
//! language's own message.

use crate::listings::expectations::EXPECTATIONS_FILE;
use crate::listings::Listing;
use crate::server::source::read_section;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The binary of the server listings.
const MAIN_FILE: &str = "src/bin/main.rs";

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

    /// The format string `language` logs a failed connection with.
    pub fn connection_failed(&self, language: &str) -> Result<&str> {
        (self.messages.get(language))
            .map(|messages| messages.connection_failed.as_str())
            .with_context(|| {
                format!("{EXPECTATIONS_FILE} [going_further.messages.{language}]: no such table")
            })
    }

    /// The text a logged failure starts with: the format string up to its
    /// first `{`.
    pub fn connection_failed_prefix(&self, language: &str) -> Result<&str> {
        let format = self.connection_failed(language)?;
        Ok(&format[..format.find('{').unwrap_or(format.len())])
    }

    /// Where `listing`'s `src/bin/main.rs` does not have what the data
    /// says: the `eprintln!` of a failed connection and, for the errors
    /// listing, the status line of a malformed request.
    pub fn source_problems(&self, listing: &Listing) -> Result<Vec<String>> {
        let path = listing.dir.join(MAIN_FILE);
        let code = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut expected = vec![format!(
            "eprintln!(\"{}\"",
            self.connection_failed(&listing.language)?
        )];
        if listing.name == self.errors_listing {
            expected.push(format!("\"{}\"", self.bad_request));
        }
        Ok(expected
            .into_iter()
            .filter(|needle| !code.contains(needle.as_str()))
            .map(|needle| {
                format!(
                    "{}: no `{needle}`, which {EXPECTATIONS_FILE} [going_further] expects",
                    path.display()
                )
            })
            .collect())
    }
}
