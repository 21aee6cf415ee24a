//! The translation status of the book, per language and per chapter: what
//! `cargo xtask status` prints, and what CI prints at the end of its log.
//!
//! The messages are counted against a template extracted afresh from the
//! English sources (as the completeness check does), so an English change
//! shows before `cargo xtask po` was run. The problems listed under the
//! table are those of the checks of the test suite, with their file and
//! line: completeness and typography of the catalog
//! ([`crate::translation`]), and the listing trees (a translated listing
//! missing, or without an English twin).
//!
//! Nothing here names a language: the languages are those of `book.toml`.

use crate::languages::BookLayout;
use crate::listings::{discover, Listing};
use crate::po::extract_pot;
use crate::translation::{
    check_catalog_files, check_completeness, check_typography, read_po, translations, PoFile,
    Problem, Translation,
};
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
    /// Problems of the catalog (missing, malformed, incomplete, typography).
    pub problems: Vec<Problem>,
    /// English listings, and how many of them the language has.
    pub listings_total: usize,
    /// Listings of the language that have an English twin.
    pub listings_translated: usize,
    /// Problems of the listing tree.
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

/// The status of every translated language of the book at `root`, sorted
/// by language code.
pub fn book_status(root: &Path) -> Result<Vec<LanguageStatus>> {
    let template = extract_pot(root)?;
    let layout = BookLayout::load(root)?;
    let catalog_files = check_catalog_files(root)?;
    let english = layout
        .language(&layout.source_language)
        .map(discover)
        .transpose()?
        .unwrap_or_default();
    let order = chapter_files_in_book_order(root)?;
    translations(root)?
        .iter()
        .map(|translation| {
            let mut status = catalog_status(root, &template, translation, &catalog_files)?;
            status
                .chapters
                .sort_by_key(|counts| order.iter().position(|file| *file == counts.chapter));
            listing_status(&layout, &english, &mut status);
            Ok(status)
        })
        .collect()
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

/// Counts and problems of the catalog of `translation`.
fn catalog_status(
    root: &Path,
    template: &Catalog,
    translation: &Translation,
    catalog_files: &[Problem],
) -> Result<LanguageStatus> {
    let mut status = LanguageStatus {
        language: translation.language.clone(),
        catalog: translation.catalog.clone(),
        chapters: Vec::new(),
        problems: catalog_files
            .iter()
            .filter(|problem| problem.file == translation.catalog)
            .cloned()
            .collect(),
        listings_total: 0,
        listings_translated: 0,
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
                status.problems.push(Problem {
                    file: translation.catalog.clone(),
                    line: None,
                    source: None,
                    message: format!("{error:#}"),
                });
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

/// Compares the listing tree of `status`'s language with the English one:
/// each English listing needs its twin (same chapter and listing folder),
/// and each translated listing needs an English original.
fn listing_status(layout: &BookLayout, english: &[Listing], status: &mut LanguageStatus) {
    status.listings_total = english.len();
    let Some(language) = layout.language(&status.language) else {
        return;
    };
    let translated = match discover(language) {
        Ok(translated) => translated,
        Err(error) => {
            status.listing_problems.push(Problem {
                file: language.tree.clone(),
                line: None,
                source: None,
                message: format!("{error:#}"),
            });
            return;
        }
    };
    let twin = |listing: &Listing, among: &[Listing]| {
        among
            .iter()
            .any(|other| other.chapter == listing.chapter && other.name == listing.name)
    };
    for original in english {
        if twin(original, &translated) {
            status.listings_translated += 1;
        } else {
            status.listing_problems.push(Problem {
                file: language.tree.join(&original.chapter).join(&original.name),
                line: None,
                source: None,
                message: format!(
                    "missing: the translation of {} (copy it, then rename through glossary.toml)",
                    original.dir.display()
                ),
            });
        }
    }
    for listing in &translated {
        if !twin(listing, english) {
            status.listing_problems.push(Problem {
                file: listing.dir.clone(),
                line: None,
                source: None,
                message: "no English listing of that name: renamed or removed in English?"
                    .to_string(),
            });
        }
    }
}

/// The status as a compact table per language, then the problems, with
/// paths relative to `root`.
pub fn render(root: &Path, statuses: &[LanguageStatus]) -> String {
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut out = String::new();
    if statuses.is_empty() {
        out.push_str("No translated language in book.toml `[preprocessor.listings.trees]`.\n");
        return out;
    }
    for status in statuses {
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
            "  listings: {} of {} translated",
            status.listings_translated, status.listings_total
        );
        let problems: Vec<&Problem> = status
            .problems
            .iter()
            .chain(&status.listing_problems)
            .collect();
        if !problems.is_empty() {
            let _ = writeln!(out, "  to do ({}):", problems.len());
            for problem in problems {
                let shown = Problem {
                    file: relative(&problem.file),
                    ..problem.clone()
                };
                let _ = writeln!(out, "    {shown}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translation::parse_po;
    use polib::message::Message;
    use polib::metadata::CatalogMetadata;

    fn template(messages: &[(&str, &str)]) -> Catalog {
        let header = "Project-Id-Version: b\nPOT-Creation-Date: \nPO-Revision-Date: \nLanguage-Team: \nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\nLanguage: en\nPlural-Forms: nplurals=1; plural=0;\n";
        let mut catalog = Catalog::new(CatalogMetadata::parse(header).unwrap());
        for (source, msgid) in messages {
            catalog.append_or_update(
                Message::build_singular()
                    .with_source(source.to_string())
                    .with_msgid(msgid.to_string())
                    .done(),
            );
        }
        catalog
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
            problems: vec![Problem {
                file: PathBuf::from("/book/po/xx.po"),
                line: Some(12),
                source: Some("src/a.md:3".into()),
                message: "fuzzy entry \"One\"".into(),
            }],
            listings_total: 2,
            listings_translated: 1,
            listing_problems: Vec::new(),
        };
        let table = render(Path::new("/book"), &[status]);
        assert_eq!(
            table,
            "xx (po/xx.po): INCOMPLETE\n  \
             chapter   translated  fuzzy  untranslated\n  \
             src/a.md           3      1             2\n  \
             total              3      1             2\n  \
             listings: 1 of 2 translated\n  \
             to do (1):\n    \
             po/xx.po:12: fuzzy entry \"One\" (English source: src/a.md:3)\n"
        );
    }
}
