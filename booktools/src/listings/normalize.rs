//! Makes a cargo transcript identical on every machine.
//!
//! - the crate's absolute directory becomes `/projects/<package>`, written
//!   `(file:///projects/<package>)` in the `Compiling`/`Checking` line, as the
//!   Rust book shows it;
//! - the target directory becomes `/projects/<package>/target`;
//! - the duration of the `Finished` line becomes [`FIXED_DURATION`];
//! - cargo's `Blocking waiting for file lock` lines, which depend on what
//!   else runs on the machine, and its `Updating crates.io index`,
//!   `Downloading` and `Downloaded` lines,
//!   which depend on what its cache already holds, are dropped;
//! - the dependencies compiled at once (consecutive `Compiling`/`Checking`
//!   lines of registry crates) are listed in name order: cargo prints them
//!   in the order its parallel jobs start;
//! - `cargo test`: the results of one test binary (consecutive
//!   `test <name> ... ok` lines) are listed in name order, as their threads
//!   finish in any order; `finished in <duration>` becomes
//!   [`FIXED_TEST_DURATION`];
//! - `Running` lines show the target folder relative to the crate, as cargo
//!   does when it is inside it, and the hash cargo adds to a test binary's
//!   name becomes [`FIXED_HASH`].

use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The duration written in every `Finished ... in <duration>` line.
pub const FIXED_DURATION: &str = "0.50s";

/// The duration written in every `test result: ... finished in <duration>`.
pub const FIXED_TEST_DURATION: &str = "0.00s";

/// The hash written in the name of every test binary (`hello-<hash>`).
pub const FIXED_HASH: &str = "0123456789abcdef";

/// Bumped whenever the normalization changes, so cached outputs made with an
/// older one are not reused.
pub const NORMALIZATION_VERSION: u32 = 2;

/// The machine-specific paths of one compilation.
#[derive(Debug, Clone)]
pub struct MachinePaths {
    pub crate_dir: PathBuf,
    pub target_dir: PathBuf,
    pub package: String,
}

/// `Finished ... in 1.23s` / `in 1m 02s`, and the file-lock lines.
static FINISHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(\s*Finished .*) in \d[\d.hm ]*s$").expect("valid"));
static BLOCKING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\s*(Blocking waiting for file lock|Updating crates\.io index|Downloading crates|Downloaded ).*\n?",
    )
        .expect("valid")
});
/// `test result: ... finished in 0.42s`.
static TEST_DURATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(test result: .*; finished in )\d[\d.]*s$").expect("valid"));
/// The hash of a test binary in a `Running` line.
static BINARY_HASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(/deps/\w+)-[0-9a-f]{16}\)").expect("valid"));
/// One result line of a test binary.
static TEST_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^test .+ \.\.\. \S+").expect("valid"));
/// A registry dependency compiled: `   Compiling libc v0.2.172` (a path
/// package ends with its folder in parentheses).
static DEPENDENCY_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s+(Compiling|Checking) \S+ v\S+$").expect("valid"));

/// Normalizes `raw`, the combined stdout and stderr of cargo.
pub fn normalize(raw: &str, paths: &MachinePaths) -> String {
    let project = format!("/projects/{}", paths.package);
    let mut replacements: Vec<(String, String)> = Vec::new();
    for target in spellings(&paths.target_dir) {
        replacements.push((target, format!("{project}/target")));
    }
    for crate_dir in spellings(&paths.crate_dir) {
        replacements.push((format!("({crate_dir})"), format!("(file://{project})")));
        replacements.push((crate_dir, project.clone()));
    }
    // Longest first, so a path is never replaced by one of its prefixes.
    replacements.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    let mut text = BLOCKING.replace_all(raw, "").into_owned();
    for (from, to) in &replacements {
        text = text.replace(from.as_str(), to);
    }
    let running = format!(
        r"(?m)^(\s+Running .*[`(]){}/target/",
        regex::escape(&project)
    );
    let text = Regex::new(&running)
        .expect("escaped")
        .replace_all(&text, "${1}target/");
    let text = FINISHED.replace_all(&text, format!("$1 in {FIXED_DURATION}"));
    let text = TEST_DURATION.replace_all(&text, format!("${{1}}{FIXED_TEST_DURATION}"));
    let text = BINARY_HASH.replace_all(&text, format!("$1-{FIXED_HASH})"));
    let text = sort_runs(&text, &TEST_LINE, |line| line.to_string());
    // By crate name and version: the verb (`Compiling`, `Checking`) and its
    // indentation vary with what cargo does for the crate.
    sort_runs(&text, &DEPENDENCY_LINE, |line| {
        line.split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// `text` with every run of consecutive lines matching `line` sorted by
/// `key`.
fn sort_runs(text: &str, line: &Regex, key: impl Fn(&str) -> String) -> String {
    let mut sorted = String::with_capacity(text.len());
    let mut run: Vec<&str> = Vec::new();
    for current in text.split_inclusive('\n') {
        if line.is_match(current.trim_end()) {
            run.push(current);
            continue;
        }
        run.sort_by_cached_key(|line| key(line));
        sorted.extend(run.drain(..));
        sorted.push_str(current);
    }
    run.sort_by_cached_key(|line| key(line));
    sorted.extend(run);
    sorted
}

/// The path as given and, when different, its canonical form.
fn spellings(path: &Path) -> Vec<String> {
    let mut spellings = vec![path.display().to_string()];
    if let Ok(canonical) = path.canonicalize() {
        spellings.push(canonical.display().to_string());
    }
    spellings.dedup();
    spellings.retain(|spelling| spelling.len() > 1);
    spellings
}

#[cfg(test)]
mod tests {
    /// What depends on the machine and on timing, which the real listings
    /// (compared with their `output.txt` on this machine) may not show.
    #[test]
    fn fixes_what_varies_between_machines_and_runs() {
        let paths = super::MachinePaths {
            crate_dir: "/book/listings/l".into(),
            target_dir: "/book/target/l".into(),
            package: "hello".to_string(),
        };
        let raw = "    Updating crates.io index
 Downloading crates ...
  Downloaded libc v0.2.1
    Blocking waiting for file lock on package cache
   Compiling libc v0.2.1
    Checking cfg-if v1.0.0
   Compiling hello v0.1.0 (/book/listings/l)
warning: /book/listings/l/Cargo.toml: unused key
    Finished thinking in words
    Finished `test` profile [unoptimized + debuginfo] target(s) in 1m 02s
     Running unittests src/lib.rs (/book/target/l/debug/deps/hello-494d0222fac581bc)

test tests::b ... ok
test tests::a - should panic ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.43s

     Running `/book/target/l/debug/examples/primes`
";
        let expected = "    Checking cfg-if v1.0.0
   Compiling libc v0.2.1
   Compiling hello v0.1.0 (file:///projects/hello)
warning: /projects/hello/Cargo.toml: unused key
    Finished thinking in words
    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.50s
     Running unittests src/lib.rs (target/debug/deps/hello-0123456789abcdef)

test tests::a - should panic ... ok
test tests::b ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running `target/debug/examples/primes`
";
        assert_eq!(super::normalize(raw, &paths), expected);
    }
}
