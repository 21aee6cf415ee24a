//! The Rust code blocks of the rendered book, turned into skeptic tests:
//! the code the *reader* sees (the listing crates are compiled by other
//! tests), from every chapter of every language rendered by the book's own
//! pipeline ([`crate::book`]).
//!
//! Where a block comes from is read in the same chapter before mdBook's
//! `links` expanded it (the n-th Rust block there is the n-th of the
//! rendered chapter): a block from anywhere but the page language's tree
//! is an error naming the chapter file and line.
//!
//! | book                         | skeptic                  | test              |
//! |------------------------------|--------------------------|-------------------|
//! | `does_not_compile`           | `no_run,should_panic`    | rustc must fail   |
//! | `ignore`, `no_run`           | `no_run`                 | compiles          |
//! | `should_panic`               | `should_panic`           | runs and panics   |
//! | anything else                | (plain)                  | compiles and runs |
//!
//! A claim of `listing-expectations.toml` with an `outcome` overrides the
//! fence, as for the listing crates. `ignore` in the book means "not a
//! standalone playground program", not "untested": no block is ignored.
//! Code written in the chapter is wrapped in `fn main` unless it has one,
//! as rustdoc does.

mod docs;
mod origin;

pub use docs::{failing_tests_source, inputs, write_skeptic_docs, SkepticDocs};
pub use origin::ListingFile;

use crate::book::{chapters_before_links, preprocessed_chapters, RenderedChapter};
use crate::languages::{BookLayout, BOOK_TOML};
use crate::listings::expectations::{load_claims, rust_blocks, Claim, Outcome};
use crate::listings::Listing;
use crate::process::{self, Finished};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

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
    /// Reads a fence info string, split as rustdoc (and skeptic) split it.
    pub fn from_info(info: &str) -> Expectation {
        let tokens: Vec<&str> = info
            .split(|c: char| !(c == '_' || c == '-' || c.is_alphanumeric()))
            .collect();
        let has = |names: &[&str]| names.iter().any(|name| tokens.contains(name));
        match () {
            _ if has(&["does_not_compile", "compile_fail"]) => Expectation::CompileError,
            _ if has(&["ignore", "no_run"]) => Expectation::Compiles,
            _ if has(&["should_panic"]) => Expectation::Panics,
            _ => Expectation::Runs,
        }
    }

    pub fn with_outcome(self, outcome: Outcome) -> Expectation {
        match (outcome, self) {
            (Outcome::DoesNotCompile, _) => Expectation::CompileError,
            (Outcome::Compiles, Expectation::CompileError) => Expectation::Compiles,
            (Outcome::Compiles, other) => other,
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

/// Code wrapped around a block to make it a program (skeptic's `skt-<name>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template's name (`library`, `binary`, `main`).
    pub name: &'static str,
    pub before: String,
    pub after: String,
}

impl Template {
    /// The template as skeptic reads it: a `format!` string.
    pub fn skeptic_text(&self) -> String {
        let escape = |code: &str| code.replace('{', "{{").replace('}', "}}");
        format!("{}{{}}{}", escape(&self.before), escape(&self.after))
    }
}

/// One Rust block of one language's rendered book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctestBlock {
    pub language: String,
    /// `<chapter file>:<line>`, a line of the source file, or
    /// `<chapter file> (`<language>` translated Markdown):<line>` when the
    /// source file holds a different number of Rust blocks.
    pub location: String,
    pub info: String,
    /// The block as rendered: shown lines, and hidden lines behind `# `.
    pub code: String,
    /// The listing file the code comes from; `None` for code written in
    /// the chapter.
    pub origin: Option<ListingFile>,
    pub expectation: Expectation,
    /// Where the book says it: the fence, or the claim that overrides it.
    pub stated_by: String,
    pub template: Option<Template>,
    /// The name of its skeptic Markdown file (without `.md`), which starts
    /// skeptic's test name: `<language>_<chapter folder>_<listing>_<file>`
    /// (`fr_ch20_web_server_listing_20_22_src_lib_rs`), or
    /// `<language>_<chapter file>` for code written in the chapter.
    pub file_stem: String,
}

