//! One chapter: point its directives at the book language's listing tree,
//! then check that each of them yields code.

use crate::directive::{find_directives, line_of_offset, Directive, DirectiveKind};
use crate::problem::Problem;
use crate::selection::{visible_lines, AnchorMode, Selection};
use crate::trees::{normalize, relative_path, ListingTrees};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// What the preprocessor knows of the book a chapter belongs to.
#[derive(Debug, Clone)]
pub struct BookSetting<'a> {
    /// The book root (where `book.toml` is).
    pub root: &'a Path,
    pub language: &'a str,
    pub trees: &'a ListingTrees,
}

/// Rewrites and checks every directive of one chapter: `content` is its
/// Markdown as it reaches the preprocessor (translated for a translated
/// book), `source_file` its file relative to the book root (directive paths
/// are relative to its folder), `source_text` that file on disk, so a
/// problem names a line of the file the author edits. Returns the Markdown
/// with every listing path pointing at the book language's tree, and adds
/// the broken directives to `problems`.
pub fn process_chapter(
    book: &BookSetting<'_>,
    source_file: &Path,
    content: &str,
    source_text: Option<&str>,
    problems: &mut Vec<Problem>,
) -> String {
    let chapter_dir = normalize(source_file.parent().unwrap_or(Path::new("")));
    let directives = find_directives(content);
    let mut rewritten = String::with_capacity(content.len());
    let mut copied_up_to = 0;
    for (index, directive) in directives.iter().enumerate() {
        let target = retarget(book, &chapter_dir, directive);
        let new_path = target
            .as_ref()
            .map_or(&directive.path, |(written, _)| written);
        let shown_directive = format!(
            "{}{new_path}{}",
            &content[directive.span.start..directive.path_span.start],
            &content[directive.path_span.end..directive.span.end],
        );
        let problem = target.and_then(|(_, file)| check_target(book.root, directive, &file));
        if let Err(message) = problem {
            let (line, translated) = locate_line(content, source_text, &directives, index);
            let whose = match translated {
                true => " (line of the translated Markdown: the translator changed the directive)",
                false => "",
            };
            let message = format!("{shown_directive}: {message}{whose}");
            problems.push(Problem::at(source_file, line, message));
        }
        rewritten.push_str(&content[copied_up_to..directive.span.start]);
        rewritten.push_str(&shown_directive);
        copied_up_to = directive.span.end;
    }
    rewritten.push_str(&content[copied_up_to..]);
    rewritten
}

/// Points `directive` at the book language's tree when it reads from any
/// listing tree: the path to write in the directive, and the file relative
/// to the book root (or absolute).
fn retarget(
    book: &BookSetting<'_>,
    chapter_dir: &Path,
    directive: &Directive,
) -> Result<(String, PathBuf), String> {
    if directive.path.is_empty() {
        return Err("the directive names no file".to_string());
    }
    let file = normalize(&chapter_dir.join(&directive.path));
    match book.trees.locate(&file) {
        Some((tree_language, inside)) if tree_language != book.language => {
            let Some(folder) = book.trees.folder(book.language) else {
                return Err(format!(
                    "no listing tree for language `{0}`: add `{0} = \"<folder>\"` to \
                     [preprocessor.listings.trees] in book.toml (the path points into the `{1}` tree)",
                    book.language, tree_language
                ));
            };
            let file = folder.join(inside);
            Ok((relative_path(chapter_dir, &file), file))
        }
        _ => Ok((directive.path.clone(), file)),
    }
}

/// Checks that the file exists and the selection yields at least one
/// non-blank line; the error names the missing file or anchor.
fn check_target(root: &Path, directive: &Directive, file: &Path) -> Result<(), String> {
    let shown_file = file.display();
    let text = match std::fs::read_to_string(root.join(file)) {
        Ok(text) => text,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            return Err(format!("file not found: {shown_file}"));
        }
        Err(error) => return Err(format!("cannot read {shown_file}: {error}")),
    };
    let mode = match directive.kind {
        DirectiveKind::RustdocInclude => AnchorMode::EverySection,
        DirectiveKind::Include | DirectiveKind::Playground => AnchorMode::FirstSection,
    };
    let lines = visible_lines(&text, &directive.selection, mode)
        .map_err(|error| format!("{error} in {shown_file}"))?;
    if lines.iter().all(|line| line.trim().is_empty()) {
        return Err(match &directive.selection {
            Selection::Whole => format!("{shown_file} is empty"),
            Selection::Lines { .. } => format!("the selected lines of {shown_file} are blank"),
            Selection::Anchor(name) => format!("anchor `{name}` in {shown_file} is empty"),
        });
    }
    Ok(())
}

/// The line of directive `index`: in the source file when its text is found
/// there (the same occurrence), else in the Markdown received (then
/// `true`: a translator changed the directive).
fn locate_line(
    content: &str,
    source_text: Option<&str>,
    directives: &[Directive],
    index: usize,
) -> (usize, bool) {
    let directive = &directives[index];
    let in_content = directive.line(content);
    let Some(source) = source_text.filter(|source| *source != content) else {
        return (in_content, false);
    };
    let text = directive.text(content);
    let occurrence = (directives[..index].iter())
        .filter(|earlier| earlier.text(content) == text)
        .count();
    match source.match_indices(text).nth(occurrence) {
        Some((offset, _)) => (line_of_offset(source, offset), false),
        None => (in_content, true),
    }
}

