//! What ties a translation to its own source: without this check, two
//! paragraphs' msgstrs swapped stay translated and not fuzzy. A msgstr
//! carries the code spans (through the glossary), numbers, link
//! destinations, inline HTML and emphasis of its msgid, each as a multiset
//! (read with pulldown-cmark); it may add emphasis (a translator's note),
//! and set as code a word its source has in the prose ("Joining each
//! thread" -> « faire appel à `join` »). A paragraph with none of these
//! cannot be tied mechanically: TRANSLATING.md tells reviewers so.

use super::po_file::{PoEntry, PoFile};
use super::{entry_problem, Problem};
use crate::i18n::glossary::{Glossary, Place};
use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// The anchors of one message, each kind as a multiset (item -> count).
#[derive(Debug, Default, PartialEq, Eq)]
struct Anchors {
    code: BTreeMap<String, usize>,
    numbers: BTreeMap<String, usize>,
    links: BTreeMap<String, usize>,
    html: BTreeMap<String, usize>,
    emphasis: usize,
}

fn anchors(text: &str, map_code: impl Fn(&str) -> String) -> Anchors {
    let mut found = Anchors::default();
    let add = |set: &mut BTreeMap<String, usize>, item: String| {
        *set.entry(item).or_default() += 1;
    };
    for event in Parser::new(text) {
        match event {
            Event::Code(code) => add(&mut found.code, map_code(&code)),
            Event::InlineHtml(html) | Event::Html(html) => add(&mut found.html, html.to_string()),
            Event::Start(Tag::Link { dest_url, .. }) => add(&mut found.links, dest_url.to_string()),
            Event::Start(Tag::Emphasis | Tag::Strong) => found.emphasis += 1,
            Event::Text(text) => {
                // Runs of digits, dots and dashes (20-22, 0.5), trimmed.
                static RUNS: LazyLock<Regex> =
                    LazyLock::new(|| Regex::new(r"[0-9.-]+").expect("a valid regex"));
                for number in (RUNS.find_iter(&text))
                    .map(|run| run.as_str().trim_matches(['-', '.']))
                    .filter(|word| word.starts_with(|c: char| c.is_ascii_digit()))
                {
                    add(&mut found.numbers, number.to_string());
                }
            }
            _ => {}
        }
    }
    found
}

/// `code` through `glossary`, homonyms kept where they stay English.
fn translate_code(code: &str, glossary: &Glossary) -> String {
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z0-9_]+").unwrap());
    let translate = |word: &regex::Captures| {
        let (at, word) = (word.get(0).expect("a match"), &word[0]);
        let place = Place::between(&code[..at.start()], &code[at.end()..]);
        match glossary.keeps_english(word, place) {
            true => word.to_string(),
            false => glossary.translate(word).to_string(),
        }
    };
    WORD.replace_all(code, translate).into_owned()
}

/// The items `translation` misses and adds.
fn difference(
    what: &str,
    source: &BTreeMap<String, usize>,
    translation: &BTreeMap<String, usize>,
) -> Option<String> {
    let count = |set: &BTreeMap<String, usize>, item: &str| set.get(item).copied().unwrap_or(0);
    let list = |from: &BTreeMap<String, usize>, other: &BTreeMap<String, usize>| -> Vec<String> {
        from.iter()
            .filter(|(item, n)| **n > count(other, item))
            .map(|(item, _)| format!("`{item}`"))
            .collect()
    };
    let (missing, extra) = (list(source, translation), list(translation, source));
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("extra {}", extra.join(", ")));
    }
    Some(format!("{what}: {}", parts.join("; ")))
}

/// Every translated, non-fuzzy entry whose msgstr does not carry the
/// anchors of its msgid. A glossary name no translation writes, where two
/// or more English messages have it, is one problem at the glossary line
/// (the entry changed), and those messages are not compared.
pub fn check_po(po: &PoFile, glossary: &Glossary) -> Vec<Problem> {
    let checked: Vec<&PoEntry> = po
        .live_entries()
        .filter(|entry| entry.is_translated() && !entry.is_fuzzy())
        .collect();
    // The words of the code spans of each message and of its translation,
    // read once: every glossary entry is looked up in all of them.
    let code_words = |text: &str| -> BTreeSet<String> {
        let code = anchors(text, str::to_string).code;
        (code.keys())
            .flat_map(|span| span.split(|c: char| !(c == '_' || c.is_alphanumeric())))
            .map(str::to_string)
            .collect()
    };
    let words: Vec<(BTreeSet<String>, BTreeSet<String>)> = (checked.iter())
        .map(|entry| (code_words(&entry.msgid), code_words(&entry.msgstr[0])))
        .collect();
    let mut problems = Vec::new();
    let mut unfollowed = Vec::new();
    for (english, translated) in glossary.renamed() {
        let in_english = words.iter().filter(|(en, _)| en.contains(english)).count();
        // One message alone may be the translation of another message.
        if in_english < 2 || words.iter().any(|(_, tr)| tr.contains(translated)) {
            continue;
        }
        let (Some(file), Some(line)) = (&glossary.file, glossary.line(english)) else {
            continue;
        };
        let message = format!(
            "{english} = \"{translated}\", but no translation of {} has `{translated}` \
             in its code, where {in_english} English messages have `{english}`: \
             correct the entry or the translations",
            po.path.display()
        );
        problems.push(Problem::at(file, line, message));
        unfollowed.push(english);
    }
    problems.extend(
        (checked.iter().zip(&words))
            .filter(|(_, (en, _))| !unfollowed.iter().any(|english| en.contains(*english)))
            .filter_map(|(entry, _)| check_entry(po, entry, glossary)),
    );
    problems
}

