//! The code names of the prose: a code span naming a project item names
//! one the listings of its language declare, and a translated chapter
//! shows no English name of the glossary (a homonym aside where it names
//! something not ours). A span with `/` or a listing file's name is a path.
//! A *name span* (`Worker::new`, `self.workers`) whose first name is a
//! project name (declared by some language, or in a glossary) must resolve
//! in the language's listings, members of `Type::` included; spans of std
//! names only (`Drop`, `Vec::new`) pass.

use super::{english, listing_files, Edition};
use crate::i18n::glossary::{Glossary, Place};
use crate::i18n::translation::{english_source, files_under};
use crate::languages::BookLayout;
use crate::listings::Listing;
use crate::Problem;
use anyhow::{anyhow, Context, Result};
use mdbook_markdown::pulldown_cmark::Event;
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;
use syn::visit::{self, Visit};

/// Segments that only say where a path starts.
const PATH_HEADS: &[&str] = &["self", "Self", "crate", "super"];

/// The names the listings of one language declare (syn; `use` items and
/// macro calls declare nothing), and the members of each type and package,
/// so `Worker::new` resolves.
#[derive(Debug, Default)]
pub(super) struct Declarations {
    names: BTreeSet<String>,
    /// Owner (a type, a trait, a package) -> its members.
    members: BTreeMap<String, BTreeSet<String>>,
    /// The names of the listings' files (`hello.html`).
    file_names: BTreeSet<String>,
}

impl Declarations {
    pub(super) fn of_listings(listings: &[Listing]) -> Result<Self> {
        let mut declarations = Self::default();
        for listing in listings {
            declarations.names.insert(listing.package.clone());
            for file in listing_files(&listing.dir)? {
                let name = file.file_name().and_then(|name| name.to_str());
                declarations.file_names.extend(name.map(str::to_string));
                if file.extension().is_none_or(|extension| extension != "rs") {
                    continue;
                }
                let path = listing.dir.join(&file);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let parsed = syn::parse_file(&text).map_err(|error| {
                    let line = error.span().start().line;
                    anyhow!(
                        "{}:{line}: syn cannot parse this listing file: {error}",
                        path.display()
                    )
                })?;
                if file == Path::new("src/lib.rs") {
                    let items = parsed.items.iter().filter_map(item_name);
                    let package = listing.package.clone();
                    declarations
                        .members
                        .entry(package)
                        .or_default()
                        .extend(items);
                }
                declarations.visit_file(&parsed);
            }
        }
        Ok(declarations)
    }

    fn members<'a>(&mut self, owner: &str, names: impl IntoIterator<Item = &'a syn::Ident>) {
        let names: Vec<String> = names.into_iter().map(ToString::to_string).collect();
        self.names.extend(names.iter().cloned());
        self.members
            .entry(owner.to_string())
            .or_default()
            .extend(names);
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(item) => &item.ident,
        syn::Item::Enum(item) => &item.ident,
        syn::Item::Fn(item) => &item.sig.ident,
        syn::Item::Mod(item) => &item.ident,
        syn::Item::Static(item) => &item.ident,
        syn::Item::Struct(item) => &item.ident,
        syn::Item::Trait(item) => &item.ident,
        syn::Item::Type(item) => &item.ident,
        syn::Item::Union(item) => &item.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

impl<'ast> Visit<'ast> for Declarations {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        self.names.extend(item_name(item));
        visit::visit_item(self, item);
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        let fields = item.fields.iter().filter_map(|field| field.ident.as_ref());
        self.members(&item.ident.to_string(), fields);
        visit::visit_item_struct(self, item);
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        let variants = item.variants.iter().map(|variant| &variant.ident);
        self.members(&item.ident.to_string(), variants);
        visit::visit_item_enum(self, item);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let idents = item.items.iter().filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(&f.sig.ident),
            syn::ImplItem::Const(c) => Some(&c.ident),
            syn::ImplItem::Type(t) => Some(&t.ident),
            _ => None,
        });
        // The type is the last segment of its path (`impl Drop for ThreadPool`).
        match &*item.self_ty {
            syn::Type::Path(ty) => {
                let owner = ty.path.segments.last().map(|s| s.ident.to_string());
                self.members(&owner.unwrap_or_default(), idents);
            }
            _ => self.names.extend(idents.map(ToString::to_string)),
        }
        visit::visit_item_impl(self, item);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.names
            .extend(field.ident.as_ref().map(ToString::to_string));
        visit::visit_field(self, field);
    }

    fn visit_signature(&mut self, signature: &'ast syn::Signature) {
        self.names.insert(signature.ident.to_string());
        visit::visit_signature(self, signature);
    }

    fn visit_type_param(&mut self, param: &'ast syn::TypeParam) {
        self.names.insert(param.ident.to_string());
        visit::visit_type_param(self, param);
    }

    /// A local binding; a capitalised one (`None`) is a constant or a
    /// variant, not a binding.
    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        let name = pat.ident.to_string();
        if name.starts_with(|c: char| c.is_lowercase() || c == '_') {
            self.names.insert(name);
        }
        visit::visit_pat_ident(self, pat);
    }
}

