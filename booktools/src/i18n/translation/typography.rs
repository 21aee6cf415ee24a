//! Typography of the translations: the conventions are data by language
//! code (French: a no-break space before `:;!?` and inside « », the
//! apostrophe ’); the check knows no language. Only prose is checked, not
//! code, HTML, link destinations, URLs, entities or the `::` of paths.

use super::po_file::{PoEntry, PoFile};
use super::{entry_problem, Problem};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypographyRules {
    pub no_break_space_before: &'static str,
    pub no_break_space_inside_guillemets: bool,
    /// The apostrophe of prose, if the straight `'` is not it.
    pub apostrophe: Option<char>,
}

/// Conventions by primary language subtag (`fr` covers `fr-FR`, `fr-BE`...).
const RULES: &[(&str, TypographyRules)] = &[(
    "fr",
    TypographyRules {
        no_break_space_before: ":;!?",
        no_break_space_inside_guillemets: true,
        apostrophe: Some('\u{2019}'),
    },
)];

pub fn rules_for(language: &str) -> Option<TypographyRules> {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    RULES
        .iter()
        .find(|(code, _)| *code == primary)
        .map(|(_, rules)| *rules)
}

/// U+00A0 or the narrow U+202F.
fn is_no_break_space(c: char) -> bool {
    c == '\u{A0}' || c == '\u{202F}'
}

pub fn check_po(po: &PoFile, rules: TypographyRules) -> Vec<Problem> {
    po.live_entries()
        .filter(|entry| entry.is_translated())
        .flat_map(|entry| check_entry(po, entry, rules))
        .collect()
}

fn check_entry(po: &PoFile, entry: &PoEntry, rules: TypographyRules) -> Vec<Problem> {
    let text = entry.msgstr.first().map(String::as_str).unwrap_or_default();
    let prose = prose_mask(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut problems = Vec::new();
    for (index, &(offset, c)) in chars.iter().enumerate() {
        if !prose[offset] {
            continue;
        }
        let before = index.checked_sub(1).map(|i| chars[i].1);
        let after = chars.get(index + 1).map(|&(_, c)| c);
        let nbsp = "it needs a no-break space (U+00A0)";
        let guillemets = rules.no_break_space_inside_guillemets;
        let complaint = match c {
            _ if rules.no_break_space_before.contains(c) => match before {
                _ if c == ':' && (before == Some(':') || after == Some(':')) => None,
                None => None,
                Some(b) if is_no_break_space(b) => None,
                Some(b) if rules.no_break_space_before.contains(b) && "!?".contains(c) => None,
                Some(' ') => Some(format!("an ordinary space before `{c}`: {nbsp}")),
                Some(b) => Some(format!("`{c}` right after `{b}`: {nbsp}")),
            },
            '«' if guillemets && !after.is_some_and(is_no_break_space) => {
                Some(format!("no no-break space after `«`: {nbsp}"))
            }
            '»' if guillemets && !before.is_some_and(is_no_break_space) => {
                Some(format!("no no-break space before `»`: {nbsp}"))
            }
            '\'' => rules.apostrophe.map(|apostrophe| {
                let code = u32::from(apostrophe);
                format!(
                    "a straight apostrophe outside code: it needs `{apostrophe}` (U+{code:04X})"
                )
            }),
            _ => None,
        };
        if let Some(complaint) = complaint {
            let line = Some(entry.msgstr_line_at(offset));
            let source = entry.references.first().map(String::as_str);
            let message = format!("{complaint} in «{}»", context(text, offset));
            problems.push(entry_problem(po, line, source, message));
        }
    }
    problems
}

/// About 25 characters either side of `offset`.
fn context(text: &str, offset: usize) -> String {
    let start = text[..offset]
        .char_indices()
        .rev()
        .nth(24)
        .map_or(0, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .nth(25)
        .map_or(text.len(), |(i, _)| offset + i);
    text[start..end].to_string()
}

/// For each byte of `text`: true when it is prose, not a code span (of one
/// to three backticks), an HTML tag or autolink, a link destination, an
/// entity or a URL.
fn prose_mask(text: &str) -> Vec<bool> {
    static NOT_PROSE: LazyLock<Regex> = LazyLock::new(|| {
        let code = r"```.*?```|``.*?``|`[^`]*`";
        let markup = r"<[A-Za-z/!][^>]*>|\]\([^)]*\)|&[A-Za-z0-9#]+;";
        let url = r"[A-Za-z0-9+.]*://[^\s)>]*";
        Regex::new(&format!("(?s){code}|{markup}|{url}")).expect("a valid regex")
    });
    let mut prose = vec![true; text.len()];
    for found in NOT_PROSE.find_iter(text) {
        prose[found.range()].fill(false);
    }
    prose
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn problems(msgstr: &str) -> Vec<String> {
        let entry = PoEntry {
            msgid: "x".into(),
            msgstr: vec![msgstr.into()],
            msgstr_line: 7,
            msgstr_segments: vec![(7, msgstr.into())],
            ..PoEntry::default()
        };
        let po = PoFile {
            path: PathBuf::from("xx.po"),
            header: Vec::new(),
            header_line: 1,
            entries: vec![entry],
        };
        check_po(&po, rules_for("fr-FR").unwrap())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn flags_prose_only_each_problem_at_its_po_line() {
        let ok = "Voici\u{A0}: `a::b`, `x: u8`, <http://127.0.0.1:7878/>, \
                  [lien](https://crates.io/), https://a.b:80/c, &amp; et «\u{A0}mot\u{A0}»\u{A0}?!";
        let rows: [(&str, &str, &[&str]); 4] = [
            ("no-break spaces, code, URLs, entities", ok, &[]),
            ("the `::` of paths", "Message::Extinction", &[]),
            (
                "ordinary and missing spaces",
                "Voici : ceci; cela! `a` ? «mot»",
                &[
                    "an ordinary space before `:`",
                    "`;` right after `i`",
                    "`!` right after `a`",
                    "an ordinary space before `?`",
                    "no no-break space after `«`",
                    "no no-break space before `»`",
                ],
            ),
            (
                "straight apostrophes outside code",
                "L'encart `'static` <a title='x'> et l\u{2019}opérateur",
                &["a straight apostrophe outside code: it needs `\u{2019}` (U+2019) in «L'encart"],
            ),
        ];
        for (label, msgstr, expected) in rows {
            let found = problems(msgstr);
            assert_eq!(found.len(), expected.len(), "{label}: {found:#?}");
            for (found, expected) in found.iter().zip(expected) {
                let at = format!("xx.po:7: {expected}");
                assert!(found.starts_with(&at), "{label}: {found}");
            }
        }
    }
}
