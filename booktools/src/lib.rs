//! The library behind the test suite and `xtask`.
pub mod po;
pub mod translation;
pub mod bounded_process;
pub mod cache;
pub mod compile;
pub mod diagnostics;
pub mod expectations;
pub mod languages;
pub mod line_diff;
pub mod listings;
pub mod normalize;
pub mod parallel;
pub mod verify;
pub mod book;
pub mod site;
pub mod site_links;
pub mod static_server;
