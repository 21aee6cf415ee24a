//! What `cargo xtask serve` watches, and which languages a change affects.
//!
//! The inputs of the book: `book.toml`, the source folder (`src/`), the
//! theme folder, the gettext folder (`po/`) and every listing tree of
//! `[preprocessor.listings.trees]`. They are polled: a snapshot of every
//! file's modification time and size, compared with the previous one.
//!
//! A change to `po/<language>.po` or to the listing tree of a language
//! rebuilds that language only; any other change (the English text, the
//! theme, `book.toml`) rebuilds every language. Nothing here names a
//! language.

use anyhow::{Context, Result};
use booktools::site::SitePlan;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A file's modification time and size.
type Stamp = (SystemTime, u64);

/// Every watched file and its stamp.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<PathBuf, Stamp>);

/// What a watched path feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Feeds {
    /// Every language (`src/`, the theme, `book.toml`).
    Everything,
    /// The gettext folder: `<language>.po` feeds that language.
    Catalogs,
    /// One language's listing tree.
    Language(String),
}

/// The inputs of the book at a root.
#[derive(Debug, Clone)]
pub struct Inputs {
    watched: Vec<(PathBuf, Feeds)>,
}

/// What changed between two snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The changed files (added, removed or modified).
    pub files: Vec<PathBuf>,
    /// The languages to rebuild.
    pub languages: BTreeSet<String>,
    /// `book.toml` changed: the plan must be read again.
    pub config: bool,
}

impl Inputs {
    /// The inputs of the book at `root`, as `book.toml` configures them.
    pub fn of_book(root: &Path, plan: &SitePlan) -> Result<Inputs> {
        let book_toml = root.join("book.toml");
        let text = std::fs::read_to_string(&book_toml)
            .with_context(|| format!("reading {}", book_toml.display()))?;
        let config: toml::Value =
            toml::from_str(&text).with_context(|| format!("parsing {}", book_toml.display()))?;
        let lookup = |path: &[&str]| -> Option<&toml::Value> {
            path.iter().try_fold(&config, |value, key| value.get(key))
        };
        let setting = |path: &[&str], default: &str| -> String {
            lookup(path)
                .and_then(toml::Value::as_str)
                .unwrap_or(default)
                .to_string()
        };
        let mut watched = vec![
            (book_toml, Feeds::Everything),
            (
                root.join(setting(&["book", "src"], "src")),
                Feeds::Everything,
            ),
            (
                root.join(setting(&["output", "html", "theme"], "theme")),
                Feeds::Everything,
            ),
            (
                root.join(setting(&["preprocessor", "gettext", "po-dir"], "po")),
                Feeds::Catalogs,
            ),
        ];
        let trees = lookup(&["preprocessor", "listings", "trees"]);
        for language in &plan.languages {
            if let Some(folder) = trees
                .and_then(|t| t.get(language))
                .and_then(toml::Value::as_str)
            {
                watched.push((root.join(folder), Feeds::Language(language.clone())));
            }
        }
        Ok(Inputs { watched })
    }

    /// Also watches `dir`; a change there rebuilds every language.
    pub fn also_watch(&mut self, dir: &Path) {
        self.watched.push((dir.to_path_buf(), Feeds::Everything));
    }

    /// The current stamps of every watched file (build products such as
    /// `target/` folders, hidden files and editor backups left out).
    pub fn snapshot(&self) -> Snapshot {
        let mut stamps = BTreeMap::new();
        for (path, _) in &self.watched {
            let walker = walkdir::WalkDir::new(path)
                .into_iter()
                .filter_entry(|entry| entry.depth() == 0 || !is_ignored(entry.file_name()));
            for entry in walker.flatten() {
                if !entry.file_type().is_file() {
                    continue;
                }
                if let Ok(metadata) = entry.metadata() {
                    let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    stamps.insert(entry.into_path(), (modified, metadata.len()));
                }
            }
        }
        Snapshot(stamps)
    }

