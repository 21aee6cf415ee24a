//! Translation: gettext catalogs (extraction, merging, completeness), the
//! glossary, and the translated listings checked against their source.

pub mod changes;
pub mod glossary;
pub mod po;
pub mod po_merge;
pub mod po_update;
pub mod status;
pub mod translated_code;
pub mod translation;
