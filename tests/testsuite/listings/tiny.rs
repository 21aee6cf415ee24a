//! `listings::tiny::*`: the listing checks on tiny temporary books
//! (`booktools::book::TempBook`). A correct bilingual book passes; each
//! `bad_input` row breaks one thing in it and the checks must fail naming
//! the file (and line) at fault. The tiny crates compile into the temporary
//! book's target folders but share the real book's output cache (keyed by
//! content), so a warm run starts no cargo for them either.

use anyhow::Result;
use booktools::book::TempBook;
use booktools::languages::BookLayout;
use booktools::listings::compile::{self, CargoCommand, CompileSettings, CACHE_DIR};
use booktools::listings::expectations::{self, EXPECTATIONS_FILE};
use booktools::listings::outputs::{self, OutputChange};
use booktools::listings::{self, verify};
use libtest_mimic::{Failed, Trial};
use std::path::Path;

const TREES: [(&str, &str); 2] = [("en", "listings-sources"), ("fr", "listings")];

/// Targets in the temporary book, outputs in `cache` (the real book's by
/// default).
fn settings(book: &TempBook, cache: &Path) -> CompileSettings {
    let cache = Some(cache.to_path_buf());
    CompileSettings {
        cache,
        ..CompileSettings::for_book(book.root())
    }
}

/// A fence showing listing `name` of the English tree.
fn fence(info: &str, name: &str) -> String {
    format!("```{info}\n{{{{#rustdoc_include ../listings-sources/ch01-tiny/{name}/src/lib.rs}}}}\n```\n")
}

/// Adds `<tree>/ch01-tiny/<name>` with this `src/lib.rs`.
fn listing(book: &TempBook, tree: &str, name: &str, package: &str, lib: &str) -> Result<()> {
    book.add_crate(
        &format!("{tree}/ch01-tiny/{name}"),
        package,
        &[("src/lib.rs", lib)],
    )
}

/// English listings of one function each, named as their package.
fn english_listings(book: &TempBook, names: &[&str]) -> Result<()> {
    for name in names {
        let lib = format!("pub fn {name}() {{}}\n");
        listing(book, "listings-sources", name, name, &lib)?;
    }
    Ok(())
}

/// Rewrites every `output.txt` with the code of `cargo xtask outputs`; what
/// changed, per listing id.
fn regenerate(book: &TempBook, cache: &Path) -> Result<Vec<(String, OutputChange)>> {
    let done = outputs::regenerate(&BookLayout::load(book.root())?, &settings(book, cache), 2);
    anyhow::ensure!(
        done.problems.is_empty(),
        "regenerating: {:?}",
        done.problems
    );
    Ok(done
        .changes
        .into_iter()
        .map(|(listing, change)| (listing.id(), change))
        .collect())
}

/// Runs the checks of the book tests (every language's fences and
/// listings, the claims file): every problem, or `Ok`.
fn check(book: &TempBook, cache: &Path) -> Result<(), String> {
    let layout = BookLayout::load(book.root()).map_err(|e| format!("{e:#}"))?;
    let verdicts = verify::verify_book(&layout, &settings(book, cache), 2).into_iter();
    let mut problems: Vec<String> = (verdicts.filter_map(|verdict| verdict.result.err()))
        .map(|error| format!("{error:#}"))
        .collect();
    match expectations::check_claims_file(&layout) {
        Ok(found) => problems.extend(found),
        Err(error) => problems.push(format!("{error:#}")),
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n")),
    }
}

/// English: `good` compiles with one warning about `terminate`, `broken`
/// fails with E0308; French the same with `extinction` (the glossary's
/// name); the chapter and the claims file say so. Outputs recorded.
fn bilingual_book(cache: &Path) -> Result<TempBook> {
    let chapter = format!(
        "# Chapter\n\nThis code warns that we never call `terminate`:\n\n{}\n\
         This one has a type error:\n\n{}",
        fence("rust,noplayground", "good"),
        fence("rust,ignore,does_not_compile", "broken"),
    );
    let book = TempBook::tiny(&TREES, &chapter)?;
    let broken = "pub fn answer() -> u32 {\n    \"forty-two\"\n}\n";
    for (tree, package, name) in [
        ("listings-sources", "hello", "terminate"),
        ("listings", "salutations", "extinction"),
    ] {
        listing(
            &book,
            tree,
            "good",
            package,
            &format!("fn {name}() {{}}\n\npub fn run() {{}}\n"),
        )?;
        listing(&book, tree, "broken", package, broken)?;
    }
    book.write("glossary.toml", "[fr.code]\nterminate = \"extinction\"\n")?;
    book.write(
        EXPECTATIONS_FILE,
        "[[claim]]\nlisting = \"good\"\nwarnings = 1\nwarning_mentions = [\"terminate\"]\n\
         quote = \"warns that we never call `terminate`\"\nreason = \"dead code\"\n\n\
         [[claim]]\nlisting = \"broken\"\nerrors = [\"E0308\"]\n\
         quote = \"This one has a type error\"\nreason = \"a string is not a u32\"\n",
    )?;
    regenerate(&book, cache)?;
    Ok(book)
}

