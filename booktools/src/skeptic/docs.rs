//! The Markdown files skeptic reads (one per language and listing file,
//! with their templates), the names of the tests it makes of them, and what
//! the build script must watch.

use super::{DoctestBlock, Template};
use crate::i18n::glossary::GLOSSARY_FILE;
use crate::languages::{BookLayout, BOOK_TOML};
use crate::listings::expectations::EXPECTATIONS_FILE;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The Markdown files written for skeptic and the tests it will make of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SkepticDocs {
    /// The Markdown files to pass to `skeptic::generate_doc_tests`.
    pub files: Vec<PathBuf>,
    /// The name of each test skeptic will generate
    /// (`fr_ch20_web_server_listing_20_22_src_lib_rs_line_3`) and its block.
    pub tests: Vec<(String, DoctestBlock)>,
}

/// The time given to the files written for skeptic. skeptic declares them
/// `rerun-if-changed`, but they are outputs of the build script: dated in
/// the past, they never make Cargo run it again.
pub(super) const GENERATED_FILE_TIME: Duration = Duration::from_secs(946_684_800); // 2000-01-01

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
    let mut docs = SkepticDocs::default();
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
fn skeptic_markdown(
    stem: &str,
    members: &[&DoctestBlock],
) -> Result<(String, Vec<(String, DoctestBlock)>)> {
    let mut markdown = String::new();
    let mut tests = Vec::new();
    for block in members {
        if !markdown.is_empty() {
            markdown.push('\n');
        }
        let template = block.template.as_ref().map(Template::skeptic_text);
        for (what, text) in [
            ("code", &block.code),
            ("template", &template.unwrap_or_default()),
        ] {
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
        let mut info = vec!["rust"];
        info.extend(block.expectation.skeptic_attributes());
        let template = block.template.as_ref().map(|t| format!("skt-{}", t.name));
        info.extend(template.as_deref());
        markdown.push_str(&format!("{fence}{}\n", info.join(",")));
        let first_code_line = markdown.lines().count();
        tests.push((format!("{stem}_line_{first_code_line}"), (*block).clone()));
        markdown.push_str(&block.code);
        if !block.code.is_empty() && !block.code.ends_with('\n') {
            markdown.push('\n');
        }
        markdown.push_str(&format!("{fence}\n"));
    }
    Ok((markdown, tests))
}

/// The templates of one file's blocks, as skeptic reads them from
/// `<name>.md.skt.md`.
fn skeptic_templates(members: &[&DoctestBlock]) -> Result<String> {
    let mut by_name: BTreeMap<&str, &Template> = BTreeMap::new();
    for block in members {
        if let Some(template) = &block.template {
            if let Some(other) = by_name.insert(template.name, template) {
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
pub(super) fn fence_for(code: &str) -> String {
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
            inputs.push(layout.po_file(&language.code));
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
