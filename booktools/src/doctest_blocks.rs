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
//! `salutations`) so `use hello::ThreadPool;` resolves; code written in the
//! chapter itself is wrapped in `fn main` unless it has one, as rustdoc does.
//!
//! [`write_skeptic_docs`] writes one Markdown file per language and listing
//! file (`fr_listing_20_22_src_lib_rs.md`, plus its `.skt.md` templates), so
//! skeptic's test names say the language, the listing, the file and the line
//! (`fr_listing_20_22_src_lib_rs_line_3`).

use crate::book::{chapters_before_links, po_file, preprocessed_chapters, RenderedChapter};
use crate::expectations::{load_claims, Claim, Outcome, EXPECTATIONS_FILE, GLOSSARY_FILE};
use crate::languages::{BookLayout, BOOK_TOML};
use crate::listings::package_name;
use anyhow::{bail, Context, Result};
use mdbook_listings::directive::find_directives;
use mdbook_listings::trees::{normalize, ListingTrees};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

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

/// Where a block is written in the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The chapter's source file, relative to the book root (`src/ch.md`).
    pub chapter: PathBuf,
    /// The 1-based line of the block's opening fence.
    pub line: usize,
    /// `None` when `line` is a line of the source file; else the language
    /// whose translated Markdown `line` is counted in (the source file holds
    /// a different number of Rust blocks).
    pub translated: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.translated {
            None => write!(f, "{}:{}", self.chapter.display(), self.line),
            Some(language) => write!(
                f,
                "{} (`{language}` translated Markdown):{}",
                self.chapter.display(),
                self.line
            ),
        }
    }
}

/// How the file a block shows is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// `src/lib.rs` or a module of the library: compiled as a library.
    Library,
    /// `src/main.rs`, `src/bin/*.rs`, `examples/*.rs`: a program that uses
    /// its crate's library.
    Binary,
}

impl FileRole {
    /// The role of a file, from its path inside its crate.
    pub fn of(file_in_crate: &Path) -> FileRole {
        if file_in_crate == Path::new("src/main.rs")
            || file_in_crate.starts_with("src/bin")
            || file_in_crate.starts_with("examples")
        {
            FileRole::Binary
        } else {
            FileRole::Library
        }
    }
}

/// The listing file a block shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFile {
    /// The listing crate, absolute.
    pub crate_dir: PathBuf,
    /// The chapter folder of the listing (`ch20-web-server`).
    pub chapter_folder: String,
    /// The listing folder (`listing-20-22`).
    pub listing: String,
    /// The file inside the crate (`src/lib.rs`).
    pub file: PathBuf,
    /// `[package] name` of the crate (`hello`, `salutations`).
    pub package: String,
    /// `[package] edition` of the crate (`2015` when unset).
    pub edition: String,
    /// The directive as the chapter has it before `links`.
    pub directive: String,
}

impl ListingFile {
    /// How the file is compiled.
    pub fn role(&self) -> FileRole {
        FileRole::of(&self.file)
    }
}

/// Where the code of a block comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written in the chapter itself.
    Inline,
    /// Included from a listing crate of the page's language.
    Listing(ListingFile),
}

/// Code wrapped around a block to make it a program, as a skeptic template
/// (`skt-<name>`): `before` + the block's code + `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template's name (`library`, `binary`, `main`).
    pub name: String,
    /// Code put before the block.
    pub before: String,
    /// Code put after the block.
    pub after: String,
}

impl Template {
    /// The template as skeptic reads it: a `format!` string with `{}` where
    /// the block goes.
    pub fn skeptic_text(&self) -> String {
        format!(
            "{}{{}}{}",
            escape_braces(&self.before),
            escape_braces(&self.after)
        )
    }
}

fn escape_braces(code: &str) -> String {
    code.replace('{', "{{").replace('}', "}}")
}

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

impl Origin {
    /// The listing folder name, unless the code is written in the chapter.
    pub fn listing_name(&self) -> Option<&str> {
        match self {
            Origin::Listing(file) => Some(&file.listing),
            Origin::Inline => None,
        }
    }
}

