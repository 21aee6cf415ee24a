//! The errors and warnings of a cargo transcript.
//!
//! A diagnostic starts at a line `error[E0507]: ...`, `error: ...` or
//! `warning: ...` and runs to the next blank line. Cargo's and rustc's
//! summaries (`error: could not compile`, `warning: ... generated 1 warning`,
//! `error: aborting due to`, `warning: build failed, waiting`) are not
//! diagnostics.

/// Severity of a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `error`.
    Error,
    /// `warning`.
    Warning,
}

/// One error or warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// `E0507` in `error[E0507]`, if any.
    pub code: Option<String>,
    /// The whole diagnostic, header line to the blank line.
    pub text: String,
}

/// The diagnostics of `output`, in order.
pub fn parse(output: &str) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut current: Option<Diagnostic> = None;
    for line in output.lines() {
        if let Some((level, code)) = header(line) {
            diagnostics.extend(current.take());
            current = Some(Diagnostic {
                level,
                code,
                text: line.to_string(),
            });
        } else if line.trim().is_empty() || is_summary(line) {
            diagnostics.extend(current.take());
        } else if let Some(diagnostic) = current.as_mut() {
            diagnostic.text.push('\n');
            diagnostic.text.push_str(line);
        }
    }
    diagnostics.extend(current);
    diagnostics
}

/// The error codes of the errors, in order (`None` for an error without code).
pub fn error_codes(diagnostics: &[Diagnostic]) -> Vec<Option<String>> {
    diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| d.code.clone())
        .collect()
}

/// Whether the transcript shows a failed compilation.
pub fn shows_failure(output: &str) -> bool {
    output
        .lines()
        .any(|line| line.starts_with("error:") || line.starts_with("error["))
}

fn header(line: &str) -> Option<(Level, Option<String>)> {
    if is_summary(line) {
        return None;
    }
    for (prefix, level) in [("error", Level::Error), ("warning", Level::Warning)] {
        let Some(rest) = line.strip_prefix(prefix) else {
            continue;
        };
        if rest.starts_with(": ") {
            return Some((level, None));
        }
        if let Some(bracketed) = rest.strip_prefix('[') {
            if let Some((code, after)) = bracketed.split_once(']') {
                if after.starts_with(": ") {
                    return Some((level, Some(code.to_string())));
                }
            }
        }
    }
    None
}

fn is_summary(line: &str) -> bool {
    (line.starts_with("error: could not compile `")
        || line.starts_with("error: aborting due to")
        || line.starts_with("warning: build failed, waiting for other jobs"))
        || (line.starts_with("warning: `")
            && (line.contains("` generated ") || line.contains(") generated ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSCRIPT: &str = "\
    Checking hello v0.1.0 (file:///projects/hello)
error[E0599]: no method named `join` found for enum `Option` in the current scope
  --> src/lib.rs:52:27
   |
52 |             worker.thread.join().unwrap();
   |                           ^^^^ method not found in `Option<JoinHandle<()>>`

warning: unused variable: `x`
 --> src/lib.rs:3:9

error[E0308]: mismatched types
  --> src/lib.rs:72:22

error: cannot find macro `oops` in this scope
Some errors have detailed explanations: E0308, E0599.
For more information about an error, try `rustc --explain E0308`.
warning: `hello` (lib) generated 1 warning
error: could not compile `hello` (lib) due to 3 previous errors; 1 warning emitted
";

    #[test]
    fn finds_errors_and_warnings_but_not_summaries() {
        let diagnostics = parse(TRANSCRIPT);
        let levels: Vec<_> = diagnostics.iter().map(|d| d.level).collect();
        assert_eq!(
            levels,
            [Level::Error, Level::Warning, Level::Error, Level::Error]
        );
        assert_eq!(
            error_codes(&diagnostics),
            [Some("E0599".to_string()), Some("E0308".to_string()), None]
        );
        assert!(diagnostics[0].text.contains("method not found in `Option"));
        assert!(diagnostics[1].text.contains("unused variable: `x`"));
        assert!(shows_failure(TRANSCRIPT));
    }

    #[test]
    fn a_clean_build_has_no_diagnostics() {
        let clean = "    Checking hello v0.1.0 (file:///projects/hello)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s\n";
        assert!(parse(clean).is_empty());
        assert!(!shows_failure(clean));
    }
}
