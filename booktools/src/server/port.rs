//! The book's server listens on a fixed address (127.0.0.1:7878): only one
//! may run at a time on the machine. [`PortLock`] serializes every test,
//! transcript run and benchmark that starts one, across threads and
//! processes (a file lock under `target/`), and refuses to start when
//! something else already listens there.

use anyhow::{bail, Context, Result};
use std::fs::{File, TryLockError};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long to wait for another holder of the lock by default: a whole
/// transcript regeneration may hold it for minutes.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(900);

/// Pause between two attempts to take the lock.
const LOCK_RETRY: Duration = Duration::from_millis(50);

/// Held while a server may listen on the address; released on drop.
#[derive(Debug)]
pub struct PortLock {
    _file: File,
    address: SocketAddr,
}

impl PortLock {
    /// Takes the lock of `address` (file `<root>/target/server-port-<port>.lock`),
    /// waiting at most `wait` for another holder, then checks that nothing
    /// listens on the address.
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
                    std::thread::sleep(LOCK_RETRY)
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
        let lock = Self {
            _file: file,
            address,
        };
        lock.ensure_free().context("before starting the server")?;
        Ok(lock)
    }

    /// Fails clearly when something listens on the address.
    pub fn ensure_free(&self) -> Result<()> {
        ensure_free(self.address)
    }

    /// Waits until nothing listens on the address any more (a killed
    /// server's socket closes with its process).
    pub fn wait_until_free(&self, deadline: Instant) -> Result<()> {
        loop {
            match ensure_free(self.address) {
                Ok(()) => return Ok(()),
                Err(error) if Instant::now() >= deadline => {
                    return Err(error).context("after the server run")
                }
                Err(_) => std::thread::sleep(LOCK_RETRY),
            }
        }
    }
}

/// Fails when `address` cannot be bound because something listens there.
pub fn ensure_free(address: SocketAddr) -> Result<()> {
    match TcpListener::bind(address) {
        Ok(_probe) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => bail!(
            "something already listens on {address}: the book's server needs that address \
             (find it with `ss -ltnp 'sport = :{}'` and stop it)",
            address.port()
        ),
        Err(error) => Err(error).with_context(|| format!("checking whether {address} is free")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_on_the_address_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let error = PortLock::acquire(dir.path(), address, Duration::from_secs(5)).unwrap_err();
        assert!(
            format!("{error:#}").contains("something already listens"),
            "{error:#}"
        );
        drop(listener);
        PortLock::acquire(dir.path(), address, Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn the_lock_is_exclusive_and_waiting_for_it_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let free = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let held = PortLock::acquire(dir.path(), free, Duration::from_secs(5)).unwrap();
        let error = PortLock::acquire(dir.path(), free, Duration::from_millis(200)).unwrap_err();
        assert!(error.to_string().contains("held"), "{error}");
        drop(held);
        PortLock::acquire(dir.path(), free, Duration::from_secs(5)).unwrap();
    }
}
