//! A problem found in a translation or a text file, located by file and line.

use std::fmt;
use std::path::PathBuf;

/// One problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file at fault (a PO file, a chapter, a listing file).
    pub file: PathBuf,
    /// 1-based line in `file`, when the problem has one.
    pub line: Option<usize>,
    /// The English source the message comes from (`src/chapter.md:12`),
    /// for problems of a PO entry.
    pub source: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem of the whole book, reported against its `book.toml`.
    pub fn of_book(root: &std::path::Path, message: String) -> Self {
        Self {
            file: root.join(crate::languages::BOOK_TOML),
            line: None,
            source: None,
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, " (English source: {source})")?;
        }
        Ok(())
    }
}

/// Fails with every problem, one per line, under `title` (for the problems
/// of any check that prints them one per line).
pub fn ensure_none<P: fmt::Display>(title: &str, problems: &[P]) -> anyhow::Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    anyhow::bail!(
        "{title}: {} problem(s)\n{}",
        problems.len(),
        list.join("\n")
    )
}
