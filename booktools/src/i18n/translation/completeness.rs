//! Completeness of a catalog against the English sources as they are now.
//!
//! The reference is a template extracted afresh from `src/` (never the
//! committed `po/messages.pot`, which may be stale). The `gettext`
//! preprocessor silently keeps the English of a message that is missing,
//! empty or fuzzy, so each of those is a problem, and so is an entry the
//! sources no longer have (stale or `#~` obsolete): the catalog must be
//! exactly the translation of today's sources.

use super::po_file::PoFile;
use super::{with_source, Problem};
use polib::catalog::Catalog;
use std::collections::HashSet;

/// At most this many characters of a msgid in a message.
const MSGID_EXCERPT: usize = 60;

/// The problems of `po` as a translation of `template`.
pub fn check_catalog(po: &PoFile, template: &Catalog, language: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = |line: Option<usize>, source: Option<String>, message: String| Problem {
        file: po.path.clone(),
        line,
        message: with_source(message, source.as_deref()),
    };

    let header_line = Some(po.header_line);
    match po.header_field("Language") {
        Some(code) if code == language => {}
        other => problems.push(at(
            header_line,
            None,
            format!(
                "header `Language: {}`, expected `{language}`",
                other.unwrap_or("")
            ),
        )),
    }
    let content_type = po.header_field("Content-Type").unwrap_or("");
    if !content_type.to_ascii_lowercase().contains("charset=utf-8") {
        problems.push(at(
            header_line,
            None,
            format!("header `Content-Type: {content_type}`, expected charset=UTF-8"),
        ));
    }

    let mut expected = HashSet::new();
    for message in template.messages() {
        let msgid = message.msgid();
        expected.insert(msgid);
        let source = sources(message.source());
        let entry = po
            .live_entries()
            .find(|entry| entry.msgctxt.is_none() && entry.msgid == msgid);
        match entry {
            None => problems.push(at(
                None,
                source,
                format!("no entry for {} (run `cargo xtask po`)", excerpt(msgid)),
            )),
            Some(entry) if entry.is_fuzzy() => problems.push(at(
                entry.flags_line.or(Some(entry.msgid_line)),
                source,
                format!(
                    "fuzzy entry {}: gettext ignores it and shows the English",
                    excerpt(msgid)
                ),
            )),
            Some(entry) if !entry.is_translated() => problems.push(at(
                Some(entry.msgstr_line),
                source,
                format!("untranslated entry {} (empty msgstr)", excerpt(msgid)),
            )),
            Some(_) => {}
        }
    }
    for entry in &po.entries {
        if entry.obsolete {
            problems.push(at(
                Some(entry.line),
                None,
                format!("obsolete `#~` entry {}: delete it", excerpt(&entry.msgid)),
            ));
        } else if entry.msgctxt.is_some() || !expected.contains(entry.msgid.as_str()) {
            problems.push(at(
                Some(entry.msgid_line),
                sources(&entry.references.join(" ")),
                format!(
                    "stale entry {}: the English sources no longer have this message",
                    excerpt(&entry.msgid)
                ),
            ));
        }
    }
    problems
}

/// The `#:` references on one line, or nothing.
fn sources(references: &str) -> Option<String> {
    let joined = references.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A msgid, shortened, in quotes.
fn excerpt(msgid: &str) -> String {
    let mut chars = msgid.chars();
    let short: String = chars.by_ref().take(MSGID_EXCERPT).collect();
    if chars.next().is_some() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}
