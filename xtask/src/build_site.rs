//! `cargo xtask build [--site-url /path/] [--dest <dir>]`: the deployable
//! static site, every language, built in-process by the pipeline the tests
//! use (`booktools::site::build_site_in_process`).
//!
//! The source language goes to the build folder of `book.toml` (`book/`),
//! every other language to `book/<code>/`, each with the `site-url` a static
//! host serving the site under `--site-url` (default: `output.html.site-url`,
//! else `/`) needs for its `404.html`. The internal links and anchors of the
//! result are checked before the command reports success.

use anyhow::Result;
use booktools::site::{self, SitePlan};
use std::path::Path;
use std::time::Instant;

/// Runs `build`.
pub fn run(root: &Path, site_url: Option<&str>, dest: Option<&Path>) -> Result<()> {
    let dest = match dest {
        Some(dest) => std::path::absolute(dest)?,
        None => booktools::languages::BookLayout::load(root)?.build_dir,
    };
    let plan = SitePlan::load(root, site_url)?;
    let started = Instant::now();
    site::build_site_in_process(root, &plan, &dest)?;
    let links = site::links::check_site_links(&dest, &plan.site_url)?;
    println!(
        "built {} in {:.1}s into {} (site URL {}); checked {links} internal links",
        plan.languages.join(", "),
        started.elapsed().as_secs_f64(),
        dest.display(),
        plan.site_url
    );
    Ok(())
}
