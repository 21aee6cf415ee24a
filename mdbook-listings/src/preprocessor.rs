//! The mdBook `Preprocessor` named `listings`: every chapter of the book is
//! pointed at its language's listing tree and checked; all problems of the
//! book fail the build together.

use crate::chapter::{process_chapter, BookSetting, ChapterInput};
use crate::problem::ListingProblems;
use crate::trees::{book_language, ListingTrees};
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

    /// Creates the preprocessor.
    pub fn new() -> Self {
        ListingsPreprocessor
    }
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
        let src_dir = &ctx.config.book.src;
        let mut problems = Vec::new();
        book.for_each_chapter_mut(|chapter| {
            let Some(source_path) = chapter.source_path.as_ref().or(chapter.path.as_ref()) else {
                return;
            };
            let source_file = src_dir.join(source_path);
            let source_text = std::fs::read_to_string(ctx.root.join(&source_file)).ok();
            let output = process_chapter(
                &setting,
                &ChapterInput {
                    source_file,
                    content: &chapter.content,
                    source_text: source_text.as_deref(),
                },
            );
            chapter.content = output.content;
            problems.extend(output.problems);
        });
        if problems.is_empty() {
            Ok(book)
        } else {
            Err(ListingProblems {
                language: language.to_string(),
                problems,
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::book::{BookItem, Chapter};
    use mdbook_preprocessor::config::Config;
    use std::fs;
    use std::path::Path;

    fn context(root: &Path, language: &str) -> PreprocessorContext {
        let config: Config = format!(
            "[book]\nlanguage = \"{language}\"\n\
             [preprocessor.listings.trees]\nen = \"listings-sources\"\nfr = \"listings\"\n"
        )
        .parse()
        .unwrap();
        PreprocessorContext::new(root.to_path_buf(), config, "html".into())
    }

    fn chapter(name: &str, file: &str, content: &str) -> BookItem {
        BookItem::Chapter(Chapter::new(name, content.to_string(), file, Vec::new()))
    }

    #[test]
    fn reports_every_problem_of_the_book_at_once() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("listings/a")).unwrap();
        fs::write(root.path().join("listings/a/ok.rs"), "fn main() {}\n").unwrap();
        let mut book = Book::new();
        book.push_item(chapter(
            "One",
            "one.md",
            "{{#include ../listings-sources/a/ok.rs}}\n\n{{#include ../listings-sources/a/gone.rs}}\n",
        ));
        book.push_item(chapter(
            "Two",
            "two.md",
            "x\n{{#rustdoc_include ../listings-sources/a/ok.rs:here}}\n",
        ));
        let error = ListingsPreprocessor
            .run(&context(root.path(), "fr"), book)
            .unwrap_err();
        let problems = error.downcast_ref::<ListingProblems>().unwrap();
        let lines: Vec<String> = problems.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "src/one.md:3: {{#include ../listings/a/gone.rs}}: file not found: listings/a/gone.rs",
                "src/two.md:2: {{#rustdoc_include ../listings/a/ok.rs:here}}: \
                 anchor `here` not found in listings/a/ok.rs",
            ]
        );
    }

    #[test]
    fn rewrites_the_book_for_its_language() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("listings/a")).unwrap();
        fs::write(root.path().join("listings/a/ok.rs"), "fn principal() {}\n").unwrap();
        let mut book = Book::new();
        book.push_item(chapter(
            "One",
            "one.md",
            "{{#include ../listings-sources/a/ok.rs}}\n",
        ));
        let book = ListingsPreprocessor
            .run(&context(root.path(), "fr"), book)
            .unwrap();
        let BookItem::Chapter(one) = &book.items[0] else {
            panic!("the first item is a chapter");
        };
        assert_eq!(one.content, "{{#include ../listings/a/ok.rs}}\n");
    }

    #[test]
    fn missing_trees_table_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let ctx =
            PreprocessorContext::new(root.path().to_path_buf(), Config::default(), "html".into());
        let error = ListingsPreprocessor.run(&ctx, Book::new()).unwrap_err();
        assert!(error.to_string().contains("[preprocessor.listings.trees]"));
    }
}
