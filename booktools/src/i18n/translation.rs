//! Checks of the gettext catalog `po/<language>.po` of every translated
//! language of `book.toml` (nothing here names a language), and of the
//! text files of the book. Each problem names its file and line.

mod anchors;
pub(crate) mod po_file;
pub mod spelling;
mod typography;

pub use crate::{ensure_none, Problem};
pub use po_file::{parse_po, read_po, PoEntry, PoFile};
pub use typography::{rules_for, TypographyRules};

use crate::i18n::glossary::Glossary;
use crate::languages::BookLayout;
use anyhow::{Context, Result};
use polib::catalog::Catalog;
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use walkdir::WalkDir;

/// One translated language and its gettext catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub language: String,
    pub catalog: PathBuf,
}

/// Every translated language of the book at `root`: the listing-tree
/// languages of `book.toml` except the source language, sorted by code.
pub fn translations(root: &Path) -> Result<Vec<Translation>> {
    let layout = BookLayout::load(root)?;
    Ok(layout
        .translated()
        .map(|language| Translation {
            language: language.code.clone(),
            catalog: layout.po_file(&language.code),
        })
        .collect())
}

/// The catalogs and the languages agree: each translated language has its
/// catalog, and each `*.po` file of the catalog folder is the catalog of a
/// translated language (one without a listing tree would build a book whose
/// listings stay in the source language).
pub fn check_catalog_files(root: &Path) -> Result<Vec<Problem>> {
    let translations = translations(root)?;
    let mut problems: Vec<Problem> = (translations.iter())
        .filter(|translation| !translation.catalog.is_file())
        .map(|t| {
            let what = "has a listing tree in book.toml but no catalog";
            Problem::in_file(&t.catalog, format!("missing: `{}` {what}", t.language))
        })
        .collect();
    let po_dir = BookLayout::load(root)?.po_dir;
    if po_dir.is_dir() {
        for file in files_under(std::slice::from_ref(&po_dir))? {
            let is_po = file.extension().is_some_and(|extension| extension == "po");
            if is_po && !translations.iter().any(|t| t.catalog == file) {
                let what = "a catalog for a language without a listing tree in \
                            `[preprocessor.listings.trees]` of book.toml";
                problems.push(Problem::in_file(file, what));
            }
        }
    }
    Ok(problems)
}

/// The typography of `po`'s translations, by the rules of `language`.
pub fn check_typography(po: &PoFile, language: &str) -> Vec<Problem> {
    rules_for(language).map_or_else(Vec::new, |rules| typography::check_po(po, rules))
}

/// The folders whose text files must be clean UTF-8: the Markdown sources,
/// the catalog folder and every listing tree.
pub fn text_folders(root: &Path) -> Result<Vec<PathBuf>> {
    let layout = BookLayout::load(root)?;
    let mut folders = vec![layout.src.clone(), layout.po_dir.clone()];
    folders.extend(
        layout
            .languages
            .iter()
            .map(|language| language.tree.clone()),
    );
    Ok(folders)
}

/// Every text file (no NUL byte) of [`text_folders`] is UTF-8 without
/// mojibake.
pub fn check_mojibake(root: &Path) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for path in files_under(&text_folders(root)?)? {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if bytes.contains(&0) {
            continue;
        }
        for (index, raw) in bytes.split(|&byte| byte == b'\n').enumerate() {
            let message = match std::str::from_utf8(raw) {
                Err(error) => format!(
                    "not UTF-8 (byte {:#04x} at byte {} of the line)",
                    raw[error.valid_up_to()],
                    error.valid_up_to() + 1
                ),
                Ok(line) => match find_mojibake(line) {
                    Some((column, sequence)) => format!(
                        "mojibake `{}` at column {column} (UTF-8 decoded as a single-byte code page, or U+FFFD)",
                        visible(&sequence)
                    ),
                    None => continue,
                },
            };
            problems.push(Problem::at(&path, index + 1, message));
        }
    }
    Ok(problems)
}

