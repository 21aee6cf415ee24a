//! The skeptic tests of `tests/skeptic.rs` cover every Rust block of the
//! book as the reader sees it, and they can fail: a block that does not
//! compile fails for the reason its listing's `output.txt` shows, a block
//! whose hidden lines were dropped no longer compiles, and a translated
//! page cannot show English code.
//!
//! The real book's blocks are collected once, for every test here: a
//! broken block is compared with the real one, whose generated test
//! compiles it. The broken books are temporary copies of the real one
//! (`TempBook`), collected with `booktools::skeptic` directly; their blocks
//! are compiled both by skeptic's own `compile_test` (with the arguments
//! `build.rs` gave skeptic) and by plain rustc (for its messages).

use anyhow::Result;
use booktools::book::{repository_root, TempBook};
use booktools::languages::BookLayout;
use booktools::listings::verify::{diagnostics, Level};
use booktools::skeptic::{self, check_program, DoctestBlock, Expectation};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

/// The test file `build.rs` generated with skeptic.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));

/// The one test `build.rs` writes when the real book's blocks cannot be
/// collected (`booktools::skeptic::failing_tests_source`).
const NOT_COLLECTED: &str = "the_rust_blocks_of_the_book_are_collected";

/// The real book's blocks, collected once. `None` when `build.rs` could not
/// collect them: its one failing test names the file and line at fault, and
/// the tests here stop instead of failing beside it for the same cause.
fn real_blocks() -> Option<&'static [DoctestBlock]> {
    static BLOCKS: OnceLock<Vec<DoctestBlock>> = OnceLock::new();
    if GENERATED.contains(&format!("fn {NOT_COLLECTED}()")) {
        eprintln!("precondition: the real book's blocks cannot be collected, see {NOT_COLLECTED}");
        return None;
    }
    let collect = || skeptic::collect(&repository_root()).expect("build.rs collected them");
    Some(BLOCKS.get_or_init(collect))
}

/// The blocks of `language` that show `file` of `listing`.
fn shown<'a>(
    blocks: &'a [DoctestBlock],
    language: &str,
    listing: &str,
    file: &str,
) -> Vec<&'a DoctestBlock> {
    let shows = |b: &&DoctestBlock| {
        b.language == language
            && (b.origin.as_ref())
                .is_some_and(|f| f.listing.name == listing && f.file == Path::new(file))
    };
    blocks.iter().filter(shows).collect()
}

/// The tests of skeptic's generated file, by name: `(ignored, should_panic,
/// compile_test rather than run_test)`. skeptic writes each as attribute
/// lines, `#[test] fn <name>() {`, the program, one
/// `skeptic::rt::compile_test(` or `run_test(` call, and `}`.
fn generated_tests() -> BTreeMap<String, (bool, bool, bool)> {
    let mut tests = BTreeMap::new();
    let mut chunks = GENERATED.split("#[test] fn ");
    let mut before = chunks.next().unwrap_or("");
    for test in chunks {
        // The attributes follow the closing `}` of the test before.
        let attributes = before.rsplit("}\n").next().unwrap_or(before);
        let name = test.split("() {").next().unwrap_or("").to_string();
        let compile = test.contains("\n    skeptic::rt::compile_test(");
        let has = |attribute| attributes.lines().any(|line| line == attribute);
        tests.insert(name, (has("#[ignore]"), has("#[should_panic]"), compile));
        before = test;
    }
    tests
}

/// Whether `block`'s program compiles, by skeptic's `compile_test` (in the
/// very environment of the generated tests: the root, `OUT_DIR` and target
/// of their first `compile_test(r#"..."#, r#"..."#, r#"..."#, s)` call) and
/// by plain rustc, which must agree; rustc's messages.
fn compiles(block: &DoctestBlock) -> Result<(bool, String)> {
    let scratch = tempfile::tempdir()?;
    let checked = check_program(block, scratch.path(), &repository_root())?;
    let compiled = checked.status.success();
    let program = block.program();
    let call = (GENERATED.lines())
        .find_map(|line| line.trim_start().strip_prefix("skeptic::rt::compile_test("))
        .expect("skeptic generated a compile_test call");
    let arguments: Vec<&str> = (call.split("r#\"").skip(1))
        .map(|rest| rest.split("\"#").next().unwrap_or(""))
        .collect();
    let compile =
        || ::skeptic::rt::compile_test(arguments[0], arguments[1], arguments[2], &program);
    let under_skeptic = std::panic::catch_unwind(compile).is_ok();
    assert_eq!(under_skeptic, compiled, "{program}");
    Ok((compiled, checked.output))
}

