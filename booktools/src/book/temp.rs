//! Temporary books, to build or break on purpose without touching the real
//! tree: a copy of a book ([`TempBook::copy_of`]) or a tiny book written
//! from scratch ([`TempBook::tiny`]). The one way tests make either.

use crate::languages::BookLayout;
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root: the real book (this crate's parent folder).
pub fn repository_root() -> PathBuf {
    let booktools = Path::new(env!("CARGO_MANIFEST_DIR"));
    booktools.parent().unwrap_or(booktools).to_path_buf()
}

/// Copies what building the book at `root` reads into `dest` (created if
/// needed): every top-level `*.toml` file but `Cargo.toml` (`book.toml`,
/// `glossary.toml`, ...), the source, gettext and theme folders when they
/// exist, and every listing tree of `[preprocessor.listings.trees]`, all
/// without `target/` or `book/` folders (build products).
pub fn copy_book_to(root: &Path, dest: &Path) -> Result<()> {
    let layout = BookLayout::load(root)?;
    let mut folders = vec![&layout.src, &layout.po_dir, &layout.theme_dir];
    folders.extend(layout.languages.iter().map(|language| &language.tree));
    let folders: Vec<PathBuf> = folders
        .into_iter()
        .map(|folder| match folder.strip_prefix(&layout.root) {
            Ok(inside) => Ok(inside.to_path_buf()),
            Err(_) => bail!(
                "book.toml names {} outside the book: cannot copy it",
                folder.display()
            ),
        })
        .collect::<Result<_>>()?;
    let walker = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|entry| {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let name = entry.file_name();
            match entry.depth() {
                0 => true,
                1 if entry.file_type().is_file() => {
                    relative.extension().is_some_and(|e| e == "toml") && name != "Cargo.toml"
                }
                1 => folders
                    .iter()
                    .any(|f| relative == f || f.starts_with(relative)),
                _ => !(entry.file_type().is_dir() && (name == "target" || name == "book")),
            }
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("listing {}", root.display()))?;
        let to = dest.join(entry.path().strip_prefix(root)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).with_context(|| format!("creating {}", to.display()))?;
        } else if entry.path().is_file() {
            fs::copy(entry.path(), &to).with_context(|| {
                format!("copying {} to {}", entry.path().display(), to.display())
            })?;
        }
    }
    Ok(())
}

/// A book in a temporary folder, deleted on drop.
pub struct TempBook {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl TempBook {
    fn empty() -> Result<TempBook> {
        let dir = tempfile::Builder::new()
            .prefix("book-")
            .tempdir()
            .context("creating a temporary folder")?;
        let root = dir.path().join("book");
        fs::create_dir_all(&root)?;
        Ok(TempBook { dir, root })
    }

    /// A copy of the book at `root` (see [`copy_book_to`]).
    pub fn copy_of(root: &Path) -> Result<TempBook> {
        let book = TempBook::empty()?;
        copy_book_to(root, &book.root)?;
        Ok(book)
    }

    pub fn copy_of_repository() -> Result<TempBook> {
        TempBook::copy_of(&repository_root())
    }

    /// A tiny book whose languages are `(code, listing tree)`, the first
    /// the source language: `book.toml` with the book's preprocessors, the
    /// chapter `src/chapter.md` holding `chapter`, an untranslated gettext
    /// catalog per other language, and the real book's `rust-toolchain.toml`.
    pub fn tiny(languages: &[(&str, &str)], chapter: &str) -> Result<TempBook> {
        let book = TempBook::empty()?;
        let trees: String = (languages.iter())
            .map(|(code, tree)| format!("{code} = \"{tree}\"\n"))
            .collect();
        book.write(
            "book.toml",
            &format!(
                "[book]\ntitle = \"Tiny\"\nlanguage = \"{}\"\n[build]\ncreate-missing = false\n\
                 [preprocessor.gettext]\nbefore = [\"listings\"]\n\
                 [preprocessor.listings]\ncommand = \"false\"\nafter = [\"gettext\"]\nbefore = [\"links\"]\n\
                 [preprocessor.listings.trees]\n{trees}",
                languages[0].0
            ),
        )?;
        book.write("src/SUMMARY.md", "# Summary\n\n- [Chapter](chapter.md)\n")?;
        book.write("src/chapter.md", chapter)?;
        for (code, _) in &languages[1..] {
            book.write(
                &format!("po/{code}.po"),
                &format!(
                    "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: tiny\\n\"\n\
                     \"POT-Creation-Date: 2024-01-01 00:00+0000\\n\"\n\
                     \"PO-Revision-Date: 2024-01-01 00:00+0000\\n\"\n\"Language-Team: {code}\\n\"\n\
                     \"Language: {code}\\n\"\n\"MIME-Version: 1.0\\n\"\n\
                     \"Content-Type: text/plain; charset=UTF-8\\n\"\n\
                     \"Content-Transfer-Encoding: 8bit\\n\"\n\
                     \"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n"
                ),
            )?;
        }
        let toolchain = fs::read_to_string(repository_root().join("rust-toolchain.toml"))?;
        book.write("rust-toolchain.toml", &toolchain)?;
        Ok(book)
    }