/// Reads where the block comes from in the chapter before `links`.
fn origin_of(
    layout: &BookLayout,
    trees: &ListingTrees,
    language: &str,
    location: &Location,
    source: &FencedBlock,
) -> Result<Origin> {
    let directives = find_directives(&source.body);
    let directive = match directives.as_slice() {
        [] => return Ok(Origin::Inline),
        [only] if source.body.trim() == only.text(&source.body) => only,
        _ => bail!(
            "{location} (`{language}` book): a Rust block must hold either code or exactly one \
             include directive, and nothing else; found:\n{}",
            source.body
        ),
    };
    let text = directive.text(&source.body).to_string();
    let chapter_dir = location.chapter.parent().unwrap_or(Path::new(""));
    let written = Path::new(&directive.path);
    let in_root = if written.is_absolute() {
        match written.strip_prefix(&layout.root) {
            Ok(inside) => normalize(inside),
            Err(_) => written.to_path_buf(),
        }
    } else {
        normalize(&chapter_dir.join(written))
    };
    let tree_of_page = layout
        .language(language)
        .map(|tree| tree.tree_setting.as_str())
        .unwrap_or("?");
    let located = trees.locate(&in_root);
    let inside = match located {
        Some((tree_language, inside)) if tree_language == language => inside,
        Some((tree_language, _)) => bail!(
            "{location} (`{language}` book): {text} shows {}, a file of the `{tree_language}` \
             listing tree; a `{language}` page must show code of the `{language}` tree \
             `{tree_of_page}`",
            in_root.display()
        ),
        None => bail!(
            "{location} (`{language}` book): {text} shows {}, which is in no listing tree; a \
             `{language}` page must show code of the `{language}` tree `{tree_of_page}`",
            in_root.display()
        ),
    };
    let tree = layout.root.join(tree_of_page);
    let file = tree.join(inside);
    let (real_file, real_tree) = (canonical(&file)?, canonical(&tree)?);
    if !real_file.starts_with(&real_tree) {
        bail!(
            "{location} (`{language}` book): {text} shows {}, which is really {}, outside the \
             `{language}` listing tree `{tree_of_page}`",
            in_root.display(),
            real_file.display()
        );
    }
    let Some(crate_dir) = file
        .ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(&tree) && *dir != tree)
        .find(|dir| dir.join("Cargo.toml").is_file())
    else {
        bail!(
            "{location} (`{language}` book): {text} shows {}, which is in no listing crate \
             (no Cargo.toml above it in the `{language}` tree)",
            in_root.display()
        );
    };
    let manifest = crate_dir.join("Cargo.toml");
    Ok(Origin::Listing(ListingFile {
        chapter_folder: folder_name(crate_dir.parent().unwrap_or(crate_dir)),
        listing: folder_name(crate_dir),
        file: file
            .strip_prefix(crate_dir)
            .expect("the crate folder is an ancestor of the file")
            .to_path_buf(),
        package: package_name(&manifest)?,
        edition: edition(&manifest)?,
        crate_dir: crate_dir.to_path_buf(),
        directive: text,
    }))
}

fn canonical(path: &Path) -> Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("resolving {}", path.display()))
}

fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `[package] edition` of a `Cargo.toml` (`2015` when unset, as Cargo reads it).
fn edition(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest.display()))?;
    Ok(table
        .get("package")
        .and_then(|package| package.get("edition"))
        .and_then(toml::Value::as_str)
        .unwrap_or("2015")
        .to_string())
}

/// The code wrapped around a block, from the file it shows.
fn template_for(origin: &Origin, complete: &str) -> Result<Option<Template>> {
    match origin {
        Origin::Inline => Ok((!complete.contains("fn main")).then(|| Template {
            name: "main".to_string(),
            before: "fn main() {\n".to_string(),
            after: "}\n".to_string(),
        })),
        Origin::Listing(file) => match file.role() {
            FileRole::Library => Ok(Some(Template {
                name: "library".to_string(),
                before: String::new(),
                after: format!(
                    "\n// Added for the test: {} of `{}` compiled as a program.\nfn main() {{}}\n",
                    file.file.display(),
                    file.package
                ),
            })),
            FileRole::Binary => {
                let library = file.crate_dir.join("src/lib.rs");
                if !library.is_file() {
                    return Ok(None);
                }
                let code = std::fs::read_to_string(&library)
                    .with_context(|| format!("reading {}", library.display()))?;
                let module = file.package.replace('-', "_");
                Ok(Some(Template {
                    name: "binary".to_string(),
                    before: String::new(),
                    after: format!(
                        "\n// Added for the test: the library of this listing \
                         ({}), as the crate `{module}` the program uses.\n\
                         mod {module} {{\n{code}}}\n",
                        library.display()
                    ),
                }))
            }
        },
    }
}

