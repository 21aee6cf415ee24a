//! The optional programs of the site tests (Chromium, Lighthouse): where to
//! find them, and the trial that is ignored without one, saying why and how
//! to install it. Under `CI=true` a missing program fails the trial
//! instead, so CI can never skip it.

use anyhow::{bail, Result};
use libtest_mimic::Trial;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// An optional program and how to get it.
pub struct Tool {
    /// What it is for, as the messages say it.
    pub purpose: &'static str,
    /// The variable naming its file, which wins over the search.
    pub variable: &'static str,
    /// Executable names looked up in `PATH`.
    pub names: &'static [&'static str],
    /// Where it usually is when `PATH` misses it.
    pub usual_places: &'static [&'static str],
    /// How to install it.
    pub install: &'static str,
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
    /// The program to run: the file [`Tool::variable`] names, if set (a
    /// missing file means none), else the first of [`Tool::names`] in
    /// `PATH`, else the first of `usual_places` that exists. `None` when
    /// there is none, an error instead under `CI=true`. `var` reads the
    /// environment (a fake one in the tests below).
    pub fn find(
        &self,
        var: &dyn Fn(&str) -> Option<OsString>,
        usual_places: &[&str],
    ) -> Result<Option<PathBuf>> {
        let found = match var(self.variable) {
            Some(path) => Some(PathBuf::from(path)).filter(|path| path.is_file()),
            None => var("PATH")
                .iter()
                .flat_map(std::env::split_paths)
                .flat_map(|dir| self.names.iter().map(move |name| dir.join(name)))
                .chain(usual_places.iter().map(PathBuf::from))
                .find(|path| path.is_file()),
        };
        if found.is_none() && var("CI").is_some_and(|ci| ci == "true") {
            bail!("CI=true and {}", self.missing(var));
        }
        Ok(found)
    }

    /// Why the program was not found, and how to get it.
    pub fn missing(&self, var: &dyn Fn(&str) -> Option<OsString>) -> String {
        let looked = match var(self.variable) {
            Some(path) => format!(
                "{}={} names no file",
                self.variable,
                Path::new(&path).display()
            ),
            None => format!(
                "none of {:?} is in PATH or at {:?}",
                self.names, self.usual_places
            ),
        };
        format!(
            "no {}: {looked}; install it ({}) or set {} to its path",
            self.purpose, self.install, self.variable
        )
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
    let env = |name: &str| std::env::var_os(name);
    let module = module.split_once("::").map_or("", |(_, module)| module);
    let name = format!("{module}::{name}");
    let mut paths = Vec::new();
    for tool in tools {
        match tool.find(&env, tool.usual_places) {
            Ok(Some(path)) => paths.push(path),
            Ok(None) => {
                let reason = tool.missing(&env);
                eprintln!("ignoring {name}: {reason}");
                return Trial::test(name, move || Err(reason.clone().into()))
                    .with_ignored_flag(true);
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

mod finder {
    use super::*;
    use anyhow::{ensure, Context};
    use std::ffi::OsStr;

    /// A fake environment: `vars` and nothing else.
    fn fake_env(vars: &[(&str, &OsStr)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_os_string()))
            .collect();
        move |name| {
            vars.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    /// A folder holding an empty file named `name`.
    fn folder_with(name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join(name);
        std::fs::write(&file, "").expect("a fake program");
        (dir, file)
    }

    fn a_variable_naming_a_missing_file_finds_nothing() -> Result<()> {
        let (bin, _) = folder_with("chromium");
        let env = fake_env(&[
            ("CHROMIUM", OsStr::new("/nonexistent/chromium")),
            ("PATH", bin.path().as_os_str()),
        ]);
        ensure!(CHROMIUM.find(&env, CHROMIUM.usual_places)?.is_none());
        let why = CHROMIUM.missing(&env);
        ensure!(
            why.contains("CHROMIUM=/nonexistent/chromium names no file"),
            "{why}"
        );
        Ok(())
    }

    fn a_missing_program_fails_under_ci_saying_how_to_install_it() -> Result<()> {
        let empty = tempfile::tempdir()?;
        for tool in [&CHROMIUM, &LIGHTHOUSE] {
            let env = fake_env(&[("PATH", empty.path().as_os_str())]);
            ensure!(tool.find(&env, &[])?.is_none());
            let env = fake_env(&[
                ("PATH", empty.path().as_os_str()),
                ("CI", OsStr::new("true")),
            ]);
            let error = tool
                .find(&env, &[])
                .expect_err("CI=true without the program")
                .to_string();
            ensure!(error.contains(tool.install), "{error}");
        }
        Ok(())
    }

    fn a_program_is_found_by_its_variable_in_path_or_a_usual_place() -> Result<()> {
        let (bin, in_path) = folder_with("chromium-browser");
        let (_other, elsewhere) = folder_with("chrome");
        let by_variable = fake_env(&[("CHROMIUM", elsewhere.as_os_str())]);
        ensure!(CHROMIUM.find(&by_variable, &[])? == Some(elsewhere.clone()));
        let by_path = fake_env(&[("PATH", bin.path().as_os_str())]);
        ensure!(CHROMIUM.find(&by_path, &[])? == Some(in_path));
        let usual = elsewhere.to_str().context("a UTF-8 path")?;
        ensure!(CHROMIUM.find(&fake_env(&[]), &[usual])? == Some(elsewhere.clone()));
        Ok(())
    }

    crate::trials!(
        a_variable_naming_a_missing_file_finds_nothing,
        a_missing_program_fails_under_ci_saying_how_to_install_it,
        a_program_is_found_by_its_variable_in_path_or_a_usual_place
    );
}

pub fn trials() -> Vec<Trial> {
    finder::trials()
}