#[test]
fn every_rust_block_of_every_language_is_a_real_skeptic_test() -> Result<()> {
    let Some(blocks) = real_blocks() else {
        return Ok(());
    };
    let scratch = tempfile::tempdir()?;
    let expected = skeptic::write_skeptic_docs(blocks, scratch.path())?;
    let generated = generated_tests();
    let mut expected_names: Vec<&str> = expected.tests.iter().map(|(n, _)| n.as_str()).collect();
    expected_names.sort();
    assert_eq!(
        generated.keys().map(String::as_str).collect::<Vec<_>>(),
        expected_names,
        "build.rs generated other tests than the book's blocks give today"
    );
    let layout = BookLayout::load(&repository_root())?;
    let mut per_language = BTreeMap::new();
    for (name, block) in &expected.tests {
        use Expectation::*;
        let wanted = (
            false,
            matches!(block.expectation, CompileError | Panics),
            matches!(block.expectation, CompileError | Compiles),
        );
        let context = format!("{name} ({}, {:?})", block.location, block.expectation);
        assert_eq!(generated[name], wanted, "{context}");
        assert!(
            name.starts_with(&format!("{}_", block.language)),
            "{context}"
        );
        *per_language.entry(block.language.as_str()).or_insert(0) += 1;
    }
    // Every language has its blocks, the same number in each.
    let codes: Vec<&str> = layout.languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(per_language.keys().copied().collect::<Vec<_>>(), codes);
    let source_count = per_language[layout.source_language.as_str()];
    assert!(source_count > 0);
    assert!(
        per_language.values().all(|&count| count == source_count),
        "{per_language:?}"
    );
    Ok(())
}

