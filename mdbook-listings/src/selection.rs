//! The part of a file a directive shows (`path`, `path:3:10`, `path:here`)
//! and the lines it yields, following mdBook's rules, with an error where
//! mdBook would silently show too much or nothing.

use regex::Regex;
use std::fmt;
use std::sync::OnceLock;

/// What follows the first `:` of a directive's file argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// No selection (or an empty one): the whole file.
    Whole,
    /// Lines `first..=last`, 1-based as written; `None` is open-ended.
    Lines {
        /// First line shown (`None`: from the start).
        first: Option<usize>,
        /// Last line shown (`None`: to the end).
        last: Option<usize>,
    },
    /// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

impl Selection {
    /// Parses the text after the path's `:` the way mdBook does: a number
    /// starts a line range, any other word is an anchor name.
    pub fn parse(text: &str) -> Selection {
        let mut parts = text.splitn(3, ':');
        let first = match parts.next() {
            Some("") | None => None,
            Some(word) => match word.parse::<usize>() {
                Ok(line) => Some(line),
                Err(_) => return Selection::Anchor(word.to_string()),
            },
        };
        let last = parts.next().map(|word| word.parse::<usize>());
        match (first, last) {
            (Some(first), Some(Ok(last))) => Selection::Lines {
                first: Some(first),
                last: Some(last),
            },
            (Some(first), Some(Err(_))) => Selection::Lines {
                first: Some(first),
                last: None,
            },
            (Some(first), None) => Selection::Lines {
                first: Some(first),
                last: Some(first),
            },
            (None, Some(Ok(last))) => Selection::Lines {
                first: None,
                last: Some(last),
            },
            (None, None | Some(Err(_))) => Selection::Whole,
        }
    }
}

/// Why a selection yields nothing sensible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectionError {
    /// No `ANCHOR: name` line.
    AnchorNotFound(String),
    /// `ANCHOR: name` is never followed by `ANCHOR_END: name`.
    AnchorNotClosed(String),
    /// Line numbers start at 1.
    LineZero,
    /// The range goes past the end of the file.
    OutOfRange {
        /// The range as written.
        first: usize,
        /// The range as written.
        last: usize,
        /// How many lines the file has.
        line_count: usize,
    },
    /// The range ends before it starts.
    Reversed {
        /// The range as written.
        first: usize,
        /// The range as written.
        last: usize,
    },
}

impl fmt::Display for SelectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectionError::AnchorNotFound(name) => write!(f, "anchor `{name}` not found"),
            SelectionError::AnchorNotClosed(name) => {
                write!(f, "anchor `{name}` has no `ANCHOR_END: {name}`")
            }
            SelectionError::LineZero => write!(f, "line 0 does not exist (lines start at 1)"),
            SelectionError::OutOfRange {
                first,
                last,
                line_count,
            } => write!(
                f,
                "lines {first} to {last} are outside the file ({line_count} lines)"
            ),
            SelectionError::Reversed { first, last } => {
                write!(f, "line range {first}:{last} ends before it starts")
            }
        }
    }
}

fn anchor_start() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"ANCHOR:\s*(?P<name>[\w_-]+)").expect("valid pattern"))
}

fn anchor_end() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"ANCHOR_END:\s*(?P<name>[\w_-]+)").expect("valid pattern"))
}

/// The anchor a line opens, if any (same pattern as mdBook).
fn opened_anchor(line: &str) -> Option<&str> {
    anchor_start()
        .captures(line)
        .and_then(|captures| captures.name("name"))
        .map(|name| name.as_str())
}

/// The anchor a line closes, if any (same pattern as mdBook).
fn closed_anchor(line: &str) -> Option<&str> {
    anchor_end()
        .captures(line)
        .and_then(|captures| captures.name("name"))
        .map(|name| name.as_str())
}

/// How anchored lines are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorMode {
    /// `{{#include}}`: from the first `ANCHOR: name` to the next
    /// `ANCHOR_END: name`.
    FirstSection,
    /// `{{#rustdoc_include}}`: every section of that name is shown (the other
    /// lines are hidden behind `# `).
    EverySection,
}

/// The lines `selection` shows of `text` (anchor marker lines excluded, as
/// mdBook drops them).
pub fn visible_lines<'a>(
    text: &'a str,
    selection: &Selection,
    mode: AnchorMode,
) -> Result<Vec<&'a str>, SelectionError> {
    match selection {
        Selection::Whole => Ok(text.lines().collect()),
        Selection::Lines { first, last } => line_range(text, *first, *last),
        Selection::Anchor(name) => anchored_lines(text, name, mode),
    }
}

