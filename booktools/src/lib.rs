//! The library behind the test suite and `xtask`, one folder per stage of
//! the pipeline: `listings` (compile and verify the crates), `i18n` (po
//! catalogs and the translated code), `book` (the in-process mdBook build),
//! `site` (the bilingual site), `server` (real server runs) and `skeptic`
//! (every Rust block of the rendered book).

pub mod book;
pub mod i18n;
pub mod languages;
pub mod listings;
pub mod process;
pub mod server;
pub mod site;
pub mod skeptic;

pub use mdbook_listings::problem::Problem;

/// Fails with every problem, one per line, under `title`.
pub fn ensure_none(title: &str, problems: &[Problem]) -> anyhow::Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    anyhow::bail!(
        "{title}: {} problem(s)\n{}",
        problems.len(),
        list.join("\n")
    )
}
