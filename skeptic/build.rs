//! Every Rust block of the rendered book, in every language, becomes a
//! skeptic test (`skeptic/tests/skeptic.rs`): `booktools::skeptic` renders
//! the chapters through the book's own pipeline and writes them as Markdown
//! for skeptic. Reruns only when the book's sources, catalogs or listings
//! change. A book whose blocks cannot be collected (a broken include, a
//! block from another language's tree) gives one failing test naming the
//! file and line, instead of a package whose tests do not build.

use booktools::skeptic as book_blocks;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by Cargo"));
    // The book is the workspace root, this package's parent folder.
    let root = manifest_dir
        .parent()
        .expect("skeptic/ lives in the book")
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by Cargo"));
    println!("cargo:rerun-if-changed=build.rs");
    println!(
        "cargo:rerun-if-changed={}",
        root.join("book.toml").display()
    );
    if let Err(error) = generate(&root, &out_dir.join("book-blocks")) {
        for line in format!("{error:#}").lines() {
            println!("cargo:warning={line}");
        }
        let tests = out_dir.join("skeptic-tests.rs");
        let source = book_blocks::failing_tests_source(&error);
        std::fs::write(&tests, source).expect("OUT_DIR is writable");
    }
}

fn generate(root: &Path, dir: &Path) -> anyhow::Result<()> {
    // Declared first: a broken book must rerun this script once it is fixed.
    for input in book_blocks::inputs(root)? {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    let missing = booktools::book::check_summary(root)?;
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
        anyhow::bail!("{}", list.join("\n"));
    }
    // A catalog that does not parse is named with its line, before the
    // pipeline would stumble on it.
    for translation in booktools::i18n::translation::translations(root)? {
        if translation.catalog.is_file() {
            booktools::i18n::translation::read_po(&translation.catalog)?;
        }
    }
    let blocks = book_blocks::collect(root)?;
    let docs = book_blocks::write_skeptic_docs(&blocks, dir)?;
    skeptic::generate_doc_tests(&docs.files);
    Ok(())
}
