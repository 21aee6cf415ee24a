//! `mdbook-listings`: the `listings` preprocessor as a command, speaking the
//! mdBook 0.5 preprocessor protocol (`supports <renderer>`, else the
//! `[context, book]` JSON on stdin and the book JSON on stdout).

use anyhow::{anyhow, Context, Result};
use mdbook_listings::ListingsPreprocessor;
use mdbook_preprocessor::Preprocessor;
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let result = match arguments.as_slice() {
        // The answer is the exit status.
        [command, renderer] if command == "supports" => {
            ListingsPreprocessor.supports_renderer(renderer)
        }
        [] => preprocess().map(|()| true),
        _ => Err(anyhow!(
            "usage: mdbook-listings [supports <renderer>] (the book JSON comes on stdin)"
        )),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Reads `[context, book]`, writes the processed book.
fn preprocess() -> Result<()> {
    let (mut ctx, book) = mdbook_preprocessor::parse_input(io::stdin().lock())?;
    if ctx.mdbook_version != mdbook_preprocessor::MDBOOK_VERSION {
        eprintln!(
            "warning: mdbook-listings was built against mdBook {}, called by mdBook {}",
            mdbook_preprocessor::MDBOOK_VERSION,
            ctx.mdbook_version
        );
    }
    if ctx.root.is_relative() {
        // mdBook runs the command in the book root.
        ctx.root = std::env::current_dir().context("cannot read the current directory")?;
    }
    let book = ListingsPreprocessor.run(&ctx, book)?;
    serde_json::to_writer(io::stdout().lock(), &book).context("cannot write the book to stdout")
}
