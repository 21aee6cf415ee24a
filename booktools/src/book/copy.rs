//! A copy of the book in another folder (a temporary one in tests), to
//! build it or break it without touching the real tree.

use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::Path;

/// Folders never copied from a listing tree: build products.
const SKIPPED_FOLDERS: &[&str] = &["target", "book"];

/// Copies what building the book at `root` reads into `dest` (created if
/// needed): every top-level `*.toml` file but `Cargo.toml` (`book.toml`,
/// `glossary.toml`, ...), the source folder, the gettext folder and the
/// theme folder when they exist, and every listing tree of
/// `[preprocessor.listings.trees]` without `target/` or `book/` folders.
pub fn copy_book_to(root: &Path, dest: &Path) -> Result<()> {
    let layout = BookLayout::load(root)?;
    fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    for entry in fs::read_dir(root).with_context(|| format!("listing {}", root.display()))? {
        let path = entry?.path();
        let is_toml = path
            .extension()
            .is_some_and(|extension| extension == "toml");
        if path.is_file() && is_toml && path.file_name() != Some("Cargo.toml".as_ref()) {
            copy_file(
                &path,
                &dest.join(path.file_name().expect("a file has a name")),
            )?;
        }
    }
    let mut folders = vec![&layout.src, &layout.po_dir, &layout.theme_dir];
    folders.extend(layout.languages.iter().map(|language| &language.tree));
    for from in folders {
        let Ok(folder) = from.strip_prefix(&layout.root) else {
            bail!(
                "book.toml names {} outside the book: cannot copy it",
                from.display()
            );
        };
        if from.is_dir() {
            copy_folder(from, &dest.join(folder))?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn copy_folder(from: &Path, to: &Path) -> Result<()> {
    let walker = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|entry| {
            !(entry.file_type().is_dir()
                && entry.depth() > 0
                && SKIPPED_FOLDERS
                    .iter()
                    .any(|skipped| entry.file_name() == *skipped))
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("listing {}", from.display()))?;
        let relative = entry.path().strip_prefix(from)?;
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)
                .with_context(|| format!("creating {}", target.display()))?;
        } else if entry.path().is_file() {
            copy_file(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_the_book_without_build_products() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        fs::write(
            root.join("book.toml"),
            "[book]\nsrc = \"src\"\n[preprocessor.listings.trees]\nen = \"listings-sources\"\n",
        )
        .unwrap();
        fs::write(root.join("Cargo.toml"), "[package]\n").unwrap();
        fs::write(root.join("glossary.toml"), "[xx.code]\n").unwrap();
        fs::create_dir_all(root.join("src")).unwrap();
        fs::write(root.join("src/SUMMARY.md"), "# Summary\n").unwrap();
        fs::create_dir_all(root.join("listings-sources/a/src")).unwrap();
        fs::write(root.join("listings-sources/a/src/lib.rs"), "").unwrap();
        fs::create_dir_all(root.join("listings-sources/a/target/debug")).unwrap();
        fs::write(root.join("listings-sources/a/target/debug/x"), "").unwrap();
        fs::create_dir_all(root.join("book")).unwrap();
        fs::write(root.join("book/index.html"), "").unwrap();

        let dest = tempfile::tempdir().unwrap();
        copy_book_to(root, dest.path()).unwrap();
        let dest = dest.path();
        assert!(dest.join("book.toml").is_file());
        assert!(dest.join("glossary.toml").is_file());
        assert!(dest.join("src/SUMMARY.md").is_file());
        assert!(dest.join("listings-sources/a/src/lib.rs").is_file());
        assert!(!dest.join("Cargo.toml").exists());
        assert!(!dest.join("listings-sources/a/target").exists());
        assert!(!dest.join("book").exists());
        assert!(!dest.join("po").exists());
    }
}