const GOOD_OUTPUT: &str = "listings-sources/ch01-tiny/good/output.txt";

/// One bad input: a name, the edit of the correct bilingual book, and what
/// the failure must say (`{root}`: the book).
type BadInput = (
    &'static str,
    fn(&TempBook, &Path) -> Result<()>,
    &'static [&'static str],
);

const BAD_INPUTS: &[BadInput] = &[
    ("does_not_compile_fence_on_a_listing_that_compiles",
        |book, _| book.replace_once("src/chapter.md", "rust,noplayground", "rust,ignore,does_not_compile"),
        &["{root}/src/chapter.md:5 (```rust,ignore,does_not_compile): says good does not compile, but the live output shows it compiles"]),
    ("stale_output_txt",
        |book, _| book.replace_once(GOOD_OUTPUT, "Checking hello", "Compiling hello"),
        &["{root}/listings-sources/ch01-tiny/good/output.txt is stale", "-    Compiling hello v0.1.0 (file:///projects/hello)", "+    Checking hello v0.1.0 (file:///projects/hello)", "cargo xtask outputs"]),
    ("missing_output_txt",
        |book, _| Ok(std::fs::remove_file(book.root().join(GOOD_OUTPUT))?),
        &["{root}/listings-sources/ch01-tiny/good/output.txt is missing", "cargo xtask outputs"]),
    ("unknown_command_in_output_txt",
        |book, _| book.replace_once(GOOD_OUTPUT, "$ cargo check", "$ cargo fmt"),
        &["{root}/listings-sources/ch01-tiny/good/output.txt:1: the first line must be"]),
    ("missing_language_tree",
        |book, _| Ok(std::fs::remove_dir_all(book.root().join("listings"))?),
        &["{root}/listings (set in book.toml", "missing"]),
    ("fence_of_a_missing_listing",
        |book, _| Ok(std::fs::remove_file(book.root().join("listings/ch01-tiny/broken/Cargo.toml"))?),
        &["{root}/src/chapter.md (fr translation):", "includes listing ch01-tiny/broken, which the fr tree does not have", "listing `broken` does not exist in the fr tree"]),
    ("quote_not_in_the_chapter",
        |book, _| book.replace_once(EXPECTATIONS_FILE, "This one has a type error", "this sentence is not in the chapter"),
        &["{root}/listing-expectations.toml:9 (\"this sentence is not in the chapter\"): the quote is not in"]),
    ("claimed_error_code_not_shown",
        |book, _| book.replace_once(EXPECTATIONS_FILE, "\"E0308\"", "\"E0599\""),
        &["{root}/listing-expectations.toml:9", "broken must show the errors [\"E0599\"], the live output has [\"E0308\"]"]),
    ("claim_that_states_nothing",
        |book, _| book.replace_once(EXPECTATIONS_FILE, "errors = [\"E0308\"]\n", ""),
        &["{root}/listing-expectations.toml:9: the claim states nothing"]),
    ("outcome_that_repeats_the_fence",
        |book, _| book.replace_once(EXPECTATIONS_FILE, "errors = [\"E0308\"]", "errors = [\"E0308\"]\noutcome = \"does_not_compile\""),
        &["{root}/listing-expectations.toml:9", "`outcome = DoesNotCompile` repeats what {root}/src/chapter.md:"]),
    ("untranslated_name_in_a_french_warning",
        |book, cache| {
            listing(book, "listings", "good", "salutations", "fn terminate() {}\n\npub fn run() {}\n")?;
            regenerate(book, cache).map(drop)
        },
        &["{root}/listing-expectations.toml:2", "must mention `extinction`"]),
];

/// The `listings::tiny::*` tests.
pub fn trials(real_root: &Path) -> Vec<Trial> {
    let cache = real_root.join(CACHE_DIR);
    let other = cache.clone();
    let mut trials = vec![
        Trial::test(
            "listings::tiny::correct_listings_pass_in_every_language",
            move || check(&bilingual_book(&cache)?, &cache).map_err(Failed::from),
        ),
        Trial::test(
            "listings::tiny::cache_reuses_outputs_and_recompiles_a_changed_listing_alone",
            || cache_behaviour().map_err(|e| format!("{e:#}").into()),
        ),
        Trial::test(
            "listings::tiny::outputs_command_rewrites_stale_outputs_and_keeps_their_command",
            move || outputs_command(&other).map_err(|e| format!("{e:#}").into()),
        ),
    ];
    for &(name, edit, needles) in BAD_INPUTS {
        let cache = real_root.join(CACHE_DIR);
        trials.push(Trial::test(
            format!("listings::tiny::bad_input::{name}"),
            move || {
                let book = bilingual_book(&cache)?;
                edit(&book, &cache)?;
                let Err(message) = check(&book, &cache) else {
                    return Err("the broken book passed the checks".into());
                };
                let root = book.root().display().to_string();
                let missing: Vec<String> = (needles.iter())
                    .map(|needle| needle.replace("{root}", &root))
                    .filter(|needle| !message.contains(needle))
                    .collect();
                match missing.is_empty() {
                    true => Ok(()),
                    false => {
                        Err(format!("the failure does not mention {missing:?}:\n{message}").into())
                    }
                }
            },
        ));
    }
    trials
}

