//! The code names of the prose: every inline code span of a chapter that
//! names an item of the project must name one the listings of its own
//! language declare, and a translated chapter holds no English name of
//! the glossary.
//!
//! What the check reads in a code span:
//!
//! - a span holding a `/`, or the name of a file of a listing tree
//!   (`hello.html`), is a path, not code: skipped;
//! - every identifier of any other span is looked at for English names: in
//!   a translated language, a key of the glossary's `[code]` whose name
//!   changes (`ThreadPool`, `workers`) is an error, unless the listings of
//!   the language declare that name too, or it is a std homonym (`thread`)
//!   next to `::` or in a `use` span, where it names the std module
//!   (`Option<thread::JoinHandle<()>>`);
//! - a *name span* is identifiers joined by `::` or `.`, optionally ending
//!   in `()` or `!` (`Worker::new`, `Message::Terminate`, `workers`,
//!   `self.workers`); leading `self`, `Self`, `crate`, `super` are dropped.
//!   It names a project item when its first identifier is a *project name*:
//!   a name some language's listings declare, or a key or value of a
//!   glossary (a std homonym followed by `::` is the std module, not a
//!   project name). Such a span must resolve in the language's listings:
//!   its first name is declared there, a name after `Type::` is a member of
//!   that type (field, variant, associated item), and any other project
//!   name in it is declared there. Spans of std names only (`Drop`,
//!   `Option`, `take`, `Some`, `Vec::new`, `&mut`, `if let`) are not
//!   project items and pass.

use super::declarations::Declarations;
use super::markdown::blocks;
use super::po_locator::PoLocator;
use super::problem::{Check, Location, Problem};
use crate::book::RenderedChapter;
use crate::i18n::glossary::{is_identifier, Glossary};
use std::collections::BTreeSet;
use std::path::Path;

/// Segments that only say where a path starts.
const PATH_HEADS: &[&str] = &["self", "Self", "crate", "super"];

/// Every name that belongs to the project in some language.
#[derive(Debug, Clone, Default)]
pub struct ProjectNames {
    names: BTreeSet<String>,
    std_homonyms: BTreeSet<String>,
}

impl ProjectNames {
    /// The names declared by the listings of every language and the names
    /// of every glossary.
    pub fn new<'a>(
        declarations: impl IntoIterator<Item = &'a Declarations>,
        glossaries: impl IntoIterator<Item = &'a Glossary>,
    ) -> Self {
        let mut project = Self::default();
        for declared in declarations {
            project.names.extend(declared.names.iter().cloned());
        }
        for glossary in glossaries {
            for (english, translated) in glossary.pairs() {
                project.names.insert(english.to_string());
                project.names.insert(translated.to_string());
                if glossary.is_std_homonym(english) {
                    project.std_homonyms.insert(english.to_string());
                }
            }
        }
        project
    }

    /// True when `name` names a project item where it stands: a std
    /// homonym next to `::` names the std module.
    fn is_project(&self, name: &str, next_to_path: bool) -> bool {
        self.names.contains(name) && !(next_to_path && self.std_homonyms.contains(name))
    }
}

/// What one language's prose is checked against.
pub struct LanguageNames<'a> {
    /// The language.
    pub language: &'a str,
    /// Its glossary (identity for the source language).
    pub glossary: &'a Glossary,
    /// What its listings declare.
    pub declarations: &'a Declarations,
    /// The names of the files of every listing tree (`hello.html`).
    pub file_names: &'a BTreeSet<String>,
    /// The names of every language.
    pub project: &'a ProjectNames,
}

impl LanguageNames<'_> {
    /// What is wrong with the code span `code`, if anything.
    pub fn check_span(&self, code: &str) -> Option<String> {
        let code = code.trim();
        if code.contains('/') || self.file_names.contains(code) {
            return None;
        }
        if let Some(problem) = self.english_name(code) {
            return Some(problem);
        }
        let segments = name_path(code)?;
        self.resolve(code, &segments)
    }

    /// An English name of the glossary in a span of a translated language.
    fn english_name(&self, code: &str) -> Option<String> {
        let in_use = code.starts_with("use ");
        for ident in identifiers(code) {
            let translated = self.glossary.translate(ident.name);
            if translated == ident.name || self.declarations.declares(ident.name) {
                continue;
            }
            if self.glossary.is_std_homonym(ident.name) && (ident.next_to_path || in_use) {
                continue;
            }
            return Some(format!(
                "English name `{}` in the code span `{code}`: the `{}` name is `{translated}`",
                ident.name, self.language
            ));
        }
        None
    }

    /// Resolves a name span in the language's listings.
    fn resolve(&self, code: &str, segments: &[Segment]) -> Option<String> {
        let start = segments
            .iter()
            .position(|segment| !PATH_HEADS.contains(&segment.name))?;
        let segments = &segments[start..];
        let first = &segments[0];
        let followed_by_path = segments.get(1).is_some_and(|next| next.after_path);
        if !self.project.is_project(first.name, followed_by_path) {
            return None;
        }
        let language = self.language;
        if !self.declarations.declares(first.name) {
            return Some(format!(
                "the code span `{code}` names `{}`, which the `{language}` listings do not declare",
                first.name
            ));
        }
        for pair in segments.windows(2) {
            let (owner, segment) = (&pair[0], &pair[1]);
            let members = self.declarations.members_of(owner.name);
            match members {
                Some(members) if segment.after_path => {
                    if !members.contains(segment.name) {
                        return Some(format!(
                            "the code span `{code}`: the `{language}` listings declare no `{}` in `{}`",
                            segment.name, owner.name
                        ));
                    }
                }
                _ => {
                    if self.project.is_project(segment.name, false)
                        && !self.declarations.declares(segment.name)
                    {
                        return Some(format!(
                            "the code span `{code}` names `{}`, which the `{language}` listings do not declare",
                            segment.name
                        ));
                    }
                }
            }
        }
        None
    }
}