impl DoctestBlock {
    /// The program skeptic compiles for this block: the template wrapped
    /// around the complete code.
    pub fn program(&self) -> String {
        let code = complete_code(&self.code);
        match &self.template {
            Some(template) => format!("{}{code}{}", template.before, template.after),
            None => code,
        }
    }

    /// What the block shows, for messages: the directive or `inline code`.
    pub fn source_description(&self) -> &str {
        (self.origin.as_ref()).map_or("inline code", |file| file.directive.as_str())
    }
}

/// The code a Rust block holds once its hidden lines are unhidden, by
/// skeptic 0.14's rule: a line whose first non-blank characters are `# `
/// loses them (and everything before them), a line that is only `#` becomes
/// empty.
pub fn complete_code(rendered: &str) -> String {
    let unhide = |line: &str| {
        let trimmed = line.trim_start();
        match trimmed.strip_prefix("# ") {
            Some(rest) => rest.to_string(),
            None if trimmed.trim_end() == "#" => String::new(),
            None => line.to_string(),
        }
    };
    rendered.lines().map(|line| unhide(line) + "\n").collect()
}

/// skeptic's test-name sanitizing: lowercase ASCII letters and digits, runs
/// of anything else become one `_`.
fn sanitize_name(text: &str) -> String {
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Every Rust block of every language of the book at `root`, in language
/// order (`[preprocessor.listings.trees]`), then book order.
pub fn collect(root: &Path) -> Result<Vec<DoctestBlock>> {
    let (layout, listings) = layout_and_listings(root)?;
    let mut blocks = Vec::new();
    for language in &layout.languages {
        blocks.extend(collect_in(&layout, &listings, &language.code)?);
    }
    Ok(blocks)
}

/// Every Rust block of the `language` book at `root`.
pub fn collect_language(root: &Path, language: &str) -> Result<Vec<DoctestBlock>> {
    let (layout, listings) = layout_and_listings(root)?;
    collect_in(&layout, &listings, language)
}

/// The book's layout and the listings of every language (a block may show
/// any tree's file: each is found, then judged).
fn layout_and_listings(root: &Path) -> Result<(BookLayout, Vec<Listing>)> {
    let layout = BookLayout::load(&std::path::absolute(root)?)?;
    let mut listings = Vec::new();
    for language in &layout.languages {
        listings.extend(crate::listings::discover(language)?);
    }
    Ok((layout, listings))
}

fn collect_in(
    layout: &BookLayout,
    listings: &[Listing],
    language: &str,
) -> Result<Vec<DoctestBlock>> {
    let root = &layout.root;
    if layout.language(language).is_none() {
        bail!(
            "{}: `{language}` has no listing tree in [preprocessor.listings.trees]",
            root.join(BOOK_TOML).display()
        );
    }
    let claims = load_claims(layout, language)?;
    let before = chapters_before_links(root, language)?;
    let after = preprocessed_chapters(root, language)?;
    if before.len() != after.len() {
        bail!(
            "the `{language}` book has {} chapters before mdBook's `links` and {} after",
            before.len(),
            after.len()
        );
    }
    let mut blocks = Vec::new();
    for (unexpanded, rendered) in before.iter().zip(&after) {
        let chapter = chapter_blocks(layout, listings, language, &claims, unexpanded, rendered);
        blocks.extend(chapter?);
    }
    Ok(blocks)
}

/// The Rust blocks of one chapter, paired with the same chapter before
/// `links`.
fn chapter_blocks(
    layout: &BookLayout,
    listings: &[Listing],
    language: &str,
    claims: &[Claim],
    unexpanded: &RenderedChapter,
    rendered: &RenderedChapter,
) -> Result<Vec<DoctestBlock>> {
    let chapter = &rendered.source_path;
    let sources = rust_blocks(&unexpanded.content);
    let shown = rust_blocks(&rendered.content);
    if sources.len() != shown.len() || unexpanded.source_path != *chapter {
        bail!(
            "{} (`{language}` book): {} Rust blocks before mdBook's `links` expands the \
             includes, {} after; an include must not add or remove code fences",
            chapter.display(),
            sources.len(),
            shown.len()
        );
    }
    // Lines of the source file when translation kept its Rust blocks (it
    // does: gettext translates prose), else lines of the translated text.
    let source_lines: Option<Vec<usize>> = std::fs::read_to_string(layout.root.join(chapter))
        .ok()
        .map(|text| rust_blocks(&text).iter().map(|block| block.line).collect())
        .filter(|lines: &Vec<usize>| lines.len() == sources.len());
    let mut blocks = Vec::new();
    for (index, (source, block)) in sources.iter().zip(&shown).enumerate() {
        let location = match &source_lines {
            Some(lines) => format!("{}:{}", chapter.display(), lines[index]),
            None => format!(
                "{} (`{language}` translated Markdown):{}",
                chapter.display(),
                source.line
            ),
        };
        if source.info != block.info {
            bail!(
                "{location} (`{language}` book): the fence `{}` became `{}` when the includes \
                 were expanded",
                source.info,
                block.info
            );
        }
        let origin = origin::origin_of(layout, listings, language, chapter, &location, source)?;
        let file_stem = sanitize_name(&match &origin {
            Some(f) => {
                let file = f.file.display();
                format!("{language}_{}_{}_{file}", f.listing.chapter, f.listing.name)
            }
            None => {
                let stem = chapter.file_stem().unwrap_or_default().to_string_lossy();
                format!("{language}_{stem}")
            }
        });
        let template = origin::template_for(origin.as_ref(), &complete_code(&block.body))?;
        let claim = (origin.as_ref()).and_then(|file| {
            (claims.iter()).find(|c| c.listing() == file.listing.name && c.outcome.is_some())
        });
        let fence = Expectation::from_info(&block.info);
        let (expectation, stated_by) = match claim.and_then(|c| Some((c.outcome?, c))) {
            Some((outcome, claim)) => (fence.with_outcome(outcome), claim.origin.clone()),
            None => (fence, format!("the fence `{}`", block.info)),
        };
        blocks.push(DoctestBlock {
            language: language.to_string(),
            location,
            info: block.info.clone(),
            code: block.body.clone(),
            expectation,
            stated_by,
            origin,
            template,
            file_stem,
        });
    }
    Ok(blocks)
}

/// Checks `block`'s program with rustc the way skeptic's `compile_test`
/// does (`--crate-type=bin`, metadata only; `$RUSTC`, else `rustc`),
/// writing into `scratch`, for tests that need rustc's messages. rustc runs
/// in `toolchain_dir`, so the toolchain pinned there is the one used.
pub fn check_program(
    block: &DoctestBlock,
    scratch: &Path,
    toolchain_dir: &Path,
) -> Result<Finished> {
    std::fs::create_dir_all(scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let source = scratch.join(format!("{}.rs", block.file_stem));
    std::fs::write(&source, block.program())
        .with_context(|| format!("writing {}", source.display()))?;
    let mut rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()));
    rustc
        .current_dir(toolchain_dir)
        .arg(&source)
        .args(["--crate-type=bin", "--emit=metadata", "--color=never", "-o"])
        .arg(scratch.join(format!("{}.rmeta", block.file_stem)));
    if let Some(file) = &block.origin {
        rustc.arg(format!("--edition={}", file.edition));
    }
    process::run(rustc, Duration::from_secs(120))
        .with_context(|| format!("checking the program of {}", block.location))
}

#[cfg(test)]
mod tests;
