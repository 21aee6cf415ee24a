//! What the book says about each listing: whether it compiles, and which
//! errors and warnings it shows.
//!
//! Two sources, and only these:
//! - the code fences of each language's chapters: a fence whose
//!   `{{#rustdoc_include ...}}` names a listing states that the listing
//!   compiles, or fails to compile when its info string holds
//!   `does_not_compile`;
//! - [`EXPECTATIONS_FILE`], one `[[claim]]` per sentence of the English text
//!   that says more (an error code, a count of warnings, a name in a
//!   warning) or that contradicts a fence. Each claim quotes its sentence;
//!   the quote must be in the English chapter that shows the listing, so the
//!   file cannot drift from the text. Names in claims are English and are
//!   translated through `glossary.toml` `[code]` for the other languages.

use crate::i18n::glossary::Glossary;
use crate::languages::BookLayout;
use crate::listings::Listing;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The claims file, relative to the book root.
pub const EXPECTATIONS_FILE: &str = "listing-expectations.toml";

/// The info-string word of a fence whose listing must fail to compile.
pub const DOES_NOT_COMPILE: &str = "does_not_compile";

/// Whether a listing compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// cargo succeeds.
    Compiles,
    /// cargo fails.
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

/// A chapter's Markdown before `{{#include}}`s are expanded.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Its source file, absolute (`<root>/src/ch20-03-....md`).
    pub path: PathBuf,
    /// How messages name it: the source file for the book's own language,
    /// the source file and the language for a translation.
    pub label: String,
    /// Its Markdown (translated for another language).
    pub text: String,
}

/// The chapters of `language` as the book pipeline produces them before
/// mdBook's `links` expands the includes: translated by gettext, includes
/// pointed at the language's listing tree.
pub fn chapters(layout: &BookLayout, language: &str) -> Result<Vec<Chapter>> {
    let chapters = crate::book::chapters_before_links(&layout.root, language)
        .with_context(|| format!("reading the chapters of the `{language}` book"))?;
    Ok(chapters
        .into_iter()
        .map(|chapter| {
            let path = layout.root.join(&chapter.source_path);
            let label = if language == layout.source_language {
                path.display().to_string()
            } else {
                format!("{} ({language} translation)", path.display())
            };
            Chapter {
                path,
                label,
                text: chapter.content,
            }
        })
        .collect())
}

/// A fenced code block of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// Its info string (`rust,ignore,does_not_compile`).
    pub info: String,
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The lines between the fences.
    pub body: String,
}

/// The fenced code blocks of a Markdown text, in order.
pub fn parse_fences(markdown: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut open: Option<(char, usize, Fence)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match (&mut open, marker) {
            (Some((fence_char, length, _)), Some(c))
                if c == *fence_char && run >= *length && trimmed[run..].trim().is_empty() =>
            {
                fences.push(open.take().expect("a fence is open").2);
            }
            (Some((_, _, fence)), _) => {
                fence.body.push_str(line);
                fence.body.push('\n');
            }
            (None, Some(c)) if run >= 3 => {
                open = Some((
                    c,
                    run,
                    Fence {
                        info: trimmed[run..].trim().to_string(),
                        line: index + 1,
                        body: String::new(),
                    },
                ));
            }
            (None, _) => {}
        }
    }
    fences
}

/// The `(chapter folder, listing folder)` of each `{{#rustdoc_include}}` of
/// `body` that points into a listing tree of the book (any language's).
pub fn included_listings(body: &str, layout: &BookLayout) -> Vec<(String, String)> {
    const DIRECTIVE: &str = "{{#rustdoc_include";
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(DIRECTIVE) {
        let after = &rest[start + DIRECTIVE.len()..];
        let end = after.find("}}").unwrap_or(after.len());
        let argument = after[..end].split_whitespace().next().unwrap_or("");
        let path = argument.split(':').next().unwrap_or("");
        if let Some(listing) = listing_of_path(path, layout) {
            found.push(listing);
        }
        rest = &after[end..];
    }
    found
}

/// `../listings-sources/ch20-web-server/listing-20-22/src/lib.rs` ->
/// `("ch20-web-server", "listing-20-22")`.
fn listing_of_path(path: &str, layout: &BookLayout) -> Option<(String, String)> {
    let components: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect();
    for language in &layout.languages {
        let tree: Vec<&str> = language
            .tree_setting
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        if tree.is_empty() {
            continue;
        }
        for start in 0..components.len() {
            let after = start + tree.len();
            if components.get(start..after) == Some(&tree[..]) && components.len() > after + 1 {
                return Some((
                    components[after].to_string(),
                    components[after + 1].to_string(),
                ));
            }
        }
    }
    None
}

/// What one fence says about one listing.
#[derive(Debug, Clone)]
pub struct FenceStatement {
    /// `(chapter folder, listing folder)`.
    pub listing: (String, String),
    /// What it states.
    pub outcome: Outcome,
    /// `<chapter file>:<line> (```<info>)`, for messages.
    pub origin: String,
    /// The chapter it is in.
    pub chapter: PathBuf,
}

