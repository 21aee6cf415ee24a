//! Loading the book for one language and running its preprocessors and the
//! HTML renderer in-process.

use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use mdbook_driver::book::Book;
use mdbook_driver::config::Config;
use mdbook_driver::MDBook;
use mdbook_html::HtmlHandlebars;
use mdbook_i18n_helpers::preprocessors::Gettext;
use mdbook_listings::trees::book_language;
use mdbook_listings::ListingsPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_renderer::{RenderContext, Renderer};
use std::panic::AssertUnwindSafe;
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
/// (`book.toml`, then `MDBOOK_*` environment overrides), with
/// `book.language` set to `language`, and the `gettext` and `listings`
/// command preprocessors replaced by their library code, in the order
/// `book.toml` gives.
///
/// A language other than the source language needs its gettext catalog and
/// the `gettext` preprocessor: without them the book would silently stay
/// untranslated, so this fails instead.
pub fn load(root: &Path, language: &str) -> Result<MDBook> {
    load_with(root, language, |_| {})
}

fn read_config(root: &Path) -> Result<Config> {
    let book_toml = root.join("book.toml");
    if !book_toml.is_file() {
        bail!("no book at {}: book.toml is missing", root.display());
    }
    let mut config = Config::from_disk(&book_toml)
        .with_context(|| format!("reading {}", book_toml.display()))?;
    config
        .update_from_env()
        .context("applying the MDBOOK_* environment variables to book.toml")?;
    Ok(config)
}

