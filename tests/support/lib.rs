//! Helpers shared by the integration tests in `tests/`.

pub mod book_fixture;
pub mod site_fixture;
