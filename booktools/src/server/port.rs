//! The book's server listens on a fixed address (127.0.0.1:7878): two runs
//! on one network collide. Two ways to have the address to oneself:
//!
//! - a network namespace of one's own: [`in_own_network`] runs a command
//!   under `unshare --user --map-root-user --net` (root, or any user where
//!   user namespaces are allowed), which calls [`bring_loopback_up`] inside
//!   and may serve in parallel with every other run; its children and its
//!   sockets go away with the namespace;
//! - elsewhere, a [`PortLock`]: a file lock under `target/` serializing
//!   every run across threads and processes, which refuses to start when
//!   something else already listens on the address.

use crate::process;
use anyhow::{bail, Context, Result};
use std::fs::{File, TryLockError};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Set in the environment of a command run by [`in_own_network`].
pub const OWN_NETWORK_ENV: &str = "BOOKTOOLS_OWN_NETWORK";

/// A whole transcript regeneration may hold the lock for minutes.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(900);

/// Whether this process runs in a network namespace of its own.
pub fn inside_own_network() -> bool {
    std::env::var_os(OWN_NETWORK_ENV).is_some()
}

/// Whether this machine lets us make network namespaces (probed once).
pub fn own_networks_work() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        let probe = in_own_network(&Command::new("true"));
        process::run(probe, Duration::from_secs(10)).is_ok_and(|done| done.status.success())
    })
}

/// `command` (program, arguments, folder, environment) run in a new user
/// and network namespace, with [`OWN_NETWORK_ENV`] set.
pub fn in_own_network(command: &Command) -> Command {
    let mut wrapped = Command::new("unshare");
    wrapped
        .args(["--user", "--map-root-user", "--net", "--"])
        .arg(command.get_program())
        .args(command.get_args())
        .env(OWN_NETWORK_ENV, "1");
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(name, value),
            None => wrapped.env_remove(name),
        };
    }
    wrapped
}

/// Brings up `lo`, down in a new network namespace (127.0.0.1 unusable).
pub fn bring_loopback_up() -> Result<()> {
    // SAFETY: plain system calls on a socket of ours and a zeroed `ifreq`
    // naming `lo`; the socket is closed on every path.
    let error = unsafe {
        let socket = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        if socket < 0 {
            return Err(std::io::Error::last_os_error()).context("opening a socket");
        }
        let mut request: libc::ifreq = std::mem::zeroed();
        request.ifr_name[0] = b'l' as libc::c_char;
        request.ifr_name[1] = b'o' as libc::c_char;
        let done = libc::ioctl(socket, libc::SIOCGIFFLAGS, &mut request) == 0 && {
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            libc::ioctl(socket, libc::SIOCSIFFLAGS, &request) == 0
        };
        let error = std::io::Error::last_os_error();
        libc::close(socket);
        (!done).then_some(error)
    };
    match error {
        Some(error) => Err(error).context("bringing up the loopback interface"),
        None => Ok(()),
    }
}

/// Held while a server may listen on the address; released on drop.
#[derive(Debug)]
pub struct PortLock {
    _file: File,
    address: SocketAddr,
}

impl PortLock {
    /// Takes the lock of `address` (`<root>/target/server-port-<port>.lock`),
    /// waiting at most `wait`, then checks that nothing listens on it.
    pub fn acquire(root: &Path, address: SocketAddr, wait: Duration) -> Result<Self> {
        let dir = root.join("target");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("server-port-{}.lock", address.port()));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(TryLockError::WouldBlock) => bail!(
                    "another server run held {} for more than {}s",
                    path.display(),
                    wait.as_secs()
                ),
                Err(TryLockError::Error(error)) => {
                    return Err(error).with_context(|| format!("locking {}", path.display()))
                }
            }
        }
        wait_until_free(address, Instant::now()).context("before starting the server")?;
        Ok(Self {
            _file: file,
            address,
        })
    }

    pub fn wait_until_free(&self, deadline: Instant) -> Result<()> {
        wait_until_free(self.address, deadline).context("after the server run")
    }
}

/// Waits until nothing listens on `address` (a killed server's socket
/// closes with its process), failing clearly at `deadline`.
pub fn wait_until_free(address: SocketAddr, deadline: Instant) -> Result<()> {
    loop {
        match TcpListener::bind(address) {
            Ok(_probe) => return Ok(()),
            Err(error) if error.kind() != std::io::ErrorKind::AddrInUse => {
                return Err(error).with_context(|| format!("checking whether {address} is free"))
            }
            Err(_) if Instant::now() >= deadline => bail!(
                "something still listens on {address}: the book's server needs that address \
                 (find it with `ss -ltnp 'sport = :{}'` and stop it)",
                address.port()
            ),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_bounded_and_checks_the_address() {
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let error = PortLock::acquire(dir.path(), address, Duration::from_secs(5)).unwrap_err();
        assert!(format!("{error:#}").contains("still listens"), "{error:#}");
        drop(listener);
        let held = PortLock::acquire(dir.path(), address, Duration::from_secs(5)).unwrap();
        let error = PortLock::acquire(dir.path(), address, Duration::from_millis(200)).unwrap_err();
        assert!(error.to_string().contains("held"), "{error}");
        drop(held);
        PortLock::acquire(dir.path(), address, Duration::from_secs(5)).unwrap();
    }
}
