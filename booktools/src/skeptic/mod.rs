//! The Rust code blocks of the rendered book, turned into skeptic tests.
//!
//! The listing crates are compiled by other tests; this module is about the
//! code the *reader* sees. Every chapter of every language of
//! `[preprocessor.listings.trees]` goes through the book's own pipeline
//! ([`crate::book`]: gettext, listings, links), and each fenced Rust block of
//! the result becomes a [`DoctestBlock`]: the complete code of the block (the
//! hidden `# ` lines that `rustdoc_include` adds outside the anchor, and the
//! shown lines), the listing file it comes from, and what the book says
//! about it (its fence attributes).
//!
//! Where a block comes from is read in the same chapter before mdBook's
//! `links` expanded it ([`crate::book::chapters_before_links`]): the n-th
//! Rust block there is the n-th Rust block of the rendered chapter, and its
//! only content is the include directive, already pointed at the tree of the
//! page's language by the `listings` preprocessor. A Rust block of a page
//! must come from the listing tree of the page's language: anything else
//! (another language's tree, a folder outside the trees, a symbolic link
//! out of the tree) is an error naming the chapter file and line.
//!
//! The book's fence attributes map onto what skeptic can do
//! ([`Expectation`]):
//!
//! | book                         | skeptic                  | test              |
//! |------------------------------|--------------------------|-------------------|
//! | `does_not_compile`           | `no_run,should_panic`    | rustc must fail   |
//! | `ignore`, `no_run`           | `no_run`                 | compiles          |
//! | `should_panic`               | `should_panic`           | runs and panics   |
//! | anything else                | (plain)                  | compiles and runs |
//!
//! A claim of `listing-expectations.toml` with an `outcome` overrides the
//! fence, as it does for the listing crates: a block whose prose says it does
//! not compile although its fence is plain `rust,ignore` must fail.
//!
//! `ignore` in the book means "not a standalone playground program", not
//! "untested": no block becomes an ignored test. The code is compiled with a
//! skeptic template ([`Template`]) chosen by the file it shows: `src/lib.rs`
//! (or another module) is compiled as that library with an empty `main`
//! added; `src/main.rs` or `src/bin/*.rs` is compiled against its own
//! listing's library, embedded as a module named like the package (`hello`,
//! `salutations`) so `use hello::ThreadPool;` resolves, with an empty
//! module for each other language's crate name so a program cannot use the
//! other language's crate; code written in the chapter itself is wrapped in
//! `fn main` unless it has one, as rustdoc does.
//!
//! [`write_skeptic_docs`] writes one Markdown file per language and listing
//! file (`fr_listing_20_22_src_lib_rs.md`, plus its `.skt.md` templates), so
//! skeptic's test names say the language, the listing, the file and the line
//! (`fr_listing_20_22_src_lib_rs_line_3`). When the blocks cannot be
//! collected, [`failing_tests_source`] gives the build script one failing
//! test carrying the error instead.

mod fences;
mod origin;
mod rustc;
mod skeptic_docs;
mod template;

pub use fences::{
    complete_code, is_rust_info, rust_blocks, sanitize_name, Expectation, FencedBlock,
};
pub use origin::{FileRole, ListingFile, Location, Origin};
pub use rustc::{check_program, CHECK_TIMEOUT};
pub use skeptic_docs::{
    failing_tests_source, inputs, write_skeptic_docs, GeneratedTest, SkepticDocs,
};
pub use template::Template;

use crate::book::{chapters_before_links, preprocessed_chapters, RenderedChapter};
use crate::languages::{BookLayout, BOOK_TOML};
use crate::listings::expectations::{load_claims, Claim, EXPECTATIONS_FILE};
use anyhow::{bail, Result};
use mdbook_listings::trees::ListingTrees;
use origin::origin_of;
use skeptic_docs::name_files;
use std::path::Path;
use template::template_for;

/// One Rust block of one language's rendered book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctestBlock {
    /// The page's language.
    pub language: String,
    /// Where the block is written.
    pub location: Location,
    /// The fence info string of the book.
    pub info: String,
    /// The block as rendered: shown lines, and hidden lines behind `# `.
    pub code: String,
    /// Where the code comes from.
    pub origin: Origin,
    /// What the book says the code does.
    pub expectation: Expectation,
    /// Where the book says it: the fence, or the claim that overrides it.
    pub stated_by: String,
    /// The code wrapped around it to compile it.
    pub template: Option<Template>,
    /// The name of its skeptic Markdown file (without `.md`), which starts
    /// skeptic's test name: `fr_listing_20_22_src_lib_rs`.
    pub file_stem: String,
}

impl DoctestBlock {
    /// The complete code of the block (hidden lines unhidden), as skeptic
    /// builds it.
    pub fn complete_code(&self) -> String {
        complete_code(&self.code)
    }

    /// The program skeptic compiles for this block: the template wrapped
    /// around the complete code.
    pub fn program(&self) -> String {
        let code = self.complete_code();
        match &self.template {
            Some(template) => format!("{}{code}{}", template.before, template.after),
            None => code,
        }
    }

