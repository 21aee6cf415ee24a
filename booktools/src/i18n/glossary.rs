//! The code names of one language, read from `glossary.toml`.
//!
//! The source language needs no glossary: its names are the names. A
//! translated language `xx` finds its tables, in this order:
//!
//! 1. `[xx.code]` and `[xx.code-std-homonyms]` in `glossary.toml`: the way a
//!    second translated language gets a glossary of its own;
//! 2. the top-level `[code]` and `[code-std-homonyms]`, which belong to the
//!    language named by a top-level `language = "xx"` key, or, without that
//!    key, to the one translated language of `book.toml` that has no table of
//!    its own (today: the only translated language).
//!
//! Nothing here names a language. `[code]` maps an English (source
//! language) identifier to the identifier of the language;
//! `[code-std-homonyms] names` lists the English names of `[code]` that are
//! also standard library names (`thread`): where they name the std module
//! (next to `::`, or in a `use` item) they stay English.

use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The glossary file, relative to the book root.
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// The table of code names.
const CODE_TABLE: &str = "code";
/// The table of std homonyms (`names = [...]`).
const HOMONYMS_TABLE: &str = "code-std-homonyms";
/// The top-level key naming the language of the top-level tables.
const LANGUAGE_KEY: &str = "language";

/// The code names of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glossary {
    /// The language.
    pub language: String,
    /// Where the names were read (`None` for the source language).
    pub file: Option<PathBuf>,
    /// English identifier -> identifier of the language.
    code: BTreeMap<String, String>,
    /// English names of `code` that may stay English where they name the
    /// standard library.
    std_homonyms: BTreeSet<String>,
}

impl Glossary {
    /// The glossary of the source language: every name is itself.
    pub fn identity(language: &str) -> Self {
        Self {
            language: language.to_string(),
            file: None,
            code: BTreeMap::new(),
            std_homonyms: BTreeSet::new(),
        }
    }

    /// The glossary of `language` in the book described by `layout`.
    pub fn load(layout: &BookLayout, language: &str) -> Result<Self> {
        if language == layout.source_language {
            return Ok(Self::identity(language));
        }
        let path = layout.root.join(GLOSSARY_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "reading {} (the code names of the `{language}` translation)",
                path.display()
            )
        })?;
        let translated: Vec<&str> = layout
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .filter(|code| *code != layout.source_language)
            .collect();
        Self::parse(&path, &text, language, &translated)
    }

    /// Reads the tables of `language` from the text of a glossary file;
    /// `translated` are the translated languages of the book.
    pub fn parse(path: &Path, text: &str, language: &str, translated: &[&str]) -> Result<Self> {
        let table: toml::Table =
            toml::from_str(text).with_context(|| format!("parsing {}", path.display()))?;
        let (tables, prefix) = match table.get(language) {
            Some(toml::Value::Table(own)) => (own, format!("{language}.")),
            Some(_) => bail!("{}: `{language}` must be a table", path.display()),
            None => {
                let owner = top_level_owner(path, &table, translated)?;
                if owner.as_deref() != Some(language) {
                    bail!(
                        "{}: no glossary for `{language}`: add `[{language}.{CODE_TABLE}]` \
                         (the top-level tables belong to {})",
                        path.display(),
                        owner.map_or("no language".to_string(), |o| format!("`{o}`"))
                    );
                }
                (&table, String::new())
            }
        };
        let mut code = BTreeMap::new();
        if let Some(value) = tables.get(CODE_TABLE) {
            let Some(names) = value.as_table() else {
                bail!("{}: `{prefix}{CODE_TABLE}` must be a table", path.display());
            };
            for (english, translated) in names {
                let Some(translated) = translated.as_str() else {
                    bail!(
                        "{}: `[{prefix}{CODE_TABLE}] {english}` must be a string",
                        path.display()
                    );
                };
                for name in [english.as_str(), translated] {
                    if !is_identifier(name) {
                        bail!(
                            "{}: `[{prefix}{CODE_TABLE}] {english}`: `{name}` is not a Rust identifier",
                            path.display()
                        );
                    }
                }
                code.insert(english.clone(), translated.to_string());
            }
        }
        let mut std_homonyms = BTreeSet::new();
        if let Some(value) = tables.get(HOMONYMS_TABLE) {
            let names = value
                .get("names")
                .and_then(toml::Value::as_array)
                .with_context(|| {
                    format!(
                        "{}: `[{prefix}{HOMONYMS_TABLE}]` needs `names = [\"...\"]`",
                        path.display()
                    )
                })?;
            for name in names {
                let Some(name) = name.as_str() else {
                    bail!(
                        "{}: `[{prefix}{HOMONYMS_TABLE}] names` must hold strings",
                        path.display()
                    );
                };
                if !code.contains_key(name) {
                    bail!(
                        "{}: `[{prefix}{HOMONYMS_TABLE}]` lists `{name}`, which is not a key of `[{prefix}{CODE_TABLE}]`",
                        path.display()
                    );
                }
                std_homonyms.insert(name.to_string());
            }
        }
        Ok(Self {
            language: language.to_string(),
            file: Some(path.to_path_buf()),
            code,
            std_homonyms,
        })
    }

    /// The name of `english` in this language (itself when the glossary
    /// has none).
    pub fn translate<'a>(&'a self, english: &'a str) -> &'a str {
        self.code.get(english).map_or(english, String::as_str)
    }

    /// True when `english` is a key of `[code]`.
    pub fn has(&self, english: &str) -> bool {
        self.code.contains_key(english)
    }

    /// True when `english` may stay English where it names the std module.
    pub fn is_std_homonym(&self, english: &str) -> bool {
        self.std_homonyms.contains(english)
    }

    /// Every `(english, translated)` pair of `[code]`.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.code.iter().map(|(e, t)| (e.as_str(), t.as_str()))
    }

    /// The pairs whose name changes: their English name must not appear in
    /// this language.
    pub fn renamed(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs()
            .filter(|(english, translated)| english != translated)
    }
}

