//! Consistency between each translated edition and its code.
//!
//! For every language of `[preprocessor.listings.trees]`, with the code
//! names of its glossary ([`Glossary`]); nothing here names a language:
//!
//! 1. **Listing structure** ([`structure`], translated languages): every
//!    listing crate of the source language has its twin with the same
//!    files; each `.rs` file is its English counterpart token for token
//!    (proc-macro2) once identifiers go through the glossary, the text of
//!    string literals and comments aside; its `ANCHOR` lines are at the same
//!    lines; its package is the glossary's name of the English package.
//! 2. **Code names in the prose** ([`code_names`], every language): every
//!    inline code span of a chapter, as the book pipeline renders it, that
//!    names a project item names one its own listings declare, and a
//!    translated chapter shows no English name of the glossary.
//! 3. **Untranslated prose** ([`prose`], translated languages): no message
//!    of natural language of a translated chapter is the English one.
//!
//! Every problem names its file and line (the translated listing file, the
//! PO entry of a translated message, the English chapter) and, in its
//! message, the language, the check and the English counterpart:
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
    /// The language code.
    pub language: String,
    /// How many listings the source language has.
    pub listings_total: usize,
    /// How many of them have their twin in this language's tree.
    pub listings_translated: usize,
    /// How many of those twins have a structure problem.
    pub listings_out_of_step: usize,
    /// Problems of the listing tree: missing, extra or out-of-step twins
    /// (none for the source language).
    pub listings: Vec<Problem>,
    /// Problems of the prose: code names, paragraphs left in English, or
    /// the prose checks that could not run.
    pub prose: Vec<Problem>,
}

impl LanguageReport {
    /// Every problem, listings first.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.listings.iter().chain(&self.prose)
    }
}

/// The three checks on the book at `root`, one report per language of
/// `book.toml` (the source language included: its prose is checked for
/// code names). An error means the book could not be read: a listing syn
/// cannot parse, a chapter the pipeline cannot render, a malformed catalog
/// or glossary.
///
/// A broken listing tree usually breaks the rendering of the chapters too
/// (an include finds no file): when the structure check found problems, a
/// failure to render is one more problem of the languages at fault rather
/// than an error that would hide them.
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
    match load_editions(&layout) {
        Ok((editions, project)) => check_prose(root, &editions, &project, &mut reports)?,
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
        }
        Err(error) => return Err(error),
    }
    Ok(reports)
}

/// One language of the book as the prose checks need it.
struct Edition {
    /// Its code names (its language too).
    glossary: Glossary,
    declarations: code_names::Declarations,
    /// Its chapters rendered by the book pipeline (gettext, listings;
    /// before `links`, so listings stay directives).
    chapters: Vec<crate::book::RenderedChapter>,
    /// Its gettext catalog (translated languages only).
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

/// The prose checks, into the report of each language (in the same order).
fn check_prose(
    root: &Path,
    editions: &[Edition],
    project: &code_names::ProjectNames,
    reports: &mut [LanguageReport],
) -> Result<()> {
    let source = editions.iter().find(|edition| edition.catalog.is_none());
    for (edition, report) in editions.iter().zip(reports) {
        let mut problems = code_names::check(root, project, edition)?;
        label(&report.language, "code names in the prose", &mut problems);
        report.prose.extend(problems);
        if let (Some(source), Some(catalog)) = (source, &edition.catalog) {
            let mut problems =
                prose::untranslated(root, &source.chapters, &edition.chapters, catalog)?;
            label(&report.language, "untranslated prose", &mut problems);
            report.prose.extend(problems);
        }
    }
    Ok(())
}

/// Puts the language and the check at the head of every message.
fn label(language: &str, check: &str, problems: &mut [Problem]) {
    for problem in problems {
        problem.message = format!("[{language}] {check}: {}", problem.message);
    }
}

/// ` (English: file:line)`, the English counterpart at the end of a message.
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
fn listing_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !(entry.depth() == 1 && entry.file_name() == "target"));
    for entry in walker {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if entry.file_type().is_file() {
            files.push(entry.path().strip_prefix(dir)?.to_path_buf());
        }
    }
    Ok(files)
}
