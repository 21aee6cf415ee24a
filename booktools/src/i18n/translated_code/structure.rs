//! The structural check of the translated listings: every listing crate of
//! the source language has a twin, at the same place, in the tree of each
//! translated language, with the same files; each `.rs` file is its English
//! counterpart token for token once identifiers go through the glossary
//! (string literal and comment text aside), with its `ANCHOR` lines at the
//! same lines; and the package is the glossary's name of the English one.

use super::problem::{Check, Location, Problem};
use super::tokens::{tokenize, Token, TokenKind};
use crate::i18n::glossary::Glossary;
use crate::languages::{BookLayout, Language};
use crate::listings::{discover, Listing};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Folders of a listing that are build products, not sources.
const BUILD_FOLDERS: &[&str] = &["target"];

/// What marks an anchor line (`// ANCHOR: here`, `// ANCHOR_END: here`).
const ANCHOR_MARKERS: &[&str] = &["ANCHOR:", "ANCHOR_END:"];

/// The structural problems of every translated language of the book at
/// `root` (the languages of `[preprocessor.listings.trees]` other than the
/// source language).
pub fn check_structure(root: &Path) -> Result<Vec<Problem>> {
    let layout = BookLayout::load(root)?;
    let mut problems = Vec::new();
    for language in translated_languages(&layout) {
        problems.extend(check_language_structure(&layout, &language.code)?);
    }
    Ok(problems)
}

/// The languages of the book other than its source language.
pub fn translated_languages(layout: &BookLayout) -> Vec<&Language> {
    layout
        .languages
        .iter()
        .filter(|language| language.code != layout.source_language)
        .collect()
}

/// The structural problems of the listings of `language`.
pub fn check_language_structure(layout: &BookLayout, language: &str) -> Result<Vec<Problem>> {
    let source = layout
        .language(&layout.source_language)
        .context("book.toml has no listing tree for the source language")?;
    let translated = layout
        .language(language)
        .with_context(|| format!("book.toml has no listing tree for `{language}`"))?;
    let glossary = Glossary::load(layout, language)?;
    let problem = |location: Location, english: Option<Location>, message: String| Problem {
        check: Check::Structure,
        language: language.to_string(),
        location,
        english,
        message,
    };
    if !translated.tree.is_dir() {
        return Ok(vec![problem(
            Location::file(&translated.tree),
            Some(Location::file(&source.tree)),
            format!(
                "the listing tree of `{language}` is missing (book.toml `[preprocessor.listings.trees]`)"
            ),
        )]);
    }
    let english = by_place(discover(source)?);
    let mut twins = by_place(discover(translated)?);
    let mut problems = Vec::new();
    for (place, english_listing) in &english {
        let Some(twin) = twins.remove(place) else {
            let expected = translated.tree.join(&place.0).join(&place.1);
            let why = if expected.is_dir() {
                "has no Cargo.toml"
            } else {
                "is missing"
            };
            problems.push(problem(
                Location::file(&expected),
                Some(Location::file(&english_listing.dir)),
                format!("the translated listing {why}"),
            ));
            continue;
        };
        problems.extend(
            compare_listing(english_listing, &twin, &glossary)?
                .into_iter()
                .map(|(location, english, message)| problem(location, english, message)),
        );
    }
    for extra in twins.into_values() {
        problems.push(problem(
            Location::file(&extra.dir),
            None,
            format!(
                "a listing without an English twin in {}",
                source.tree.join(&extra.chapter).display()
            ),
        ));
    }
    Ok(problems)
}

type Place = (String, String);
type Found = (Location, Option<Location>, String);

fn by_place(listings: Vec<Listing>) -> BTreeMap<Place, Listing> {
    listings
        .into_iter()
        .map(|listing| ((listing.chapter.clone(), listing.name.clone()), listing))
        .collect()
}