/// The language the top-level tables belong to: the `language` key, else
/// the one translated language without a table of its own.
fn top_level_owner(
    path: &Path,
    table: &toml::Table,
    translated: &[&str],
) -> Result<Option<String>> {
    if let Some(value) = table.get(LANGUAGE_KEY) {
        let Some(language) = value.as_str() else {
            bail!("{}: `{LANGUAGE_KEY}` must be a string", path.display());
        };
        return Ok(Some(language.to_string()));
    }
    let without_own: Vec<&&str> = translated
        .iter()
        .filter(|code| !table.contains_key(**code))
        .collect();
    match without_own.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(only.to_string())),
        several => bail!(
            "{}: the top-level tables could belong to any of {}: add `{LANGUAGE_KEY} = \"..\"` \
             or give each language its own `[<language>.{CODE_TABLE}]`",
            path.display(),
            several
                .iter()
                .map(|code| format!("`{code}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// True for a Rust identifier (ASCII, as the listings use).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[code]\nThreadPool = \"GroupeTaches\"\nthread = \"tache\"\nid = \"id\"\n\
                        [code-std-homonyms]\nnames = [\"thread\"]\n[terms]\n\"thread\" = \"tâche\"\n";

    fn parse(text: &str, language: &str, translated: &[&str]) -> Result<Glossary> {
        Glossary::parse(Path::new("g.toml"), text, language, translated)
    }

    #[test]
    fn top_level_tables_belong_to_the_only_translated_language() {
        let glossary = parse(TEXT, "xx", &["xx"]).unwrap();
        assert_eq!(glossary.translate("ThreadPool"), "GroupeTaches");
        assert_eq!(glossary.translate("Option"), "Option");
        assert!(glossary.is_std_homonym("thread"));
        assert!(!glossary.is_std_homonym("ThreadPool"));
        let renamed: Vec<_> = glossary.renamed().map(|(e, _)| e).collect();
        assert_eq!(renamed, ["ThreadPool", "thread"]);
    }

    #[test]
    fn a_language_table_of_its_own_wins() {
        let text = format!("{TEXT}[yy.code]\nThreadPool = \"Pool\"\n");
        let yy = parse(&text, "yy", &["xx", "yy"]).unwrap();
        assert_eq!(yy.translate("ThreadPool"), "Pool");
        assert_eq!(yy.translate("thread"), "thread");
        // `xx` is then the only language without a table: it owns the top level.
        let xx = parse(&text, "xx", &["xx", "yy"]).unwrap();
        assert_eq!(xx.translate("ThreadPool"), "GroupeTaches");
    }

    #[test]
    fn ambiguous_or_foreign_top_level_tables_are_errors() {
        let error = parse(TEXT, "xx", &["xx", "yy"]).unwrap_err().to_string();
        assert!(error.contains("`xx`, `yy`"), "{error}");
        let text = format!("language = \"yy\"\n{TEXT}");
        let error = parse(&text, "xx", &["xx", "yy"]).unwrap_err().to_string();
        assert!(error.contains("no glossary for `xx`"), "{error}");
        assert!(error.contains("[xx.code]"), "{error}");
    }

    #[test]
    fn bad_names_are_named() {
        let error = parse("[code]\nfoo = \"bar baz\"\n", "xx", &["xx"])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`bar baz` is not a Rust identifier"),
            "{error}"
        );
        let error = parse(
            "[code]\n[code-std-homonyms]\nnames = [\"thread\"]\n",
            "xx",
            &["xx"],
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("not a key of `[code]`"), "{error}");
    }
}
