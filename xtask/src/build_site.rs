//! `cargo xtask build [--site-url /path/] [--dest <dir>]`: the deployable
//! static site, every language, built in-process by the pipeline the tests
//! use (`booktools::site::build_site_in_process`).
//!
//! The source language goes to the build folder of `book.toml` (`book/`),
//! every other language to `book/<code>/`, each with the `site-url` a static
//! host serving the site under `--site-url` (default: `output.html.site-url`,
//! else `/`) needs for its `404.html`. The internal links and anchors of the
//! result are checked before the command reports success.

use anyhow::{Context, Result};
use booktools::site::{self, SitePlan};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs `build`.
pub fn run(root: &Path, site_url: Option<&str>, dest: Option<&Path>) -> Result<()> {
    let dest = match dest {
        Some(dest) => std::path::absolute(dest)?,
        None => root.join(build_dir_setting(root)?),
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

/// `[build] build-dir` of `book.toml` (default `book`).
fn build_dir_setting(root: &Path) -> Result<PathBuf> {
    let book_toml = root.join("book.toml");
    let text = std::fs::read_to_string(&book_toml)
        .with_context(|| format!("reading {}", book_toml.display()))?;
    let config: toml::Value =
        toml::from_str(&text).with_context(|| format!("parsing {}", book_toml.display()))?;
    let setting = config
        .get("build")
        .and_then(|build| build.get("build-dir"))
        .and_then(toml::Value::as_str)
        .unwrap_or("book");
    Ok(PathBuf::from(setting))
}
