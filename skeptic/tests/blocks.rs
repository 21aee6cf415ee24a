//! The skeptic tests of `tests/skeptic.rs` cover every Rust block of the
//! book as the reader sees it, and they can fail: a block that does not
//! compile fails for the reason its listing's `output.txt` shows, a block
//! whose hidden lines were dropped no longer compiles, and a French page
//! cannot show English code.
//!
//! The broken books are temporary copies of the real one
//! (`booktools::book::copy_book_to`); their blocks are collected with
//! `booktools::skeptic` directly, instead of going through
//! `build.rs`, and compiled both by skeptic's own `compile_test` (with the
//! arguments `build.rs` gave skeptic: every dependency of the root package
//! as `--extern`) and by plain rustc (for its messages).

use anyhow::Result;
use booktools::languages::BookLayout;
use booktools::listings::diagnostics::{self, Level};
use booktools::skeptic::{self, check_program, DoctestBlock, Expectation};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The book (and the pinned toolchain's `rust-toolchain.toml`): the
/// workspace root, this package's parent folder.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the skeptic package lives in the book's folder")
}

/// The test file `build.rs` generated with skeptic.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));

/// One generated test, as `tests/skeptic.rs` runs it.
#[derive(Debug, PartialEq, Eq)]
struct Generated {
    ignored: bool,
    should_panic: bool,
    /// `compile_test` (true) or `run_test` (false).
    compile_only: bool,
}

/// The tests of skeptic's generated file, by name. skeptic writes each as
/// attribute lines, `#[test] fn <name>() {`, the program in raw strings,
/// then one `skeptic::rt::compile_test(` or `run_test(` call.
fn generated_tests() -> BTreeMap<String, Generated> {
    let mut tests = BTreeMap::new();
    let mut attributes = Vec::new();
    let mut current: Option<(String, Generated)> = None;
    for line in GENERATED.lines() {
        if let Some(name) = line
            .strip_prefix("#[test] fn ")
            .and_then(|rest| rest.strip_suffix("() {"))
        {
            tests.extend(current.take());
            current = Some((
                name.to_string(),
                Generated {
                    ignored: attributes.contains(&"#[ignore]"),
                    should_panic: attributes.contains(&"#[should_panic]"),
                    compile_only: false,
                },
            ));
            attributes.clear();
        } else if line == "#[ignore]" || line == "#[should_panic]" {
            attributes.push(line);
        } else if line.starts_with("    skeptic::rt::compile_test(") {
            if let Some((_, test)) = current.as_mut() {
                test.compile_only = true;
            }
        }
    }
    tests.extend(current);
    tests
}

/// The root, `OUT_DIR` and target triple `build.rs` gave skeptic, read from
/// its first `compile_test(r#"..."#, r#"..."#, r#"..."#, s)` call.
fn skeptic_arguments() -> [String; 3] {
    let call = GENERATED
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("skeptic::rt::compile_test("))
        .expect("skeptic generated a compile_test call");
    let arguments: Vec<String> = call
        .split("r#\"")
        .skip(1)
        .map(|rest| rest.split("\"#").next().unwrap_or("").to_string())
        .collect();
    [
        arguments[0].clone(),
        arguments[1].clone(),
        arguments[2].clone(),
    ]
}

/// Whether skeptic's `compile_test` accepts `program`, in the very
/// environment of the generated tests (it panics when rustc fails).
fn compiles_under_skeptic(program: &str) -> bool {
    let [root, out_dir, target] = skeptic_arguments();
    std::panic::catch_unwind(|| ::skeptic::rt::compile_test(&root, &out_dir, &target, program))
        .is_ok()
}

