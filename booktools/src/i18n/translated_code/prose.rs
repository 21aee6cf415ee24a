//! The prose of a chapter as `gettext` sees it ([`extract_messages`]), so
//! a message of a translated chapter is found back in the catalog and a
//! problem names the PO line to fix, not a line of the rebuilt Markdown.
//! A translated message is untranslated when the English chapter has it
//! and it holds natural language ([`is_prose`]).

use super::{english, excerpt};
use crate::book::RenderedChapter;
use crate::i18n::translation::PoFile;
use crate::Problem;
use anyhow::{Context, Result};
use mdbook_i18n_helpers::extract_messages;
use mdbook_markdown::pulldown_cmark::{Event, Tag};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use regex::Regex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The messages of a chapter outside code blocks: (line, text with
/// whitespace collapsed).
pub(super) fn messages(markdown: &str) -> Result<Vec<(usize, String)>> {
    let code_blocks: Vec<_> = parse(markdown)
        .filter(|(event, _)| matches!(event, Event::Start(Tag::CodeBlock(_))))
        .map(|(_, lines)| lines)
        .collect();
    // The code left out (its lines kept, empty, so the others keep their
    // numbers): what `gettext` extracts from code is not prose, and
    // highlighting every listing with syntect to extract it was most of
    // the cost of this check. A fence stays, so a block stays a block.
    let is_fence = |line: &str| {
        ["```", "~~~"]
            .iter()
            .any(|f| line.trim_start().starts_with(f))
    };
    let lines: Vec<&str> = markdown.split('\n').collect();
    let without_code: Vec<&str> = (lines.iter().enumerate())
        .map(|(index, &line)| {
            let number = index + 1;
            let in_code = code_blocks.iter().any(|block| {
                block.contains(&number)
                    && !((number == *block.start() || number == *block.end()) && is_fence(line))
            });
            if in_code {
                ""
            } else {
                line
            }
        })
        .collect();
    Ok(extract_messages(&without_code.join("\n"))
        .map_err(|error| anyhow::anyhow!("{error:?}"))
        .context("extracting the messages of a chapter")?
        .into_iter()
        .filter(|(line, _)| !code_blocks.iter().any(|lines| lines.contains(line)))
        .map(|(line, message)| (line, normalize(&message.message)))
        .collect())
}

pub(super) fn code_spans(markdown: &str) -> Vec<(usize, String)> {
    parse(markdown)
        .filter_map(|(event, lines)| match event {
            Event::Code(code) => Some((*lines.start(), code.to_string())),
            _ => None,
        })
        .collect()
}

fn parse(
    markdown: &str,
) -> impl Iterator<Item = (Event<'_>, std::ops::RangeInclusive<usize>)> + '_ {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(markdown.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let line_of = move |offset: usize| line_starts.partition_point(|&start| start <= offset);
    new_cmark_parser(markdown, &MarkdownOptions::default())
        .into_offset_iter()
        .map(move |(event, range)| {
            let first = line_of(range.start);
            let lines = markdown[range].trim_end_matches('\n').matches('\n').count();
            (event, first..=first + lines)
        })
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when a message holds natural language: once code spans and HTML
/// tags (autolinks included) are taken out, a whitespace-separated chunk
/// that is no URL, path (`/`) or file or domain name (`src/lib.rs`,
/// `crates.io`) has a run of two or more letters.
pub(super) fn is_prose(message: &str) -> bool {
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

/// A gettext catalog, its entries indexed by the text of their messages.
pub(super) struct Catalog {
    po: PoFile,
    /// Message text -> (entry, found by its msgstr rather than its msgid).
    by_text: HashMap<String, (usize, bool)>,
}

/// Where a message of a translated chapter comes from in the catalog.
pub(super) struct Origin {
    pub file: PathBuf,
    /// The line of the needle in the msgstr, or of the msgstr, or of the
    /// msgid for a message left in English.
    pub line: usize,
    /// The `#:` reference of the entry (`src/chapter.md`, 12).
    pub english: Option<(String, usize)>,
    pub untranslated: bool,
}

impl Catalog {
    /// Indexes the live entries of `po`: the text of a translation (not
    /// fuzzy) first, then the English text, which the book shows when the
    /// entry is untranslated or fuzzy.
    pub(super) fn new(po: PoFile) -> Self {
        let key = |text: &str| match extract_messages(text) {
            Ok(messages) => normalize(
                &messages
                    .into_iter()
                    .map(|(_, m)| m.message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(_) => normalize(text),
        };
        let mut by_text = HashMap::new();
        let live = || {
            po.entries
                .iter()
                .enumerate()
                .filter(|(_, entry)| !entry.obsolete)
        };
        for (index, entry) in live() {
            if entry.is_translated() && !entry.is_fuzzy() {
                by_text
                    .entry(key(&entry.msgstr[0]))
                    .or_insert((index, true));
            }
        }
        for (index, entry) in live() {
            by_text.entry(key(&entry.msgid)).or_insert((index, false));
        }
        Self { po, by_text }
    }

    /// The origin of the message `text` of `chapter`; `needle`, when given,
    /// is searched in the translation for the exact line.
    pub(super) fn locate(
        &self,
        text: &str,
        needle: Option<&str>,
        chapter: &Path,
    ) -> Option<Origin> {
        let &(index, in_msgstr) = self.by_text.get(text)?;
        let entry = &self.po.entries[index];
        let line = if in_msgstr {
            let offset = needle.and_then(|needle| entry.msgstr[0].find(needle));
            offset.map_or(entry.msgstr_line, |offset| entry.msgstr_line_at(offset))
        } else {
            entry.msgid_line
        };
        let references: Vec<(&str, usize)> = entry
            .references
            .iter()
            .filter_map(|reference| {
                let (file, line) = reference.rsplit_once(':')?;
                Some((file, line.parse().ok()?))
            })
            .collect();
        let english = references
            .iter()
            .find(|(file, _)| Path::new(file) == chapter)
            .or(references.first())
            .map(|(file, line)| (file.to_string(), *line));
        Some(Origin {
            file: self.po.path.clone(),
            line,
            english,
            untranslated: !in_msgstr || entry.msgstr[0] == entry.msgid,
        })
    }
}

/// The messages of the `translated` chapters left as in the `english`
/// chapters of the same source file.
pub(super) fn untranslated(
    root: &Path,
    english_chapters: &[RenderedChapter],
    translated: &[RenderedChapter],
    catalog: &Catalog,
) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for chapter in translated {
        let Some(original) = english_chapters
            .iter()
            .find(|candidate| candidate.source_path == chapter.source_path)
        else {
            continue;
        };
        let chapter_file = root.join(&chapter.source_path);
        let mut english_lines = HashMap::new();
        for (line, text) in messages(&original.content)? {
            english_lines.entry(text).or_insert(line);
        }
        for (_, text) in messages(&chapter.content)? {
            let Some(&english_line) = english_lines.get(&text).filter(|_| is_prose(&text)) else {
                continue;
            };
            let message = format!(
                "paragraph identical to the English: “{}”",
                excerpt(&text, 70)
            );
            let english = english(&chapter_file, Some(english_line));
            // A message no entry gives is one the catalog lacks, which the
            // completeness check of the catalogs reports.
            if let Some(origin) = catalog.locate(&text, None, &chapter.source_path) {
                let message = format!("{message}{english}");
                problems.push(Problem::at(origin.file, origin.line, message));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_code_spans_with_their_lines_code_blocks_aside() {
        let markdown = "# Title with `Code`\n\nFirst line,\nsecond `x::y` line.\n\n```rust\n// note\nlet x = \"no\";\n```\n\n- item `a`\n- item two\n";
        let messages = messages(markdown).unwrap();
        let expected = [
            (1, "Title with `Code`"),
            (3, "First line, second `x::y` line."),
            (11, "item `a`"),
            (12, "item two"),
        ];
        assert_eq!(
            messages,
            expected.map(|(line, text)| (line, text.to_string()))
        );
        assert_eq!(
            code_spans(markdown),
            [(1, "Code".into()), (4, "x::y".into()), (11, "a".into())]
        );
    }

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
}
