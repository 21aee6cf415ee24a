use super::*;
use crate::i18n::translation::read_po;

const HEADER: &str = "\nmsgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: Book\\n\"\n\"POT-Creation-Date: 2024-01-01T00:00:00Z\\n\"\n\"PO-Revision-Date: 2024-02-02T00:00:00Z\\n\"\n\"Last-Translator: Ana <ana@example.org>\\n\"\n\"Language-Team: Team\\n\"\n\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\"Language: xx\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\n";

const LONG: &str = "The worker threads each take a job from the channel, run it, and go back to waiting for the next job until the channel closes.";

/// A catalog translating "Title" (src/a.md:1) and [`LONG`] (src/a.md:3).
const IN_STEP: &str = "#: src/a.md:1\nmsgid \"Title\"\nmsgstr \"Titre\"\n\n#: src/a.md:3\nmsgid \"\"\n\"The worker threads each take a job from the channel, run it, and go back to \"\n\"waiting for the next job until the channel closes.\"\nmsgstr \"Les opérateurs prennent une mission.\"\n\n";

/// A template (English catalog) of `(source reference, msgid)` messages;
/// other modules' tests build theirs with it too.
pub(crate) fn template(date: &str, messages: &[(&str, &str)]) -> Catalog {
    let mut metadata = metadata(&new_header("Book", date, "en"), date).unwrap();
    metadata.language = "en".into();
    let mut catalog = Catalog::new(metadata);
    for (source, msgid) in messages {
        catalog.append_or_update(
            Message::build_singular()
                .with_source(source.to_string())
                .with_msgid(msgid.to_string())
                .done(),
        );
    }
    catalog
}

fn merge(template: &Catalog, text: &str) -> Merged {
    let old = parse_po(Path::new("xx.po"), text.as_bytes()).unwrap();
    merge_catalog(template, &old).unwrap()
}

/// Writes `text` to a file and reads it back with the strict reader and
/// polib (what the `gettext` preprocessor uses).
fn read_back(text: &str) -> PoFile {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xx.po");
    std::fs::write(&path, text).unwrap();
    read_po(&path).unwrap()
}