/// The problems of one translated listing against its English twin.
fn compare_listing(english: &Listing, twin: &Listing, glossary: &Glossary) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    let english_files = source_files(&english.dir)?;
    let twin_files = source_files(&twin.dir)?;
    for missing in english_files.difference(&twin_files) {
        found.push((
            Location::file(twin.dir.join(missing)),
            Some(Location::file(english.dir.join(missing))),
            "missing: the English listing has this file".to_string(),
        ));
    }
    for extra in twin_files.difference(&english_files) {
        found.push((
            Location::file(twin.dir.join(extra)),
            None,
            "a file the English listing does not have".to_string(),
        ));
    }
    let expected_package = glossary.translate(&english.package);
    if twin.package != expected_package {
        let manifest = twin.dir.join("Cargo.toml");
        let line = line_of_package_name(&manifest);
        found.push((
            Location {
                file: manifest,
                line,
            },
            Some(Location::file(english.dir.join("Cargo.toml"))),
            format!(
                "package `{}`, expected `{expected_package}` (the English package `{}` through {})",
                twin.package,
                english.package,
                glossary_name(glossary)
            ),
        ));
    }
    for file in english_files.intersection(&twin_files) {
        if file.extension().is_some_and(|extension| extension == "rs") {
            found.extend(compare_rust_file(
                &english.dir.join(file),
                &twin.dir.join(file),
                glossary,
            )?);
        }
    }
    Ok(found)
}

fn glossary_name(glossary: &Glossary) -> String {
    glossary
        .file
        .as_ref()
        .map_or("the glossary".to_string(), |file| {
            format!("{} [code]", file.display())
        })
}

/// The files of a listing crate, relative to it, build folders aside.
fn source_files(dir: &Path) -> Result<BTreeSet<PathBuf>> {
    let mut files = BTreeSet::new();
    let walker = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| {
            !(entry.depth() > 0
                && entry.file_type().is_dir()
                && BUILD_FOLDERS.iter().any(|name| entry.file_name() == *name))
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if entry.file_type().is_file() {
            files.insert(entry.path().strip_prefix(dir)?.to_path_buf());
        }
    }
    Ok(files)
}

fn line_of_package_name(manifest: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let mut in_package = false;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && line
                .split('=')
                .next()
                .is_some_and(|key| key.trim() == "name")
        {
            return Some(index + 1);
        }
    }
    None
}

/// The problems of a translated `.rs` file against its English twin.
pub fn compare_rust_file(english: &Path, twin: &Path, glossary: &Glossary) -> Result<Vec<Found>> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let (english_text, twin_text) = (read(english)?, read(twin)?);
    let mut found = compare_anchors(english, &english_text, twin, &twin_text);
    let english_tokens = match tokenize(&english_text) {
        Ok(tokens) => tokens,
        Err(error) => {
            found.push((
                Location::at(english, error.line),
                None,
                format!("the English file does not tokenize: {}", error.message),
            ));
            return Ok(found);
        }
    };
    let twin_tokens = match tokenize(&twin_text) {
        Ok(tokens) => tokens,
        Err(error) => {
            found.push((
                Location::at(twin, error.line),
                None,
                format!("does not tokenize: {}", error.message),
            ));
            return Ok(found);
        }
    };
    found.extend(
        compare_tokens(&english_tokens, &twin_tokens, glossary)
            .into_iter()
            .map(|mismatch| mismatch.located(english, twin)),
    );
    Ok(found)
}

/// A difference between two token lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Line in the English file.
    pub english_line: usize,
    /// Line in the translated file.
    pub line: usize,
    /// What is wrong, naming both tokens.
    pub message: String,
}

impl Mismatch {
    fn located(self, english: &Path, twin: &Path) -> Found {
        (
            Location::at(twin, self.line),
            Some(Location::at(english, self.english_line)),
            self.message,
        )
    }
}

