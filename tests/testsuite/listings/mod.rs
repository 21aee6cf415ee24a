//! The listing crates prove what the text says: one test per listing crate
//! of every language, found on disk at each run (a new listing folder is a
//! new test, no change here).
//!
//! Each `listings::<language>::<chapter>::<listing>` test compiles the
//! listing (through the output cache: a warm run starts no cargo), compares
//! the normalized output with its `output.txt`, and checks what the
//! chapter's fences and `listing-expectations.toml` state about it.
//! `listings::tiny::*` run the same checks on tiny books, never on the
//! real tree.

mod tiny;

use booktools::languages::{BookLayout, Language};
use booktools::listings::compile::CompileSettings;
use booktools::listings::expectations::{self, Expectations};
use booktools::listings::verify;
use booktools::listings::{self, Listing};
use libtest_mimic::{Failed, Trial};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Every test of the listings: the real book's, then the bad inputs.
pub fn trials(root: &Path) -> Vec<Trial> {
    let mut trials = book_trials(root);
    trials.extend(tiny::trials(root));
    trials
}

/// The expectations of one language, read once by the first test that
/// needs them (reading them builds the book in-process).
type SharedExpectations = Arc<OnceLock<Result<Expectations, String>>>;

fn expectations_of(
    shared: &SharedExpectations,
    layout: &BookLayout,
    language: &str,
) -> Result<Expectations, Failed> {
    shared
        .get_or_init(|| Expectations::load(layout, language).map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(Failed::from)
}

/// The tests of the real book at `root`.
fn book_trials(root: &Path) -> Vec<Trial> {
    let layout = match BookLayout::load(root) {
        Ok(layout) => Arc::new(layout),
        Err(error) => {
            let message = format!("{error:#}");
            return vec![Trial::test("listings::layout", move || Err(message.into()))];
        }
    };
    let settings = Arc::new(CompileSettings::for_book(root));
    let mut trials = vec![claims_file_trial(&layout), dependencies_trial(&layout)];
    for language in &layout.languages {
        let shared: SharedExpectations = Arc::new(OnceLock::new());
        trials.push(tree_trial(language));
        trials.push(fences_trial(&layout, language, &shared));
        // A missing tree gives no listing tests: `tree` fails instead.
        for listing in listings::discover(language).unwrap_or_default() {
            trials.push(listing_trial(&layout, &settings, &shared, listing));
        }
    }
    trials
}

/// `listings::<language>::tree`: the language's listing tree exists and holds
/// listing crates.
fn tree_trial(language: &Language) -> Trial {
    let language = language.clone();
    Trial::test(format!("listings::{}::tree", language.code), move || {
        let found = listings::discover(&language).map_err(|e| format!("{e:#}"))?;
        if found.is_empty() {
            return Err(format!(
                "the listing tree {} of language `{}` holds no <chapter>/<listing>/Cargo.toml",
                language.tree.display(),
                language.code
            )
            .into());
        }
        Ok(())
    })
}

/// `listings::<language>::fences`: every listing fence of the language's
/// chapters includes a listing that exists in its tree.
fn fences_trial(
    layout: &Arc<BookLayout>,
    language: &Language,
    shared: &SharedExpectations,
) -> Trial {
    let (layout, language, shared) = (layout.clone(), language.clone(), shared.clone());
    Trial::test(format!("listings::{}::fences", language.code), move || {
        let expectations = expectations_of(&shared, &layout, &language.code)?;
        let found = listings::discover(&language).map_err(|e| format!("{e:#}"))?;
        if expectations.fences.is_empty() {
            return Err(format!(
                "no fence of the {} chapters includes a listing",
                language.code
            )
            .into());
        }
        let dangling = expectations.dangling_fences(&found);
        if dangling.is_empty() {
            Ok(())
        } else {
            Err(dangling.join("\n").into())
        }
    })
}

/// `listings::<language>::<chapter>::<listing>`.
fn listing_trial(
    layout: &Arc<BookLayout>,
    settings: &Arc<CompileSettings>,
    shared: &SharedExpectations,
    listing: Listing,
) -> Trial {
    let name = format!(
        "listings::{}::{}::{}",
        listing.language, listing.chapter, listing.name
    );
    let (layout, settings, shared) = (layout.clone(), settings.clone(), shared.clone());
    Trial::test(name, move || {
        // Without the book's statements the listing is still compiled and
        // compared with its output.txt.
        let expectation = expectations_of(&shared, &layout, &listing.language)
            .map_err(|failed| failed.message().unwrap_or("unreadable").to_string())
            .and_then(|expectations| {
                expectations
                    .for_listing(&listing)
                    .map_err(|e| format!("{e:#}"))
            });
        verify::verify_listing(
            &listing,
            expectation.as_ref().map_err(Clone::clone),
            &settings,
        )
        .map(drop)
        .map_err(|e| format!("{e:#}").into())
    })
}

/// `listings::claims_file`: every claim of `listing-expectations.toml`
/// quotes its chapter and names a listing of every language.
fn claims_file_trial(layout: &Arc<BookLayout>) -> Trial {
    let layout = layout.clone();
    Trial::test("listings::claims_file", move || {
        let problems = expectations::check_claims_file(&layout).map_err(|e| format!("{e:#}"))?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n").into())
        }
    })
}