    /// What differs between `before` and `after`, and what to rebuild.
    pub fn changes(&self, plan: &SitePlan, before: &Snapshot, after: &Snapshot) -> Changes {
        let mut files: BTreeSet<&PathBuf> = BTreeSet::new();
        for (path, stamp) in &after.0 {
            if before.0.get(path) != Some(stamp) {
                files.insert(path);
            }
        }
        files.extend(before.0.keys().filter(|path| !after.0.contains_key(*path)));
        let mut changes = Changes {
            files: files.iter().map(|path| path.to_path_buf()).collect(),
            ..Changes::default()
        };
        for file in files {
            let Some((root, feeds)) = self
                .watched
                .iter()
                .filter(|(root, _)| file.starts_with(root))
                .max_by_key(|(root, _)| root.components().count())
            else {
                continue;
            };
            match feeds {
                Feeds::Everything => {
                    changes.languages.extend(plan.languages.iter().cloned());
                    if file == root && root.file_name().is_some_and(|n| n == "book.toml") {
                        changes.config = true;
                    }
                }
                Feeds::Language(language) => {
                    changes.languages.insert(language.clone());
                }
                Feeds::Catalogs => {
                    let is_po = file.extension().is_some_and(|e| e == "po");
                    let language = file.file_stem().and_then(|s| s.to_str());
                    if let (true, Some(language)) = (is_po, language) {
                        if plan.languages.iter().any(|l| l == language) {
                            changes.languages.insert(language.to_string());
                        }
                    }
                }
            }
        }
        changes
    }
}

/// Build products, hidden files and editor leftovers.
fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name == "target"
        || name == "book"
        || name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> (tempfile::TempDir, SitePlan, Inputs) {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::write(
            r.join("book.toml"),
            "[book]\nlanguage = \"en\"\n[preprocessor.listings.trees]\nen = \"ls\"\nfr = \"l\"\n",
        )
        .unwrap();
        for dir in ["src", "po", "theme", "ls/a/src", "l/a/src", "l/a/target"] {
            std::fs::create_dir_all(r.join(dir)).unwrap();
        }
        for file in [
            "src/ch.md",
            "po/fr.po",
            "po/messages.pot",
            "theme/x.js",
            "ls/a/src/lib.rs",
            "l/a/src/lib.rs",
        ] {
            std::fs::write(r.join(file), "x").unwrap();
        }
        let plan = SitePlan::new("en", ["en", "fr"], "/").unwrap();
        let inputs = Inputs::of_book(r, &plan).unwrap();
        (root, plan, inputs)
    }

    fn languages(changes: &Changes) -> Vec<&str> {
        changes.languages.iter().map(String::as_str).collect()
    }

    #[test]
    fn a_catalog_or_a_tree_rebuilds_its_language_the_text_rebuilds_all() {
        let (root, plan, inputs) = book();
        let r = root.path();
        let before = inputs.snapshot();
        assert!(inputs
            .changes(&plan, &before, &inputs.snapshot())
            .files
            .is_empty());

        std::fs::write(r.join("po/fr.po"), "xy").unwrap();
        let changes = inputs.changes(&plan, &before, &inputs.snapshot());
        assert_eq!(languages(&changes), ["fr"]);
        assert_eq!(changes.files, [r.join("po/fr.po")]);

        let before = inputs.snapshot();
        std::fs::write(r.join("ls/a/src/lib.rs"), "xy").unwrap();
        assert_eq!(
            languages(&inputs.changes(&plan, &before, &inputs.snapshot())),
            ["en"]
        );

        let before = inputs.snapshot();
        std::fs::write(r.join("src/new.md"), "x").unwrap();
        assert_eq!(
            languages(&inputs.changes(&plan, &before, &inputs.snapshot())),
            ["en", "fr"]
        );

        let before = inputs.snapshot();
        std::fs::remove_file(r.join("theme/x.js")).unwrap();
        let changes = inputs.changes(&plan, &before, &inputs.snapshot());
        assert_eq!(languages(&changes), ["en", "fr"]);
        assert!(!changes.config);

        let before = inputs.snapshot();
        std::fs::write(r.join("book.toml"), "[book]\nlanguage = \"en\"\n").unwrap();
        assert!(inputs.changes(&plan, &before, &inputs.snapshot()).config);
    }

    #[test]
    fn the_template_build_products_and_hidden_files_rebuild_nothing() {
        let (root, plan, inputs) = book();
        let r = root.path();
        let before = inputs.snapshot();
        std::fs::write(r.join("po/messages.pot"), "xy").unwrap();
        std::fs::write(r.join("l/a/target/out"), "x").unwrap();
        std::fs::write(r.join("src/.ch.md.swp"), "x").unwrap();
        let changes = inputs.changes(&plan, &before, &inputs.snapshot());
        assert!(changes.languages.is_empty(), "{changes:?}");
    }
}
