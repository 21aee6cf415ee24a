//! Merging the template into a catalog, as GNU `msgmerge` does, with polib
//! (no GNU gettext needed). A message with the same msgid keeps its entry;
//! else a close enough removed translation ([`similarity`]) moves to it,
//! fuzzy, with a `#|` previous msgid so the translator sees what changed;
//! else it is new and untranslated. Removed entries are dropped, not kept
//! as `#~` (the completeness check forbids those). polib writes the text,
//! as it writes the template, so merging twice gives the same bytes.

use crate::i18n::po::render_pot;
use crate::i18n::translation::{parse_po, PoEntry, PoFile};
use anyhow::{anyhow, bail, Context, Result};
use polib::catalog::Catalog;
use polib::message::{Message, MessageFlags};
use polib::metadata::CatalogMetadata;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A message at least this close to a removed one inherits its translation,
/// marked fuzzy (GNU `msgmerge` uses the same threshold on characters).
pub const FUZZY_THRESHOLD: f32 = 0.6;

/// From 0 to 1: `similar`'s ratio on words rather than characters, since a
/// reworded sentence keeps most of its words in order.
pub fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    similar::get_diff_ratio(&ops, a.len(), b.len())
}

/// What a merge did to the messages of a catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSummary {
    pub kept: usize,
    /// New msgids that inherited the translation of a removed one, fuzzy.
    pub fuzzy: Vec<String>,
    pub added: Vec<String>,
    pub dropped: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Merged {
    pub text: String,
    pub summary: MergeSummary,
}

/// What an entry carries that polib neither reads nor writes, as written:
/// `# ...` lines and the `#|` previous msgid.
#[derive(Debug, Clone, Default)]
struct Extras {
    translator_comments: Vec<String>,
    previous: Vec<String>,
}

pub fn merge_catalog(template: &Catalog, old: &PoFile) -> Result<Merged> {
    let metadata = metadata(&old.header, &template.metadata.pot_creation_date)
        .with_context(|| format!("{}:{}: the header", old.path.display(), old.header_line))?;
    // The comment lines of `entry` that `kind` keeps.
    let comments = |entry: &PoEntry, kind: fn(&str) -> bool| -> Vec<String> {
        let lines = entry.comments.iter().filter(|line| kind(line));
        lines.cloned().collect()
    };
    let extras_of = |entry: &PoEntry, previous| Extras {
        translator_comments: comments(entry, |line| line == "#" || line.starts_with("# ")),
        previous,
    };
    let is_simple = |entry: &&PoEntry| {
        entry.msgctxt.is_none() && entry.msgid_plural.is_none() && entry.msgstr.len() == 1
    };
    let live: HashMap<&str, &PoEntry> = (old.live_entries().filter(is_simple))
        .map(|entry| (entry.msgid.as_str(), entry))
        .collect();
    let template_ids: HashSet<&str> = template.messages().map(|m| m.msgid()).collect();
    let left = |entry: &&PoEntry| {
        entry.obsolete || !is_simple(entry) || !template_ids.contains(entry.msgid.as_str())
    };
    // Translations that may move to an edited message: those of entries
    // whose msgid left the template (obsolete `#~` entries included).
    let candidates: Vec<&PoEntry> = (old.entries.iter().filter(left))
        .filter(|entry| is_simple(entry) && entry.is_translated())
        .collect();

    let mut summary = MergeSummary::default();
    let mut catalog = Catalog::new(metadata);
    let mut extras = Vec::new();
    for message in template.messages() {
        if message.is_plural() || !message.msgctxt().is_empty() {
            bail!(
                "the template has a plural or msgctxt message, which the merge does not handle: {:?}",
                message.msgid()
            );
        }
        let msgid = message.msgid();
        let (msgstr, flags, extra) = if let Some(entry) = live.get(msgid) {
            summary.kept += 1;
            let previous = match entry.is_fuzzy() {
                true => comments(entry, |line| line.starts_with("#|")),
                false => Vec::new(),
            };
            let flags = merged_flags(&entry.flags, message.flags(), false);
            (entry.msgstr[0].clone(), flags, extras_of(entry, previous))
        } else if let Some(entry) = closest(msgid, &candidates) {
            summary.fuzzy.push(msgid.to_string());
            // A fuzzy translation still matches its own previous msgid.
            let kept = comments(entry, |line| line.starts_with("#|"));
            let previous = match entry.is_fuzzy() && !entry.obsolete && !kept.is_empty() {
                true => kept,
                false => previous_msgid_lines(&entry.msgid)?,
            };
            let flags = merged_flags(&entry.flags, message.flags(), true);
            (entry.msgstr[0].clone(), flags, extras_of(entry, previous))
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
        .filter(left)
        .map(|e| e.msgid.clone())
        .collect();
    let text = write_with_extras(&catalog, &extras)?;
    Ok(Merged { text, summary })
}

/// A catalog for `language` translating nothing yet.
pub fn new_catalog(template: &Catalog, language: &str) -> Result<Merged> {
    let source = &template.metadata;
    let empty = PoFile {
        path: PathBuf::from(format!("{language}.po")),
        header: new_header(
            &source.project_id_version,
            &source.pot_creation_date,
            language,
        ),
        header_line: 1,
        entries: Vec::new(),
    };
    merge_catalog(template, &empty)
}

/// The header of a new catalog. The book has no plural message: a
/// translator may set the right plural rule of the language.
pub(crate) fn new_header(project: &str, date: &str, language: &str) -> Vec<(String, String)> {
    [
        ("Project-Id-Version", project),
        ("POT-Creation-Date", date),
        ("PO-Revision-Date", ""),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Language", language),
        ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
    ]
    .map(|(key, value)| (key.to_string(), value.to_string()))
    .to_vec()
}

fn metadata(fields: &[(String, String)], pot_creation_date: &str) -> Result<CatalogMetadata> {
    let text: String = (fields.iter())
        .map(|(key, value)| match key.as_str() {
            "POT-Creation-Date" => format!("{key}: {pot_creation_date}\n"),
            _ => format!("{key}: {value}\n"),
        })
        .collect();
    CatalogMetadata::parse(&text).map_err(|error| anyhow!("{error}"))
}

/// The first closest of `candidates` reaching [`FUZZY_THRESHOLD`].
fn closest<'a>(msgid: &str, candidates: &[&'a PoEntry]) -> Option<&'a PoEntry> {
    let scored = candidates.iter().map(|&e| (similarity(msgid, &e.msgid), e));
    let close = scored.filter(|(score, _)| *score >= FUZZY_THRESHOLD);
    close
        .reduce(|best, next| if next.0 > best.0 { next } else { best })
        .map(|(_, e)| e)
}

