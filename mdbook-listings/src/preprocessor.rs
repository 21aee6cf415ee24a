//! The mdBook `Preprocessor` named `listings`: every chapter of the book is
//! pointed at its language's listing tree and checked; all problems of the
//! book fail the build together.

use crate::chapter::{process_chapter, BookSetting};
use crate::trees::{book_language, ListingTrees};
use anyhow::bail;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// Points `{{#include}}`, `{{#rustdoc_include}}` and `{{#playground}}` paths
/// at the listing tree of the book's language and fails on a missing file,
/// anchor or line, or on an empty listing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListingsPreprocessor;

impl ListingsPreprocessor {
    /// The preprocessor's name in `book.toml`.
    pub const NAME: &'static str = "listings";
}

impl Preprocessor for ListingsPreprocessor {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let trees = ListingTrees::from_config(&ctx.config)?;
        let language = book_language(&ctx.config);
        let setting = BookSetting {
            root: &ctx.root,
            language,
            trees: &trees,
        };
        let mut problems = Vec::new();
        book.for_each_chapter_mut(|chapter| {
            let Some(source_path) = chapter.source_path.as_ref().or(chapter.path.as_ref()) else {
                return;
            };
            let source_file = ctx.config.book.src.join(source_path);
            let source_text = std::fs::read_to_string(ctx.root.join(&source_file)).ok();
            chapter.content = process_chapter(
                &setting,
                &source_file,
                &chapter.content,
                source_text.as_deref(),
                &mut problems,
            );
        });
        if problems.is_empty() {
            return Ok(book);
        }
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        bail!(
            "listings: {} broken include(s) in the `{language}` book:\n{}",
            problems.len(),
            list.join("\n")
        )
    }
}
