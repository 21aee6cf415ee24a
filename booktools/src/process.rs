//! Runs a child command with a bounded wait, capturing stdout and stderr
//! interleaved in one pipe, as a terminal would show them.
//!
//! The child leads its own process group; the whole group (cargo and the
//! rustc processes it started) is killed on timeout, and by a guard when the
//! caller unwinds while the child runs.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What a finished child printed and how it exited.
#[derive(Debug)]
pub struct Finished {
    /// stdout and stderr, in the order they were written (lossy UTF-8).
    pub output: String,
    /// The exit status.
    pub status: ExitStatus,
}

/// How long to wait for the pipe to close once the child is gone.
const PIPE_GRACE: Duration = Duration::from_secs(5);

/// How often the child is polled.
const POLL: Duration = Duration::from_millis(10);

/// Runs `command` to completion, killing it (and its process group) if it
/// runs longer than `timeout`.
pub fn run(mut command: Command, timeout: Duration) -> Result<Finished> {
    let description = format!("{command:?}");
    let (reader, writer) = std::io::pipe().context("creating a pipe")?;
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone().context("duplicating a pipe")?)
        .stderr(writer)
        .process_group(0);
    let child = command
        .spawn()
        .with_context(|| format!("starting {description}"))?;
    // The parent's copies of the write end must go, or the pipe never closes.
    drop(command);
    let mut guard = GroupGuard { child: Some(child) };

    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = reader;
        let mut bytes = Vec::new();
        let result = reader.read_to_end(&mut bytes).map(|_| bytes);
        let _ = sender.send(result);
    });

    let deadline = Instant::now() + timeout;
    let status = loop {
        let child = guard.child.as_mut().expect("child present until finished");
        if let Some(status) = child.try_wait().context("waiting for a child")? {
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
    guard.child = None;
    let bytes = match receiver.recv_timeout(PIPE_GRACE) {
        Ok(result) => result.context("reading the output of a child")?,
        Err(_) => bail!(
            "{description} exited but its output pipe stayed open for {}s",
            PIPE_GRACE.as_secs()
        ),
    };
    Ok(Finished {
        output: String::from_utf8_lossy(&bytes).into_owned(),
        status,
    })
}

/// Kills the process group of a still-running child when dropped.
struct GroupGuard {
    child: Option<Child>,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(None) = child.try_wait() {
            // The child leads its group: `kill -KILL -<pid>` reaches the
            // compilers it started as well.
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_both_streams_in_order() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; echo out2; exit 3"]);
        let finished = run(command, Duration::from_secs(20)).unwrap();
        assert_eq!(finished.output, "out\nerr\nout2\n");
        assert_eq!(finished.status.code(), Some(3));
    }

    #[test]
    fn kills_the_whole_group_on_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let mut command = Command::new("sh");
        // The grandchild would keep running (and the pipe open) unless the
        // whole group is killed.
        command.args([
            "-c",
            &format!("sleep 30 & echo $! > {}; wait", pid_file.display()),
        ]);
        let started = Instant::now();
        let error = run(command, Duration::from_millis(500)).unwrap_err();
        assert!(error.to_string().contains("was killed"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));

        let grandchild = std::fs::read_to_string(&pid_file).unwrap();
        let proc_dir = format!("/proc/{}", grandchild.trim());
        let gone_by = Instant::now() + Duration::from_secs(5);
        while std::path::Path::new(&proc_dir).exists() && !is_zombie(&proc_dir) {
            assert!(Instant::now() < gone_by, "grandchild {grandchild} survived");
            std::thread::sleep(POLL);
        }
    }

    fn is_zombie(proc_dir: &str) -> bool {
        std::fs::read_to_string(format!("{proc_dir}/stat"))
            .map(|stat| {
                stat.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(true)
    }
}
