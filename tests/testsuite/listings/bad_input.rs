//! `bad_input::*`: each breaks one thing in a temporary copy of a correct
//! tiny book and checks that the listing checks fail with a message naming
//! the file at fault.

use super::temp_book::{self, TempBook, MISMATCHED_TYPES};
use booktools::languages::BookLayout;
use booktools::listings;
use booktools::listings::expectations::EXPECTATIONS_FILE;
use libtest_mimic::{Failed, Trial};
use std::path::{Path, PathBuf};

/// Fails unless `result` is an error containing every one of `needles`.
fn expect_failure(result: Result<(), String>, needles: &[&str]) -> Result<(), Failed> {
    let message = match result {
        Ok(()) => return Err("the broken book passed the checks".into()),
        Err(message) => message,
    };
    let missing: Vec<&&str> = needles.iter().filter(|n| !message.contains(**n)).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("the failure does not mention {missing:?}:\n{message}").into())
    }
}

fn path_text(path: PathBuf) -> String {
    path.display().to_string()
}

/// One bad-input case: builds its broken book and checks the failure.
type Case = fn(&Path) -> Result<(), Failed>;

/// The `bad_input::*` tests.
pub fn trials(real_root: &Path) -> Vec<Trial> {
    let cases: Vec<(&str, Case)> = vec![
        (
            "bad_input::does_not_compile_fence_on_a_listing_that_compiles",
            does_not_compile_fence_on_a_listing_that_compiles,
        ),
        ("bad_input::stale_output_txt", stale_output_txt),
        ("bad_input::missing_output_txt", missing_output_txt),
        ("bad_input::missing_language_tree", missing_language_tree),
        (
            "bad_input::quote_not_in_the_chapter",
            quote_not_in_the_chapter,
        ),
        (
            "bad_input::claimed_error_code_not_shown",
            claimed_error_code_not_shown,
        ),
        (
            "bad_input::untranslated_name_in_a_french_warning",
            untranslated_name_in_a_french_warning,
        ),
    ];
    cases
        .into_iter()
        .map(|(name, case)| {
            let root = real_root.to_path_buf();
            Trial::test(name, move || case(&root))
        })
        .collect()
}

/// An English-only book with one listing `tiny` that compiles cleanly,
/// shown by a fence with `info`; its output recorded.
fn one_listing_book(real_root: &Path, info: &str) -> TempBook {
    let book = TempBook::new(real_root, &[("en", "listings-sources")]);
    book.chapter(&format!(
        "# Chapter\n\nThe code:\n\n{}",
        TempBook::fence(info, "listings-sources", "tiny")
    ));
    book.listing(
        "listings-sources",
        "tiny",
        "tiny",
        "pub fn tiny() -> u8 {\n    1\n}\n",
    );
    book.regenerate_outputs();
    book
}

fn does_not_compile_fence_on_a_listing_that_compiles(real_root: &Path) -> Result<(), Failed> {
    let book = one_listing_book(real_root, "rust,ignore,does_not_compile");
    let chapter = path_text(book.root().join("src/chapter.md"));
    expect_failure(
        book.check("en"),
        &[
            &format!("{chapter}:5"),
            "does_not_compile",
            "does not compile, but it compiles",
        ],
    )
}

fn stale_output_txt(real_root: &Path) -> Result<(), Failed> {
    let book = one_listing_book(real_root, "rust");
    let listing = &book.listings("en")[0];
    let recorded = std::fs::read_to_string(listing.output_path())?;
    std::fs::write(
        listing.output_path(),
        recorded.replace("Checking tiny", "Compiling tiny"),
    )?;
    expect_failure(
        book.check("en"),
        &[
            &format!("{} is stale", path_text(listing.output_path())),
            "-    Compiling tiny v0.1.0 (file:///projects/tiny)",
            "+    Checking tiny v0.1.0 (file:///projects/tiny)",
            "cargo xtask outputs",
        ],
    )
}

fn missing_output_txt(real_root: &Path) -> Result<(), Failed> {
    let book = one_listing_book(real_root, "rust");
    let listing = &book.listings("en")[0];
    std::fs::remove_file(listing.output_path())?;
    expect_failure(
        book.check("en"),
        &[
            &format!("{} is missing", path_text(listing.output_path())),
            "cargo xtask outputs",
        ],
    )
}

fn missing_language_tree(real_root: &Path) -> Result<(), Failed> {
    let book = TempBook::new(real_root, &[("en", "listings-sources"), ("fr", "listings")]);
    book.listing("listings-sources", "tiny", "tiny", "pub fn tiny() {}\n");
    let layout = BookLayout::load(book.root())?;
    let french = layout.language("fr").ok_or("no fr in the temporary book")?;
    let result = listings::discover(french)
        .map(drop)
        .map_err(|e| format!("{e:#}"));
    expect_failure(
        result,
        &[&path_text(book.root().join("listings")), "missing"],
    )
}

fn quote_not_in_the_chapter(real_root: &Path) -> Result<(), Failed> {
    let book = one_listing_book(real_root, "rust");
    book.write(
        EXPECTATIONS_FILE,
        "[[claim]]\nlisting = \"tiny\"\nwarnings = 0\n\
         quote = \"this sentence is not in the chapter\"\nreason = \"test\"\n",
    );
    expect_failure(
        book.check("en"),
        &[
            &format!("{}:2", path_text(book.root().join(EXPECTATIONS_FILE))),
            "this sentence is not in the chapter",
        ],
    )
}

fn claimed_error_code_not_shown(real_root: &Path) -> Result<(), Failed> {
    let book = TempBook::new(real_root, &[("en", "listings-sources")]);
    book.chapter(&format!(
        "# Chapter\n\nThis fails with a missing method:\n\n{}",
        TempBook::fence("rust,ignore,does_not_compile", "listings-sources", "broken")
    ));
    book.listing("listings-sources", "broken", "tiny", MISMATCHED_TYPES);
    book.write(
        EXPECTATIONS_FILE,
        "[[claim]]\nlisting = \"broken\"\nerrors = [\"E0599\"]\n\
         quote = \"fails with a missing method\"\nreason = \"test\"\n",
    );
    book.regenerate_outputs();
    expect_failure(
        book.check("en"),
        &[
            &format!("{}:2", path_text(book.root().join(EXPECTATIONS_FILE))),
            "must show the errors [\"E0599\"]",
            "[\"E0308\"]",
        ],
    )
}

fn untranslated_name_in_a_french_warning(real_root: &Path) -> Result<(), Failed> {
    let book = temp_book::bilingual_book(real_root);
    // The French crate keeps the English name: the claim, translated
    // through the glossary, expects `extinction` in the warning.
    book.listing(
        "listings",
        "good",
        "salutations",
        temp_book::UNUSED_TERMINATE,
    );
    book.regenerate_outputs();
    book.check("en")
        .map_err(|e| format!("English should pass: {e}"))?;
    expect_failure(
        book.check("fr"),
        &[
            &path_text(book.root().join(EXPECTATIONS_FILE)),
            "must mention `extinction`",
        ],
    )
}
