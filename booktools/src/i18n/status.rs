//! The translation status per language and chapter (`cargo xtask status`,
//! and the end of CI's log). Messages are counted against a template
//! extracted afresh, so an English change shows before `cargo xtask po`;
//! the problems listed are those of the test suite's checks, called here.

use crate::i18n::po::extract_pot;
use crate::i18n::translated_code::{check_translated_code, LanguageReport};
use crate::i18n::translation::{
    book_file_problems, check_catalog, english_source, read_po, translations, PoFile,
};
use crate::languages::BOOK_TOML;
use crate::Problem;
use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use polib::catalog::Catalog;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Message counts of one chapter (`src/README.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChapterCounts {
    pub chapter: String,
    pub translated: usize,
    pub fuzzy: usize,
    /// Messages without a translation, or without an entry at all.
    pub untranslated: usize,
}

#[derive(Debug, Clone)]
pub struct LanguageStatus {
    pub catalog: PathBuf,
    /// In book order.
    pub chapters: Vec<ChapterCounts>,
    /// Problems of the catalog (missing, malformed, incomplete, typography,
    /// anchors).
    pub problems: Vec<Problem>,
    /// The language, its listings and their problems.
    pub code: LanguageReport,
}

impl LanguageStatus {
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.code.problems().next().is_none()
    }

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

#[derive(Debug, Clone)]
pub struct BookStatus {
    /// Sorted by code.
    pub languages: Vec<LanguageStatus>,
    /// Problems of no translated language (mojibake, a check that could
    /// not run...).
    pub problems: Vec<Problem>,
}

impl BookStatus {
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.languages.iter().all(LanguageStatus::is_complete)
    }
}

pub fn book_status(root: &Path) -> Result<BookStatus> {
    let template = extract_pot(root)?;
    let mut others = book_file_problems(root)?;
    let mut reports = check_translated_code(root).unwrap_or_else(|error| {
        others.push(Problem::in_file(
            root.join(BOOK_TOML),
            format!("the translated code could not be checked: {error:#}"),
        ));
        Vec::new()
    });
    // The Markdown file of every chapter in book order, as the template
    // references them (`src/README.md`).
    let book = MDBook::load(root).with_context(|| format!("loading {}", root.display()))?;
    let order: Vec<String> = book
        .book
        .chapters()
        .filter_map(|chapter| chapter.source_path.as_ref())
        .map(|source| book.config.book.src.join(source).display().to_string())
        .collect();
    let mut languages = Vec::new();
    for translation in translations(root)? {
        let (mut problems, rest) = others
            .into_iter()
            .partition(|problem: &Problem| problem.file == translation.catalog);
        others = rest;
        let po = match translation
            .catalog
            .is_file()
            .then(|| read_po(&translation.catalog))
        {
            Some(Ok(po)) => {
                problems.extend(check_catalog(root, &template, &translation.language, &po)?);
                Some(po)
            }
            Some(Err(error)) => {
                problems.push(Problem::in_file(&translation.catalog, format!("{error:#}")));
                None
            }
            None => None,
        };
        let mut chapters = count_by_chapter(&template, po.as_ref());
        chapters.sort_by_key(|counts| order.iter().position(|file| *file == counts.chapter));
        let code = (reports
            .iter()
            .position(|r| r.language == translation.language))
        .map(|index| reports.remove(index))
        .unwrap_or_else(|| LanguageReport {
            language: translation.language.clone(),
            ..LanguageReport::default()
        });
        languages.push(LanguageStatus {
            catalog: translation.catalog,
            chapters,
            problems,
            code,
        });
    }
    others.extend(reports.iter().flat_map(LanguageReport::problems).cloned());
    Ok(BookStatus {
        languages,
        problems: others,
    })
}

/// The messages of `template` by chapter and state in `po`.
pub fn count_by_chapter(template: &Catalog, po: Option<&PoFile>) -> Vec<ChapterCounts> {
    let entries: HashMap<&str, _> = po
        .into_iter()
        .flat_map(|po| po.live_entries())
        .filter(|entry| entry.msgctxt.is_none())
        .map(|entry| (entry.msgid.as_str(), entry))
        .collect();
    let mut chapters: BTreeMap<String, ChapterCounts> = BTreeMap::new();
    for message in template.messages() {
        let chapter = english_source([message.source()]).map_or("(no source)", |(file, _)| file);
        let chapter = chapter.to_string();
        let counts = chapters.entry(chapter.clone()).or_insert(ChapterCounts {
            chapter,
            ..ChapterCounts::default()
        });
        match entries.get(message.msgid()) {
            Some(entry) if entry.is_fuzzy() => counts.fuzzy += 1,
            Some(entry) if entry.is_translated() => counts.translated += 1,
            _ => counts.untranslated += 1,
        }
    }
    chapters.into_values().collect()
}

/// A table per language, then the problems, paths relative to `root`.
pub fn render(root: &Path, book: &BookStatus) -> String {
    // A problem on one line, its further lines indented.
    let show = |out: &mut String, indent: &str, problem: &Problem| {
        let shown = problem.relative_to(root).to_string();
        let _ = writeln!(
            out,
            "{indent}{}",
            shown.trim_end().replace('\n', &format!("\n{indent}  "))
        );
    };
    let mut out = String::new();
    if book.languages.is_empty() {
        out.push_str("No translated language in book.toml `[preprocessor.listings.trees]`.\n");
    }
    for status in &book.languages {
        let code = &status.code;
        let width = status
            .chapters
            .iter()
            .map(|c| c.chapter.chars().count())
            .fold("chapter".len(), usize::max);
        let verdict = if status.is_complete() {
            "complete"
        } else {
            "INCOMPLETE"
        };
        let catalog = status.catalog.strip_prefix(root).unwrap_or(&status.catalog);
        let _ = writeln!(out, "{} ({}): {verdict}", code.language, catalog.display());
        let _ = writeln!(
            out,
            "  {:width$}  translated  fuzzy  untranslated",
            "chapter"
        );
        for counts in status.chapters.iter().chain([&status.total()]) {
            let _ = writeln!(
                out,
                "  {:width$}  {:>10}  {:>5}  {:>12}",
                counts.chapter, counts.translated, counts.fuzzy, counts.untranslated
            );
        }
        let _ = writeln!(
            out,
            "  listings: {} of {} translated, {} out of step",
            code.listings_translated, code.listings_total, code.listings_out_of_step
        );
        let problems: Vec<&Problem> = status.problems.iter().chain(code.problems()).collect();
        if !problems.is_empty() {
            let _ = writeln!(out, "  to do ({}):", problems.len());
            problems
                .into_iter()
                .for_each(|problem| show(&mut out, "    ", problem));
        }
    }
    if !book.problems.is_empty() {
        let _ = writeln!(out, "other problems ({}):", book.problems.len());
        book.problems
            .iter()
            .for_each(|problem| show(&mut out, "  ", problem));
    }
    out
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
        let header = crate::i18n::translation::po_file::tests::HEADER;
        let po = parse_po(
            Path::new("xx.po"),
            format!("{header}\nmsgid \"Summary\"\nmsgstr \"Sommaire\"\n\nmsgid \"Title\"\nmsgstr \"Titre\"\n\n#, fuzzy\nmsgid \"One\"\nmsgstr \"Un\"\n\nmsgid \"Two\"\nmsgstr \"\"\n").as_bytes(),
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
        assert_eq!(none.iter().map(|c| c.untranslated).sum::<usize>(), 5);
    }

    #[test]
    fn the_table_shows_counts_totals_and_problems_with_relative_paths() {
        let status = LanguageStatus {
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
            code: LanguageReport {
                language: "xx".into(),
                listings_total: 2,
                listings_translated: 1,
                ..LanguageReport::default()
            },
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
