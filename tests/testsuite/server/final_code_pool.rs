//! `server::final_code_pool::<language>`: the thread pool of the chapter's
//! final code, tested as a library in every language. The final-code
//! listing is copied to `target/final-code-pool/<language>/.../crate/` with
//! `final_code_pool_template.rs` as its `tests/pool.rs` (the template's
//! English names taken through the glossary), and `cargo test` runs there:
//! a file is written only when it changed, so a warm run compiles nothing.
//! dropping the pool waits for every job and every worker thread, an idle
//! drop returns, `new(0)` panics.

use super::{listing, Server, FINAL_CODE};
use anyhow::{bail, Context, Result};
use booktools::i18n::glossary::Glossary;
use booktools::languages::{BookLayout, Language};
use booktools::process;
use booktools::server::listing_binary::{self, BUILD_TIMEOUT};

const TEMPLATE: &str = include_str!("final_code_pool_template.rs");

const TESTS: usize = 3;

pub fn pool_drains_and_joins(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let listing = listing(language, FINAL_CODE)?;
    let holds = Some(booktools::server::source::Holds::Server { shuts_down: false });
    if Server::built(layout, &listing, holds)?.is_none() {
        return Ok(());
    }
    let glossary = Glossary::load(layout, &language.code)?;
    let target_dir = listing_binary::target_dir(&layout.root, "final-code-pool", &listing);
    let copy = target_dir.join("crate");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&listing.dir).min_depth(1) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(&listing.dir)?;
        if !relative.starts_with("target") && entry.file_type().is_file() {
            files.push((relative.to_path_buf(), std::fs::read(entry.path())?));
        }
    }
    let tests = TEMPLATE
        .replace(
            "hello::",
            &format!("{}::", listing.package.replace('-', "_")),
        )
        .replace("ThreadPool", glossary.translate("ThreadPool"))
        .replace(".execute(", &format!(".{}(", glossary.translate("execute")));
    files.push(("tests/pool.rs".into(), tests.into_bytes()));
    // A file left from an earlier copy would be compiled too.
    if copy.is_dir() {
        for entry in walkdir::WalkDir::new(&copy).min_depth(1) {
            let entry = entry?;
            let relative = entry.path().strip_prefix(&copy)?;
            if entry.file_type().is_file() && !files.iter().any(|(file, _)| file == relative) {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    for (relative, content) in &files {
        let destination = copy.join(relative);
        if std::fs::read(&destination).ok().as_ref() != Some(content) {
            std::fs::create_dir_all(destination.parent().context("a file has a folder")?)?;
            std::fs::write(&destination, content)?;
        }
    }

    let args = ["test", "--color", "never", "--locked", "--test", "pool"];
    let mut cargo = listing_binary::cargo_in(&listing, &target_dir, &args);
    cargo.current_dir(&copy);
    let done = process::run(cargo, BUILD_TIMEOUT)?;
    if !done.status.success()
        || !done
            .output
            .contains(&format!("test result: ok. {TESTS} passed"))
    {
        bail!(
            "`cargo test` of the pool of {} failed:\n{}",
            listing.id(),
            done.output
        );
    }
    Ok(())
}
