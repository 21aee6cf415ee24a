//! From a block of a translated chapter back to its PO entry, so a problem
//! names the line of the catalog to fix rather than a line of the
//! Markdown the `gettext` preprocessor rebuilt.
//!
//! A block is found by its normalized text ([`super::markdown::blocks`]):
//! the entry whose translation gives that text, or, for a block the
//! catalog left in English (no entry, empty or fuzzy translation), the
//! entry whose message gives it.

use super::markdown::blocks;
use super::problem::Location;
use crate::i18n::translation::{PoEntry, PoFile};
use std::collections::HashMap;

/// Where a block of a translated chapter comes from in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The catalog and the line (of the text or code span in the msgstr,
    /// or of the msgid for an English block).
    pub location: Location,
    /// The English source of the message (`src/chapter.md:12`), from the
    /// entry's `#:` reference in the same file when there is one.
    pub english: Option<Location>,
    /// True when the block is the English message (not translated).
    pub untranslated: bool,
}

/// The entries of a catalog indexed by the text of their blocks.
pub struct PoLocator<'a> {
    po: &'a PoFile,
    by_msgstr: HashMap<String, usize>,
    by_msgid: HashMap<String, usize>,
}

impl<'a> PoLocator<'a> {
    /// Indexes the live entries of `po`.
    pub fn new(po: &'a PoFile) -> Self {
        let mut by_msgstr = HashMap::new();
        let mut by_msgid = HashMap::new();
        for (index, entry) in po.entries.iter().enumerate() {
            if entry.obsolete {
                continue;
            }
            by_msgid.entry(block_text(&entry.msgid)).or_insert(index);
            if !entry.is_fuzzy() && entry.is_translated() {
                by_msgstr
                    .entry(block_text(&entry.msgstr[0]))
                    .or_insert(index);
            }
        }
        Self {
            po,
            by_msgstr,
            by_msgid,
        }
    }

    /// The origin of the block whose normalized text is `text`;
    /// `needle`, when given, is searched in the entry's text for the exact
    /// line (a code span, in backquotes).
    pub fn locate(&self, text: &str, needle: Option<&str>, chapter: &str) -> Option<Origin> {
        if let Some(&index) = self.by_msgstr.get(text) {
            let entry = &self.po.entries[index];
            let line = needle
                .and_then(|needle| entry.msgstr[0].find(needle))
                .map_or(entry.msgstr_line, |offset| entry.msgstr_line_at(offset));
            // `msgstr = msgid` is a translation identical to the English.
            let untranslated = entry.msgstr[0] == entry.msgid;
            return Some(self.origin(entry, line, chapter, untranslated));
        }
        let &index = self.by_msgid.get(text)?;
        let entry = &self.po.entries[index];
        Some(self.origin(entry, entry.msgid_line, chapter, true))
    }

    fn origin(&self, entry: &PoEntry, line: usize, chapter: &str, untranslated: bool) -> Origin {
        Origin {
            location: Location::at(&self.po.path, line),
            english: english_reference(entry, chapter),
            untranslated,
        }
    }
}

/// The normalized text of a message, as [`blocks`] gives it for the same
/// Markdown in a chapter.
fn block_text(message: &str) -> String {
    blocks(message)
        .into_iter()
        .map(|block| block.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `#:` reference of `entry` into `chapter` (`src/chapter.md`), or its
/// first reference.
fn english_reference(entry: &PoEntry, chapter: &str) -> Option<Location> {
    let parse = |reference: &String| {
        let (file, line) = reference.rsplit_once(':')?;
        Some(Location::at(file, line.parse().ok()?))
    };
    entry
        .references
        .iter()
        .filter_map(parse)
        .find(|location| location.file.as_os_str() == chapter)
        .or_else(|| entry.references.iter().find_map(parse))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::translation::parse_po;
    use std::path::Path;

    const PO: &str = "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"POT-Creation-Date: \\n\"\n\"PO-Revision-Date: \\n\"\n\"Language-Team: \\n\"\n\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\"Language: xx\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\n\
#: src/a.md:3 src/b.md:9\nmsgid \"Use the `Pool` type.\"\nmsgstr \"\"\n\"Utilisez le \"\n\"type `Groupe`.\"\n\n\
#: src/a.md:5\nmsgid \"Left alone.\"\nmsgstr \"\"\n\n\
#: src/a.md:7\nmsgid \"Same.\"\nmsgstr \"Same.\"\n";

    #[test]
    fn finds_the_line_of_a_code_span_in_the_translation() {
        let po = parse_po(Path::new("xx.po"), PO.as_bytes()).unwrap();
        let locator = PoLocator::new(&po);
        let origin = locator
            .locate("Utilisez le type `Groupe`.", Some("`Groupe`"), "src/b.md")
            .unwrap();
        assert_eq!(origin.location, Location::at("xx.po", 17));
        assert_eq!(origin.english, Some(Location::at("src/b.md", 9)));
        assert!(!origin.untranslated);
    }

    #[test]
    fn an_english_block_is_found_by_its_message() {
        let po = parse_po(Path::new("xx.po"), PO.as_bytes()).unwrap();
        let locator = PoLocator::new(&po);
        let origin = locator.locate("Left alone.", None, "src/a.md").unwrap();
        assert_eq!(origin.location, Location::at("xx.po", 20));
        assert!(origin.untranslated);
        let origin = locator.locate("Same.", None, "src/a.md").unwrap();
        assert_eq!(origin.location, Location::at("xx.po", 25));
        assert!(origin.untranslated);
        assert!(locator.locate("Unknown.", None, "src/a.md").is_none());
    }
}