    /// The listing file, unless the code is written in the chapter.
    pub fn listing_file(&self) -> Option<&ListingFile> {
        match &self.origin {
            Origin::Listing(file) => Some(file),
            Origin::Inline => None,
        }
    }

    /// What the block shows, for messages: the directive or `inline code`.
    pub fn source_description(&self) -> String {
        match &self.origin {
            Origin::Listing(file) => file.directive.clone(),
            Origin::Inline => "inline code".to_string(),
        }
    }

    /// The fence info string of its skeptic Markdown block.
    pub fn skeptic_info(&self) -> String {
        let mut tokens = vec!["rust".to_string()];
        tokens.extend(
            self.expectation
                .skeptic_attributes()
                .iter()
                .map(|attribute| attribute.to_string()),
        );
        if let Some(template) = &self.template {
            tokens.push(format!("skt-{}", template.name));
        }
        tokens.join(",")
    }
}

/// Every Rust block of every language of the book at `root`, in language
/// order (`[preprocessor.listings.trees]`), then book order.
pub fn collect(root: &Path) -> Result<Vec<DoctestBlock>> {
    let layout = BookLayout::load(root)?;
    let mut blocks = Vec::new();
    for language in &layout.languages {
        blocks.extend(collect_language(root, &language.code)?);
    }
    Ok(blocks)
}

/// Every Rust block of the `language` book at `root`.
pub fn collect_language(root: &Path, language: &str) -> Result<Vec<DoctestBlock>> {
    let root = std::path::absolute(root)?;
    let layout = BookLayout::load(&root)?;
    if layout.language(language).is_none() {
        bail!(
            "{}: `{language}` has no listing tree in [preprocessor.listings.trees]",
            root.join(BOOK_TOML).display()
        );
    }
    let claims = if root.join(EXPECTATIONS_FILE).is_file() {
        load_claims(&layout, language)?
    } else {
        Vec::new()
    };
    let before = chapters_before_links(&root, language)?;
    let after = preprocessed_chapters(&root, language)?;
    if before.len() != after.len() {
        bail!(
            "the `{language}` book has {} chapters before mdBook's `links` and {} after",
            before.len(),
            after.len()
        );
    }
    let mut blocks = Vec::new();
    for (unexpanded, rendered) in before.iter().zip(&after) {
        blocks.extend(chapter_blocks(
            &layout, language, &claims, unexpanded, rendered,
        )?);
    }
    name_files(&mut blocks);
    Ok(blocks)
}

/// The Rust blocks of one chapter, paired with the same chapter before
/// `links`.
fn chapter_blocks(
    layout: &BookLayout,
    language: &str,
    claims: &[Claim],
    unexpanded: &RenderedChapter,
    rendered: &RenderedChapter,
) -> Result<Vec<DoctestBlock>> {
    let chapter = &rendered.source_path;
    if unexpanded.source_path != *chapter {
        bail!(
            "the `{language}` book has {} before mdBook's `links` where it has {} after",
            unexpanded.source_path.display(),
            chapter.display()
        );
    }
    let sources = rust_blocks(&unexpanded.content);
    let shown = rust_blocks(&rendered.content);
    if sources.len() != shown.len() {
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
    let trees = ListingTrees::new(
        layout
            .languages
            .iter()
            .map(|language| (language.code.clone(), language.tree_setting.clone())),
    );
    let mut blocks = Vec::new();
    for (index, (source, block)) in sources.iter().zip(&shown).enumerate() {
        let location = Location {
            chapter: chapter.clone(),
            line: source_lines
                .as_ref()
                .map_or(source.line, |lines| lines[index]),
            translated: source_lines.is_none().then(|| language.to_string()),
        };
        if source.info != block.info {
            bail!(
                "{location} (`{language}` book): the fence `{}` became `{}` when the includes \
                 were expanded",
                source.info,
                block.info
            );
        }
        let origin = origin_of(layout, &trees, language, &location, source)?;
        let template = template_for(&origin, &complete_code(&block.body))?;
        let (expectation, stated_by) = expectation_of(&block.info, &origin, claims);
        blocks.push(DoctestBlock {
            language: language.to_string(),
            location,
            info: block.info.clone(),
            code: block.body.clone(),
            expectation,
            stated_by,
            origin,
            template,
            file_stem: String::new(),
        });
    }
    Ok(blocks)
}

/// What the book says a block does, and where: its fence, unless a claim
/// about its listing states the outcome in prose.
fn expectation_of(info: &str, origin: &Origin, claims: &[Claim]) -> (Expectation, String) {
    let from_fence = Expectation::from_info(info);
    let claim = origin.listing_name().and_then(|listing| {
        claims
            .iter()
            .find(|claim| claim.listing == listing && claim.outcome.is_some())
    });
    match claim.and_then(|claim| Some((claim, claim.outcome?))) {
        Some((claim, outcome)) => (
            from_fence.with_outcome(outcome),
            format!("{} (\"{}\")", claim.origin, claim.quote),
        ),
        None => (from_fence, format!("the fence `{info}`")),
    }
}

#[cfg(test)]
mod tests;