#[cfg(test)]
mod tests {
    //! The broken includes the real book's trials (`tests/testsuite/book.rs`:
    //! a missing file, a missing or unclosed anchor, several at once) do not
    //! already break.
    use super::*;
    use std::fs;

    const CHAPTER: &str = "# Title\n\n```rust\n{{#rustdoc_include ../en/a/lib.rs:here}}\n```\n\n\
                           {{#include ../en/a/out.txt}}\n\\{{#include ../en/nothing.rs}}\n";

    /// Runs one chapter (`src/ch.md`, its source file holding `source`) in a
    /// book with an English and a French tree (`en`, `fr`) holding one
    /// listing `a`, after `edit`; the Markdown and the problems.
    fn run(language: &str, content: &str, source: &str, edit: fn(&Path)) -> (String, Vec<String>) {
        let root = tempfile::tempdir().unwrap();
        for (tree, name) in [("en", "hello"), ("fr", "salutations")] {
            let dir = root.path().join(tree).join("a");
            fs::create_dir_all(&dir).unwrap();
            let lib = format!("// ANCHOR: here\npub fn {name}() {{}}\n// ANCHOR_END: here\n");
            fs::write(dir.join("lib.rs"), lib).unwrap();
            fs::write(dir.join("out.txt"), format!("$ cargo run\n{name}\n")).unwrap();
        }
        edit(root.path());
        let trees = ListingTrees::new([("en", "en"), ("fr", "fr")]);
        let book = BookSetting {
            root: root.path(),
            language,
            trees: &trees,
        };
        let mut problems = Vec::new();
        let chapter = Path::new("src/ch.md");
        let content = process_chapter(&book, chapter, content, Some(source), &mut problems);
        (content, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn points_every_listing_at_the_tree_of_the_book_language() {
        let french = CHAPTER.replace("../en/a", "../fr/a");
        for (language, content, expected) in [
            ("en", CHAPTER, CHAPTER),
            ("fr", CHAPTER, &french),
            (
                "en",
                "{{#include ../fr/a/out.txt}}",
                "{{#include ../en/a/out.txt}}",
            ),
            (
                "fr",
                "{{#include ../notes/a.md}}",
                "{{#include ../notes/a.md}}",
            ),
        ] {
            let (rewritten, _) = run(language, content, content, |_| {});
            assert_eq!(rewritten, expected, "{language}");
        }
    }

    /// Language, chapter, its source file, the edit of the book, and the
    /// start of each problem.
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        fn(&Path),
        &'static [&'static str],
    );

    #[test]
    fn every_broken_include_names_the_chapter_line_and_cause() {
        let empty: fn(&Path) = |root| {
            let anchor = "fn a() {}\n// ANCHOR: here\n\n// ANCHOR_END: here\n";
            fs::write(root.join("en/a/lib.rs"), anchor).unwrap();
            fs::write(root.join("en/a/out.txt"), "\n").unwrap();
        };
        let no_output: fn(&Path) = |root| fs::remove_file(root.join("fr/a/out.txt")).unwrap();
        let elsewhere = "{{#include ../en/a/lib.rs:2:10}}\n{{#include  }}\n\
                         {{#include ../notes/missing.md}}";
        // gettext reflows the Markdown: the line is still the source file's.
        let reflowed = "# Titre\n\n{{#include ../en/a/out.txt}}\n";
        let changed = "{{#include  ../en/a/out.txt}}\n";
        let rows: [Row; 5] = [
            (
                "en",
                CHAPTER,
                CHAPTER,
                empty,
                &[
                    "src/ch.md:4: {{#rustdoc_include ../en/a/lib.rs:here}}: \
                     anchor `here` in en/a/lib.rs is empty",
                    "src/ch.md:7: {{#include ../en/a/out.txt}}: en/a/out.txt is empty",
                ],
            ),
            (
                "fr",
                elsewhere,
                elsewhere,
                |_| {},
                &[
                    "src/ch.md:1: {{#include ../fr/a/lib.rs:2:10}}: \
                     lines 2 to 10 are outside the file (3 lines) in fr/a/lib.rs",
                    "src/ch.md:2: {{#include  }}: the directive names no file",
                    "src/ch.md:3: {{#include ../notes/missing.md}}: file not found: notes/missing.md",
                ],
            ),
            (
                "de",
                CHAPTER,
                CHAPTER,
                |_| {},
                &[
                    "src/ch.md:4: {{#rustdoc_include ../en/a/lib.rs:here}}: \
                     no listing tree for language `de`: add `de = \"<folder>\"`",
                    "src/ch.md:7: {{#include ../en/a/out.txt}}: no listing tree for",
                ],
            ),
            (
                "fr",
                reflowed,
                CHAPTER,
                no_output,
                &["src/ch.md:7: {{#include ../fr/a/out.txt}}: file not found: fr/a/out.txt"],
            ),
            (
                "fr",
                changed,
                CHAPTER,
                no_output,
                &["src/ch.md:1: {{#include  ../fr/a/out.txt}}: file not found: fr/a/out.txt \
                   (line of the translated Markdown: the translator changed the directive)"],
            ),
        ];
        for (language, content, source, edit, expected) in rows {
            let (_, problems) = run(language, content, source, edit);
            assert_eq!(problems.len(), expected.len(), "{problems:#?}");
            for (problem, expected) in problems.iter().zip(expected) {
                assert!(
                    problem.starts_with(expected),
                    "{problem}\nis not\n{expected}"
                );
            }
        }
    }
}