/// Compares the tokens of a translated file with the English ones.
/// Identifier differences keep the two lists aligned, so they are all
/// reported; any other difference ends the comparison (what follows would
/// be misaligned).
pub fn compare_tokens(english: &[Token], twin: &[Token], glossary: &Glossary) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    for (index, (e, t)) in english.iter().zip(twin).enumerate() {
        let mismatch = |message: String| Mismatch {
            english_line: e.line,
            line: t.line,
            message,
        };
        match (&e.kind, &t.kind) {
            (TokenKind::Ident(english_name), TokenKind::Ident(name)) => {
                if let Some(expected) = expected_ident(english_name, e, t, glossary) {
                    if name != &expected {
                        mismatches.push(mismatch(format!(
                            "identifier `{name}`, expected `{expected}` (the English has `{english_name}`)"
                        )));
                    }
                }
            }
            (
                TokenKind::Literal {
                    kind: english_kind,
                    text: english_text,
                },
                TokenKind::Literal { kind, text },
            ) if english_kind == kind && (kind.is_text() || english_text == text) => {}
            (english_kind, kind) if english_kind == kind => {}
            (english_kind, kind) => {
                mismatches.push(mismatch(format!(
                    "token `{kind}` where the English has `{english_kind}` (token {})",
                    index + 1
                )));
                return mismatches;
            }
        }
    }
    match english.len().cmp(&twin.len()) {
        std::cmp::Ordering::Greater => {
            let e = &english[twin.len()];
            mismatches.push(Mismatch {
                english_line: e.line,
                line: twin.last().map_or(1, |t| t.line),
                message: format!("the file ends where the English goes on with `{}`", e.kind),
            });
        }
        std::cmp::Ordering::Less => {
            let t = &twin[english.len()];
            mismatches.push(Mismatch {
                english_line: english.last().map_or(1, |e| e.line),
                line: t.line,
                message: format!("token `{}` after the end of the English file", t.kind),
            });
        }
        std::cmp::Ordering::Equal => {}
    }
    mismatches
}

/// The identifier expected in the translation for `english`, or `None`
/// when two are accepted and `twin` is one of them (a std homonym where it
/// names the std module may stay English).
fn expected_ident(english: &str, e: &Token, t: &Token, glossary: &Glossary) -> Option<String> {
    let translated = glossary.translate(english);
    let name = t.ident().unwrap_or_default();
    if glossary.is_std_homonym(english)
        && (e.names_a_path() || t.names_a_path())
        && (name == english || name == translated)
    {
        return None;
    }
    Some(translated.to_string())
}

/// The `ANCHOR:` / `ANCHOR_END:` lines of a file: (line, trimmed text).
pub fn anchor_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| ANCHOR_MARKERS.iter().any(|marker| line.contains(marker)))
        .map(|(index, line)| (index + 1, line.trim()))
        .collect()
}

