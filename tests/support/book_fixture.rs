//! A temporary copy of the book (never the real tree) to build or break on
//! purpose, and small text helpers for asserting on build errors.

use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root: the real book.
pub fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of a book in a temporary folder, deleted on drop.
pub struct TempBook {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl TempBook {
    /// Copies the book at `root` (see `booktools::book::copy_book_to`).
    pub fn copy_of(root: &Path) -> Result<TempBook> {
        let dir = tempfile::Builder::new()
            .prefix("book-copy-")
            .tempdir()
            .context("creating a temporary folder")?;
        let copy = dir.path().join("book");
        booktools::book::copy_book_to(root, &copy)?;
        Ok(TempBook { dir, root: copy })
    }

    /// Copies the real book of this repository.
    pub fn copy_of_repository() -> Result<TempBook> {
        TempBook::copy_of(&repository_root())
    }

    /// The copy's root (its `book.toml` folder).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A fresh output folder next to the copy (outside the book).
    pub fn output_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }

    /// The text of a file of the copy.
    pub fn read(&self, relative: &str) -> Result<String> {
        let path = self.root.join(relative);
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// Replaces the single occurrence of `from` with `to` in a file of the
    /// copy; fails if `from` is absent or appears more than once, so a test
    /// cannot silently break nothing.
    pub fn replace_once(&self, relative: &str, from: &str, to: &str) -> Result<()> {
        let text = self.read(relative)?;
        let count = text.matches(from).count();
        if count != 1 {
            bail!("{relative} holds {count} occurrence(s) of {from:?}, expected exactly 1");
        }
        self.write(relative, &text.replacen(from, to, 1))
    }

    /// Deletes the lines of a file of the copy whose trimmed text is `line`;
    /// fails if there is none. Returns how many were deleted.
    pub fn delete_lines(&self, relative: &str, line: &str) -> Result<usize> {
        let text = self.read(relative)?;
        let kept: Vec<&str> = text
            .split_inclusive('\n')
            .filter(|kept| kept.trim() != line)
            .collect();
        let deleted = text.split_inclusive('\n').count() - kept.len();
        if deleted == 0 {
            bail!("{relative} has no line {line:?}");
        }
        self.write(relative, &kept.concat())?;
        Ok(deleted)
    }

    fn write(&self, relative: &str, text: &str) -> Result<()> {
        let path = self.root.join(relative);
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|offset| text[..offset].matches('\n').count() + 1)
}

/// Whether every line of `expected` appears in `text`, in order, each as a
/// whole line (other lines may come in between).
pub fn contains_lines_in_order(text: &str, expected: &[&str]) -> bool {
    let mut lines = text.lines();
    expected
        .iter()
        .all(|wanted| lines.any(|line| line == *wanted))
}

/// The name of the English code name `english` in the code of `language`,
/// from the book's glossary (`ThreadPool` -> `GroupeTaches` in French).
pub fn glossary_code_name(root: &Path, language: &str, english: &str) -> Result<String> {
    let layout = booktools::languages::BookLayout::load(root)?;
    let glossary = booktools::i18n::glossary::Glossary::load(&layout, language)?;
    if language != layout.source_language && !glossary.has(english) {
        bail!("the `{language}` glossary has no name for `{english}`");
    }
    Ok(glossary.translate(english).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_in_order() {
        let text = "a\n# hidden\nb\nc\n";
        assert!(contains_lines_in_order(text, &["a", "c"]));
        assert!(!contains_lines_in_order(text, &["c", "a"]));
        assert!(!contains_lines_in_order(text, &["hidden"]));
        assert_eq!(line_of(text, "b"), Some(3));
    }
}