/// Gives every block the name of its skeptic Markdown file:
/// `<language>_<listing>_<file>` (`<language>_<chapter>` for inline code),
/// with the listing's chapter folder added when two listing files would
/// share a name.
fn name_files(blocks: &mut [DoctestBlock]) {
    let short = |block: &DoctestBlock| match &block.origin {
        Origin::Listing(file) => sanitize_name(&format!(
            "{}_{}_{}",
            block.language,
            file.listing,
            file.file.display()
        )),
        Origin::Inline => sanitize_name(&format!(
            "{}_{}",
            block.language,
            block
                .location
                .chapter
                .file_stem()
                .map(|stem| stem.to_string_lossy())
                .unwrap_or_default()
        )),
    };
    let identity = |block: &DoctestBlock| match &block.origin {
        Origin::Listing(file) => file.crate_dir.join(&file.file),
        Origin::Inline => block.location.chapter.clone(),
    };
    let mut owners: BTreeMap<String, BTreeSet<PathBuf>> = BTreeMap::new();
    for block in blocks.iter() {
        owners
            .entry(short(block))
            .or_default()
            .insert(identity(block));
    }
    for block in blocks.iter_mut() {
        let name = short(block);
        block.file_stem = match &block.origin {
            Origin::Listing(file) if owners[&name].len() > 1 => sanitize_name(&format!(
                "{}_{}_{}_{}",
                block.language,
                file.chapter_folder,
                file.listing,
                file.file.display()
            )),
            _ => name,
        };
    }
}

/// One test skeptic generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedTest {
    /// The test function's name (`fr_listing_20_22_src_lib_rs_line_3`).
    pub name: String,
    /// The page's language.
    pub language: String,
    /// What it checks.
    pub expectation: Expectation,
    /// Where the block is written in the book.
    pub location: Location,
}

/// The Markdown files written for skeptic and the tests it will make of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkepticDocs {
    /// The Markdown files to pass to `skeptic::generate_doc_tests`.
    pub files: Vec<PathBuf>,
    /// The tests, in book order per language.
    pub tests: Vec<GeneratedTest>,
}

/// The time given to the files written for skeptic. skeptic declares them
/// `rerun-if-changed`, but they are outputs of the build script: dated in
/// the past, they never make Cargo run it again.
const GENERATED_FILE_TIME: Duration = Duration::from_secs(946_684_800); // 2000-01-01

/// Writes one Markdown file per language and listing file into `dir` (with
/// its skeptic templates beside it, `<name>.md.skt.md`), removes the
/// Markdown files of earlier runs that are no longer produced, and returns
/// them with the names of the tests skeptic will generate.
pub fn write_skeptic_docs(blocks: &[DoctestBlock], dir: &Path) -> Result<SkepticDocs> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut groups: Vec<(&str, Vec<&DoctestBlock>)> = Vec::new();
    for block in blocks {
        match groups.iter_mut().find(|(stem, _)| *stem == block.file_stem) {
            Some((_, members)) => members.push(block),
            None => groups.push((&block.file_stem, vec![block])),
        }
    }
    let mut docs = SkepticDocs {
        files: Vec::new(),
        tests: Vec::new(),
    };
    let mut written = BTreeSet::new();
    for (stem, members) in groups {
        let (markdown, tests) = skeptic_markdown(stem, &members)?;
        let file = dir.join(format!("{stem}.md"));
        write_generated(&file, &markdown)?;
        written.insert(file.clone());
        let templates = skeptic_templates(&members)?;
        if !templates.is_empty() {
            let file = dir.join(format!("{stem}.md.skt.md"));
            write_generated(&file, &templates)?;
            written.insert(file);
        }
        docs.files.push(file);
        docs.tests.extend(tests);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "md") && !written.contains(&path) {
            std::fs::remove_file(&path)
                .with_context(|| format!("removing the stale {}", path.display()))?;
        }
    }
    Ok(docs)
}

