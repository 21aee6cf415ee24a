//! Completeness of a catalog against a template extracted afresh. The
//! `gettext` preprocessor silently keeps the English of a missing, empty or
//! fuzzy message, so each is a problem, as is a stale or `#~` entry.

use super::{entry_problem, read_po, Problem, Translation};
use anyhow::Result;
use std::collections::HashSet;
use std::path::Path;

/// At most this many characters of a msgid in a message.
const MSGID_EXCERPT: usize = 60;

/// Against a template extracted now: the committed one may be stale.
pub fn check_completeness(root: &Path, translation: &Translation) -> Result<Vec<Problem>> {
    let template = crate::i18n::po::extract_pot(root)?;
    let (po, language) = (
        read_po(&translation.catalog)?,
        translation.language.as_str(),
    );
    // (PO line, English source, what is wrong)
    let mut found: Vec<(Option<usize>, Option<String>, String)> = Vec::new();
    let header = Some(po.header_line);
    let code = po.header_field("Language").unwrap_or("");
    if code != language {
        let what = format!("header `Language: {code}`, expected `{language}`");
        found.push((header, None, what));
    }
    let content_type = po.header_field("Content-Type").unwrap_or("");
    if !content_type.to_ascii_lowercase().contains("charset=utf-8") {
        let what = format!("header `Content-Type: {content_type}`, expected charset=UTF-8");
        found.push((header, None, what));
    }
    for message in template.messages() {
        let (msgid, short) = (message.msgid(), excerpt(message.msgid()));
        let entry = (po.live_entries()).find(|e| e.msgctxt.is_none() && e.msgid == msgid);
        let (line, what) = match entry {
            None => (None, format!("no entry for {short} (run `cargo xtask po`)")),
            Some(e) if e.is_fuzzy() => (
                e.flags_line.or(Some(e.msgid_line)),
                format!("fuzzy entry {short}: gettext ignores it and shows the English"),
            ),
            Some(e) if !e.is_translated() => (
                Some(e.msgstr_line),
                format!("untranslated entry {short} (empty msgstr)"),
            ),
            Some(_) => continue,
        };
        found.push((line, sources(message.source()), what));
    }
    let expected: HashSet<&str> = template.messages().map(|m| m.msgid()).collect();
    for entry in &po.entries {
        let short = excerpt(&entry.msgid);
        if entry.obsolete {
            let what = format!("obsolete `#~` entry {short}: delete it");
            found.push((Some(entry.line), None, what));
        } else if entry.msgctxt.is_some() || !expected.contains(entry.msgid.as_str()) {
            let what =
                format!("stale entry {short}: the English sources no longer have this message");
            found.push((
                Some(entry.msgid_line),
                sources(&entry.references.join(" ")),
                what,
            ));
        }
    }
    Ok((found.into_iter())
        .map(|(line, source, what)| entry_problem(&po, line, source.as_deref(), what))
        .collect())
}

fn sources(references: &str) -> Option<String> {
    let joined = references.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// A msgid, shortened, in quotes.
pub fn excerpt(msgid: &str) -> String {
    let flat = msgid.replace('\n', " ");
    let short: String = flat.chars().take(MSGID_EXCERPT).collect();
    let cut = if short.len() < flat.len() { "…" } else { "" };
    format!("{short:?}{cut}")
}
