//! Spell checking of the English Markdown of `src/` and every translated
//! msgstr, each against the Hunspell dictionary of its language
//! (`spellbook`): `dictionaries/<lang>/index.{aff,dic}` plus `words.txt`,
//! the project's words in `.dic` syntax. Only pulldown-cmark's text events
//! are words (no code, HTML or link destination); directives are blanked
//! and chunks shaped like paths or URLs skipped.

use crate::languages::BookLayout;
use crate::Problem;
use anyhow::{Context, Result};
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use regex::{Captures, Regex};
pub use spellbook::Dictionary;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// The folder of the dictionaries, relative to the repository root.
pub const DICTIONARIES: &str = "dictionaries";

/// The project's word list in each language folder.
pub const WORD_LIST: &str = "words.txt";

/// Apostrophes that elide a word (`l’encart`, `qu'il`, `we’re`).
const APOSTROPHES: [char; 2] = ['\'', '’'];

/// The dictionary of `language` in `dictionaries`, with its word list
/// added. Loading takes a noticeable time (the French `.dic` holds 84k
/// stems), so each folder is loaded once per process and shared.
pub fn dictionary(dictionaries: &Path, language: &str) -> Result<Arc<Dictionary>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Dictionary>>>> = OnceLock::new();
    let folder = dictionaries.join(language);
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .expect("no panic while loading");
    if let Some(dictionary) = loaded.get(&folder) {
        return Ok(dictionary.clone());
    }
    let read = |name: &str| {
        let path = folder.join(name);
        std::fs::read_to_string(&path)
            .with_context(|| format!("no {language} dictionary: reading {}", path.display()))
    };
    let mut dictionary = Dictionary::new(&read("index.aff")?, &read("index.dic")?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", folder.display()))?;
    let words = read(WORD_LIST)?;
    for (index, line) in words.lines().enumerate() {
        let word = line.trim();
        if !word.is_empty() && !word.starts_with('#') {
            dictionary.add(word).map_err(|error| {
                anyhow::anyhow!(
                    "{}:{}: {error:?}",
                    folder.join(WORD_LIST).display(),
                    index + 1
                )
            })?;
        }
    }
    let dictionary = Arc::new(dictionary);
    loaded.insert(folder, dictionary.clone());
    Ok(dictionary)
}

/// Every unknown word of the book at `root`: the Markdown of `src/` in the
/// book's language, and the translated msgstrs of each catalog in its own.
pub fn check_book(root: &Path, dictionaries: &Path) -> Result<Vec<Problem>> {
    let layout = BookLayout::load(root)?;
    let mut problems = Vec::new();
    let english = dictionary(dictionaries, &layout.source_language)?;
    for path in super::files_under(std::slice::from_ref(&layout.src))? {
        if path.extension().is_some_and(|extension| extension == "md") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            problems.extend(
                misspellings(&english, &text)
                    .into_iter()
                    .map(|(at, message)| {
                        Problem::at(&path, 1 + text[..at].matches('\n').count(), message)
                    }),
            );
        }
    }
    for language in layout.translated() {
        let catalog = layout.po_file(&language.code);
        let dictionary = dictionary(dictionaries, &language.code)?;
        let po = crate::i18n::translation::read_po(&catalog)?;
        for entry in po.live_entries().filter(|entry| entry.is_translated()) {
            let found = misspellings(&dictionary, &entry.msgstr[0]);
            problems.extend(
                found
                    .into_iter()
                    .map(|(at, message)| Problem::at(&catalog, entry.msgstr_line_at(at), message)),
            );
        }
    }
    Ok(problems)
}

/// The unknown words of a Markdown text: (byte offset, message naming the
/// word and up to three suggestions).
pub fn misspellings(dictionary: &Dictionary, markdown: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (at, word) in prose_words(markdown) {
        if !is_known(dictionary, word) {
            let mut suggestions = Vec::new();
            dictionary.suggest(word, &mut suggestions);
            suggestions.truncate(3);
            let hint = match suggestions.is_empty() {
                true => "no suggestion".to_string(),
                false => format!("did you mean {}?", suggestions.join(", ")),
            };
            found.push((at, format!("unknown word `{word}`; {hint}")));
        }
    }
    found
}

