//! A strict PO reader that keeps the line of everything. polib 0.2.0 (the
//! `gettext` preprocessor's parser) skips unknown lines, glues two entries
//! missing their blank line, panics on some broken lines and names no
//! line: this reader accepts only what polib reads correctly, failing with
//! file and line, then checks that polib reads the same messages.

use anyhow::{anyhow, bail, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Header fields polib 0.2.0 requires (it panics when one is missing).
const REQUIRED_HEADER_FIELDS: [&str; 9] = [
    "Project-Id-Version",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Language-Team",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Language",
    "Plural-Forms",
];

/// One entry of a PO file, with the line of each part; texts unescaped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoEntry {
    /// First line of the entry (its first comment or keyword).
    pub line: usize,
    /// A `#~` entry.
    pub obsolete: bool,
    pub flags_line: Option<usize>,
    pub flags: Vec<String>,
    /// The `#:` references (`src/chapter.md:12`).
    pub references: Vec<String>,
    /// The translator comments (`# ...`) and previous msgid (`#| ...`) lines
    /// as written, which polib drops.
    pub comments: Vec<String>,
    pub msgctxt: Option<String>,
    pub msgid_line: usize,
    pub msgid: String,
    pub msgid_plural: Option<String>,
    pub msgstr_line: usize,
    /// One string per plural form.
    pub msgstr: Vec<String>,
    /// The first translation split as written: (PO line, unescaped text).
    pub msgstr_segments: Vec<(usize, String)>,
}

impl PoEntry {
    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|flag| flag == "fuzzy")
    }

    pub fn is_translated(&self) -> bool {
        !self.msgstr.is_empty() && self.msgstr.iter().all(|form| !form.is_empty())
    }

    /// The PO line of byte `offset` of the first translation.
    pub fn msgstr_line_at(&self, offset: usize) -> usize {
        let mut start = 0;
        for (line, text) in &self.msgstr_segments {
            start += text.len();
            if offset < start {
                return *line;
            }
        }
        self.msgstr_segments
            .last()
            .map_or(self.msgstr_line, |(line, _)| *line)
    }
}

#[derive(Debug, Clone)]
pub struct PoFile {
    pub path: PathBuf,
    /// Header fields (`Language` -> `fr`), in file order.
    pub header: Vec<(String, String)>,
    pub header_line: usize,
    /// Every entry after the header, obsolete ones included.
    pub entries: Vec<PoEntry>,
}

impl PoFile {
    pub fn header_field(&self, name: &str) -> Option<&str> {
        let mut fields = self.header.iter();
        fields.find(|(key, _)| key == name).map(|(_, v)| v.as_str())
    }

    /// The first line of this file whose content differs from `other`'s,
    /// however each tool wrapped its lines.
    pub fn content_difference(&self, other: &PoFile) -> Option<usize> {
        if self.header != other.header {
            return Some(self.header_line);
        }
        fn key(e: &PoEntry) -> impl PartialEq + '_ {
            let texts = (&e.msgctxt, &e.msgid, &e.msgid_plural, &e.msgstr);
            (e.obsolete, &e.flags, &e.references, texts)
        }
        let mut pairs = self.entries.iter().zip(&other.entries);
        match pairs.find(|(a, b)| key(a) != key(b)) {
            Some((entry, _)) => Some(entry.line),
            None if self.entries.len() == other.entries.len() => None,
            None => Some(
                self.entries
                    .get(other.entries.len())
                    .map_or(usize::MAX, |e| e.line),
            ),
        }
    }

    pub fn live_entries(&self) -> impl Iterator<Item = &PoEntry> {
        self.entries.iter().filter(|entry| !entry.obsolete)
    }
}

/// Reads the PO file at `path`, strictly, then checks polib reads the same.
pub fn read_po(path: &Path) -> Result<PoFile> {
    let bytes = std::fs::read(path).map_err(|error| anyhow!("{}: {error}", path.display()))?;
    let po = parse_po(path, &bytes)?;
    check_with_polib(&po)?;
    Ok(po)
}

