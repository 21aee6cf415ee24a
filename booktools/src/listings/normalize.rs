//! Makes a cargo transcript identical on every machine.
//!
//! - the crate's absolute directory becomes `/projects/<package>`, written
//!   `(file:///projects/<package>)` in the `Compiling`/`Checking` line, as the
//!   Rust book shows it;
//! - the target directory becomes `/projects/<package>/target`;
//! - the duration of the `Finished` line becomes [`FIXED_DURATION`];
//! - cargo's `Blocking waiting for file lock` lines, which depend on what
//!   else runs on the machine, are dropped.

use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The duration written in every `Finished ... in <duration>` line.
pub const FIXED_DURATION: &str = "0.50s";

/// Bumped whenever the normalization changes, so cached outputs made with an
/// older one are not reused.
pub const NORMALIZATION_VERSION: u32 = 1;

/// The machine-specific paths of one compilation.
#[derive(Debug, Clone)]
pub struct MachinePaths {
    /// The listing crate directory.
    pub crate_dir: PathBuf,
    /// The cargo target directory used for it.
    pub target_dir: PathBuf,
    /// Its package name.
    pub package: String,
}

/// `Finished ... in 1.23s` / `in 1m 02s`, and the file-lock lines.
static FINISHED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(\s*Finished .*) in \d[\d.hm ]*s$").expect("valid"));
static BLOCKING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*Blocking waiting for file lock.*\n?").expect("valid"));

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
    FINISHED
        .replace_all(&text, format!("$1 in {FIXED_DURATION}"))
        .into_owned()
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
    use super::*;

    #[test]
    fn replaces_crate_dir_target_dir_and_duration() {
        let paths = MachinePaths {
            crate_dir: PathBuf::from("/home/me/book/listings-sources/ch20/listing-20-22"),
            target_dir: PathBuf::from("/home/me/book/target/listings/en/listing-20-22"),
            package: "hello".to_string(),
        };
        let raw = "\
    Checking hello v0.1.0 (/home/me/book/listings-sources/ch20/listing-20-22)
warning: /home/me/book/listings-sources/ch20/listing-20-22/Cargo.toml: unused key
  --> /home/me/book/target/listings/en/listing-20-22/debug/x
    Blocking waiting for file lock on package cache
    Finished thinking in words
    Finished `release` profile [optimized] target(s) in 1m 02s
    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1.23s
";
        let expected = "\
    Checking hello v0.1.0 (file:///projects/hello)
warning: /projects/hello/Cargo.toml: unused key
  --> /projects/hello/target/debug/x
    Finished thinking in words
    Finished `release` profile [optimized] target(s) in 0.50s
    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s
";
        assert_eq!(normalize(raw, &paths), expected);
    }
}
