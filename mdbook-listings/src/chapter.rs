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
    /// The book's language.
    pub language: &'a str,
    /// The listing trees.
    pub trees: &'a ListingTrees,
}

/// A chapter to process.
#[derive(Debug, Clone)]
pub struct ChapterInput<'a> {
    /// The chapter's source file relative to the book root (`src/ch.md`);
    /// directive paths are relative to its directory.
    pub source_file: PathBuf,
    /// The chapter's Markdown as it reaches the preprocessor (translated for
    /// a translated book).
    pub content: &'a str,
    /// The source file's text on disk, to report lines of the source file
    /// when `content` was translated; `None` when it cannot be read.
    pub source_text: Option<&'a str>,
}

/// The result for one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterOutput {
    /// The Markdown with every listing path pointing at the book language's
    /// tree.
    pub content: String,
    /// The broken directives.
    pub problems: Vec<Problem>,
}

/// Rewrites and checks every directive of one chapter.
pub fn process_chapter(book: &BookSetting<'_>, chapter: &ChapterInput<'_>) -> ChapterOutput {
    let chapter_dir = normalize(chapter.source_file.parent().unwrap_or(Path::new("")));
    let directives = find_directives(chapter.content);
    let mut content = String::with_capacity(chapter.content.len());
    let mut copied_up_to = 0;
    let mut problems = Vec::new();
    for (index, directive) in directives.iter().enumerate() {
        let retargeted = retarget(book, &chapter_dir, directive);
        let new_path = match &retargeted {
            Ok(target) => target.written.as_str(),
            Err(_) => directive.path.as_str(),
        };
        let shown_directive = format!(
            "{}{}{}",
            &chapter.content[directive.span.start..directive.path_span.start],
            new_path,
            &chapter.content[directive.path_span.end..directive.span.end],
        );
        let problem = match &retargeted {
            Ok(target) => check_target(book.root, directive, target).err(),
            Err(message) => Some(message.clone()),
        };
        if let Some(message) = problem {
            let (line, translated) = locate_line(chapter, &directives, index);
            let whose = if translated {
                " (line of the translated Markdown: the translator changed the directive)"
            } else {
                ""
            };
            problems.push(Problem::at(
                &chapter.source_file,
                line,
                format!("{shown_directive}: {message}{whose}"),
            ));
        }
        content.push_str(&chapter.content[copied_up_to..directive.span.start]);
        content.push_str(&shown_directive);
        copied_up_to = directive.span.end;
    }
    content.push_str(&chapter.content[copied_up_to..]);
    ChapterOutput { content, problems }
}

/// The file a directive reads once pointed at the book language's tree.
#[derive(Debug, Clone)]
struct Target {
    /// The path to write in the directive (relative to the chapter).
    written: String,
    /// The file, relative to the book root (or absolute), for reading it and
    /// for messages.
    file: PathBuf,
}

/// Points `directive` at the book language's tree when it reads from any
/// listing tree.
fn retarget(
    book: &BookSetting<'_>,
    chapter_dir: &Path,
    directive: &Directive,
) -> Result<Target, String> {
    if directive.path.is_empty() {
        return Err("the directive names no file".to_string());
    }
    let written = Path::new(&directive.path);
    if written.is_absolute() {
        return Ok(Target {
            written: directive.path.clone(),
            file: written.to_path_buf(),
        });
    }
    let file = normalize(&chapter_dir.join(written));
    let Some((tree_language, inside)) = book.trees.locate(&file) else {
        return Ok(Target {
            written: directive.path.clone(),
            file,
        });
    };
    if tree_language == book.language {
        return Ok(Target {
            written: directive.path.clone(),
            file,
        });
    }
    let Some(folder) = book.trees.folder(book.language) else {
        return Err(format!(
            "no listing tree for language `{}`: add `{} = \"<folder>\"` to \
             [preprocessor.listings.trees] in book.toml (the path points into the `{}` tree)",
            book.language, book.language, tree_language
        ));
    };
    let file = folder.join(inside);
    Ok(Target {
        written: relative_path(chapter_dir, &file),
        file,
    })
}

/// Checks that the file exists and the selection yields at least one
/// non-blank line; the error names the missing file or anchor.
fn check_target(root: &Path, directive: &Directive, target: &Target) -> Result<(), String> {
    let shown_file = target.file.display();
    let text = match std::fs::read_to_string(root.join(&target.file)) {
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
        let what = match &directive.selection {
            Selection::Whole => format!("{shown_file} is empty"),
            Selection::Lines { .. } => format!("the selected lines of {shown_file} are blank"),
            Selection::Anchor(name) => format!("anchor `{name}` in {shown_file} is empty"),
        };
        return Err(what);
    }
    Ok(())
}