pub fn parse_po(path: &Path, bytes: &[u8]) -> Result<PoFile> {
    let error = |line: usize, what: &str| anyhow!("{}:{line}: {what}", path.display());
    let mut entries = Vec::new();
    // The entry being read, the field of its last line, whether it has
    // live keyword lines.
    let mut draft: Option<(PoEntry, Field, bool)> = None;
    // A last blank line ends the last entry.
    let lines = bytes.split(|&byte| byte == b'\n').chain([&b""[..]]);
    for (index, raw) in lines.enumerate() {
        let number = index + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = std::str::from_utf8(raw).map_err(|e| {
            let byte = e.valid_up_to() + 1;
            error(number, &format!("not UTF-8 (byte {byte} of the line)"))
        })?;
        if line.is_empty() {
            if let Some((entry, field, _)) = draft.take() {
                end_entry(entry, field, &mut entries).map_err(|(line, what)| error(line, what))?;
            }
            continue;
        }
        if line.trim().is_empty() {
            bail!(error(
                number,
                "a blank line must be empty (it holds spaces)"
            ));
        }
        let (entry, field, live) = draft.get_or_insert_with(|| {
            let entry = PoEntry {
                line: number,
                ..PoEntry::default()
            };
            (entry, Field::Comments, false)
        });
        let (content, obsolete) = match line.strip_prefix("#~") {
            Some(rest) if rest.starts_with('|') => continue,
            Some(rest) => (rest.strip_prefix(' ').unwrap_or(rest), true),
            None => (line, false),
        };
        let is_comment = content.starts_with('#') && !obsolete;
        entry.obsolete |= obsolete;
        *live |= !obsolete && !is_comment;
        if entry.obsolete && *live {
            let what = "an entry mixes obsolete `#~` lines and live lines (missing blank line?)";
            bail!(error(number, what));
        }
        if is_comment && *field != Field::Comments {
            let what = "a comment after msgid/msgstr: entries must be separated by a blank line";
            bail!(error(number, what));
        }
        if is_comment {
            comment(entry, number, content).map_err(|what| error(number, &what))?;
            continue;
        }
        let (next, literal, opens) = if content.starts_with('"') {
            if *field == Field::Comments {
                bail!(error(number, "a string line outside msgid/msgstr"));
            }
            (*field, content, false)
        } else {
            let (next, literal) = keyword(content, *field).map_err(|what| error(number, &what))?;
            (next, literal, true)
        };
        let text = unquote(literal).map_err(|what| error(number, &what))?;
        *field = next;
        match (opens, next) {
            (true, Field::Msgid) => entry.msgid_line = number,
            (true, Field::Msgstr(index)) => {
                entry.msgstr.push(String::new());
                if index == 0 {
                    entry.msgstr_line = number;
                }
            }
            _ => {}
        }
        let target = match next {
            Field::Msgctxt => entry.msgctxt.get_or_insert_with(String::new),
            Field::Msgid => &mut entry.msgid,
            Field::MsgidPlural => entry.msgid_plural.get_or_insert_with(String::new),
            Field::Msgstr(index) => &mut entry.msgstr[index],
            Field::Comments => unreachable!("a string line belongs to a keyword"),
        };
        target.push_str(&text);
        if next == Field::Msgstr(0) {
            entry.msgstr_segments.push((number, text));
        }
    }
    finish(path, entries)
}

/// Where the parser is inside the current entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Comments,
    Msgctxt,
    Msgid,
    MsgidPlural,
    Msgstr(usize),
}

fn comment(entry: &mut PoEntry, number: usize, line: &str) -> Result<(), String> {
    if let Some(references) = line.strip_prefix("#:") {
        let references = references.split_whitespace().map(str::to_string);
        entry.references.extend(references);
    } else if let Some(flags) = line.strip_prefix("#,") {
        entry.flags_line = Some(number);
        let flags = flags.split(',').map(str::trim).filter(|f| !f.is_empty());
        entry.flags.extend(flags.map(str::to_string));
    } else if line == "#" || ["# ", "#|"].iter().any(|k| line.starts_with(k)) {
        entry.comments.push(line.to_string());
    } else if !line.starts_with("#.") {
        return Err(format!("unknown comment kind `{line}`"));
    }
    Ok(())
}