/// The anchor lines must be the same, at the same lines: the book shows
/// the lines between them.
fn compare_anchors(english: &Path, english_text: &str, twin: &Path, twin_text: &str) -> Vec<Found> {
    let english_anchors = anchor_lines(english_text);
    let twin_anchors = anchor_lines(twin_text);
    let mut found = Vec::new();
    for index in 0..english_anchors.len().max(twin_anchors.len()) {
        match (english_anchors.get(index), twin_anchors.get(index)) {
            (Some(e), Some(t)) if e == t => {}
            (Some((english_line, english_anchor)), Some((line, anchor))) => found.push((
                Location::at(twin, *line),
                Some(Location::at(english, *english_line)),
                format!(
                    "anchor line `{anchor}` at line {line}, where the English has `{english_anchor}` at line {english_line}"
                ),
            )),
            (Some((english_line, english_anchor)), None) => found.push((
                Location::file(twin),
                Some(Location::at(english, *english_line)),
                format!("missing anchor line `{english_anchor}` (English line {english_line})"),
            )),
            (None, Some((line, anchor))) => found.push((
                Location::at(twin, *line),
                Some(Location::file(english)),
                format!("anchor line `{anchor}` that the English file does not have"),
            )),
            (None, None) => unreachable!("index below the longer length"),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary() -> Glossary {
        Glossary::parse(
            Path::new("g.toml"),
            "[xx]\nstd-homonyms = [\"thread\"]\n[xx.code]\nThreadPool = \"GroupeTaches\"\nworkers = \"operateurs\"\nthread = \"tache\"\n",
            "xx",
        )
        .unwrap()
    }

    fn compare(english: &str, twin: &str) -> Vec<Mismatch> {
        compare_tokens(
            &tokenize(english).unwrap(),
            &tokenize(twin).unwrap(),
            &glossary(),
        )
    }

    #[test]
    fn identifiers_go_through_the_glossary_and_text_is_free() {
        let english = "/// Doc.\nstruct ThreadPool { workers: Vec<u8> }\n// c\nfn f() { println!(\"hi {}\", 1); }\n";
        let twin = "/// Documentation.\nstruct GroupeTaches { operateurs: Vec<u8> }\nfn f() {\n    println!(\"salut {}\", 1);\n}\n";
        assert_eq!(compare(english, twin), []);
    }

    #[test]
    fn a_wrong_identifier_names_both_tokens_and_lines_and_goes_on() {
        let english = "struct ThreadPool {\n    workers: u8,\n}\nfn workers() {}\n";
        let twin = "struct GroupeTaches {\n    travailleurs: u8,\n}\nfn workers() {}\n";
        let mismatches = compare(english, twin);
        assert_eq!(mismatches.len(), 2, "{mismatches:?}");
        assert_eq!((mismatches[0].english_line, mismatches[0].line), (2, 2));
        assert_eq!(
            mismatches[0].message,
            "identifier `travailleurs`, expected `operateurs` (the English has `workers`)"
        );
        assert_eq!(mismatches[1].line, 4);
    }

    #[test]
    fn a_structural_difference_stops_the_comparison() {
        let mismatches = compare(
            "fn f(a: u8) {}\nfn g() {}\n",
            "fn f(a: u8, b: u8) {}\nfn h() {}\n",
        );
        assert_eq!(mismatches.len(), 1, "{mismatches:?}");
        assert!(mismatches[0]
            .message
            .contains("token `,` where the English has `)`"));
        let mismatches = compare("let x = 1;", "let x = 2;");
        assert!(mismatches[0].message.contains("`2`"), "{mismatches:?}");
        let mismatches = compare("let x = 1;", "let x = 1;\nlet y = 2;");
        assert!(
            mismatches[0].message.contains("after the end"),
            "{mismatches:?}"
        );
        let mismatches = compare("let x = b\"a\";", "let x = \"a\";");
        assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    }

    #[test]
    fn std_homonyms_stay_english_only_where_they_name_the_module() {
        let english = "use std::thread;\nstruct W { thread: thread::JoinHandle<()> }\nfn f(w: W) { w.thread; }\n";
        let twin = "use std::thread;\nstruct W { tache: thread::JoinHandle<()> }\nfn f(w: W) { w.tache; }\n";
        assert_eq!(compare(english, twin), []);
        let wrong = "use std::thread;\nstruct W { thread: thread::JoinHandle<()> }\nfn f(w: W) { w.tache; }\n";
        let mismatches = compare(english, wrong);
        assert_eq!(mismatches.len(), 1, "{mismatches:?}");
        assert!(mismatches[0]
            .message
            .contains("identifier `thread`, expected `tache`"));
    }

    #[test]
    fn anchors_must_be_at_the_same_lines() {
        let english = "a\n// ANCHOR: here\nb\n// ANCHOR_END: here\n";
        assert_eq!(
            compare_anchors(Path::new("e"), english, Path::new("t"), english),
            []
        );
        let moved = "a\n\n// ANCHOR: here\nb\n// ANCHOR_END: here\n";
        let found = compare_anchors(Path::new("e"), english, Path::new("t"), moved);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, Location::at("t", 3));
        assert_eq!(found[0].1, Some(Location::at("e", 2)));
        let missing = "a\n// ANCHOR: here\nb\n";
        let found = compare_anchors(Path::new("e"), english, Path::new("t"), missing);
        assert!(found[0]
            .2
            .contains("missing anchor line `// ANCHOR_END: here`"));
    }
}
