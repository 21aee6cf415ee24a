//! Unit tests of the block mapping on a tiny bilingual book built by the
//! real pipeline: attributes, hidden lines, templates, naming, the Markdown
//! written for skeptic, a block from the wrong tree. The real book's blocks
//! (a claim overriding a fence among them) and the broken blocks compiled
//! by skeptic itself are in `skeptic/tests/blocks.rs`.

use super::docs::{fence_for, GENERATED_FILE_TIME};
use super::*;
use crate::book::TempBook;

#[test]
fn fence_attributes_map_onto_expectations() {
    use Expectation::*;
    for (info, expected, overridden) in [
        ("rust,ignore,does_not_compile", CompileError, Compiles),
        ("rust,compile_fail", CompileError, Compiles),
        ("rust,ignore", Compiles, Compiles),
        ("rust,no_run", Compiles, Compiles),
        ("rust,should_panic", Panics, Panics),
        ("rust,noplayground", Runs, Runs),
    ] {
        let expectation = Expectation::from_info(info);
        assert_eq!(expectation, expected, "{info}");
        assert_eq!(expectation.with_outcome(Outcome::Compiles), overridden);
        let fails = expectation.with_outcome(Outcome::DoesNotCompile);
        assert_eq!(fails.skeptic_attributes(), ["no_run", "should_panic"]);
    }
}

/// Skeptic's test names and template escaping are proven on the real book
/// (`skeptic/tests/blocks.rs` compares the names, and the templates
/// compile); these cases are not in it.
#[test]
fn text_helpers_follow_skeptic() {
    let rendered = "# use std::thread;\n# \nfn shown() {}\n    # let x = 1;\n#\n#[derive(Debug)]\n";
    let complete = "use std::thread;\n\nfn shown() {}\nlet x = 1;\n\n#[derive(Debug)]\n";
    assert_eq!(complete_code(rendered), complete);
    assert_eq!(fence_for("/// ```\n/// x\n/// ```"), "````");
}

/// A bilingual tiny book: one listing per tree, a library (shown as not
/// compiling) and a program.
fn small_book() -> anyhow::Result<TempBook> {
    let book = TempBook::tiny(
        &[("en", "listings-sources"), ("fr", "listings")],
        "# Chapter\n\nThe library:\n\n```rust,ignore,does_not_compile\n\
         {{#rustdoc_include ../listings-sources/ch1/listing-1/src/lib.rs:here}}\n```\n\n\
         The program:\n\n```rust,ignore\n\
         {{#rustdoc_include ../listings-sources/ch1/listing-1/src/bin/main.rs:here}}\n```\n\n\
         ```console\n$ cargo run\n```\n",
    )?;
    for (tree, package, function) in [
        ("listings-sources", "hello", "greet"),
        ("listings", "salutations", "saluer"),
    ] {
        let library = format!(
            "use std::thread;\n// ANCHOR: here\npub fn {function}() {{}}\n// ANCHOR_END: here\n"
        );
        let program = format!(
            "use {package}::{function};\n// ANCHOR: here\nfn main() {{\n    {function}();\n}}\n// ANCHOR_END: here\n"
        );
        let files = [
            ("src/lib.rs", library.as_str()),
            ("src/bin/main.rs", program.as_str()),
        ];
        book.add_crate(&format!("{tree}/ch1/listing-1"), package, &files)?;
    }
    Ok(book)
}

#[test]
fn collects_every_rust_block_of_every_language_with_its_listing_file() -> anyhow::Result<()> {
    let book = small_book()?;
    let blocks = collect(book.root())?;
    let summary: Vec<String> = (blocks.iter())
        .map(|b| {
            let template = b.template.as_ref().map(|t| t.name);
            format!(
                "{} {} {:?} {template:?}",
                b.file_stem, b.location, b.expectation
            )
        })
        .collect();
    let expected: Vec<String> = (["en", "fr"].iter())
        .flat_map(|language| {
            [
                format!("{language}_ch1_listing_1_src_lib_rs src/chapter.md:5 CompileError Some(\"library\")"),
                format!("{language}_ch1_listing_1_src_bin_main_rs src/chapter.md:11 Compiles Some(\"binary\")"),
            ]
        })
        .collect();
    assert_eq!(summary, expected);
    // The French program uses its own library, and no English crate.
    let french_program = blocks[3].program();
    assert!(french_program.contains("mod salutations {\nuse std::thread;\n"));
    assert!(
        french_program.ends_with("\nmod hello {}\n"),
        "{french_program}"
    );
    assert_eq!(blocks[2].code, "# use std::thread;\npub fn saluer() {}\n");

    // The Markdown for skeptic (its test names, fences and templates are
    // proven on the real book by `skeptic/tests/blocks.rs`): each block
    // says where it is in the book, files are dated in the past, a stale
    // file is removed.
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("stale.md"), "```rust\nfn main() {}\n```\n")?;
    let docs = write_skeptic_docs(&blocks, dir.path())?;
    let markdown = std::fs::read_to_string(&docs.files[0])?;
    let comment = "<!-- src/chapter.md:5: {{#rustdoc_include ../listings-sources/";
    assert!(markdown.starts_with(comment), "{markdown}");
    assert!(!dir.path().join("stale.md").exists());
    let modified = std::fs::metadata(&docs.files[0])?.modified()?;
    assert_eq!(
        modified,
        std::time::SystemTime::UNIX_EPOCH + GENERATED_FILE_TIME
    );
    // Code skeptic cannot quote is refused, naming the chapter and line.
    let mut unquotable = blocks.clone();
    unquotable[0].code = "const S: &str = r####\"x\"####;\n".into();
    let error = write_skeptic_docs(&unquotable, dir.path()).unwrap_err();
    assert!(error.to_string().contains("src/chapter.md:5"), "{error}");

    Ok(())
}

