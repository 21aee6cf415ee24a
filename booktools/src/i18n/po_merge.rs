//! Merging the template into a translation catalog: what GNU `msgmerge`
//! does, done with polib (the library of the `gettext` preprocessor), so no
//! GNU gettext is needed.
//!
//! For every message of the template, in template order:
//!
//! - the catalog has an entry with the same msgid: it is kept as it is
//!   (translation, flags, translator comments, and the `#|` previous msgid
//!   while it is still fuzzy);
//! - otherwise, a translated entry whose msgid left the template and is
//!   close enough ([`similarity`]) lends its translation, flagged `fuzzy`,
//!   with its msgid as the previous msgid (`#| msgid`), so the translator
//!   sees what changed in the English;
//! - otherwise the entry is new and untranslated.
//!
//! Entries whose msgid left the template are dropped, not kept as `#~`
//! obsolete entries (the completeness check forbids those). References
//! (`#:`) and extracted comments (`#.`) come from the template; the header
//! is the catalog's own, with the template's `POT-Creation-Date`.
//!
//! The text is written by polib's writer, like `po/messages.pot`, so the
//! wrapping is that of the template and merging twice gives the same bytes.

/// A message at least this close to a removed one inherits its translation,
/// marked fuzzy (GNU `msgmerge` uses the same threshold on characters).
pub const FUZZY_THRESHOLD: f32 = 0.6;

/// How close two messages are, from 0 (nothing in common) to 1 (the same
/// words in the same order): `similar`'s ratio, `2 × matched / total`, on
/// words rather than characters, since a reworded sentence keeps most of its
/// words in order.
pub fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    similar::get_diff_ratio(&ops, a.len(), b.len())
}

use crate::i18n::po::render_pot;
use crate::i18n::translation::{parse_po, PoEntry, PoFile};
use anyhow::{bail, Context, Result};
use polib::catalog::Catalog;
use polib::message::{Message, MessageFlags, MessageView};
use polib::metadata::CatalogMetadata;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The flag of a translation that no longer matches its English.
pub const FUZZY: &str = "fuzzy";

/// Plural forms written in a new catalog (the book has no plural message;
/// a translator may set the right rule of the language).
pub const DEFAULT_PLURAL_FORMS: &str = "nplurals=2; plural=(n != 1);";

/// What a merge did to the messages of a catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSummary {
    /// Entries kept with the same msgid.
    pub kept: usize,
    /// New msgids that inherited the translation of a removed one, fuzzy.
    pub fuzzy: Vec<String>,
    /// New msgids without a translation.
    pub added: Vec<String>,
    /// Msgids of the catalog the template no longer has.
    pub dropped: Vec<String>,
}

/// A merged catalog.
#[derive(Debug, Clone)]
pub struct Merged {
    /// Its PO text.
    pub text: String,
    /// What changed.
    pub summary: MergeSummary,
}

/// Merges `template` into the catalog `old`, whose text is `old_text`.
pub fn merge_catalog(template: &Catalog, old: &PoFile, old_text: &str) -> Result<Merged> {
    let metadata = old_metadata(old, &template.metadata.pot_creation_date)?;
    let old_lines: Vec<&str> = old_text.split('\n').collect();
    let live: HashMap<&str, &PoEntry> = old
        .live_entries()
        .filter(|entry| is_simple(entry))
        .map(|entry| (entry.msgid.as_str(), entry))
        .collect();
    let template_ids: HashSet<&str> = template.messages().map(|m| m.msgid()).collect();
    // Translations that may move to an edited message: those of entries
    // whose msgid left the template (obsolete `#~` entries included).
    let candidates: Vec<&PoEntry> = old
        .entries
        .iter()
        .filter(|entry| is_simple(entry) && entry.is_translated())
        .filter(|entry| entry.obsolete || !template_ids.contains(entry.msgid.as_str()))
        .collect();

    let mut summary = MergeSummary::default();
    let mut catalog = Catalog::new(metadata);
    let mut extras = Vec::new();
    for message in template.messages() {
        ensure_simple(message)?;
        let msgid = message.msgid();
        let (msgstr, flags, extra) = if let Some(entry) = live.get(msgid) {
            summary.kept += 1;
            let extra = Extras {
                translator_comments: translator_comments(&old_lines, entry),
                previous: if entry.is_fuzzy() {
                    Previous::Lines(previous_lines(&old_lines, entry))
                } else {
                    Previous::None
                },
            };
            let flags = merged_flags(&entry.flags, message.flags(), false);
            (entry.msgstr[0].clone(), flags, extra)
        } else if let Some(entry) = closest(msgid, &candidates) {
            summary.fuzzy.push(msgid.to_string());
            let kept_previous = previous_lines(&old_lines, entry);
            let extra = Extras {
                translator_comments: translator_comments(&old_lines, entry),
                // A fuzzy translation still matches its own previous msgid.
                previous: if entry.is_fuzzy() && !entry.obsolete && !kept_previous.is_empty() {
                    Previous::Lines(kept_previous)
                } else {
                    Previous::Msgid(entry.msgid.clone())
                },
            };
            let flags = merged_flags(&entry.flags, message.flags(), true);
            (entry.msgstr[0].clone(), flags, extra)
        } else {
            summary.added.push(msgid.to_string());
            let flags = merged_flags(&[], message.flags(), false);
            (String::new(), flags, Extras::default())
        };
        catalog.append_or_update(
            Message::build_singular()
                .with_comments(message.comments().to_string())
                .with_source(message.source().to_string())
                .with_flags(flags)
                .with_msgid(msgid.to_string())
                .with_msgstr(msgstr)
                .done(),
        );
        extras.push(extra);
    }
    summary.dropped = old
        .entries
        .iter()
        .filter(|entry| {
            entry.obsolete || !is_simple(entry) || !template_ids.contains(entry.msgid.as_str())
        })
        .map(|entry| entry.msgid.clone())
        .collect();
    let text = write_with_extras(&catalog, &extras)?;
    Ok(Merged { text, summary })
}

