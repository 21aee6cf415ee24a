//! The listing structure of a translated language: every English listing
//! has its twin with the same files and package (through the glossary);
//! each `.rs` file is its English counterpart token for token (proc-macro2,
//! whose spans give lines) once identifiers go through the glossary, the
//! text of strings and comments aside, with its `ANCHOR` lines in place.
//! A name written the same other way everywhere is one problem at the
//! glossary line ([`unfollowed_glossary_entries`]).

use super::{english, excerpt, listing_files, LanguageReport};
use crate::i18n::glossary::{Glossary, Place};
use crate::languages::Language;
use crate::listings::Listing;
use crate::Problem;
use anyhow::{Context, Result};
use proc_macro2::{Delimiter, LexError, TokenStream, TokenTree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How the translated listings write each English name of the glossary:
/// English name -> name written -> (how many times, first file and line).
type Uses = BTreeMap<String, BTreeMap<String, (usize, PathBuf, usize)>>;

/// The listings of `translated`, its `twins`, against the `originals` of
/// `source`.
pub(super) fn check(
    source: &Language,
    originals: &[Listing],
    translated: &Language,
    twins: Vec<Listing>,
    glossary: &Glossary,
    report: &mut LanguageReport,
) -> Result<()> {
    report.listings_translated = 0;
    let mut uses = Uses::new();
    let mut twins: BTreeMap<_, _> = twins
        .into_iter()
        .map(|listing| ((listing.chapter.clone(), listing.name.clone()), listing))
        .collect();
    for original in originals {
        let place = (original.chapter.clone(), original.name.clone());
        let Some(twin) = twins.remove(&place) else {
            let expected = translated.tree.join(&place.0).join(&place.1);
            let message = format!(
                "the translated listing is missing (no Cargo.toml){}",
                english(&original.dir, None)
            );
            report.listings.push(Problem::in_file(expected, message));
            continue;
        };
        report.listings_translated += 1;
        let problems = compare_listing(original, &twin, glossary, &mut uses)?;
        report.listings_out_of_step += usize::from(!problems.is_empty());
        report.listings.extend(problems);
    }
    for extra in twins.into_values() {
        report.listings.push(Problem::in_file(
            &extra.dir,
            format!(
                "a listing without an English twin in {}",
                source.tree.join(&extra.chapter).display()
            ),
        ));
    }
    unfollowed_glossary_entries(glossary, &uses, &mut report.listings);
    Ok(())
}

/// The English names the listings write the same other way everywhere:
/// one problem at the glossary line of each replaces the problems of its
/// places, which all have the one cause.
fn unfollowed_glossary_entries(glossary: &Glossary, uses: &Uses, problems: &mut Vec<Problem>) {
    let mut entries = Vec::new();
    for (english, written) in uses {
        let expected = glossary.translate(english);
        let mut names = written.iter();
        let (Some((name, (count, first, line))), None, Some(file), Some(entry)) = (
            names.next(),
            names.next(),
            glossary.file.as_ref(),
            glossary.line(english),
        ) else {
            continue;
        };
        // One place alone is a slip of that place.
        if name == expected || *count < 2 {
            continue;
        }
        let mismatch = identifier_mismatch(name, expected, english);
        problems.retain(|problem| !problem.message.starts_with(&mismatch));
        let message = format!(
            "{english} = \"{expected}\", but the {} listings use {name} in {count} places \
             (first: {}:{line}): correct the entry or rename them",
            glossary.language,
            first.display()
        );
        entries.push(Problem::at(file, entry, message));
    }
    problems.splice(0..0, entries);
}

/// The message of an identifier that is not the glossary's name.
fn identifier_mismatch(found: &str, expected: &str, english: &str) -> String {
    format!("identifier `{found}`, expected `{expected}` (the English has `{english}`)")
}

/// The problems of one translated listing against its English twin.
fn compare_listing(
    original: &Listing,
    twin: &Listing,
    glossary: &Glossary,
    uses: &mut Uses,
) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    let english_files = listing_files(&original.dir)?;
    let twin_files = listing_files(&twin.dir)?;
    for file in &english_files {
        if !twin_files.contains(file) {
            problems.push(Problem::in_file(
                twin.dir.join(file),
                format!(
                    "missing: the English listing has this file{}",
                    english(&original.dir.join(file), None)
                ),
            ));
        } else if file.extension().is_some_and(|extension| extension == "rs") {
            problems.extend(compare_rust_file(
                &original.dir.join(file),
                &twin.dir.join(file),
                glossary,
                uses,
            )?);
        }
    }
    for file in twin_files.iter().filter(|f| !english_files.contains(f)) {
        problems.push(Problem::in_file(
            twin.dir.join(file),
            "a file the English listing does not have",
        ));
    }
    let expected = glossary.translate(&original.package);
    if twin.package != expected {
        let manifest = twin.dir.join("Cargo.toml");
        let quoted = format!("\"{}\"", twin.package);
        let line = std::fs::read_to_string(&manifest)?
            .lines()
            .position(|line| line.trim_start().starts_with("name") && line.contains(&quoted))
            .map(|index| index + 1);
        let glossary_file = glossary
            .file
            .as_deref()
            .unwrap_or(Path::new("the glossary"));
        problems.push(Problem {
            file: manifest,
            line,
            message: format!(
                "package `{}`, expected `{expected}` (the English package `{}` through {} [code]){}",
                twin.package,
                original.package,
                glossary_file.display(),
                english(&original.dir.join("Cargo.toml"), None)
            ),
        });
    }
    Ok(problems)
}

