//! Identical twins stay identical in every language. Several listings hold
//! the very same file (`listing-20-24/src/lib.rs` and `listing-20-25/src/lib.rs`
//! in English): the book shows one step that changes nothing in that file.
//! The token comparison of each translated file with its English twin
//! ignores strings and comments, so a French message edited in only one of
//! two such files would pass it; this check does not: wherever two files of
//! the source language's listings are byte for byte the same, the same two
//! files must be the same in every language.

use crate::languages::{BookLayout, Language};
use crate::listings::discover;
use crate::Problem;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Build products and generated files, never compared.
const SKIPPED: &[&str] = &["target", "output.txt", "transcript.txt"];

/// Every file of every listing of `language`, keyed by its path inside the
/// tree (`ch20-web-server/listing-20-24/src/lib.rs`).
fn listing_files(language: &Language) -> Result<BTreeMap<PathBuf, PathBuf>> {
    let mut files = BTreeMap::new();
    for listing in discover(language)? {
        let walk = walkdir::WalkDir::new(&listing.dir).sort_by_file_name();
        for entry in walk
            .into_iter()
            .filter_entry(|entry| !SKIPPED.contains(&entry.file_name().to_string_lossy().as_ref()))
        {
            let entry = entry.with_context(|| format!("listing {}", listing.dir.display()))?;
            if entry.file_type().is_file() {
                let inside = entry.path().strip_prefix(&language.tree)?.to_path_buf();
                files.insert(inside, entry.into_path());
            }
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Each pair of files identical in the source language but not in a
/// translation, named with both files and their first differing line.
pub fn check_identical_twins(root: &Path) -> Result<Vec<Problem>> {
    let layout = BookLayout::load(root)?;
    let source = layout
        .language(&layout.source_language)
        .context("no listing tree for the source language")?;
    let mut by_content: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for (inside, path) in listing_files(source)? {
        by_content.entry(read(&path)?).or_default().push(inside);
    }
    let mut problems = Vec::new();
    for language in layout.translated() {
        for group in by_content.values().filter(|group| group.len() > 1) {
            let first = language.tree.join(&group[0]);
            let Ok(first_text) = read(&first) else {
                continue; // a missing twin: the structure check names it
            };
            for other in &group[1..] {
                let other = language.tree.join(other);
                let Ok(other_text) = read(&other) else {
                    continue;
                };
                if let Some(line) = first_difference(&first_text, &other_text) {
                    problems.push(Problem::at(
                        &other,
                        line,
                        format!(
                            "differs from {} (line {line}), although their `{}` twins are \
                             identical: make the same change in both",
                            first.display(),
                            layout.source_language
                        ),
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// The first line (1-based) where `a` and `b` differ, if they do.
fn first_difference(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return None;
    }
    let mut lines = a.lines().zip(b.lines());
    let same = lines.position(|(x, y)| x != y);
    Some(same.unwrap_or_else(|| a.lines().count().min(b.lines().count())) + 1)
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn names_the_first_differing_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(first_difference("a\nb\nc\n", "a\nx\nc\n"), Some(2));
        assert_eq!(first_difference("a\n", "a\nb\n"), Some(2));
    }
}
