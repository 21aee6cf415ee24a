//! A tiny temporary book (book.toml, one chapter, one listing tree per
//! language, tiny crates) to run the listing checks on, good or broken,
//! without touching the real tree; and the `temp_book::*` tests that show
//! the checks pass on correct input, translate names per language and
//! cache outputs.
//!
//! The temporary crates compile into the temporary book's own target
//! folders, but share the real book's output cache: the cache is keyed by
//! content, so a warm `cargo test` starts no cargo for them either.

use booktools::languages::BookLayout;
use booktools::listings::cache::OutputCache;
use booktools::listings::compile::{self, CargoCommand, CompileSettings};
use booktools::listings::expectations::{self, Expectations};
use booktools::listings::outputs::{self, OutputChange};
use booktools::listings::verify;
use booktools::listings::{self, Listing};
use libtest_mimic::{Failed, Trial};
use std::fs;
use std::path::{Path, PathBuf};

/// The chapter folder of every temporary listing.
pub const CHAPTER: &str = "ch01-tiny";

/// A temporary book.
pub struct TempBook {
    dir: tempfile::TempDir,
    real_root: PathBuf,
}

/// Panics with the error, for fixture steps that cannot fail on good input.
fn must<T>(result: std::io::Result<T>, what: impl std::fmt::Display) -> T {
    result.unwrap_or_else(|error| panic!("{what}: {error}"))
}

impl TempBook {
    /// A book whose languages are `(code, tree)`; the first is the source
    /// language. Other languages get an (untranslated) gettext catalog.
    pub fn new(real_root: &Path, languages: &[(&str, &str)]) -> Self {
        let dir = must(tempfile::tempdir(), "creating a temporary book");
        let book = Self {
            dir,
            real_root: real_root.to_path_buf(),
        };
        let trees: String = languages
            .iter()
            .map(|(code, tree)| format!("{code} = \"{tree}\"\n"))
            .collect();
        book.write(
            "book.toml",
            &format!(
                "[book]\ntitle = \"Tiny\"\nlanguage = \"{}\"\nsrc = \"src\"\n\
                 [build]\ncreate-missing = false\n\
                 [preprocessor.gettext]\nbefore = [\"listings\"]\n\
                 [preprocessor.listings]\ncommand = \"false\"\nafter = [\"gettext\"]\nbefore = [\"links\"]\n\
                 [preprocessor.listings.trees]\n{trees}",
                languages[0].0
            ),
        );
        book.write("src/SUMMARY.md", "# Summary\n\n- [Chapter](chapter.md)\n");
        for (code, _) in &languages[1..] {
            book.write(
                &format!("po/{code}.po"),
                &format!(
                    "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: tiny\\n\"\n\
                     \"POT-Creation-Date: 2024-01-01 00:00+0000\\n\"\n\
                     \"PO-Revision-Date: 2024-01-01 00:00+0000\\n\"\n\
                     \"Last-Translator: A <a@example.org>\\n\"\n\"Language-Team: {code}\\n\"\n\
                     \"Language: {code}\\n\"\n\"MIME-Version: 1.0\\n\"\n\
                     \"Content-Type: text/plain; charset=UTF-8\\n\"\n\
                     \"Content-Transfer-Encoding: 8bit\\n\"\n\
                     \"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n"
                ),
            );
        }
        let toolchain = real_root.join("rust-toolchain.toml");
        must(
            fs::copy(&toolchain, book.root().join("rust-toolchain.toml")),
            format!("copying {}", toolchain.display()),
        );
        book.write(expectations::EXPECTATIONS_FILE, "");
        book
    }

    /// The book root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `relative` (parent folders created).
    pub fn write(&self, relative: &str, content: &str) {
        let path = self.root().join(relative);
        if let Some(parent) = path.parent() {
            must(
                fs::create_dir_all(parent),
                format!("creating {}", parent.display()),
            );
        }
        must(
            fs::write(&path, content),
            format!("writing {}", path.display()),
        );
    }

    /// Writes the one chapter, `src/chapter.md`.
    pub fn chapter(&self, markdown: &str) {
        self.write("src/chapter.md", markdown);
    }

    /// A fence showing listing `name` of the source tree `tree`.
    pub fn fence(info: &str, tree: &str, name: &str) -> String {
        format!("```{info}\n{{{{#rustdoc_include ../{tree}/{CHAPTER}/{name}/src/lib.rs}}}}\n```\n")
    }

    /// Adds crate `<tree>/ch01-tiny/<name>` (package `package`) with this
    /// `src/lib.rs`, and its `Cargo.lock`.
    pub fn listing(&self, tree: &str, name: &str, package: &str, lib_rs: &str) {
        let base = format!("{tree}/{CHAPTER}/{name}");
        self.write(
            &format!("{base}/Cargo.toml"),
            &format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n"),
        );
        self.write(
            &format!("{base}/Cargo.lock"),
            &format!(
                "# This file is automatically @generated by Cargo.\n\
                 # It is not intended for manual editing.\nversion = 4\n\n\
                 [[package]]\nname = \"{package}\"\nversion = \"0.1.0\"\n"
            ),
        );
        self.write(&format!("{base}/src/lib.rs"), lib_rs);
    }