/// The field a keyword line opens after `field`, and its string.
fn keyword(line: &str, field: Field) -> Result<(Field, &str), String> {
    let Some((keyword, literal)) = line.split_once(' ') else {
        return Err(format!("not a PO line: `{line}`"));
    };
    let index = (keyword.strip_prefix("msgstr["))
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|index| index.parse::<usize>().ok());
    let next = match (keyword, index, field) {
        (_, Some(index), _) if index > 9 => return Err("polib reads at most msgstr[9]".into()),
        ("msgctxt", _, Field::Comments) => Field::Msgctxt,
        ("msgid", _, Field::Comments | Field::Msgctxt) => Field::Msgid,
        ("msgid_plural", _, Field::Msgid) => Field::MsgidPlural,
        ("msgstr", _, Field::Msgid) | (_, Some(0), Field::MsgidPlural) => Field::Msgstr(0),
        (_, Some(index), Field::Msgstr(previous)) if index == previous + 1 => Field::Msgstr(index),
        ("msgid" | "msgctxt", _, Field::Msgstr(_)) => {
            return Err(format!(
                "`{keyword}` after msgstr: entries must be separated by a blank line"
            ))
        }
        ("msgctxt" | "msgid" | "msgid_plural" | "msgstr", _, _) | (_, Some(_), _) => {
            return Err(format!("unexpected `{keyword}` here (after {field:?})"))
        }
        _ => return Err(format!("not a PO line: `{line}`")),
    };
    Ok((next, literal))
}

/// Unescapes a `"..."` literal that must fill the rest of the line.
fn unquote(literal: &str) -> Result<String, String> {
    let Some(inner) = (literal.strip_prefix('"')).and_then(|rest| rest.strip_suffix('"')) else {
        return Err(format!(
            "expected a string in double quotes, found `{literal}`"
        ));
    };
    let mut text = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        text.push(match c {
            '"' => return Err("an unescaped `\"` inside the string (write `\\\"`)".into()),
            '\\' => match chars.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some(c @ ('"' | '\\')) => c,
                Some(other) => return Err(format!("unknown escape `\\{other}`")),
                None => return Err("the string ends with a lone `\\`".into()),
            },
            c => c,
        });
    }
    Ok(text)
}

/// Ends an entry at its blank line, or says (line, what) is wrong with it.
fn end_entry(
    entry: PoEntry,
    field: Field,
    entries: &mut Vec<PoEntry>,
) -> Result<(), (usize, &'static str)> {
    let what = match field {
        // A block of comments only (a file comment): polib would turn it
        // into an empty message.
        Field::Comments if !entry.obsolete && entry.flags_line.is_none() => {
            "comments that belong to no entry"
        }
        Field::Comments | Field::Msgctxt => "an entry without msgid",
        Field::Msgid | Field::MsgidPlural => {
            return Err((
                entry.msgid_line,
                "msgid without msgstr before the blank line",
            ))
        }
        Field::Msgstr(_) => {
            let live_empty = entry.msgid.is_empty() && !entry.obsolete;
            if entries.is_empty() && !(live_empty && entry.msgctxt.is_none()) {
                let what = "the first entry must be the header (`msgid \"\"` with the metadata)";
                return Err((entry.msgid_line, what));
            }
            if !entries.is_empty() && live_empty {
                return Err((entry.msgid_line, "an empty msgid after the header"));
            }
            entries.push(entry);
            return Ok(());
        }
    };
    Err((entry.line, what))
}

/// The file of `entries`, the header first, with its fields checked and no
/// msgid twice.
fn finish(path: &Path, entries: Vec<PoEntry>) -> Result<PoFile> {
    let mut entries = entries.into_iter();
    let Some(header_entry) = entries.next() else {
        bail!("{}:1: no header entry (`msgid \"\"`)", path.display());
    };
    let header_line = header_entry.msgid_line;
    let error = |what: String| anyhow!("{}:{header_line}: {what}", path.display());
    let mut header = Vec::new();
    for field in header_entry
        .msgstr
        .concat()
        .lines()
        .filter(|f| !f.is_empty())
    {
        let (key, value) = (field.split_once(':'))
            .ok_or_else(|| error(format!("header line without `:`: {field:?}")))?;
        header.push((key.trim().to_string(), value.trim().to_string()));
    }
    if let Some(missing) = REQUIRED_HEADER_FIELDS
        .iter()
        .find(|required| !header.iter().any(|(key, _)| key == *required))
    {
        return Err(error(format!("the header has no `{missing}` field")));
    }
    let po = PoFile {
        path: path.to_path_buf(),
        header,
        header_line,
        entries: entries.collect(),
    };
    let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for entry in po.live_entries() {
        let key = (entry.msgctxt.as_deref(), entry.msgid.as_str());
        if let Some(first) = seen.insert(key, entry.msgid_line) {
            let (line, msgid) = (entry.msgid_line, &entry.msgid);
            bail!(
                "{}:{line}: duplicate msgid (first at line {first}): {msgid:?}",
                path.display()
            );
        }
    }
    Ok(po)
}

