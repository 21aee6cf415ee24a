//! Helpers shared by the integration tests in `tests/`.

pub mod book_fixture;
