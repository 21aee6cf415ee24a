//! The optional programs of the site tests (Chromium, Lighthouse): where to
//! find them, and the trial that is ignored without one, saying why and how
//! to install it. Under `CI=true` a missing program fails the trial
//! instead, so CI can never skip it.

use anyhow::{bail, ensure, Result};
use libtest_mimic::Trial;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// An optional program and how to get it.
pub struct Tool {
    /// What it is for, as the messages say it.
    purpose: &'static str,
    /// The variable naming its file, which wins over the search.
    variable: &'static str,
    /// Executable names looked up in `PATH`.
    names: &'static [&'static str],
    /// Where it usually is when `PATH` misses it.
    usual_places: &'static [&'static str],
    install: &'static str,
}

pub const CHROMIUM: Tool = Tool {
    purpose: "Chromium for the browser tests",
    variable: "CHROMIUM",
    names: &["chromium", "chromium-browser", "google-chrome"],
    usual_places: &[
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
        "/snap/bin/chromium",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    ],
    install: "Debian: `apt-get install chromium`",
};

/// The version `.ci/run` installs (the last one that runs on Debian's
/// Node.js 18).
pub const LIGHTHOUSE: Tool = Tool {
    purpose: "Lighthouse for the audit test",
    variable: "LIGHTHOUSE",
    names: &["lighthouse"],
    usual_places: &[],
    install: "`npm install --global lighthouse@12.8.2` (Node.js 18 or later)",
};

impl Tool {
    /// The program: the file [`Tool::variable`] names, if set (a missing
    /// file means none), else the first of [`Tool::names`] in `PATH`, else
    /// the first of `usual_places` that exists. Without it, why and how to
    /// install it; an error instead under `CI=true`. `var` reads the
    /// environment (a fake one in the trials below).
    fn find(
        &self,
        var: &dyn Fn(&str) -> Option<OsString>,
        usual_places: &[&str],
    ) -> Result<Result<PathBuf, String>> {
        let set = var(self.variable);
        let found = match &set {
            Some(path) => Some(PathBuf::from(path)).filter(|path| path.is_file()),
            None => (var("PATH").iter().flat_map(std::env::split_paths))
                .flat_map(|dir| self.names.iter().map(move |name| dir.join(name)))
                .chain(usual_places.iter().map(PathBuf::from))
                .find(|path| path.is_file()),
        };
        if let Some(found) = found {
            return Ok(Ok(found));
        }
        let looked = match set {
            Some(path) => format!(
                "{}={} names no file",
                self.variable,
                Path::new(&path).display()
            ),
            None => format!("none of {:?} is in PATH or at {usual_places:?}", self.names),
        };
        let why = format!(
            "no {}: {looked}; install it ({}) or set {} to its path",
            self.purpose, self.install, self.variable
        );
        if var("CI").is_some_and(|ci| ci == "true") {
            bail!("CI=true and {why}");
        }
        Ok(Err(why))
    }
}

/// The trial `name` of the calling module, running `test` with the paths
/// of `tools` found in the real environment; ignored (saying why once)
/// when one is missing, failed when one is missing under `CI=true`.
pub fn trial_needing(
    module: &str,
    name: &str,
    tools: &'static [&'static Tool],
    test: impl FnOnce(&[PathBuf]) -> Result<()> + Send + 'static,
) -> Trial {
    let module = module.split_once("::").map_or("", |(_, module)| module);
    let name = format!("{module}::{name}");
    let mut paths = Vec::new();
    for tool in tools {
        match tool.find(&|name| std::env::var_os(name), tool.usual_places) {
            Ok(Ok(path)) => paths.push(path),
            Ok(Err(reason)) => {
                eprintln!("ignoring {name}: {reason}");
                return Trial::test(name, move || Err(reason.into())).with_ignored_flag(true);
            }
            Err(error) => {
                let error = format!("{error:#}");
                return Trial::test(name, move || Err(error.into()));
            }
        }
    }
    Trial::test(name, move || {
        test(&paths).map_err(|error| format!("{error:?}").into())
    })
}

/// A fake environment: `vars` and nothing else.
fn fake_env<'a>(vars: &'a [(&str, &OsStr)]) -> impl Fn(&str) -> Option<OsString> + 'a {
    |name| (vars.iter().find(|(key, _)| *key == name)).map(|(_, value)| value.to_os_string())
}

fn a_program_is_found_by_its_variable_in_path_or_a_usual_place_or_named_missing() -> Result<()> {
    let (bin, other) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let (in_path, elsewhere) = (bin.path().join("chromium"), other.path().join("chrome"));
    std::fs::write(&in_path, "")?;
    std::fs::write(&elsewhere, "")?;
    let usual = [elsewhere.to_str().unwrap_or_default()];
    let (path, ci) = (("PATH", bin.path().as_os_str()), ("CI", OsStr::new("true")));
    let missing = ("CHROMIUM", OsStr::new("/nonexistent/chromium"));
    let found = |vars: &[(&str, &OsStr)], usual: &[&str]| CHROMIUM.find(&fake_env(vars), usual);
    ensure!(found(&[("CHROMIUM", elsewhere.as_os_str())], &[])?.ok() == Some(elsewhere.clone()));
    ensure!(found(&[path], &usual)?.ok() == Some(in_path));
    ensure!(found(&[], &usual)?.ok() == Some(elsewhere));
    let why = found(&[missing, path], &[])?.expect_err("a variable naming no file");
    ensure!(
        why.contains("CHROMIUM=/nonexistent/chromium names no file"),
        "{why}"
    );
    let empty = ("PATH", other.path().as_os_str());
    for tool in [&CHROMIUM, &LIGHTHOUSE] {
        ensure!(tool.find(&fake_env(&[empty]), &[])?.is_err());
        let error = (tool.find(&fake_env(&[empty, ci]), &[]))
            .expect_err("CI=true without the program")
            .to_string();
        ensure!(error.contains(tool.install), "{error}");
    }
    Ok(())
}

crate::trials!(a_program_is_found_by_its_variable_in_path_or_a_usual_place_or_named_missing);