/// The problems of a translated `.rs` file against its English twin.
fn compare_rust_file(
    original: &Path,
    twin: &Path,
    glossary: &Glossary,
    uses: &mut Uses,
) -> Result<Vec<Problem>> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let (english_text, twin_text) = (read(original)?, read(twin)?);
    let mut problems = compare_anchors(original, &english_text, twin, &twin_text);
    let tokens = |path: &Path, text: &str| {
        tokenize(text).map_err(|error| {
            let line = error.span().start().line;
            Problem::at(path, line, format!("does not tokenize: {error}"))
        })
    };
    let (english_tokens, twin_tokens) =
        match (tokens(original, &english_text), tokens(twin, &twin_text)) {
            (Ok(english_tokens), Ok(twin_tokens)) => (english_tokens, twin_tokens),
            (Err(problem), _) | (_, Err(problem)) => {
                problems.push(problem);
                return Ok(problems);
            }
        };
    let mismatch = |line: usize, english_line: usize, message: String| {
        Problem::at(
            twin,
            line,
            format!("{message}{}", english(original, Some(english_line))),
        )
    };
    for (index, (e, t)) in english_tokens.iter().zip(&twin_tokens).enumerate() {
        match (&e.kind, &t.kind) {
            (Kind::Ident { path: e_path }, Kind::Ident { path: t_path }) => {
                let expected = glossary.translate(&e.text);
                if glossary.has(&e.text) {
                    let written = uses.entry(e.text.clone()).or_default();
                    let place = (0, twin.to_path_buf(), t.line);
                    written.entry(t.text.clone()).or_insert(place).0 += 1;
                }
                // A homonym may stay English where it names something not
                // ours; an attribute's name must.
                let place = if *e_path == Place::Other {
                    *t_path
                } else {
                    *e_path
                };
                let expected = match place {
                    Place::Attribute => &e.text,
                    _ => expected,
                };
                let kept = glossary.keeps_english(&e.text, place) && t.text == e.text;
                if t.text != expected && !kept {
                    let message = identifier_mismatch(&t.text, expected, &e.text);
                    problems.push(mismatch(t.line, e.line, message));
                }
            }
            (e_kind, t_kind)
                if e_kind == t_kind && (e.text == t.text || matches!(e.kind, Kind::Str(_))) => {}
            _ => {
                // What follows would be misaligned.
                problems.push(mismatch(
                    t.line,
                    e.line,
                    format!(
                        "token `{}` where the English has `{}` (token {})",
                        excerpt(&t.text, 40),
                        excerpt(&e.text, 40),
                        index + 1
                    ),
                ));
                return Ok(problems);
            }
        }
    }
    let last_line = |tokens: &[Token]| tokens.last().map_or(1, |token| token.line);
    if let Some(e) = english_tokens.get(twin_tokens.len()) {
        problems.push(mismatch(
            last_line(&twin_tokens),
            e.line,
            format!("the file ends where the English goes on with `{}`", e.text),
        ));
    } else if let Some(t) = twin_tokens.get(english_tokens.len()) {
        problems.push(mismatch(
            t.line,
            last_line(&english_tokens),
            format!("token `{}` after the end of the English file", t.text),
        ));
    }
    Ok(problems)
}

