//! Fenced Rust blocks of a chapter's Markdown, what their attributes say,
//! and their code once the hidden lines are unhidden.

use crate::listings::expectations::Outcome;
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use std::collections::BTreeSet;

/// What the book says a block does, read from its fence attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expectation {
    /// `does_not_compile` (or rustdoc's `compile_fail`): rustc must reject it.
    CompileError,
    /// `ignore` or `no_run`: it compiles; it is not run.
    Compiles,
    /// `should_panic`: it compiles, and running it panics.
    Panics,
    /// Anything else: it compiles and runs successfully.
    Runs,
}

impl Expectation {
    /// The expectation once the prose's stated outcome overrides the fence.
    pub fn with_outcome(self, outcome: Outcome) -> Expectation {
        match (outcome, self) {
            (Outcome::DoesNotCompile, _) => Expectation::CompileError,
            (Outcome::Compiles, Expectation::CompileError) => Expectation::Compiles,
            (Outcome::Compiles, other) => other,
        }
    }

    /// Reads the attributes of a fence info string (`rust,ignore,does_not_compile`),
    /// split as rustdoc splits them.
    pub fn from_info(info: &str) -> Expectation {
        let tokens: BTreeSet<&str> = info_tokens(info).collect();
        let has = |name: &str| tokens.contains(name);
        if has("does_not_compile") || has("compile_fail") {
            Expectation::CompileError
        } else if has("ignore") || has("no_run") {
            Expectation::Compiles
        } else if has("should_panic") {
            Expectation::Panics
        } else {
            Expectation::Runs
        }
    }

    /// The skeptic attributes that test this expectation. skeptic's
    /// `compile_test` panics when rustc fails, so `no_run,should_panic`
    /// passes exactly when the code does not compile.
    pub fn skeptic_attributes(self) -> &'static [&'static str] {
        match self {
            Expectation::CompileError => &["no_run", "should_panic"],
            Expectation::Compiles => &["no_run"],
            Expectation::Panics => &["should_panic"],
            Expectation::Runs => &[],
        }
    }
}

/// The tokens of a fence info string, split like rustdoc (and skeptic) do.
fn info_tokens(info: &str) -> impl Iterator<Item = &str> {
    info.split(|c: char| !(c == '_' || c == '-' || c.is_alphanumeric()))
        .filter(|token| !token.is_empty())
}

/// Whether a fence info string opens a Rust block: its language (the first
/// word, as mdBook reads it) is `rust`.
pub fn is_rust_info(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .find(|word| !word.is_empty())
        == Some("rust")
}

/// A fenced Rust code block of a Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencedBlock {
    /// The info string (`rust,ignore,does_not_compile`).
    pub info: String,
    /// The code between the fences, ending with a newline unless empty.
    pub body: String,
    /// The 1-based line of the opening fence.
    pub line: usize,
}

/// Every fenced Rust block of `markdown`, in order, parsed as mdBook parses
/// chapters.
pub fn rust_blocks(markdown: &str) -> Vec<FencedBlock> {
    let mut blocks = Vec::new();
    let mut current: Option<FencedBlock> = None;
    for (event, range) in new_cmark_parser(markdown, &MarkdownOptions::default()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_rust_info(&info) => {
                current = Some(FencedBlock {
                    info: info.to_string(),
                    body: String::new(),
                    line: line_of_offset(markdown, range.start),
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

/// The code a Rust block holds once its hidden lines are unhidden, by
/// skeptic 0.14's rule: a line whose first non-blank characters are `# `
/// loses them (and everything before them), a line that is only `#` becomes
/// empty.
pub fn complete_code(rendered: &str) -> String {
    rendered
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let kept = if let Some(rest) = trimmed.strip_prefix("# ") {
                rest
            } else if line.trim() == "#" {
                ""
            } else {
                line
            };
            format!("{kept}\n")
        })
        .collect()
}

/// skeptic's test-name sanitizing: lowercase ASCII letters and digits, runs
/// of anything else become one `_`.
pub fn sanitize_name(text: &str) -> String {
    text.to_ascii_lowercase()
        .split(|c: char| !(c.is_ascii() && c.is_alphanumeric()))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}