#[test]
fn inputs_cover_book_sources_catalogs_and_listing_files_but_not_targets() -> anyhow::Result<()> {
    let book = small_book()?;
    book.write("listings/ch1/listing-1/target/debug/artifact", "x")?;
    let inputs = inputs(book.root())?;
    let relative: Vec<_> = (inputs.iter())
        .map(|path| path.strip_prefix(book.root()).unwrap().to_string_lossy())
        .collect();
    for expected in [
        "book.toml",
        "src",
        "po/fr.po",
        "listings-sources/ch1/listing-1/src/lib.rs",
    ] {
        assert!(
            relative.contains(&expected.into()),
            "{expected} missing from {relative:?}"
        );
    }
    assert!(
        !relative.iter().any(|path| path.contains("target")),
        "{relative:?}"
    );
    Ok(())
}

#[test]
fn a_collection_error_becomes_one_failing_test_quoting_it() {
    let error = anyhow::anyhow!("src/ch.md:3: a \"# quote and a \"#### fence");
    let source = failing_tests_source(&error.context("collecting the `fr` book"));
    assert!(source.starts_with("#[test]\nfn the_rust_blocks_of_the_book_are_collected() {\n"));
    let quoted =
        "r#####\"collecting the `fr` book: src/ch.md:3: a \"# quote and a \"#### fence\"#####";
    assert!(source.contains(quoted), "{source}");
}

/// Each row breaks the tiny book so that a French page would show code
/// that is not of its own tree; collecting its blocks must fail naming the
/// chapter, the line and the cause.
#[test]
fn a_translated_block_not_from_its_own_tree_is_an_error() -> anyhow::Result<()> {
    const FILE: &str = "ch1/listing-1/src/lib.rs";
    let directive = format!("{{{{#rustdoc_include ../listings-sources/{FILE}:here}}}}");
    type Edit = fn(&TempBook, &str) -> anyhow::Result<String>;
    let rows: [(&str, Edit); 4] = [
        ("a file copied out of the trees", |book, directive| {
            // Where `listings` does not point it at the French tree.
            let copied = book.root().join("english-copy/ch1/listing-1");
            std::fs::create_dir_all(copied.join("src"))?;
            for file in ["Cargo.toml", "src/lib.rs"] {
                let english = book.root().join("listings-sources/ch1/listing-1");
                std::fs::copy(english.join(file), copied.join(file))?;
            }
            let moved = directive.replace("listings-sources", "english-copy");
            book.replace_once("src/chapter.md", directive, &moved)?;
            Ok(format!("english-copy/{FILE}, which is in no listing tree"))
        }),
        ("a French file linked to the English one", |book, _| {
            let english = book.root().join("listings-sources").join(FILE);
            let french = book.root().join("listings").join(FILE);
            std::fs::remove_file(&french)?;
            std::os::unix::fs::symlink(&english, &french)?;
            let real = english.canonicalize()?;
            Ok(format!("which is really {}", real.display()))
        }),
        ("a missing French file", |book, _| {
            std::fs::remove_file(book.root().join("listings").join(FILE))?;
            Ok(format!("file not found: listings/{FILE}"))
        }),
        ("code beside the include", |book, directive| {
            let mixed = format!("{directive}\nfn extra() {{}}");
            book.replace_once("src/chapter.md", directive, &mixed)?;
            Ok("a Rust block must hold either code or exactly one include directive".into())
        }),
    ];
    for (what, edit) in rows {
        let book = small_book()?;
        let cause = edit(&book, &directive)?;
        let error = match collect_language(book.root(), "fr") {
            Ok(_) => panic!("{what}: the blocks were collected"),
            Err(error) => format!("{error:#}"),
        };
        for needle in ["src/chapter.md:", "`fr` book", &cause] {
            assert!(error.contains(needle), "{what}: no {needle:?} in:\n{error}");
        }
    }
    Ok(())
}