/// The header lines of the errors of a transcript.
fn error_headers(transcript: &str) -> Vec<String> {
    (diagnostics(transcript).into_iter())
        .filter(|diagnostic| diagnostic.level == Level::Error)
        .map(|diagnostic| diagnostic.text.lines().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn blocks_that_do_not_compile_fail_for_the_reason_their_listing_shows() -> Result<()> {
    let Some(blocks) = real_blocks() else {
        return Ok(());
    };
    let scratch = tempfile::tempdir()?;
    let failing: Vec<&DoctestBlock> = (blocks.iter())
        .filter(|block| block.expectation == Expectation::CompileError)
        .collect();
    assert!(!failing.is_empty());
    for block in failing {
        let at = format!("{} ({})", block.location, block.language);
        let file = block
            .origin
            .as_ref()
            .unwrap_or_else(|| panic!("{at}: a failing block shows a listing"));
        let output_file = file.listing.output_path();
        let expected = error_headers(&fs::read_to_string(&output_file)?);
        assert!(!expected.is_empty(), "{}: no error", output_file.display());
        let checked = check_program(block, scratch.path(), &repository_root())?;
        assert!(
            !checked.status.success(),
            "{at}: {} says it does not compile, yet rustc accepts it",
            block.stated_by
        );
        assert_eq!(
            error_headers(&checked.output),
            expected,
            "{at}: the block fails, but not with the errors of {}:\n{}",
            output_file.display(),
            checked.output
        );
    }
    Ok(())
}

#[test]
fn a_block_whose_hidden_lines_were_dropped_no_longer_compiles() -> Result<()> {
    let Some(real) = real_blocks() else {
        return Ok(());
    };
    let book = TempBook::copy_of_repository()?;
    let layout = BookLayout::load(book.root())?;
    // In the real book, its generated test compiles the block, hidden lines
    // included.
    for language in &layout.languages {
        let before = shown(real, &language.code, "listing-20-24", "src/lib.rs");
        assert_eq!(before.len(), 1, "{}", language.code);
        assert_eq!(before[0].expectation, Expectation::Compiles);
        assert!(before[0].code.contains("# "), "{}", before[0].code);
    }
    // `include` shows the anchored lines only: the rest of the file is gone.
    let source = shown(real, &layout.source_language, "listing-20-24", "src/lib.rs")[0];
    let chapter = source.location.split(':').next().expect("a chapter");
    let directive = source.source_description();
    let include = directive.replace("#rustdoc_include", "#include");
    book.replace_once(chapter, directive, &include)?;
    for language in &layout.languages {
        let blocks = skeptic::collect_language(book.root(), &language.code)?;
        let after = shown(&blocks, &language.code, "listing-20-24", "src/lib.rs");
        assert_eq!(after.len(), 1, "{}", language.code);
        assert!(!after[0].code.contains("# "), "{}", after[0].code);
        let (compiled, output) = compiles(after[0])?;
        assert!(
            !compiled,
            "{}: still compiles:\n{}",
            language.code,
            after[0].program()
        );
        let unknown = output.contains("error[E0412]") || output.contains("error[E0433]");
        assert!(unknown, "{output}");
    }
    Ok(())
}

#[test]
fn a_translated_program_with_english_code_does_not_compile() -> Result<()> {
    let Some(real) = real_blocks() else {
        return Ok(());
    };
    let book = TempBook::copy_of_repository()?;
    let layout = BookLayout::load(book.root())?;
    let english = layout.language(&layout.source_language).expect("a tree");
    let translated = (layout.languages.iter())
        .find(|language| language.code != layout.source_language)
        .expect("the book is translated");
    let (language, listing, file) = (&translated.code, "listing-20-25", "src/bin/main.rs");
    // In the real book the block compiles, here too: the control of the
    // harness `compiles` (a harness that always failed would agree with
    // rustc on every broken block).
    let before = shown(real, language, listing, file);
    assert_eq!(before.len(), 1);
    use Expectation::{Compiles, Runs};
    assert!(matches!(before[0].expectation, Compiles | Runs));
    let (compiled, output) = compiles(before[0])?;
    assert!(compiled, "{output}");
    // The English program in the translated tree: it uses the English crate,
    // which fails even where skeptic passes a crate of that name to rustc.
    let crate_dir = format!("ch20-web-server/{listing}");
    let program = format!("{crate_dir}/{file}");
    fs::copy(english.tree.join(&program), translated.tree.join(&program))?;
    let blocks = skeptic::collect_language(book.root(), language)?;
    let after = shown(&blocks, language, listing, file);
    let (compiled, output) = compiles(after[0])?;
    let at = format!(
        "English code against the `{language}` library:\n{}",
        after[0].program()
    );
    assert!(!compiled, "{at}");
    let manifest = english.tree.join(crate_dir).join("Cargo.toml");
    let english_package = booktools::listings::package_name(&manifest)?;
    assert!(output.contains(&format!("`{english_package}`")), "{output}");
    Ok(())
}

#[test]
fn no_translated_page_shows_the_code_of_the_source_language() -> Result<()> {
    let Some(blocks) = real_blocks() else {
        return Ok(());
    };
    let source_language = BookLayout::load(&repository_root())?.source_language;
    let shown = |block: &DoctestBlock| {
        (block.origin.as_ref()).map(|f| {
            (
                f.listing.chapter.clone(),
                f.listing.name.clone(),
                f.file.clone(),
            )
        })
    };
    let (source, translated): (Vec<_>, Vec<_>) =
        blocks.iter().partition(|b| b.language == source_language);
    let source: BTreeMap<_, String> = (source.iter())
        .filter_map(|block| Some((shown(block)?, skeptic::complete_code(&block.code))))
        .collect();
    let mut compared = 0;
    for block in translated {
        let Some(file) = shown(block) else { continue };
        let at = format!(
            "{} (`{}` book): {}",
            block.location,
            block.language,
            block.source_description()
        );
        let original = source
            .get(&file)
            .unwrap_or_else(|| panic!("{at} has no `{source_language}` counterpart"));
        assert_ne!(
            &skeptic::complete_code(&block.code),
            original,
            "{at} shows the very code of the `{source_language}` page"
        );
        compared += 1;
    }
    assert!(compared > 0);
    Ok(())
}
