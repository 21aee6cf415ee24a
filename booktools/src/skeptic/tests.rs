//! Unit tests of the block mapping: fences, attributes, hidden lines,
//! templates, naming, the Markdown written for skeptic, and the whole
//! collection on a small bilingual book built by the real pipeline.

use super::skeptic_docs::{fence_for, name_files, GENERATED_FILE_TIME};
use super::template::template_for;
use super::*;
use crate::listings::expectations::Outcome;
use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

#[test]
fn fence_attributes_map_onto_expectations() {
    let cases = [
        ("rust,ignore,does_not_compile", Expectation::CompileError),
        ("rust,compile_fail", Expectation::CompileError),
        ("rust,ignore", Expectation::Compiles),
        ("rust,no_run", Expectation::Compiles),
        ("rust,should_panic", Expectation::Panics),
        ("rust,noplayground", Expectation::Runs),
        ("rust", Expectation::Runs),
    ];
    for (info, expected) in cases {
        assert_eq!(Expectation::from_info(info), expected, "{info}");
    }
    assert_eq!(
        Expectation::CompileError.skeptic_attributes(),
        ["no_run", "should_panic"]
    );
    assert!(Expectation::Runs.skeptic_attributes().is_empty());
}

#[test]
fn only_fences_whose_language_is_rust_are_rust_blocks() {
    assert!(is_rust_info("rust"));
    assert!(is_rust_info("rust,ignore"));
    assert!(is_rust_info("rust noplayground"));
    assert!(!is_rust_info("console"));
    assert!(!is_rust_info("rusty"));
    assert!(!is_rust_info("text,rust"));
    assert!(!is_rust_info(""));
}

#[test]
fn finds_fenced_rust_blocks_with_their_line_and_info() {
    let markdown = "# T\n\n```rust,ignore\nfn a() {}\n```\n\n```console\n$ cargo run\n```\n\n\
                    ````rust\n```\n````\n\n    fn indented() {}\n";
    let blocks = rust_blocks(markdown);
    assert_eq!(
        blocks,
        vec![
            FencedBlock {
                info: "rust,ignore".into(),
                body: "fn a() {}\n".into(),
                line: 3,
            },
            FencedBlock {
                info: "rust".into(),
                body: "```\n".into(),
                line: 11,
            },
        ]
    );
}

#[test]
fn hidden_lines_are_unhidden_as_skeptic_does() {
    let rendered =
        "# use std::thread;\n# \nfn shown() {}\n    # let indented = 1;\n#\n#[derive(Debug)]\n";
    assert_eq!(
        complete_code(rendered),
        "use std::thread;\n\nfn shown() {}\nlet indented = 1;\n\n#[derive(Debug)]\n"
    );
}

#[test]
fn names_are_sanitized_like_skeptic_test_names() {
    assert_eq!(
        sanitize_name("fr_listing-20-22_src/lib.rs"),
        "fr_listing_20_22_src_lib_rs"
    );
    assert_eq!(sanitize_name("en__Ch20--x"), "en_ch20_x");
}

#[test]
fn templates_escape_braces_for_format() {
    let template = Template {
        name: "binary".into(),
        before: String::new(),
        after: "mod hello {\n    pub fn f() {}\n}\n".into(),
    };
    assert_eq!(
        template.skeptic_text(),
        "{}mod hello {{\n    pub fn f() {{}}\n}}\n"
    );
}

#[test]
fn fences_outgrow_the_backticks_of_the_code() {
    assert_eq!(fence_for("fn a() {}"), "```");
    assert_eq!(fence_for("/// ```\n/// x\n/// ```"), "````");
    assert_eq!(fence_for("`````"), "``````");
}

fn listing_block(
    language: &str,
    listing: &str,
    file: &str,
    code: &str,
    info: &str,
) -> DoctestBlock {
    let file_path = PathBuf::from(file);
    let origin = Origin::Listing(ListingFile {
        crate_dir: PathBuf::from(format!("/book/{language}/ch/{listing}")),
        chapter_folder: "ch".into(),
        listing: listing.into(),
        file: file_path,
        package: "hello".into(),
        edition: "2021".into(),
        other_packages: vec!["salutations".into()],
        directive: format!("{{{{#rustdoc_include ../{language}/ch/{listing}/{file}:here}}}}"),
    });
    let template = template_for(&origin, &complete_code(code)).unwrap();
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
        origin,
        template,
        file_stem: String::new(),
    }
}