/// A word the dictionary knows as written, or whose parts it knows: an
/// elision (`l’encart`: `l’` and `encart`) or a hyphenated compound
/// (`thread-pool`) that Hunspell does not list whole.
fn is_known(dictionary: &Dictionary, word: &str) -> bool {
    if dictionary.check(word) {
        return true;
    }
    if let Some(at) = word.find(APOSTROPHES) {
        let (elided, rest) =
            word.split_at(at + word[at..].chars().next().map_or(0, char::len_utf8));
        let elided_known =
            dictionary.check(elided) || dictionary.check(elided.trim_end_matches(APOSTROPHES));
        return elided_known && (rest.is_empty() || is_known(dictionary, rest));
    }
    word.contains('-')
        && word
            .split('-')
            .all(|part| part.is_empty() || is_known(dictionary, part))
}

/// The words of the prose of `markdown`, with their byte offsets: the text
/// events only (contiguous ones read as one run of the source, so a word is
/// never cut where pulldown-cmark splits its events), outside code blocks.
pub fn prose_words(markdown: &str) -> Vec<(usize, &str)> {
    let blanked = blank_directives(markdown);
    let mut options = MarkdownOptions::default();
    // Curly quotes would come out as separate events, cutting `l'encart`.
    options.smart_punctuation = false;
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    let mut in_code_block = false;
    for (event, range) in new_cmark_parser(&blanked, &options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(_) | Event::SoftBreak if !in_code_block => match runs.last_mut() {
                Some(run) if run.end == range.start => run.end = range.end,
                _ => runs.push(range),
            },
            _ => {}
        }
    }
    let mut found = Vec::new();
    for run in runs {
        for chunk in markdown[run.clone()].split(char::is_whitespace) {
            if looks_like_code(chunk) {
                continue;
            }
            for word in chunk
                .split(|c: char| !(c.is_alphanumeric() || c == '-' || APOSTROPHES.contains(&c)))
            {
                let word = word.trim_matches(|c: char| !c.is_alphanumeric());
                if !word.is_empty() && !word.chars().any(|c| c.is_ascii_digit()) {
                    found.push((word.as_ptr() as usize - markdown.as_ptr() as usize, word));
                }
            }
        }
    }
    found
}

/// A path, a URL, an address, an entity or a qualified name: not prose.
fn looks_like_code(chunk: &str) -> bool {
    let between_letters = |separator: char| {
        chunk.match_indices(separator).any(|(at, _)| {
            let before = chunk[..at].chars().next_back();
            let after = chunk[at + 1..].chars().next();
            before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
        })
    };
    chunk.contains(['/', '\\', '_', '@', '&', '<', '>', '='])
        || between_letters('.')
        || between_letters(':')
}

/// `markdown` with every mdBook directive (`{{#include ...}}`) turned into
/// spaces, newlines kept, so offsets and lines stay those of the source.
fn blank_directives(markdown: &str) -> String {
    static DIRECTIVE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)\{\{#.*?\}\}").expect("a valid regex"));
    // Byte for byte, so every offset stays.
    let blank = |found: &Captures| -> String {
        let bytes = found[0].bytes();
        bytes.map(|b| if b == b'\n' { '\n' } else { ' ' }).collect()
    };
    DIRECTIVE.replace_all(markdown, blank).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_reads_only_the_prose() {
        let markdown =
            "Use `zzqa` and [the link](https://zzqb.invalid/) <span class=\"zzqc\">shown</span>\n\
            at <http://127.0.0.1:7878/zzqd> in src/zzqe.rs\n\n```rust\nlet zzqf = 1;\n```\n\n\
            {{#include ../zzqg/lib.rs:here}}\n";
        let found: Vec<&str> = prose_words(markdown)
            .into_iter()
            .map(|(_, word)| word)
            .collect();
        assert_eq!(found, ["Use", "and", "the", "link", "shown", "at", "in"]);
    }
}