/// The `[dependencies]` of a `Cargo.toml`, empty when it has none.
fn dependencies(manifest: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| format!("reading {}: {e}", manifest.display()))?;
    let mut table: toml::Table =
        toml::from_str(&text).map_err(|e| format!("parsing {}: {e}", manifest.display()))?;
    match table.remove("dependencies") {
        Some(toml::Value::Table(dependencies)) => Ok(dependencies),
        _ => Ok(toml::Table::new()),
    }
}

/// The version requirement of a dependency (`"=3.5.3"` or `{ version = .. }`).
fn version_of(spec: &toml::Value) -> Option<&str> {
    spec.as_str()
        .or_else(|| spec.get("version").and_then(toml::Value::as_str))
}

/// `listings::dependencies`: every crate a listing depends on is pinned to
/// an exact version (`=x.y.z`, so `Cargo.lock` and the recorded outputs
/// cannot drift), the same in every language, and `skeptic/Cargo.toml`
/// depends on it with the same specification, so the book's blocks that
/// use it compile against the version the listings use.
fn dependencies_trial(layout: &Arc<BookLayout>) -> Trial {
    let layout = layout.clone();
    Trial::test("listings::dependencies", move || {
        let skeptic_manifest = layout.root.join("skeptic/Cargo.toml");
        let skeptic = dependencies(&skeptic_manifest)?;
        let mut problems = Vec::new();
        let mut by_listing: std::collections::BTreeMap<String, (String, toml::Table)> =
            Default::default();
        for language in &layout.languages {
            for listing in listings::discover(language).map_err(|e| format!("{e:#}"))? {
                let manifest = listing.dir.join("Cargo.toml");
                let found = dependencies(&manifest)?;
                for (name, spec) in &found {
                    if !version_of(spec).is_some_and(|v| v.starts_with('=')) {
                        problems.push(format!(
                            "{}: `{name}` is not pinned to an exact version (`=x.y.z`)",
                            manifest.display()
                        ));
                    }
                    if skeptic.get(name) != Some(spec) {
                        problems.push(format!(
                            "{}: `{name} = {spec}`, but {} has {:?}: the book's blocks must \
                             compile against the listings' version",
                            manifest.display(),
                            skeptic_manifest.display(),
                            skeptic.get(name).map(ToString::to_string)
                        ));
                    }
                }
                let key = format!("{}/{}", listing.chapter, listing.name);
                match by_listing.get(&key) {
                    Some((first, theirs)) if theirs != &found => problems.push(format!(
                        "{}: its dependencies differ from those of {first}",
                        manifest.display()
                    )),
                    Some(_) => {}
                    None => {
                        by_listing.insert(key, (manifest.display().to_string(), found));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n").into())
        }
    })
}
