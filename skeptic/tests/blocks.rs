//! The skeptic tests of `tests/skeptic.rs` cover every Rust block of the
//! book as the reader sees it, and they can fail: a block that does not
//! compile fails for the reason its listing's `output.txt` shows, a block
//! whose hidden lines were dropped no longer compiles, and a translated
//! page cannot show English code.
//!
//! The broken books are temporary copies of the real one
//! (`booktools::book::TempBook`); their blocks are collected with
//! `booktools::skeptic` directly, instead of going through `build.rs`, and
//! compiled both by skeptic's own `compile_test` (with the arguments
//! `build.rs` gave skeptic: every dependency of the root package as
//! `--extern`) and by plain rustc (for its messages).

use anyhow::Result;
use booktools::book::{repository_root, TempBook};
use booktools::languages::BookLayout;
use booktools::listings::verify::{diagnostics, Level};
use booktools::skeptic::{self, check_program, DoctestBlock, Expectation};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The test file `build.rs` generated with skeptic.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/skeptic-tests.rs"));

/// The one test `build.rs` writes when the real book's blocks cannot be
/// collected (`booktools::skeptic::failing_tests_source`).
const NOT_COLLECTED: &str = "the_rust_blocks_of_the_book_are_collected";

/// Precondition of every test here: `build.rs` collected the real book's
/// blocks. When it could not, its one failing test names the file and
/// line at fault; the tests here then say so and stop, instead of failing
/// beside it for the same cause.
fn blocks_were_collected() -> bool {
    let collected = !GENERATED.contains(&format!("fn {NOT_COLLECTED}()"));
    if !collected {
        eprintln!("precondition: the real book's blocks cannot be collected, see {NOT_COLLECTED}");
    }
    collected
}

/// The tests of skeptic's generated file, by name: `(ignored, should_panic,
/// compile_test rather than run_test)`. skeptic writes each as attribute
/// lines, `#[test] fn <name>() {`, the program, then one
/// `skeptic::rt::compile_test(` or `run_test(` call.
fn generated_tests() -> BTreeMap<String, (bool, bool, bool)> {
    let mut tests = BTreeMap::new();
    let mut attributes = Vec::new();
    let mut current = None;
    for line in GENERATED.lines() {
        if let Some(name) = line
            .strip_prefix("#[test] fn ")
            .and_then(|r| r.strip_suffix("() {"))
        {
            let has = |attribute| attributes.contains(&attribute);
            current = Some(name.to_string());
            tests.insert(
                name.to_string(),
                (has("#[ignore]"), has("#[should_panic]"), false),
            );
            attributes.clear();
        } else if line == "#[ignore]" || line == "#[should_panic]" {
            attributes.push(line);
        } else if line.starts_with("    skeptic::rt::compile_test(") {
            if let Some(test) = current.as_ref().and_then(|name| tests.get_mut(name)) {
                test.2 = true;
            }
        }
    }
    tests
}

/// Whether skeptic's `compile_test` accepts `program`, in the very
/// environment of the generated tests (it panics when rustc fails): the
/// root, `OUT_DIR` and target `build.rs` gave skeptic are read from the
/// first `compile_test(r#"..."#, r#"..."#, r#"..."#, s)` call.
fn compiles_under_skeptic(program: &str) -> bool {
    let call = (GENERATED.lines())
        .find_map(|line| line.trim_start().strip_prefix("skeptic::rt::compile_test("))
        .expect("skeptic generated a compile_test call");
    let arguments: Vec<&str> = (call.split("r#\"").skip(1))
        .map(|rest| rest.split("\"#").next().unwrap_or(""))
        .collect();
    let compile = || ::skeptic::rt::compile_test(arguments[0], arguments[1], arguments[2], program);
    std::panic::catch_unwind(compile).is_ok()
}

/// Whether `block`'s program compiles, by skeptic's `compile_test` and by
/// plain rustc, which must agree; rustc's messages.
fn compiles(block: &DoctestBlock) -> Result<(bool, String)> {
    let scratch = tempfile::tempdir()?;
    let checked = check_program(block, scratch.path(), &repository_root())?;
    let compiled = checked.status.success();
    let program = block.program();
    assert_eq!(compiles_under_skeptic(&program), compiled, "{program}");
    Ok((compiled, checked.output))
}

