//! The one HTML reader of the tools: pages parsed by `scraper` (html5ever,
//! the parsing algorithm of browsers, character references included), for
//! the rendered check (code blocks as a reader sees them) and the site's
//! link checker (links, ids, `<base href>`).

use anyhow::{bail, Context, Result};
use mdbook_listings::directive::line_of_offset;
use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every `.html` file under `dir`, by path: its path relative to `dir` and
/// its text. Fails when there is none.
pub fn html_pages(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            pages.push((path.strip_prefix(dir)?.to_path_buf(), text));
        }
    }
    if pages.is_empty() {
        bail!("no HTML page under {}", dir.display());
    }
    Ok(pages)
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

/// One `<pre><code>` block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlCodeBlock {
    /// 1-based line of the page where its `<pre>` starts.
    pub line: usize,
    /// The `class` of the `<code>` element (`language-rust ignore`).
    pub class: String,
    /// The text shown to the reader: the lines mdBook hides
    /// (`<span class="boring">`) left out.
    pub visible: String,
}

/// Every `<pre><code>` block of `html`, in page order. The parser keeps no
/// source positions, so the line is that of the n-th `<pre` tag of the text
/// for the n-th `<pre>` element (mdBook writes none inside a comment or a
/// script).
pub fn html_code_blocks(html: &str) -> Vec<HtmlCodeBlock> {
    let lower = html.to_ascii_lowercase();
    let pre_lines = lower
        .match_indices("<pre")
        .filter(|(at, _)| {
            lower[at + 4..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
        })
        .map(|(at, _)| line_of_offset(html, at));
    let document = Html::parse_document(html);
    let code = selector("code");
    document
        .select(&selector("pre"))
        .zip(pre_lines)
        .filter_map(|(pre, line)| {
            let code = pre.select(&code).next()?;
            Some(HtmlCodeBlock {
                line,
                class: code.attr("class").unwrap_or_default().to_string(),
                visible: text_of(code, |element| element.value().has_class("boring", CASE)),
            })
        })
        .collect()
}

const CASE: scraper::CaseSensitivity = scraper::CaseSensitivity::CaseSensitive;

/// The text of `element`, without the text of the elements `skip` accepts.
fn text_of(element: ElementRef<'_>, skip: impl Fn(ElementRef<'_>) -> bool) -> String {
    element
        .descendants()
        .filter_map(|node| node.value().as_text().map(|text| (node, text)))
        .filter(|(node, _)| !node.ancestors().filter_map(ElementRef::wrap).any(&skip))
        .map(|(_, text)| &**text)
        .collect()
}

/// What the link checker needs from a page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageLinks {
    /// Every `id` and `<a name>` of the page.
    pub ids: BTreeSet<String>,
    /// Every `href` / `src` of the page, in order: the element as the
    /// reports show it (`<a href="x.html">`) and the link as the browser
    /// reads it.
    pub links: Vec<(String, String)>,
    /// The first `<base href>` of the page, if any (browsers use that one).
    pub base: Option<String>,
}

pub fn page_links(html: &str) -> PageLinks {
    let document = Html::parse_document(html);
    let mut page = PageLinks::default();
    for element in document
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let value = element.value();
        let name = value.name();
        page.ids.extend(value.id().map(str::to_string));
        if name == "a" {
            page.ids.extend(value.attr("name").map(str::to_string));
        }
        let attribute = match name {
            "a" | "link" | "area" => "href",
            "script" | "img" | "iframe" | "source" | "video" | "audio" => "src",
            "base" if page.base.is_none() => {
                page.base = value.attr("href").map(str::to_string);
                continue;
            }
            _ => continue,
        };
        if let Some(target) = value.attr(attribute) {
            let shown = format!("<{name} {attribute}=\"{target}\">");
            page.links.push((shown, target.to_string()));
        }
    }
    page
}

/// A parsed page queried with CSS selectors (the site's translated chrome).
pub struct ParsedPage(Html);

impl ParsedPage {
    pub fn parse(html: &str) -> ParsedPage {
        ParsedPage(Html::parse_document(html))
    }

    /// The `attribute` of every element `css` selects (their text for
    /// `None`, trimmed), in page order.
    pub fn values(&self, css: &str, attribute: Option<&str>) -> Result<Vec<String>> {
        let selector =
            Selector::parse(css).map_err(|e| anyhow::anyhow!("selector `{css}`: {e}"))?;
        Ok(self
            .0
            .select(&selector)
            .filter_map(|element| match attribute {
                Some(attribute) => element.attr(attribute).map(str::to_string),
                None => Some(text_of(element, |_| false).trim().to_string()),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_visible_and_hidden_lines() {
        let html = "<p>a</p>\n<pre><code class=\"language-rust ignore\"><span class=\"boring\">use std::thread;\n\
                    </span>impl Drop for ThreadPool {}\nlet v: Vec&lt;u8&gt; = a &amp;&amp; b;&#39;&#x27;\n</code></pre>";
        let blocks = html_code_blocks(html);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].line, 2);
        assert_eq!(blocks[0].class, "language-rust ignore");
        assert_eq!(
            blocks[0].visible,
            "impl Drop for ThreadPool {}\nlet v: Vec<u8> = a && b;''\n"
        );
    }

    #[test]
    fn reads_ids_links_and_base_but_not_scripts_or_comments() {
        let page = page_links(
            "<html><head><base href=\"/fr/\"><base href=\"/x/\"><script>let a = '<a href=\"no.html\">';</script>\
             <!-- <a href=\"comment.html\"> --></head><body>\
             <h2 id=\"impl&eacute;menter\"><a class=header href='#x&amp;y'>T</a></h2>\
             <a name=old></a><img src=\"i.png\" alt=\"\"/><link rel=stylesheet href=\"s.css\"></body>",
        );
        assert_eq!(page.base.as_deref(), Some("/fr/"));
        let targets: Vec<_> = page
            .links
            .iter()
            .map(|(_, target)| target.as_str())
            .collect();
        assert_eq!(targets, ["#x&y", "i.png", "s.css"]);
        assert!(page.ids.contains("old"));
        assert!(page.ids.contains("implémenter"));
    }
}