/// The Markdown skeptic reads for the blocks of one file, and the tests it
/// makes of it: one fenced block per book block, preceded by a comment
/// saying where it is in the book. skeptic names a test after the file and
/// the (0-based) line of the block's first line of code.
fn skeptic_markdown(stem: &str, members: &[&DoctestBlock]) -> Result<(String, Vec<GeneratedTest>)> {
    let mut markdown = String::new();
    let mut tests = Vec::new();
    for block in members {
        if !markdown.is_empty() {
            markdown.push('\n');
        }
        for (what, text) in [("code", &block.code), ("template", &template_text(block))] {
            if text.contains("\"####") {
                bail!(
                    "{} (`{}` book): the {what} of {} holds `\"####`, which skeptic cannot quote",
                    block.location,
                    block.language,
                    block.source_description()
                );
            }
        }
        markdown.push_str(&format!(
            "<!-- {}: {} ({}), fence `{}` -->\n\n",
            block.location,
            block.source_description().replace("--", "- -"),
            block.language,
            block.info
        ));
        let fence = fence_for(&block.code);
        markdown.push_str(&format!("{fence}{}\n", block.skeptic_info()));
        let first_code_line = markdown.lines().count();
        tests.push(GeneratedTest {
            name: format!("{stem}_line_{first_code_line}"),
            language: block.language.clone(),
            expectation: block.expectation,
            location: block.location.clone(),
        });
        markdown.push_str(&block.code);
        if !block.code.is_empty() && !block.code.ends_with('\n') {
            markdown.push('\n');
        }
        markdown.push_str(&format!("{fence}\n"));
    }
    Ok((markdown, tests))
}

fn template_text(block: &DoctestBlock) -> String {
    block
        .template
        .as_ref()
        .map(Template::skeptic_text)
        .unwrap_or_default()
}

/// The templates of one file's blocks, as skeptic reads them from
/// `<name>.md.skt.md`.
fn skeptic_templates(members: &[&DoctestBlock]) -> Result<String> {
    let mut by_name: BTreeMap<&str, &Template> = BTreeMap::new();
    for block in members {
        if let Some(template) = &block.template {
            if let Some(other) = by_name.insert(&template.name, template) {
                if other != template {
                    bail!(
                        "{}: two different `{}` templates for the blocks of one file",
                        block.location,
                        template.name
                    );
                }
            }
        }
    }
    let mut markdown = String::new();
    for (name, template) in by_name {
        let text = template.skeptic_text();
        let fence = fence_for(&text);
        markdown.push_str(&format!("{fence}rust,skt-{name}\n{text}"));
        if !text.ends_with('\n') {
            markdown.push('\n');
        }
        markdown.push_str(&format!("{fence}\n\n"));
    }
    Ok(markdown)
}

/// A backtick fence longer than any backtick run of `code`.
fn fence_for(code: &str) -> String {
    let longest = code
        .split(|c: char| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Writes `contents` unless the file already holds it, and dates it in the
/// past ([`GENERATED_FILE_TIME`]).
fn write_generated(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    file.set_modified(SystemTime::UNIX_EPOCH + GENERATED_FILE_TIME)
        .with_context(|| format!("dating {}", path.display()))?;
    Ok(())
}

/// Everything the rendered Rust blocks are made from, for the build script's
/// `cargo:rerun-if-changed`: `book.toml`, the Markdown sources, the gettext
/// catalogs of the translated languages, the claims file and the glossary
/// that translates its names, and every file of the listing
/// trees (not their `target` folders, which a build inside a listing would
/// keep changing).
pub fn inputs(root: &Path) -> Result<Vec<PathBuf>> {
    let layout = BookLayout::load(root)?;
    let mut inputs = vec![root.join(BOOK_TOML), layout.src.clone()];
    for optional in [EXPECTATIONS_FILE, GLOSSARY_FILE] {
        if root.join(optional).is_file() {
            inputs.push(root.join(optional));
        }
    }
    for language in &layout.languages {
        if language.code != layout.source_language {
            inputs.push(po_file(root, &language.code)?);
        }
        let files = walkdir::WalkDir::new(&language.tree)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| !(entry.file_type().is_dir() && entry.file_name() == "target"));
        for entry in files {
            let entry = entry.with_context(|| format!("listing {}", language.tree.display()))?;
            if entry.file_type().is_file() {
                inputs.push(entry.into_path());
            }
        }
    }
    Ok(inputs)
}

/// The test file to generate instead of skeptic's when the blocks cannot be
/// collected (a broken include, a block from the wrong tree): one test that
/// fails with the error, so `cargo test` reports it without the other test
/// binaries of the package failing to build.
pub fn failing_tests_source(error: &anyhow::Error) -> String {
    let message = format!("{error:#}");
    let hashes = "#".repeat(
        (1..)
            .find(|&count| !message.contains(&format!("\"{}", "#".repeat(count))))
            .expect("some number of hashes is not in the message"),
    );
    format!(
        "#[test]\nfn the_rust_blocks_of_the_book_are_collected() {{\n    \
         panic!(\"{{}}\", r{hashes}\"{message}\"{hashes});\n}}\n"
    )
}

mod rustc;
pub use rustc::{check_program, CHECK_TIMEOUT};

#[cfg(test)]
mod tests;
