//! A strict reader of gettext PO files that keeps the line of everything.
//!
//! The `gettext` preprocessor reads catalogs with polib 0.2.0, which is
//! lenient: it skips lines it does not know, runs two entries together when
//! the blank line between them is missing, and panics on some broken lines.
//! Its errors name no line. This reader accepts the PO syntax that polib
//! reads correctly and nothing else, so a malformed catalog fails with its
//! file and line; `read_po` then has polib parse the file too and checks
//! that both readers see the same messages.

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

/// One entry of a PO file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoEntry {
    /// First line of the entry (its first comment or keyword).
    pub line: usize,
    /// A `#~` entry: kept by gettext tools when a message left the sources.
    pub obsolete: bool,
    /// Line of the `#, ...` flags, if any.
    pub flags_line: Option<usize>,
    /// The flags (`fuzzy`, `rust-format`, ...).
    pub flags: Vec<String>,
    /// The `#:` references (`src/chapter.md:12`).
    pub references: Vec<String>,
    /// `msgctxt`, if any.
    pub msgctxt: Option<String>,
    /// Line of the `msgid` keyword.
    pub msgid_line: usize,
    /// The message, unescaped.
    pub msgid: String,
    /// `msgid_plural`, if any.
    pub msgid_plural: Option<String>,
    /// Line of the first `msgstr` keyword.
    pub msgstr_line: usize,
    /// The translation (one string per plural form), unescaped.
    pub msgstr: Vec<String>,
    /// The first translation split as written: (PO line, unescaped text).
    pub msgstr_segments: Vec<(usize, String)>,
}

impl PoEntry {
    /// True when the entry carries the `fuzzy` flag.
    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|flag| flag == "fuzzy")
    }

    /// True when every form of the translation is non-empty.
    pub fn is_translated(&self) -> bool {
        !self.msgstr.is_empty() && self.msgstr.iter().all(|form| !form.is_empty())
    }

    /// The PO line of byte `offset` of the first translation.
    pub fn msgstr_line_at(&self, offset: usize) -> usize {
        let mut start = 0;
        for (line, text) in &self.msgstr_segments {
            if offset < start + text.len() {
                return *line;
            }
            start += text.len();
        }
        self.msgstr_segments
            .last()
            .map_or(self.msgstr_line, |(line, _)| *line)
    }
}

/// A parsed PO file: its header fields and its entries.
#[derive(Debug, Clone)]
pub struct PoFile {
    /// The file read.
    pub path: PathBuf,
    /// Header fields (`Language` -> `fr`), in file order.
    pub header: Vec<(String, String)>,
    /// Line of the header entry's `msgid ""`.
    pub header_line: usize,
    /// Every entry after the header, obsolete ones included.
    pub entries: Vec<PoEntry>,
}

impl PoFile {
    /// The value of a header field.
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first line of this file whose content differs from `other`'s,
    /// wrapping aside: the header fields, then each entry's flags,
    /// references, context, message and translation. `None` when both say
    /// the same, however each tool wrapped its lines.
    pub fn content_difference(&self, other: &PoFile) -> Option<usize> {
        if self.header != other.header {
            return Some(self.header_line);
        }
        let key = |e: &PoEntry| {
            (
                e.obsolete,
                e.flags.clone(),
                e.references.clone(),
                e.msgctxt.clone(),
                e.msgid.clone(),
                e.msgid_plural.clone(),
                e.msgstr.clone(),
            )
        };
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

    /// The entries that are not obsolete.
    pub fn live_entries(&self) -> impl Iterator<Item = &PoEntry> {
        self.entries.iter().filter(|entry| !entry.obsolete)
    }
}

/// Reads and validates the PO file at `path`; a malformed file fails with
/// `path:line: what is wrong`. polib, the parser of the `gettext`
/// preprocessor, must then read the same messages.
pub fn read_po(path: &Path) -> Result<PoFile> {
    let bytes = std::fs::read(path).map_err(|error| anyhow!("{}: {error}", path.display()))?;
    let po = parse_po(path, &bytes)?;
    check_with_polib(&po)?;
    Ok(po)
}

/// Parses PO text (without the polib cross-check).
pub fn parse_po(path: &Path, bytes: &[u8]) -> Result<PoFile> {
    let mut parser = Parser::new(path);
    for (index, raw) in bytes.split(|&byte| byte == b'\n').enumerate() {
        let line_number = index + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = std::str::from_utf8(raw).map_err(|error| {
            anyhow!(
                "{}:{line_number}: not UTF-8 (byte {} of the line)",
                path.display(),
                error.valid_up_to() + 1
            )
        })?;
        parser.line(line_number, line)?;
    }
    parser.finish()
}

/// Where the parser is inside the current entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// Comments only so far.
    Comments,
    Msgctxt,
    Msgid,
    MsgidPlural,
    Msgstr(usize),
}

