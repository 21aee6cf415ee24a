//! Untranslated prose: a block of a translated chapter (paragraph,
//! heading, list item, table cell) whose text is the text of a block of the
//! English chapter.
//!
//! Only blocks of natural language count ([`super::markdown::Block::is_prose`]):
//! a block made only of code spans, URLs, file or domain names, numbers,
//! HTML tags and punctuation reads the same in every language and is not
//! reported. Code blocks are not prose. Texts are compared normalized
//! (whitespace collapsed, code spans and inline HTML kept), so rewrapping
//! does not hide an untranslated paragraph.

use super::markdown::{blocks, Block};
use super::po_locator::PoLocator;
use super::problem::{Check, Location, Problem};
use crate::book::RenderedChapter;
use std::collections::HashMap;
use std::path::Path;

/// At most this many characters of a paragraph in a problem.
const EXCERPT: usize = 70;

/// The untranslated blocks of the `language` chapters, against the English
/// chapters of the same source file.
pub fn untranslated_blocks(
    root: &Path,
    language: &str,
    english: &[RenderedChapter],
    translated: &[RenderedChapter],
    locator: Option<&PoLocator>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for chapter in translated {
        let Some(original) = english
            .iter()
            .find(|candidate| candidate.source_path == chapter.source_path)
        else {
            continue;
        };
        let chapter_file = root.join(&chapter.source_path);
        let mut english_lines: HashMap<String, usize> = HashMap::new();
        for block in blocks(&original.content) {
            english_lines.entry(block.text).or_insert(block.line);
        }
        for block in blocks(&chapter.content).into_iter().filter(Block::is_prose) {
            let Some(&english_line) = english_lines.get(&block.text) else {
                continue;
            };
            let english = Location::at(&chapter_file, english_line);
            let message = format!(
                "paragraph identical to the English: “{}”",
                excerpt(&block.text)
            );
            let origin = locator.and_then(|locator| {
                locator.locate(
                    &block.text,
                    None,
                    chapter.source_path.to_str().unwrap_or_default(),
                )
            });
            let (location, message) = match origin {
                Some(origin) => (origin.location, message),
                None => (
                    english.clone(),
                    format!("{message} (no entry of the `{language}` catalog gives it)"),
                ),
            };
            problems.push(Problem {
                check: Check::UntranslatedProse,
                language: language.to_string(),
                location,
                english: Some(english),
                message,
            });
        }
    }
    problems
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT {
        text.to_string()
    } else {
        let short: String = text.chars().take(EXCERPT).collect();
        format!("{short}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn chapter(content: &str) -> RenderedChapter {
        RenderedChapter {
            source_path: PathBuf::from("src/c.md"),
            path: PathBuf::from("c.md"),
            name: "C".to_string(),
            content: content.to_string(),
        }
    }

    #[test]
    fn reports_identical_prose_only() {
        let english = [chapter(
            "# Title\n\nA paragraph\nof prose.\n\n`Worker::new`\n\n<https://a.org/>\n\n```\ncode\n```\n",
        )];
        let translated = [chapter(
            "# Titre\n\nA paragraph of prose.\n\n`Worker::new`\n\n<https://a.org/>\n\n```\ncode\n```\n",
        )];
        let problems = untranslated_blocks(Path::new("/b"), "xx", &english, &translated, None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].location, Location::at("/b/src/c.md", 3));
        assert!(problems[0]
            .message
            .starts_with("paragraph identical to the English: “A paragraph of prose.”"));
    }
}
