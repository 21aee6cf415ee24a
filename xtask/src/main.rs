//! Project commands, run as `cargo xtask <command>` (alias in
//! `.cargo/config.toml`); `cargo xtask help` lists them. Each command lives
//! in its own module; this file only parses and dispatches.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

mod bench;
mod build_site;
mod cli_check;
mod outputs;
mod po;
mod serve;

/// Project commands of the bilingual book.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract the English prose of src/ into po/messages.pot.
    Pot,
    /// Update po/messages.pot, then merge it into every po/<lang>.po: keeps
    /// translations, marks edited messages fuzzy, adds new ones untranslated.
    Po,
    /// Translated / fuzzy / untranslated messages per language and chapter,
    /// listings missing or out of step, and what is left to do (file:line).
    Status {
        /// Exit with an error if anything is left to do.
        #[arg(long)]
        check: bool,
        /// Also show what changed in each translation since this git
        /// revision (the base of a pull request).
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        /// Print Markdown (for a CI job summary) instead of plain text.
        #[arg(long)]
        markdown: bool,
    },
    /// Rewrite every listing's output.txt (and the transcripts) from the
    /// current toolchain.
    Outputs {
        /// Compile every listing even when the cache holds its output.
        #[arg(long)]
        no_cache: bool,
    },
    /// Read the book: build every language, serve them on one port (the
    /// source language at /, others at /<lang>/) and rebuild on change.
    Serve {
        /// The language to print the address of (a code of book.toml).
        #[arg(long)]
        lang: Option<String>,
        /// The port on 127.0.0.1.
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Write the static site, every language, and check its internal links.
    Build {
        /// The URL the site is served under, a path or a full URL (default:
        /// book.toml's output.html.site-url, else /).
        #[arg(long, value_name = "URL")]
        site_url: Option<String>,
        /// The folder to write (default: book.toml's build.build-dir).
        #[arg(long)]
        dest: Option<PathBuf>,
    },
    /// Check that the `mdbook` command line (pinned mdbook and
    /// mdbook-i18n-helpers on PATH) builds every language with the same
    /// chapter text as the in-process build.
    CliCheck,
    /// Time the tooling (timings live here only; tests never assert them).
    Bench {
        #[command(subcommand)]
        what: bench::What,
    },
}

fn main() -> Result<()> {
    let root = &book_root()?;
    match Cli::parse().command {
        Command::Pot => po::pot(root),
        Command::Po => po::po(root),
        Command::Status {
            check,
            since,
            markdown,
        } => po::status(root, check, since.as_deref(), markdown),
        Command::CliCheck => cli_check::run(root),
        Command::Outputs { no_cache } => outputs::run(root, no_cache),
        Command::Serve { lang, port } => serve::run(root, lang.as_deref(), port),
        Command::Build { site_url, dest } => {
            build_site::run(root, site_url.as_deref(), dest.as_deref())
        }
        Command::Bench { what } => bench::run(root, what),
    }
}

/// The book root: the folder of `book.toml` and of the workspace manifest.
fn book_root() -> Result<PathBuf> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask/ has no parent folder")?
        .to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_parses_as_documented() {
        Cli::command().debug_assert();
        let parse = |line: &str| Cli::try_parse_from(line.split_whitespace());
        assert!(parse("x serve --lang fr --port 0").is_ok());
        assert!(parse("x serve --port x").is_err());
        assert!(parse("x build --site-url /b/ --dest out").is_ok());
        assert!(parse("x bench server --runs 2").is_ok());
        assert!(parse("x bench server --runs 0").is_err());
        assert!(parse("x status --check").is_ok());
        assert!(parse("x outputs --no-cache").is_ok());
        assert!(parse("x frobnicate").is_err());
    }
}
