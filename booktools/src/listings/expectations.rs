//! What the book says about each listing: whether it compiles, and which
//! errors and warnings it shows.
//!
//! Two sources, and only these:
//! - the Rust fences of each language's chapters: a fence whose
//!   `{{#rustdoc_include ...}}` names a listing states that the listing
//!   compiles, or fails to compile when its info string holds
//!   `does_not_compile`;
//! - [`EXPECTATIONS_FILE`], one `[[claim]]` per sentence of the English text
//!   that says more (an error code, a count of warnings, a name in a
//!   warning) or that contradicts a fence. Each claim quotes its sentence;
//!   the quote must be in the English chapter that shows the listing, so the
//!   file cannot drift from the text. Names in claims are English and are
//!   translated through `glossary.toml` `[code]` for the other languages.

use crate::book::{chapters_before_links, RenderedChapter};
use crate::i18n::glossary::Glossary;
use crate::languages::BookLayout;
use crate::listings::Listing;
use anyhow::{bail, Context, Result};
use mdbook_listings::directive::{find_directives, line_of_offset, DirectiveKind};
use mdbook_listings::trees::{normalize, ListingTrees};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The claims file, relative to the book root.
pub const EXPECTATIONS_FILE: &str = "listing-expectations.toml";

/// Whether a listing compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Compiles,
    DoesNotCompile,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Compiles => "compiles",
            Outcome::DoesNotCompile => "does not compile",
        })
    }
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

/// Whether a fence info string opens a Rust block: its language (the first
/// word, as mdBook reads it) is `rust`.
pub fn is_rust_info(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .find(|word| !word.is_empty())
        == Some("rust")
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
            Event::Text(text) => current.iter_mut().for_each(|b| b.body.push_str(&text)),
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// The listing trees of `[preprocessor.listings.trees]`.
pub fn listing_trees(layout: &BookLayout) -> ListingTrees {
    ListingTrees::new(
        layout
            .languages
            .iter()
            .map(|language| (language.code.clone(), language.tree_setting.clone())),
    )
}

/// What one fence says about one listing.
#[derive(Debug, Clone)]
pub struct FenceStatement {
    /// `(chapter folder, listing folder)`.
    pub listing: (String, String),
    pub outcome: Outcome,
    /// `<chapter file>:<line> (```<info>)`, for messages.
    pub origin: String,
    /// The chapter it is in, relative to the book root.
    pub chapter: PathBuf,
}

/// Every listing fence of the `language` chapters (translated by gettext,
/// includes pointed at the language's tree), and those chapters.
pub fn fence_statements(
    layout: &BookLayout,
    language: &str,
) -> Result<(Vec<FenceStatement>, Vec<RenderedChapter>)> {
    let chapters = chapters_before_links(&layout.root, language)
        .with_context(|| format!("reading the chapters of the `{language}` book"))?;
    let trees = listing_trees(layout);
    let mut statements = Vec::new();
    for chapter in &chapters {
        let mut label = layout.root.join(&chapter.source_path).display().to_string();
        if language != layout.source_language {
            label.push_str(&format!(" ({language} translation)"));
        }
        let chapter_dir = chapter.source_path.parent().unwrap_or(Path::new(""));
        for block in rust_blocks(&chapter.content) {
            // The one reading of a fence (skeptic's, `compile_fail` included).
            let fails = crate::skeptic::Expectation::from_info(&block.info);
            let outcome = match fails == crate::skeptic::Expectation::CompileError {
                true => Outcome::DoesNotCompile,
                false => Outcome::Compiles,
            };
            for directive in find_directives(&block.body) {
                let path = normalize(&chapter_dir.join(&directive.path));
                let inside = trees.locate(&path).map(|(_, inside)| inside);
                let parts: Vec<String> = inside
                    .into_iter()
                    .flat_map(Path::iter)
                    .map(|part| part.to_string_lossy().into_owned())
                    .collect();
                if directive.kind == DirectiveKind::RustdocInclude && parts.len() > 2 {
                    statements.push(FenceStatement {
                        listing: (parts[0].clone(), parts[1].clone()),
                        outcome,
                        origin: format!("{label}:{} (```{})", block.line, block.info),
                        chapter: chapter.source_path.clone(),
                    });
                }
            }
        }
    }
    Ok((statements, chapters))
}

/// A `[[claim]]` of the claims file: a statement of the text about a
/// listing. Names are translated into the language it was loaded for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The listing folder name.
    pub listing: toml::Spanned<String>,
    /// Why the claim is recorded.
    pub reason: String,
    /// The sentence of the English chapter that makes the claim.
    pub quote: String,
    /// Overrides the fence: the outcome the text states in prose.
    pub outcome: Option<Outcome>,
    /// The exact error codes, in order (so also their number).
    pub errors: Option<Vec<String>>,
    /// The exact number of warnings.
    pub warnings: Option<usize>,
    /// Names that must appear in the errors.
    #[serde(default)]
    pub error_mentions: Vec<String>,
    /// Names that must appear in the warnings.
    #[serde(default)]
    pub warning_mentions: Vec<String>,
    /// `listing-expectations.toml:<line> ("<quote>")`, for messages.
    #[serde(skip)]
    pub origin: String,
}