/// The entry being read.
#[derive(Debug, Default)]
struct Draft {
    entry: PoEntry,
    field: Option<Field>,
    has_msgid: bool,
    has_msgstr: bool,
    obsolete_lines: usize,
    live_lines: usize,
}

struct Parser<'a> {
    path: &'a Path,
    draft: Option<Draft>,
    entries: Vec<PoEntry>,
    header: Option<(usize, String)>,
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path) -> Self {
        Self {
            path,
            draft: None,
            entries: Vec::new(),
            header: None,
        }
    }

    fn error(&self, line: usize, message: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("{}:{line}: {message}", self.path.display())
    }

    fn line(&mut self, number: usize, line: &str) -> Result<()> {
        if line.trim().is_empty() {
            if !line.is_empty() {
                return Err(self.error(number, "a blank line must be empty (it holds spaces)"));
            }
            return self.end_entry(number);
        }
        let draft = self.draft.get_or_insert_with(|| Draft {
            entry: PoEntry {
                line: number,
                ..PoEntry::default()
            },
            field: Some(Field::Comments),
            ..Draft::default()
        });
        let (content, obsolete) = match line.strip_prefix("#~") {
            Some(rest) if rest.starts_with('|') => return Ok(()),
            Some(rest) => (rest.strip_prefix(' ').unwrap_or(rest), true),
            None => (line, false),
        };
        if obsolete {
            draft.obsolete_lines += 1;
            draft.entry.obsolete = true;
        } else if !content.starts_with('#') {
            draft.live_lines += 1;
        }
        if draft.obsolete_lines > 0 && draft.live_lines > 0 {
            return Err(self.error(
                number,
                "an entry mixes obsolete `#~` lines and live lines (missing blank line?)",
            ));
        }
        if content.starts_with('#') && !obsolete {
            self.comment(number, content)
        } else if content.starts_with('"') {
            self.continuation(number, content)
        } else {
            self.keyword(number, content)
        }
    }

    fn comment(&mut self, number: usize, line: &str) -> Result<()> {
        let draft = self.draft.as_mut().expect("an entry is open");
        if draft.field != Some(Field::Comments) {
            return Err(self.error(
                number,
                "a comment after msgid/msgstr: entries must be separated by a blank line",
            ));
        }
        if let Some(references) = line.strip_prefix("#:") {
            draft
                .entry
                .references
                .extend(references.split_whitespace().map(str::to_string));
        } else if let Some(flags) = line.strip_prefix("#,") {
            draft.entry.flags_line = Some(number);
            draft.entry.flags.extend(
                flags
                    .split(',')
                    .map(str::trim)
                    .filter(|flag| !flag.is_empty())
                    .map(str::to_string),
            );
        } else if !(line == "#"
            || line.starts_with("# ")
            || line.starts_with("#.")
            || line.starts_with("#|"))
        {
            return Err(self.error(number, format!("unknown comment kind `{line}`")));
        }
        Ok(())
    }

    fn keyword(&mut self, number: usize, line: &str) -> Result<()> {
        let known = |keyword: &str| {
            matches!(keyword, "msgctxt" | "msgid" | "msgid_plural" | "msgstr")
                || keyword
                    .strip_prefix("msgstr[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .is_some_and(|index| index.parse::<usize>().is_ok())
        };
        let Some((keyword, literal)) = line.split_once(' ').filter(|(k, _)| known(k)) else {
            return Err(self.error(number, format!("not a PO line: `{line}`")));
        };
        let field = self
            .draft
            .as_ref()
            .and_then(|draft| draft.field)
            .expect("an open entry has a field");
        let next = match keyword {
            "msgctxt" if field == Field::Comments => Field::Msgctxt,
            "msgid" if matches!(field, Field::Comments | Field::Msgctxt) => Field::Msgid,
            "msgid_plural" if field == Field::Msgid => Field::MsgidPlural,
            "msgstr" if field == Field::Msgid => Field::Msgstr(0),
            _ => {
                match keyword
                    .strip_prefix("msgstr[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .and_then(|index| index.parse::<usize>().ok())
                {
                    Some(0) if field == Field::MsgidPlural => Field::Msgstr(0),
                    Some(index) if index > 0 && field == Field::Msgstr(index - 1) => {
                        Field::Msgstr(index)
                    }
                    Some(index) if index > 9 => {
                        return Err(self.error(number, "polib reads at most msgstr[9]"));
                    }
                    _ if matches!(field, Field::Msgstr(_))
                        && matches!(keyword, "msgid" | "msgctxt") =>
                    {
                        return Err(self.error(
                        number,
                        format!("`{keyword}` after msgstr: entries must be separated by a blank line"),
                    ));
                    }
                    _ => {
                        return Err(self.error(
                            number,
                            format!("unexpected `{keyword}` here (after {field:?})"),
                        ));
                    }
                }
            }
        };
        let text = self.literal(number, literal)?;
        let draft = self.draft.as_mut().expect("an entry is open");
        draft.field = Some(next);
        let entry = &mut draft.entry;
        match next {
            Field::Msgctxt => entry.msgctxt = Some(text),
            Field::Msgid => {
                entry.msgid_line = number;
                entry.msgid = text;
                draft.has_msgid = true;
            }
            Field::MsgidPlural => entry.msgid_plural = Some(text),
            Field::Msgstr(index) => {
                if index == 0 {
                    entry.msgstr_line = number;
                    entry.msgstr_segments.push((number, text.clone()));
                }
                entry.msgstr.push(text);
                draft.has_msgstr = true;
            }
            Field::Comments => unreachable!("a keyword never leads back to comments"),
        }
        Ok(())
    }

    fn continuation(&mut self, number: usize, line: &str) -> Result<()> {
        let text = self.literal(number, line)?;
        let draft = self.draft.as_mut().expect("an entry is open");
        let entry = &mut draft.entry;
        match draft.field {
            Some(Field::Msgctxt) => entry
                .msgctxt
                .get_or_insert_with(String::new)
                .push_str(&text),
            Some(Field::Msgid) => entry.msgid.push_str(&text),
            Some(Field::MsgidPlural) => entry
                .msgid_plural
                .get_or_insert_with(String::new)
                .push_str(&text),
            Some(Field::Msgstr(index)) => {
                if index == 0 {
                    entry.msgstr_segments.push((number, text.clone()));
                }
                entry.msgstr[index].push_str(&text);
            }
            _ => return Err(self.error(number, "a string line outside msgid/msgstr")),
        }
        Ok(())
    }

    /// Unescapes a `"..."` literal that must fill the rest of the line.
    fn literal(&self, number: usize, literal: &str) -> Result<String> {
        let Some(inner) = literal
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        else {
            return Err(self.error(
                number,
                format!("expected a string in double quotes, found `{literal}`"),
            ));
        };
        let mut text = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('r') => text.push('\r'),
                    Some('"') => text.push('"'),
                    Some('\\') => text.push('\\'),
                    Some(other) => {
                        return Err(self.error(number, format!("unknown escape `\\{other}`")))
                    }
                    None => return Err(self.error(number, "the string ends with a lone `\\`")),
                },
                '"' => {
                    return Err(
                        self.error(number, "an unescaped `\"` inside the string (write `\\\"`)")
                    )
                }
                c => text.push(c),
            }
        }
        Ok(text)
    }

    fn end_entry(&mut self, number: usize) -> Result<()> {
        let Some(draft) = self.draft.take() else {
            return Ok(());
        };
        let line = draft.entry.line;
        if !draft.has_msgid {
            if draft.entry.obsolete
                || draft.entry.flags_line.is_some()
                || draft.field == Some(Field::Msgctxt)
            {
                return Err(self.error(line, "an entry without msgid"));
            }
            // A block of comments only (a file comment): polib would turn it
            // into an empty message.
            return Err(self.error(line, "comments that belong to no entry"));
        }
        if !draft.has_msgstr {
            return Err(self.error(
                draft.entry.msgid_line,
                "msgid without msgstr before the blank line",
            ));
        }
        let _ = number;
        let entry = draft.entry;
        if self.header.is_none() && self.entries.is_empty() {
            if entry.msgid.is_empty() && entry.msgctxt.is_none() && !entry.obsolete {
                self.header = Some((entry.msgid_line, entry.msgstr.concat()));
                return Ok(());
            }
            return Err(self.error(
                entry.msgid_line,
                "the first entry must be the header (`msgid \"\"` with the metadata)",
            ));
        }
        if entry.msgid.is_empty() && !entry.obsolete {
            return Err(self.error(entry.msgid_line, "an empty msgid after the header"));
        }
        self.entries.push(entry);
        Ok(())
    }

    fn finish(mut self) -> Result<PoFile> {
        self.end_entry(0)?;
        let Some((header_line, header_text)) = self.header.take() else {
            return Err(self.error(1, "no header entry (`msgid \"\"`)"));
        };
        let header = parse_header(self.path, header_line, &header_text)?;
        let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
        for entry in self.entries.iter().filter(|entry| !entry.obsolete) {
            let key = (entry.msgctxt.as_deref(), entry.msgid.as_str());
            if let Some(first) = seen.insert(key, entry.msgid_line) {
                bail!(
                    "{}:{}: duplicate msgid (first at line {first}): {:?}",
                    self.path.display(),
                    entry.msgid_line,
                    entry.msgid
                );
            }
        }
        Ok(PoFile {
            path: self.path.to_path_buf(),
            header,
            header_line,
            entries: self.entries,
        })
    }
}

