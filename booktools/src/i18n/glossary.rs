//! The code names of one translated language `xx`, from `glossary.toml`:
//! `[xx.code]` maps an English identifier to the language's; the names of
//! `[xx] std-homonyms` (`thread`) stay English where they name the std
//! module ([`Place::Path`]), those of `method-homonyms` (rayon's `build`)
//! where called as methods ([`Place::Method`]); an attribute's name is
//! Rust's; `[xx.terms]` is for translators only.

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    pub language: String,
    /// `None` for the source language.
    pub file: Option<PathBuf>,
    code: BTreeMap<String, String>,
    std_homonyms: BTreeSet<String>,
    method_homonyms: BTreeSet<String>,
    /// The line of each key of `code`, for messages naming the entry.
    lines: BTreeMap<String, usize>,
}

impl Glossary {
    /// The glossary of the source language: every name is itself.
    pub fn identity(language: &str) -> Self {
        let language = language.to_string();
        Self {
            language,
            ..Self::default()
        }
    }

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

    pub fn line(&self, english: &str) -> Option<usize> {
        self.lines.get(english).copied()
    }

    /// The name of `english` in this language (itself by default).
    pub fn translate<'a>(&'a self, english: &'a str) -> &'a str {
        self.code.get(english).map_or(english, String::as_str)
    }

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

    pub fn is_std_homonym(&self, english: &str) -> bool {
        self.std_homonyms.contains(english)
    }

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

/// A Rust identifier, ASCII as the listings use (not a keyword).
fn is_identifier(name: &str) -> bool {
    name.is_ascii() && syn::parse_str::<syn::Ident>(name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn bad_tables_are_named() {
        for (text, language, expected) in [
            (
                "[xx.code]\n",
                "zz",
                "no glossary for `zz`: add a `[zz.code]` table",
            ),
            (
                "[xx.code]\nfoo = \"bar baz\"\n",
                "xx",
                "`bar baz` is not a Rust identifier",
            ),
            (
                "[xx]\nstd-homonyms = [\"thread\"]\n",
                "xx",
                "not a key of `[xx.code]`",
            ),
            ("[xx]\nnames = 1\n", "xx", "unknown field `names`"),
        ] {
            let error = format!("{:#}", parse(text, language).unwrap_err());
            assert!(error.contains(expected), "{error}");
        }
    }
}
