//! Preprocessors that `book.toml` runs with `cargo run ...` (ours:
//! `listings`), built once and run as plain executables by `serve`.
//!
//! `cargo run` on every rebuild costs a Cargo freshness check and, worse,
//! waits for the target folder's lock whenever another `cargo` (a
//! `cargo test` in another terminal) holds it: a one-line po edit could
//! wait minutes. So `serve` builds each such preprocessor with the same
//! command (`cargo build` in place of `cargo run`), copies the executable
//! into its own folder and points mdBook at it with
//! `MDBOOK_PREPROCESSOR__<NAME>__COMMAND`. A change to the preprocessor's
//! crate builds it again.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The longest a preprocessor build may take (a fresh clone compiles it
/// and its dependencies).
const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

/// One `cargo run` preprocessor of `book.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CargoPreprocessor {
    /// Its name in `[preprocessor.<name>]`.
    pub name: String,
    /// The `cargo run` arguments before `--` (`--quiet --manifest-path ...`).
    cargo_args: Vec<String>,
    /// The arguments after `--`, passed to the executable.
    program_args: Vec<String>,
    /// The folder of the crate (from `--manifest-path`, else the book root).
    pub crate_dir: PathBuf,
}

/// A built preprocessor: the environment variable that points mdBook at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prebuilt {
    /// `MDBOOK_PREPROCESSOR__LISTINGS__COMMAND`.
    pub variable: String,
    /// The command line: the copied executable and its arguments.
    pub command: String,
}

/// The preprocessors of `<root>/book.toml` whose command is `cargo run`.
pub fn cargo_preprocessors(root: &Path) -> Result<Vec<CargoPreprocessor>> {
    let book_toml = root.join("book.toml");
    let text = std::fs::read_to_string(&book_toml)
        .with_context(|| format!("reading {}", book_toml.display()))?;
    let config: toml::Value =
        toml::from_str(&text).with_context(|| format!("parsing {}", book_toml.display()))?;
    let Some(preprocessors) = config.get("preprocessor").and_then(toml::Value::as_table) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (name, settings) in preprocessors {
        let Some(command) = settings.get("command").and_then(toml::Value::as_str) else {
            continue;
        };
        let words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        if words.len() < 2 || words[0] != "cargo" || words[1] != "run" {
            continue;
        }
        if command.contains(['"', '\'', '\\']) {
            bail!(
                "{}: cannot prebuild the quoted command `{command}` of [preprocessor.{name}]",
                book_toml.display()
            );
        }
        let rest = &words[2..];
        let (cargo_args, program_args) = match rest.iter().position(|word| word == "--") {
            Some(at) => (rest[..at].to_vec(), rest[at + 1..].to_vec()),
            None => (rest.to_vec(), Vec::new()),
        };
        let crate_dir = cargo_args
            .iter()
            .position(|word| word == "--manifest-path")
            .and_then(|at| cargo_args.get(at + 1))
            .and_then(|manifest| root.join(manifest).parent().map(Path::to_path_buf))
            .unwrap_or_else(|| root.to_path_buf());
        found.push(CargoPreprocessor {
            name: name.clone(),
            cargo_args,
            program_args,
            crate_dir,
        });
    }
    Ok(found)
}

impl CargoPreprocessor {
    /// The variable that overrides `[preprocessor.<name>] command`.
    pub fn variable(&self) -> String {
        format!(
            "MDBOOK_PREPROCESSOR__{}__COMMAND",
            self.name.to_ascii_uppercase().replace('-', "_")
        )
    }

    /// Runs `cargo build` with the command's arguments from `root`, copies
    /// the executable to `bin_dir/<name>-<generation>` (so a later build of
    /// the shared target folder cannot change it under mdBook's feet).
    pub fn build(&self, root: &Path, bin_dir: &Path, generation: u64) -> Result<Prebuilt> {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .arg("build")
            .args(&self.cargo_args)
            .arg("--message-format=json-render-diagnostics")
            .current_dir(root);
        let (success, output) = crate::mdbook_cli::run_captured(command, BUILD_TIMEOUT)?;
        if !success {
            bail!(
                "building the `{}` preprocessor failed:\n{}",
                self.name,
                output.trim_end()
            );
        }
        let executable = built_executable(&output).with_context(|| {
            format!(
                "`cargo build` of the `{}` preprocessor named no executable",
                self.name
            )
        })?;
        std::fs::create_dir_all(bin_dir)
            .with_context(|| format!("creating {}", bin_dir.display()))?;
        let copy = bin_dir.join(format!("{}-{generation}", self.name));
        std::fs::copy(&executable, &copy)
            .with_context(|| format!("copying {} to {}", executable.display(), copy.display()))?;
        let mut command = vec![copy.to_string_lossy().into_owned()];
        command.extend(self.program_args.iter().cloned());
        if command
            .iter()
            .any(|word| word.contains(char::is_whitespace))
        {
            bail!(
                "cannot run {} from a folder whose path has spaces",
                copy.display()
            );
        }
        Ok(Prebuilt {
            variable: self.variable(),
            command: command.join(" "),
        })
    }
}

/// The last executable a `cargo build --message-format=json` reported.
fn built_executable(output: &str) -> Option<PathBuf> {
    output
        .lines()
        .rev()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cargo_run_preprocessors_only() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join("book.toml"),
            "[preprocessor.gettext]\n\
             [preprocessor.my-tool]\ncommand = \"cargo run --quiet --manifest-path tool/Cargo.toml -- --flag\"\n\
             [preprocessor.other]\ncommand = \"python3 other.py\"\n",
        )
        .unwrap();
        let found = cargo_preprocessors(root.path()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "my-tool");
        assert_eq!(
            found[0].cargo_args,
            ["--quiet", "--manifest-path", "tool/Cargo.toml"]
        );
        assert_eq!(found[0].program_args, ["--flag"]);
        assert_eq!(found[0].crate_dir, root.path().join("tool"));
        assert_eq!(found[0].variable(), "MDBOOK_PREPROCESSOR__MY_TOOL__COMMAND");
    }

    #[test]
    fn reads_the_executable_from_cargo_messages() {
        let output = "{\"reason\":\"compiler-artifact\",\"executable\":null}\n\
                      {\"reason\":\"compiler-artifact\",\"executable\":\"/t/debug/tool\"}\n\
                      {\"reason\":\"build-finished\",\"success\":true}\n";
        assert_eq!(
            built_executable(output),
            Some(PathBuf::from("/t/debug/tool"))
        );
        assert_eq!(built_executable("warning: x\n"), None);
    }
}