    /// Adds the crate `dir` (package `package`, edition 2021, no
    /// dependencies, with its `Cargo.lock`) holding `files` (path, content).
    pub fn add_crate(&self, dir: &str, package: &str, files: &[(&str, &str)]) -> Result<()> {
        let manifest = "version = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n";
        self.write(
            &format!("{dir}/Cargo.toml"),
            &format!("[package]\nname = \"{package}\"\n{manifest}"),
        )?;
        self.write(
            &format!("{dir}/Cargo.lock"),
            &format!(
                "# This file is automatically @generated by Cargo.\n\
                 # It is not intended for manual editing.\nversion = 4\n\n\
                 [[package]]\nname = \"{package}\"\nversion = \"0.1.0\"\n"
            ),
        )?;
        for (path, content) in files {
            self.write(&format!("{dir}/{path}"), content)?;
        }
        Ok(())
    }

    /// The book's root (its `book.toml` folder).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A fresh output folder next to the book (outside it).
    pub fn output_dir(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }

    pub fn read(&self, relative: &str) -> Result<String> {
        let path = self.root.join(relative);
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// Writes a file of the book (parent folders created).
    pub fn write(&self, relative: &str, text: &str) -> Result<()> {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().unwrap_or(&self.root))?;
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// Replaces the single occurrence of `from` with `to` in a file of the
    /// book; fails if `from` is absent or appears more than once, so a test
    /// cannot silently break nothing.
    pub fn replace_once(&self, relative: &str, from: &str, to: &str) -> Result<()> {
        let text = self.read(relative)?;
        let count = text.matches(from).count();
        if count != 1 {
            bail!("{relative} holds {count} occurrence(s) of {from:?}, expected exactly 1");
        }
        self.write(relative, &text.replacen(from, to, 1))
    }

    /// Deletes the lines of a file of the book whose trimmed text is `line`;
    /// fails if there is none. Returns how many were deleted.
    pub fn delete_lines(&self, relative: &str, line: &str) -> Result<usize> {
        let text = self.read(relative)?;
        let kept: Vec<&str> = (text.split_inclusive('\n'))
            .filter(|kept| kept.trim() != line)
            .collect();
        let deleted = text.split_inclusive('\n').count() - kept.len();
        if deleted == 0 {
            bail!("{relative} has no line {line:?}");
        }
        self.write(relative, &kept.concat())?;
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_the_book_without_build_products() -> Result<()> {
        let book = TempBook::tiny(&[("en", "listings-sources")], "# Chapter\n")?;
        book.write("Cargo.toml", "[package]\n")?;
        book.write("glossary.toml", "[code]\n")?;
        book.add_crate("listings-sources/ch/a", "a", &[("src/lib.rs", "")])?;
        book.write("listings-sources/ch/a/target/debug/x", "")?;
        book.write("book/index.html", "")?;
        book.write("elsewhere/x.md", "")?;
        let copy = TempBook::copy_of(book.root())?;
        for (path, copied) in [
            ("book.toml", true),
            ("glossary.toml", true),
            ("src/SUMMARY.md", true),
            ("listings-sources/ch/a/src/lib.rs", true),
            ("Cargo.toml", false),
            ("listings-sources/ch/a/target", false),
            ("book", false),
            ("elsewhere", false),
            ("po", false),
        ] {
            assert_eq!(copy.root().join(path).exists(), copied, "{path}");
        }
        Ok(())
    }
}
