//! Child processes that the devnet owns: started with piped output, waited on until they print
//! a ready line (never a sleep), stopped gracefully (SIGTERM, then SIGKILL after a grace period)
//! when dropped, so no test or Ctrl-C leaves an orphan behind.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read},
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        mpsc::{self, Receiver, RecvTimeoutError},
    },
    thread,
    time::{Duration, Instant},
};

use crate::error::{DevnetError, Result};

/// How many lines of a child's output we keep for error messages.
const TAIL_LINES: usize = 20;

/// A running child process whose output lines can be waited for.
#[derive(Debug)]
pub struct ManagedChild {
    name: String,
    child: Child,
    lines: Receiver<String>,
    tail: Arc<Mutex<VecDeque<String>>>,
    grace: Duration,
}

impl ManagedChild {
    /// Starts `command` with stdout and stderr piped into one line stream.
    pub fn spawn(name: impl Into<String>, mut command: Command) -> Result<Self> {
        let name = name.into();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| DevnetError::Spawn { name: name.clone(), source })?;
        let (tx, lines) = mpsc::channel();
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
        if let Some(out) = child.stdout.take() {
            pump(out, tx.clone(), Arc::clone(&tail));
        }
        if let Some(err) = child.stderr.take() {
            pump(err, tx, Arc::clone(&tail));
        }
        Ok(Self { name, child, lines, tail, grace: Duration::from_secs(5) })
    }

    /// Waits until a line satisfies `ready`, the process exits, or `timeout` passes.
    pub fn wait_for_line(
        &mut self,
        timeout: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(line) if ready(&line) => return Ok(line),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        return Err(DevnetError::Exited {
                            name: self.name.clone(),
                            status: status.to_string(),
                            last_output: self.tail(),
                        });
                    }
                    if left.is_zero() {
                        return Err(DevnetError::NotReady {
                            name: self.name.clone(),
                            waited: timeout,
                            last_output: self.tail(),
                        });
                    }
                }
            }
        }
    }

    /// The last lines the process printed.
    pub fn tail(&self) -> Vec<String> {
        self.tail.lock().map(|t| t.iter().cloned().collect()).unwrap_or_default()
    }

    /// The OS process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Asks the process to stop (SIGTERM), and kills it if it is still there after the grace
    /// period. Idempotent.
    pub fn stop(&mut self) {
        if !self.is_running() {
            return;
        }
        terminate(self.child.id());
        let deadline = Instant::now() + self.grace;
        while Instant::now() < deadline {
            if !self.is_running() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        tracing::warn!(target: "devnet", name = %self.name, "did not stop on SIGTERM; killing");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ManagedChild {
    fn drop(&mut self) {
        self.stop();
    }
}

fn pump(
    stream: impl Read + Send + 'static,
    tx: mpsc::Sender<String>,
    tail: Arc<Mutex<VecDeque<String>>>,
) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(std::result::Result::ok) {
            if let Ok(mut t) = tail.lock() {
                if t.len() == TAIL_LINES {
                    t.pop_front();
                }
                t.push_back(line.clone());
            }
            // The receiver may be gone (nobody waits any more); keep draining so the child
            // never blocks on a full pipe.
            let _ = tx.send(line);
        }
    });
}

fn terminate(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return };
    // SAFETY: kill(2) with a pid we spawned and own; no memory is involved.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_a_ready_line_and_stops() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo starting; echo 'Listening on 127.0.0.1:1'; exec sleep 60"]);
        let mut child = ManagedChild::spawn("sh", cmd).unwrap();
        let line =
            child.wait_for_line(Duration::from_secs(10), |l| l.starts_with("Listening")).unwrap();
        assert_eq!(line, "Listening on 127.0.0.1:1");
        assert!(child.is_running());
        child.stop();
        assert!(!child.is_running());
    }

    #[test]
    fn reports_an_early_exit_with_its_output() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo boom >&2; exit 3"]);
        let mut child = ManagedChild::spawn("sh", cmd).unwrap();
        let err = child.wait_for_line(Duration::from_secs(10), |_| false).unwrap_err();
        match err {
            DevnetError::Exited { last_output, status, .. } => {
                assert_eq!(last_output, vec!["boom".to_owned()]);
                assert!(status.contains('3'), "{status}");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn times_out_with_a_deadline() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo waiting; exec sleep 60"]);
        let mut child = ManagedChild::spawn("sh", cmd).unwrap();
        let err = child.wait_for_line(Duration::from_millis(300), |_| false).unwrap_err();
        assert!(matches!(err, DevnetError::NotReady { .. }), "{err}");
    }
}