/// The flags of a merged entry: the catalog's (in their order), then the
/// template's; `fuzzy` first when the translation is carried over.
fn merged_flags(old: &[String], template: &MessageFlags, carried_over: bool) -> MessageFlags {
    let mut flags = MessageFlags::new();
    if carried_over {
        flags.add_flag("fuzzy");
    }
    for flag in old.iter().chain(&template.entries) {
        flags.add_flag(flag);
    }
    flags
}

/// The `#| msgid` lines of a previous msgid, wrapped as polib wraps it.
fn previous_msgid_lines(msgid: &str) -> Result<Vec<String>> {
    let mut scratch = Catalog::new(metadata(&new_header("", "", ""), "")?);
    let mut message = Message::build_singular();
    scratch.append_or_update(message.with_msgid(msgid.to_string()).done());
    let rendered = render_pot(&scratch)?;
    let written = parse_po(Path::new("previous msgid"), rendered.as_bytes())?;
    let entry = written.entries.first().context("polib wrote no entry")?;
    let lines = rendered.split('\n').skip(entry.msgid_line - 1);
    let lines = lines.take(entry.msgstr_line - entry.msgid_line);
    Ok(lines.map(|line| format!("#| {line}")).collect())
}

/// The catalog as polib writes it, with the translator comments and `#|`
/// lines of each entry put back (polib drops both).
fn write_with_extras(catalog: &Catalog, extras: &[Extras]) -> Result<String> {
    let rendered = render_pot(catalog)?;
    let written = parse_po(Path::new("merged catalog"), rendered.as_bytes())?;
    if written.entries.len() != extras.len() {
        let (entries, messages) = (written.entries.len(), extras.len());
        bail!("polib wrote {entries} entries for {messages} messages");
    }
    // Lines to insert before a line of the rendered text (1-based).
    let mut insertions: HashMap<usize, Vec<&str>> = HashMap::new();
    for (entry, extra) in written.entries.iter().zip(extras) {
        let comments = extra.translator_comments.iter().map(String::as_str);
        insertions.entry(entry.line).or_default().extend(comments);
        let previous = extra.previous.iter().map(String::as_str);
        insertions
            .entry(entry.msgid_line)
            .or_default()
            .extend(previous);
    }
    let mut lines = Vec::new();
    for (index, line) in rendered.split('\n').enumerate() {
        lines.extend(insertions.remove(&(index + 1)).unwrap_or_default());
        lines.push(line);
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
pub(crate) mod tests;
