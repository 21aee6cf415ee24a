//! `cargo xtask build [--site-url /path/] [--dest <dir>]`: the deployable
//! static site, every language, with the installed `mdbook build`.
//!
//! The source language goes to the build folder of `book.toml` (`book/`),
//! every other language to `book/<code>/`, each with the `site-url` a static
//! host serving the site under `--site-url` (default: `output.html.site-url`,
//! else `/`) needs for its `404.html`. The internal links and anchors of the
//! result are checked before the command reports success.

use crate::mdbook_cli::MdbookCli;
use crate::tools;
use anyhow::{bail, Context, Result};
use booktools::site::{self, SitePlan};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs `build` with its arguments.
pub fn run(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let root = crate::paths::book_root()?;
    let dest = match options.dest {
        Some(dest) => std::path::absolute(dest)?,
        None => root.join(build_dir_setting(&root)?),
    };
    let tools = tools::ensure_installed(&root)?;
    let plan = SitePlan::load(&root, options.site_url.as_deref())?;
    let started = Instant::now();
    build(&root, &plan, &dest, &MdbookCli::new(tools))?;
    println!(
        "built {} in {:.1}s into {} (site URL {})",
        plan.languages.join(", "),
        started.elapsed().as_secs_f64(),
        dest.display(),
        plan.site_url
    );
    Ok(())
}

/// Builds every language of `plan` into `dest` with `builder`, then checks
/// the internal links of the result.
pub fn build(root: &Path, plan: &SitePlan, dest: &Path, builder: &MdbookCli) -> Result<()> {
    site::build_site(root, plan, dest, |language| builder.build(language))?;
    let links = site::links::check_site_links(dest, &plan.site_url)?;
    println!("checked {links} internal links");
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

/// The command-line options of `build`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    site_url: Option<String>,
    dest: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--site-url" => {
                    options.site_url = Some(args.next().context("--site-url needs a path")?.clone())
                }
                "--dest" => {
                    options.dest = Some(args.next().context("--dest needs a folder")?.into())
                }
                other => bail!(
                    "usage: cargo xtask build [--site-url /path/] [--dest <dir>] (got `{other}`)"
                ),
            }
        }
        Ok(options)
    }
}
