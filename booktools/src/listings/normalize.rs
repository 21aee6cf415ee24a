//! Makes a cargo transcript identical on every machine.
//!
//! - the crate's absolute directory becomes `/projects/<package>`, written
//!   `(file:///projects/<package>)` in the `Compiling`/`Checking` line, as the
//!   Rust book shows it;
//! - the target directory becomes `/projects/<package>/target`;
//! - the duration of the `Finished` line becomes [`FIXED_DURATION`];
//! - cargo's `Blocking waiting for file lock` lines, which depend on what
//!   else runs on the machine, are dropped.

use std::path::{Path, PathBuf};

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

/// Normalizes `raw`, the combined stdout and stderr of cargo.
pub fn normalize(raw: &str, paths: &MachinePaths) -> String {
    let project = format!("/projects/{}", paths.package);
    let project_target = format!("{project}/target");
    let mut replacements: Vec<(String, String)> = Vec::new();
    for target in spellings(&paths.target_dir) {
        replacements.push((target, project_target.clone()));
    }
    for crate_dir in spellings(&paths.crate_dir) {
        replacements.push((format!("({crate_dir})"), format!("(file://{project})")));
        replacements.push((crate_dir, project.clone()));
    }
    // Longest first, so a path is never replaced by one of its prefixes.
    replacements.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));

    let mut normalized = String::with_capacity(raw.len());
    for line in raw.split_inclusive('\n') {
        if line
            .trim_start()
            .starts_with("Blocking waiting for file lock")
        {
            continue;
        }
        let mut line = line.to_string();
        for (from, to) in &replacements {
            if line.contains(from.as_str()) {
                line = line.replace(from.as_str(), to);
            }
        }
        normalized.push_str(&fix_finished_duration(&line));
    }
    normalized
}

/// The path as given and, when different, its canonical form.
fn spellings(path: &Path) -> Vec<String> {
    let mut spellings = vec![path.display().to_string()];
    if let Ok(canonical) = path.canonicalize() {
        let canonical = canonical.display().to_string();
        if !spellings.contains(&canonical) {
            spellings.push(canonical);
        }
    }
    spellings.retain(|spelling| spelling.len() > 1);
    spellings
}

/// `    Finished `dev` profile [...] target(s) in 1.23s` -> `... in 0.50s`.
fn fix_finished_duration(line: &str) -> String {
    let (body, newline) = match line.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (line, ""),
    };
    if !body.trim_start().starts_with("Finished ") {
        return line.to_string();
    }
    match body.rfind(" in ") {
        Some(at) if is_duration(&body[at + 4..]) => {
            format!("{} in {FIXED_DURATION}{newline}", &body[..at])
        }
        _ => line.to_string(),
    }
}

/// `0.45s`, `12s`, `1m 02s`.
fn is_duration(text: &str) -> bool {
    let Some(number) = text.strip_suffix('s') else {
        return false;
    };
    !number.is_empty()
        && number.starts_with(|c: char| c.is_ascii_digit())
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'm' || c == ' ' || c == 'h')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> MachinePaths {
        MachinePaths {
            crate_dir: PathBuf::from("/home/me/book/listings-sources/ch20/listing-20-22"),
            target_dir: PathBuf::from("/home/me/book/target/listings/en/listing-20-22"),
            package: "hello".to_string(),
        }
    }

    #[test]
    fn replaces_crate_dir_target_dir_and_duration() {
        let raw = "\
    Checking hello v0.1.0 (/home/me/book/listings-sources/ch20/listing-20-22)
warning: /home/me/book/listings-sources/ch20/listing-20-22/Cargo.toml: unused key
  --> /home/me/book/target/listings/en/listing-20-22/debug/x
    Blocking waiting for file lock on package cache
    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1.23s
";
        let expected = "\
    Checking hello v0.1.0 (file:///projects/hello)
warning: /projects/hello/Cargo.toml: unused key
  --> /projects/hello/target/debug/x
    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s
";
        assert_eq!(normalize(raw, &paths()), expected);
    }

    #[test]
    fn long_durations_and_other_lines() {
        assert_eq!(
            fix_finished_duration("    Finished `release` profile [optimized] target(s) in 1m 02s"),
            "    Finished `release` profile [optimized] target(s) in 0.50s"
        );
        let prose = "error: value moved in the loop\n";
        assert_eq!(fix_finished_duration(prose), prose);
        let not_a_duration = "    Finished thinking in words\n";
        assert_eq!(fix_finished_duration(not_a_duration), not_a_duration);
    }
}