fn load_with(root: &Path, language: &str, adjust: impl FnOnce(&mut Config)) -> Result<MDBook> {
    let root = std::path::absolute(root)
        .with_context(|| format!("cannot make {} absolute", root.display()))?;
    let mut config = read_config(&root)?;
    let source = book_language(&config).to_string();
    if language != source {
        if !config.contains_key("preprocessor.gettext") {
            bail!(
                "cannot build the `{language}` book: book.toml has no [preprocessor.gettext], \
                 so the book would stay in `{source}`"
            );
        }
        let catalog = BookLayout::load(&root)?.po_file(language);
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
    let mut book = MDBook::load_with_config(&root, config)
        .with_context(|| format!("loading the book at {}", root.display()))?;
    let configured = |name: &str| book.config.contains_key(&format!("preprocessor.{name}"));
    let (with_gettext, with_listings) = (
        configured(Gettext.name()),
        configured(ListingsPreprocessor::NAME),
    );
    if with_gettext {
        book.with_preprocessor(GettextLibrary);
    }
    if with_listings {
        book.with_preprocessor(ListingsPreprocessor);
    }
    Ok(book)
}

/// The real `gettext` preprocessor of mdbook-i18n-helpers, run in-process.
/// `mdbook-gettext` dies on a panic (polib panics on a po header missing a
/// field); here the panic becomes an error naming the catalog, so the caller
/// gets a failed build rather than a crashed test.
struct GettextLibrary;

impl Preprocessor for GettextLibrary {
    fn name(&self) -> &str {
        Gettext.name()
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> anyhow::Result<Book> {
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| Gettext.run(ctx, book)));
        run.unwrap_or_else(|panic| {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let language = book_language(&ctx.config);
            bail!("the gettext preprocessor panicked on the `{language}` catalog: {reason}")
        })
    }

    fn supports_renderer(&self, renderer: &str) -> anyhow::Result<bool> {
        Gettext.supports_renderer(renderer)
    }
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

fn chapters_of(book: &Book, config: &Config) -> Vec<RenderedChapter> {
    book.chapters()
        .filter_map(|chapter| {
            let path = chapter.path.clone()?;
            let source = chapter.source_path.clone().unwrap_or_else(|| path.clone());
            Some(RenderedChapter {
                source_path: config.book.src.join(source),
                path,
                name: chapter.name.clone(),
                content: chapter.content.clone(),
            })
        })
        .collect()
}

fn preprocess(book: &MDBook, language: &str) -> Result<(Book, PreprocessorContext)> {
    book.preprocess_book(&HtmlHandlebars::new())
        .with_context(|| format!("preprocessing the `{language}` book"))
}

/// Every chapter of the `language` book after the whole pipeline (gettext,
/// listings, links, index): the Markdown the HTML renderer receives.
pub fn preprocessed_chapters(root: &Path, language: &str) -> Result<Vec<RenderedChapter>> {
    let book = load(root, language)?;
    let (preprocessed, _) = preprocess(&book, language)?;
    Ok(chapters_of(&preprocessed, &book.config))
}

/// Every chapter of the `language` book after gettext and listings but
/// before mdBook's `links` expands the includes: the code fences still read
/// ```` ```rust,ignore,does_not_compile ```` followed by the
/// `{{#rustdoc_include ...}}` of the listing, pointed at the tree of
/// `language`. Broken includes fail here too.
pub fn chapters_before_links(root: &Path, language: &str) -> Result<Vec<RenderedChapter>> {
    let mut book = load(root, language)?;
    book.with_preprocessor(Skipped("links"));
    let (preprocessed, _) = preprocess(&book, language)?;
    Ok(chapters_of(&preprocessed, &book.config))
}

/// Renders the `language` book to HTML in `dest_dir` (emptied first by
/// mdBook's renderer, so it must be a folder of its own, outside the book's
/// sources), and returns the chapters as the renderer received them.
pub fn build_html(root: &Path, language: &str, dest_dir: &Path) -> Result<Vec<RenderedChapter>> {
    build_html_with(root, language, dest_dir, |_| {})
}

/// [`build_html`], with `adjust` applied to the configuration once
/// `book.toml` and the `MDBOOK_*` overrides are read (the bilingual site
/// sets each language's `output.html.site-url` this way).
pub fn build_html_with(
    root: &Path,
    language: &str,
    dest_dir: &Path,
    adjust: impl FnOnce(&mut Config),
) -> Result<Vec<RenderedChapter>> {
    let root = std::path::absolute(root)?;
    let dest_dir = std::path::absolute(dest_dir)?;
    refuse_unsafe_destination(&root, &dest_dir)?;
    let book = load_with(&root, language, |config| {
        config.build.build_dir = dest_dir.clone();
        adjust(config);
    })?;
    let renderer = HtmlHandlebars::new();
    let (preprocessed, preprocess_ctx) = preprocess(&book, language)?;
    let chapters = chapters_of(&preprocessed, &book.config);
    let mut render_ctx = RenderContext::new(
        book.root.clone(),
        preprocessed,
        book.config.clone(),
        dest_dir.clone(),
    );
    render_ctx
        .chapter_titles
        .extend(preprocess_ctx.chapter_titles.borrow_mut().drain());
    renderer
        .render(&render_ctx)
        .with_context(|| format!("rendering the `{language}` book to {}", dest_dir.display()))?;
    Ok(chapters)
}

/// [`build_html`], then [`check_rendered`](super::check_rendered) and
/// [`check_rendered_html`](super::check_rendered_html) on the result.
pub fn build_checked_html(
    root: &Path,
    language: &str,
    dest_dir: &Path,
) -> Result<Vec<RenderedChapter>> {
    let chapters = build_html(root, language, dest_dir)?;
    super::check_rendered(&chapters)
        .with_context(|| format!("checking the Markdown of the `{language}` book"))?;
    super::check_rendered_html(dest_dir, &chapters)
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
    let mut protected = vec![layout.src.clone()];
    protected.extend(
        layout
            .languages
            .iter()
            .map(|language| language.tree.clone()),
    );
    if let Some(inside) = protected.iter().find(|folder| dest_dir.starts_with(folder)) {
        bail!(
            "refusing to render into {}: it is inside {}",
            dest_dir.display(),
            inside.display()
        );
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// A small bilingual book with one listing per tree.
    pub(crate) fn small_book(root: &Path) {
        fs::create_dir_all(root.join("src")).unwrap();
        fs::write(
            root.join("book.toml"),
            "[book]\ntitle = \"Small\"\nlanguage = \"en\"\n[build]\ncreate-missing = false\n\
             [preprocessor.gettext]\nbefore = [\"listings\"]\n\
             [preprocessor.listings]\ncommand = \"false\"\nafter = [\"gettext\"]\n\
             before = [\"links\"]\n\
             [preprocessor.listings.trees]\nen = \"listings-sources\"\nfr = \"listings\"\n",
        )
        .unwrap();
        fs::write(
            root.join("src/SUMMARY.md"),
            "# Summary\n\n[About](README.md)\n\n- [Chapter](chapter.md)\n",
        )
        .unwrap();
        fs::write(root.join("src/README.md"), "# About\n\nA small book.\n").unwrap();
        fs::write(
            root.join("src/chapter.md"),
            "# Chapter\n\nThe code:\n\n```rust,ignore\n\
             {{#rustdoc_include ../listings-sources/one/src/lib.rs:here}}\n```\n",
        )
        .unwrap();
        for (tree, function) in [("listings-sources", "hello"), ("listings", "salutations")] {
            let src = root.join(tree).join("one/src");
            fs::create_dir_all(&src).unwrap();
            fs::write(
                src.join("lib.rs"),
                format!("use std::thread;\n// ANCHOR: here\npub fn {function}() {{}}\n// ANCHOR_END: here\n"),
            )
            .unwrap();
        }
        fs::create_dir_all(root.join("po")).unwrap();
        fs::write(
            root.join("po/fr.po"),
            "msgid \"\"\nmsgstr \"\"\n\
             \"Project-Id-Version: small\\n\"\n\"POT-Creation-Date: 2024-01-01 00:00+0000\\n\"\n\
             \"PO-Revision-Date: 2024-01-01 00:00+0000\\n\"\n\"Last-Translator: A <a@example.org>\\n\"\n\
             \"Language-Team: French\\n\"\n\"Language: fr\\n\"\n\"MIME-Version: 1.0\\n\"\n\
             \"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\
             \"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\n\
             msgid \"The code:\"\nmsgstr \"Le code :\"\n\n\
             msgid \"Chapter\"\nmsgstr \"Chapitre\"\n\n\
             msgid \"Small\"\nmsgstr \"Petit\"\n",
        )
        .unwrap();
    }

    #[test]
    fn english_pipeline_expands_the_english_listing() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        let chapters = preprocessed_chapters(root.path(), "en").unwrap();
        let chapter = &chapters[1];
        assert_eq!(chapter.source_path, PathBuf::from("src/chapter.md"));
        assert_eq!(chapter.path, PathBuf::from("chapter.md"));
        assert!(chapter.content.contains("pub fn hello() {}"));
        assert!(chapter.content.contains("# use std::thread;"));
        assert!(!chapter.content.contains("{{#"));
        assert_eq!(chapters[0].path, PathBuf::from("index.md"));
        assert_eq!(chapters[0].source_path, PathBuf::from("src/README.md"));
    }

    #[test]
    fn french_pipeline_translates_and_uses_the_french_tree() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        let chapters = preprocessed_chapters(root.path(), "fr").unwrap();
        let chapter = &chapters[1];
        assert_eq!(chapter.name, "Chapitre");
        assert!(chapter.content.contains("Le code :"));
        assert!(chapter.content.contains("pub fn salutations() {}"));
        assert!(!chapter.content.contains("hello"));
        assert_eq!(
            load(root.path(), "fr")
                .unwrap()
                .config
                .book
                .title
                .as_deref(),
            Some("Petit")
        );
        assert_eq!(
            load(root.path(), "en")
                .unwrap()
                .config
                .book
                .title
                .as_deref(),
            Some("Small")
        );
    }

    #[test]
    fn before_links_keeps_the_directive_pointed_at_the_language_tree() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        let chapters = chapters_before_links(root.path(), "fr").unwrap();
        assert!(chapters[1]
            .content
            .contains("```rust,ignore\n{{#rustdoc_include ../listings/one/src/lib.rs:here}}\n```"));
    }

    #[test]
    fn missing_catalog_fails_a_translated_book() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        fs::remove_file(root.path().join("po/fr.po")).unwrap();
        let error = preprocessed_chapters(root.path(), "fr").unwrap_err();
        assert!(
            format!("{error:#}").contains("fr.po is missing"),
            "{error:#}"
        );
        // English needs no catalog.
        preprocessed_chapters(root.path(), "en").unwrap();
    }

    #[test]
    fn incomplete_po_header_is_an_error_not_a_crash() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        fs::write(
            root.path().join("po/fr.po"),
            "msgid \"\"\nmsgstr \"Language: fr\\n\"\n\nmsgid \"Chapter\"\nmsgstr \"Chapitre\"\n",
        )
        .unwrap();
        let error = preprocessed_chapters(root.path(), "fr").unwrap_err();
        assert!(
            format!("{error:#}").contains("fr.po:1: the header has no `Project-Id-Version` field"),
            "{error:#}"
        );
    }

    #[test]
    fn broken_anchor_fails_the_pipeline() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        fs::write(
            root.path().join("listings/one/src/lib.rs"),
            "pub fn salutations() {}\n",
        )
        .unwrap();
        let error = preprocessed_chapters(root.path(), "fr").unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains(
                "src/chapter.md:6: {{#rustdoc_include ../listings/one/src/lib.rs:here}}: \
                 anchor `here` not found in listings/one/src/lib.rs"
            ),
            "{message}"
        );
        preprocessed_chapters(root.path(), "en").unwrap();
    }

    #[test]
    fn renders_html_into_the_given_folder_only() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        let out = tempfile::tempdir().unwrap();
        let chapters = build_checked_html(root.path(), "fr", &out.path().join("fr")).unwrap();
        let page = fs::read_to_string(out.path().join("fr").join(chapters[1].html_file())).unwrap();
        assert!(page.contains("salutations"));
        assert!(page.contains("lang=\"fr\""));
        assert!(!root.path().join("book").exists());
    }

    #[test]
    fn refuses_to_render_over_the_book() {
        let root = tempfile::tempdir().unwrap();
        small_book(root.path());
        for dest in [root.path().to_path_buf(), root.path().join("src/out")] {
            let error = build_html(root.path(), "en", &dest).unwrap_err();
            assert!(error.to_string().starts_with("refusing to render into"));
        }
        assert!(root.path().join("src/chapter.md").is_file());
    }
}
