//! Every page of a language in that language without JavaScript: after
//! mdBook renders a language, its pages are rewritten with the strings of
//! `theme/chrome/<language>.json`, the same file `theme/language-switch.js`
//! reads (as `chrome.js`) for the text mdBook's scripts write later.
//!
//! - The book title and description are messages of the language's
//!   catalog, given to mdBook itself by the pipeline
//!   ([`crate::i18n::po::translated_metadata`]), so `<title>`, the
//!   menu-bar title and `<meta name="description">` come out translated on
//!   every page, the print page included.
//! - The rest of mdBook's chrome (button titles and labels, the search
//!   placeholder, the theme names, the keyboard help, the 404 page) is
//!   English in mdBook's template: [`localize`] rewrites it with `lol_html`,
//!   a streaming rewriter that changes the selected attributes and text and
//!   leaves every other byte of the page as mdBook wrote it.
//! - Every page, in every language, links its translations
//!   (`<link rel="alternate" hreflang>`, `x-default` to the source language),
//!   full URLs when the site URL is one ([`SitePlan::origin`]).

use super::{SitePlan, NOT_FOUND_PAGE};
use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use lol_html::html_content::{ContentType, Element};
use lol_html::{element, rewrite_str, ElementContentHandlers, RewriteStrSettings, Selector};
use serde::Deserialize;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::Path;

/// The strings of `theme/chrome/<language>.json` the build writes into the
/// pages. The other keys of that file (`switchTitle`, `titles`, `texts`,
/// `results`) are for `theme/language-switch.js` only.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chrome {
    pub table_of_contents: String,
    pub toggle_table_of_contents: String,
    pub change_theme: String,
    pub themes: String,
    /// By the id of mdBook's theme button (`mdbook-theme-light`).
    pub theme_names: BTreeMap<String, String>,
    pub search_title: String,
    pub toggle_search: String,
    pub search_placeholder: String,
    pub print: String,
    pub git_repository: String,
    pub suggest_edit: String,
    pub previous_chapter: String,
    pub next_chapter: String,
    pub page_navigation: String,
    pub page_not_found: String,
    pub not_found_heading: String,
    pub not_found_text: String,
    pub help_title: String,
    /// The paragraphs of the keyboard help, in mdBook's order (HTML).
    pub help: Vec<String>,
    /// The file as written, for `chrome.js`.
    #[serde(skip)]
    pub json: String,
    /// The book's title in this language (from its catalog, not this file),
    /// for the 404 page's `<title>`, which mdBook writes in English.
    #[serde(skip)]
    pub book_title: String,
}