/// A catalog for `language` translating nothing yet: every message of
/// `template`, untranslated.
pub fn new_catalog(template: &Catalog, language: &str) -> Result<Merged> {
    let source = &template.metadata;
    let header = [
        ("Project-Id-Version", source.project_id_version.as_str()),
        ("POT-Creation-Date", source.pot_creation_date.as_str()),
        ("PO-Revision-Date", ""),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Language", language),
        ("Plural-Forms", DEFAULT_PLURAL_FORMS),
    ];
    let metadata = metadata_from_fields(header.iter().map(|&(k, v)| (k, v)))?;
    let mut summary = MergeSummary::default();
    let mut catalog = Catalog::new(metadata);
    for message in template.messages() {
        ensure_simple(message)?;
        summary.added.push(message.msgid().to_string());
        catalog.append_or_update(
            Message::build_singular()
                .with_comments(message.comments().to_string())
                .with_source(message.source().to_string())
                .with_flags(merged_flags(&[], message.flags(), false))
                .with_msgid(message.msgid().to_string())
                .with_msgstr(String::new())
                .done(),
        );
    }
    let extras = vec![Extras::default(); catalog.count()];
    let text = write_with_extras(&catalog, &extras)?;
    Ok(Merged { text, summary })
}

/// What an entry carries that polib neither reads nor writes.
#[derive(Debug, Clone, Default)]
struct Extras {
    /// `# ...` lines, as written.
    translator_comments: Vec<String>,
    /// The `#|` previous msgid of a fuzzy entry.
    previous: Previous,
}

#[derive(Debug, Clone, Default)]
enum Previous {
    #[default]
    None,
    /// `#|` lines kept as written.
    Lines(Vec<String>),
    /// A msgid to write as `#| msgid`.
    Msgid(String),
}

/// A plain singular message without context: all mdbook-xgettext writes.
fn is_simple(entry: &PoEntry) -> bool {
    entry.msgctxt.is_none() && entry.msgid_plural.is_none() && entry.msgstr.len() == 1
}

fn ensure_simple(message: &dyn MessageView) -> Result<()> {
    if message.is_plural() || !message.msgctxt().is_empty() {
        bail!(
            "the template has a plural or msgctxt message, which the merge does not handle: {:?}",
            message.msgid()
        );
    }
    Ok(())
}

/// The translated entry among `candidates` closest to `msgid`, if one
/// reaches [`FUZZY_THRESHOLD`] (the first one on a tie).
fn closest<'a>(msgid: &str, candidates: &[&'a PoEntry]) -> Option<&'a PoEntry> {
    let mut best: Option<(f32, &PoEntry)> = None;
    for &entry in candidates {
        let score = similarity(msgid, &entry.msgid);
        if score >= FUZZY_THRESHOLD && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, entry));
        }
    }
    best.map(|(_, entry)| entry)
}

/// The flags of a merged entry: the catalog's (in their order), then the
/// template's; `fuzzy` first when the translation is carried over.
fn merged_flags(old: &[String], template: &MessageFlags, carried_over: bool) -> MessageFlags {
    let mut flags = MessageFlags::new();
    if carried_over {
        flags.add_flag(FUZZY);
    }
    for flag in old.iter().chain(&template.entries) {
        flags.add_flag(flag);
    }
    flags
}

