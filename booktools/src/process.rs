//! Every child process of the tools and tests: a one-shot command with a
//! deadline ([`run`]: cargo, rustc) and a long-running server watched line
//! by line ([`Running`]).
//!
//! Each child leads its own process group, so killing the group reaches
//! what it started (cargo's rustc, `cargo run`'s server); [`Running`] kills
//! it and reaps the child when dropped, also while unwinding from a panic,
//! and every wait takes a deadline. Hand-written on `std` and one
//! `killpg`: the tests must see each output line with the instant it was
//! read and wait with deadlines, which process-wrap (process group, kill on
//! drop) does not give; it would only replace those two calls.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

/// What a finished child printed and how it exited.
#[derive(Debug)]
pub struct Finished {
    /// stdout and stderr, in the order they were written (lossy UTF-8).
    pub output: String,
    /// The exit status.
    pub status: ExitStatus,
}

/// How long the output pipes may stay open once the child exited.
const PIPE_GRACE: Duration = Duration::from_secs(5);

/// How often a running child is asked whether it exited.
const POLL: Duration = Duration::from_millis(1);

/// Runs `command` to completion with stdout and stderr interleaved in one
/// pipe, as a terminal shows them, killing its process group if it runs
/// longer than `timeout`.
pub fn run(command: Command, timeout: Duration) -> Result<Finished> {
    let mut child = Running::start(command, true)?;
    let Some((status, _)) = child.wait_for_exit(Instant::now() + timeout)? else {
        child.kill();
        bail!(
            "{} did not finish within {}s and was killed",
            child.description,
            timeout.as_secs()
        );
    };
    Ok(Finished {
        output: child.output(0),
        status,
    })
}

/// Kills the process group led by `child` (unless it already exited) and
/// reaps the child.
pub fn kill_group(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        // SAFETY: a plain system call; the child leads its group.
        unsafe { libc::killpg(child.id() as libc::pid_t, libc::SIGKILL) };
    }
    let _ = child.wait();
}

/// One line of output and when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedLine {
    /// The line, without its newline.
    pub text: String,
    /// When the reader got it.
    pub at: Instant,
}

/// What a pipe reader reports: a line (with its newline, if any) of pipe
/// `.0`, or its end.
type PipeEvent = (usize, Option<(Vec<u8>, Instant)>);

/// A running (or finished) child in its own process group, killed on drop.
pub struct Running {
    /// The command, for messages.
    pub description: String,
    child: Child,
    status: Option<(ExitStatus, Instant)>,
    events: Receiver<PipeEvent>,
    /// The lines of standard output (or of the merged output) so far.
    pub lines: Vec<TimedLine>,
    /// Every byte of each pipe so far: stdout (or merged), stderr.
    raw: [Vec<u8>; 2],
    /// When each pipe closed.
    closed: [Option<Instant>; 2],
}

impl Running {
    /// Starts `command` in a new process group; `merged` sends stderr into
    /// the stdout pipe.
    pub fn start(mut command: Command, merged: bool) -> Result<Self> {
        let description = format!("{command:?}");
        let (sender, events) = mpsc::channel();
        let mut closed = [None, None];
        command.stdin(Stdio::null()).process_group(0);
        let child = if merged {
            let (reader, writer) = std::io::pipe().context("creating a pipe")?;
            command
                .stdout(writer.try_clone().context("duplicating a pipe")?)
                .stderr(writer);
            let child = command.spawn();
            // The parent's copies of the write end must go, or the pipe never closes.
            drop(command);
            read_lines(0, reader, sender);
            closed[1] = Some(Instant::now());
            child
        } else {
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            command.spawn().map(|mut child| {
                read_lines(0, child.stdout.take().expect("piped"), sender.clone());
                read_lines(1, child.stderr.take().expect("piped"), sender);
                child
            })
        }
        .with_context(|| format!("starting {description}"))?;
        Ok(Self {
            description,
            child,
            status: None,
            events,
            lines: Vec::new(),
            raw: [Vec::new(), Vec::new()],
            closed,
        })
    }

    /// Pipe 0 (stdout, or the merged output) or 1 (stderr), lossy UTF-8.
    pub fn output(&self, pipe: usize) -> String {
        String::from_utf8_lossy(&self.raw[pipe]).into_owned()
    }

    /// When standard output closed (the process and its children exited).
    pub fn stdout_closed_at(&self) -> Option<Instant> {
        self.closed[0]
    }

    /// Takes in what the pipes delivered, waiting at most until `until`.
    fn take_events(&mut self, until: Instant) {
        let mut wait = until.saturating_duration_since(Instant::now());
        while let Ok((pipe, event)) = self.events.recv_timeout(wait) {
            wait = Duration::ZERO;
            match event {
                Some((bytes, at)) => {
                    self.raw[pipe].extend_from_slice(&bytes);
                    if pipe == 0 {
                        let text = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
                        let text = String::from_utf8_lossy(text).into_owned();
                        self.lines.push(TimedLine { text, at });
                    }
                }
                None => self.closed[pipe] = Some(Instant::now()),
            }
        }
    }

    /// Waits until `done(lines)` holds, failing at `deadline` or when the
    /// output closes first.
    pub fn wait_for_lines(
        &mut self,
        deadline: Instant,
        what: &str,
        done: impl Fn(&[TimedLine]) -> bool,
    ) -> Result<()> {
        loop {
            self.take_events(Instant::now().min(deadline));
            if done(&self.lines) {
                return Ok(());
            }
            if self.closed[0].is_some() {
                bail!(
                    "{} exited before {what}\n{}",
                    self.description,
                    self.report()
                );
            }
            if Instant::now() >= deadline {
                bail!("no {what} in time\n{}", self.report());
            }
            self.take_events((Instant::now() + POLL * 10).min(deadline));
        }
    }

