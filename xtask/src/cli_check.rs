//! `cargo xtask cli-check`: the `mdbook` command line still builds the book,
//! for readers who install the pinned `mdbook` and `mdbook-i18n-helpers`
//! themselves, and its chapter pages carry the same text as the in-process
//! build the tests and `serve` use, in every language. `.ci/run` installs
//! the pinned tools and runs it.

use anyhow::{bail, Context, Result};
use booktools::book::html::{html_pages, ParsedPage};
use booktools::languages::BookLayout;
use booktools::process;
use booktools::site::{build_site_in_process, SitePlan};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The longest one `mdbook build` may take (it compiles the `listings`
/// preprocessor the first time).
const TIMEOUT: Duration = Duration::from_secs(900);

/// The text of the chapter of a page (`<main>`), whitespace collapsed.
fn main_text(html: &str) -> Result<String> {
    let text = ParsedPage::parse(html).values("main", None)?.join(" ");
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Runs `cli-check`.
pub fn run(root: &Path) -> Result<()> {
    let layout = BookLayout::load(root)?;
    let scratch = tempfile::tempdir()?;
    let plan = SitePlan::load(root, None)?;
    let site = scratch.path().join("in-process");
    build_site_in_process(root, &plan, &site)?;
    let mut compared = 0;
    for language in &layout.languages {
        let cli_dir = scratch.path().join("cli").join(&language.code);
        let mut mdbook = Command::new("mdbook");
        mdbook
            .current_dir(root)
            .env("MDBOOK_BOOK__LANGUAGE", &language.code)
            .arg("build")
            .arg("--dest-dir")
            .arg(&cli_dir);
        let built = process::run(mdbook, TIMEOUT).context(
            "running `mdbook` (install the pinned tools: `cargo install --locked \
             mdbook@0.5.4 mdbook-i18n-helpers@0.4.0`)",
        )?;
        if !built.status.success() {
            bail!(
                "`mdbook build` of `{}` failed:\n{}",
                language.code,
                built.output
            );
        }
        let in_process = plan.language_dir(&site, &language.code);
        for (page, html) in html_pages(&cli_dir)? {
            let name = page.to_string_lossy();
            if ["print.html", "404.html", "toc.html"].contains(&name.as_ref()) {
                continue;
            }
            let ours = std::fs::read_to_string(in_process.join(&page))
                .with_context(|| format!("`{}`: {name} only in the CLI's build", language.code))?;
            let (cli, ours) = (main_text(&html)?, main_text(&ours)?);
            if cli != ours {
                let at = cli
                    .chars()
                    .zip(ours.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                let excerpt = |text: &str| {
                    text.chars()
                        .skip(at.saturating_sub(40))
                        .take(120)
                        .collect::<String>()
                };
                bail!(
                    "`{}` {name}: the CLI's page says «{}», the in-process one «{}»",
                    language.code,
                    excerpt(&cli),
                    excerpt(&ours)
                );
            }
            compared += 1;
        }
    }
    println!("the `mdbook` CLI and the in-process build agree on {compared} chapter page(s)");
    Ok(())
}
