//! The code names of one language, read from `glossary.toml`.
//!
//! The source language needs no glossary: its names are the names. Each
//! translated language `xx` has its tables in `glossary.toml`, and nothing
//! here names a language:
//!
//! - `[xx.code]` maps an English (source language) identifier to the
//!   identifier of the language;
//! - `[xx] std-homonyms` lists the English names of `[xx.code]` that are
//!   also standard library names (`thread`): where they name the std module
//!   ([`Place::Path`]: next to `::`, or in a `use` item) they stay English;
//! - `[xx] method-homonyms` lists those that are also methods of another
//!   crate's types (rayon's `ThreadPoolBuilder::build`): called as methods
//!   ([`Place::Method`], after `.`) they stay English;
//! - an attribute's name (`#[path = ...]`, [`Place::Attribute`]) is Rust's,
//!   never translated;
//! - `[xx.terms]` are the technical terms of the prose, for translators.

use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The glossary file, relative to the book root.
pub const GLOSSARY_FILE: &str = "glossary.toml";

/// Where an identifier stands in code, for the homonyms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Next to `::` or inside a `use` item.
    Path,
    /// After `.` (not `..`): a method call or a field.
    Method,
    /// Right after `#[` or `#![`.
    Attribute,
    Other,
}

impl Place {
    /// The place of an identifier of a line of code between `before` and
    /// `after` (the text on either side of it).
    pub fn between(before: &str, after: &str) -> Place {
        let before = before.trim_end();
        if before.ends_with("::") || after.trim_start().starts_with("::") {
            Place::Path
        } else if before.ends_with("#[") || before.ends_with("#![") {
            Place::Attribute
        } else if before.ends_with('.') && !before.ends_with("..") {
            Place::Method
        } else {
            Place::Other
        }
    }
}

/// The tables of one language in `glossary.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct LanguageTables {
    #[serde(default)]
    code: BTreeMap<String, String>,
    #[serde(default)]
    std_homonyms: BTreeSet<String>,
    #[serde(default)]
    method_homonyms: BTreeSet<String>,
    /// For translators, not for the checks: read only to validate it.
    #[serde(default, rename = "terms")]
    _terms: BTreeMap<String, String>,
}

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
    method_homonyms: BTreeSet<String>,
    /// The line of each key of `code` in the file, for messages that name
    /// the entry to edit.
    lines: BTreeMap<String, usize>,
}

