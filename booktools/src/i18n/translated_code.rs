//! Consistency between each translated edition and its code.
//!
//! For every language of `[preprocessor.listings.trees]` other than the
//! source language (`[book] language`), with the code names of
//! `glossary.toml` ([`Glossary`]); nothing here names a language:
//!
//! 1. **Structure** ([`check_structure`]): every English listing crate has
//!    its translated twin with the same files; each `.rs` file is its
//!    English counterpart token for token (proc-macro2) once identifiers go
//!    through the glossary, the text of string literals and comments
//!    (doc comments included) aside; its `ANCHOR` lines are at the same
//!    lines; its package is the glossary's name of the English package.
//! 2. **Code names in the prose** ([`check_code_names`]): every inline code
//!    span of a chapter, as the book pipeline renders it in that language,
//!    that names a project item names one its own listings declare, and a
//!    translated chapter shows no English name of the glossary (rules in
//!    [`code_names`]). The English chapters are checked against the English
//!    listings the same way.
//! 3. **Untranslated prose** ([`check_untranslated_prose`]): no paragraph
//!    of natural language of a translated chapter is the English one
//!    (rules in [`prose`]).
//!
//! Every problem names its file and line: the translated listing file and
//! its English twin, or the PO entry of a translated message (found back
//! from the rendered chapter by [`po_locator`]) and the English chapter.

pub mod code_names;
mod declarations;
pub mod markdown;
mod po_locator;
mod problem;
pub mod prose;
mod structure;
pub mod tokens;

pub use crate::i18n::glossary::{is_identifier, Glossary, GLOSSARY_FILE};
pub use crate::i18n::translation::ensure_none;
pub use declarations::Declarations;
pub use po_locator::{Origin, PoLocator};
pub use problem::{Check, Location, Problem};
pub use structure::{
    anchor_lines, check_language_structure, check_structure, compare_rust_file, compare_tokens,
    translated_languages, Mismatch,
};

use crate::book::{chapters_before_links, po_file, RenderedChapter};
use crate::i18n::translation::{read_po, PoFile};
use crate::languages::BookLayout;
use crate::listings::discover;
use anyhow::{Context, Result};
use code_names::{LanguageNames, ProjectNames};
use std::collections::BTreeSet;
use std::path::Path;

/// One language of the book as the prose checks need it.
struct Edition {
    language: String,
    glossary: Glossary,
    declarations: Declarations,
    chapters: Vec<RenderedChapter>,
    /// The gettext catalog (translated languages only).
    catalog: Option<PoFile>,
}

/// Every language of the book, its chapters rendered by the book pipeline
/// (gettext, listings; before `links`, so listings stay directives).
struct Editions {
    layout: BookLayout,
    editions: Vec<Edition>,
    /// Names of the files of every listing tree (`hello.html`, `main.rs`).
    file_names: BTreeSet<String>,
}

impl Editions {
    fn load(root: &Path) -> Result<Self> {
        let layout = BookLayout::load(root)?;
        let mut editions = Vec::new();
        let mut file_names = BTreeSet::new();
        for language in &layout.languages {
            let code = language.code.clone();
            let listings = discover(language)?;
            for listing in &listings {
                for entry in walkdir::WalkDir::new(&listing.dir) {
                    let entry =
                        entry.with_context(|| format!("listing {}", listing.dir.display()))?;
                    if entry.file_type().is_file() {
                        if let Some(name) = entry.file_name().to_str() {
                            file_names.insert(name.to_string());
                        }
                    }
                }
            }
            let catalog = if code == layout.source_language {
                None
            } else {
                Some(read_po(&po_file(root, &code)?)?)
            };
            editions.push(Edition {
                glossary: Glossary::load(&layout, &code)?,
                declarations: Declarations::of_listings(&listings)?,
                chapters: chapters_before_links(root, &code)
                    .with_context(|| format!("rendering the `{code}` chapters"))?,
                catalog,
                language: code,
            });
        }
        Ok(Self {
            layout,
            editions,
            file_names,
        })
    }

    fn source(&self) -> Result<&Edition> {
        self.editions
            .iter()
            .find(|edition| edition.language == self.layout.source_language)
            .context("no edition in the source language")
    }

    fn code_names(&self) -> Vec<Problem> {
        let project = ProjectNames::new(
            self.editions.iter().map(|e| &e.declarations),
            self.editions.iter().map(|e| &e.glossary),
        );
        let mut problems = Vec::new();
        for edition in &self.editions {
            let names = LanguageNames {
                language: &edition.language,
                glossary: &edition.glossary,
                declarations: &edition.declarations,
                file_names: &self.file_names,
                project: &project,
            };
            let locator = edition.catalog.as_ref().map(PoLocator::new);
            for chapter in &edition.chapters {
                problems.extend(code_names::chapter_problems(
                    &self.layout.root,
                    &names,
                    chapter,
                    locator.as_ref(),
                ));
            }
        }
        problems
    }

    fn untranslated_prose(&self) -> Result<Vec<Problem>> {
        let source = self.source()?;
        let mut problems = Vec::new();
        for edition in &self.editions {
            let Some(catalog) = &edition.catalog else {
                continue;
            };
            let locator = PoLocator::new(catalog);
            problems.extend(prose::untranslated_blocks(
                &self.layout.root,
                &edition.language,
                &source.chapters,
                &edition.chapters,
                Some(&locator),
            ));
        }
        Ok(problems)
    }
}

/// Code names in the prose of every language (the source language
/// included) of the book at `root`.
pub fn check_code_names(root: &Path) -> Result<Vec<Problem>> {
    Ok(Editions::load(root)?.code_names())
}

/// Paragraphs of the translated chapters identical to the English ones.
pub fn check_untranslated_prose(root: &Path) -> Result<Vec<Problem>> {
    Editions::load(root)?.untranslated_prose()
}

/// The three checks (structure, code names, untranslated prose), the
/// chapters rendered once. An error (rather than problems) means the book
/// could not be read: a listing syn cannot parse, a chapter the pipeline
/// cannot render, a malformed catalog or glossary.
///
/// A broken listing tree usually breaks the rendering of the chapters too
/// (an include finds no file): when the structure check found problems,
/// a failure to render is one more problem rather than an error that would
/// hide them.
pub fn check_translated_code(root: &Path) -> Result<Vec<Problem>> {
    let mut problems = check_structure(root)?;
    let editions = match Editions::load(root) {
        Ok(editions) => editions,
        Err(error) if !problems.is_empty() => {
            problems.push(Problem {
                check: Check::CodeNames,
                language: "*".to_string(),
                location: Location::file(root.join(crate::languages::BOOK_TOML)),
                english: None,
                message: format!("the prose checks cannot run: {error:#}"),
            });
            return Ok(problems);
        }
        Err(error) => return Err(error),
    };
    problems.extend(editions.code_names());
    problems.extend(editions.untranslated_prose()?);
    Ok(problems)
}

/// [`check_translated_code`], failing with the list of problems.
pub fn ensure_translated_code(root: &Path) -> Result<()> {
    let problems: Vec<crate::Problem> = check_translated_code(root)?
        .into_iter()
        .map(Into::into)
        .collect();
    ensure_none("consistency of the translations with their code", &problems)
}
