//! The translations: catalogs, translated code, and the translator's workflow.

mod spelling;
mod translated_code;
mod translation;
mod translation_workflow;

use booktools::i18n::translation::{translations, Translation};

/// The translated languages of a book; a book with none would make every
/// check pass without checking anything.
fn translated(root: &std::path::Path) -> anyhow::Result<Vec<Translation>> {
    let found = translations(root)?;
    anyhow::ensure!(!found.is_empty(), "book.toml lists no translated language");
    Ok(found)
}

pub fn trials() -> Vec<libtest_mimic::Trial> {
    let mut trials = translation::trials();
    trials.extend(spelling::trials());
    trials.extend(translated_code::trials());
    trials.extend(translation_workflow::trials());
    trials
}
