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

use booktools::languages::BookLayout;
use booktools::listings::compile::CompileSettings;
use booktools::listings::expectations::{self, Expectations};
use booktools::listings::{self, verify};
use libtest_mimic::{Failed, Trial};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Every test of the listings: the real book's, then the bad inputs.
pub fn trials(root: &Path) -> Vec<Trial> {
    let mut trials = book_trials(root);
    trials.extend(tiny::trials(root));
    trials
}

/// `Ok` when there is no problem, else one failure listing them all.
fn no_problems(problems: Vec<String>) -> Result<(), Failed> {
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n").into()),
    }
}

fn failed(error: anyhow::Error) -> Failed {
    format!("{error:#}").into()
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
    let shared = layout.clone();
    let mut trials = vec![
        Trial::test("listings::claims_file", move || {
            no_problems(expectations::check_claims_file(&shared).map_err(failed)?)
        }),
        Trial::test("listings::dependencies", {
            let layout = layout.clone();
            move || no_problems(dependency_problems(&layout)?)
        }),
    ];
    for language in &layout.languages {
        // The expectations of the language, read once by the first test that
        // needs them (reading them builds the book in-process).
        let expectations: Arc<OnceLock<Result<Expectations, String>>> = Arc::default();
        let read = {
            let (layout, code, once) = (layout.clone(), language.code.clone(), expectations);
            move || -> Result<Expectations, String> {
                let read = || Expectations::load(&layout, &code).map_err(|e| format!("{e:#}"));
                once.get_or_init(read).clone()
            }
        };
        let (tree, fences, code) = (language.clone(), read.clone(), &language.code);
        trials.push(Trial::test(format!("listings::{code}::tree"), {
            let tree = tree.clone();
            move || match listings::discover(&tree).map_err(failed)?.is_empty() {
                false => Ok(()),
                true => Err(format!(
                    "the listing tree {} of language `{}` holds no <chapter>/<listing>/Cargo.toml",
                    tree.tree.display(),
                    tree.code
                )
                .into()),
            }
        }));
        trials.push(Trial::test(
            format!("listings::{code}::fences"),
            move || {
                let expectations = fences()?;
                if expectations.fences.is_empty() {
                    let message =
                        format!("no fence of the {} chapters includes a listing", tree.code);
                    return Err(message.into());
                }
                no_problems(
                    expectations.dangling_fences(&listings::discover(&tree).map_err(failed)?),
                )
            },
        ));
        // A missing tree gives no listing tests: `tree` fails instead.
        for listing in listings::discover(language).unwrap_or_default() {
            let name = format!("listings::{}", listing.id().replace('/', "::"));
            let (settings, read) = (settings.clone(), read.clone());
            trials.push(Trial::test(name, move || {
                // Without the book's statements the listing is still
                // compiled and compared with its output.txt.
                let expectation = read().and_then(|expectations| {
                    expectations
                        .for_listing(&listing)
                        .map_err(|e| format!("{e:#}"))
                });
                let expectation = expectation.as_ref().map_err(Clone::clone);
                verify::verify_listing(&listing, expectation, &settings).map_err(failed)?;
                Ok(())
            }));
        }
    }
    trials
}

/// `listings::dependencies`: every crate a listing depends on is pinned to
/// an exact version (`=x.y.z`, so `Cargo.lock` and the recorded outputs
/// cannot drift), the same in every language, and `skeptic/Cargo.toml`
/// depends on it with the same specification, so the book's blocks that
/// use it compile against the version the listings use.
fn dependency_problems(layout: &BookLayout) -> Result<Vec<String>, Failed> {
    let dependencies = |manifest: &Path| -> Result<toml::Table, Failed> {
        let text = std::fs::read_to_string(manifest)
            .map_err(|e| format!("reading {}: {e}", manifest.display()))?;
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e| format!("parsing {}: {e}", manifest.display()))?;
        match table.remove("dependencies") {
            Some(toml::Value::Table(dependencies)) => Ok(dependencies),
            _ => Ok(toml::Table::new()),
        }
    };
    let skeptic_manifest = layout.root.join("skeptic/Cargo.toml");
    let skeptic = dependencies(&skeptic_manifest)?;
    let mut problems = Vec::new();
    let mut by_listing: BTreeMap<String, (String, toml::Table)> = BTreeMap::new();
    for language in &layout.languages {
        for listing in listings::discover(language).map_err(failed)? {
            let manifest = listing.dir.join("Cargo.toml");
            let found = dependencies(&manifest)?;
            for (name, spec) in &found {
                // `"=3.5.3"` or `{ version = "=3.5.3", ... }`.
                let version = spec.as_str().or_else(|| spec.get("version")?.as_str());
                if !version.is_some_and(|v| v.starts_with('=')) {
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
    Ok(problems)
}