/// The comment lines of `entry` as written in the catalog (between its
/// first line and its msgid).
fn comment_lines<'l, 't>(lines: &'l [&'t str], entry: &PoEntry) -> &'l [&'t str] {
    let start = entry.line.saturating_sub(1);
    let end = entry.msgid_line.saturating_sub(1).max(start);
    lines.get(start..end).unwrap_or_default()
}

/// The `# ...` translator comments of `entry`, as written.
fn translator_comments(lines: &[&str], entry: &PoEntry) -> Vec<String> {
    comment_lines(lines, entry)
        .iter()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| *line == "#" || line.starts_with("# "))
        .map(str::to_string)
        .collect()
}

/// The `#|` previous-msgid lines of `entry`, as written.
fn previous_lines(lines: &[&str], entry: &PoEntry) -> Vec<String> {
    comment_lines(lines, entry)
        .iter()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| line.starts_with("#|"))
        .map(str::to_string)
        .collect()
}

/// The catalog's header for polib, with `pot_creation_date`.
fn old_metadata(old: &PoFile, pot_creation_date: &str) -> Result<CatalogMetadata> {
    let fields = old.header.iter().map(|(key, value)| {
        let value = if key == "POT-Creation-Date" {
            pot_creation_date
        } else {
            value.as_str()
        };
        (key.as_str(), value)
    });
    metadata_from_fields(fields)
        .with_context(|| format!("{}:{}: the header", old.path.display(), old.header_line))
}

fn metadata_from_fields<'a>(
    fields: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<CatalogMetadata> {
    let text: String = fields
        .map(|(key, value)| format!("{key}: {value}\n"))
        .collect();
    CatalogMetadata::parse(&text).map_err(|error| anyhow::anyhow!("{error}"))
}

/// The catalog as polib writes it, with the translator comments and `#|`
/// lines of each entry put back (polib drops both).
fn write_with_extras(catalog: &Catalog, extras: &[Extras]) -> Result<String> {
    let rendered = render_pot(catalog)?;
    let written = parse_po(Path::new("merged catalog"), rendered.as_bytes())?;
    if written.entries.len() != extras.len() {
        bail!(
            "polib wrote {} entries for {} messages",
            written.entries.len(),
            extras.len()
        );
    }
    let previous_msgids: Vec<&str> = extras
        .iter()
        .filter_map(|extra| match &extra.previous {
            Previous::Msgid(msgid) => Some(msgid.as_str()),
            _ => None,
        })
        .collect();
    let previous_msgid_lines = msgid_lines(&previous_msgids)?;

    // Lines to insert before a line of the rendered text (1-based).
    let mut insertions: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (entry, extra) in written.entries.iter().zip(extras) {
        insertions
            .entry(entry.line)
            .or_default()
            .extend(extra.translator_comments.iter().cloned());
        let previous = match &extra.previous {
            Previous::None => Vec::new(),
            Previous::Lines(lines) => lines.clone(),
            Previous::Msgid(msgid) => previous_msgid_lines[msgid.as_str()]
                .iter()
                .map(|line| format!("#| {line}"))
                .collect(),
        };
        insertions
            .entry(entry.msgid_line)
            .or_default()
            .extend(previous);
    }
    let mut text = String::with_capacity(rendered.len());
    for (index, line) in rendered.split('\n').enumerate() {
        if index > 0 {
            text.push('\n');
        }
        for inserted in insertions.get(&(index + 1)).into_iter().flatten() {
            text.push_str(inserted);
            text.push('\n');
        }
        text.push_str(line);
    }
    Ok(text)
}

/// The `msgid` lines polib writes for each of `msgids` (wrapped as in the
/// catalog), by msgid.
fn msgid_lines(msgids: &[&str]) -> Result<HashMap<String, Vec<String>>> {
    if msgids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut scratch = Catalog::new(metadata_from_fields(
        [
            ("Project-Id-Version", ""),
            ("POT-Creation-Date", ""),
            ("PO-Revision-Date", ""),
            ("Language-Team", ""),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "8bit"),
            ("Language", ""),
            ("Plural-Forms", DEFAULT_PLURAL_FORMS),
        ]
        .into_iter(),
    )?);
    for msgid in msgids {
        scratch.append_or_update(
            Message::build_singular()
                .with_msgid(msgid.to_string())
                .done(),
        );
    }
    let rendered = render_pot(&scratch)?;
    let lines: Vec<&str> = rendered.split('\n').collect();
    let written = parse_po(Path::new("previous msgids"), rendered.as_bytes())?;
    Ok(written
        .entries
        .iter()
        .map(|entry| {
            let own = &lines[entry.msgid_line - 1..entry.msgstr_line - 1];
            (
                entry.msgid.clone(),
                own.iter().map(|line| line.to_string()).collect(),
            )
        })
        .collect())
}

#[cfg(test)]
pub(crate) mod tests;
