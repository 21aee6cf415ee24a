//! `server::final_code_pool::<language>`: the thread pool of the chapter's
//! final code, tested as a library in every language: a crate under
//! `target/final-code-pool/` depends on the final-code listing by path and
//! has `final_code_pool_template.rs` as its `tests/pool.rs` (the template's
//! English names taken through the glossary); `cargo test` runs there. A
//! file is written only when it changed, so a warm run compiles nothing.

use super::{data_held, listing, FINAL_CODE};
use anyhow::{bail, Result};
use booktools::i18n::glossary::Glossary;
use booktools::languages::{BookLayout, Language};
use booktools::process;
use booktools::server::listing_binary::{self, BUILD_TIMEOUT};
use booktools::server::source::Holds;

const TEMPLATE: &str = include_str!("final_code_pool_template.rs");

const TESTS: usize = 3;

pub fn pool_drains_and_joins(layout: &BookLayout, language: &Language, _: &str) -> Result<()> {
    let listing = listing(language, FINAL_CODE)?;
    let holds = Some(Holds::Server { shuts_down: false });
    if data_held(layout, &listing, holds)?.is_none() {
        return Ok(());
    }
    let glossary = Glossary::load(layout, &language.code)?;
    let target_dir = listing_binary::target_dir(&layout.root, "final-code-pool", &listing);
    let tests_crate = target_dir.join("pool-tests");
    let dependency = toml::Value::from(listing.dir.display().to_string());
    let manifest = format!(
        "[package]\nname = \"pool-tests\"\nedition = \"2021\"\n\n[dependencies]\n{} = {{ path = {dependency} }}\n\n[workspace]\n",
        listing.package
    );
    let tests = TEMPLATE
        .replace(
            "hello::",
            &format!("{}::", listing.package.replace('-', "_")),
        )
        .replace("ThreadPool", glossary.translate("ThreadPool"))
        .replace(".execute(", &format!(".{}(", glossary.translate("execute")));
    for (file, content) in [
        ("Cargo.toml", manifest),
        ("src/lib.rs", String::new()),
        ("tests/pool.rs", tests),
    ] {
        let path = tests_crate.join(file);
        if std::fs::read_to_string(&path).ok().as_ref() != Some(&content) {
            std::fs::create_dir_all(path.parent().expect("a file has a folder"))?;
            std::fs::write(&path, content)?;
        }
    }
    let args = ["test", "--color", "never", "--offline", "--test", "pool"];
    let mut cargo = listing_binary::cargo_in(&listing, &target_dir, &args);
    cargo.current_dir(&tests_crate);
    let done = process::run(cargo, BUILD_TIMEOUT)?;
    let passed = format!("test result: ok. {TESTS} passed");
    if !done.status.success() || !done.output.contains(&passed) {
        let id = listing.id();
        bail!("`cargo test` of the pool of {id} failed:\n{}", done.output);
    }
    Ok(())
}