#[test]
fn a_library_block_gets_an_empty_main_after_its_code() {
    let block = listing_block(
        "en",
        "listing-1",
        "src/lib.rs",
        "# use std::thread;\npub fn f() {}\n",
        "rust,ignore",
    );
    let program = block.program();
    assert!(
        program.starts_with("use std::thread;\npub fn f() {}\n"),
        "{program}"
    );
    assert!(program.trim_end().ends_with("fn main() {}"), "{program}");
    assert_eq!(block.skeptic_info(), "rust,no_run,skt-library");
}

#[test]
fn inline_code_is_wrapped_in_main_unless_it_has_one() {
    let wrapped = template_for(&Origin::Inline, "let x = 1;\n")
        .unwrap()
        .unwrap();
    assert_eq!(
        format!("{}let x = 1;\n{}", wrapped.before, wrapped.after),
        "fn main() {\nlet x = 1;\n}\n"
    );
    assert_eq!(
        template_for(&Origin::Inline, "fn main() {}\n").unwrap(),
        None
    );
}

#[test]
fn listing_files_with_the_same_folder_name_get_their_chapter_in_the_name() {
    let mut blocks = vec![
        listing_block("en", "listing-1", "src/lib.rs", "pub fn a() {}\n", "rust"),
        listing_block("en", "listing-2", "src/lib.rs", "pub fn b() {}\n", "rust"),
        listing_block("en", "listing-2", "src/lib.rs", "pub fn b() {}\n", "rust"),
    ];
    if let Origin::Listing(file) = &mut blocks[2].origin {
        file.crate_dir = PathBuf::from("/book/en/other-chapter/listing-2");
        file.chapter_folder = "other-chapter".into();
    }
    name_files(&mut blocks);
    let stems: Vec<_> = blocks
        .iter()
        .map(|block| block.file_stem.as_str())
        .collect();
    assert_eq!(
        stems,
        [
            "en_listing_1_src_lib_rs",
            "en_ch_listing_2_src_lib_rs",
            "en_other_chapter_listing_2_src_lib_rs"
        ]
    );
}

#[test]
fn skeptic_markdown_names_tests_by_language_listing_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut blocks = vec![
        listing_block(
            "fr",
            "listing-20-22",
            "src/lib.rs",
            "# use std::thread;\nimpl X {}\n",
            "rust,ignore,does_not_compile",
        ),
        listing_block(
            "fr",
            "listing-20-22",
            "src/lib.rs",
            "pub fn b() {}\n",
            "rust,noplayground",
        ),
        listing_block(
            "en",
            "listing-20-22",
            "src/lib.rs",
            "pub fn c() {}\n",
            "rust,noplayground",
        ),
    ];
    name_files(&mut blocks);
    fs::write(dir.path().join("stale.md"), "```rust\nfn main() {}\n```\n").unwrap();
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
    assert_eq!(
        docs.files,
        [
            dir.path().join("fr_listing_20_22_src_lib_rs.md"),
            dir.path().join("en_listing_20_22_src_lib_rs.md")
        ]
    );
    let markdown = fs::read_to_string(&docs.files[0]).unwrap();
    let lines: Vec<_> = markdown.lines().collect();
    assert_eq!(lines[2], "```rust,no_run,should_panic,skt-library");
    assert_eq!(lines[3], "# use std::thread;");
    assert_eq!(lines[9], "```rust,skt-library");
    assert_eq!(lines[10], "pub fn b() {}");
    assert!(
        lines[0].starts_with("<!-- src/ch.md:7: {{#rustdoc_include"),
        "{}",
        lines[0]
    );
    let templates =
        fs::read_to_string(dir.path().join("fr_listing_20_22_src_lib_rs.md.skt.md")).unwrap();
    assert!(
        templates.starts_with("```rust,skt-library\n{}\n"),
        "{templates}"
    );
    assert!(templates.contains("fn main() {{}}\n```\n"), "{templates}");
    assert!(!dir.path().join("stale.md").exists());
    let modified = fs::metadata(&docs.files[0]).unwrap().modified().unwrap();
    assert_eq!(modified, SystemTime::UNIX_EPOCH + GENERATED_FILE_TIME);
}

#[test]
fn code_skeptic_cannot_quote_is_refused() {
    let mut blocks = vec![listing_block(
        "en",
        "l",
        "src/lib.rs",
        "const S: &str = r####\"x\"####;\n",
        "rust",
    )];
    name_files(&mut blocks);
    let dir = tempfile::tempdir().unwrap();
    let error = write_skeptic_docs(&blocks, dir.path())
        .unwrap_err()
        .to_string();
    assert!(error.contains("src/ch.md:7"), "{error}");
}

