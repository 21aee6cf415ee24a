//! The guard that runs before every other check: each chapter file of the
//! source folder has its entry in `SUMMARY.md`. mdBook silently leaves out a
//! chapter whose entry is gone, and then every check of that chapter fails
//! its own way (58 failures for one removed line); this names the one cause.

use crate::languages::BookLayout;
use crate::Problem;
use anyhow::{Context, Result};
use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag};
use std::path::Path;

const SUMMARY: &str = "SUMMARY.md";

/// Each Markdown file of the source folder that `SUMMARY.md` does not link.
pub fn check_summary(root: &Path) -> Result<Vec<Problem>> {
    let layout = BookLayout::load(root)?;
    let summary = layout.src.join(SUMMARY);
    let text = std::fs::read_to_string(&summary)
        .with_context(|| format!("reading {}", summary.display()))?;
    let linked: Vec<String> = Parser::new(&text)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect();
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(&layout.src).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", layout.src.display()))?;
        let inside = entry.path().strip_prefix(&layout.src)?;
        let is_chapter =
            entry.path().extension().is_some_and(|e| e == "md") && inside != Path::new(SUMMARY);
        if is_chapter && !linked.iter().any(|link| Path::new(link) == inside) {
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
            problems.push(Problem::in_file(
                summary.strip_prefix(root).unwrap_or(&summary),
                format!("no entry for {}", shown.display()),
            ));
        }
    }
    Ok(problems)
}
