//! The `listings` mdBook preprocessor.
//!
//! The source Markdown (English, or French after `gettext`) includes the
//! listings of the English tree: `{{#include ../listings-sources/...}}`.
//! For a book in language L, every include that reads from the listing tree
//! of any language is pointed at L's tree (`[preprocessor.listings.trees]`
//! in `book.toml`), so a French page never shows English code. Then every
//! include is checked: the file exists, an anchor has its `ANCHOR:` and
//! `ANCHOR_END:` markers and yields code, a line range is inside the file.
//! mdBook's own `links` preprocessor only logs a broken include and leaves it
//! in the page; this one fails the build, naming the chapter file, the line,
//! the directive and what is missing, for every problem of the book.

pub mod chapter;
pub mod directive;
pub mod preprocessor;
pub mod problem;
pub mod selection;
pub mod trees;

pub use preprocessor::ListingsPreprocessor;
pub use problem::Problem;
