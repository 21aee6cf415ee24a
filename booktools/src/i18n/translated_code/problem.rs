//! A problem found by the consistency checks between a translated edition
//! and its code, with the file and line at fault and, when there is one, the
//! English counterpart (the English listing file, the English chapter).

use std::fmt;
use std::path::PathBuf;

/// Which check found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    /// A translated listing is not its English twin once names are mapped
    /// through the glossary (tokens, files, anchors, package name).
    Structure,
    /// A code name in the prose that the listings of its language do not
    /// declare, or an English project name in translated prose.
    CodeNames,
    /// A paragraph of the translated book identical to the English one.
    UntranslatedProse,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Structure => "listing structure",
            Check::CodeNames => "code names in the prose",
            Check::UntranslatedProse => "untranslated prose",
        })
    }
}

/// A file and, when known, a 1-based line in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// 1-based line in `file`.
    pub line: Option<usize>,
}

impl Location {
    /// `file` at `line`.
    pub fn at(file: impl Into<PathBuf>, line: usize) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
        }
    }

    /// `file` as a whole.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Self {
            file: file.into(),
            line: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        Ok(())
    }
}

/// One problem: which check, which language, where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The check that found it.
    pub check: Check,
    /// The language whose edition is at fault (the source language for a
    /// code name of the English chapter).
    pub language: String,
    /// Where to fix it: a translated listing file, a PO entry, a chapter.
    pub location: Location,
    /// The English counterpart: the English listing file and line of a
    /// token, the English chapter line of a message.
    pub english: Option<Location>,
    /// What is wrong (names the tokens or the text).
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] {}", self.location, self.language, self.message)?;
        if let Some(english) = &self.english {
            write!(f, " (English: {english})")?;
        }
        Ok(())
    }
}

impl From<Problem> for crate::Problem {
    /// The project's one problem shape: the check and the English
    /// counterpart go into the message.
    fn from(problem: Problem) -> Self {
        let english = match problem.english {
            Some(english) => format!(" (English: {english})"),
            None => String::new(),
        };
        crate::Problem {
            file: problem.location.file,
            line: problem.location.line,
            message: format!("{}: {}{english}", problem.check, problem.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_both_files_and_lines() {
        let problem = Problem {
            check: Check::Structure,
            language: "xx".to_string(),
            location: Location::at("tr/src/lib.rs", 7),
            english: Some(Location::at("en/src/lib.rs", 7)),
            message: "found `b`, expected `a`".to_string(),
        };
        assert_eq!(
            problem.to_string(),
            "tr/src/lib.rs:7: [xx] found `b`, expected `a` (English: en/src/lib.rs:7)"
        );
        let converted = crate::Problem::from(problem);
        assert_eq!(converted.line, Some(7));
        assert_eq!(
            converted.message,
            "listing structure: found `b`, expected `a` (English: en/src/lib.rs:7)"
        );
    }
}
