//! Loading the book for one language and running its preprocessors and the
//! HTML renderer in-process, then the check on what it rendered.

use super::html::{html_code_blocks, html_pages};
use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use mdbook_driver::book::Book;
use mdbook_driver::config::Config;
use mdbook_driver::MDBook;
use mdbook_html::HtmlHandlebars;
use mdbook_i18n_helpers::preprocessors::Gettext;
use mdbook_listings::directive::line_of_offset;
use mdbook_listings::trees::book_language;
use mdbook_listings::ListingsPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_renderer::{RenderContext, Renderer};
use std::path::{Path, PathBuf};

/// One chapter of the book after preprocessing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedChapter {
    /// The chapter's source file, relative to the book root
    /// (`src/ch20-03-graceful-shutdown-and-cleanup.md`).
    pub source_path: PathBuf,
    /// The chapter's output path relative to the source folder, as the HTML
    /// renderer uses it (`README.md` becomes `index.md`).
    pub path: PathBuf,
    /// The chapter's title (translated in a translated book).
    pub name: String,
    /// The Markdown after the preprocessors that ran.
    pub content: String,
}

impl RenderedChapter {
    /// The chapter's page, relative to the HTML output folder.
    pub fn html_file(&self) -> PathBuf {
        self.path.with_extension("html")
    }
}

/// Loads the book at `root` in `language` the way `MDBook::load` does
/// (`book.toml`, then `MDBOOK_*` environment overrides, then `adjust`),
/// with the `gettext` and `listings` command preprocessors replaced by
/// their library code, in the order `book.toml` gives.
///
/// A language other than the source language needs its gettext catalog and
/// the `gettext` preprocessor: without them the book would silently stay
/// untranslated, so this fails instead.
fn load(root: &Path, language: &str, adjust: impl FnOnce(&mut Config)) -> Result<MDBook> {
    let layout = BookLayout::load(root)?;
    let book_toml = layout.root.join("book.toml");
    let mut config = Config::from_disk(&book_toml)
        .with_context(|| format!("reading {}", book_toml.display()))?;
    config
        .update_from_env()
        .context("applying the MDBOOK_* environment variables to book.toml")?;
    let source = book_language(&config).to_string();
    if language != source {
        if !config.contains_key("preprocessor.gettext") {
            bail!(
                "cannot build the `{language}` book: book.toml has no [preprocessor.gettext], \
                 so the book would stay in `{source}`"
            );
        }
        let catalog = layout.po_file(language);
        if !catalog.is_file() {
            bail!(
                "cannot build the `{language}` book: {} is missing (gettext would silently \
                 leave the prose in `{source}`)",
                catalog.display()
            );
        }
        // The strict reader first: a malformed catalog fails naming its
        // line, where gettext's parser would panic or skip it.
        let catalog = crate::i18n::translation::read_po(&catalog)?;
        crate::i18n::po::translated_metadata(&mut config, &catalog);
    }
    config.book.language = Some(language.to_string());
    adjust(&mut config);
    let root = &layout.root;
    let mut book = MDBook::load_with_config(root, config)
        .with_context(|| format!("loading the book at {}", root.display()))?;
    let configured = |name: &str| book.config.contains_key(&format!("preprocessor.{name}"));
    let (with_gettext, with_listings) = (
        configured(Gettext.name()),
        configured(ListingsPreprocessor::NAME),
    );
    if with_gettext {
        // `read_po` above ran polib on the catalog first: gettext's parser
        // cannot panic on it.
        book.with_preprocessor(Gettext);
    }
    if with_listings {
        book.with_preprocessor(ListingsPreprocessor);
    }
    Ok(book)
}