/// A bilingual book with one listing (a library and a program) per tree, as
/// `book.toml` and the pipeline expect it.
fn small_book(root: &Path) {
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Small\"\nlanguage = \"en\"\n[build]\ncreate-missing = false\n\
         [preprocessor.gettext]\nbefore = [\"listings\"]\n\
         [preprocessor.listings]\ncommand = \"false\"\nafter = [\"gettext\"]\nbefore = [\"links\"]\n\
         [preprocessor.listings.trees]\nen = \"listings-sources\"\nfr = \"listings\"\n",
    )
    .unwrap();
    fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Chapter](chapter.md)\n",
    )
    .unwrap();
    fs::write(
        root.join("src/chapter.md"),
        "# Chapter\n\nThe library:\n\n```rust,ignore,does_not_compile\n\
         {{#rustdoc_include ../listings-sources/ch1/listing-1/src/lib.rs:here}}\n```\n\n\
         The program:\n\n```rust,ignore\n\
         {{#rustdoc_include ../listings-sources/ch1/listing-1/src/bin/main.rs:here}}\n```\n\n\
         ```console\n$ cargo run\n```\n",
    )
    .unwrap();
    for (tree, package, function) in [
        ("listings-sources", "hello", "greet"),
        ("listings", "salutations", "saluer"),
    ] {
        let listing = root.join(tree).join("ch1/listing-1");
        fs::create_dir_all(listing.join("src/bin")).unwrap();
        fs::write(
            listing.join("Cargo.toml"),
            format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        )
        .unwrap();
        fs::write(
            listing.join("src/lib.rs"),
            format!("use std::thread;\n// ANCHOR: here\npub fn {function}() {{}}\n// ANCHOR_END: here\n"),
        )
        .unwrap();
        fs::write(
            listing.join("src/bin/main.rs"),
            format!("use {package}::{function};\n// ANCHOR: here\nfn main() {{\n    {function}();\n}}\n// ANCHOR_END: here\n"),
        )
        .unwrap();
    }
    fs::create_dir_all(root.join("po")).unwrap();
    fs::write(
        root.join("po/fr.po"),
        "msgid \"\"\nmsgstr \"\"\n\
         \"Project-Id-Version: small\\n\"\n\"POT-Creation-Date: 2024-01-01 00:00+0000\\n\"\n\
         \"PO-Revision-Date: 2024-01-01 00:00+0000\\n\"\n\"Language-Team: French\\n\"\n\
         \"Language: fr\\n\"\n\"MIME-Version: 1.0\\n\"\n\
         \"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\
         \"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\n\
         msgid \"The library:\"\nmsgstr \"La bibliothèque :\"\n\n\
         msgid \"The program:\"\nmsgstr \"Le programme :\"\n\n\
         msgid \"Chapter\"\nmsgstr \"Chapitre\"\n",
    )
    .unwrap();
}

#[test]
fn collects_every_rust_block_of_every_language_with_its_listing_file() {
    let root = tempfile::tempdir().unwrap();
    small_book(root.path());
    let blocks = collect(root.path()).unwrap();
    let summary: Vec<_> = blocks
        .iter()
        .map(|block| {
            (
                block.file_stem.as_str(),
                block.location.to_string(),
                block.expectation,
                block
                    .template
                    .as_ref()
                    .map(|template| template.name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "en_listing_1_src_lib_rs",
                "src/chapter.md:5".to_string(),
                Expectation::CompileError,
                Some("library")
            ),
            (
                "en_listing_1_src_bin_main_rs",
                "src/chapter.md:11".to_string(),
                Expectation::Compiles,
                Some("binary")
            ),
            (
                "fr_listing_1_src_lib_rs",
                "src/chapter.md:5".to_string(),
                Expectation::CompileError,
                Some("library")
            ),
            (
                "fr_listing_1_src_bin_main_rs",
                "src/chapter.md:11".to_string(),
                Expectation::Compiles,
                Some("binary")
            ),
        ]
    );
    let french_program = blocks[3].program();
    assert!(
        french_program.starts_with("use salutations::saluer;\nfn main() {\n    saluer();\n}\n"),
        "{french_program}"
    );
    assert!(
        french_program.ends_with("\nmod hello {}\n"),
        "{french_program}"
    );
    assert!(
        french_program
            .contains("mod salutations {\nuse std::thread;\n// ANCHOR: here\npub fn saluer() {}\n"),
        "{french_program}"
    );
    assert_eq!(blocks[2].code, "# use std::thread;\npub fn saluer() {}\n");
    let Some(file) = blocks[2].listing_file() else {
        panic!("the block comes from a listing");
    };
    assert_eq!(
        file.crate_dir,
        std::path::absolute(root.path())
            .unwrap()
            .join("listings/ch1/listing-1")
    );
    assert_eq!(
        (file.package.as_str(), file.edition.as_str()),
        ("salutations", "2021")
    );
    assert_eq!(file.file, PathBuf::from("src/lib.rs"));
}

#[test]
fn a_block_from_outside_the_page_language_tree_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    small_book(root.path());
    let elsewhere = root.path().join("elsewhere/listing-1");
    fs::create_dir_all(elsewhere.join("src")).unwrap();
    fs::copy(
        root.path()
            .join("listings-sources/ch1/listing-1/Cargo.toml"),
        elsewhere.join("Cargo.toml"),
    )
    .unwrap();
    fs::copy(
        root.path()
            .join("listings-sources/ch1/listing-1/src/lib.rs"),
        elsewhere.join("src/lib.rs"),
    )
    .unwrap();
    let chapter = root.path().join("src/chapter.md");
    let text = fs::read_to_string(&chapter).unwrap().replace(
        "../listings-sources/ch1/listing-1/src/lib.rs",
        "../elsewhere/listing-1/src/lib.rs",
    );
    fs::write(&chapter, text).unwrap();
    let error = format!("{:#}", collect_language(root.path(), "fr").unwrap_err());
    assert!(error.contains("src/chapter.md:5 (`fr` book)"), "{error}");
    assert!(
        error.contains("elsewhere/listing-1/src/lib.rs, which is in no listing tree"),
        "{error}"
    );
    assert!(error.contains("the `fr` tree `listings`"), "{error}");
}

