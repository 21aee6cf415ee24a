//! The book, built in-process through the real mdBook pipeline (`book.toml`,
//! the real `gettext` and `listings` preprocessors, mdBook's `links` and
//! HTML renderer): every include resolves to real listing code, nothing is
//! left unexpanded, and a broken include or anchor fails the build with a
//! message naming the chapter file, the line, the directive and what is
//! missing. Bad input is only ever written to temporary copies.

use anyhow::Result;
use booktools::book::{
    build_checked_html, build_html, chapters_before_links, check_rendered, html_code_blocks,
    preprocessed_chapters, RenderedChapter,
};
use graceful_shutdown_book::book_fixture::{
    contains_lines_in_order, glossary_code_name, line_of, repository_root, TempBook,
};
use mdbook_listings::directive::{find_directives, DirectiveKind};
use mdbook_listings::selection::{visible_lines, AnchorMode};
use std::path::Path;

/// The chapter of this book.
const CHAPTER: &str = "src/ch20-03-graceful-shutdown-and-cleanup.md";

fn chapter<'a>(chapters: &'a [RenderedChapter], source: &str) -> &'a RenderedChapter {
    chapters
        .iter()
        .find(|chapter| chapter.source_path == Path::new(source))
        .unwrap_or_else(|| panic!("the book has no chapter {source}"))
}

/// The visible code of every code block of the chapter's HTML page.
fn visible_code(html_dir: &Path, chapter: &RenderedChapter) -> Result<Vec<String>> {
    let page = std::fs::read_to_string(html_dir.join(chapter.html_file()))?;
    Ok(html_code_blocks(&page)
        .into_iter()
        .map(|block| block.visible)
        .collect())
}

/// For every include of `language`'s chapters (as written before `links`
/// expands them), the lines it selects from its listing file appear in the
/// chapter the renderer receives, unhidden and in order.
fn assert_every_include_yields_its_code(root: &Path, language: &str) -> Result<usize> {
    let before = chapters_before_links(root, language)?;
    let after = preprocessed_chapters(root, language)?;
    let mut includes = 0;
    for written in &before {
        let rendered = chapter(&after, &written.source_path.to_string_lossy());
        let chapter_dir = root.join(written.source_path.parent().unwrap_or(Path::new("")));
        for directive in find_directives(&written.content) {
            includes += 1;
            let file = chapter_dir.join(&directive.path);
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            let mode = match directive.kind {
                DirectiveKind::RustdocInclude => AnchorMode::EverySection,
                DirectiveKind::Include | DirectiveKind::Playground => AnchorMode::FirstSection,
            };
            let lines = visible_lines(&text, &directive.selection, mode)
                .unwrap_or_else(|error| panic!("{}: {error}", directive.text(&written.content)));
            assert!(
                lines.iter().any(|line| !line.trim().is_empty()),
                "{} yields no code",
                directive.text(&written.content)
            );
            assert!(
                contains_lines_in_order(&rendered.content, &lines),
                "{}: the rendered chapter lacks the code of {}",
                written.source_path.display(),
                directive.text(&written.content)
            );
        }
    }
    check_rendered(&after)?;
    Ok(includes)
}

fn english_book_renders_through_the_real_pipeline_with_its_listing_code() -> Result<()> {
    let out = tempfile::tempdir()?;
    let html_dir = out.path().join("en");
    let chapters = build_checked_html(&repository_root(), "en", &html_dir)?;
    let page = chapter(&chapters, CHAPTER);
    let page_html = std::fs::read_to_string(html_dir.join(page.html_file()))?;
    assert!(
        !page_html.contains("{{#"),
        "unexpanded directive in the page"
    );
    let code = visible_code(&html_dir, page)?;
    assert!(
        code.iter()
            .any(|block| block.contains("impl Drop for ThreadPool {")),
        "no visible `impl Drop for ThreadPool` in the chapter page"
    );
    assert!(
        code.iter().all(|block| !block.trim().is_empty()),
        "empty code block in the chapter page"
    );
    Ok(())
}

fn every_english_include_resolves_to_non_empty_listing_code() -> Result<()> {
    let includes = assert_every_include_yields_its_code(&repository_root(), "en")?;
    assert!(includes > 0, "the English book includes no listing");
    Ok(())
}

fn deleted_anchor_fails_the_build_naming_chapter_line_directive_and_anchor() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let listing = "listings-sources/ch20-web-server/listing-20-22/src/lib.rs";
    assert_eq!(book.delete_lines(listing, "// ANCHOR: here")?, 1);
    let directive =
        "{{#rustdoc_include ../listings-sources/ch20-web-server/listing-20-22/src/lib.rs:here}}";
    let line =
        line_of(&book.read(CHAPTER)?, directive).expect("the chapter includes listing 20-22");

    let error = build_html(book.root(), "en", &book.output_dir("en"))
        .expect_err("a listing without its anchor must fail the build");
    let message = format!("{error:#}");
    assert!(message.contains(CHAPTER), "{message}");
    assert!(message.contains(directive), "{message}");
    assert!(
        message.contains(&format!("anchor `here` not found in {listing}")),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "{CHAPTER}:{line}: {directive}: anchor `here` not found in {listing}"
        )),
        "{message}"
    );
    assert!(!book.output_dir("en").join("index.html").exists());
    Ok(())
}

