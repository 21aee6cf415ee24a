//! Identical twins stay identical in every language: where two files of
//! the source language's listings are the same (a step that changes
//! nothing in `src/lib.rs`), so are they in every language. The token
//! comparison with the English ignores strings and comments, so it would
//! miss a message edited in only one of the two.

use crate::languages::{BookLayout, Language};
use crate::listings::discover;
use crate::Problem;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Generated files, never compared.
const SKIPPED: &[&str] = &["output.txt", "transcript.txt"];

/// Every file of every listing of `language`, keyed by its path inside the
/// tree (`ch20-web-server/listing-20-24/src/lib.rs`).
fn listing_files(language: &Language) -> Result<BTreeMap<PathBuf, PathBuf>> {
    let mut files = BTreeMap::new();
    for listing in discover(language)? {
        for file in crate::i18n::translated_code::listing_files(&listing.dir)? {
            if !SKIPPED.iter().any(|skipped| file.ends_with(skipped)) {
                let path = listing.dir.join(file);
                files.insert(path.strip_prefix(&language.tree)?.to_path_buf(), path);
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
