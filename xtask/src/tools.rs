//! The command-line tools the book is read with (`mdbook`, and
//! `mdbook-gettext` from mdbook-i18n-helpers), installed into the
//! project-local folder `tools/` (gitignored) at the versions the tests link
//! against.
//!
//! The versions are read at run time from `[workspace.dependencies]` of the
//! root `Cargo.toml`, where they are written once. A tool missing from
//! `tools/`, or installed at another version, is (re)installed with
//! `cargo install --locked --root tools --version =<pin>`, showing cargo's
//! own progress; when everything is in place nothing runs.

use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tools folder, relative to the book root.
pub const TOOLS_DIR: &str = "tools";

/// The crates to install: each is a key of `[workspace.dependencies]`.
const TOOL_CRATES: &[&str] = &["mdbook", "mdbook-i18n-helpers"];

/// The record `cargo install --root` keeps of what it installed there.
const INSTALL_RECORD: &str = ".crates.toml";

/// One crate to install and the exact version pinned for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedTool {
    /// The crate name (`mdbook-i18n-helpers`).
    pub name: String,
    /// The exact version (`0.4.0`).
    pub version: String,
}

/// The installed tools: where they are and the `PATH` that finds them first.
#[derive(Debug, Clone)]
pub struct Tools {
    /// `tools/bin`.
    pub bin: PathBuf,
}

impl Tools {
    /// The `mdbook` executable.
    pub fn mdbook(&self) -> PathBuf {
        self.bin.join("mdbook")
    }

    /// `PATH` with `tools/bin` first, so mdBook finds `mdbook-gettext`.
    pub fn path_variable(&self) -> Result<OsString> {
        let mut paths = vec![self.bin.clone()];
        if let Some(path) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(paths).context("building PATH with tools/bin first")
    }
}

/// The pinned version of every tool crate, from `<root>/Cargo.toml`.
pub fn pinned_tools(root: &Path) -> Result<Vec<PinnedTool>> {
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    pinned_tools_in(&text).with_context(|| format!("in {}", manifest.display()))
}

fn pinned_tools_in(manifest: &str) -> Result<Vec<PinnedTool>> {
    let manifest: toml::Table = toml::from_str(manifest).context("parsing the manifest")?;
    let dependencies = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("dependencies"))
        .and_then(toml::Value::as_table)
        .context("no [workspace.dependencies] table")?;
    TOOL_CRATES
        .iter()
        .map(|name| {
            let requirement = match dependencies.get(*name) {
                Some(toml::Value::String(version)) => version.as_str(),
                Some(toml::Value::Table(table)) => table
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .with_context(|| format!("[workspace.dependencies] {name} has no version"))?,
                _ => bail!("[workspace.dependencies] has no `{name}`"),
            };
            let Some(version) = requirement.strip_prefix('=') else {
                bail!(
                    "[workspace.dependencies] {name} = \"{requirement}\" must be an exact pin \
                     (\"=x.y.z\") so the installed tool is the one the tests link against"
                );
            };
            Ok(PinnedTool {
                name: name.to_string(),
                version: version.trim().to_string(),
            })
        })
        .collect()
}

/// Installs every pinned tool missing from `tools/` (or at another version)
/// and returns where they are. Prints what it does; cargo shows its own
/// progress.
pub fn ensure_installed(root: &Path) -> Result<Tools> {
    let tools_dir = root.join(TOOLS_DIR);
    let tools = Tools {
        bin: tools_dir.join("bin"),
    };
    for tool in pinned_tools(root)? {
        if is_installed(&tools_dir, &tool)? {
            continue;
        }
        println!(
            "Installing {} {} into {} (once; later runs reuse it)...",
            tool.name,
            tool.version,
            tools_dir.display()
        );
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(["install", "--locked", "--root"])
            .arg(&tools_dir)
            .arg("--version")
            .arg(format!("={}", tool.version))
            .arg(&tool.name)
            .current_dir(root)
            .status()
            .context("running cargo install")?;
        if !status.success() {
            bail!(
                "`cargo install --locked --root {} --version ={} {}` failed ({status})",
                tools_dir.display(),
                tool.version,
                tool.name
            );
        }
        println!("(cargo xtask runs the tools from there itself: PATH can stay as it is)");
        if !is_installed(&tools_dir, &tool)? {
            bail!(
                "cargo install reported success but {} {} is not recorded in {}",
                tool.name,
                tool.version,
                tools_dir.join(INSTALL_RECORD).display()
            );
        }
    }
    Ok(tools)
}