fn mistyped_include_path_fails_the_build_naming_chapter_line_directive_and_path() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let good = "../listings-sources/ch20-web-server/listing-20-24/src/lib.rs:here";
    let typo = "../listings-sources/ch20-web-server/listing-20-42/src/lib.rs:here";
    book.replace_once(CHAPTER, good, typo)?;
    let directive = format!("{{{{#rustdoc_include {typo}}}}}");
    let line = line_of(&book.read(CHAPTER)?, &directive).expect("the typo is in the chapter");

    let error = preprocessed_chapters(book.root(), "en")
        .expect_err("an include of a missing file must fail the pipeline");
    let message = format!("{error:#}");
    let missing = "listings-sources/ch20-web-server/listing-20-42/src/lib.rs";
    assert!(
        message.contains(&format!("file not found: {missing}")),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "{CHAPTER}:{line}: {directive}: file not found: {missing}"
        )),
        "{message}"
    );
    Ok(())
}

fn every_broken_include_of_the_book_is_reported_at_once() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    book.delete_lines(
        "listings-sources/ch20-web-server/listing-20-23/src/lib.rs",
        "// ANCHOR_END: here",
    )?;
    book.replace_once(
        CHAPTER,
        "no-listing-07-define-message-enum/src/lib.rs:here",
        "no-listing-07-define-message-enum/src/lib.rs:there",
    )?;
    let error = build_html(book.root(), "en", &book.output_dir("en"))
        .expect_err("broken includes must fail the build");
    let message = format!("{error:#}");
    assert!(
        message.contains(
            "anchor `here` has no `ANCHOR_END: here` in \
             listings-sources/ch20-web-server/listing-20-23/src/lib.rs"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "anchor `there` not found in \
             listings-sources/ch20-web-server/no-listing-07-define-message-enum/src/lib.rs"
        ),
        "{message}"
    );
    Ok(())
}

fn translated_book_without_its_catalog_fails_instead_of_staying_english() -> Result<()> {
    let book = TempBook::copy_of_repository()?;
    let catalog = book.root().join("po/fr.po");
    if catalog.exists() {
        std::fs::remove_file(&catalog)?;
    }
    let error = build_html(book.root(), "fr", &book.output_dir("fr"))
        .expect_err("a French build without po/fr.po must fail");
    let message = format!("{error:#}");
    assert!(message.contains("fr.po is missing"), "{message}");
    let error = preprocessed_chapters(book.root(), "fr").expect_err("same without rendering");
    assert!(format!("{error:#}").contains("fr.po is missing"));
    Ok(())
}

fn french_book_renders_french_listing_code_only() -> Result<()> {
    let root = repository_root();
    let before = chapters_before_links(&root, "fr")?;
    let french = chapter(&before, CHAPTER);
    let directives = find_directives(&french.content);
    assert!(
        !directives.is_empty(),
        "the French chapter includes no listing"
    );
    for directive in &directives {
        assert!(
            directive.path.starts_with("../listings/"),
            "the French chapter includes {} outside the French tree",
            directive.text(&french.content)
        );
    }
    let includes = assert_every_include_yields_its_code(&root, "fr")?;
    assert_eq!(includes, directives.len());

    let out = tempfile::tempdir()?;
    let html_dir = out.path().join("fr");
    let chapters = build_checked_html(&root, "fr", &html_dir)?;
    let code = visible_code(&html_dir, chapter(&chapters, CHAPTER))?;
    let pool = glossary_code_name(&root, "fr", "ThreadPool")?;
    assert!(
        code.iter()
            .any(|block| block.contains(&format!("impl Drop for {pool} {{"))),
        "no visible `impl Drop for {pool}` in the French chapter page"
    );
    assert!(
        code.iter().all(|block| !block.contains("ThreadPool")),
        "English code (`ThreadPool`) on the French page"
    );
    Ok(())
}

crate::trials!(
    english_book_renders_through_the_real_pipeline_with_its_listing_code,
    every_english_include_resolves_to_non_empty_listing_code,
    deleted_anchor_fails_the_build_naming_chapter_line_directive_and_anchor,
    mistyped_include_path_fails_the_build_naming_chapter_line_directive_and_path,
    every_broken_include_of_the_book_is_reported_at_once,
    translated_book_without_its_catalog_fails_instead_of_staying_english,
    french_book_renders_french_listing_code_only
);