impl Glossary {
    /// The glossary of the source language: every name is itself.
    pub fn identity(language: &str) -> Self {
        Self {
            language: language.to_string(),
            file: None,
            code: BTreeMap::new(),
            std_homonyms: BTreeSet::new(),
            method_homonyms: BTreeSet::new(),
            lines: BTreeMap::new(),
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
        Self::parse(&path, &text, language)
    }

    /// Reads the tables of `language` from the text of a glossary file.
    pub fn parse(path: &Path, text: &str, language: &str) -> Result<Self> {
        let mut file: BTreeMap<String, LanguageTables> =
            toml::from_str(text).with_context(|| format!("parsing {}", path.display()))?;
        let Some(tables) = file.remove(language) else {
            bail!(
                "{}: no glossary for `{language}`: add a `[{language}.code]` table",
                path.display()
            );
        };
        for (english, translated) in &tables.code {
            for name in [english, translated] {
                if !is_identifier(name) {
                    bail!(
                        "{}: `[{language}.code] {english}`: `{name}` is not a Rust identifier",
                        path.display()
                    );
                }
            }
        }
        for (key, names) in [
            ("std-homonyms", &tables.std_homonyms),
            ("method-homonyms", &tables.method_homonyms),
        ] {
            if let Some(name) = names.iter().find(|name| !tables.code.contains_key(*name)) {
                bail!(
                    "{}: `[{language}] {key}` lists `{name}`, which is not a key of `[{language}.code]`",
                    path.display()
                );
            }
        }
        Ok(Self {
            language: language.to_string(),
            file: Some(path.to_path_buf()),
            code: tables.code,
            std_homonyms: tables.std_homonyms,
            method_homonyms: tables.method_homonyms,
            lines: code_lines(text, language),
        })
    }

    /// The line of the `[code]` entry of `english` in the glossary file.
    pub fn line(&self, english: &str) -> Option<usize> {
        self.lines.get(english).copied()
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

    /// True when `english` stays English at `place`: a std homonym in a
    /// path, a method homonym called as a method, any attribute's name.
    pub fn keeps_english(&self, english: &str, place: Place) -> bool {
        match place {
            Place::Path => self.std_homonyms.contains(english),
            Place::Method => self.method_homonyms.contains(english),
            Place::Attribute => true,
            Place::Other => false,
        }
    }

    /// True when `english` may name the std module (in a path).
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

/// The line of each key of table `[<language>.code]` in `text`.
fn code_lines(text: &str, language: &str) -> BTreeMap<String, usize> {
    let header = format!("[{language}.code]");
    let mut inside = false;
    let mut lines = BTreeMap::new();
    for (index, line) in text.lines().enumerate().map(|(i, l)| (i, l.trim())) {
        if line.starts_with('[') {
            inside = line == header;
        } else if let (true, false, Some((key, _))) =
            (inside, line.starts_with('#'), line.split_once('='))
        {
            lines.insert(key.trim().trim_matches('"').to_string(), index + 1);
        }
    }
    lines
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

    const TEXT: &str = "[xx]\nstd-homonyms = [\"thread\"]\n\
                        [xx.code]\nThreadPool = \"GroupeTaches\"\nthread = \"tache\"\nid = \"id\"\n\
                        [xx.terms]\n\"thread\" = \"tâche\"\n\
                        [yy.code]\nThreadPool = \"Pool\"\n";

    fn parse(text: &str, language: &str) -> Result<Glossary> {
        Glossary::parse(Path::new("g.toml"), text, language)
    }

    #[test]
    fn a_homonym_stays_english_only_at_its_place() {
        let text = "[xx]\nstd-homonyms = [\"thread\"]\nmethod-homonyms = [\"build\"]\n\
                    [xx.code]\nthread = \"tache\"\nbuild = \"construire\"\n";
        let glossary = parse(text, "xx").unwrap();
        let place = |code: &str, name: &str| {
            let at = code.find(name).unwrap();
            Place::between(&code[..at], &code[at + name.len()..])
        };
        assert_eq!(place("thread::spawn(f)", "thread"), Place::Path);
        assert_eq!(place("Pool::build(4)", "build"), Place::Path);
        assert_eq!(place("b.num_threads(4).build()", "build"), Place::Method);
        assert_eq!(place("#[path = \"a.rs\"]", "path"), Place::Attribute);
        assert_eq!(place("0..build", "build"), Place::Other);
        assert!(glossary.keeps_english("thread", Place::Path));
        assert!(!glossary.keeps_english("thread", Place::Method));
        assert!(glossary.keeps_english("build", Place::Method));
        assert!(!glossary.keeps_english("build", Place::Path));
        assert!(glossary.keeps_english("path", Place::Attribute));
        assert!(!glossary.keeps_english("build", Place::Other));
    }

    #[test]
    fn each_language_has_its_own_tables() {
        let glossary = parse(TEXT, "xx").unwrap();
        assert_eq!(glossary.translate("ThreadPool"), "GroupeTaches");
        assert_eq!(glossary.translate("Option"), "Option");
        assert_eq!(
            (glossary.line("thread"), glossary.line("Option")),
            (Some(5), None)
        );
        assert!(glossary.is_std_homonym("thread"));
        assert!(!glossary.is_std_homonym("ThreadPool"));
        let renamed: Vec<_> = glossary.renamed().map(|(e, _)| e).collect();
        assert_eq!(renamed, ["ThreadPool", "thread"]);
        let yy = parse(TEXT, "yy").unwrap();
        assert_eq!(yy.translate("ThreadPool"), "Pool");
        assert_eq!(yy.translate("thread"), "thread");
    }

    #[test]
    fn bad_tables_are_named() {
        let error = parse(TEXT, "zz").unwrap_err().to_string();
        assert!(error.contains("no glossary for `zz`"), "{error}");
        assert!(error.contains("[zz.code]"), "{error}");
        let error = parse("[xx.code]\nfoo = \"bar baz\"\n", "xx")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`bar baz` is not a Rust identifier"),
            "{error}"
        );
        let error = parse("[xx]\nstd-homonyms = [\"thread\"]\n", "xx")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a key of `[xx.code]`"), "{error}");
        let error = format!("{:#}", parse("[xx]\nnames = 1\n", "xx").unwrap_err());
        assert!(error.contains("unknown field `names`"), "{error}");
    }
}