fn check_entry(po: &PoFile, entry: &PoEntry, glossary: &Glossary) -> Option<Problem> {
    let source = anchors(&entry.msgid, |code| translate_code(code, glossary));
    let mut translation = anchors(&entry.msgstr[0], str::to_string);
    // A translation may set as code a word its source has in the prose, in
    // any form ("Joining each thread" -> « utilisation de `join` »).
    let english_words: Vec<&str> = entry
        .msgid
        .split(|c: char| !(c == '_' || c.is_alphanumeric()))
        .collect();
    let in_prose = |code: &str| {
        let code = code.to_lowercase();
        english_words
            .iter()
            .any(|word| word.to_lowercase().starts_with(&code))
    };
    translation.code.retain(|code, count| {
        let in_source = source.code.get(code).copied().unwrap_or(0);
        if in_prose(code) {
            *count = (*count).min(in_source);
        }
        *count > 0
    });
    let mut differences: Vec<String> = [
        ("code spans", &source.code, &translation.code),
        ("numbers", &source.numbers, &translation.numbers),
        ("links", &source.links, &translation.links),
        ("inline HTML", &source.html, &translation.html),
    ]
    .into_iter()
    .filter_map(|(what, source, translation)| difference(what, source, translation))
    .collect();
    if translation.emphasis < source.emphasis {
        differences.push(format!(
            "emphasis: {} in the English, {} here",
            source.emphasis, translation.emphasis
        ));
    }
    if differences.is_empty() {
        return None;
    }
    let message = format!(
        "the translation does not carry what its English message does ({}); \
         is it the translation of another message?",
        differences.join("; ")
    );
    let source = entry.references.first().map(String::as_str);
    Some(entry_problem(po, Some(entry.msgstr_line), source, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn glossary() -> Glossary {
        Glossary::parse(
            Path::new("g.toml"),
            "[xx]\nstd-homonyms = [\"thread\"]\n\
             [xx.code]\nWorker = \"Operateur\"\nthread = \"tache\"\n",
            "xx",
        )
        .unwrap()
    }

    fn po(msgid: &str, msgstr: &str) -> PoFile {
        let header = super::super::po_file::tests::HEADER;
        let text = format!("{header}\n#: src/a.md:7\nmsgid \"{msgid}\"\nmsgstr \"{msgstr}\"\n");
        super::super::parse_po(Path::new("xx.po"), text.as_bytes()).unwrap()
    }

    #[test]
    fn code_through_the_glossary_numbers_links_and_html_are_kept() {
        let kept = po(
            "In Listing 20-22, `Worker::new` spawns a `thread` with `thread::spawn`: <span class=\\\"caption\\\">see</span> [here](https://x.org) *now*.",
            "Dans l’encart 20-22, `Operateur::new` crée une `tache` avec `thread::spawn` : <span class=\\\"caption\\\">voir</span> [ici](https://x.org) *maintenant* (N.d.T. : *thread*).",
        );
        assert_eq!(check_po(&kept, &glossary()), vec![]);
    }

    #[test]
    fn a_translation_of_another_message_names_what_is_missing_and_extra() {
        let swapped = po(
            "The `Worker` runs job 2 of [the list](a.html).",
            "La `tache` exécute la mission 3.",
        );
        let problems = check_po(&swapped, &glossary());
        assert_eq!(problems.len(), 1);
        let problem = &problems[0];
        assert_eq!(problem.line, Some(15));
        for expected in [
            "code spans: missing `Operateur`; extra `tache`",
            "numbers: missing `2`; extra `3`",
            "links: missing `a.html`",
            "(English source: src/a.md:7)",
        ] {
            assert!(problem.message.contains(expected), "{}", problem.message);
        }
    }
}
