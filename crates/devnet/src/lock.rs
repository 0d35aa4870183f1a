//! Advisory file locks (`flock`): one devnet per data dir, one forge deploy per checkout.
//!
//! The kernel releases a `flock` when its owner exits, however it exits, so a crashed devnet
//! never leaves a stale lock behind. Files are opened close-on-exec: children never inherit the
//! lock (a leftover anvil must not keep a data dir locked).

use std::{
    fs::{File, OpenOptions},
    os::fd::AsRawFd,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use crate::error::{Result, io_error};

/// An exclusive lock on a file, held until dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    path: PathBuf,
}

impl FileLock {
    /// Takes the lock if nobody holds it; `None` if somebody does.
    pub fn try_acquire(path: &Path) -> Result<Option<Self>> {
        let file = open(path)?;
        // SAFETY: flock(2) on a descriptor we own; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(Some(Self { _file: file, path: path.to_path_buf() }));
        }
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
            Ok(None)
        } else {
            Err(io_error("locking", path)(err))
        }
    }

    /// Takes the lock, waiting for the holder to release it (at most `timeout`; `None` then).
    pub fn acquire(path: &Path, timeout: Duration) -> Result<Option<Self>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(lock) = Self::try_acquire(path)? {
                return Ok(Some(lock));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether somebody holds the lock on `path` now (a missing file is unlocked).
    pub fn is_held(path: &Path) -> Result<bool> {
        if !path.exists() {
            return Ok(false);
        }
        Ok(Self::try_acquire(path)?.is_none())
    }

    /// The locked file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_error("creating", dir))?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io_error("opening", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/lock");
        assert!(!FileLock::is_held(&path).unwrap());
        let held = FileLock::try_acquire(&path).unwrap().expect("free");
        assert!(FileLock::try_acquire(&path).unwrap().is_none(), "a second holder is refused");
        assert!(FileLock::is_held(&path).unwrap());
        assert!(FileLock::acquire(&path, Duration::from_millis(200)).unwrap().is_none());
        drop(held);
        assert!(!FileLock::is_held(&path).unwrap());
        assert!(FileLock::acquire(&path, Duration::from_secs(1)).unwrap().is_some());
    }

    #[test]
    fn a_child_process_does_not_inherit_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let held = FileLock::try_acquire(&path).unwrap().unwrap();
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        drop(held);
        let free = FileLock::try_acquire(&path).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert!(free.is_some(), "the lock must not outlive its owner in a child");
    }
}
