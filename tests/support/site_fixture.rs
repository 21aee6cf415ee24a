//! The bilingual site of the real book, built in-process into a temporary
//! folder (`booktools::site::build_site_in_process`): the source language at
//! the root, every other language under `<code>/`, as `cargo xtask build`
//! lays it out.

use anyhow::{Context, Result};
use booktools::book::RenderedChapter;
use booktools::site::{build_site_in_process, SitePlan};
use std::collections::BTreeMap;
use std::path::Path;

/// A built site, deleted on drop.
pub struct BuiltSite {
    dir: tempfile::TempDir,
    /// The languages and the site URL it was built for.
    pub plan: SitePlan,
    /// The chapters of each language, as the HTML renderer received them.
    pub chapters: BTreeMap<String, Vec<RenderedChapter>>,
}

impl BuiltSite {
    /// Builds the real book of this repository, every language, for the
    /// site URL of its `book.toml`.
    pub fn of_repository() -> Result<&'static BuiltSite> {
        // Built once per test binary, for every test that reads it.
        static SITE: std::sync::OnceLock<Result<BuiltSite, String>> = std::sync::OnceLock::new();
        SITE.get_or_init(|| {
            BuiltSite::of_book(&crate::book_fixture::repository_root())
                .map_err(|error| format!("{error:#}"))
        })
        .as_ref()
        .map_err(|error| anyhow::anyhow!("{error}"))
    }

    pub fn of_book(root: &Path) -> Result<BuiltSite> {
        let plan = SitePlan::load(root, None)?;
        let dir = tempfile::Builder::new()
            .prefix("site-")
            .tempdir()
            .context("creating a temporary folder")?;
        let chapters = build_site_in_process(root, &plan, dir.path())?;
        Ok(BuiltSite {
            dir,
            plan,
            chapters,
        })
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The chapter of `language` whose source is `source_path`
    /// (`src/ch20-03-graceful-shutdown-and-cleanup.md`).
    pub fn chapter(&self, language: &str, source: impl AsRef<Path>) -> Result<&RenderedChapter> {
        let source = source.as_ref();
        let mut chapters = self.chapters.get(language).into_iter().flatten();
        (chapters.find(|chapter| chapter.source_path == source))
            .with_context(|| format!("no chapter {} in the `{language}` book", source.display()))
    }

    pub fn language_dir(&self, language: &str) -> std::path::PathBuf {
        self.plan.language_dir(self.dir(), language)
    }
}
