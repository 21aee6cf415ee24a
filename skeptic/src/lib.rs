//! Nothing to link: this package exists for its build script (which turns
//! every Rust block of the rendered book into a skeptic test) and for
//! `tests/skeptic.rs`, which runs them. See `booktools::skeptic`.
