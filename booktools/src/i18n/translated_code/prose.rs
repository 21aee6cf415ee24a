//! The prose of a language: its code spans, and the translations left as
//! their English where it holds natural language ([`is_prose`]).

use super::{english_source, excerpt};
use crate::i18n::translation::PoFile;
use crate::Problem;
use mdbook_markdown::pulldown_cmark::Event;
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// The code spans of `markdown`, each with its byte offset.
pub(super) fn code_spans(markdown: &str) -> Vec<(usize, String)> {
    new_cmark_parser(markdown, &MarkdownOptions::default())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(code) => Some((range.start, code.to_string())),
            _ => None,
        })
        .collect()
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

/// The translated entries of `po` whose translation is their English.
pub(super) fn untranslated(root: &Path, po: &PoFile) -> Vec<Problem> {
    let normalize = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    (po.live_entries())
        .filter(|entry| entry.is_translated() && !entry.is_fuzzy())
        .filter(|entry| normalize(&entry.msgstr[0]) == normalize(&entry.msgid))
        .filter(|entry| is_prose(&entry.msgid))
        .map(|entry| {
            let message = format!(
                "paragraph identical to the English: “{}”{}",
                excerpt(&normalize(&entry.msgid), 70),
                english_source(root, entry)
            );
            Problem::at(&po.path, entry.msgstr_line, message)
        })
        .collect()
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
}
