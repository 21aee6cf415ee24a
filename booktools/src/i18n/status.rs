//! The translation status of the book, per language and per chapter: what
//! `cargo xtask status` prints, and what CI prints at the end of its log.
//!
//! The messages are counted against a template extracted afresh from the
//! English sources (as the completeness check does), so an English change
//! shows before `cargo xtask po` was run. The problems listed under the
//! table are those of the checks of the test suite, with their file and
//! line, called here rather than repeated: completeness and typography of
//! the catalog, stray catalogs and mojibake ([`crate::i18n::translation`]), and
//! the consistency of each edition with its code ([`crate::i18n::translated_code`]:
//! a translated listing missing or out of step with its English twin, a code
//! name of the prose, a paragraph left in English).
//!
//! Nothing here names a language: the languages are those of `book.toml`.

use crate::i18n::po::extract_pot;
use crate::i18n::translated_code::{self, Check};
use crate::i18n::translation::{
    check_catalog_files, check_completeness, check_mojibake, check_typography, read_po,
    translations, PoFile, Problem, Translation,
};
use crate::languages::{BookLayout, BOOK_TOML};
use crate::listings::{discover, Listing};
use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use polib::catalog::Catalog;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Message counts of one chapter (a Markdown file of the sources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChapterCounts {
    /// The Markdown file, as the template references it (`src/README.md`).
    pub chapter: String,
    /// Messages with a translation that is not fuzzy.
    pub translated: usize,
    /// Messages whose translation is marked fuzzy (the book shows English).
    pub fuzzy: usize,
    /// Messages without a translation, or without an entry at all.
    pub untranslated: usize,
}

impl ChapterCounts {
    /// Every message of the chapter.
    pub fn total(&self) -> usize {
        self.translated + self.fuzzy + self.untranslated
    }
}

/// Where one translated language stands.
#[derive(Debug, Clone)]
pub struct LanguageStatus {
    /// Language code.
    pub language: String,
    /// Its catalog.
    pub catalog: PathBuf,
    /// Counts per chapter, in book order (`SUMMARY.md` first).
    pub chapters: Vec<ChapterCounts>,
    /// Problems of the catalog and of the prose (missing, malformed,
    /// incomplete, typography, code names, paragraphs left in English).
    pub problems: Vec<Problem>,
    /// How many English listings there are.
    pub listings_total: usize,
    /// How many of them have their twin in this language's tree.
    pub listings_translated: usize,
    /// How many of those twins the structural check finds out of step.
    pub listings_out_of_step: usize,
    /// Problems of the listing tree (the structural check).
    pub listing_problems: Vec<Problem>,
}

impl LanguageStatus {
    /// True when the checks find nothing to do for this language.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.listing_problems.is_empty()
    }

    /// The counts of every chapter added up.
    pub fn total(&self) -> ChapterCounts {
        let mut total = ChapterCounts {
            chapter: "total".to_string(),
            ..ChapterCounts::default()
        };
        for chapter in &self.chapters {
            total.translated += chapter.translated;
            total.fuzzy += chapter.fuzzy;
            total.untranslated += chapter.untranslated;
        }
        total
    }
}

/// The status of the whole book.
#[derive(Debug, Clone)]
pub struct BookStatus {
    /// Every translated language, sorted by code.
    pub languages: Vec<LanguageStatus>,
    /// Problems of no translated language: a catalog without a listing
    /// tree, mojibake, a code name of the English chapters, a check that
    /// could not run.
    pub problems: Vec<Problem>,
}

impl BookStatus {
    /// True when the checks find nothing to do.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.languages.iter().all(LanguageStatus::is_complete)
    }
}

