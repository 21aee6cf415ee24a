//! What a change does to each translation since an earlier commit, and the
//! status as Markdown for CI (`cargo xtask status --since <ref> --markdown`).

use crate::i18n::status::BookStatus;
use crate::i18n::translation::{parse_po, translations, PoEntry, PoFile};
use crate::process;
use anyhow::{bail, Result};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The longest a `git show` may take.
const GIT_TIMEOUT: Duration = Duration::from_secs(30);

/// What happened to the messages of one catalog between two versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranslationChanges {
    pub language: String,
    /// New English messages, not translated yet.
    pub added: usize,
    /// Messages fuzzy now that were not: their English was edited.
    pub edited: usize,
    /// Messages newly translated (not fuzzy), or whose translation changed.
    pub translated: usize,
    pub removed: usize,
}

fn translated(entry: &PoEntry) -> bool {
    entry.is_translated() && !entry.is_fuzzy()
}

/// The changes from `old` (none: the catalog is new) to `new`.
fn catalog_changes(language: &str, old: Option<&PoFile>, new: &PoFile) -> TranslationChanges {
    let key = |entry: &PoEntry| (entry.msgctxt.clone(), entry.msgid.clone());
    let before: HashMap<_, &PoEntry> = old
        .into_iter()
        .flat_map(PoFile::live_entries)
        .map(|entry| (key(entry), entry))
        .collect();
    let mut changes = TranslationChanges {
        language: language.to_string(),
        ..TranslationChanges::default()
    };
    let mut kept = 0;
    for entry in new.live_entries() {
        let previous = before.get(&key(entry)).copied();
        kept += usize::from(previous.is_some());
        if previous.is_none() && !entry.is_translated() {
            changes.added += 1;
        }
        if entry.is_fuzzy() && !previous.is_some_and(PoEntry::is_fuzzy) {
            changes.edited += 1;
        }
        let was = previous.filter(|p| translated(p)).map(|p| &p.msgstr);
        if translated(entry) && was != Some(&entry.msgstr) {
            changes.translated += 1;
        }
    }
    changes.removed = before.len() - kept;
    changes
}

/// Each translation's changes since the git revision `since`.
pub fn changes_since(root: &Path, since: &str) -> Result<Vec<TranslationChanges>> {
    let mut all = Vec::new();
    for translation in translations(root)? {
        let relative = translation.catalog.strip_prefix(root)?;
        let mut git = Command::new("git");
        git.current_dir(root)
            .arg("show")
            .arg(format!("{since}:{}", relative.display()));
        let shown = process::run(git, GIT_TIMEOUT)?;
        let old = match shown.status.success() {
            true => Some(parse_po(relative, shown.output.as_bytes())?),
            // The catalog did not exist then; a bad revision is an error.
            false if shown.output.contains("exists on disk, but not in") => None,
            false if shown.output.contains("does not exist in") => None,
            false => bail!("git show {since}:{}: {}", relative.display(), shown.output),
        };
        let new = crate::i18n::translation::read_po(&translation.catalog)?;
        all.push(catalog_changes(&translation.language, old.as_ref(), &new));
    }
    Ok(all)
}

/// The status (and the changes since a revision) as Markdown tables, then
/// what is left to do.
pub fn render_markdown(
    root: &Path,
    book: &BookStatus,
    since: Option<(&str, &[TranslationChanges])>,
) -> String {
    let mut out = String::from("## Translations\n\n");
    out.push_str("| Language | Translated | Fuzzy | Untranslated | Listings | Status |\n");
    out.push_str("| --- | ---: | ---: | ---: | --- | --- |\n");
    for status in &book.languages {
        let (total, code) = (status.total(), &status.code);
        let verdict = match status.is_complete() {
            true => "complete",
            false => "**incomplete**",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} of {} translated, {} out of step | {verdict} |",
            code.language,
            total.translated,
            total.fuzzy,
            total.untranslated,
            code.listings_translated,
            code.listings_total,
            code.listings_out_of_step
        );
    }
    if let Some((revision, changes)) = since {
        let _ = writeln!(out, "\n### What this change does, since `{revision}`\n");
        out.push_str("| Language | Added | Edited (now fuzzy) | Translated | Removed |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: |\n");
        for change in changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                change.language, change.added, change.edited, change.translated, change.removed
            );
        }
    }
    let left: Vec<String> = book
        .languages
        .iter()
        .flat_map(|status| status.problems.iter().chain(status.code.problems()))
        .chain(&book.problems)
        .map(|problem| format!("- {}", problem.relative_to(root)))
        .collect();
    if !left.is_empty() {
        let _ = writeln!(out, "\n### To do ({})\n", left.len());
        out.push_str(&left.join("\n"));
        out.push('\n');
    }
    out
}
