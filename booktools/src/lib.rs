//! The library behind the test suite and `xtask`.
pub mod po;