/// The status of every translated language of the book at `root`.
pub fn book_status(root: &Path) -> Result<BookStatus> {
    let template = extract_pot(root)?;
    let layout = BookLayout::load(root)?;
    let mut other_problems = check_catalog_files(root)?;
    other_problems.extend(check_mojibake(root)?);
    let code_problems = match translated_code::check_translated_code(root) {
        Ok(problems) => problems,
        Err(error) => {
            // The prose checks need the book to render; the structural
            // check does not, and tells which listing is missing.
            other_problems.push(Problem::in_file(
                root.join(BOOK_TOML),
                format!("the prose of the translations could not be checked: {error:#}"),
            ));
            match translated_code::check_structure(root) {
                Ok(problems) => problems,
                Err(error) => {
                    other_problems.push(Problem::in_file(
                        root.join(BOOK_TOML),
                        format!("the listings could not be checked: {error:#}"),
                    ));
                    Vec::new()
                }
            }
        }
    };
    let english = layout
        .language(&layout.source_language)
        .map(discover)
        .transpose()?
        .unwrap_or_default();
    let order = chapter_files_in_book_order(root)?;
    let mut languages = Vec::new();
    for translation in translations(root)? {
        let mut status = catalog_status(root, &template, &translation, &mut other_problems)?;
        status
            .chapters
            .sort_by_key(|counts| order.iter().position(|file| *file == counts.chapter));
        for problem in code_problems
            .iter()
            .filter(|problem| problem.language == status.language)
        {
            let converted = Problem::from(problem.clone());
            if problem.check == Check::Structure {
                status.listing_problems.push(converted);
            } else {
                status.problems.push(converted);
            }
        }
        count_listings(&layout, &english, &mut status);
        languages.push(status);
    }
    other_problems.extend(
        code_problems
            .into_iter()
            .filter(|problem| !languages.iter().any(|l| l.language == problem.language))
            .map(Problem::from),
    );
    Ok(BookStatus {
        languages,
        problems: other_problems,
    })
}

/// The Markdown file of every chapter, in book order, as the template
/// references them (`src/README.md`).
fn chapter_files_in_book_order(root: &Path) -> Result<Vec<String>> {
    let book =
        MDBook::load(root).with_context(|| format!("loading the book at {}", root.display()))?;
    Ok(book
        .book
        .chapters()
        .filter_map(|chapter| chapter.source_path.as_ref())
        .map(|source| book.config.book.src.join(source).display().to_string())
        .collect())
}

/// Counts and problems of the catalog of `translation`; the problems of
/// `book_problems` about its catalog move to it.
fn catalog_status(
    root: &Path,
    template: &Catalog,
    translation: &Translation,
    book_problems: &mut Vec<Problem>,
) -> Result<LanguageStatus> {
    let (own, others): (Vec<Problem>, Vec<Problem>) = std::mem::take(book_problems)
        .into_iter()
        .partition(|problem| problem.file == translation.catalog);
    *book_problems = others;
    let mut status = LanguageStatus {
        language: translation.language.clone(),
        catalog: translation.catalog.clone(),
        chapters: Vec::new(),
        problems: own,
        listings_total: 0,
        listings_translated: 0,
        listings_out_of_step: 0,
        listing_problems: Vec::new(),
    };
    let po = if translation.catalog.is_file() {
        match read_po(&translation.catalog) {
            Ok(po) => {
                status
                    .problems
                    .extend(check_completeness(root, translation)?);
                status.problems.extend(check_typography(translation)?);
                Some(po)
            }
            Err(error) => {
                status
                    .problems
                    .push(Problem::in_file(&translation.catalog, format!("{error:#}")));
                None
            }
        }
    } else {
        None
    };
    status.chapters = count_by_chapter(template, po.as_ref());
    Ok(status)
}