fn line_range(
    text: &str,
    first: Option<usize>,
    last: Option<usize>,
) -> Result<Vec<&str>, SelectionError> {
    let lines: Vec<&str> = text.lines().collect();
    let line_count = lines.len();
    let first_line = first.unwrap_or(1);
    let last_line = last.unwrap_or(line_count);
    if first_line == 0 || last_line == 0 {
        return Err(SelectionError::LineZero);
    }
    if first_line > line_count || last_line > line_count {
        return Err(SelectionError::OutOfRange {
            first: first_line,
            last: last_line,
            line_count,
        });
    }
    if last_line < first_line {
        return Err(SelectionError::Reversed {
            first: first_line,
            last: last_line,
        });
    }
    Ok(lines[first_line - 1..last_line].to_vec())
}

fn anchored_lines<'a>(
    text: &'a str,
    name: &str,
    mode: AnchorMode,
) -> Result<Vec<&'a str>, SelectionError> {
    let mut shown = Vec::new();
    let mut found = false;
    let mut inside = false;
    for line in text.lines() {
        if inside {
            if closed_anchor(line) == Some(name) {
                inside = false;
                if mode == AnchorMode::FirstSection {
                    return Ok(shown);
                }
            } else if opened_anchor(line).is_none() && closed_anchor(line).is_none() {
                shown.push(line);
            }
        } else if opened_anchor(line) == Some(name) {
            found = true;
            inside = true;
        }
    }
    if !found {
        Err(SelectionError::AnchorNotFound(name.to_string()))
    } else if inside {
        Err(SelectionError::AnchorNotClosed(name.to_string()))
    } else {
        Ok(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "use std::thread;\n// ANCHOR: here\nfn a() {}\n// ANCHOR: inner\n\
                        fn b() {}\n// ANCHOR_END: inner\n// ANCHOR_END: here\nfn c() {}\n\
                        // ANCHOR: here\nfn d() {}\n// ANCHOR_END: here\n";

    #[test]
    fn parses_like_mdbook() {
        assert_eq!(Selection::parse(""), Selection::Whole);
        assert_eq!(Selection::parse("here"), Selection::Anchor("here".into()));
        let lines = |first, last| Selection::Lines { first, last };
        assert_eq!(Selection::parse("3"), lines(Some(3), Some(3)));
        assert_eq!(Selection::parse("3:10"), lines(Some(3), Some(10)));
        assert_eq!(Selection::parse("3:"), lines(Some(3), None));
        assert_eq!(Selection::parse(":10"), lines(None, Some(10)));
        assert_eq!(Selection::parse(":"), Selection::Whole);
    }

    #[test]
    fn include_takes_the_first_section_without_markers() {
        let shown = visible_lines(
            FILE,
            &Selection::Anchor("here".into()),
            AnchorMode::FirstSection,
        );
        assert_eq!(shown, Ok(vec!["fn a() {}", "fn b() {}"]));
    }

    #[test]
    fn rustdoc_include_takes_every_section() {
        let shown = visible_lines(
            FILE,
            &Selection::Anchor("here".into()),
            AnchorMode::EverySection,
        );
        assert_eq!(shown, Ok(vec!["fn a() {}", "fn b() {}", "fn d() {}"]));
    }

    #[test]
    fn missing_or_unclosed_anchor_is_an_error() {
        let missing = visible_lines(
            FILE,
            &Selection::Anchor("there".into()),
            AnchorMode::FirstSection,
        );
        assert_eq!(missing, Err(SelectionError::AnchorNotFound("there".into())));
        let unclosed = visible_lines(
            "// ANCHOR: here\nfn a() {}\n",
            &Selection::Anchor("here".into()),
            AnchorMode::EverySection,
        );
        assert_eq!(
            unclosed,
            Err(SelectionError::AnchorNotClosed("here".into()))
        );
        // `here_too` is another anchor, not `here`.
        let other_name = visible_lines(
            "// ANCHOR: here_too\nx\n// ANCHOR_END: here_too\n",
            &Selection::Anchor("here".into()),
            AnchorMode::FirstSection,
        );
        assert_eq!(
            other_name,
            Err(SelectionError::AnchorNotFound("here".into()))
        );
    }

    #[test]
    fn line_ranges_must_stay_in_the_file() {
        let text = "one\ntwo\nthree\n";
        let lines = |first, last| Selection::Lines { first, last };
        let take = |selection: Selection| visible_lines(text, &selection, AnchorMode::FirstSection);
        assert_eq!(take(lines(Some(2), Some(3))), Ok(vec!["two", "three"]));
        assert_eq!(take(lines(Some(2), None)), Ok(vec!["two", "three"]));
        assert_eq!(take(lines(None, Some(1))), Ok(vec!["one"]));
        assert_eq!(
            take(lines(Some(3), Some(10))),
            Err(SelectionError::OutOfRange {
                first: 3,
                last: 10,
                line_count: 3
            })
        );
        assert_eq!(
            take(lines(Some(4), None)),
            Err(SelectionError::OutOfRange {
                first: 4,
                last: 3,
                line_count: 3
            })
        );
        assert_eq!(
            take(lines(Some(3), Some(2))),
            Err(SelectionError::Reversed { first: 3, last: 2 })
        );
        assert_eq!(take(lines(Some(0), Some(2))), Err(SelectionError::LineZero));
    }
}