/// Splits the header into fields; every field polib needs must be there.
fn parse_header(path: &Path, line: usize, text: &str) -> Result<Vec<(String, String)>> {
    let mut fields = Vec::new();
    for field in text.lines().filter(|field| !field.is_empty()) {
        let Some((key, value)) = field.split_once(':') else {
            bail!(
                "{}:{line}: header line without `:`: {field:?}",
                path.display()
            );
        };
        fields.push((key.trim().to_string(), value.trim().to_string()));
    }
    for required in REQUIRED_HEADER_FIELDS {
        if !fields.iter().any(|(key, _)| key == required) {
            bail!(
                "{}:{line}: the header has no `{required}` field",
                path.display()
            );
        }
    }
    Ok(fields)
}

/// Has polib (the parser of the `gettext` preprocessor) read the file and
/// checks it sees exactly the live messages this reader saw.
fn check_with_polib(po: &PoFile) -> Result<()> {
    let path = po.path.clone();
    let parsed = std::panic::catch_unwind(|| polib::po_file::parse(&path));
    let catalog = match parsed {
        Ok(Ok(catalog)) => catalog,
        Ok(Err(error)) => bail!("{}: polib cannot read it: {error}", po.path.display()),
        Err(_) => bail!("{}: polib panicked while reading it", po.path.display()),
    };
    let live: Vec<&PoEntry> = po.live_entries().collect();
    if catalog.count() != live.len() {
        bail!(
            "{}: polib reads {} messages, the file has {} entries",
            po.path.display(),
            catalog.count(),
            live.len()
        );
    }
    for entry in live {
        let found = catalog.find_message(entry.msgctxt.as_deref(), &entry.msgid, None);
        let same = found.is_some_and(|message| {
            message.msgstr().ok() == entry.msgstr.first().map(String::as_str)
                && message.is_fuzzy() == entry.is_fuzzy()
        });
        if !same {
            bail!(
                "{}:{}: polib does not read this entry as written",
                po.path.display(),
                entry.msgid_line
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: x\\n\"\n\"POT-Creation-Date: \\n\"\n\"PO-Revision-Date: \\n\"\n\"Language-Team: \\n\"\n\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\"Language: xx\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n";

    fn parse(body: &str) -> Result<PoFile> {
        parse_po(Path::new("t.po"), format!("{HEADER}\n{body}").as_bytes())
    }

    #[test]
    fn reads_entries_with_their_lines() {
        let po = parse("#: src/a.md:3\n#, fuzzy\nmsgid \"\"\n\"Hello \"\n\"world\"\nmsgstr \"Bonjour \"\n\"monde\"\n").unwrap();
        assert_eq!(po.header_field("Language"), Some("xx"));
        let entry = &po.entries[0];
        assert_eq!(entry.line, 13);
        assert_eq!(entry.msgid, "Hello world");
        assert_eq!(entry.msgid_line, 15);
        assert_eq!(entry.msgstr, ["Bonjour monde"]);
        assert_eq!(entry.msgstr_line, 18);
        assert_eq!(entry.references, ["src/a.md:3"]);
        assert!(entry.is_fuzzy());
        assert_eq!(entry.msgstr_line_at(0), 18);
        assert_eq!(entry.msgstr_line_at(9), 19);
    }

    #[test]
    fn reads_obsolete_entries() {
        let po = parse("#~ msgid \"Old\"\n#~ msgstr \"Vieux\"\n").unwrap();
        assert!(po.entries[0].obsolete);
        assert_eq!(po.entries[0].msgid, "Old");
        assert_eq!(po.live_entries().count(), 0);
    }

    #[test]
    fn malformed_lines_are_named_by_line() {
        for (body, line, what) in [
            ("msgid \"a\"\nmsgstr \"b\n", 14, "double quotes"),
            ("msgid \"a\"\nmsgstr \"b\\q\"\n", 14, "unknown escape"),
            ("msgid \"a\"\n", 13, "without msgstr"),
            (
                "msgid \"a\"\nmsgstr \"b\"\nmsgid \"c\"\nmsgstr \"d\"\n",
                15,
                "blank line",
            ),
            (
                "msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n",
                16,
                "duplicate",
            ),
            ("  msgid \"a\"\nmsgstr \"b\"\n", 13, "not a PO line"),
            ("msgid \"a\" x\nmsgstr \"b\"\n", 13, "double quotes"),
        ] {
            let error = parse(body).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("t.po:{line}: ")),
                "{body:?}: {error}"
            );
            assert!(error.contains(what), "{body:?}: {error}");
        }
    }

    #[test]
    fn a_header_without_a_required_field_is_an_error() {
        let text = HEADER.replace("\"Language-Team: \\n\"\n", "");
        let error = parse_po(Path::new("t.po"), text.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("t.po:1: the header has no `Language-Team`"),
            "{error}"
        );
    }

    #[test]
    fn invalid_utf8_is_named_by_line() {
        let mut bytes = format!("{HEADER}\nmsgid \"a\"\nmsgstr \"").into_bytes();
        bytes.extend_from_slice(b"\xe9\"\n");
        let error = parse_po(Path::new("t.po"), &bytes).unwrap_err().to_string();
        assert!(error.starts_with("t.po:14: not UTF-8"), "{error}");
    }
}