#[test]
fn a_block_mixing_code_and_an_include_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    small_book(root.path());
    let chapter = root.path().join("src/chapter.md");
    let text = fs::read_to_string(&chapter).unwrap().replace(
        "{{#rustdoc_include ../listings-sources/ch1/listing-1/src/lib.rs:here}}\n",
        "{{#rustdoc_include ../listings-sources/ch1/listing-1/src/lib.rs:here}}\nfn extra() {}\n",
    );
    fs::write(&chapter, text).unwrap();
    let error = format!("{:#}", collect_language(root.path(), "en").unwrap_err());
    assert!(error.contains("src/chapter.md:5 (`en` book): a Rust block must hold either code or exactly one include"), "{error}");
}

#[test]
fn inputs_cover_book_sources_catalogs_and_listing_files_but_not_targets() {
    let root = tempfile::tempdir().unwrap();
    small_book(root.path());
    let target = root.path().join("listings/ch1/listing-1/target/debug");
    fs::create_dir_all(&target).unwrap();
    fs::write(target.join("artifact"), "x").unwrap();
    let inputs = inputs(root.path()).unwrap();
    let relative: Vec<_> = inputs
        .iter()
        .map(|path| {
            path.strip_prefix(root.path())
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
        "listings/ch1/listing-1/src/bin/main.rs",
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
}

#[test]
fn a_claim_stating_the_outcome_overrides_the_fence() {
    assert_eq!(
        Expectation::Compiles.with_outcome(Outcome::DoesNotCompile),
        Expectation::CompileError
    );
    assert_eq!(
        Expectation::CompileError.with_outcome(Outcome::Compiles),
        Expectation::Compiles
    );
    assert_eq!(
        Expectation::Runs.with_outcome(Outcome::Compiles),
        Expectation::Runs
    );

    let root = tempfile::tempdir().unwrap();
    small_book(root.path());
    fs::write(
        root.path().join("glossary.toml"),
        "[fr.code]\nhello = \"salutations\"\n",
    )
    .unwrap();
    fs::write(
        root.path().join(EXPECTATIONS_FILE),
        "[[claim]]\nlisting = \"listing-1\"\noutcome = \"compiles\"\n\
         quote = \"The library:\"\nreason = \"The prose says so.\"\n",
    )
    .unwrap();
    let blocks = collect_language(root.path(), "fr").unwrap();
    assert_eq!(blocks[0].expectation, Expectation::Compiles);
    assert!(
        blocks[0]
            .stated_by
            .contains("listing-expectations.toml:2 (\"The library:\")"),
        "{}",
        blocks[0].stated_by
    );
    assert_eq!(blocks[1].expectation, Expectation::Compiles);
}

#[test]
fn a_collection_error_becomes_one_failing_test_quoting_it() {
    let error = anyhow::anyhow!("src/ch.md:3: a \"# quote and a \"#### fence")
        .context("collecting the `fr` book");
    let source = failing_tests_source(&error);
    assert!(source.starts_with("#[test]\nfn the_rust_blocks_of_the_book_are_collected() {\n"));
    assert!(
        source.contains(
            "r#####\"collecting the `fr` book: src/ch.md:3: a \"# quote and a \"#### fence\"#####"
        ),
        "{source}"
    );
}