/// The anchor lines must be the same, at the same lines: the book shows the
/// lines between them.
fn compare_anchors(
    original: &Path,
    english_text: &str,
    twin: &Path,
    twin_text: &str,
) -> Vec<Problem> {
    let anchors = |text: &str| -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .filter(|(_, line)| line.contains("ANCHOR:") || line.contains("ANCHOR_END:"))
            .map(|(index, line)| (index + 1, line.trim().to_string()))
            .collect()
    };
    let (english_anchors, twin_anchors) = (anchors(english_text), anchors(twin_text));
    let shown = |anchor: Option<&(usize, String)>| {
        anchor.map_or("none".to_string(), |(line, text)| {
            format!("`{text}` at line {line}")
        })
    };
    (0..english_anchors.len().max(twin_anchors.len()))
        .map(|index| (english_anchors.get(index), twin_anchors.get(index)))
        .filter(|(e, t)| e != t)
        .map(|(e, t)| Problem {
            file: twin.to_path_buf(),
            line: t.map(|(line, _)| *line),
            message: format!(
                "anchor line {}, where the English has {}{}",
                shown(t),
                shown(e),
                english(original, e.map(|(line, _)| *line))
            ),
        })
        .collect()
}

/// One flat token and its line.
#[derive(Debug)]
struct Token {
    /// As written (`r#` kept).
    text: String,
    line: usize,
    kind: Kind,
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// `path`: where it stands, for the homonyms (inside a `use` item:
    /// [`Place::Path`]).
    Ident { path: Place },
    /// A string literal, by its prefix (`""`, `b`, `c`): its text is free.
    Str(String),
    /// Punctuation, delimiters, other literals: compared by their text.
    Other,
}

/// The flat tokens of Rust source: a group is its delimiters around its
/// tokens; comments are not tokens, doc comments are string literals.
fn tokenize(source: &str) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    flatten(TokenStream::from_str(source)?, false, &mut tokens);
    for index in 0..tokens.len() {
        let text = |range: std::ops::Range<usize>| -> String {
            tokens[range]
                .iter()
                .map(|token| token.text.as_str())
                .collect()
        };
        let after = index + 1..(index + 3).min(tokens.len());
        let place = Place::between(&text(index.saturating_sub(3)..index), &text(after));
        if let Kind::Ident { path } = &mut tokens[index].kind {
            if *path == Place::Other {
                *path = place;
            }
        }
    }
    Ok(tokens)
}