fn check_with_polib(po: &PoFile) -> Result<()> {
    let path = po.path.display();
    let catalog = match std::panic::catch_unwind(|| polib::po_file::parse(&po.path)) {
        Ok(Ok(catalog)) => catalog,
        Ok(Err(error)) => bail!("{path}: polib cannot read it: {error}"),
        Err(_) => bail!("{path}: polib panicked while reading it"),
    };
    let live: Vec<&PoEntry> = po.live_entries().collect();
    if catalog.count() != live.len() {
        let (read, written) = (catalog.count(), live.len());
        bail!("{path}: polib reads {read} messages, the file has {written} entries");
    }
    for entry in live {
        let found = catalog.find_message(entry.msgctxt.as_deref(), &entry.msgid, None);
        let same = found.is_some_and(|message| {
            message.msgstr().ok() == entry.msgstr.first().map(String::as_str)
                && message.is_fuzzy() == entry.is_fuzzy()
        });
        if !same {
            let line = entry.msgid_line;
            bail!("{path}:{line}: polib does not read this entry as written");
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The header polib requires, ending at line 11; other tests use it.
    pub(crate) const HEADER: &str = "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"POT-Creation-Date: \\n\"\n\"PO-Revision-Date: \\n\"\n\"Language-Team: \\n\"\n\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\"Language: xx\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n";

    fn parse(body: &str) -> Result<PoFile> {
        parse_po(Path::new("t.po"), format!("{HEADER}\n{body}").as_bytes())
    }

    #[test]
    fn reads_entries_with_their_lines() {
        let po = parse("#: src/a.md:3\n#, fuzzy\nmsgid \"\"\n\"Hello \"\n\"world\"\nmsgstr \"Bonjour \"\n\"monde\"\n\n#~ msgid \"Old\"\n#~ msgstr \"Vieux\"\n").unwrap();
        assert_eq!(po.header_field("Language"), Some("xx"));
        let entry = &po.entries[0];
        assert_eq!(
            (entry.line, entry.msgid_line, entry.msgstr_line),
            (13, 15, 18)
        );
        assert_eq!(
            (entry.msgid.as_str(), &entry.msgstr[..]),
            ("Hello world", &["Bonjour monde".to_string()][..])
        );
        assert_eq!(entry.references, ["src/a.md:3"]);
        assert!(entry.is_fuzzy());
        assert_eq!((entry.msgstr_line_at(0), entry.msgstr_line_at(9)), (18, 19));
        assert!(po.entries[1].obsolete && po.entries[1].msgid == "Old");
        assert_eq!(po.live_entries().count(), 1);
    }

    #[test]
    fn malformed_input_is_named_by_line() {
        let with_header = |body: &str| format!("{HEADER}\n{body}").into_bytes();
        let no_team = HEADER.replace("\"Language-Team: \\n\"\n", "").into_bytes();
        let not_utf8 = [with_header("msgid \"a\"\nmsgstr \""), b"\xe9\"\n".to_vec()].concat();
        for (bytes, line, what) in [
            (
                with_header("msgid \"a\"\nmsgstr \"b\\q\"\n"),
                14,
                "unknown escape",
            ),
            (with_header("msgid \"a\"\n"), 13, "without msgstr"),
            (
                with_header("msgid \"a\"\nmsgstr \"b\"\nmsgid \"c\"\nmsgstr \"d\"\n"),
                15,
                "blank line",
            ),
            // Real entries start with their `#:` reference.
            (
                with_header(
                    "msgid \"a\"\nmsgstr \"b\"\n#: src/a.md:1\nmsgid \"c\"\nmsgstr \"d\"\n",
                ),
                15,
                "a comment after msgid/msgstr: entries must be separated by a blank line",
            ),
            (
                with_header("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n"),
                16,
                "duplicate",
            ),
            (
                with_header("  msgid \"a\"\nmsgstr \"b\"\n"),
                13,
                "not a PO line",
            ),
            (
                with_header("msgid \"a\" x\nmsgstr \"b\"\n"),
                13,
                "double quotes",
            ),
            (
                with_header("msgid \"a\"\nmsgstr \"unterminated\n"),
                14,
                "double quotes",
            ),
            (no_team, 1, "the header has no `Language-Team`"),
            (not_utf8, 14, "not UTF-8"),
        ] {
            let error = parse_po(Path::new("t.po"), &bytes).unwrap_err().to_string();
            let shown = String::from_utf8_lossy(&bytes);
            assert!(
                error.starts_with(&format!("t.po:{line}: ")),
                "{shown}: {error}"
            );
            assert!(error.contains(what), "{shown}: {error}");
        }
    }
}
