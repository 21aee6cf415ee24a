//! The internal links of a built site: every `href` and `src` of every HTML
//! page that stays on the site must name a file that exists, and its
//! `#fragment`, if any, an `id` (or `<a name>`) of the target page.
//!
//! Links are resolved as a browser does: against the page's own URL, or its
//! `<base href>` (mdBook's `404.html` has one, from `output.html.site-url`).
//! The site folder is taken to be served at `site_url`; a link that leaves
//! it is reported too. Links with a scheme (`https:`, `mailto:`) are external
//! and not followed.

use crate::site::percent_decode;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One link found on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The element (`a`, `link`, `script`, `img`, `iframe`).
    pub element: String,
    /// The attribute value, entities decoded.
    pub target: String,
}

/// What the check needs from one HTML page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageLinks {
    /// Every `id` and `<a name>` of the page.
    pub ids: BTreeSet<String>,
    /// Every `href` / `src` of the page, in order.
    pub links: Vec<Link>,
    /// The `<base href>` of the page, if any.
    pub base: Option<String>,
}

/// Checks every HTML page under `site_dir`, served at `site_url`. Fails
/// with one line per broken link: page, link, what is wrong. Returns the
/// number of internal links checked.
pub fn check_site_links(site_dir: &Path, site_url: &str) -> Result<usize> {
    let mut pages = BTreeMap::new();
    for entry in walkdir::WalkDir::new(site_dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", site_dir.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "html") {
            let relative = entry.path().strip_prefix(site_dir)?.to_path_buf();
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            pages.insert(relative, scan_page(&text));
        }
    }
    if pages.is_empty() {
        bail!("no HTML page under {}", site_dir.display());
    }
    let site_url = if site_url.ends_with('/') {
        site_url.to_string()
    } else {
        format!("{site_url}/")
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    for (page, scanned) in &pages {
        let page_url = format!("{site_url}{}", url_of(page));
        let base = match &scanned.base {
            Some(base) => match resolve(&page_url, base) {
                Some((base, _)) => base,
                None => {
                    problems.push(format!("{}: bad <base href=\"{base}\">", page.display()));
                    continue;
                }
            },
            None => page_url.clone(),
        };
        for link in &scanned.links {
            if is_external(&link.target) {
                continue;
            }
            checked += 1;
            if let Err(problem) = check_link(site_dir, &site_url, &base, link, &pages) {
                problems.push(format!(
                    "{}: <{} {}=\"{}\">: {problem}",
                    page.display(),
                    link.element,
                    if link.element == "a" || link.element == "link" {
                        "href"
                    } else {
                        "src"
                    },
                    link.target
                ));
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
    base: &str,
    link: &Link,
    pages: &BTreeMap<PathBuf, PageLinks>,
) -> std::result::Result<(), String> {
    let (path, fragment) =
        resolve(base, &link.target).ok_or_else(|| "cannot be resolved".to_string())?;
    let path = percent_decode(&path).ok_or_else(|| "bad percent-encoding".to_string())?;
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
    let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty()) else {
        return Ok(());
    };
    let Some(target) = pages.get(&file) else {
        // A fragment of a non-HTML file (a script) names nothing to check.
        return Ok(());
    };
    let fragment =
        percent_decode(&fragment).ok_or_else(|| "bad percent-encoding in fragment".to_string())?;
    if target.ids.contains(&fragment) {
        Ok(())
    } else {
        Err(format!("{} has no id `{fragment}`", file.display()))
    }
}

/// The URL path of a page relative to the site root (`fr/index.html`).
fn url_of(page: &Path) -> String {
    page.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn is_external(target: &str) -> bool {
    if target.starts_with("//") {
        return true;
    }
    let scheme_end = target.find(':');
    let path_start = target.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(slash)) => colon < slash,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Resolves `reference` against the absolute URL path `base` (as `new
/// URL(reference, base)` would, for same-site references): the resulting
/// path and fragment. The query is dropped.
pub fn resolve(base: &str, reference: &str) -> Option<(String, Option<String>)> {
    let (reference, fragment) = match reference.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment.to_string())),
        None => (reference, None),
    };
    let reference = reference.split('?').next().unwrap_or("");
    let base_path = base.split(['?', '#']).next().unwrap_or("/");
    if reference.is_empty() {
        return Some((base_path.to_string(), fragment));
    }
    let joined = if reference.starts_with('/') {
        reference.to_string()
    } else {
        let directory = &base_path[..base_path.rfind('/')? + 1];
        format!("{directory}{reference}")
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = joined.split('/').skip(1).collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        match *part {
            "." => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    Some((format!("/{}", segments.join("/")), fragment))
}

/// Finds the ids, links and base of one HTML page. A small scanner for the
/// HTML mdBook writes: tags and their attributes, skipping comments and the
/// text of `<script>` and `<style>`.
pub fn scan_page(html: &str) -> PageLinks {
    let mut page = PageLinks::default();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        let (tag, after) = parse_tag(&rest[1..]);
        rest = after;
        let Some(tag) = tag else { continue };
        if let Some(id) = tag.attribute("id") {
            page.ids.insert(id.to_string());
        }
        match tag.name.as_str() {
            "a" => {
                if let Some(name) = tag.attribute("name") {
                    page.ids.insert(name.to_string());
                }
                push_link(&mut page, &tag, "href");
            }
            "link" | "area" => push_link(&mut page, &tag, "href"),
            "script" | "img" | "iframe" | "source" | "video" | "audio" => {
                push_link(&mut page, &tag, "src")
            }
            "base" => page.base = tag.attribute("href").map(str::to_string),
            _ => {}
        }
        if matches!(tag.name.as_str(), "script" | "style") && !tag.self_closing {
            let closing = format!("</{}", tag.name);
            rest = find_ignoring_case(rest, &closing).map_or("", |end| &rest[end..]);
        }
    }
    page
}

fn push_link(page: &mut PageLinks, tag: &Tag, attribute: &str) {
    if let Some(target) = tag.attribute(attribute) {
        page.links.push(Link {
            element: tag.name.clone(),
            target: target.to_string(),
        });
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

/// An opening tag.
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
    self_closing: bool,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Parses `name attr="value" ...>` (after the `<`); returns the tag (or
/// `None` when this `<` opens no tag) and the text after it.
fn parse_tag(text: &str) -> (Option<Tag>, &str) {
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(text.len());
    if name_end == 0 || !text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return (None, text);
    }
    let name = text[..name_end].to_ascii_lowercase();
    let mut rest = &text[name_end..];
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            self_closing = true;
            rest = after;
            break;
        }
        if let Some(after) = rest.strip_prefix('>') {
            rest = after;
            break;
        }
        if rest.is_empty() {
            break;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        if key_end == 0 {
            rest = &rest[1..];
            continue;
        }
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let end = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            decode_entities(value)
        } else {
            String::new()
        };
        attributes.push((key, value));
    }
    (
        Some(Tag {
            name,
            attributes,
            self_closing,
        }),
        rest,
    )
}

/// Decodes the character references of an attribute value.
pub fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        decoded.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(';').filter(|end| *end <= 10);
        let replacement = end.and_then(|end| {
            let name = &rest[1..end];
            let character = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            character.map(|character| (character, end))
        });
        match replacement {
            Some((character, end)) => {
                decoded.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_browser() {
        let r = |base, reference| resolve(base, reference).unwrap();
        assert_eq!(
            r("/fr/a.html", "b.html#x"),
            ("/fr/b.html".into(), Some("x".into()))
        );
        assert_eq!(r("/fr/a.html", "../c.html"), ("/c.html".into(), None));
        assert_eq!(
            r("/fr/a.html", "#top"),
            ("/fr/a.html".into(), Some("top".into()))
        );
        assert_eq!(r("/fr/a.html", "/x/y.css?v=1"), ("/x/y.css".into(), None));
        assert_eq!(r("/fr/sub/a.html", "./"), ("/fr/sub/".into(), None));
        assert_eq!(r("/fr/sub/a.html", ".."), ("/fr/".into(), None));
    }

    #[test]
    fn scans_ids_links_and_base_but_not_scripts_or_comments() {
        let page = scan_page(
            "<html><head><base href=\"/fr/\"><script>let a = '<a href=\"no.html\">';</script>\
             <!-- <a href=\"comment.html\"> --></head><body>\
             <h2 id=\"impl&eacute;menter\"><a class=header href='#x&amp;y'>T</a></h2>\
             <a name=old></a><img src=\"i.png\" alt=\"\"/><link rel=stylesheet href=\"s.css\"></body>",
        );
        assert_eq!(page.base.as_deref(), Some("/fr/"));
        let targets: Vec<_> = page.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["#x&y", "i.png", "s.css"]);
        assert!(page.ids.contains("old"));
        assert!(page.ids.contains("impl&eacute;menter"));
    }

    #[test]
    fn external_links_are_not_followed() {
        assert!(is_external("https://github.com/rust-lang/book"));
        assert!(is_external("mailto:x@example.org"));
        assert!(is_external("//cdn.example.org/x.js"));
        assert!(!is_external("ch20.html#a:b"));
        assert!(!is_external("../x.html"));
    }

    #[test]
    fn reports_missing_files_missing_anchors_and_links_leaving_the_site() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("fr")).unwrap();
        std::fs::write(
            site.path().join("index.html"),
            "<h1 id=\"a\"></h1><a href=\"fr/%C3%A9t%C3%A9.html#d%C3%A9but\">ok</a>\
             <a href=\"#a\">ok</a><a href=\"fr/\">ok</a><a href=\"https://x.org/\">ext</a>",
        )
        .unwrap();
        std::fs::write(
            site.path().join("fr/index.html"),
            "<a href=\"../index.html#a\">ok</a>",
        )
        .unwrap();
        std::fs::write(site.path().join("fr/été.html"), "<p id=\"début\">").unwrap();
        assert_eq!(check_site_links(site.path(), "/").unwrap(), 4);

        std::fs::write(
            site.path().join("fr/index.html"),
            "<a href=\"../index.html#b\">x</a><a href=\"gone.html\">x</a>\
             <a href=\"../../up.html\">x</a>",
        )
        .unwrap();
        let error = check_site_links(site.path(), "/book/")
            .unwrap_err()
            .to_string();
        assert!(error.contains("3 broken internal link(s)"), "{error}");
        assert!(error.contains("index.html has no id `b`"), "{error}");
        assert!(error.contains("no file fr/gone.html"), "{error}");
        assert!(
            error.contains("leaves the site (resolves to /up.html)"),
            "{error}"
        );
    }

    #[test]
    fn a_base_href_changes_what_links_resolve_against() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("fr")).unwrap();
        std::fs::write(site.path().join("fr/index.html"), "<p id=\"x\">").unwrap();
        std::fs::write(
            site.path().join("fr/404.html"),
            "<base href=\"/fr/\"><a href=\"index.html#x\">ok</a>",
        )
        .unwrap();
        assert_eq!(check_site_links(site.path(), "/").unwrap(), 1);
        std::fs::write(
            site.path().join("fr/404.html"),
            "<base href=\"/\"><a href=\"index.html#x\">broken</a>",
        )
        .unwrap();
        assert!(check_site_links(site.path(), "/").is_err());
    }
}
