//! Building one language of the site with the installed `mdbook build`,
//! exactly as a reader's `mdbook` would: `book.toml` as written, the
//! language and site URL given as `MDBOOK_*` overrides
//! (`MDBOOK_BOOK__LANGUAGE`, `MDBOOK_OUTPUT__HTML__SITE_URL`), `tools/bin`
//! first in `PATH` for `mdbook-gettext`.
//!
//! The child stays in our process group, so Ctrl-C in the terminal reaches
//! it too; the wait is bounded and a guard kills the child if we unwind.

use crate::tools::Tools;
use anyhow::{bail, Context, Result};
use booktools::site::LanguageBuild;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one language's build may take (the first build also
/// compiles the `listings` preprocessor, which `book.toml` runs with
/// `cargo run`).
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

/// How long the output may stay open once the child is gone.
const PIPE_GRACE: Duration = Duration::from_secs(5);

/// How often the child is polled.
const POLL: Duration = Duration::from_millis(10);

/// Builds languages with the `mdbook` of `tools/`.
#[derive(Debug, Clone)]
pub struct MdbookCli {
    tools: Tools,
    /// Extra environment for the build (the bench points the `listings`
    /// preprocessor's `cargo run` at a fresh target folder).
    extra_env: Vec<(String, String)>,
}

impl MdbookCli {
    /// A builder using the tools in `tools`.
    pub fn new(tools: Tools) -> Self {
        MdbookCli {
            tools,
            extra_env: Vec::new(),
        }
    }

    /// Sets an environment variable for every build (replacing an earlier
    /// value of the same variable).
    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.extra_env.retain(|(existing, _)| existing != name);
        self.extra_env.push((name.to_string(), value.to_string()));
        self
    }

    /// Runs `mdbook build --dest-dir <dest>` for one language. On failure,
    /// the error holds everything mdBook printed.
    pub fn build(&self, build: &LanguageBuild<'_>) -> Result<()> {
        let mut command = Command::new(self.tools.mdbook());
        command
            .arg("build")
            .arg("--dest-dir")
            .arg(build.dest)
            .current_dir(build.root)
            .env("PATH", self.tools.path_variable()?)
            .env("MDBOOK_BOOK__LANGUAGE", build.language)
            .env("MDBOOK_OUTPUT__HTML__SITE_URL", build.site_url);
        for (name, value) in &self.extra_env {
            command.env(name, value);
        }
        let (success, output) = run_captured(command, BUILD_TIMEOUT)?;
        if !success {
            bail!(
                "`mdbook build` of the `{}` book failed:\n{}",
                build.language,
                output.trim_end()
            );
        }
        Ok(())
    }
}

/// Kills the child when dropped before it was waited for.
struct KillOnDrop(Option<Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs `command` with stdout and stderr captured into one text; returns
/// whether it succeeded and that text. Kills it after `timeout`. The child
/// stays in our process group (Ctrl-C reaches it).
pub fn run_captured(mut command: Command, timeout: Duration) -> Result<(bool, String)> {
    let description = format!("`{}`", command.get_program().to_string_lossy());
    let (reader, writer) = std::io::pipe().context("creating a pipe")?;
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone().context("duplicating a pipe")?)
        .stderr(writer);
    let child = command
        .spawn()
        .with_context(|| format!("starting {description}"))?;
    drop(command);
    let mut guard = KillOnDrop(Some(child));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = reader;
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        let _ = sender.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        let child = guard.0.as_mut().expect("child present until waited for");
        if let Some(status) = child.try_wait().context("waiting for mdbook")? {
            guard.0 = None;
            break status;
        }
        if Instant::now() >= deadline {
            drop(guard);
            bail!(
                "{description} did not finish within {}s and was killed",
                timeout.as_secs()
            );
        }
        std::thread::sleep(POLL);
    };
    // The pipe closes when the child and its own children (the
    // preprocessors) are gone; they end with it.
    let output = receiver.recv_timeout(PIPE_GRACE).with_context(|| {
        format!(
            "{description} exited but its output stayed open for {}s",
            PIPE_GRACE.as_secs()
        )
    })?;
    Ok((status.success(), output))
}