/// A preprocessor that leaves the book as it is, put in place of another
/// one (by name) to stop the pipeline before it.
struct Skipped(&'static str);

impl Preprocessor for Skipped {
    fn name(&self) -> &str {
        self.0
    }

    fn run(&self, _ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        Ok(book)
    }
}

/// The book after its preprocessors, and its chapters as the renderer
/// receives them.
fn preprocess(
    book: &MDBook,
    language: &str,
) -> Result<(Book, PreprocessorContext, Vec<RenderedChapter>)> {
    let (preprocessed, ctx) = book
        .preprocess_book(&HtmlHandlebars::new())
        .with_context(|| format!("preprocessing the `{language}` book"))?;
    let chapters = (preprocessed.chapters())
        .filter_map(|chapter| {
            let path = chapter.path.clone()?;
            let source = chapter.source_path.clone().unwrap_or_else(|| path.clone());
            Some(RenderedChapter {
                source_path: book.config.book.src.join(source),
                path,
                name: chapter.name.clone(),
                content: chapter.content.clone(),
            })
        })
        .collect();
    Ok((preprocessed, ctx, chapters))
}

/// Every chapter of the `language` book after the whole pipeline (gettext,
/// listings, links, index): the Markdown the HTML renderer receives.
pub fn preprocessed_chapters(root: &Path, language: &str) -> Result<Vec<RenderedChapter>> {
    Ok(preprocess(&load(root, language, |_| {})?, language)?.2)
}

/// Every chapter of the `language` book after gettext and listings but
/// before mdBook's `links` expands the includes: the code fences still read
/// ```` ```rust,ignore,does_not_compile ```` followed by the
/// `{{#rustdoc_include ...}}` of the listing, pointed at the tree of
/// `language`. Broken includes fail here too.
pub fn chapters_before_links(root: &Path, language: &str) -> Result<Vec<RenderedChapter>> {
    let mut book = load(root, language, |_| {})?;
    book.with_preprocessor(Skipped("links"));
    Ok(preprocess(&book, language)?.2)
}

/// Renders the `language` book to HTML in `dest_dir` (emptied first by
/// mdBook's renderer, so it must be a folder of its own, outside the book's
/// sources), with `adjust` applied to the configuration once `book.toml`
/// and the `MDBOOK_*` overrides are read (the site sets each language's
/// `output.html.site-url` this way). Then runs the rendered check
/// ([`check_rendered_html`]) and returns the chapters as the renderer
/// received them.
pub fn build_html(
    root: &Path,
    language: &str,
    dest_dir: &Path,
    adjust: impl FnOnce(&mut Config),
) -> Result<Vec<RenderedChapter>> {
    let root = std::path::absolute(root)?;
    let dest_dir = std::path::absolute(dest_dir)?;
    refuse_unsafe_destination(&root, &dest_dir)?;
    let book = load(&root, language, |config| {
        config.build.build_dir = dest_dir.clone();
        adjust(config);
    })?;
    let (preprocessed, preprocess_ctx, chapters) = preprocess(&book, language)?;
    let mut render_ctx = RenderContext::new(
        book.root.clone(),
        preprocessed,
        book.config.clone(),
        dest_dir.clone(),
    );
    render_ctx
        .chapter_titles
        .extend(preprocess_ctx.chapter_titles.borrow_mut().drain());
    HtmlHandlebars::new()
        .render(&render_ctx)
        .with_context(|| format!("rendering the `{language}` book to {}", dest_dir.display()))?;
    check_rendered_html(&dest_dir, &chapters)
        .with_context(|| format!("checking the HTML of the `{language}` book"))?;
    Ok(chapters)
}

/// The renderer empties its destination: never let it be the book itself,
/// one of its ancestors, or a folder inside the sources or listing trees.
fn refuse_unsafe_destination(root: &Path, dest_dir: &Path) -> Result<()> {
    if root.starts_with(dest_dir) {
        bail!(
            "refusing to render into {}: it holds the book at {}",
            dest_dir.display(),
            root.display()
        );
    }
    let layout = BookLayout::load(root)?;
    let mut protected =
        std::iter::once(&layout.src).chain(layout.languages.iter().map(|l| &l.tree));
    if let Some(inside) = protected.find(|folder| dest_dir.starts_with(folder)) {
        bail!(
            "refusing to render into {}: it is inside {}",
            dest_dir.display(),
            inside.display()
        );
    }
    Ok(())
}

/// The check on the rendered book, in the HTML mdBook wrote (what the
/// reader gets: mdBook's own hiding of `# ` lines decides what is empty):
/// fails if a page holds `{{#` (a directive left unexpanded) or a
/// `<pre><code>` block with no visible text, naming the page, the chapter
/// and the line.
fn check_rendered_html(html_dir: &Path, chapters: &[RenderedChapter]) -> Result<()> {
    let mut problems = Vec::new();
    for (page, html) in html_pages(html_dir)? {
        let where_ = match chapters.iter().find(|chapter| chapter.html_file() == page) {
            Some(chapter) => format!(
                "{} (chapter {})",
                page.display(),
                chapter.source_path.display()
            ),
            None => page.display().to_string(),
        };
        for (offset, _) in html.match_indices("{{#") {
            let line = line_of_offset(&html, offset);
            let text = html.lines().nth(line - 1).unwrap_or_default().trim();
            problems.push(format!(
                "{where_}:{line}: unexpanded directive in the HTML: {text}"
            ));
        }
        for block in html_code_blocks(&html) {
            if block.visible.trim().is_empty() {
                problems.push(format!(
                    "{where_}:{}: empty code block <code class=\"{}\">",
                    block.line, block.class
                ));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} problem(s) in the rendered HTML:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::TempBook;

    fn bilingual() -> TempBook {
        let languages = [("en", "listings-sources"), ("fr", "listings")];
        TempBook::tiny(&languages, "# Chapter\n").unwrap()
    }

    #[test]
    fn incomplete_po_header_is_an_error_not_a_crash() {
        let book = bilingual();
        let po =
            "msgid \"\"\nmsgstr \"Language: fr\\n\"\n\nmsgid \"Chapter\"\nmsgstr \"Chapitre\"\n";
        book.write("po/fr.po", po).unwrap();
        let error = preprocessed_chapters(book.root(), "fr").unwrap_err();
        assert!(
            format!("{error:#}").contains("fr.po:1: the header has no `Project-Id-Version` field"),
            "{error:#}"
        );
    }

    #[test]
    fn renders_into_the_given_folder_only_never_over_the_book() {
        let book = bilingual();
        for dest in [book.root().to_path_buf(), book.root().join("src/out")] {
            let error = build_html(book.root(), "en", &dest, |_| {}).unwrap_err();
            assert!(error.to_string().starts_with("refusing to render into"));
        }
        assert!(book.root().join("src/chapter.md").is_file());
        let out = tempfile::tempdir().unwrap();
        build_html(book.root(), "fr", out.path(), |_| {}).unwrap();
        let build_dir = crate::languages::BookLayout::load(book.root())
            .unwrap()
            .build_dir;
        assert!(!build_dir.exists(), "{} was written", build_dir.display());
        assert!(out.path().join("index.html").is_file());
    }

    #[test]
    fn a_leftover_directive_and_empty_code_blocks_fail_the_build_naming_chapter_and_line() {
        let shown = "```rust\n# use a;\nfn main() {}\n```\n\n    indented\n";
        let book = TempBook::tiny(&[("en", "listings-sources")], shown).unwrap();
        build_html(book.root(), "en", &book.output_dir("fine"), |_| {}).unwrap();
        let broken = "# Chapter\n\n{{#unknown x}}\n\n```rust\n# use a;\n# fn main() {}\n```\n\n\
                      ```console\n```\n";
        book.write("src/chapter.md", broken).unwrap();
        let out = book.output_dir("broken");
        let error = build_html(book.root(), "en", &out, |_| {}).unwrap_err();
        let error = format!("{error:#}");
        let page = std::fs::read_to_string(out.join("chapter.html")).unwrap();
        let line_of = |text: &str| line_of_offset(&page, page.find(text).unwrap());
        let at = "chapter.html (chapter src/chapter.md)";
        for problem in [
            format!(
                "{at}:{}: unexpanded directive in the HTML: <p>{{{{#unknown x}}}}</p>",
                line_of("{{#unknown")
            ),
            format!(
                "{at}:{}: empty code block <code class=\"language-rust\">",
                line_of("class=\"language-rust")
            ),
            format!(
                "{at}:{}: empty code block <code class=\"language-console\">",
                line_of("class=\"language-console")
            ),
        ] {
            assert!(error.contains(&problem), "no {problem:?} in {error}");
        }
    }
}
