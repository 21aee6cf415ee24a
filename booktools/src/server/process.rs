//! A server started as a child process, watched line by line and killed
//! for sure.
//!
//! The child leads its own process group (so `cargo run` and the server it
//! becomes go together); dropping a [`ServerProcess`] kills that group and
//! reaps the child, also when the caller is unwinding from a panic. Its
//! standard output arrives line by line with the instant each line was
//! read; its standard error is kept whole. Every wait takes a deadline.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a running child is asked whether it exited.
const EXIT_POLL: Duration = Duration::from_millis(1);

/// One line of standard output and when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedLine {
    /// The line, without its newline.
    pub text: String,
    /// When the reader got it.
    pub at: Instant,
}

/// What the standard-output reader reports.
enum StdoutEvent {
    Line(TimedLine),
    Closed(Instant),
    Failed(String),
}

/// A running (or finished) server child.
pub struct ServerProcess {
    description: String,
    child: Option<Child>,
    status: Option<(ExitStatus, Instant)>,
    stdout: Receiver<StdoutEvent>,
    lines: Vec<TimedLine>,
    stdout_closed_at: Option<Instant>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_closed: Receiver<()>,
}

impl ServerProcess {
    /// Starts `command` with piped output in a new process group.
    pub fn start(mut command: Command) -> Result<Self> {
        let description = format!("{command:?}");
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {description}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (sender, receiver) = mpsc::channel();
        let (stderr_sender, stderr_closed) = mpsc::channel();
        // From here on the guard owns the child.
        let process = Self {
            description,
            child: Some(child),
            status: None,
            stdout: receiver,
            lines: Vec::new(),
            stdout_closed_at: None,
            stderr: Arc::new(Mutex::new(Vec::new())),
            stderr_closed,
        };
        std::thread::spawn(move || read_lines(stdout, sender));
        let stderr_bytes = Arc::clone(&process.stderr);
        std::thread::spawn(move || {
            read_all(stderr, stderr_bytes);
            let _ = stderr_sender.send(());
        });
        Ok(process)
    }

    /// The child's process id (also its process group id).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The command, for messages.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The standard-output lines read so far.
    pub fn lines(&self) -> &[TimedLine] {
        &self.lines
    }

    /// When standard output was closed (the process and its children
    /// exited), if it was.
    pub fn stdout_closed_at(&self) -> Option<Instant> {
        self.stdout_closed_at
    }

    /// The standard error received so far (lossy UTF-8).
    pub fn stderr(&self) -> String {
        let bytes = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Takes in the lines that arrived, without waiting.
    pub fn poll_lines(&mut self) -> Result<()> {
        while let Ok(event) = self.stdout.try_recv() {
            self.take(event)?;
        }
        Ok(())
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
            self.poll_lines()?;
            if done(&self.lines) {
                return Ok(());
            }
            if self.stdout_closed_at.is_some() {
                bail!(
                    "{} exited before {what}\n{}",
                    self.description,
                    self.report()
                );
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("no {what} in time\n{}", self.report());
            }
            match self.stdout.recv_timeout(left) {
                Ok(event) => self.take(event)?,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    bail!("the output reader of {} stopped", self.description)
                }
            }
        }
    }

    /// Its exit status and when it was seen, if it exited.
    pub fn exit_status(&mut self) -> Result<Option<(ExitStatus, Instant)>> {
        if self.status.is_none() {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait().context("asking a child for its status")? {
                    self.status = Some((status, Instant::now()));
                }
            }
        }
        Ok(self.status)
    }

    /// Fails when the process has already exited (a server that exits
    /// while starting will never answer).
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some((status, _)) = self.exit_status()? {
            self.poll_lines()?;
            bail!(
                "{} exited with {status} while it should be serving\n{}",
                self.description,
                self.report()
            );
        }
        Ok(())
    }

    /// Waits for the process to exit by itself until `deadline`, then for
    /// its output pipes to close; `None` if it is still running.
    pub fn wait_for_exit(&mut self, deadline: Instant) -> Result<Option<(ExitStatus, Instant)>> {
        while self.exit_status()?.is_none() {
            if Instant::now() >= deadline {
                self.poll_lines()?;
                return Ok(None);
            }
            std::thread::sleep(EXIT_POLL);
        }
        self.drain_stdout(deadline.max(Instant::now() + Duration::from_secs(5)))?;
        Ok(self.status)
    }

    /// Kills the process group now and reaps the child.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill_group(&mut child);
        }
    }

    /// Everything the process printed, for failure messages.
    pub fn report(&self) -> String {
        let stdout: Vec<&str> = self.lines.iter().map(|line| line.text.as_str()).collect();
        format!(
            "--- stdout of {} ---\n{}\n--- stderr ---\n{}",
            self.description,
            stdout.join("\n"),
            self.stderr()
        )
    }

    fn drain_stdout(&mut self, deadline: Instant) -> Result<()> {
        let left = deadline.saturating_duration_since(Instant::now());
        if self.stderr_closed.recv_timeout(left).is_err() {
            bail!(
                "{} exited but its standard error stayed open (a child of it still runs?)",
                self.description
            );
        }
        while self.stdout_closed_at.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(event) => self.take(event)?,
                Err(_) => bail!(
                    "{} exited but its standard output stayed open (a child of it still runs?)",
                    self.description
                ),
            }
        }
        Ok(())
    }

    fn take(&mut self, event: StdoutEvent) -> Result<()> {
        match event {
            StdoutEvent::Line(line) => self.lines.push(line),
            StdoutEvent::Closed(at) => self.stdout_closed_at = Some(at),
            StdoutEvent::Failed(error) => {
                bail!("reading the output of {}: {error}", self.description)
            }
        }
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Kills the process group led by `child` (unless it already exited) and
/// reaps the child.
pub fn kill_group(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = child.kill();
    }
    let _ = child.wait();
}