    /// The layout read from its `book.toml`.
    pub fn layout(&self) -> BookLayout {
        BookLayout::load(self.root()).expect("the temporary book.toml is valid")
    }

    /// Targets in the temporary book, outputs cached in the real book's
    /// cache.
    pub fn settings(&self) -> CompileSettings {
        CompileSettings {
            cache: Some(OutputCache::of_book(&self.real_root)),
            ..CompileSettings::for_book(self.root())
        }
    }

    /// The listings of `language`.
    pub fn listings(&self, language: &str) -> Vec<Listing> {
        let layout = self.layout();
        let language = layout.language(language).expect("a language of the book");
        listings::discover(language).expect("the tree exists")
    }

    /// Rewrites every `output.txt` of every language with the code of
    /// `cargo xtask outputs`; what changed for each listing id.
    pub fn regenerate_outputs(&self) -> Vec<(String, OutputChange)> {
        let regeneration = outputs::regenerate(&self.layout(), &self.settings(), 1);
        assert!(
            regeneration.problems.is_empty(),
            "regenerating the outputs: {:?}",
            regeneration.problems
        );
        regeneration
            .changes
            .into_iter()
            .map(|(listing, change)| (listing.id(), change))
            .collect()
    }

    /// Runs the checks the book tests run for `language` (fences, every
    /// listing, the claims file); every problem, or `Ok`.
    pub fn check(&self, language: &str) -> Result<(), String> {
        let layout = self.layout();
        let settings = self.settings();
        let tree = layout.language(language).expect("a language of the book");
        let found = listings::discover(tree).map_err(|e| format!("{e:#}"))?;
        let expectations = Expectations::load(&layout, language).map_err(|e| format!("{e:#}"))?;
        let mut problems = expectations.dangling_fences(&found);
        for listing in &found {
            let expectation = expectations
                .for_listing(listing)
                .map_err(|e| format!("{e:#}"));
            let verified = verify::verify_listing(
                listing,
                expectation.as_ref().map_err(Clone::clone),
                &settings,
            );
            if let Err(error) = verified {
                problems.push(format!("{error:#}"));
            }
        }
        match expectations::check_claims_file(&layout) {
            Ok(claim_problems) => problems.extend(claim_problems),
            Err(error) => problems.push(format!("{error:#}")),
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// English crate of the examples: one private function, never used.
pub const UNUSED_TERMINATE: &str = "fn terminate() {}\n\npub fn run() {}\n";

/// Its French translation (`terminate` -> `extinction` in the glossary).
pub const UNUSED_EXTINCTION: &str = "fn extinction() {}\n\npub fn run() {}\n";

/// A crate that fails with E0308.
pub const MISMATCHED_TYPES: &str = "pub fn answer() -> u32 {\n    \"forty-two\"\n}\n";

/// A two-language book: `good` compiles with one warning about
/// `terminate`/`extinction`, `broken` fails with E0308; the chapter and the
/// claims file say so.
pub fn bilingual_book(real_root: &Path) -> TempBook {
    let book = TempBook::new(real_root, &[("en", "listings-sources"), ("fr", "listings")]);
    book.chapter(&format!(
        "# Chapter\n\nThis code warns that we never call `terminate`:\n\n{}\n\
         This one has a type error:\n\n{}",
        TempBook::fence("rust,noplayground", "listings-sources", "good"),
        TempBook::fence("rust,ignore,does_not_compile", "listings-sources", "broken"),
    ));
    book.listing("listings-sources", "good", "hello", UNUSED_TERMINATE);
    book.listing("listings-sources", "broken", "hello", MISMATCHED_TYPES);
    book.listing("listings", "good", "salutations", UNUSED_EXTINCTION);
    book.listing("listings", "broken", "salutations", MISMATCHED_TYPES);
    book.write("glossary.toml", "[fr.code]\nterminate = \"extinction\"\n");
    book.write(
        expectations::EXPECTATIONS_FILE,
        "[[claim]]\nlisting = \"good\"\nwarnings = 1\nwarning_mentions = [\"terminate\"]\n\
         quote = \"warns that we never call `terminate`\"\nreason = \"dead code\"\n\n\
         [[claim]]\nlisting = \"broken\"\nerrors = [\"E0308\"]\n\
         quote = \"This one has a type error\"\nreason = \"a string is not a u32\"\n",
    );
    book.regenerate_outputs();
    book
}

/// The `temp_book::*` tests.
pub fn trials(real_root: &Path) -> Vec<Trial> {
    let root = real_root.to_path_buf();
    let second = root.clone();
    let third = root.clone();
    vec![
        Trial::test(
            "temp_book::correct_listings_pass_in_every_language",
            move || {
                let book = bilingual_book(&root);
                book.check("en").map_err(|e| format!("en: {e}"))?;
                book.check("fr").map_err(|e| format!("fr: {e}"))?;
                Ok(())
            },
        ),
        Trial::test(
            "temp_book::cache_reuses_outputs_and_recompiles_a_changed_listing_alone",
            move || cache_behaviour(&second),
        ),
        Trial::test(
            "temp_book::outputs_command_rewrites_stale_outputs_and_keeps_their_command",
            move || outputs_command(&third),
        ),
    ]
}

/// With a private cache: the first run compiles both listings, the second
/// none, and after one file of one listing changes, that listing alone.
fn cache_behaviour(real_root: &Path) -> Result<(), Failed> {
    let book = TempBook::new(real_root, &[("en", "listings-sources")]);
    book.listing("listings-sources", "one", "one", "pub fn one() {}\n");
    book.listing("listings-sources", "two", "two", "pub fn two() {}\n");
    let settings = CompileSettings {
        cache: Some(OutputCache::new(book.root().join("private-cache"))),
        ..CompileSettings::for_book(book.root())
    };
    let compile_all = |round: &str| -> Result<Vec<bool>, Failed> {
        book.listings("en")
            .iter()
            .map(|listing| {
                compile::compile(listing, CargoCommand::DEFAULT, &settings)
                    .map(|compilation| compilation.from_cache)
                    .map_err(|e| format!("{round}: {e:#}").into())
            })
            .collect()
    };
    let first = compile_all("first run")?;
    let second = compile_all("second run")?;
    book.write(
        &format!("listings-sources/{CHAPTER}/two/src/lib.rs"),
        "pub fn two() -> u8 {\n    2\n}\n",
    );
    let after_change = compile_all("after changing two")?;
    let expected = (vec![false, false], vec![true, true], vec![true, false]);
    if (first.clone(), second.clone(), after_change.clone()) != expected {
        return Err(format!(
            "from_cache per listing [one, two]: first {first:?}, second {second:?}, after changing two {after_change:?}; expected {expected:?}"
        )
        .into());
    }
    let two = &book.listings("en")[1];
    let recompiled =
        compile::compile(two, CargoCommand::DEFAULT, &settings).map_err(|e| format!("{e:#}"))?;
    if !recompiled
        .output
        .contains("Checking two v0.1.0 (file:///projects/two)")
    {
        return Err(format!(
            "the cached output lacks the Checking line:\n{}",
            recompiled.output
        )
        .into());
    }
    Ok(())
}

/// `cargo xtask outputs` (its library code) creates a missing
/// `output.txt`, rewrites a stale one keeping its `$ cargo build`, and then
/// leaves everything unchanged; the checks pass afterwards.
fn outputs_command(real_root: &Path) -> Result<(), Failed> {
    let book = TempBook::new(real_root, &[("en", "listings-sources")]);
    book.chapter(&format!(
        "# Chapter\n\n{}\n{}",
        TempBook::fence("rust", "listings-sources", "checked"),
        TempBook::fence("rust", "listings-sources", "built"),
    ));
    book.listing(
        "listings-sources",
        "checked",
        "checked",
        "pub fn checked() {}\n",
    );
    book.listing("listings-sources", "built", "built", "pub fn built() {}\n");
    let built_output = book
        .root()
        .join(format!("listings-sources/{CHAPTER}/built/output.txt"));
    fs::write(
        &built_output,
        "$ cargo build\n    Compiling an old transcript\n",
    )?;

    let first = book.regenerate_outputs();
    let built_id = format!("en/{CHAPTER}/built");
    let checked_id = format!("en/{CHAPTER}/checked");
    let built_change = first.iter().find(|(id, _)| *id == built_id).map(|(_, c)| c);
    match built_change {
        Some(OutputChange::Updated(diff)) if diff.contains("-    Compiling an old transcript") => {}
        other => {
            return Err(
                format!("built: expected an update removing the old line, got {other:?}").into(),
            )
        }
    }
    if !first.contains(&(checked_id, OutputChange::Created)) {
        return Err(format!("checked: expected its output.txt created, got {first:?}").into());
    }
    let rewritten = fs::read_to_string(&built_output)?;
    if !rewritten.starts_with("$ cargo build\n   Compiling built v0.1.0 (file:///projects/built)\n")
    {
        return Err(format!(
            "the rewritten output is not the `cargo build` transcript:\n{rewritten}"
        )
        .into());
    }
    let second = book.regenerate_outputs();
    if second
        .iter()
        .any(|(_, change)| *change != OutputChange::Unchanged)
    {
        return Err(format!("a second run changed something: {second:?}").into());
    }
    book.check("en").map_err(Failed::from)
}
