//! The test suite in one binary, like mdBook's `tests/testsuite`: one
//! module per stage of the pipeline, the same folders as `booktools`. One
//! binary links the mdBook stack once, and its tests overlap: the longest
//! (the browser session, the real server runs, which mostly wait) go first
//! so the rest runs beside them.
//!
//! Every module gives its tests as `libtest_mimic` trials, because most of
//! them are found on disk (one per listing, per language). Run some with
//! `cargo test --test testsuite -- <name filter>`.

mod book;
mod i18n;
mod languages;
mod listings;
mod server;
mod site;

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::PathBuf;
use std::process::ExitCode;

/// Threads when `--test-threads` is not given: the twelve real server runs
/// spend five seconds each waiting for a `/sleep` request, so they all run
/// at once, beside the rest.
const DEFAULT_THREADS: usize = 16;

fn main() -> ExitCode {
    temporary_files_in_memory();
    let mut args = Arguments::from_args();
    args.test_threads = args.test_threads.or(Some(DEFAULT_THREADS));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if let Err(cause) = guard(&root) {
        // One cause, one failure: the rest would fail by the dozen.
        let trial = Trial::test("guard", move || Err(cause.into()));
        return libtest_mimic::run(&args, vec![trial]).exit_code();
    }
    // The longest first, so that they start at once: the browser sessions,
    // then the server runs (mostly waiting), then the rest beside them.
    let (mut trials, rest): (Vec<Trial>, Vec<Trial>) =
        site::trials().into_iter().partition(|trial| {
            ["browser", "lighthouse"]
                .iter()
                .any(|long| trial.name().contains(long))
        });
    trials.extend(server::trials(&root));
    trials.extend(languages::trials());
    trials.extend(rest);
    trials.extend(listings::trials(&root));
    trials.extend(book::trials());
    trials.extend(i18n::trials());
    trials.push(trial(
        "testsuite::guard",
        "names_a_chapter_missing_from_the_summary",
        guard_names_a_chapter_missing_from_the_summary,
    ));
    libtest_mimic::run(&args, trials).exit_code()
}

/// Where the machine has a memory file system (`/dev/shm`) and `TMPDIR`
/// is not set, temporary files go there, for this process and its
/// children: the tests make and delete some 8,000 files (copies of the
/// book, listing builds), and on ext4 creating them was a third of the
/// suite's system time.
fn temporary_files_in_memory() {
    let memory = std::path::Path::new("/dev/shm");
    let writable =
        memory.is_dir() && tempfile::tempdir_in(memory).is_ok_and(|probe| probe.close().is_ok());
    if std::env::var_os("TMPDIR").is_none() && writable {
        // Before any other thread starts: nothing reads the environment yet.
        std::env::set_var("TMPDIR", memory);
    }
}

/// What every other test needs: `book.toml` reads, each chapter is in
/// `SUMMARY.md`, each catalog parses, and the chapters of each language
/// render through the book pipeline (every include resolves). When not,
/// the suite runs no other test.
fn guard(root: &std::path::Path) -> Result<(), String> {
    let shown = |error: anyhow::Error| format!("{error:#}");
    let mut problems: Vec<String> = booktools::book::check_summary(root)
        .map_err(shown)?
        .iter()
        .map(ToString::to_string)
        .collect();
    for translation in booktools::i18n::translation::translations(root).map_err(shown)? {
        if translation.catalog.is_file() {
            let parsed = booktools::i18n::translation::read_po(&translation.catalog);
            problems.extend(parsed.err().map(shown));
        }
    }
    if problems.is_empty() {
        let layout = booktools::languages::BookLayout::load(root).map_err(shown)?;
        for language in &layout.languages {
            let rendered = booktools::book::preprocessed_chapters(root, &language.code);
            problems.extend(rendered.err().map(shown));
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n")),
    }
}

fn guard_names_a_chapter_missing_from_the_summary() -> anyhow::Result<()> {
    let book = graceful_shutdown_book::book_fixture::TempBook::copy_of_repository()?;
    let chapter = "ch20-03-graceful-shutdown-and-cleanup.md";
    let summary = book.read("src/SUMMARY.md")?;
    let entry = summary
        .lines()
        .find(|line| line.contains(chapter))
        .ok_or_else(|| anyhow::anyhow!("no entry for {chapter}"))?;
    book.delete_lines("src/SUMMARY.md", entry.trim())?;
    assert_eq!(
        guard(book.root()),
        Err(format!("src/SUMMARY.md: no entry for src/{chapter}"))
    );
    assert_eq!(
        guard(&graceful_shutdown_book::book_fixture::repository_root()),
        Ok(())
    );
    Ok(())
}

/// What a test function may return: nothing (it panics on failure) or a
/// `Result` whose error is the failure message.
pub trait Outcome {
    fn into_result(self) -> Result<(), Failed>;
}

impl Outcome for () {
    fn into_result(self) -> Result<(), Failed> {
        Ok(())
    }
}

impl<E: std::fmt::Debug> Outcome for Result<(), E> {
    fn into_result(self) -> Result<(), Failed> {
        self.map_err(|error| format!("{error:?}").into())
    }
}

/// A trial named after its module path inside the suite and its function.
pub fn trial<O: Outcome + 'static>(module: &str, name: &str, test: fn() -> O) -> Trial {
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    Trial::test(format!("{module}::{name}"), move || test().into_result())
}

/// `trials!(a, b)` in a module defines its `trials()`: one trial per
/// test function, named `<module path>::<function>`.
#[macro_export]
macro_rules! trials {
    ($($test:ident),* $(,)?) => {
        pub fn trials() -> Vec<libtest_mimic::Trial> {
            vec![$($crate::trial(module_path!(), stringify!($test), $test)),*]
        }
    };
}