#[test]
fn every_rust_block_of_every_language_is_a_real_skeptic_test() -> Result<()> {
    if !blocks_were_collected() {
        return Ok(());
    }
    let root = repository_root();
    let blocks = skeptic::collect(&root)?;
    let scratch = tempfile::tempdir()?;
    let expected = skeptic::write_skeptic_docs(&blocks, scratch.path())?;
    let generated = generated_tests();
    let mut expected_names: Vec<&str> = expected.tests.iter().map(|t| t.name.as_str()).collect();
    expected_names.sort();
    assert_eq!(
        generated.keys().map(String::as_str).collect::<Vec<_>>(),
        expected_names,
        "build.rs generated other tests than the book's blocks give today"
    );
    let layout = BookLayout::load(&root)?;
    let mut per_language = BTreeMap::new();
    for test in &expected.tests {
        use Expectation::*;
        let wanted = (
            false,
            matches!(test.expectation, CompileError | Panics),
            matches!(test.expectation, CompileError | Compiles),
        );
        let context = format!("{} ({}, {:?})", test.name, test.location, test.expectation);
        assert_eq!(generated[&test.name], wanted, "{context}");
        assert!(
            test.name.starts_with(&format!("{}_", test.language)),
            "{context}"
        );
        *per_language.entry(test.language.as_str()).or_insert(0) += 1;
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
    if !blocks_were_collected() {
        return Ok(());
    }
    let root = repository_root();
    let scratch = tempfile::tempdir()?;
    let blocks = skeptic::collect(&root)?;
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
        let output_file = file.crate_dir.join("output.txt");
        let expected = error_headers(&fs::read_to_string(&output_file)?);
        assert!(!expected.is_empty(), "{}: no error", output_file.display());
        let checked = check_program(block, scratch.path(), &root)?;
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

/// A copy of the real book and what the tests below edit in it.
struct Copy {
    book: TempBook,
    source_tree: String,
    /// A language other than the book's own, and its tree.
    translated: (String, String),
    /// The chapter holding [`Copy::directive`], relative to the root.
    chapter: String,
    /// The include of [`FILE`] in the source language's chapter.
    directive: String,
}

/// The listing file the tests break.
const FILE: &str = "ch20-web-server/listing-20-24/src/lib.rs";

fn copy() -> Result<Copy> {
    let book = TempBook::copy_of_repository()?;
    let layout = BookLayout::load(book.root())?;
    let tree = |code: &str| {
        layout
            .language(code)
            .expect("a language")
            .tree_setting
            .clone()
    };
    let source_tree = tree(&layout.source_language);
    let translated = (layout.languages.iter())
        .find(|language| language.code != layout.source_language)
        .expect("the book is translated");
    let directive = format!("{{{{#rustdoc_include ../{source_tree}/{FILE}:here}}}}");
    let mut chapter = None;
    for entry in fs::read_dir(&layout.src)? {
        let path = entry?.path();
        if fs::read_to_string(&path)?.contains(&directive) {
            chapter = Some(path.strip_prefix(book.root())?.display().to_string());
        }
    }
    Ok(Copy {
        chapter: chapter.expect("a chapter includes the listing file"),
        translated: (translated.code.clone(), tree(&translated.code)),
        source_tree,
        directive,
        book,
    })
}

/// The blocks of `language` in the book at `root` that show `file` of
/// `listing`.
fn blocks_of(root: &Path, language: &str, listing: &str, file: &str) -> Result<Vec<DoctestBlock>> {
    let blocks = skeptic::collect_language(root, language)?.into_iter();
    Ok(blocks
        .filter(|b| {
            b.origin
                .as_ref()
                .is_some_and(|f| f.listing == listing && f.file == Path::new(file))
        })
        .collect())
}

#[test]
fn a_block_whose_hidden_lines_were_dropped_no_longer_compiles() -> Result<()> {
    if !blocks_were_collected() {
        return Ok(());
    }
    let copy = copy()?;
    let root = copy.book.root();
    let languages = BookLayout::load(root)?.languages;
    let block = |language: &str| -> Result<DoctestBlock> {
        let mut found = blocks_of(root, language, "listing-20-24", "src/lib.rs")?;
        assert_eq!(found.len(), 1, "{language}");
        Ok(found.remove(0))
    };
    for language in &languages {
        let before = block(&language.code)?;
        assert_eq!(before.expectation, Expectation::Compiles);
        let (compiled, output) = compiles(&before)?;
        assert!(compiled, "{output}");
    }
    // `include` shows the anchored lines only: the rest of the file is gone.
    let include = copy.directive.replace("#rustdoc_include", "#include");
    copy.book
        .replace_once(&copy.chapter, &copy.directive, &include)?;
    for language in &languages {
        let after = block(&language.code)?;
        assert!(!after.code.contains("# "), "{}", after.code);
        let (compiled, output) = compiles(&after)?;
        assert!(
            !compiled,
            "{}: still compiles:\n{}",
            language.code,
            after.program()
        );
        let unknown = output.contains("error[E0412]") || output.contains("error[E0433]");
        assert!(unknown, "{output}");
    }
    Ok(())
}

/// Each row breaks the copy so that a translated page would show code that
/// is not of its own tree; collecting its blocks must fail naming the
/// chapter, the line and the cause.
#[test]
fn a_translated_block_not_from_its_own_tree_is_an_error() -> Result<()> {
    if !blocks_were_collected() {
        return Ok(());
    }
    type Edit = fn(&Copy) -> Result<String>;
    let rows: [(&str, Edit); 4] = [
        ("a file copied out of the trees", |c| {
            // The English listing, copied where `listings` does not point
            // it at the translated tree.
            let (from, to) = (
                c.book.root().join(&c.source_tree),
                c.book.root().join("english-copy"),
            );
            fs::create_dir_all(to.join("ch20-web-server/listing-20-24/src"))?;
            for file in ["ch20-web-server/listing-20-24/Cargo.toml", FILE] {
                fs::copy(from.join(file), to.join(file))?;
            }
            let moved = c.directive.replace(&c.source_tree, "english-copy");
            c.book.replace_once(&c.chapter, &c.directive, &moved)?;
            Ok(format!("english-copy/{FILE}, which is in no listing tree"))
        }),
        ("a translated file linked to the English one", |c| {
            let english = c.book.root().join(&c.source_tree).join(FILE);
            let translated = c.book.root().join(&c.translated.1).join(FILE);
            fs::remove_file(&translated)?;
            std::os::unix::fs::symlink(&english, &translated)?;
            Ok(format!(
                "which is really {}",
                english.canonicalize()?.display()
            ))
        }),
        ("a missing translated file", |c| {
            fs::remove_file(c.book.root().join(&c.translated.1).join(FILE))?;
            Ok(format!("file not found: {}/{FILE}", c.translated.1))
        }),
        ("code beside the include", |c| {
            let mixed = format!("{}\nfn extra() {{}}", c.directive);
            c.book.replace_once(&c.chapter, &c.directive, &mixed)?;
            Ok("a Rust block must hold either code or exactly one include directive".into())
        }),
    ];
    for (what, edit) in rows {
        let copy = copy()?;
        let cause = edit(&copy)?;
        let language = &copy.translated.0;
        let error = match skeptic::collect_language(copy.book.root(), language) {
            Ok(_) => panic!("{what}: the blocks were collected"),
            Err(error) => format!("{error:#}"),
        };
        let book = format!("`{language}` book");
        for needle in [format!("{}:", copy.chapter), book, cause] {
            assert!(
                error.contains(&needle),
                "{what}: no {needle:?} in:\n{error}"
            );
        }
    }
    Ok(())
}

#[test]
fn a_translated_program_with_english_code_does_not_compile() -> Result<()> {
    if !blocks_were_collected() {
        return Ok(());
    }
    let copy = copy()?;
    let (root, (language, tree)) = (copy.book.root(), &copy.translated);
    let program = "ch20-web-server/listing-20-25/src/bin/main.rs";
    let before = blocks_of(root, language, "listing-20-25", "src/bin/main.rs")?;
    assert_eq!(before.len(), 1);
    assert!(compiles(&before[0])?.0);
    // The English program in the translated tree: it uses the English crate,
    // which fails even where skeptic passes a crate of that name to rustc.
    let english = root.join(&copy.source_tree).join(program);
    fs::copy(english, root.join(tree).join(program))?;
    let after = blocks_of(root, language, "listing-20-25", "src/bin/main.rs")?;
    let (compiled, output) = compiles(&after[0])?;
    let at = format!(
        "English code against the `{language}` library:\n{}",
        after[0].program()
    );
    assert!(!compiled, "{at}");
    let manifest = (root.join(&copy.source_tree)).join("ch20-web-server/listing-20-25/Cargo.toml");
    let english_package = booktools::listings::package_name(&manifest)?;
    assert!(output.contains(&format!("`{english_package}`")), "{output}");
    Ok(())
}

#[test]
fn no_translated_page_shows_the_code_of_the_source_language() -> Result<()> {
    if !blocks_were_collected() {
        return Ok(());
    }
    let root = repository_root();
    let source_language = BookLayout::load(&root)?.source_language;
    let blocks = skeptic::collect(&root)?;
    let shown = |block: &DoctestBlock| {
        (block.origin.as_ref())
            .map(|f| (f.chapter_folder.clone(), f.listing.clone(), f.file.clone()))
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