/// Every listing fence of `chapters`.
pub fn fence_statements(chapters: &[Chapter], layout: &BookLayout) -> Vec<FenceStatement> {
    let mut statements = Vec::new();
    for chapter in chapters {
        for fence in parse_fences(&chapter.text) {
            let outcome = if fence.info.contains(DOES_NOT_COMPILE) {
                Outcome::DoesNotCompile
            } else {
                Outcome::Compiles
            };
            for listing in included_listings(&fence.body, layout) {
                statements.push(FenceStatement {
                    listing,
                    outcome,
                    origin: format!("{}:{} (```{})", chapter.label, fence.line, fence.info),
                    chapter: chapter.path.clone(),
                });
            }
        }
    }
    statements
}

/// One `[[claim]]` of the claims file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    listing: toml::Spanned<String>,
    reason: String,
    quote: String,
    outcome: Option<Outcome>,
    errors: Option<Vec<String>>,
    warnings: Option<usize>,
    #[serde(default)]
    error_mentions: Vec<String>,
    #[serde(default)]
    warning_mentions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    #[serde(default)]
    claim: Vec<RawClaim>,
    /// The `[transcript]` section, read by [`crate::server::transcript`].
    #[serde(default, rename = "transcript")]
    _transcript: Option<toml::Table>,
    /// The `[server]` section, read by [`crate::server::source`].
    #[serde(default, rename = "server")]
    _server: Option<toml::Table>,
}

/// A claim of the text about a listing, with names in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The listing folder name.
    pub listing: String,
    /// `listing-expectations.toml:<line>`, for messages.
    pub origin: String,
    /// The sentence of the English chapter that makes the claim.
    pub quote: String,
    /// Why the claim is recorded.
    pub reason: String,
    /// Overrides the fence: the outcome the text states in prose.
    pub outcome: Option<Outcome>,
    /// The exact error codes, in order (so also their number).
    pub errors: Option<Vec<String>>,
    /// The exact number of warnings.
    pub warnings: Option<usize>,
    /// Names that must appear in the errors.
    pub error_mentions: Vec<String>,
    /// Names that must appear in the warnings.
    pub warning_mentions: Vec<String>,
}

/// Reads the claims file, with names translated into `language`.
pub fn load_claims(layout: &BookLayout, language: &str) -> Result<Vec<Claim>> {
    let path = layout.root.join(EXPECTATIONS_FILE);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let file: ClaimsFile =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let names = Glossary::load(layout, language)?;
    let mut claims = Vec::new();
    for raw in file.claim {
        let line = 1 + text[..raw.listing.span().start].matches('\n').count();
        let origin = format!("{}:{line}", path.display());
        if raw.reason.trim().is_empty() || raw.quote.trim().is_empty() {
            bail!("{origin}: a claim needs a non-empty `reason` and `quote`");
        }
        let says_nothing = raw.outcome.is_none()
            && raw.errors.is_none()
            && raw.warnings.is_none()
            && raw.error_mentions.is_empty()
            && raw.warning_mentions.is_empty();
        if says_nothing {
            bail!("{origin}: the claim states nothing (give `outcome`, `errors`, `warnings`, `error_mentions` or `warning_mentions`)");
        }
        claims.push(Claim {
            listing: raw.listing.into_inner(),
            origin,
            quote: raw.quote,
            reason: raw.reason,
            outcome: raw.outcome,
            errors: raw.errors,
            warnings: raw.warnings,
            error_mentions: raw
                .error_mentions
                .iter()
                .map(|n| names.translate(n).to_string())
                .collect(),
            warning_mentions: raw
                .warning_mentions
                .iter()
                .map(|n| names.translate(n).to_string())
                .collect(),
        });
    }
    Ok(claims)
}

/// Everything the book says about the listings of one language.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The language.
    pub language: String,
    /// Its fences that include a listing.
    pub fences: Vec<FenceStatement>,
    /// The claims of the claims file, names in this language.
    pub claims: Vec<Claim>,
}

/// What must hold for one listing.
#[derive(Debug, Clone)]
pub struct ListingExpectation {
    /// The outcome and where it is stated.
    pub outcome: Outcome,
    /// Where the outcome is stated (a fence or a claim).
    pub outcome_origin: String,
    /// The claims about it.
    pub claims: Vec<Claim>,
}

impl Expectations {
    /// Reads the chapters of `language` and the claims file.
    pub fn load(layout: &BookLayout, language: &str) -> Result<Self> {
        let chapters = chapters(layout, language)?;
        Ok(Self {
            language: language.to_string(),
            fences: fence_statements(&chapters, layout),
            claims: load_claims(layout, language)?,
        })
    }