/// Counts the messages of `template` by chapter and by state in `po` (all
/// untranslated without a catalog).
pub fn count_by_chapter(template: &Catalog, po: Option<&PoFile>) -> Vec<ChapterCounts> {
    let entries: HashMap<&str, _> = po
        .into_iter()
        .flat_map(|po| po.live_entries())
        .filter(|entry| entry.msgctxt.is_none())
        .map(|entry| (entry.msgid.as_str(), entry))
        .collect();
    let mut chapters: Vec<ChapterCounts> = Vec::new();
    for message in template.messages() {
        let chapter = chapter_of(message.source());
        let index = match chapters.iter().position(|c| c.chapter == chapter) {
            Some(index) => index,
            None => {
                chapters.push(ChapterCounts {
                    chapter,
                    ..ChapterCounts::default()
                });
                chapters.len() - 1
            }
        };
        let counts = &mut chapters[index];
        match entries.get(message.msgid()) {
            Some(entry) if entry.is_fuzzy() => counts.fuzzy += 1,
            Some(entry) if entry.is_translated() => counts.translated += 1,
            _ => counts.untranslated += 1,
        }
    }
    chapters
}

/// The chapter a message belongs to: the first file of its references that
/// is not `SUMMARY.md` (a chapter title is in both), else the first file.
fn chapter_of(references: &str) -> String {
    let files: Vec<&str> = references
        .split_whitespace()
        .map(|reference| {
            reference
                .rsplit_once(':')
                .map_or(reference, |(file, _)| file)
        })
        .collect();
    files
        .iter()
        .find(|file| !file.ends_with("SUMMARY.md"))
        .or(files.first())
        .map_or_else(|| "(no source)".to_string(), |file| file.to_string())
}

/// Counts the English listings, their twins in `status`'s language, and
/// the twins the structural check found out of step (a problem in their
/// folder). The problems themselves come from the structural check.
fn count_listings(layout: &BookLayout, english: &[Listing], status: &mut LanguageStatus) {
    status.listings_total = english.len();
    let Some(language) = layout.language(&status.language) else {
        return;
    };
    // A missing tree is a problem of the structural check already.
    let translated = discover(language).unwrap_or_default();
    let twins: Vec<&Listing> = translated
        .iter()
        .filter(|listing| {
            english.iter().any(|original| {
                original.chapter == listing.chapter && original.name == listing.name
            })
        })
        .collect();
    status.listings_translated = twins.len();
    status.listings_out_of_step = twins
        .iter()
        .filter(|twin| {
            status
                .listing_problems
                .iter()
                .any(|problem| problem.file.starts_with(&twin.dir))
        })
        .count();
}

/// The status as a compact table per language, then the problems, with
/// paths relative to `root`.
pub fn render(root: &Path, book: &BookStatus) -> String {
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let shown = |problem: &Problem| problem.relative_to(root);
    let mut out = String::new();
    if book.languages.is_empty() {
        out.push_str("No translated language in book.toml `[preprocessor.listings.trees]`.\n");
    }
    for status in &book.languages {
        let total = status.total();
        let width = status
            .chapters
            .iter()
            .map(|c| c.chapter.chars().count())
            .max()
            .unwrap_or(0)
            .max("chapter".len());
        let verdict = if status.is_complete() {
            "complete"
        } else {
            "INCOMPLETE"
        };
        let _ = writeln!(
            out,
            "{} ({}): {verdict}",
            status.language,
            relative(&status.catalog).display()
        );
        let _ = writeln!(
            out,
            "  {:width$}  translated  fuzzy  untranslated",
            "chapter"
        );
        for counts in status.chapters.iter().chain([&total]) {
            let _ = writeln!(
                out,
                "  {:width$}  {:>10}  {:>5}  {:>12}",
                counts.chapter, counts.translated, counts.fuzzy, counts.untranslated
            );
        }
        let _ = writeln!(
            out,
            "  listings: {} of {} translated, {} out of step",
            status.listings_translated, status.listings_total, status.listings_out_of_step
        );
        let problems: Vec<&Problem> = status
            .problems
            .iter()
            .chain(&status.listing_problems)
            .collect();
        if !problems.is_empty() {
            let _ = writeln!(out, "  to do ({}):", problems.len());
            for problem in problems {
                let _ = writeln!(out, "    {}", indented(&shown(problem), "      "));
            }
        }
    }
    if !book.problems.is_empty() {
        let _ = writeln!(out, "other problems ({}):", book.problems.len());
        for problem in &book.problems {
            let _ = writeln!(out, "  {}", indented(&shown(problem), "    "));
        }
    }
    out
}