/// One merge: its label, the template's (reference, msgid) messages, the
/// old catalog's entries, a fragment of the merged text, and the summary
/// as (kept, fuzzy, added, dropped). Every merge takes the template's
/// creation date and keeps the rest of the header, reads back with polib
/// (each fuzzy entry translated), and merging again changes nothing.
type Row<'a> = (
    &'a str,
    &'a [(&'a str, &'a str)],
    &'a str,
    &'a str,
    Summary<'a>,
);
type Summary<'a> = (usize, &'a [&'a str], &'a [&'a str], &'a [&'a str]);

#[test]
fn merges_keep_translations_comments_and_previous_msgids() {
    let stop = [("src/a.md:1", "Stop the server cleanly")];
    let edited = LONG.replace("go back to waiting", "then wait");
    let rows: &[Row] = &[
        (
            "an edited message inherits the old translation as fuzzy with the previous msgid",
            &[("src/a.md:1", "Title"), ("src/a.md:4", &edited)],
            IN_STEP,
            "#: src/a.md:4\n#, fuzzy\n#| msgid \"\"\n#| \"The worker threads each take a job from the channel, run it, and go back to \"\n#| \"waiting for the next job until the channel closes.\"\nmsgid \"\"\n",
            (1, &[&edited], &[], &[LONG]),
        ),
        (
            "a fuzzy entry keeps its `#|` previous msgid",
            &[("src/a.md:1", "Hello there")],
            "#: src/a.md:1\n#, fuzzy\n#| msgid \"Hello\"\nmsgid \"Hello there\"\nmsgstr \"Bonjour\"\n\n",
            "#, fuzzy\n#| msgid \"Hello\"\nmsgid \"Hello there\"\nmsgstr \"Bonjour\"\n\n",
            (1, &[], &[], &[]),
        ),
        (
            "clearing the fuzzy flag drops the previous msgid",
            &[("src/a.md:1", "Hello there")],
            "#: src/a.md:1\n#| msgid \"Hello\"\nmsgid \"Hello there\"\nmsgstr \"Bonjour\"\n\n",
            "\"\n\n#: src/a.md:1\nmsgid \"Hello there\"\nmsgstr \"Bonjour\"\n\n",
            (1, &[], &[], &[]),
        ),
        (
            "new messages are added untranslated and removed ones dropped",
            &[("src/a.md:1", "Title"), ("src/b.md:1", "A brand new chapter")],
            "#: src/a.md:1\nmsgid \"Title\"\nmsgstr \"Titre\"\n\n#: src/a.md:9\nmsgid \"Gone for good\"\nmsgstr \"Parti\"\n\n#~ msgid \"Older\"\n#~ msgstr \"Plus vieux\"\n\n",
            "msgstr \"Titre\"\n\n#: src/b.md:1\nmsgid \"A brand new chapter\"\nmsgstr \"\"\n\n",
            (1, &[], &["A brand new chapter"], &["Gone for good", "Older"]),
        ),
        (
            "references come from the template and translator comments stay",
            &[("src/a.md:7", "Title")],
            "# Keep it short.\n#: src/a.md:1\nmsgid \"Title\"\nmsgstr \"Titre\"\n\n",
            "\"\n\n# Keep it short.\n#: src/a.md:7\nmsgid \"Title\"\nmsgstr \"Titre\"\n\n",
            (1, &[], &[], &[]),
        ),
        (
            "an untranslated or distant entry lends nothing",
            &stop,
            "#: src/a.md:1\nmsgid \"Stop the server cleanly now\"\nmsgstr \"\"\n\n#: src/a.md:2\nmsgid \"Something else entirely\"\nmsgstr \"Autre chose\"\n\n",
            "#: src/a.md:1\nmsgid \"Stop the server cleanly\"\nmsgstr \"\"\n\n",
            (0, &[], &["Stop the server cleanly"], &["Stop the server cleanly now", "Something else entirely"]),
        ),
        (
            "an obsolete entry can lend its translation",
            &stop,
            "#~ msgid \"Stop the server cleanly now\"\n#~ msgstr \"Arrêter le serveur proprement\"\n\n",
            "#, fuzzy\n#| msgid \"Stop the server cleanly now\"\nmsgid \"Stop the server cleanly\"\nmsgstr \"Arrêter le serveur proprement\"\n",
            (0, &["Stop the server cleanly"], &[], &["Stop the server cleanly now"]),
        ),
        (
            // Its translation still matches the first English text.
            "a fuzzy entry edited again keeps its first previous msgid",
            &[("src/a.md:1", "Stop the server very cleanly")],
            "#: src/a.md:1\n#, fuzzy\n#| msgid \"Stop the server\"\nmsgid \"Stop the server cleanly\"\nmsgstr \"Arrêter le serveur\"\n\n",
            "#, fuzzy\n#| msgid \"Stop the server\"\nmsgid \"Stop the server very cleanly\"\n",
            (0, &["Stop the server very cleanly"], &[], &["Stop the server cleanly"]),
        ),
    ];
    for (label, messages, body, fragment, (kept, fuzzy, added, dropped)) in rows {
        let template = template("2024-03-03T00:00:00Z", messages);
        let merged = merge(&template, &format!("{HEADER}{body}"));
        for fragment in [
            fragment,
            "\"POT-Creation-Date: 2024-03-03T00:00:00Z\\n\"",
            "\"PO-Revision-Date: 2024-02-02T00:00:00Z\\n\"",
        ] {
            assert!(merged.text.contains(fragment), "{label}:\n{}", merged.text);
        }
        let s = &merged.summary;
        let expected = (*kept, to_vec(fuzzy), to_vec(added), to_vec(dropped));
        let summary = (s.kept, s.fuzzy.clone(), s.added.clone(), s.dropped.clone());
        assert_eq!(summary, expected, "{label}");
        let back = read_back(&merged.text);
        assert_eq!(back.entries.len(), messages.len(), "{label}");
        let carried: Vec<_> = (back.live_entries())
            .filter(|e| fuzzy.contains(&e.msgid.as_str()))
            .collect();
        assert_eq!(carried.len(), fuzzy.len(), "{label}");
        assert!(
            carried.iter().all(|e| e.is_fuzzy() && e.is_translated()),
            "{label}"
        );
        assert_eq!(merge(&template, &merged.text).text, merged.text, "{label}");
    }
}

fn to_vec(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}
