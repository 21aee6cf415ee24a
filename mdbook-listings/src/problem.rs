//! A broken directive, reported with the chapter file, the line, the
//! directive and what is missing; and the error gathering every problem of a
//! book.

use std::fmt;
use std::path::PathBuf;

/// Where a directive sits in its chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A line of the chapter's source file.
    Source(usize),
    /// A line of the translated Markdown (after `gettext`), when the
    /// directive's text is not in the source file (a translator changed it).
    Translated(usize),
}

/// One broken directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The chapter's source file, relative to the book root (`src/ch.md`).
    pub chapter: PathBuf,
    /// Where the directive is in the chapter.
    pub line: Line,
    /// The directive as the book would render it (path already pointed at the
    /// book language's tree).
    pub directive: String,
    /// What is wrong, naming the missing file or anchor.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chapter = self.chapter.display();
        match self.line {
            Line::Source(line) => write!(f, "{chapter}:{line}: ")?,
            Line::Translated(line) => write!(
                f,
                "{chapter} (translated Markdown, not in the source file):{line}: "
            )?,
        }
        write!(f, "{}: {}", self.directive, self.message)
    }
}

/// Every broken directive of a book: the error of the `listings`
/// preprocessor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingProblems {
    /// The book's language.
    pub language: String,
    /// The problems, in book order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ListingProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "listings: {} broken include(s) in the `{}` book:",
            self.problems.len(),
            self.language
        )?;
        for problem in &self.problems {
            write!(f, "\n{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ListingProblems {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_directive_and_message() {
        let problem = Problem {
            chapter: PathBuf::from("src/ch.md"),
            line: Line::Source(27),
            directive: "{{#include ../l/a.rs:here}}".into(),
            message: "anchor `here` not found in l/a.rs".into(),
        };
        assert_eq!(
            problem.to_string(),
            "src/ch.md:27: {{#include ../l/a.rs:here}}: anchor `here` not found in l/a.rs"
        );
        let all = ListingProblems {
            language: "fr".into(),
            problems: vec![problem.clone(), problem],
        };
        let text = all.to_string();
        assert!(text.starts_with("listings: 2 broken include(s) in the `fr` book:\n"));
        assert_eq!(text.lines().count(), 3);
    }
}