/// Flattens `stream` into `out`; `in_use` inside a `use` item, which runs
/// from its keyword to the `;` at the same depth.
fn flatten(stream: TokenStream, in_use: bool, out: &mut Vec<Token>) {
    let mut in_use_here = in_use;
    for tree in stream {
        let line = tree.span().start().line;
        let (text, kind) = match tree {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                in_use_here |= text == "use";
                let path = if in_use_here {
                    Place::Path
                } else {
                    Place::Other
                };
                (text, Kind::Ident { path })
            }
            TokenTree::Punct(punct) => (punct.as_char().to_string(), Kind::Other),
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                let kind = match text.find(['"', '\'']) {
                    Some(quote) if text[quote..].starts_with('"') => {
                        Kind::Str(text[..quote].trim_end_matches(['r', '#']).to_string())
                    }
                    _ => Kind::Other,
                };
                (text, kind)
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                let token = |text: &str, line| Token {
                    text: text.to_string(),
                    line,
                    kind: Kind::Other,
                };
                if !open.is_empty() {
                    out.push(token(open, line));
                }
                flatten(group.stream(), in_use_here, out);
                if !close.is_empty() {
                    out.push(token(close, group.span_close().start().line));
                }
                continue;
            }
        };
        let ends_use = text == ";";
        out.push(Token { text, line, kind });
        if ends_use {
            in_use_here = in_use;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compare(english: &str, twin: &str) -> Vec<Problem> {
        let glossary = Glossary::parse(
            Path::new("g.toml"),
            "[xx]\nstd-homonyms = [\"thread\"]\n[xx.code]\nThreadPool = \"GroupeTaches\"\nworkers = \"operateurs\"\nthread = \"tache\"\n",
            "xx",
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (e, t) = (dir.path().join("e.rs"), dir.path().join("t.rs"));
        std::fs::write(&e, english).unwrap();
        std::fs::write(&t, twin).unwrap();
        compare_rust_file(&e, &t, &glossary, &mut Uses::new())
            .unwrap()
            .into_iter()
            .map(|p| p.relative_to(dir.path()))
            .collect()
    }

    /// (English, translation, the problems as shown; empty when it passes).
    const CASES: &[(&str, &str, &[&str])] = &[
        (
            "/// Doc.\nstruct ThreadPool { workers: Vec<u8> }\n// c\nfn f() { println!(\"hi {}\", 1); }\n",
            "/// Documentation.\nstruct GroupeTaches { operateurs: Vec<u8> }\nfn f() {\n    println!(\"salut {}\", 1);\n}\n",
            &[],
        ),
        (
            "struct ThreadPool {\n    workers: u8,\n}\nfn workers() {}\n",
            "struct GroupeTaches {\n    travailleurs: u8,\n}\nfn workers() {}\n",
            &[
                "t.rs:2: identifier `travailleurs`, expected `operateurs` (the English has `workers`) (English: e.rs:2)",
                "t.rs:4: identifier `workers`, expected `operateurs` (the English has `workers`) (English: e.rs:4)",
            ],
        ),
        (
            "fn f(a: u8) {}\nfn g() {}\n",
            "fn f(a: u8, b: u8) {}\nfn h() {}\n",
            &["t.rs:1: token `,` where the English has `)` (token 7) (English: e.rs:1)"],
        ),
        ("let x = 1;", "let x = 2;", &["t.rs:1: token `2` where the English has `1` (token 4) (English: e.rs:1)"]),
        ("let x = 1;", "let x = 1;\nlet y = 2;", &["t.rs:2: token `let` after the end of the English file (English: e.rs:1)"]),
        ("let x = b\"a\";", "let x = r#\"a\"#;", &["t.rs:1: token `r#\"a\"#` where the English has `b\"a\"` (token 4) (English: e.rs:1)"]),
        ("let x = '\"';", "let x = '\"';", &[]),
        (
            "use std::{sync::mpsc, thread};\nstruct W { thread: thread::JoinHandle<()> }\nfn f(w: W) { w.thread; }\n",
            "use std::{sync::mpsc, thread};\nstruct W { tache: thread::JoinHandle<()> }\nfn f(w: W) { w.tache; }\n",
            &[],
        ),
        (
            "use std::thread;\nstruct W { thread: thread::JoinHandle<()> }\n",
            "use std::thread;\nstruct W { thread: thread::JoinHandle<()> }\n",
            &["t.rs:2: identifier `thread`, expected `tache` (the English has `thread`) (English: e.rs:2)"],
        ),
        (
            "a();\n// ANCHOR: here\nb();\n// ANCHOR_END: here\n",
            "a();\n\n// ANCHOR: here\nb();\n",
            &[
                "t.rs:3: anchor line `// ANCHOR: here` at line 3, where the English has `// ANCHOR: here` at line 2 (English: e.rs:2)",
                "t.rs: anchor line none, where the English has `// ANCHOR_END: here` at line 4 (English: e.rs:4)",
            ],
        ),
        ("fn f() {\n  \"open\n", "", &["e.rs:2: does not tokenize: cannot parse string into token stream"]),
    ];

    #[test]
    fn translated_files_against_their_english_twins() {
        for (english, twin, expected) in CASES {
            let shown: Vec<String> = compare(english, twin)
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(shown, *expected, "{english:?} / {twin:?}");
        }
    }
}