#[test]
fn every_rust_block_of_every_language_is_a_real_skeptic_test() -> Result<()> {
    let blocks = skeptic::collect(root())?;
    let scratch = tempfile::tempdir()?;
    let expected = skeptic::write_skeptic_docs(&blocks, scratch.path())?;
    let generated = generated_tests();
    let expected_names: Vec<&str> = expected.tests.iter().map(|t| t.name.as_str()).collect();
    let generated_names: Vec<&str> = generated.keys().map(String::as_str).collect();
    let mut sorted_expected = expected_names.clone();
    sorted_expected.sort();
    assert_eq!(
        generated_names, sorted_expected,
        "build.rs generated other tests than the book's blocks give today"
    );
    for test in &expected.tests {
        let found = &generated[&test.name];
        let wanted = Generated {
            ignored: false,
            should_panic: matches!(
                test.expectation,
                Expectation::CompileError | Expectation::Panics
            ),
            compile_only: matches!(
                test.expectation,
                Expectation::CompileError | Expectation::Compiles
            ),
        };
        assert_eq!(
            *found, wanted,
            "{} ({}, {:?})",
            test.name, test.location, test.expectation
        );
    }
    // Every language has its blocks, the same number in each, and each name
    // says its language.
    let layout = BookLayout::load(root())?;
    let mut per_language = BTreeMap::new();
    for test in &expected.tests {
        assert!(
            test.name.starts_with(&format!("{}_", test.language)),
            "{}",
            test.name
        );
        *per_language.entry(test.language.as_str()).or_insert(0) += 1;
    }
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

/// The `error[...]: ...` header lines of the errors of a transcript.
fn error_headers(transcript: &str) -> Vec<String> {
    diagnostics::parse(transcript)
        .into_iter()
        .filter(|diagnostic| diagnostic.level == Level::Error)
        .map(|diagnostic| diagnostic.text.lines().next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn blocks_that_do_not_compile_fail_for_the_reason_their_listing_shows() -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let failing: Vec<DoctestBlock> = skeptic::collect(root())?
        .into_iter()
        .filter(|block| block.expectation == Expectation::CompileError)
        .collect();
    assert!(!failing.is_empty());
    for block in &failing {
        let file = block
            .listing_file()
            .unwrap_or_else(|| panic!("{}: a failing block shows a listing", block.location));
        let output_file = file.crate_dir.join("output.txt");
        let recorded = fs::read_to_string(&output_file)
            .unwrap_or_else(|error| panic!("{}: {error}", output_file.display()));
        let checked = check_program(block, scratch.path(), root())?;
        assert!(
            !checked.status.success(),
            "{} ({}): {} says it does not compile, yet rustc accepts it",
            block.location,
            block.language,
            block.stated_by
        );
        let expected = error_headers(&recorded);
        assert!(!expected.is_empty(), "{}: no error", output_file.display());
        assert_eq!(
            error_headers(&checked.output),
            expected,
            "{} ({}): the block fails, but not with the errors of {}:\n{}",
            block.location,
            block.language,
            output_file.display(),
            checked.output
        );
    }
    Ok(())
}

/// A copy of the book in a temporary folder.
fn book_copy() -> Result<tempfile::TempDir> {
    let copy = tempfile::tempdir()?;
    booktools::book::copy_book_to(root(), copy.path())?;
    Ok(copy)
}

/// The chapter holding `directive` (pointing at the source language's
/// tree), in the copy at `root`.
fn chapter_with(root: &Path, directive: &str) -> Result<PathBuf> {
    let layout = BookLayout::load(root)?;
    for entry in fs::read_dir(&layout.src)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "md")
            && fs::read_to_string(&path)?.contains(directive)
        {
            return Ok(path);
        }
    }
    panic!("no chapter of {} holds {directive}", root.display());
}

fn replace_in(file: &Path, from: &str, to: &str) -> Result<()> {
    let text = fs::read_to_string(file)?;
    assert!(text.contains(from), "{} lacks {from}", file.display());
    fs::write(file, text.replacen(from, to, 1))?;
    Ok(())
}

/// The blocks of `language` in the book at `root` that show `file` of
/// `listing`.
fn blocks_of(root: &Path, language: &str, listing: &str, file: &str) -> Result<Vec<DoctestBlock>> {
    Ok(skeptic::collect_language(root, language)?
        .into_iter()
        .filter(|block| {
            block
                .listing_file()
                .is_some_and(|f| f.listing == listing && f.file == Path::new(file))
        })
        .collect())
}

/// The tree folder of `language` in `book.toml`.
fn tree(root: &Path, language: &str) -> Result<String> {
    Ok(BookLayout::load(root)?
        .language(language)
        .unwrap_or_else(|| panic!("no `{language}` tree"))
        .tree_setting
        .clone())
}