/// With a private cache: the first run compiles both listings, the second
/// none (a new `output.txt` and `target/` are not part of the key), and
/// after one file of one listing changes, that listing alone.
fn cache_behaviour() -> Result<()> {
    let book = TempBook::tiny(&TREES[..1], "# Chapter\n")?;
    english_listings(&book, &["one", "two"])?;
    let settings = settings(&book, &book.root().join("private-cache"));
    let layout = BookLayout::load(book.root())?;
    let compile_all = || -> Result<Vec<(bool, String)>> {
        let found = listings::discover(&layout.languages[0])?.into_iter();
        let work: Vec<_> = found
            .map(|l| (l, CargoCommand::default_command()))
            .collect();
        let compiled = listings::parallel_map(&work, 2, |(l, c)| compile::compile(l, c, &settings));
        (compiled.into_iter())
            .map(|c| c.map(|c| (c.from_cache, c.output)))
            .collect()
    };
    let from_cache = |runs: Vec<(bool, String)>| runs.into_iter().map(|(cached, _)| cached);
    let first = from_cache(compile_all()?).collect::<Vec<_>>();
    book.write(
        "listings-sources/ch01-tiny/one/output.txt",
        "$ cargo check\n",
    )?;
    book.write("listings-sources/ch01-tiny/one/target/debug/x", "artifact")?;
    let second = from_cache(compile_all()?).collect::<Vec<_>>();
    let two = "listings-sources/ch01-tiny/two/src/lib.rs";
    book.write(two, "pub fn two() -> u8 {\n    2\n}\n")?;
    let after_change = compile_all()?;
    let expected = (vec![false, false], vec![true, true], vec![true, false]);
    let found = (first, second, from_cache(after_change.clone()).collect());
    anyhow::ensure!(
        found == expected,
        "from_cache per listing [one, two] (first, second, after changing two): {found:?}, expected {expected:?}"
    );
    let output = &after_change[1].1;
    let checking = output.contains("Checking two v0.1.0 (file:///projects/two)");
    anyhow::ensure!(
        checking,
        "the recompiled output lacks the Checking line:\n{output}"
    );
    Ok(())
}

/// `cargo xtask outputs` (its library code) creates a missing
/// `output.txt`, rewrites a stale one keeping its `$ cargo build`, and then
/// leaves everything unchanged; the checks pass afterwards.
fn outputs_command(cache: &Path) -> Result<()> {
    let fences = format!("{}\n{}", fence("rust", "checked"), fence("rust", "built"));
    let book = TempBook::tiny(&TREES[..1], &format!("# Chapter\n\n{fences}"))?;
    english_listings(&book, &["checked", "built"])?;
    let built_output = "listings-sources/ch01-tiny/built/output.txt";
    book.write(
        built_output,
        "$ cargo build\n    Compiling an old transcript\n",
    )?;
    let first = regenerate(&book, cache)?;
    let built = first.iter().find(|(id, _)| id == "en/ch01-tiny/built");
    let updated = matches!(built, Some((_, OutputChange::Updated(diff)))
        if diff.contains("-    Compiling an old transcript"));
    anyhow::ensure!(
        updated,
        "built: expected an update removing the old line, got {built:?}"
    );
    let created = first.contains(&("en/ch01-tiny/checked".into(), OutputChange::Created));
    anyhow::ensure!(
        created,
        "checked: expected its output.txt created, got {first:?}"
    );
    let rewritten = book.read(built_output)?;
    let build = "$ cargo build\n   Compiling built v0.1.0 (file:///projects/built)\n";
    anyhow::ensure!(
        rewritten.starts_with(build),
        "the rewritten output is not the `cargo build` transcript:\n{rewritten}"
    );
    let second = regenerate(&book, cache)?;
    let unchanged = second
        .iter()
        .all(|(_, change)| *change == OutputChange::Unchanged);
    anyhow::ensure!(unchanged, "a second run changed something: {second:?}");
    check(&book, cache).map_err(anyhow::Error::msg)
}