/// Every name that belongs to the project in some language.
#[derive(Debug, Default)]
pub(super) struct ProjectNames {
    names: BTreeSet<String>,
    std_homonyms: BTreeSet<String>,
    /// The names of the files of every listing tree.
    file_names: BTreeSet<String>,
}

impl ProjectNames {
    pub(super) fn add(&mut self, declarations: &Declarations, glossary: &Glossary) {
        self.names.extend(declarations.names.iter().cloned());
        (self.file_names).extend(declarations.file_names.iter().cloned());
        for (english, translated) in glossary.pairs() {
            self.names
                .extend([english.to_string(), translated.to_string()]);
            if glossary.is_std_homonym(english) {
                self.std_homonyms.insert(english.to_string());
            }
        }
    }

    /// True when `name` names a project item where it stands: a std
    /// homonym next to `::` names the std module.
    fn is_project(&self, name: &str, next_to_path: bool) -> bool {
        self.names.contains(name) && !(next_to_path && self.std_homonyms.contains(name))
    }
}

/// The problems of the code spans of `edition`: at their line in the
/// chapters of the source language, or in the catalog of a translated one
/// (the translations the book shows, not fuzzy).
pub(super) fn check(
    layout: &BookLayout,
    project: &ProjectNames,
    edition: &Edition,
) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(po) = &edition.catalog else {
        for path in files_under(std::slice::from_ref(&layout.src))? {
            if path.extension().is_none_or(|extension| extension != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            for (at, code) in code_spans(&text) {
                if let Some(message) = check_span(project, edition, &code) {
                    let line = 1 + text[..at].matches('\n').count();
                    problems.push(Problem::at(&path, line, message));
                }
            }
        }
        return Ok(problems);
    };
    for entry in po.live_entries() {
        if !entry.is_translated() || entry.is_fuzzy() {
            continue;
        }
        let msgstr = &entry.msgstr[0];
        for (at, code) in code_spans(msgstr) {
            let Some(message) = check_span(project, edition, &code) else {
                continue;
            };
            let untranslated = match *msgstr == entry.msgid {
                true => " (the message is not translated)",
                false => "",
            };
            let references = entry.references.iter().map(String::as_str);
            let english = english_source(references).map_or(String::new(), |(file, line)| {
                english(&layout.root.join(file), line)
            });
            let message = format!("{message}{untranslated}{english}");
            problems.push(Problem::at(&po.path, entry.msgstr_line_at(at), message));
        }
    }
    Ok(problems)
}

/// The code spans of `markdown`, each with its byte offset.
fn code_spans(markdown: &str) -> Vec<(usize, String)> {
    new_cmark_parser(markdown, &MarkdownOptions::default())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Code(code) => Some((range.start, code.to_string())),
            _ => None,
        })
        .collect()
}