/// The problems of the code spans of one chapter of `names.language`.
///
/// A chapter of the source language is its own file: a problem names its
/// line. A translated chapter is rebuilt by `gettext` from the catalog:
/// `locator` finds the PO entry of the span's block, and the problem names
/// the line of the span in its msgstr (or the msgid line when the message
/// is not translated), with the English source line of the message.
pub fn chapter_problems(
    root: &Path,
    names: &LanguageNames,
    chapter: &RenderedChapter,
    locator: Option<&PoLocator>,
) -> Vec<Problem> {
    let chapter_file = root.join(&chapter.source_path);
    let chapter_name = chapter.source_path.to_str().unwrap_or_default();
    let mut problems = Vec::new();
    for block in blocks(&chapter.content) {
        for span in &block.code_spans {
            let Some(message) = names.check_span(&span.code) else {
                continue;
            };
            let (location, english, message) = match locator {
                None => (Location::at(&chapter_file, span.line), None, message),
                Some(locator) => {
                    let needle = format!("`{}`", span.code);
                    match locator.locate(&block.text, Some(&needle), chapter_name) {
                        Some(origin) => (
                            origin.location,
                            origin.english.map(|english| Location {
                                file: root.join(english.file),
                                line: english.line,
                            }),
                            if origin.untranslated {
                                format!("{message} (the message is not translated)")
                            } else {
                                message
                            },
                        ),
                        None => (
                            Location::file(&chapter_file),
                            None,
                            format!(
                                "{message} (line {} of the rendered `{}` chapter; \
                                 no catalog entry gives it)",
                                span.line, names.language
                            ),
                        ),
                    }
                }
            };
            problems.push(Problem {
                check: Check::CodeNames,
                language: names.language.to_string(),
                location,
                english,
                message,
            });
        }
    }
    problems
}

/// An identifier of a code span.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ident<'a> {
    name: &'a str,
    /// Preceded or followed by `::` (spaces aside).
    next_to_path: bool,
}

/// The identifiers of a code span, outside string and char literals.
fn identifiers(code: &str) -> Vec<Ident<'_>> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'"' {
            index += 1;
            while index < bytes.len() && bytes[index] != b'"' {
                index += if bytes[index] == b'\\' { 2 } else { 1 };
            }
            index += 1;
        } else if byte == b'_' || byte.is_ascii_alphabetic() {
            let start = index;
            while index < bytes.len()
                && (bytes[index] == b'_' || bytes[index].is_ascii_alphanumeric())
            {
                index += 1;
            }
            let before = code[..start].trim_end();
            let after = code[index..].trim_start();
            found.push(Ident {
                name: &code[start..index],
                next_to_path: before.ends_with("::") || after.starts_with("::"),
            });
        } else if byte.is_ascii_digit() {
            // A number (`0..size`, `1u8`): its letters are no identifier.
            while index < bytes.len()
                && (bytes[index] == b'_' || bytes[index].is_ascii_alphanumeric())
            {
                index += 1;
            }
        } else {
            index += 1;
        }
    }
    found
}

/// One segment of a name span.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment<'a> {
    name: &'a str,
    /// Comes after `::` (rather than after `.` or first).
    after_path: bool,
}