/// A problem on one line, or its further lines indented by `indent`.
fn indented(problem: &Problem, indent: &str) -> String {
    problem
        .to_string()
        .trim_end()
        .replace('\n', &format!("\n{indent}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::translation::parse_po;

    fn template(messages: &[(&str, &str)]) -> Catalog {
        crate::i18n::po_merge::tests::template("", messages)
    }

    #[test]
    fn counts_each_state_under_the_chapter_of_the_message() {
        let template = template(&[
            ("src/SUMMARY.md:1", "Summary"),
            ("src/SUMMARY.md:3 src/a.md:1", "Title"),
            ("src/a.md:3", "One"),
            ("src/a.md:5", "Two"),
            ("src/b.md:1", "Three"),
        ]);
        let po = parse_po(
            Path::new("xx.po"),
            "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"POT-Creation-Date: \\n\"\n\"PO-Revision-Date: \\n\"\n\"Language-Team: \\n\"\n\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\"Language: xx\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\nmsgid \"Summary\"\nmsgstr \"Sommaire\"\n\nmsgid \"Title\"\nmsgstr \"Titre\"\n\n#, fuzzy\nmsgid \"One\"\nmsgstr \"Un\"\n\nmsgid \"Two\"\nmsgstr \"\"\n".as_bytes(),
        )
        .unwrap();
        let counts = count_by_chapter(&template, Some(&po));
        let row = |chapter: &str, translated, fuzzy, untranslated| ChapterCounts {
            chapter: chapter.to_string(),
            translated,
            fuzzy,
            untranslated,
        };
        assert_eq!(
            counts,
            [
                row("src/SUMMARY.md", 1, 0, 0),
                row("src/a.md", 1, 1, 1),
                row("src/b.md", 0, 0, 1),
            ]
        );
        let none = count_by_chapter(&template, None);
        assert!(none.iter().all(|c| c.translated == 0 && c.fuzzy == 0));
        assert_eq!(none.iter().map(ChapterCounts::total).sum::<usize>(), 5);
    }

    #[test]
    fn the_table_shows_counts_totals_and_problems_with_relative_paths() {
        let status = LanguageStatus {
            language: "xx".into(),
            catalog: PathBuf::from("/book/po/xx.po"),
            chapters: vec![ChapterCounts {
                chapter: "src/a.md".into(),
                translated: 3,
                fuzzy: 1,
                untranslated: 2,
            }],
            problems: vec![Problem::at(
                "/book/po/xx.po",
                12,
                "fuzzy entry \"One\" (English source: /book/src/a.md:3)",
            )],
            listings_total: 2,
            listings_translated: 1,
            listings_out_of_step: 0,
            listing_problems: Vec::new(),
        };
        let book = BookStatus {
            languages: vec![status],
            problems: vec![Problem::at("/book/src/a.md", 3, "mojibake")],
        };
        assert!(!book.is_complete());
        let table = render(Path::new("/book"), &book);
        assert_eq!(
            table,
            "xx (po/xx.po): INCOMPLETE\n  \
             chapter   translated  fuzzy  untranslated\n  \
             src/a.md           3      1             2\n  \
             total              3      1             2\n  \
             listings: 1 of 2 translated, 0 out of step\n  \
             to do (1):\n    \
             po/xx.po:12: fuzzy entry \"One\" (English source: src/a.md:3)\n\
             other problems (1):\n  \
             src/a.md:3: mojibake\n"
        );
    }
}