fn check_span(project: &ProjectNames, edition: &Edition, code: &str) -> Option<String> {
    let code = code.trim();
    if code.contains('/') || project.file_names.contains(code) {
        return None;
    }
    let (language, declarations) = (&edition.glossary.language, &edition.declarations);
    // An English name of the glossary.
    let in_use = code.starts_with("use ");
    for (name, place) in identifiers(code) {
        let translated = edition.glossary.translate(name);
        let place = if in_use { Place::Path } else { place };
        if translated == name
            || declarations.names.contains(name)
            || edition.glossary.keeps_english(name, place)
        {
            continue;
        }
        return Some(format!(
            "English name `{name}` in the code span `{code}`: the `{language}` name is `{translated}`"
        ));
    }
    // A name span resolves in the listings of the language.
    let segments = name_path(code)?;
    let start = segments
        .iter()
        .position(|(name, _)| !PATH_HEADS.contains(name))?;
    let segments = &segments[start..];
    let first = segments[0].0;
    let followed_by_path = segments.get(1).is_some_and(|(_, after_path)| *after_path);
    if !project.is_project(first, followed_by_path) {
        return None;
    }
    let undeclared = |name: &str| {
        format!(
            "the code span `{code}` names `{name}`, which the `{language}` listings do not declare"
        )
    };
    if !declarations.names.contains(first) {
        return Some(undeclared(first));
    }
    for pair in segments.windows(2) {
        let ((owner, _), (name, after_path)) = (pair[0], pair[1]);
        match declarations.members.get(owner).filter(|_| after_path) {
            Some(members) if !members.contains(name) => {
                return Some(format!(
                    "the code span `{code}`: the `{language}` listings declare no `{name}` in `{owner}`"
                ));
            }
            None if project.is_project(name, false) && !declarations.names.contains(name) => {
                return Some(undeclared(name));
            }
            _ => {}
        }
    }
    None
}

/// The identifiers of a code span outside string literals and numbers,
/// each with whether it is next to `::`.
fn identifiers(code: &str) -> Vec<(&str, Place)> {
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""(?:[^"\\]|\\.)*"|[0-9][A-Za-z0-9_]*|([A-Za-z_][A-Za-z0-9_]*)"#).unwrap()
    });
    TOKEN
        .captures_iter(code)
        .filter_map(|captures| captures.get(1))
        .map(|ident| {
            let place = Place::between(&code[..ident.start()], &code[ident.end()..]);
            (ident.as_str(), place)
        })
        .collect()
}