impl Chrome {
    /// `theme/chrome/<language>.json` of the book at `root`; `None` without
    /// that file (the language keeps mdBook's English chrome).
    pub fn load(root: &Path, language: &str) -> Result<Option<Chrome>> {
        let path = BookLayout::load(root)?
            .theme_dir
            .join("chrome")
            .join(format!("{language}.json"));
        let json = match std::fs::read_to_string(&path) {
            Ok(json) => json,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        let chrome: Chrome =
            serde_json::from_str(&json).with_context(|| format!("reading {}", path.display()))?;
        Ok(Some(Chrome { json, ..chrome }))
    }
}

/// Writes `chrome.js` into `language_dir`: the chrome data of its language
/// for `theme/language-switch.js` (`null`: mdBook's chrome).
pub fn write_chrome_js(language_dir: &Path, chrome: Option<&Chrome>) -> Result<()> {
    let json = chrome.map_or("null", |chrome| chrome.json.trim());
    let path = language_dir.join("chrome.js");
    std::fs::write(&path, format!("window.bookChrome = {json};\n"))
        .with_context(|| format!("writing {}", path.display()))
}

/// Rewrites every page of the language built into `language_dir` (the folders of other
/// languages inside it left alone): its translations linked in `<head>`,
/// mdBook's chrome in `chrome`'s strings, and, on the 404 page, the
/// fragment links pointed at the page itself (it carries
/// `<base href="<site-url>">`, so `#x` would lead to the front page).
pub fn localize(language_dir: &Path, plan: &SitePlan, chrome: Option<&Chrome>) -> Result<()> {
    for (page, html) in crate::book::html::html_pages(language_dir)? {
        let first = page.components().next().map(|c| c.as_os_str());
        if page.components().count() > 1
            && plan
                .languages
                .iter()
                .any(|code| first == Some(code.as_ref()))
        {
            continue;
        }
        let url_path = page
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let rewritten = localize_page(&html, &url_path, plan, chrome)
            .with_context(|| format!("localizing {}", language_dir.join(&page).display()))?;
        std::fs::write(language_dir.join(&page), rewritten)?;
    }
    Ok(())
}

type Handlers<'h> = Vec<(Cow<'h, Selector>, ElementContentHandlers<'h>)>;

/// One page rewritten; `page` is its path in its language's folder.
fn localize_page(
    html: &str,
    page: &str,
    plan: &SitePlan,
    chrome: Option<&Chrome>,
) -> Result<String> {
    let mut alternates: String = plan
        .languages
        .iter()
        .map(|code| (code.as_str(), code))
        .chain([("x-default", &plan.source_language)])
        .map(|(hreflang, code)| {
            let href = format!(
                "{}{}{}{page}",
                plan.origin,
                plan.site_url,
                plan.url_path(code)
            );
            format!("    <link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{href}\">\n")
        })
        .collect();
    let mut handlers: Handlers = vec![element!("head", move |head| {
        head.append(&std::mem::take(&mut alternates), ContentType::Html);
        Ok(())
    })];
    let not_found = page == NOT_FOUND_PAGE;
    if not_found {
        handlers.push(element!("a[href^='#']", |link| {
            let href = link.get_attribute("href").unwrap_or_default();
            link.set_attribute("href", &format!("{NOT_FOUND_PAGE}{href}"))?;
            Ok(())
        }));
    }
    let help_lines = Cell::new(0);
    if let Some(chrome) = chrome {
        chrome_handlers(&mut handlers, chrome, not_found, &help_lines);
    }
    let rewritten = rewrite_str(
        html,
        RewriteStrSettings {
            element_content_handlers: handlers,
            ..RewriteStrSettings::new()
        },
    )?;
    if let Some(chrome) = chrome {
        // `toc.html` has no help; every other page must have all of it.
        if help_lines.get() != 0 && help_lines.get() != chrome.help.len() {
            bail!(
                "the keyboard help has {} lines, its translation {}",
                help_lines.get(),
                chrome.help.len()
            );
        }
    }
    Ok(rewritten)
}

/// Sets `title` and `aria-label`.
fn label(element: &mut Element, text: &str) -> lol_html::HandlerResult {
    element.set_attribute("title", text)?;
    element.set_attribute("aria-label", text)?;
    Ok(())
}

fn set(element: &mut Element, attribute: &str, text: &str) -> lol_html::HandlerResult {
    element.set_attribute(attribute, text)?;
    Ok(())
}

fn text(element: &mut Element, text: &str) -> lol_html::HandlerResult {
    element.set_inner_content(text, ContentType::Text);
    Ok(())
}

/// The handlers that put `chrome` in place of mdBook's English chrome (the
/// ids and classes of mdBook 0.5's `index.hbs`).
fn chrome_handlers<'h>(
    handlers: &mut Handlers<'h>,
    chrome: &'h Chrome,
    not_found: bool,
    help_lines: &'h Cell<usize>,
) {
    let c = chrome;
    handlers.extend([
        element!("#mdbook-sidebar", move |e| set(
            e,
            "aria-label",
            &c.table_of_contents
        )),
        element!("#mdbook-sidebar-toggle", move |e| label(
            e,
            &c.toggle_table_of_contents
        )),
        element!("#mdbook-theme-toggle", move |e| label(e, &c.change_theme)),
        element!("#mdbook-theme-list", move |e| set(
            e,
            "aria-label",
            &c.themes
        )),
        element!("#mdbook-theme-list button[id]", move |e| {
            let id = e.get_attribute("id").unwrap_or_default();
            match c.theme_names.get(&id) {
                Some(name) => text(e, name),
                None => Err(format!("no theme name for `{id}` in themeNames").into()),
            }
        }),
        element!("#mdbook-search-toggle", move |e| {
            set(e, "title", &c.search_title)?;
            set(e, "aria-label", &c.toggle_search)
        }),
        element!("#mdbook-searchbar", move |e| set(
            e,
            "placeholder",
            &c.search_placeholder
        )),
        element!(".right-buttons a", move |e| {
            let href = e.get_attribute("href").unwrap_or_default();
            if href.ends_with("print.html") {
                label(e, &c.print)
            } else if e.get_attribute("rel").as_deref() == Some("edit") {
                label(e, &c.suggest_edit)
            } else {
                label(e, &c.git_repository)
            }
        }),
        element!("a[rel~='prev']", move |e| label(e, &c.previous_chapter)),
        element!("a[rel~='next']", move |e| label(e, &c.next_chapter)),
        element!("nav.nav-wrapper, nav.nav-wide-wrapper", move |e| {
            set(e, "aria-label", &c.page_navigation)
        }),
        element!(".mdbook-help-title", move |e| text(e, &c.help_title)),
        element!("#mdbook-help-popup p", move |e| {
            let line = help_lines.get();
            help_lines.set(line + 1);
            let html = c.help.get(line).map_or("", String::as_str);
            e.set_inner_content(html, ContentType::Html);
            Ok(())
        }),
    ]);
    if not_found {
        // mdBook writes `Page not found - <book title>` and renders its
        // default 404 Markdown (a heading and a paragraph) into `main`.
        handlers.extend([
            element!("title", move |e| {
                text(e, &format!("{} - {}", c.page_not_found, c.book_title))
            }),
            element!("main h1 a.header", move |e| text(e, &c.not_found_heading)),
            element!("main p", move |e| text(e, &c.not_found_text)),
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_links_every_language_and_the_source_as_default() {
        let plan = SitePlan::new("en", ["en", "fr"], "/book/").unwrap();
        let html = localize_page("<html><head></head></html>", "a/b.html", &plan, None).unwrap();
        for link in [
            r#"<link rel="alternate" hreflang="en" href="/book/a/b.html">"#,
            r#"<link rel="alternate" hreflang="fr" href="/book/fr/a/b.html">"#,
            r#"<link rel="alternate" hreflang="x-default" href="/book/a/b.html">"#,
        ] {
            assert!(html.contains(link), "no {link} in {html}");
        }
    }

    #[test]
    fn fragment_links_of_the_not_found_page_point_at_itself() {
        let plan = SitePlan::new("en", ["en"], "/").unwrap();
        let html = "<base href=\"/fr/\"><h1 id=\"x\"><a class=\"header\" href=\"#x\">T</a></h1>\
             <a href=\"index.html\">";
        let text = localize_page(html, NOT_FOUND_PAGE, &plan, None).unwrap();
        assert!(text.contains("href=\"404.html#x\""), "{text}");
        assert!(text.contains("href=\"index.html\""), "{text}");
        let elsewhere = localize_page(html, "index.html", &plan, None).unwrap();
        assert!(elsewhere.contains("href=\"#x\""), "{elsewhere}");
    }
}
