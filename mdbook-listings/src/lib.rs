//! The `listings` preprocessor.