/// The segments of a name span (`a::b.c()`), each with whether it comes
/// after `::`, or `None` for other code.
fn name_path(code: &str) -> Option<Vec<(&str, bool)>> {
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(?:(?:::|\.)[A-Za-z_][A-Za-z0-9_]*)*$").unwrap()
    });
    static SEGMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(::|\.)?([A-Za-z_][A-Za-z0-9_]*)").unwrap());
    let body = code
        .strip_suffix("()")
        .or_else(|| code.strip_suffix('!'))
        .unwrap_or(code);
    PATH.is_match(body).then(|| {
        SEGMENT
            .captures_iter(body)
            .map(|c| {
                (
                    c.get(2).map_or("", |m| m.as_str()),
                    c.get(1).is_some_and(|m| m.as_str() == "::"),
                )
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(source: &str, glossary: Glossary) -> Edition {
        let mut declarations = Declarations::default();
        declarations.visit_file(&syn::parse_file(source).unwrap());
        Edition {
            glossary,
            declarations,
            catalog: None,
        }
    }

    #[test]
    fn declarations_collect_items_members_and_bindings() {
        let source = "use std::thread;\npub struct Pool { workers: Vec<Worker>, sender: u8 }\n\
            type Job = Box<dyn FnOnce()>;\nenum Message { NewJob(Job), Terminate, Named { inner: u8 } }\n\
            impl Pool {\n    pub fn new<F: Fn()>(size: usize) -> Pool {\n        let (sender, receiver) = (1, 2);\n\
            for id in 0..size {}\n        let run = |job: Job| job();\n        match x { Some(found) => {}, None => {} }\n\
            Pool { workers: vec![], sender }\n    }\n}\nimpl Drop for Pool { fn drop(&mut self) {} }\n";
        let mut declarations = Declarations::default();
        declarations.visit_file(&syn::parse_file(source).unwrap());
        let declared = "Pool workers sender Job Message NewJob Terminate inner new F size receiver id run job found drop";
        for name in declared.split(' ') {
            assert!(
                declarations.names.contains(name),
                "{name}: {declarations:?}"
            );
        }
        for name in ["thread", "None", "Some", "x", "Worker", "std"] {
            assert!(!declarations.names.contains(name), "{name}");
        }
        let pool = &declarations.members["Pool"];
        assert!(pool.contains("new") && pool.contains("drop") && pool.contains("workers"));
        let message = &declarations.members["Message"];
        assert!(message.contains("Terminate") && !message.contains("inner"));
    }

    /// (language, code span, the problem's start; empty when it passes).
    const SPANS: &[(&str, &str, &str)] = &[
        ("yy", "Worker", ""),
        ("yy", "Worker::new", ""),
        ("yy", "Message::Terminate", ""),
        ("yy", "self.workers", ""),
        ("yy", "Drop", ""),
        ("yy", "Vec::new", ""),
        ("yy", "if let", ""),
        ("yy", "cargo run", ""),
        ("yy", "thread::spawn", ""),
        ("yy", "Option<thread::JoinHandle<()>>", ""),
        ("yy", "hello.html", ""),
        ("yy", "src/lib.rs", ""),
        ("yy", "Worker::spawn", "the code span `Worker::spawn`: the `yy` listings declare no `spawn` in `Worker`"),
        ("yy", "Operateur", "the code span `Operateur` names `Operateur`, which the `yy` listings"),
        ("xx", "Operateur::new", ""),
        ("xx", "Message::Extinction", ""),
        ("xx", "tache", ""),
        ("xx", "Option<thread::JoinHandle<()>>", ""),
        ("xx", "use std::thread", ""),
        ("xx", "take", ""),
        ("xx", "self.operateur.tache2", ""),
        ("xx", "x: thread::Handle = \"Worker\"; 1u8", ""),
        ("xx", "ThreadPool", "English name `ThreadPool` in the code span `ThreadPool`: the `xx` name is `GroupeTaches`"),
        ("xx", "Worker::new", "English name `Worker` in the code span `Worker::new`"),
        ("xx", "Message::Terminate", "English name `Terminate` in"),
        ("xx", "thread", "English name `thread` in"),
        ("xx", "Option<Worker>", "English name `Worker` in"),
        ("xx", "Message::Terminer", "the code span `Message::Terminer`: the `xx` listings declare no `Terminer` in `Message`"),
    ];

    #[test]
    fn code_spans_against_the_listings_of_their_language() {
        let english = edition(
            "struct Worker { thread: u8 } impl Worker { fn new() {} }\nenum Message { Terminate }\n\
             struct ThreadPool { workers: u8 }\nimpl Drop for ThreadPool { fn drop(&mut self) { for worker in x {} } }",
            Glossary::identity("yy"),
        );
        let glossary = Glossary::parse(
            Path::new("g.toml"),
            "[xx]\nstd-homonyms = [\"thread\"]\n[xx.code]\nWorker = \"Operateur\"\nTerminate = \"Extinction\"\nThreadPool = \"GroupeTaches\"\n\
             workers = \"operateurs\"\nworker = \"operateur\"\nthread = \"tache\"\n",
            "xx",
        )
        .unwrap();
        let translated = edition(
            "struct Operateur { tache: u8 } impl Operateur { fn new() {} }\nenum Message { Extinction }\n\
             struct GroupeTaches { operateurs: u8 }\nimpl Drop for GroupeTaches { fn drop(&mut self) { for operateur in x {} } }",
            glossary,
        );
        let mut project = ProjectNames::default();
        for edition in [&english, &translated] {
            project.add(&edition.declarations, &edition.glossary);
        }
        project.file_names.insert("hello.html".to_string());
        for (language, code, expected) in SPANS {
            let edition = if *language == "yy" {
                &english
            } else {
                &translated
            };
            let problem = check_span(&project, edition, code).unwrap_or_default();
            assert!(
                problem.starts_with(expected) && (problem.is_empty() == expected.is_empty()),
                "{language} `{code}`: {problem}"
            );
        }
    }
}