/// The line of directive `index`: in the source file when its text is found
/// there (the same occurrence), else in the Markdown received (then
/// `true`: a translator changed the directive).
fn locate_line(
    chapter: &ChapterInput<'_>,
    directives: &[Directive],
    index: usize,
) -> (usize, bool) {
    let directive = &directives[index];
    let in_content = directive.line(chapter.content);
    let Some(source) = chapter.source_text else {
        return (in_content, false);
    };
    if source == chapter.content {
        return (in_content, false);
    }
    let text = directive.text(chapter.content);
    let occurrence = directives[..index]
        .iter()
        .filter(|earlier| earlier.text(chapter.content) == text)
        .count();
    match source.match_indices(text).nth(occurrence) {
        Some((offset, _)) => (line_of_offset(source, offset), false),
        None => (in_content, true),
    }
}

#[cfg(test)]
mod tests {
    /// What a problem says after the directive it names.
    fn what(problem: &Problem) -> &str {
        problem
            .message
            .split_once("}}: ")
            .map_or(problem.message.as_str(), |(_, what)| what)
    }
    use super::*;
    use std::fs;

    /// A book root with an English and a French tree holding one listing.
    fn book_root() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for (tree, name) in [("listings-sources", "hello"), ("listings", "salutations")] {
            let dir = root.path().join(tree).join("ch20/listing-1/src");
            fs::create_dir_all(&dir).unwrap();
            fs::write(
                dir.join("lib.rs"),
                format!("use std::thread;\n// ANCHOR: here\npub fn {name}() {{}}\n// ANCHOR_END: here\n"),
            )
            .unwrap();
            fs::write(dir.join("../output.txt"), format!("$ cargo run\n{name}\n")).unwrap();
        }
        root
    }

    fn trees() -> ListingTrees {
        ListingTrees::new([("en", "listings-sources"), ("fr", "listings")])
    }

    fn run(root: &Path, language: &str, content: &str) -> ChapterOutput {
        let trees = trees();
        let book = BookSetting {
            root,
            language,
            trees: &trees,
        };
        process_chapter(
            &book,
            &ChapterInput {
                source_file: PathBuf::from("src/ch.md"),
                content,
                source_text: Some(content),
            },
        )
    }

    const CHAPTER: &str = "# Title\n\n```rust\n\
        {{#rustdoc_include ../listings-sources/ch20/listing-1/src/lib.rs:here}}\n```\n\n\
        ```console\n{{#include ../listings-sources/ch20/listing-1/output.txt}}\n```\n\
        Escaped: \\{{#include ../listings-sources/nothing.rs}}\n";

    #[test]
    fn english_book_keeps_english_paths() {
        let root = book_root();
        let output = run(root.path(), "en", CHAPTER);
        assert_eq!(output.problems, vec![]);
        assert_eq!(output.content, CHAPTER);
    }

    #[test]
    fn french_book_points_every_listing_at_the_french_tree() {
        let root = book_root();
        let output = run(root.path(), "fr", CHAPTER);
        assert_eq!(output.problems, vec![]);
        assert!(output
            .content
            .contains("{{#rustdoc_include ../listings/ch20/listing-1/src/lib.rs:here}}"));
        assert!(output
            .content
            .contains("{{#include ../listings/ch20/listing-1/output.txt}}"));
        let directives = find_directives(&output.content);
        assert_eq!(directives.len(), 2);
        assert!(directives
            .iter()
            .all(|directive| directive.path.starts_with("../listings/")));
        // The escaped directive is left as written.
        assert!(output
            .content
            .contains("\\{{#include ../listings-sources/nothing.rs}}"));
    }

    #[test]
    fn french_paths_in_an_english_book_go_back_to_the_english_tree() {
        let root = book_root();
        let output = run(
            root.path(),
            "en",
            "{{#include ../listings/ch20/listing-1/output.txt}}\n",
        );
        assert_eq!(output.problems, vec![]);
        assert_eq!(
            output.content,
            "{{#include ../listings-sources/ch20/listing-1/output.txt}}\n"
        );
    }

    #[test]
    fn missing_french_listing_names_the_french_path() {
        let root = book_root();
        fs::remove_file(root.path().join("listings/ch20/listing-1/output.txt")).unwrap();
        let output = run(root.path(), "fr", CHAPTER);
        assert_eq!(
            output.problems,
            vec![Problem::at(
                "src/ch.md",
                8,
                "{{#include ../listings/ch20/listing-1/output.txt}}: \
                 file not found: listings/ch20/listing-1/output.txt"
            )]
        );
    }

    #[test]
    fn missing_anchor_is_reported_with_its_file() {
        let root = book_root();
        let lib = root
            .path()
            .join("listings-sources/ch20/listing-1/src/lib.rs");
        fs::write(&lib, "pub fn hello() {}\n// ANCHOR_END: here\n").unwrap();
        let output = run(root.path(), "en", CHAPTER);
        assert_eq!(output.problems.len(), 1);
        assert_eq!(
            output.problems[0].to_string(),
            "src/ch.md:4: {{#rustdoc_include ../listings-sources/ch20/listing-1/src/lib.rs:here}}: \
             anchor `here` not found in listings-sources/ch20/listing-1/src/lib.rs"
        );
    }

    #[test]
    fn unclosed_anchor_is_an_error() {
        let root = book_root();
        let lib = root
            .path()
            .join("listings-sources/ch20/listing-1/src/lib.rs");
        fs::write(&lib, "// ANCHOR: here\npub fn hello() {}\n").unwrap();
        let output = run(root.path(), "en", CHAPTER);
        assert_eq!(
            what(&output.problems[0]),
            "anchor `here` has no `ANCHOR_END: here` in listings-sources/ch20/listing-1/src/lib.rs"
        );
    }

    #[test]
    fn empty_anchor_and_empty_file_are_errors() {
        let root = book_root();
        let lib = root
            .path()
            .join("listings-sources/ch20/listing-1/src/lib.rs");
        fs::write(&lib, "fn a() {}\n// ANCHOR: here\n\n// ANCHOR_END: here\n").unwrap();
        let output_txt = root
            .path()
            .join("listings-sources/ch20/listing-1/output.txt");
        fs::write(&output_txt, "\n").unwrap();
        let output = run(root.path(), "en", CHAPTER);
        let messages: Vec<&str> = output.problems.iter().map(what).collect();
        assert_eq!(
            messages,
            vec![
                "anchor `here` in listings-sources/ch20/listing-1/src/lib.rs is empty",
                "listings-sources/ch20/listing-1/output.txt is empty",
            ]
        );
    }

    #[test]
    fn line_range_outside_the_file_is_an_error() {
        let root = book_root();
        let output = run(
            root.path(),
            "en",
            "{{#include ../listings-sources/ch20/listing-1/src/lib.rs:3:10}}\n",
        );
        assert_eq!(
            what(&output.problems[0]),
            "lines 3 to 10 are outside the file (4 lines) in \
             listings-sources/ch20/listing-1/src/lib.rs"
        );
        let fine = run(
            root.path(),
            "en",
            "{{#include ../listings-sources/ch20/listing-1/src/lib.rs:3:4}}\n",
        );
        assert_eq!(fine.problems, vec![]);
    }

    #[test]
    fn language_without_a_tree_is_an_error() {
        let root = book_root();
        let output = run(root.path(), "de", CHAPTER);
        assert_eq!(output.problems.len(), 2);
        assert!(what(&output.problems[0]).starts_with("no listing tree for language `de`"));
    }

    #[test]
    fn directive_without_a_file_is_an_error() {
        let root = book_root();
        let output = run(root.path(), "en", "text\n{{#include  }}\n");
        assert_eq!(output.problems.len(), 1);
        assert_eq!(output.problems[0].line, Some(2));
        assert_eq!(what(&output.problems[0]), "the directive names no file");
    }

    #[test]
    fn files_outside_the_trees_are_checked_too() {
        let root = book_root();
        let output = run(root.path(), "fr", "{{#include ../notes/missing.md}}\n");
        assert_eq!(
            what(&output.problems[0]),
            "file not found: notes/missing.md"
        );
        assert_eq!(output.content, "{{#include ../notes/missing.md}}\n");
    }

    #[test]
    fn translated_chapter_reports_the_line_of_the_source_file() {
        let root = book_root();
        fs::remove_file(root.path().join("listings/ch20/listing-1/output.txt")).unwrap();
        let trees = trees();
        let book = BookSetting {
            root: root.path(),
            language: "fr",
            trees: &trees,
        };
        // gettext reflows the Markdown: the directive moved to line 3.
        let translated = "# Titre\n\n{{#include ../listings-sources/ch20/listing-1/output.txt}}\n";
        let output = process_chapter(
            &book,
            &ChapterInput {
                source_file: PathBuf::from("src/ch.md"),
                content: translated,
                source_text: Some(CHAPTER),
            },
        );
        assert_eq!(output.problems[0].line, Some(8));
        let changed_by_translator = "{{#include  ../listings-sources/ch20/listing-1/output.txt}}\n";
        let output = process_chapter(
            &book,
            &ChapterInput {
                source_file: PathBuf::from("src/ch.md"),
                content: changed_by_translator,
                source_text: Some(CHAPTER),
            },
        );
        assert_eq!(output.problems[0].line, Some(1));
        assert!(output.problems[0].message.contains("translated Markdown"));
    }
}
