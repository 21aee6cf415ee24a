//! Finding the `{{#include}}`, `{{#rustdoc_include}}` and `{{#playground}}`
//! directives of a chapter, with the same pattern as mdBook's `links`
//! preprocessor, so that this crate sees exactly the directives mdBook will
//! expand.

use crate::selection::Selection;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// The directives that read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `{{#include path[:selection]}}`
    Include,
    /// `{{#rustdoc_include path[:selection]}}`: the selected lines are shown,
    /// the rest of the file is hidden behind `# `.
    RustdocInclude,
    /// `{{#playground path attrs...}}` (and its old name `playpen`): the whole
    /// file, runnable.
    Playground,
}

/// One file-reading directive found in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// Byte range of the whole `{{#...}}` text in the chapter.
    pub span: Range<usize>,
    /// Byte range of the file path inside the chapter (a sub-range of `span`);
    /// empty when the directive names no file.
    pub path_span: Range<usize>,
    /// The file path as written, relative to the chapter's directory.
    pub path: String,
    pub selection: Selection,
}

impl Directive {
    /// The directive's text, e.g. `{{#include ../file.txt}}`.
    pub fn text<'a>(&self, chapter: &'a str) -> &'a str {
        &chapter[self.span.clone()]
    }

    /// The 1-based line of the chapter where the directive starts.
    pub fn line(&self, chapter: &str) -> usize {
        line_of_offset(chapter, self.span.start)
    }
}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

/// mdBook's link pattern (`mdbook-driver`'s `links` preprocessor): an escaped
/// directive (`\{{#...}}`, left alone), or `{{#type rest}}`.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{\#.*\}\}|\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
        .expect("the directive pattern is valid")
});

/// Every file-reading directive of `chapter`, in order. Escaped directives,
/// `{{#title}}` and directive types mdBook does not know are skipped.
pub fn find_directives(chapter: &str) -> Vec<Directive> {
    LINK.captures_iter(chapter)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            let kind = match captures.get(1)?.as_str() {
                "include" => DirectiveKind::Include,
                "rustdoc_include" => DirectiveKind::RustdocInclude,
                "playground" | "playpen" => DirectiveKind::Playground,
                _ => return None,
            };
            let rest = captures.get(2)?;
            let leading_space = rest.as_str().len() - rest.as_str().trim_start().len();
            let file_arg = rest.as_str().split_whitespace().next().unwrap_or("");
            let (path, selection) = match kind {
                DirectiveKind::Playground => (file_arg, Selection::Whole),
                _ => match file_arg.split_once(':') {
                    Some((path, selection)) => (path, Selection::parse(selection)),
                    None => (file_arg, Selection::Whole),
                },
            };
            let path_start = rest.start() + leading_space;
            Some(Directive {
                kind,
                span: whole.range(),
                path_span: path_start..path_start + path.len(),
                path: path.to_string(),
                selection,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_directives_as_mdbook_does() {
        let chapter = "Text\n\n```rust\n{{#rustdoc_include ../l/a/src/lib.rs:here}}\n```\n\
                       {{#include x.rs:3:10}}\n{{#playground  ../a.rs editable}}\n\
                       \\{{#include a.rs}}\n{{#title Hi}}\n{{#unknown a.rs}}\n";
        let found: Vec<_> = (find_directives(chapter).iter())
            .map(|d| {
                (
                    d.kind,
                    d.line(chapter),
                    &chapter[d.path_span.clone()],
                    d.selection.clone(),
                )
            })
            .collect();
        let lines = Selection::Lines {
            first: Some(3),
            last: Some(10),
        };
        assert_eq!(
            found,
            [
                (
                    DirectiveKind::RustdocInclude,
                    4,
                    "../l/a/src/lib.rs",
                    Selection::Anchor("here".into())
                ),
                (DirectiveKind::Include, 6, "x.rs", lines),
                (DirectiveKind::Playground, 7, "../a.rs", Selection::Whole),
            ]
        );
    }
}
