//! Unit tests of the block mapping: attributes, hidden lines, templates,
//! naming, the Markdown written for skeptic, and the whole collection on a
//! tiny bilingual book built by the real pipeline. The bad inputs on a copy
//! of the real book are in `skeptic/tests/blocks.rs`.

use super::docs::{fence_for, GENERATED_FILE_TIME};
use super::*;
use crate::book::TempBook;
use crate::listings::expectations::EXPECTATIONS_FILE;
use std::path::PathBuf;

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
        assert_eq!(
            expectation.with_outcome(Outcome::Compiles),
            overridden,
            "{info}"
        );
        assert_eq!(
            expectation.with_outcome(Outcome::DoesNotCompile),
            CompileError
        );
    }
    assert_eq!(
        CompileError.skeptic_attributes(),
        ["no_run", "should_panic"]
    );
}

#[test]
fn text_helpers_follow_skeptic() {
    let rendered = "# use std::thread;\n# \nfn shown() {}\n    # let x = 1;\n#\n#[derive(Debug)]\n";
    let complete = "use std::thread;\n\nfn shown() {}\nlet x = 1;\n\n#[derive(Debug)]\n";
    assert_eq!(complete_code(rendered), complete);
    assert_eq!(
        sanitize_name("fr_listing-20-22_src/lib.rs"),
        "fr_listing_20_22_src_lib_rs"
    );
    assert_eq!(sanitize_name("en__Ch20--x"), "en_ch20_x");
    assert_eq!(fence_for("fn a() {}"), "```");
    assert_eq!(fence_for("/// ```\n/// x\n/// ```"), "````");
    let template = Template {
        name: "binary",
        before: String::new(),
        after: "mod hello {\n    pub fn f() {}\n}\n".into(),
    };
    assert_eq!(
        template.skeptic_text(),
        "{}mod hello {{\n    pub fn f() {{}}\n}}\n"
    );
}

fn listing_block(
    language: &str,
    chapter: &str,
    listing: &str,
    code: &str,
    info: &str,
) -> DoctestBlock {
    let origin = Origin::Listing(ListingFile {
        crate_dir: PathBuf::from(format!("/book/{language}/{chapter}/{listing}")),
        chapter_folder: chapter.into(),
        listing: listing.into(),
        file: PathBuf::from("src/lib.rs"),
        package: "hello".into(),
        edition: "2021".into(),
        other_packages: vec!["salutations".into()],
        directive: format!("{{{{#rustdoc_include ../{language}/ch/{listing}/src/lib.rs:here}}}}"),
    });
    DoctestBlock {
        language: language.into(),
        location: Location {
            chapter: PathBuf::from("src/ch.md"),
            line: 7,
            translated: None,
        },
        info: info.into(),
        code: code.into(),
        expectation: Expectation::from_info(info),
        stated_by: format!("the fence `{info}`"),
        template: origin::template_for(&origin, &complete_code(code)).unwrap(),
        origin,
        file_stem: sanitize_name(&format!("{language}_{listing}_src_lib_rs")),
    }
}

