//! The project's one problem type: a file, a line when there is one, and
//! what is wrong. Every check reports with it (this preprocessor, and every
//! check of `booktools`, which re-exports it), so every failure reads the
//! same: `src/ch.md:27: {{#include ...}}: anchor `here` not found`.
//! It lives here because this is the lowest crate of the workspace.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// The file at fault (a chapter, a PO file, a listing file, `book.toml`).
    pub file: PathBuf,
    /// 1-based line in `file`, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, naming what to look at (a directive, a message, a
    /// token, the English counterpart).
    pub message: String,
}

impl Problem {
    /// A problem at `line` of `file`.
    pub fn at(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// A problem of `file` as a whole.
    pub fn in_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            message: message.into(),
        }
    }

    /// The same problem with `file` shown relative to `root`.
    pub fn relative_to(&self, root: &Path) -> Self {
        Self {
            file: self
                .file
                .strip_prefix(root)
                .unwrap_or(&self.file)
                .to_path_buf(),
            message: self.message.replace(&format!("{}/", root.display()), ""),
            ..self.clone()
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_and_message() {
        let problem = Problem::at("src/ch.md", 27, "anchor `here` not found");
        assert_eq!(problem.to_string(), "src/ch.md:27: anchor `here` not found");
        let in_file = Problem::in_file("/b/po/xx.po", "see /b/src/a.md:3");
        assert_eq!(
            in_file.relative_to(Path::new("/b")).to_string(),
            "po/xx.po: see src/a.md:3"
        );
    }
}