    /// Its exit status and when it was seen, if it exited.
    fn exit_status(&mut self) -> Result<Option<(ExitStatus, Instant)>> {
        if self.status.is_none() {
            if let Some(status) = self
                .child
                .try_wait()
                .context("asking a child for its status")?
            {
                self.status = Some((status, Instant::now()));
            }
        }
        Ok(self.status)
    }

    /// Fails when the process has already exited (a server that exits
    /// while starting will never answer).
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some((status, _)) = self.exit_status()? {
            self.take_events(Instant::now() + POLL);
            bail!(
                "{} exited with {status} while it should be running\n{}",
                self.description,
                self.report()
            );
        }
        Ok(())
    }

    /// Waits for the process to exit by itself until `deadline`, then for
    /// its pipes to close; `None` if it is still running.
    pub fn wait_for_exit(&mut self, deadline: Instant) -> Result<Option<(ExitStatus, Instant)>> {
        while self.exit_status()?.is_none() {
            if Instant::now() >= deadline {
                self.take_events(Instant::now());
                return Ok(None);
            }
            self.take_events(Instant::now() + POLL);
        }
        let grace = Instant::now() + PIPE_GRACE;
        while self.closed.iter().any(Option::is_none) {
            if Instant::now() >= grace {
                bail!(
                    "{} exited but its output stayed open for {}s (a child of it still runs?)",
                    self.description,
                    PIPE_GRACE.as_secs()
                );
            }
            self.take_events(grace);
        }
        Ok(self.status)
    }

    /// Sends SIGINT to its process group, as a terminal's Ctrl-C does.
    pub fn interrupt(&self) {
        self.signal(libc::SIGINT);
    }

    /// Sends `signal` (`libc::SIGTERM`, ...) to its process group.
    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: a plain system call; the child leads its group.
        unsafe { libc::killpg(self.child.id() as libc::pid_t, signal) };
    }

    /// Whether any process of its group is still alive.
    pub fn group_alive(&self) -> bool {
        // SAFETY: signal 0 only asks whether the group exists.
        unsafe { libc::killpg(self.child.id() as libc::pid_t, 0) == 0 }
    }

    /// Kills the process group now (unless the child exited) and reaps it.
    pub fn kill(&mut self) {
        if self.status.is_none() {
            kill_group(&mut self.child);
        }
    }

    /// Everything the process printed, for failure messages.
    pub fn report(&self) -> String {
        format!(
            "--- output of {} ---\n{}\n--- stderr ---\n{}",
            self.description,
            self.output(0),
            self.output(1)
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends each line of `pipe` (then its end) on a thread of its own.
fn read_lines(index: usize, pipe: impl Read + Send + 'static, sender: Sender<PipeEvent>) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        loop {
            let mut bytes = Vec::new();
            let line = match reader.read_until(b'\n', &mut bytes) {
                Ok(1..) => Some((bytes, Instant::now())),
                _ => None,
            };
            let end = line.is_none();
            if sender.send((index, line)).is_err() || end {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    /// Waits (bounded) until the process of `pid_file` is gone or a zombie.
    fn assert_gone(pid_file: &std::path::Path) {
        let pid = std::fs::read_to_string(pid_file).unwrap();
        let stat = format!("/proc/{}/stat", pid.trim());
        let gone_by = Instant::now() + Duration::from_secs(5);
        loop {
            let state = std::fs::read_to_string(&stat).unwrap_or_default();
            let state = state.rsplit(')').next().unwrap_or("").trim_start();
            if state.is_empty() || state.starts_with('Z') {
                return;
            }
            assert!(Instant::now() < gone_by, "{pid} survived");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn captures_both_streams_in_order() {
        let finished = run(
            shell("echo out; echo err >&2; printf out2; exit 3"),
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(finished.output, "out\nerr\nout2");
        assert_eq!(finished.status.code(), Some(3));
    }

    #[test]
    fn kills_the_whole_group_on_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        // The grandchild would keep running (and the pipe open) unless the
        // whole group is killed.
        let script = format!("sleep 30 & echo $! > {}; wait", pid_file.display());
        let error = run(shell(&script), Duration::from_millis(200)).unwrap_err();
        assert!(error.to_string().contains("was killed"), "{error}");
        assert_gone(&pid_file);
    }

    #[test]
    fn lines_status_and_stderr() {
        let mut child = Running::start(shell("echo one; echo two; echo err >&2"), false).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        child
            .wait_for_lines(deadline, "two lines", |lines| lines.len() == 2)
            .unwrap();
        let (status, _) = child.wait_for_exit(deadline).unwrap().unwrap();
        assert!(status.success());
        let texts: Vec<_> = child.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
        assert!(child.stdout_closed_at().is_some());
        assert_eq!(child.output(1), "err\n");
    }

    #[test]
    fn dropping_kills_the_whole_group_and_waits_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let script = format!("sleep 60 & echo $! > {}; wait", pid_file.display());
        let mut child = Running::start(shell(&script), false).unwrap();
        let soon = Instant::now() + Duration::from_millis(100);
        let error = child.wait_for_lines(soon, "a line", |l| !l.is_empty());
        assert!(format!("{error:?}").contains("no a line in time"));
        assert!(child.wait_for_exit(soon).unwrap().is_none());
        drop(child);
        assert_gone(&pid_file);
    }
}
