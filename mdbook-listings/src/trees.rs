//! The listing trees of `[preprocessor.listings.trees]` (language -> folder
//! of listing crates) and the rewrite of an include path from one
//! language's tree to another's.

use anyhow::{bail, Context, Result};
use mdbook_preprocessor::config::Config;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

const TREES_KEY: &str = "preprocessor.listings.trees";

/// Language -> listing folder, relative to the book root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingTrees {
    by_language: BTreeMap<String, PathBuf>,
}

impl ListingTrees {
    /// Reads `[preprocessor.listings.trees]` from the book's configuration.
    pub fn from_config(config: &Config) -> Result<ListingTrees> {
        let table: Option<BTreeMap<String, String>> = config.get(TREES_KEY).with_context(|| {
            format!("`[{TREES_KEY}]` in book.toml must map languages to folders")
        })?;
        let Some(table) = table else {
            bail!("book.toml has no `[{TREES_KEY}]` table (language = \"listing folder\")");
        };
        Ok(ListingTrees::new(table))
    }

    /// Builds the trees from `(language, folder)` pairs.
    pub fn new<L: Into<String>, F: AsRef<Path>>(
        pairs: impl IntoIterator<Item = (L, F)>,
    ) -> ListingTrees {
        let by_language = pairs
            .into_iter()
            .map(|(language, folder)| (language.into(), normalize(folder.as_ref())))
            .collect();
        ListingTrees { by_language }
    }

    /// The folder of `language`, relative to the book root.
    pub fn folder(&self, language: &str) -> Option<&Path> {
        self.by_language.get(language).map(PathBuf::as_path)
    }

    /// The languages that have a tree.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.by_language.keys().map(String::as_str)
    }

    /// If `root_relative` lies in the tree of some language, that language's
    /// name and the path inside the tree; the deepest tree when trees nest
    /// (`en = "listings"`, `fr = "listings/fr"`).
    pub fn locate<'p>(&self, root_relative: &'p Path) -> Option<(&str, &'p Path)> {
        (self.by_language.iter())
            .filter_map(|(language, folder)| {
                let inside = root_relative.strip_prefix(folder).ok()?;
                Some((folder.components().count(), (language.as_str(), inside)))
            })
            .max_by_key(|(depth, _)| *depth)
            .map(|(_, found)| found)
    }
}

/// The book language from `book.language` (`en` when unset).
pub fn book_language(config: &Config) -> &str {
    config.book.language.as_deref().unwrap_or("en")
}

/// Removes `.` and resolves `..` lexically (`a/./b/../c` -> `a/c`); leading
/// `..` that climb above the start are kept.
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

/// A path from `from_dir` to `to`, both relative to the same root and
/// normalized, written with `/` (as in Markdown).
pub fn relative_path(from_dir: &Path, to: &Path) -> String {
    let from: Vec<Component<'_>> = from_dir.components().collect();
    let target: Vec<Component<'_>> = to.components().collect();
    let shared = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), from.len() - shared);
    let downs = target[shared..]
        .iter()
        .map(|component| component.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_normalizes_and_relativizes_paths() {
        let trees = ListingTrees::new([("en", "listings-sources"), ("fr", "listings")]);
        for (path, expected) in [
            ("listings-sources/ch20/a.rs", Some(("en", "ch20/a.rs"))),
            ("listings/ch20/a.rs", Some(("fr", "ch20/a.rs"))),
            // Whole folder names only.
            ("listings-other/a.rs", None),
            ("src/a.rs", None),
        ] {
            let expected = expected.map(|(language, inside)| (language, Path::new(inside)));
            assert_eq!(trees.locate(Path::new(path)), expected, "{path}");
        }
        // Nested trees: the deepest holds the file, whatever the order.
        for pairs in [[("en", "l"), ("fr", "l/fr")], [("fr", "l/fr"), ("en", "l")]] {
            let nested = ListingTrees::new(pairs);
            let located = nested.locate(Path::new("l/fr/ch/a.rs"));
            assert_eq!(located, Some(("fr", Path::new("ch/a.rs"))));
            let located = nested.locate(Path::new("l/ch/a.rs"));
            assert_eq!(located, Some(("en", Path::new("ch/a.rs"))));
        }
        for (path, expected) in [
            ("src/./sub/../../listings/a.rs", "listings/a.rs"),
            ("src/../../x", "../x"),
        ] {
            assert_eq!(normalize(Path::new(path)), PathBuf::from(expected));
        }
        for (from, to, expected) in [
            ("src", "listings/a.rs", "../listings/a.rs"),
            ("src/part", "src/a.md", "../a.md"),
            ("", "a/b", "a/b"),
        ] {
            assert_eq!(relative_path(Path::new(from), Path::new(to)), expected);
        }
    }
}
