//! The test suite in one binary, like mdBook's `tests/testsuite`: one
//! module per stage of the pipeline, the same folders as `booktools`. One
//! binary links the mdBook stack once, and its tests overlap: the real
//! server runs, which mostly wait, go first so the rest runs beside them.
//!
//! Every module gives its tests as `libtest_mimic` trials, because most of
//! them are found on disk (one per listing, per language). Run some with
//! `cargo test --test testsuite -- <name filter>`.

mod book;
mod i18n;
mod listings;
mod server;
mod site;

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::PathBuf;
use std::process::ExitCode;

/// Threads when `--test-threads` is not given: the server runs spend most
/// of their time waiting, so more threads than cores keep the cores busy.
const DEFAULT_THREADS: usize = 8;

fn main() -> ExitCode {
    let mut args = Arguments::from_args();
    args.test_threads = args.test_threads.or(Some(DEFAULT_THREADS));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut trials = server::trials(&root);
    trials.extend(listings::trials(&root));
    trials.extend(book::trials());
    trials.extend(i18n::trials());
    trials.extend(site::trials());
    libtest_mimic::run(&args, trials).exit_code()
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