const SOURCE_LANGUAGE_FILE: &str = "ch20-web-server/listing-20-24/src/lib.rs";

#[test]
fn a_block_whose_hidden_lines_were_dropped_no_longer_compiles() -> Result<()> {
    let copy = book_copy()?;
    let layout = BookLayout::load(copy.path())?;
    let scratch = tempfile::tempdir()?;
    let english_tree = tree(copy.path(), &layout.source_language)?;
    let directive =
        format!("{{{{#rustdoc_include ../{english_tree}/{SOURCE_LANGUAGE_FILE}:here}}}}");
    let chapter = chapter_with(copy.path(), &directive)?;
    for language in &layout.languages {
        let before = blocks_of(copy.path(), &language.code, "listing-20-24", "src/lib.rs")?;
        assert_eq!(before.len(), 1, "{}", language.code);
        assert_eq!(before[0].expectation, Expectation::Compiles);
        let checked = check_program(&before[0], scratch.path(), root())?;
        assert!(checked.status.success(), "{}", checked.output);
        assert!(compiles_under_skeptic(&before[0].program()));
    }
    // `include` shows the anchored lines only: the rest of the file is gone.
    replace_in(
        &chapter,
        &directive,
        &directive.replace("#rustdoc_include", "#include"),
    )?;
    for language in &layout.languages {
        let after = blocks_of(copy.path(), &language.code, "listing-20-24", "src/lib.rs")?;
        assert_eq!(after.len(), 1, "{}", language.code);
        assert!(!after[0].code.contains("# "), "{}", after[0].code);
        let checked = check_program(&after[0], scratch.path(), root())?;
        assert!(
            !checked.status.success(),
            "{}: the block lost its hidden lines but still compiles:\n{}",
            language.code,
            after[0].program()
        );
        assert!(
            checked.output.contains("error[E0412]") || checked.output.contains("error[E0433]"),
            "{}",
            checked.output
        );
        assert!(!compiles_under_skeptic(&after[0].program()));
    }
    Ok(())
}

/// A language other than the book's own.
fn translated_language(root: &Path) -> Result<String> {
    let layout = BookLayout::load(root)?;
    Ok(layout
        .languages
        .iter()
        .find(|language| language.code != layout.source_language)
        .expect("the book is translated")
        .code
        .clone())
}