fn read_lines(stdout: impl Read, sender: mpsc::Sender<StdoutEvent>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut bytes = Vec::new();
        let event = match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => StdoutEvent::Closed(Instant::now()),
            Ok(_) => {
                if bytes.ends_with(b"\n") {
                    bytes.pop();
                }
                StdoutEvent::Line(TimedLine {
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                    at: Instant::now(),
                })
            }
            Err(error) => StdoutEvent::Failed(error.to_string()),
        };
        let last = !matches!(event, StdoutEvent::Line(_));
        if sender.send(event).is_err() || last {
            return;
        }
    }
}

fn read_all(mut stderr: impl Read, into: Arc<Mutex<Vec<u8>>>) {
    let mut chunk = [0; 4096];
    while let Ok(read @ 1..) = stderr.read(&mut chunk) {
        into.lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(&chunk[..read]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn lines_status_and_stderr() {
        let mut process = ServerProcess::start(shell("echo one; echo two; echo err >&2")).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        process
            .wait_for_lines(deadline, "two lines", |lines| lines.len() == 2)
            .unwrap();
        let (status, _) = process.wait_for_exit(deadline).unwrap().unwrap();
        assert!(status.success());
        let texts: Vec<_> = process.lines().iter().map(|l| l.text.clone()).collect();
        assert_eq!(texts, ["one", "two"]);
        assert!(process.stdout_closed_at().is_some());
        assert_eq!(process.stderr(), "err\n");
    }

    #[test]
    fn dropping_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let mut process = ServerProcess::start(shell(&format!(
            "sleep 60 & echo $! > {}; echo started; wait",
            pid_file.display()
        )))
        .unwrap();
        process
            .wait_for_lines(Instant::now() + Duration::from_secs(10), "start", |l| {
                !l.is_empty()
            })
            .unwrap();
        assert!(process
            .wait_for_exit(Instant::now() + Duration::from_millis(50))
            .unwrap()
            .is_none());
        drop(process);
        let grandchild = std::fs::read_to_string(&pid_file).unwrap();
        let stat = format!("/proc/{}/stat", grandchild.trim());
        let gone_by = Instant::now() + Duration::from_secs(5);
        loop {
            let state = std::fs::read_to_string(&stat).unwrap_or_default();
            let zombie_or_gone = state.is_empty()
                || state
                    .rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z');
            if zombie_or_gone {
                break;
            }
            assert!(Instant::now() < gone_by, "{grandchild} survived");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn waiting_for_lines_is_bounded() {
        let mut process = ServerProcess::start(shell("sleep 30")).unwrap();
        let started = Instant::now();
        let error = process
            .wait_for_lines(Instant::now() + Duration::from_millis(200), "a line", |l| {
                !l.is_empty()
            })
            .unwrap_err();
        assert!(error.to_string().contains("no a line in time"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
