//! The book, built in-process exactly as `mdbook build` builds it: mdBook's
//! driver loads `book.toml`, computes the preprocessor order from it, and the
//! command preprocessors `gettext` and `listings` are replaced by the same
//! code as libraries (`mdbook_i18n_helpers::preprocessors::Gettext` and
//! `mdbook_listings::ListingsPreprocessor`), so no process is spawned.
//!
//! Everything takes the book root as a parameter, so tests can build a
//! temporary copy or a tiny book ([`TempBook`]) and break it on purpose.

pub mod html;
mod pipeline;
mod summary;
mod temp;

pub use html::html_code_blocks;
pub use pipeline::{build_html, chapters_before_links, preprocessed_chapters, RenderedChapter};
pub use summary::check_summary;
pub use temp::{copy_book_to, repository_root, TempBook};