#[test]
fn a_translated_block_showing_a_file_outside_its_tree_is_an_error() -> Result<()> {
    let copy = book_copy()?;
    let layout = BookLayout::load(copy.path())?;
    let language = translated_language(copy.path())?;
    let english_tree = tree(copy.path(), &layout.source_language)?;
    // The English listing, copied out of the trees, where the `listings`
    // preprocessor does not point it at the translated tree.
    let listing = "ch20-web-server/listing-20-24";
    let outside = copy.path().join("english-copy").join(listing);
    fs::create_dir_all(outside.join("src"))?;
    for file in ["Cargo.toml", "src/lib.rs"] {
        fs::copy(
            copy.path().join(&english_tree).join(listing).join(file),
            outside.join(file),
        )?;
    }
    let directive =
        format!("{{{{#rustdoc_include ../{english_tree}/{SOURCE_LANGUAGE_FILE}:here}}}}");
    let chapter = chapter_with(copy.path(), &directive)?;
    replace_in(
        &chapter,
        &directive,
        &directive.replace(&english_tree, "english-copy"),
    )?;
    let error = format!(
        "{:#}",
        skeptic::collect_language(copy.path(), &language).unwrap_err()
    );
    let chapter_name = chapter.strip_prefix(copy.path())?.display().to_string();
    assert!(error.contains(&format!("{chapter_name}:")), "{error}");
    assert!(error.contains(&format!("(`{language}` book)")), "{error}");
    assert!(
        error.contains(&format!(
            "english-copy/{SOURCE_LANGUAGE_FILE}, which is in no listing tree"
        )),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_translated_file_linked_to_the_english_one_is_an_error() -> Result<()> {
    let copy = book_copy()?;
    let layout = BookLayout::load(copy.path())?;
    let language = translated_language(copy.path())?;
    let english = copy
        .path()
        .join(tree(copy.path(), &layout.source_language)?)
        .join(SOURCE_LANGUAGE_FILE);
    let translated = copy
        .path()
        .join(tree(copy.path(), &language)?)
        .join(SOURCE_LANGUAGE_FILE);
    fs::remove_file(&translated)?;
    std::os::unix::fs::symlink(&english, &translated)?;
    let error = format!(
        "{:#}",
        skeptic::collect_language(copy.path(), &language).unwrap_err()
    );
    assert!(error.contains(&format!("(`{language}` book)")), "{error}");
    assert!(
        error.contains(&format!(
            "which is really {}",
            english.canonicalize()?.display()
        )),
        "{error}"
    );
    Ok(())
}

#[test]
fn a_translated_program_with_english_code_does_not_compile() -> Result<()> {
    let copy = book_copy()?;
    let layout = BookLayout::load(copy.path())?;
    let language = translated_language(copy.path())?;
    let scratch = tempfile::tempdir()?;
    let program = "ch20-web-server/listing-20-25/src/bin/main.rs";
    let before = blocks_of(copy.path(), &language, "listing-20-25", "src/bin/main.rs")?;
    assert_eq!(before.len(), 1);
    assert!(check_program(&before[0], scratch.path(), root())?
        .status
        .success());
    assert!(compiles_under_skeptic(&before[0].program()));
    // The English program in the translated tree: it uses the English crate.
    fs::copy(
        copy.path()
            .join(tree(copy.path(), &layout.source_language)?)
            .join(program),
        copy.path()
            .join(tree(copy.path(), &language)?)
            .join(program),
    )?;
    let after = blocks_of(copy.path(), &language, "listing-20-25", "src/bin/main.rs")?;
    let checked = check_program(&after[0], scratch.path(), root())?;
    assert!(
        !checked.status.success(),
        "an English program compiled against the `{language}` library:\n{}",
        after[0].program()
    );
    let english_package = booktools::listings::package_name(
        &copy
            .path()
            .join(tree(copy.path(), &layout.source_language)?)
            .join("ch20-web-server/listing-20-25/Cargo.toml"),
    )?;
    assert!(
        checked.output.contains(&format!("`{english_package}`")),
        "{}",
        checked.output
    );
    // Even where skeptic passes a crate of the English name to rustc.
    assert!(!compiles_under_skeptic(&after[0].program()));
    Ok(())
}

#[test]
fn a_missing_translated_listing_fails_instead_of_showing_english_code() -> Result<()> {
    let copy = book_copy()?;
    let language = translated_language(copy.path())?;
    let translated_tree = tree(copy.path(), &language)?;
    fs::remove_file(
        copy.path()
            .join(&translated_tree)
            .join(SOURCE_LANGUAGE_FILE),
    )?;
    let error = format!(
        "{:#}",
        skeptic::collect_language(copy.path(), &language).unwrap_err()
    );
    assert!(
        error.contains(&format!(
            "file not found: {translated_tree}/{SOURCE_LANGUAGE_FILE}"
        )),
        "{error}"
    );
    Ok(())
}

#[test]
fn no_translated_page_shows_the_code_of_the_source_language() -> Result<()> {
    let layout = BookLayout::load(root())?;
    let blocks = skeptic::collect(root())?;
    let shown_file = |block: &DoctestBlock| {
        block.listing_file().map(|file| {
            (
                file.chapter_folder.clone(),
                file.listing.clone(),
                file.file.clone(),
            )
        })
    };
    let source: BTreeMap<_, String> = blocks
        .iter()
        .filter(|block| block.language == layout.source_language)
        .filter_map(|block| Some((shown_file(block)?, block.complete_code())))
        .collect();
    let mut compared = 0;
    for block in blocks
        .iter()
        .filter(|block| block.language != layout.source_language)
    {
        let Some(file) = shown_file(block) else {
            continue;
        };
        let Some(original) = source.get(&file) else {
            panic!(
                "{} (`{}` book): {} has no `{}` counterpart",
                block.location,
                block.language,
                block.source_description(),
                layout.source_language
            );
        };
        assert_ne!(
            &block.complete_code(),
            original,
            "{} (`{}` book): {} shows the very code of the `{}` page",
            block.location,
            block.language,
            block.source_description(),
            layout.source_language
        );
        compared += 1;
    }
    assert!(compared > 0);
    Ok(())
}
