//! The internal links of a built site: every `href` and `src` of every HTML
//! page that stays on the site must name a file that exists, and its
//! `#fragment`, if any, an `id` (or `<a name>`) of the target page.
//!
//! Links are resolved as a browser does (the `url` crate implements the URL
//! standard): against the page's own URL, or its `<base href>` (mdBook's
//! `404.html` has one, from `output.html.site-url`). The site folder is taken
//! to be served at `site_url`; a link that leaves it is reported too. Links
//! to another origin (`https:`, `mailto:`, `//host/`) are external and not
//! followed.

use crate::book::html::{html_pages, page_links, PageLinks};
use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use url::Url;

/// The origin the site is taken to be served from: only its path matters.
const ORIGIN: &str = "http://site.invalid/";

/// Checks every HTML page under `site_dir`, served at `site_url` (ending
/// with `/`, as [`super::SitePlan::site_url`] does). Fails
/// with one line per broken link: page, link, what is wrong. Returns the
/// number of internal links checked.
pub fn check_site_links(site_dir: &Path, site_url: &str) -> Result<usize> {
    let pages: BTreeMap<PathBuf, PageLinks> = html_pages(site_dir)?
        .into_iter()
        .map(|(page, text)| (page, page_links(&text)))
        .collect();
    let origin = Url::parse(ORIGIN)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    for (page, links) in &pages {
        let url_path = page.to_string_lossy().replace('\\', "/");
        let page_url = origin.join(&format!("{site_url}{url_path}"))?;
        let base = match &links.base {
            Some(base) => match page_url.join(base) {
                Ok(base) => base,
                Err(_) => {
                    problems.push(format!("{}: bad <base href=\"{base}\">", page.display()));
                    continue;
                }
            },
            None => page_url,
        };
        for (shown, link) in &links.links {
            let target = base.join(link);
            if target
                .as_ref()
                .is_ok_and(|target| target.origin() != origin.origin())
            {
                continue;
            }
            checked += 1;
            let problem = match target {
                Ok(target) => check_link(site_dir, site_url, &target, &pages).err(),
                Err(_) => Some("cannot be resolved".to_string()),
            };
            if let Some(problem) = problem {
                problems.push(format!("{}: {shown}: {problem}", page.display()));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} broken internal link(s) in {}:\n{}",
            problems.len(),
            site_dir.display(),
            problems.join("\n")
        );
    }
    Ok(checked)
}

fn check_link(
    site_dir: &Path,
    site_url: &str,
    target: &Url,
    pages: &BTreeMap<PathBuf, PageLinks>,
) -> std::result::Result<(), String> {
    let decode = |text| super::percent_decode(text).ok_or("bad percent-encoding".to_string());
    let path = decode(target.path())?;
    let Some(inside) = path.strip_prefix(site_url) else {
        return Err(format!("leaves the site (resolves to {path})"));
    };
    let mut file = PathBuf::from(inside);
    if inside.is_empty() || inside.ends_with('/') || site_dir.join(&file).is_dir() {
        file.push("index.html");
    }
    if !site_dir.join(&file).is_file() {
        return Err(format!("no file {}", file.display()));
    }
    let Some(fragment) = target.fragment().filter(|fragment| !fragment.is_empty()) else {
        return Ok(());
    };
    let Some(target) = pages.get(&file) else {
        // A fragment of a non-HTML file (a script) names nothing to check.
        return Ok(());
    };
    let fragment = decode(fragment)?;
    if target.ids.contains(&fragment) {
        Ok(())
    } else {
        Err(format!("{} has no id `{fragment}`", file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_missing_files_missing_anchors_and_links_leaving_the_site_base_href_included() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("fr")).unwrap();
        std::fs::write(
            site.path().join("index.html"),
            "<h1 id=\"a\"></h1><a href=\"fr/%C3%A9t%C3%A9.html#d%C3%A9but\">ok</a>\
             <a href=\"#a\">ok</a><a href=\"fr/\">ok</a><a href=\"https://x.org/\">ext</a><a href=\"mailto:a@b.org\">m</a>\
             <a href=\"//cdn.example.org/x.js\">cdn</a><p id=\"a:b\"><a href=\"#a:b\">ok</a>",
        )
        .unwrap();
        std::fs::write(
            site.path().join("fr/index.html"),
            "<a href=\"../index.html#a\">ok</a>",
        )
        .unwrap();
        std::fs::write(site.path().join("fr/été.html"), "<p id=\"début\">").unwrap();
        // Resolved against its `<base href>`, not the page's own URL.
        let base = "<base href=\"/fr/\"><a href=\"%C3%A9t%C3%A9.html#d%C3%A9but\">ok</a>";
        std::fs::write(site.path().join("404.html"), base).unwrap();
        assert_eq!(check_site_links(site.path(), "/").unwrap(), 6);

        std::fs::write(
            site.path().join("fr/index.html"),
            "<a href=\"../index.html#b\">x</a><a href=\"gone.html\">x</a>\
             <a href=\"../../up.html\">x</a>",
        )
        .unwrap();
        let error = check_site_links(site.path(), "/book/")
            .unwrap_err()
            .to_string();
        assert!(error.contains("4 broken internal link(s)"), "{error}");
        let base = "404.html: <a href=\"%C3%A9t%C3%A9.html#d%C3%A9but\">: leaves the site";
        assert!(error.contains(base), "{error}");
        assert!(error.contains("index.html has no id `b`"), "{error}");
        assert!(error.contains("no file fr/gone.html"), "{error}");
        assert!(
            error.contains("leaves the site (resolves to /up.html)"),
            "{error}"
        );
    }
}
