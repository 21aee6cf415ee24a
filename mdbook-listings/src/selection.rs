//! The part of a file a directive shows (`path`, `path:3:10`, `path:here`)
//! and the lines it yields, following mdBook's rules, with an error where
//! mdBook would silently show too much or nothing.

use regex::Regex;
use std::sync::LazyLock;

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
        let first = match parts.next().unwrap_or("") {
            "" => None,
            word => match word.parse::<usize>() {
                Ok(line) => Some(line),
                Err(_) => return Selection::Anchor(word.to_string()),
            },
        };
        let last = match parts.next() {
            // `3` alone is line 3; `3:` runs to the end.
            None => first,
            Some(word) => word.parse().ok(),
        };
        match (first, last) {
            (None, None) => Selection::Whole,
            (first, last) => Selection::Lines { first, last },
        }
    }
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

/// mdBook's anchor markers: `ANCHOR: name` and `ANCHOR_END: name`.
static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR(_END)?:\s*([\w_-]+)").expect("valid pattern"));

/// `(is an end marker, name)` of the marker a line holds.
fn marker(line: &str) -> Option<(bool, &str)> {
    let captures = MARKER.captures(line)?;
    Some((captures.get(1).is_some(), captures.get(2)?.as_str()))
}

/// The lines `selection` shows of `text` (anchor marker lines excluded, as
/// mdBook drops them); the error says why it shows nothing sensible.
pub fn visible_lines<'a>(
    text: &'a str,
    selection: &Selection,
    mode: AnchorMode,
) -> Result<Vec<&'a str>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let name = match selection {
        Selection::Whole => return Ok(lines),
        Selection::Lines { first, last } => {
            let (first, last) = (first.unwrap_or(1), last.unwrap_or(lines.len()));
            return match () {
                _ if first == 0 || last == 0 => {
                    Err("line 0 does not exist (lines start at 1)".into())
                }
                _ if first.max(last) > lines.len() => Err(format!(
                    "lines {first} to {last} are outside the file ({} lines)",
                    lines.len()
                )),
                _ if last < first => {
                    Err(format!("line range {first}:{last} ends before it starts"))
                }
                _ => Ok(lines[first - 1..last].to_vec()),
            };
        }
        Selection::Anchor(name) => name,
    };
    let (mut shown, mut found, mut inside) = (Vec::new(), false, false);
    for line in lines {
        match marker(line) {
            Some((false, opened)) if !inside && opened == name => (found, inside) = (true, true),
            Some((true, closed)) if inside && closed == name => {
                inside = false;
                if mode == AnchorMode::FirstSection {
                    return Ok(shown);
                }
            }
            None if inside => shown.push(line),
            _ => {}
        }
    }
    match (found, inside) {
        (false, _) => Err(format!("anchor `{name}` not found")),
        (true, true) => Err(format!("anchor `{name}` has no `ANCHOR_END: {name}`")),
        (true, false) => Ok(shown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_mdbook() {
        let lines = |first, last| Selection::Lines { first, last };
        for (text, expected) in [
            ("", Selection::Whole),
            (":", Selection::Whole),
            ("here", Selection::Anchor("here".into())),
            ("3", lines(Some(3), Some(3))),
            ("3:10", lines(Some(3), Some(10))),
            ("3:", lines(Some(3), None)),
            (":10", lines(None, Some(10))),
        ] {
            assert_eq!(Selection::parse(text), expected, "{text}");
        }
    }

    #[test]
    fn selects_lines_as_mdbook_or_says_why_not() {
        const FILE: &str = "use std::thread;\n// ANCHOR: here\nfn a() {}\n// ANCHOR: inner\n\
                            fn b() {}\n// ANCHOR_END: inner\n// ANCHOR_END: here\nfn c() {}\n\
                            // ANCHOR: here\nfn d() {}\n// ANCHOR_END: here\n";
        let take = |text, selection, mode| visible_lines(text, &Selection::parse(selection), mode);
        let (first, every) = (AnchorMode::FirstSection, AnchorMode::EverySection);
        let (ab, abd) = (
            vec!["fn a() {}", "fn b() {}"],
            vec!["fn a() {}", "fn b() {}", "fn d() {}"],
        );
        assert_eq!(take(FILE, "here", first), Ok(ab));
        assert_eq!(take(FILE, "here", every), Ok(abd));
        // A missing or unclosed anchor and lines outside the file: the book
        // trials and `chapter.rs` break them. `here_too` is not `here`.
        let error = |text: &str| Err(text.to_string());
        let other = "// ANCHOR: here_too\nx\n// ANCHOR_END: here_too\n";
        assert_eq!(take(other, "here", first), error("anchor `here` not found"));
        let three = "one\ntwo\nthree\n";
        assert_eq!(take(three, "2:", first), Ok(vec!["two", "three"]));
        assert_eq!(take(three, ":1", first), Ok(vec!["one"]));
        // Outside is told before reversed: `4:` on three lines is 4 to 3.
        let outside = error("lines 4 to 3 are outside the file (3 lines)");
        assert_eq!(take(three, "4:", first), outside);
        let reversed = error("line range 3:2 ends before it starts");
        assert_eq!(take(three, "3:2", first), reversed);
        let zero = error("line 0 does not exist (lines start at 1)");
        assert_eq!(take(three, "0:2", first), zero);
    }
}
