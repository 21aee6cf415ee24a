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
use serde_json::Value;
use std::borrow::Cow;
use std::cell::Cell;
use std::path::Path;

/// The strings of `theme/chrome/<language>.json` written into every page
/// in place of mdBook's English (the ids and classes of mdBook 0.5's
/// `index.hbs`): a selector, the attributes set (space-separated; the text
/// when none) and the key. Besides these, `themeNames` (by button id), `help` (the
/// keyboard help's paragraphs, HTML) and the 404 page's strings are written;
/// `switchTitle`, `titles`, `texts` and `results` are for
/// `theme/language-switch.js` only.
const CHROME: &[(&str, &str, &str)] = &[
    ("#mdbook-sidebar", "aria-label", "tableOfContents"),
    (
        "#mdbook-sidebar-toggle",
        "title aria-label",
        "toggleTableOfContents",
    ),
    ("#mdbook-theme-toggle", "title aria-label", "changeTheme"),
    ("#mdbook-theme-list", "aria-label", "themes"),
    ("#mdbook-search-toggle", "title", "searchTitle"),
    ("#mdbook-search-toggle", "aria-label", "toggleSearch"),
    ("#mdbook-searchbar", "placeholder", "searchPlaceholder"),
    (
        ".right-buttons a[href$='print.html']",
        "title aria-label",
        "print",
    ),
    (
        ".right-buttons a[rel=edit]",
        "title aria-label",
        "suggestEdit",
    ),
    (
        ".right-buttons a:not([rel=edit]):not([href$='print.html'])",
        "title aria-label",
        "gitRepository",
    ),
    ("a[rel~=prev]", "title aria-label", "previousChapter"),
    ("a[rel~=next]", "title aria-label", "nextChapter"),
    (
        "nav.nav-wrapper, nav.nav-wide-wrapper",
        "aria-label",
        "pageNavigation",
    ),
    (".mdbook-help-title", "", "helpTitle"),
];

/// The strings of the 404 page: mdBook writes `Page not found - <book
/// title>` and its default 404 Markdown (a heading and a paragraph).
const NOT_FOUND: [&str; 3] = ["pageNotFound", "notFoundHeading", "notFoundText"];

pub struct Chrome {
    /// The file as written, for `chrome.js`.
    pub(super) json: String,
    strings: Value,
    /// The book's title in this language (from its catalog, not this file),
    /// for the 404 page's `<title>`, which mdBook writes in English.
    pub book_title: String,
}

impl Chrome {
    /// `theme/chrome/<language>.json` of the book at `root`; `None` without
    /// that file (the language keeps mdBook's English chrome). Fails naming
    /// the file when one of its strings is missing.
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
        let strings: Value =
            serde_json::from_str(&json).with_context(|| format!("reading {}", path.display()))?;
        let keys = CHROME.iter().map(|(_, _, key)| *key).chain(NOT_FOUND);
        if let Some(key) = keys.into_iter().find(|key| !strings[key].is_string()) {
            bail!("{}: no string `{key}`", path.display());
        }
        let book_title = String::new();
        Ok(Some(Chrome {
            json,
            strings,
            book_title,
        }))
    }

    /// Every string of the file, as JSON.
    pub fn strings(&self) -> &Value {
        &self.strings
    }

    fn get(&self, key: &str) -> &str {
        self.strings[key].as_str().unwrap_or_default()
    }
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
        let url_path = page.to_string_lossy().replace('\\', "/");
        let rewritten = localize_page(&html, &url_path, plan, chrome)
            .with_context(|| format!("localizing {}", language_dir.join(&page).display()))?;
        std::fs::write(language_dir.join(&page), rewritten)?;
    }
    Ok(())
}

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
    let mut handlers: Vec<(Cow<Selector>, ElementContentHandlers)> =
        vec![element!("head", move |head| {
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
    if let Some(c) = chrome {
        for &(css, attributes, key) in CHROME {
            handlers.push(element!(css, move |e| {
                if attributes.is_empty() {
                    text(e, c.get(key))?;
                }
                for attribute in attributes.split_whitespace() {
                    e.set_attribute(attribute, c.get(key))?;
                }
                Ok(())
            }));
        }
        handlers.push(element!("#mdbook-theme-list button[id]", move |e| {
            let id = e.get_attribute("id").unwrap_or_default();
            match c.strings["themeNames"][&id].as_str() {
                Some(name) => text(e, name),
                None => Err(format!("no theme name for `{id}` in themeNames").into()),
            }
        }));
        let help_lines = &help_lines;
        handlers.push(element!("#mdbook-help-popup p", move |e| {
            let html = c.strings["help"][help_lines.get()]
                .as_str()
                .unwrap_or_default();
            help_lines.set(help_lines.get() + 1);
            e.set_inner_content(html, ContentType::Html);
            Ok(())
        }));
        if not_found {
            let [page_not_found, heading, paragraph] = NOT_FOUND.map(|key| c.get(key));
            let title = format!("{page_not_found} - {}", c.book_title);
            handlers.extend([
                element!("title", move |e| text(e, &title)),
                element!("main h1 a.header", move |e| text(e, heading)),
                element!("main p", move |e| text(e, paragraph)),
            ]);
        }
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
        let translated = chrome.strings["help"].as_array().map_or(0, Vec::len);
        if help_lines.get() != 0 && help_lines.get() != translated {
            bail!(
                "the keyboard help has {} lines, its translation {translated}",
                help_lines.get()
            );
        }
    }
    Ok(rewritten)
}

fn text(element: &mut Element, text: &str) -> lol_html::HandlerResult {
    element.set_inner_content(text, ContentType::Text);
    Ok(())
}