    /// What must hold for `listing`: an error when nothing states its
    /// outcome or when its fences disagree.
    pub fn for_listing(&self, listing: &Listing) -> Result<ListingExpectation> {
        let key = (listing.chapter.clone(), listing.name.clone());
        let fences: Vec<&FenceStatement> =
            self.fences.iter().filter(|f| f.listing == key).collect();
        let claims: Vec<Claim> = self
            .claims
            .iter()
            .filter(|c| c.listing == listing.name)
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
        if overrides.len() > 1 {
            bail!(
                "{} and {} both state the outcome of {}: keep one",
                overrides[0].origin,
                overrides[1].origin,
                listing.name
            );
        }
        let (outcome, outcome_origin) = match (overrides.first(), fences.first()) {
            (Some(claim), _) => (
                claim.outcome.expect("an override has an outcome"),
                format!("{} (\"{}\")", claim.origin, claim.quote),
            ),
            (None, Some(fence)) => (fence.outcome, fence.origin.clone()),
            (None, None) => bail!(
                "no fence of the {} chapters includes {} and {} gives no `outcome` for it: nothing states whether it compiles",
                self.language,
                listing.id(),
                EXPECTATIONS_FILE
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
        self.fences
            .iter()
            .filter(|fence| {
                !listings.iter().any(|l| {
                    (l.chapter.as_str(), l.name.as_str())
                        == (fence.listing.0.as_str(), fence.listing.1.as_str())
                })
            })
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
    let chapters = chapters(layout, &layout.source_language)?;
    let fences = fence_statements(&chapters, layout);
    let mut listing_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for language in &layout.languages {
        let names = match crate::listings::discover(language) {
            Ok(listings) => listings.into_iter().map(|l| l.name).collect(),
            Err(_) => continue, // a missing tree has its own test
        };
        listing_names.insert(language.code.clone(), names);
    }

    let mut problems = Vec::new();
    for claim in &claims {
        for (language, names) in &listing_names {
            if !names.contains(&claim.listing) {
                problems.push(format!(
                    "{}: listing `{}` does not exist in the {language} tree",
                    claim.origin, claim.listing
                ));
            }
        }
        let own_fences: Vec<&FenceStatement> = fences
            .iter()
            .filter(|f| f.listing.1 == claim.listing)
            .collect();
        let Some(first_fence) = own_fences.first() else {
            problems.push(format!(
                "{}: no fence of the {} chapters includes listing `{}`",
                claim.origin, layout.source_language, claim.listing
            ));
            continue;
        };
        let quote = collapse_whitespace(&claim.quote);
        let quoted_in_own_chapter = own_fences.iter().any(|fence| {
            chapters
                .iter()
                .filter(|c| c.path == fence.chapter)
                .any(|c| collapse_whitespace(&c.text).contains(&quote))
        });
        if !quoted_in_own_chapter {
            problems.push(format!(
                "{}: the quote \"{}\" is not in {}, the chapter that shows `{}`",
                claim.origin,
                claim.quote,
                first_fence.chapter.display(),
                claim.listing
            ));
        }
        if let Some(outcome) = claim.outcome {
            if own_fences.iter().all(|fence| fence.outcome == outcome) {
                problems.push(format!(
                    "{}: `outcome = {outcome:?}` repeats what {} already says: remove it",
                    claim.origin, first_fence.origin
                ));
            }
        }
    }
    Ok(problems)
}

/// Runs of whitespace (line breaks of the Markdown included) -> one space.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The path of the claims file of the book at `root`.
pub fn expectations_path(root: &Path) -> PathBuf {
    root.join(EXPECTATIONS_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> BookLayout {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("book.toml"),
            "[book]\nlanguage = \"en\"\n[preprocessor.listings.trees]\nen = \"listings-sources\"\nfr = \"listings\"\n",
        )
        .unwrap();
        BookLayout::load(dir.path()).unwrap()
    }

    #[test]
    fn fences_and_their_listings() {
        let markdown = "\
Text

```rust,ignore,does_not_compile
{{#rustdoc_include ../listings-sources/ch20-web-server/listing-20-22/src/lib.rs:here}}
```

```console
{{#include ../listings-sources/ch20-web-server/listing-20-22/output.txt}}
```

````rust
```
{{#rustdoc_include ../listings/ch20-web-server/no-listing-08-final-code/src/lib.rs}}
````
";
        let fences = parse_fences(markdown);
        assert_eq!(fences.len(), 3);
        assert_eq!(fences[0].info, "rust,ignore,does_not_compile");
        assert_eq!(fences[0].line, 3);
        let layout = layout();
        assert_eq!(
            included_listings(&fences[0].body, &layout),
            [("ch20-web-server".to_string(), "listing-20-22".to_string())]
        );
        assert!(included_listings(&fences[1].body, &layout).is_empty());
        assert_eq!(
            included_listings(&fences[2].body, &layout),
            [(
                "ch20-web-server".to_string(),
                "no-listing-08-final-code".to_string()
            )]
        );
        let statements = fence_statements(
            &[Chapter {
                path: PathBuf::from("src/ch.md"),
                label: "src/ch.md".to_string(),
                text: markdown.to_string(),
            }],
            &layout,
        );
        let outcomes: Vec<_> = statements.iter().map(|s| s.outcome).collect();
        assert_eq!(outcomes, [Outcome::DoesNotCompile, Outcome::Compiles]);
        assert!(statements[0].origin.starts_with("src/ch.md:3 "));
    }

    #[test]
    fn quotes_match_across_line_breaks() {
        assert_eq!(
            collapse_whitespace("we aren’t\ncreating  any"),
            "we aren’t creating any"
        );
    }
}
