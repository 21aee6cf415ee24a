//! Consistency between each edition and its code, for every language of
//! `book.toml` through its glossary: the listing structure ([`structure`]),
//! the code names of the prose ([`code_names`]) and prose left in English
//! ([`prose`]). A problem names its file and line, the language, the check
//! and the English counterpart:
//! `po/xx.po:120: [xx] code names in the prose: ... (English: src/ch.md:45)`.

mod code_names;
mod prose;
mod structure;

use crate::book::chapters_before_links;
use crate::i18n::glossary::Glossary;
use crate::i18n::translation::read_po;
use crate::languages::{BookLayout, BOOK_TOML};
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
    /// Code names, paragraphs left in English, or prose checks that could
    /// not run.
    pub prose: Vec<Problem>,
}

impl LanguageReport {
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.listings.iter().chain(&self.prose)
    }
}

/// The three checks, one report per language (the source language's prose
/// is checked for code names). A broken listing tree usually breaks the
/// rendering too: then that failure is one more problem of the languages
/// at fault rather than an error that would hide their problems.
pub fn check_translated_code(root: &Path) -> Result<Vec<LanguageReport>> {
    let layout = BookLayout::load(root)?;
    let source = layout
        .language(&layout.source_language)
        .context("book.toml has no listing tree for the source language")?;
    let english = discover(source)?;
    let mut reports = Vec::new();
    for language in &layout.languages {
        let mut report = LanguageReport {
            language: language.code.clone(),
            listings_total: english.len(),
            listings_translated: english.len(),
            ..LanguageReport::default()
        };
        if language.code != layout.source_language {
            let glossary = Glossary::load(&layout, &language.code)?;
            structure::check(source, &english, language, &glossary, &mut report)?;
            label(&language.code, "listing structure", &mut report.listings);
        }
        reports.push(report);
    }
    let (editions, project) = match load_editions(&layout) {
        Ok(loaded) => loaded,
        Err(error) if reports.iter().any(|report| !report.listings.is_empty()) => {
            for report in reports.iter_mut().filter(|r| !r.listings.is_empty()) {
                let message = format!(
                    "[{}] the prose checks cannot run: {error:#}",
                    report.language
                );
                report
                    .prose
                    .push(Problem::in_file(root.join(BOOK_TOML), message));
            }
            return Ok(reports);
        }
        Err(error) => return Err(error),
    };
    let source = editions.iter().find(|edition| edition.catalog.is_none());
    for (edition, report) in editions.iter().zip(&mut reports) {
        let mut problems = code_names::check(root, &project, edition)?;
        label(&report.language, "code names in the prose", &mut problems);
        report.prose.extend(problems);
        if let (Some(source), Some(catalog)) = (source, &edition.catalog) {
            let mut problems =
                prose::untranslated(root, &source.chapters, &edition.chapters, catalog)?;
            label(&report.language, "untranslated prose", &mut problems);
            report.prose.extend(problems);
        }
    }
    Ok(reports)
}

/// One language of the book as the prose checks need it.
struct Edition {
    glossary: Glossary,
    declarations: code_names::Declarations,
    /// Rendered before `links`, so listings stay directives.
    chapters: Vec<crate::book::RenderedChapter>,
    /// Translated languages only.
    catalog: Option<prose::Catalog>,
}

/// Every language of the book, and every name of every language.
fn load_editions(layout: &BookLayout) -> Result<(Vec<Edition>, code_names::ProjectNames)> {
    let mut editions = Vec::new();
    let mut project = code_names::ProjectNames::default();
    for language in &layout.languages {
        let code = &language.code;
        let listings = discover(language)?;
        let glossary = Glossary::load(layout, code)?;
        let declarations = code_names::Declarations::of_listings(&listings)?;
        project.add(&listings, &declarations, &glossary)?;
        let catalog = if *code == layout.source_language {
            None
        } else {
            Some(prose::Catalog::new(read_po(&layout.po_file(code))?))
        };
        editions.push(Edition {
            chapters: chapters_before_links(&layout.root, code)
                .with_context(|| format!("rendering the `{code}` chapters"))?,
            glossary,
            declarations,
            catalog,
        });
    }
    Ok((editions, project))
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
