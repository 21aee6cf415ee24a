//! Consistency between each edition and its code, for every language of
//! `book.toml` through its glossary: the listing structure ([`structure`])
//! and the code names of the prose ([`code_names`]). A problem names its
//! file and line, the language, the check and the English counterpart:
//! `po/xx.po:120: [xx] code names in the prose: ... (English: src/ch.md:45)`.

mod code_names;
mod structure;

use crate::i18n::glossary::Glossary;
use crate::i18n::translation::{read_po, PoFile};
use crate::languages::BookLayout;
use crate::listings::discover;
use crate::Problem;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What the checks found for one language of the book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageReport {
    pub language: String,
    /// How many listings the source language has.
    pub listings_total: usize,
    /// How many of them have their twin in this language's tree.
    pub listings_translated: usize,
    /// How many of those twins have a structure problem.
    pub listings_out_of_step: usize,
    pub listings: Vec<Problem>,
    /// The code names of the prose.
    pub prose: Vec<Problem>,
}

impl LanguageReport {
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.listings.iter().chain(&self.prose)
    }
}

/// The two checks, one report per language (the source language's prose
/// is checked for code names). The prose of a translated language is read
/// where it is written, in its catalog, so a problem names the PO line to
/// fix; a catalog left incomplete, or a paragraph left in English, is the
/// completeness check's problem.
pub fn check_translated_code(root: &Path) -> Result<Vec<LanguageReport>> {
    let layout = BookLayout::load(root)?;
    let source = layout
        .language(&layout.source_language)
        .context("book.toml has no listing tree for the source language")?;
    let originals = discover(source)?;
    let mut project = code_names::ProjectNames::default();
    let mut editions = Vec::new();
    for language in &layout.languages {
        let code = &language.code;
        let glossary = Glossary::load(&layout, code)?;
        let mut report = LanguageReport {
            language: code.clone(),
            listings_total: originals.len(),
            listings_translated: originals.len(),
            ..LanguageReport::default()
        };
        let listings = match discover(language) {
            Ok(listings) => listings,
            // Its prose cannot be checked without its code.
            Err(error) => {
                report.listings_translated = 0;
                let english = english(&source.tree, None);
                let message = format!("[{code}] listing structure: {error:#}{english}");
                report
                    .listings
                    .push(Problem::in_file(&language.tree, message));
                editions.push((report, None));
                continue;
            }
        };
        if *code != layout.source_language {
            let twins = listings.clone();
            structure::check(source, &originals, language, twins, &glossary, &mut report)?;
            label(code, "listing structure", &mut report.listings);
        }
        let declarations = code_names::Declarations::of_listings(&listings)?;
        project.add(&declarations, &glossary);
        let catalog = (*code != layout.source_language)
            .then(|| read_po(&layout.po_file(code)))
            .transpose()?;
        let edition = Edition {
            glossary,
            declarations,
            catalog,
        };
        editions.push((report, Some(edition)));
    }
    let mut reports = Vec::new();
    for (mut report, edition) in editions {
        if let Some(edition) = edition {
            let mut problems = code_names::check(&layout, &project, &edition)?;
            label(&report.language, "code names in the prose", &mut problems);
            report.prose.extend(problems);
        }
        reports.push(report);
    }
    Ok(reports)
}

/// One language of the book as the prose checks need it.
struct Edition {
    glossary: Glossary,
    declarations: code_names::Declarations,
    /// Translated languages only.
    catalog: Option<PoFile>,
}

/// Puts the language and the check at the head of every message.
fn label(language: &str, check: &str, problems: &mut [Problem]) {
    for problem in problems {
        problem.message = format!("[{language}] {check}: {}", problem.message);
    }
}

/// ` (English: file:line)`, at the end of a message.
fn english(file: &Path, line: Option<usize>) -> String {
    let line = line.map_or(String::new(), |line| format!(":{line}"));
    format!(" (English: {}{line})", file.display())
}

/// At most `max` characters of `text`, an ellipsis marking the cut.
fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The files of a listing crate, relative to it, its `target` folder aside.
pub(crate) fn listing_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = crate::i18n::translation::files_under(&[dir.to_path_buf()])?;
    Ok(files
        .into_iter()
        .filter_map(|file| Some(file.strip_prefix(dir).ok()?.to_path_buf()))
        .collect())
}