impl Claim {
    /// The listing folder name.
    pub fn listing(&self) -> &str {
        self.listing.get_ref()
    }
}

/// The claims file; its other sections are read by [`crate::server`]
/// (`transcript`, `source`, `going_further`, `pool_bench`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    #[serde(default)]
    claim: Vec<Claim>,
    #[serde(default, rename = "transcript")]
    _transcript: Option<toml::Table>,
    #[serde(default, rename = "server")]
    _server: Option<toml::Table>,
    #[serde(default, rename = "going_further")]
    _going_further: Option<toml::Table>,
    #[serde(default, rename = "pool_bench")]
    _pool_bench: Option<toml::Table>,
}

/// Reads the claims file (none: no claims), with names translated into
/// `language`.
pub fn load_claims(layout: &BookLayout, language: &str) -> Result<Vec<Claim>> {
    let path = layout.root.join(EXPECTATIONS_FILE);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let file: ClaimsFile =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let names = Glossary::load(layout, language)?;
    let mut claims = file.claim;
    for claim in &mut claims {
        let line = line_of_offset(&text, claim.listing.span().start);
        let file_line = format!("{}:{line}", path.display());
        if claim.reason.trim().is_empty() || claim.quote.trim().is_empty() {
            bail!("{file_line}: a claim needs a non-empty `reason` and `quote`");
        }
        if claim.outcome.is_none()
            && claim.errors.is_none()
            && claim.warnings.is_none()
            && claim.error_mentions.is_empty()
            && claim.warning_mentions.is_empty()
        {
            bail!("{file_line}: the claim states nothing (give `outcome`, `errors`, `warnings`, `error_mentions` or `warning_mentions`)");
        }
        for name in claim
            .error_mentions
            .iter_mut()
            .chain(&mut claim.warning_mentions)
        {
            *name = names.translate(name).to_string();
        }
        claim.origin = format!("{file_line} (\"{}\")", claim.quote);
    }
    Ok(claims)
}

/// Everything the book says about the listings of one language.
#[derive(Debug, Clone)]
pub struct Expectations {
    pub language: String,
    /// Its fences that include a listing.
    pub fences: Vec<FenceStatement>,
    /// The claims of the claims file, names in this language.
    pub claims: Vec<Claim>,
}

/// What must hold for one listing.
#[derive(Debug, Clone)]
pub struct ListingExpectation {
    pub outcome: Outcome,
    /// Where the outcome is stated (a fence or a claim).
    pub outcome_origin: String,
    pub claims: Vec<Claim>,
}

impl Expectations {
    /// Reads the chapters of `language` and the claims file.
    pub fn load(layout: &BookLayout, language: &str) -> Result<Self> {
        Ok(Self {
            language: language.to_string(),
            fences: fence_statements(layout, language)?.0,
            claims: load_claims(layout, language)?,
        })
    }