/// The segments of a name span (`a::b.c()`), or `None` for other code.
fn name_path(code: &str) -> Option<Vec<Segment<'_>>> {
    let body = code
        .strip_suffix("()")
        .or_else(|| code.strip_suffix('!'))
        .unwrap_or(code);
    let mut segments = Vec::new();
    let mut rest = body;
    let mut after_path = false;
    loop {
        let end = rest.find([':', '.']).unwrap_or(rest.len());
        let name = &rest[..end];
        if !is_identifier(name) {
            return None;
        }
        segments.push(Segment { name, after_path });
        rest = &rest[end..];
        if rest.is_empty() {
            return Some(segments);
        }
        if let Some(next) = rest.strip_prefix("::") {
            after_path = true;
            rest = next;
        } else if let Some(next) = rest.strip_prefix('.') {
            after_path = false;
            rest = next;
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    struct Fixture {
        english: Declarations,
        translated: Declarations,
        identity: Glossary,
        glossary: Glossary,
        files: BTreeSet<String>,
        project: ProjectNames,
    }

    fn fixture() -> Fixture {
        let english = Declarations::of_source(
            "struct Worker { thread: u8 } impl Worker { fn new() {} }\n\
             enum Message { Terminate }\nstruct ThreadPool { workers: u8 }\n\
             impl Drop for ThreadPool { fn drop(&mut self) { for worker in x {} } }",
        )
        .unwrap();
        let translated = Declarations::of_source(
            "struct Operateur { tache: u8 } impl Operateur { fn new() {} }\n\
             enum Message { Extinction }\nstruct GroupeTaches { operateurs: u8 }\n\
             impl Drop for GroupeTaches { fn drop(&mut self) { for operateur in x {} } }",
        )
        .unwrap();
        let glossary = Glossary::parse(
            Path::new("g.toml"),
            "[xx]\nstd-homonyms = [\"thread\"]\n[xx.code]\nWorker = \"Operateur\"\nTerminate = \"Extinction\"\nThreadPool = \"GroupeTaches\"\n\
             workers = \"operateurs\"\nworker = \"operateur\"\nthread = \"tache\"\n",
            "xx",
        )
        .unwrap();
        let identity = Glossary::identity("en");
        let project = ProjectNames::new([&english, &translated], [&identity, &glossary]);
        Fixture {
            english,
            translated,
            identity,
            glossary,
            files: ["hello.html".to_string()].into(),
            project,
        }
    }

    impl Fixture {
        fn english(&self) -> LanguageNames<'_> {
            LanguageNames {
                language: "en",
                glossary: &self.identity,
                declarations: &self.english,
                file_names: &self.files,
                project: &self.project,
            }
        }

        fn translated(&self) -> LanguageNames<'_> {
            LanguageNames {
                language: "xx",
                glossary: &self.glossary,
                declarations: &self.translated,
                file_names: &self.files,
                project: &self.project,
            }
        }
    }

    #[test]
    fn project_names_of_the_language_and_std_names_pass() {
        let f = fixture();
        for code in [
            "Worker",
            "Worker::new",
            "Message::Terminate",
            "workers",
            "thread",
            "drop",
            "worker",
            "self.workers",
            "Drop",
            "Option",
            "take",
            "Some",
            "None",
            "join",
            "&mut",
            "self",
            "if let",
            "cargo run",
            "Vec::new",
            "thread::spawn",
            "Option<thread::JoinHandle<()>>",
            "hello.html",
            "src/lib.rs",
        ] {
            assert_eq!(f.english().check_span(code), None, "{code}");
        }
        for code in [
            "Operateur::new",
            "Message::Extinction",
            "operateurs",
            "tache",
            "GroupeTaches",
            "Option<thread::JoinHandle<()>>",
            "thread::spawn",
            "use std::thread",
            "take",
        ] {
            assert_eq!(f.translated().check_span(code), None, "{code}");
        }
    }

    #[test]
    fn english_names_in_translated_spans_are_errors() {
        let f = fixture();
        for (code, name) in [
            ("ThreadPool", "ThreadPool"),
            ("Worker::new", "Worker"),
            ("Message::Terminate", "Terminate"),
            ("workers", "workers"),
            ("thread", "thread"),
            ("Option<Worker>", "Worker"),
        ] {
            let problem = f.translated().check_span(code).unwrap_or_default();
            assert!(
                problem.starts_with(&format!("English name `{name}` in the code span `{code}`")),
                "{code}: {problem}"
            );
        }
    }

    #[test]
    fn names_the_listings_do_not_declare_are_errors() {
        let f = fixture();
        let problem = f.english().check_span("Worker::spawn").unwrap();
        assert!(
            problem.contains("declare no `spawn` in `Worker`"),
            "{problem}"
        );
        let problem = f.english().check_span("Operateur").unwrap();
        assert!(
            problem.contains("names `Operateur`, which the `en` listings"),
            "{problem}"
        );
        let problem = f.translated().check_span("Message::Terminer").unwrap();
        assert!(problem.contains("no `Terminer` in `Message`"), "{problem}");
        let problem = f
            .translated()
            .check_span("self.operateur.tache2")
            .unwrap_or_default();
        assert_eq!(
            problem, "",
            "a name no language declares is not a project name"
        );
    }

    #[test]
    fn name_paths_and_identifiers() {
        let segments = name_path("a::b.c()").unwrap();
        let names: Vec<(&str, bool)> = segments.iter().map(|s| (s.name, s.after_path)).collect();
        assert_eq!(names, [("a", false), ("b", true), ("c", false)]);
        assert!(name_path("a b").is_none());
        assert!(name_path("Option<T>").is_none());
        assert!(name_path("a::").is_none());
        let idents: Vec<(&str, bool)> = identifiers("x: thread::Handle = \"worker\"; 1u8")
            .into_iter()
            .map(|i| (i.name, i.next_to_path))
            .collect();
        assert_eq!(idents, [("x", false), ("thread", true), ("Handle", true)]);
    }
}