/// Whether `tools_dir` holds `tool` at its pinned version, with every
/// executable cargo recorded for it present.
fn is_installed(tools_dir: &Path, tool: &PinnedTool) -> Result<bool> {
    let record = tools_dir.join(INSTALL_RECORD);
    let Ok(text) = std::fs::read_to_string(&record) else {
        return Ok(false);
    };
    let binaries =
        installed_binaries(&text, tool).with_context(|| format!("reading {}", record.display()))?;
    Ok(binaries.is_some_and(|binaries| {
        !binaries.is_empty()
            && binaries
                .iter()
                .all(|binary| tools_dir.join("bin").join(binary).is_file())
    }))
}

/// The executables cargo's install record lists for `tool` at its pinned
/// version; `None` when that version is not recorded.
fn installed_binaries(record: &str, tool: &PinnedTool) -> Result<Option<Vec<String>>> {
    let record: toml::Table = toml::from_str(record)?;
    let Some(installs) = record.get("v1").and_then(toml::Value::as_table) else {
        return Ok(None);
    };
    let wanted = format!("{} {} ", tool.name, tool.version);
    Ok(installs
        .iter()
        .find(|(package, _)| package.starts_with(&wanted))
        .map(|(_, binaries)| {
            binaries
                .as_array()
                .map(|binaries| {
                    binaries
                        .iter()
                        .filter_map(|binary| binary.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exact_pins_from_workspace_dependencies() {
        let tools = pinned_tools_in(
            "[workspace.dependencies]\n\
             mdbook = { version = \"=0.5.4\", default-features = false }\n\
             mdbook-i18n-helpers = \"=0.4.0\"\n",
        )
        .unwrap();
        assert_eq!(
            tools,
            [
                PinnedTool {
                    name: "mdbook".into(),
                    version: "0.5.4".into()
                },
                PinnedTool {
                    name: "mdbook-i18n-helpers".into(),
                    version: "0.4.0".into()
                }
            ]
        );
    }

    #[test]
    fn a_loose_requirement_is_refused() {
        let error = pinned_tools_in(
            "[workspace.dependencies]\nmdbook = \"0.5\"\nmdbook-i18n-helpers = \"=0.4.0\"\n",
        )
        .unwrap_err();
        assert!(format!("{error:#}").contains("exact pin"), "{error:#}");
    }

    #[test]
    fn install_record_names_the_binaries_of_the_pinned_version_only() {
        let record = "[v1]\n\
            \"mdbook 0.5.3 (registry+https://github.com/rust-lang/crates.io-index)\" = [\"mdbook\"]\n\
            \"mdbook-i18n-helpers 0.4.0 (registry+https://github.com/rust-lang/crates.io-index)\" \
            = [\"mdbook-gettext\", \"mdbook-xgettext\"]\n";
        let pinned = |name: &str, version: &str| PinnedTool {
            name: name.into(),
            version: version.into(),
        };
        assert_eq!(
            installed_binaries(record, &pinned("mdbook", "0.5.4")).unwrap(),
            None
        );
        assert_eq!(
            installed_binaries(record, &pinned("mdbook-i18n-helpers", "0.4.0")).unwrap(),
            Some(vec!["mdbook-gettext".into(), "mdbook-xgettext".into()])
        );
    }

    #[test]
    fn installed_means_recorded_and_present() {
        let dir = tempfile::tempdir().unwrap();
        let tool = PinnedTool {
            name: "mdbook".into(),
            version: "0.5.4".into(),
        };
        assert!(!is_installed(dir.path(), &tool).unwrap());
        std::fs::write(
            dir.path().join(INSTALL_RECORD),
            "[v1]\n\"mdbook 0.5.4 (registry+x)\" = [\"mdbook\"]\n",
        )
        .unwrap();
        assert!(!is_installed(dir.path(), &tool).unwrap());
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::write(dir.path().join("bin/mdbook"), "").unwrap();
        assert!(is_installed(dir.path(), &tool).unwrap());
    }
}