/// Every check of one catalog, read once by the caller: completeness
/// against `template`, typography and anchors.
pub fn check_catalog(
    root: &Path,
    template: &Catalog,
    language: &str,
    po: &PoFile,
) -> Result<Vec<Problem>> {
    let mut problems = check_completeness(template, po, language);
    problems.extend(check_typography(po, language));
    // Nothing to tie yet: a new language needs no glossary before it
    // translates its first message.
    if po.live_entries().any(PoEntry::is_translated) {
        let glossary = Glossary::load(&BookLayout::load(root)?, language)?;
        problems.extend(anchors::check_po(po, &glossary));
    }
    Ok(problems)
}

/// The checks of the book's files beside each catalog's: the catalog
/// files themselves, mojibake, identical twins (`check_translations` and
/// `cargo xtask status` both run them).
pub fn book_file_problems(root: &Path) -> Result<Vec<Problem>> {
    let mut problems = check_catalog_files(root)?;
    problems.extend(check_mojibake(root)?);
    problems.extend(check_identical_twins(root)?);
    Ok(problems)
}

/// Every check above; fails with the list of all problems.
pub fn check_translations(root: &Path) -> Result<()> {
    let mut problems = book_file_problems(root)?;
    let template = crate::i18n::po::extract_pot(root)?;
    for translation in translations(root)? {
        if translation.catalog.is_file() {
            let po = read_po(&translation.catalog)?;
            problems.extend(check_catalog(root, &template, &translation.language, &po)?);
        }
    }
    ensure_none("translation checks", &problems)
}

/// A problem at `line` of `po`, with the English source of its entry.
fn entry_problem(
    po: &PoFile,
    line: Option<usize>,
    source: Option<&str>,
    message: String,
) -> Problem {
    let message = match source {
        Some(source) => format!("{message} (English source: {source})"),
        None => message,
    };
    Problem {
        file: po.path.clone(),
        line,
        message,
    }
}

/// At most this many characters of a msgid in a message.
const MSGID_EXCERPT: usize = 60;

/// Completeness against a `template` extracted now (the committed one may
/// be stale; one extraction serves every language). The `gettext`
/// preprocessor silently keeps the English of a missing, empty or fuzzy
/// message, so each is a problem, as is a stale or `#~` entry, or a
/// translation that is its English prose.
fn check_completeness(template: &Catalog, po: &PoFile, language: &str) -> Vec<Problem> {
    // (PO line, English source, what is wrong)
    let mut found: Vec<(Option<usize>, Option<String>, String)> = Vec::new();
    let header = Some(po.header_line);
    let code = po.header_field("Language").unwrap_or("");
    if code != language {
        let what = format!("header `Language: {code}`, expected `{language}`");
        found.push((header, None, what));
    }
    let content_type = po.header_field("Content-Type").unwrap_or("");
    if !content_type.to_ascii_lowercase().contains("charset=utf-8") {
        let what = format!("header `Content-Type: {content_type}`, expected charset=UTF-8");
        found.push((header, None, what));
    }
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let english: HashMap<String, &str> = (template.messages())
        .map(|message| (words(message.msgid()), message.msgid()))
        .collect();
    for message in template.messages() {
        let (msgid, short) = (message.msgid(), excerpt(message.msgid()));
        let entry = (po.live_entries()).find(|e| e.msgctxt.is_none() && e.msgid == msgid);
        let (line, what) = match entry {
            None => (None, format!("no entry for {short} (run `cargo xtask po`)")),
            Some(e) if e.is_fuzzy() => (
                e.flags_line.or(Some(e.msgid_line)),
                format!("fuzzy entry {short}: gettext ignores it and shows the English"),
            ),
            Some(e) if !e.is_translated() => (
                Some(e.msgstr_line),
                format!("untranslated entry {short} (empty msgstr)"),
            ),
            // Its own English or another's (a paste from the wrong message).
            Some(e) => match english.get(&words(&e.msgstr[0])) {
                Some(source) if is_prose(source) => {
                    let what = format!("paragraph identical to the English {}", excerpt(source));
                    (Some(e.msgstr_line), what)
                }
                _ => continue,
            },
        };
        found.push((line, sources(message.source()), what));
    }
    let expected: HashSet<&str> = template.messages().map(|m| m.msgid()).collect();
    for entry in &po.entries {
        let short = excerpt(&entry.msgid);
        if entry.obsolete {
            let what = format!("obsolete `#~` entry {short}: delete it");
            found.push((Some(entry.line), None, what));
        } else if entry.msgctxt.is_some() || !expected.contains(entry.msgid.as_str()) {
            let what =
                format!("stale entry {short}: the English sources no longer have this message");
            found.push((
                Some(entry.msgid_line),
                sources(&entry.references.join(" ")),
                what,
            ));
        }
    }
    (found.into_iter())
        .map(|(line, source, what)| entry_problem(po, line, source.as_deref(), what))
        .collect()
}