#[test]
fn skeptic_markdown_names_tests_by_language_listing_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut blocks = vec![
        listing_block(
            "fr",
            "ch",
            "listing-20-22",
            "# use std::thread;\nimpl X {}\n",
            "rust,ignore,does_not_compile",
        ),
        listing_block(
            "fr",
            "ch",
            "listing-20-22",
            "pub fn b() {}\n",
            "rust,noplayground",
        ),
        listing_block(
            "en",
            "ch",
            "listing-20-22",
            "pub fn c() {}\n",
            "rust,noplayground",
        ),
    ];
    std::fs::write(dir.path().join("stale.md"), "```rust\nfn main() {}\n```\n").unwrap();
    let docs = write_skeptic_docs(&blocks, dir.path()).unwrap();
    let names: Vec<_> = docs.tests.iter().map(|test| test.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "fr_listing_20_22_src_lib_rs_line_3",
            "fr_listing_20_22_src_lib_rs_line_10",
            "en_listing_20_22_src_lib_rs_line_3"
        ]
    );
    let stem = dir.path().join("fr_listing_20_22_src_lib_rs");
    assert_eq!(
        docs.files,
        [
            stem.with_extension("md"),
            dir.path().join("en_listing_20_22_src_lib_rs.md")
        ]
    );
    let markdown = std::fs::read_to_string(&docs.files[0]).unwrap();
    let lines: Vec<_> = markdown.lines().collect();
    assert!(
        lines[0].starts_with("<!-- src/ch.md:7: {{#rustdoc_include"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[2..4],
        [
            "```rust,no_run,should_panic,skt-library",
            "# use std::thread;"
        ]
    );
    assert_eq!(lines[9..11], ["```rust,skt-library", "pub fn b() {}"]);
    let templates = std::fs::read_to_string(stem.with_extension("md.skt.md")).unwrap();
    assert!(
        templates.starts_with("```rust,skt-library\n{}\n"),
        "{templates}"
    );
    assert!(templates.contains("fn main() {{}}\n```\n"), "{templates}");
    assert!(!dir.path().join("stale.md").exists());
    let modified = std::fs::metadata(&docs.files[0])
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        modified,
        std::time::SystemTime::UNIX_EPOCH + GENERATED_FILE_TIME
    );

    // Code skeptic cannot quote is refused, naming the chapter and line.
    blocks[0].code = "const S: &str = r####\"x\"####;\n".into();
    let error = write_skeptic_docs(&blocks, dir.path())
        .unwrap_err()
        .to_string();
    assert!(error.contains("src/ch.md:7"), "{error}");
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
    let summary: Vec<_> = (blocks.iter())
        .map(|b| {
            (
                b.file_stem.as_str(),
                b.location.to_string(),
                b.expectation,
                b.template.as_ref().map(|t| t.name),
            )
        })
        .collect();
    let (lib, program) = (
        "src/chapter.md:5".to_string(),
        "src/chapter.md:11".to_string(),
    );
    use Expectation::*;
    assert_eq!(
        summary,
        [
            (
                "en_ch1_listing_1_src_lib_rs",
                lib.clone(),
                CompileError,
                Some("library")
            ),
            (
                "en_ch1_listing_1_src_bin_main_rs",
                program.clone(),
                Compiles,
                Some("binary")
            ),
            (
                "fr_ch1_listing_1_src_lib_rs",
                lib,
                CompileError,
                Some("library")
            ),
            (
                "fr_ch1_listing_1_src_bin_main_rs",
                program,
                Compiles,
                Some("binary")
            ),
        ]
    );
    let french_program = blocks[3].program();
    assert!(french_program.starts_with("use salutations::saluer;\nfn main() {\n    saluer();\n}\n"));
    assert!(
        french_program.ends_with("\nmod hello {}\n"),
        "{french_program}"
    );
    assert!(french_program
        .contains("mod salutations {\nuse std::thread;\n// ANCHOR: here\npub fn saluer() {}\n"));
    assert_eq!(blocks[2].code, "# use std::thread;\npub fn saluer() {}\n");
    let file = blocks[2].listing_file().expect("from a listing");
    let root = std::path::absolute(book.root())?;
    assert_eq!(file.crate_dir, root.join("listings/ch1/listing-1"));
    assert_eq!(
        (file.package.as_str(), file.edition.as_str()),
        ("salutations", "2021")
    );

    // A claim stating the outcome overrides the fence, in every language.
    book.write("glossary.toml", "[fr.code]\nhello = \"salutations\"\n")?;
    book.write(
        EXPECTATIONS_FILE,
        "[[claim]]\nlisting = \"listing-1\"\noutcome = \"compiles\"\n\
         quote = \"The library:\"\nreason = \"The prose says so.\"\n",
    )?;
    let blocks = collect_language(book.root(), "fr")?;
    assert_eq!(blocks[0].expectation, Expectation::Compiles);
    let stated = &blocks[0].stated_by;
    assert!(
        stated.contains("listing-expectations.toml:2 (\"The library:\")"),
        "{stated}"
    );
    Ok(())
}

#[test]
fn inputs_cover_book_sources_catalogs_and_listing_files_but_not_targets() -> anyhow::Result<()> {
    let book = small_book()?;
    book.write("listings/ch1/listing-1/target/debug/artifact", "x")?;
    let inputs = inputs(book.root())?;
    let relative: Vec<_> = (inputs.iter())
        .map(|path| {
            path.strip_prefix(book.root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for expected in [
        "book.toml",
        "src",
        "po/fr.po",
        "listings-sources/ch1/listing-1/src/lib.rs",
        "listings/ch1/listing-1/Cargo.toml",
    ] {
        assert!(
            relative.iter().any(|path| path == expected),
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
    let error = anyhow::anyhow!("src/ch.md:3: a \"# quote and a \"#### fence")
        .context("collecting the `fr` book");
    let source = failing_tests_source(&error);
    assert!(source.starts_with("#[test]\nfn the_rust_blocks_of_the_book_are_collected() {\n"));
    let quoted =
        "r#####\"collecting the `fr` book: src/ch.md:3: a \"# quote and a \"#### fence\"#####";
    assert!(source.contains(quoted), "{source}");
}