    /// What must hold for `listing`: an error when nothing states its
    /// outcome, when its fences disagree or when two claims state it.
    pub fn for_listing(&self, listing: &Listing) -> Result<ListingExpectation> {
        let key = (listing.chapter.clone(), listing.name.clone());
        let fences: Vec<&FenceStatement> =
            self.fences.iter().filter(|f| f.listing == key).collect();
        let claims: Vec<Claim> = (self.claims.iter())
            .filter(|c| c.listing() == listing.name)
            .cloned()
            .collect();
        if let Some(first) = fences.first() {
            if let Some(other) = fences.iter().find(|f| f.outcome != first.outcome) {
                bail!(
                    "the fences of {} disagree: {} says it {}, {} says it {}",
                    listing.id(),
                    first.origin,
                    first.outcome,
                    other.origin,
                    other.outcome
                );
            }
        }
        let overrides: Vec<&Claim> = claims.iter().filter(|c| c.outcome.is_some()).collect();
        if let [first, second, ..] = overrides[..] {
            bail!(
                "{} and {} both state the outcome of {}: keep one",
                first.origin,
                second.origin,
                listing.name
            );
        }
        let (outcome, outcome_origin) = match (overrides.first(), fences.first()) {
            (Some(claim), _) => (claim.outcome.expect("an override"), claim.origin.clone()),
            (None, Some(fence)) => (fence.outcome, fence.origin.clone()),
            (None, None) => bail!(
                "no fence of the {} chapters includes {} and {EXPECTATIONS_FILE} gives no `outcome` for it: nothing states whether it compiles",
                self.language,
                listing.id(),
            ),
        };
        Ok(ListingExpectation {
            outcome,
            outcome_origin,
            claims,
        })
    }

    /// Fences that include a listing missing from `listings`.
    pub fn dangling_fences(&self, listings: &[Listing]) -> Vec<String> {
        let exists = |(chapter, name): &(String, String)| {
            (listings.iter()).any(|l| (&l.chapter, &l.name) == (chapter, name))
        };
        (self.fences.iter())
            .filter(|fence| !exists(&fence.listing))
            .map(|fence| {
                format!(
                    "{}: includes listing {}/{}, which the {} tree does not have",
                    fence.origin, fence.listing.0, fence.listing.1, self.language
                )
            })
            .collect()
    }
}

/// Checks the claims file against the book: each quote is in the English
/// chapter that shows its listing, each listing exists in every language,
/// and an `outcome` only where it contradicts the fence. Returns the
/// problems, each naming the file and line.
pub fn check_claims_file(layout: &BookLayout) -> Result<Vec<String>> {
    let claims = load_claims(layout, &layout.source_language)?;
    let (fences, chapters) = fence_statements(layout, &layout.source_language)?;
    let collapse = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A missing tree has its own test.
    let trees: Vec<(&str, Vec<Listing>)> = (layout.languages.iter())
        .filter_map(|l| Some((l.code.as_str(), crate::listings::discover(l).ok()?)))
        .collect();
    let mut problems = Vec::new();
    for claim in &claims {
        for (code, listings) in &trees {
            if !listings.iter().any(|l| l.name == claim.listing()) {
                problems.push(format!(
                    "{}: listing `{}` does not exist in the {code} tree",
                    claim.origin,
                    claim.listing(),
                ));
            }
        }
        let own: Vec<&FenceStatement> = (fences.iter())
            .filter(|f| f.listing.1 == claim.listing())
            .collect();
        let Some(first) = own.first() else {
            problems.push(format!(
                "{}: no fence of the {} chapters includes listing `{}`",
                claim.origin,
                layout.source_language,
                claim.listing()
            ));
            continue;
        };
        let quote = collapse(&claim.quote);
        let quoted = own.iter().any(|fence| {
            (chapters.iter())
                .any(|c| c.source_path == fence.chapter && collapse(&c.content).contains(&quote))
        });
        if !quoted {
            problems.push(format!(
                "{}: the quote is not in {}, the chapter that shows `{}`",
                claim.origin,
                layout.root.join(&first.chapter).display(),
                claim.listing()
            ));
        }
        if let Some(outcome) = claim.outcome {
            if own.iter().all(|fence| fence.outcome == outcome) {
                problems.push(format!(
                    "{}: `outcome = {outcome:?}` repeats what {} already says: remove it",
                    claim.origin, first.origin
                ));
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rust_fences_with_their_line_and_info() {
        let markdown = "# T\n\n```rust,ignore\nfn a() {}\n```\n\n```console\n$ cargo run\n```\n\n\
                        ````rust\n```\n````\n\n    fn indented() {}\n";
        let found: Vec<_> = (rust_blocks(markdown).into_iter())
            .map(|b| (b.info, b.body, b.line))
            .collect();
        let expected = [("rust,ignore", "fn a() {}\n", 3), ("rust", "```\n", 11)];
        assert_eq!(
            found,
            expected.map(|(i, b, l)| (i.to_string(), b.to_string(), l))
        );
        for (info, rust) in [
            ("rust noplayground", true),
            ("rusty", false),
            ("text,rust", false),
        ] {
            assert_eq!(is_rust_info(info), rust, "{info}");
        }
    }
}