/// True when a message holds natural language: once code spans and HTML
/// tags (autolinks included) are taken out, a whitespace-separated chunk
/// that is no URL, path (`/`) or file or domain name (`src/lib.rs`,
/// `crates.io`) has a run of two or more letters.
fn is_prose(message: &str) -> bool {
    static MARKUP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`[^`]*`|<[^>]*>").unwrap());
    static DOTTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w\.\w|^www\.").unwrap());
    MARKUP
        .replace_all(message, " ")
        .split_whitespace()
        .any(|chunk| {
            !chunk.contains('/')
                && !DOTTED.is_match(chunk)
                && chunk
                    .split(|c: char| !c.is_alphabetic())
                    .any(|word| word.chars().count() >= 2)
        })
}

/// The English source of a message among its `file:line` references: the
/// first that is not `SUMMARY.md` (a chapter title is in both), else the
/// first.
pub(crate) fn english_source<'a>(
    references: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, Option<usize>)> {
    let references: Vec<(&str, Option<usize>)> = (references.into_iter())
        .flat_map(str::split_whitespace)
        .map(|reference| match reference.rsplit_once(':') {
            Some((file, line)) => (file, line.parse().ok()),
            None => (reference, None),
        })
        .collect();
    let chapter = references
        .iter()
        .find(|(file, _)| !file.ends_with("SUMMARY.md"));
    chapter.or(references.first()).copied()
}

fn sources(references: &str) -> Option<String> {
    let joined = references.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A msgid, shortened, in quotes.
pub fn excerpt(msgid: &str) -> String {
    let flat = msgid.replace('\n', " ");
    let short: String = flat.chars().take(MSGID_EXCERPT).collect();
    let cut = if short.len() < flat.len() { "…" } else { "" };
    format!("{short:?}{cut}")
}

/// Generated files, never compared.
const SKIPPED: &[&str] = &["output.txt", "transcript.txt"];

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Identical twins stay identical in every language: where two files of
/// the source language's listings are the same (a step that changes
/// nothing in `src/lib.rs`), so are they in every language. The token
/// comparison with the English ignores strings and comments, so it would
/// miss a message edited in only one of the two.
pub fn check_identical_twins(root: &Path) -> Result<Vec<Problem>> {
    let layout = BookLayout::load(root)?;
    let source = layout
        .language(&layout.source_language)
        .context("no listing tree for the source language")?;
    let mut by_content: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for path in files_under(std::slice::from_ref(&source.tree))? {
        if !SKIPPED.iter().any(|skipped| path.ends_with(skipped)) {
            let inside = path.strip_prefix(&source.tree)?.to_path_buf();
            by_content.entry(read(&path)?).or_default().push(inside);
        }
    }
    let mut problems = Vec::new();
    for language in layout.translated() {
        for group in by_content.values().filter(|group| group.len() > 1) {
            let first = language.tree.join(&group[0]);
            let Ok(first_text) = read(&first) else {
                continue; // a missing twin: the structure check names it
            };
            for other in &group[1..] {
                let other = language.tree.join(other);
                let Ok(other_text) = read(&other) else {
                    continue;
                };
                if let Some(line) = first_difference(&first_text, &other_text) {
                    problems.push(Problem::at(
                        &other,
                        line,
                        format!(
                            "differs from {} (line {line}), although their `{}` twins are \
                             identical: make the same change in both",
                            first.display(),
                            layout.source_language
                        ),
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// The first line (1-based) where `a` and `b` differ, if they do.
fn first_difference(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return None;
    }
    let mut lines = a.lines().zip(b.lines());
    let same = lines.position(|(x, y)| x != y);
    Some(same.unwrap_or_else(|| a.lines().count().min(b.lines().count())) + 1)
}

/// What Windows-1252 shows for the bytes 0x80..=0x9F (the continuation
/// bytes of UTF-8 that are not Latin-1 characters).
const CP1252_HIGH: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

/// The first mojibake sequence of `line` and its column (1-based):
/// UTF-8 decoded as a single-byte code page (Windows-1252, -1254, Latin-1)
/// and saved again, as the seed of this book once was (`Ã©` for `é`), or
/// U+FFFD, the mark of bytes a decoder could not read.
fn find_mojibake(line: &str) -> Option<(usize, String)> {
    // `Ã` + Latin-1: the two bytes of é, è, à, ç, ô...; `Å` + a continuation
    // byte (0x80..=0xBF): œ, Œ, š...; `â€`: the first two bytes of ’ “ ” –
    // — …; `Â` + space or Latin-1 symbol: a no-break space, «, », °...
    static MOJIBAKE: LazyLock<Regex> = LazyLock::new(|| {
        let high = CP1252_HIGH;
        let pattern = format!(
            r"\x{{FFFD}}|Ã[\x{{80}}-\x{{FF}}{high}]|Å[\x{{80}}-\x{{BF}}{high}]|â€|Â[ \x{{A0}}-\x{{BF}}]"
        );
        Regex::new(&pattern).expect("a valid regex")
    });
    let found = MOJIBAKE.find(line)?;
    let column = line[..found.start()].chars().count() + 1;
    Some((column, found.as_str().to_string()))
}

/// `sequence` with its invisible characters written `<U+00A0>`.
fn visible(sequence: &str) -> String {
    sequence
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || c == '\u{FFFD}' {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Every file under `folders`, sorted, `target/` folders aside.
pub fn files_under(folders: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for folder in folders {
        let walk = WalkDir::new(folder)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.file_name() != "target");
        for entry in walk {
            let entry = entry.with_context(|| format!("walking {}", folder.display()))?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_urls_numbers_and_file_names_are_not_prose() {
        for message in [
            "`ThreadPool::new`",
            "<https://example.org/a>",
            "20-25, 7878: `x`",
            "src/lib.rs crates.io hello.html",
            "<span class=\"x\"></span> 42",
        ] {
            assert!(!is_prose(message), "{message}");
        }
        for message in [
            "Deadlock!",
            "<span class=\"filename\">Filename: src/lib.rs</span>",
            "[crates.io](https://crates.io/) is a registry",
        ] {
            assert!(is_prose(message), "{message}");
        }
    }

    #[test]
    fn finds_double_encoded_french_and_accepts_clean_text() {
        for (line, sequence) in [
            ("Le code de l'encart rÃ©pond", Some("Ã©")),
            ("Ã€ partir de lÃ ", Some("Ã€")),
            ("Fichier\u{C2}\u{A0}: src/lib.rs", Some("Â\u{A0}")),
            ("Fichier Â : src/lib.rs", Some("Â ")),
            ("we\u{E2}\u{20AC}\u{2122}re", Some("â€")),
            ("cÅ“ur", Some("Å“")),
            ("broken \u{FFFD} byte", Some("\u{FFFD}")),
            (
                "À partir de là, ils ont tous reçu le message d'extinction.",
                None,
            ),
            (
                "Fichier\u{A0}: src/lib.rs — « Arrêt propre »\u{A0}; cœur, Ça",
                None,
            ),
            (
                "We’re “done” – Ã is a letter of Portuguese: SÃO PAULO",
                None,
            ),
        ] {
            let found = find_mojibake(line).map(|(_, s)| s);
            assert_eq!(found.as_deref(), sequence, "{line}");
        }
    }
}
