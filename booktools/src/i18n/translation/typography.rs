//! Typography of the translations, per language.
//!
//! The conventions are data about languages, looked up by language code;
//! the check itself knows no language. French puts a no-break space
//! (U+00A0, or the narrow U+202F) before `:` `;` `!` `?` and inside « »,
//! and writes the apostrophe ’ (U+2019), never the straight `'`; a language
//! absent from the table has no rule here.
//!
//! Only prose is checked: inline code, HTML tags and autolinks, link
//! destinations, bare URLs, HTML entities and the `::` of paths are skipped.

use super::po_file::{PoEntry, PoFile};
use super::{with_source, Problem};

/// The typographic conventions of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypographyRules {
    /// Punctuation that needs a no-break space before it.
    pub no_break_space_before: &'static str,
    /// Whether « and » need a no-break space on their inner side.
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

/// The conventions of `language`, if it has any in the table.
pub fn rules_for(language: &str) -> Option<TypographyRules> {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    RULES
        .iter()
        .find(|(code, _)| *code == primary)
        .map(|(_, rules)| *rules)
}

/// True for the two no-break spaces French typography uses.
fn is_no_break_space(c: char) -> bool {
    c == '\u{A0}' || c == '\u{202F}'
}

/// Checks the translation of every live, translated entry of `po` against
/// `rules`; each problem names the PO line.
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
        let complaint = if rules.no_break_space_before.contains(c) {
            if c == ':' && (before == Some(':') || after == Some(':')) {
                None
            } else {
                match before {
                    None => None,
                    Some(b) if is_no_break_space(b) => None,
                    Some(b) if rules.no_break_space_before.contains(b) && "!?".contains(c) => None,
                    Some(' ') => Some(format!("an ordinary space before `{c}`: {nbsp}")),
                    Some(b) => Some(format!("`{c}` right after `{b}`: {nbsp}")),
                }
            }
        } else if rules.no_break_space_inside_guillemets && c == '«' {
            (!after.is_some_and(is_no_break_space))
                .then(|| format!("no no-break space after `«`: {nbsp}"))
        } else if rules.no_break_space_inside_guillemets && c == '»' {
            (!before.is_some_and(is_no_break_space))
                .then(|| format!("no no-break space before `»`: {nbsp}"))
        } else if c == '\'' {
            rules.apostrophe.map(|apostrophe| {
                format!(
                    "a straight apostrophe outside code: it needs `{apostrophe}` (U+{:04X})",
                    u32::from(apostrophe)
                )
            })
        } else {
            None
        };
        if let Some(complaint) = complaint {
            problems.push(Problem {
                file: po.path.clone(),
                line: Some(entry.msgstr_line_at(offset)),
                message: with_source(
                    format!("{complaint} in «{}»", context(text, offset)),
                    entry.references.first().map(String::as_str),
                ),
            });
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

/// For each byte of `text`: true when it is prose (not code, markup or URL).
fn prose_mask(text: &str) -> Vec<bool> {
    let bytes = text.as_bytes();
    let mut prose = vec![true; bytes.len()];
    let mut hide = |start: usize, end: usize| prose[start..end].iter_mut().for_each(|b| *b = false);
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let skip_to = if bytes[i] == b'`' {
            // A code span: a run of N backticks up to the next run of N.
            let run = rest.bytes().take_while(|&b| b == b'`').count();
            let fence = &rest[..run];
            let mut end = None;
            let mut search = run;
            while let Some(found) = rest[search..].find(fence) {
                let at = search + found;
                let longer = rest[at + run..].starts_with('`');
                if !longer && !rest[..at].ends_with('`') {
                    end = Some(at + run);
                    break;
                }
                search = at + rest[at..].bytes().take_while(|&b| b == b'`').count();
            }
            end.map(|end| i + end)
        } else if bytes[i] == b'<'
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
        {
            // An HTML tag or an autolink.
            rest.find('>').map(|end| i + end + 1)
        } else if rest.starts_with("](") {
            rest.find(')').map(|end| i + end + 1)
        } else if bytes[i] == b'&' {
            let name = rest[1..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
                .count();
            (name > 0 && rest[1 + name..].starts_with(';')).then_some(i + name + 2)
        } else if rest.starts_with("://") {
            let scheme = text[..i]
                .bytes()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'.')
                .count();
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                .unwrap_or(rest.len());
            hide(i - scheme, i);
            Some(i + end)
        } else {
            None
        };
        match skip_to {
            Some(end) => {
                hide(i, end);
                i = end;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
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
    fn accepts_no_break_spaces_code_urls_and_paths() {
        let ok = "Voici\u{A0}: `a::b`, `x: u8`, <http://127.0.0.1:7878/>, \
                  [lien](https://crates.io/), https://a.b:80/c, &amp; et « mot »\u{A0}?!";
        let ok = ok.replace("« mot »", "«\u{A0}mot\u{A0}»");
        assert_eq!(problems(&ok), Vec::<String>::new());
        assert_eq!(problems("Message::Extinction"), Vec::<String>::new());
    }

    #[test]
    fn flags_ordinary_spaces_and_missing_spaces() {
        let found = problems("Voici : ceci; cela! `a` ? «mot»");
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(
            found[0].starts_with("xx.po:7: an ordinary space before `:`"),
            "{}",
            found[0]
        );
        assert!(found[1].contains("`;` right after `i`"), "{}", found[1]);
    }

    #[test]
    fn flags_straight_apostrophes_outside_code_with_the_po_line() {
        let found = problems("L'encart `'static` <a title='x'> et l\u{2019}opérateur");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(
                "xx.po:7: a straight apostrophe outside code: it needs `\u{2019}` (U+2019) in «L'encart"
            ),
            "{}",
            found[0]
        );
    }

    #[test]
    fn languages_without_rules_are_not_checked() {
        assert_eq!(rules_for("de"), None);
        assert!(rules_for("fr").is_some());
    }
}
