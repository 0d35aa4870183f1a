//! Child processes the devnet owns — one type for anvil, tao-node, relayers and the test nodes.
//!
//! A [`ManagedChild`] is started from a [`ChildSpec`] (program, arguments, environment, log
//! file). Its stdout and stderr go straight into the log file (appended), and a follower thread
//! reads that file into an in-memory ring of recent lines, so callers can
//!
//! - wait for a ready line ([`ManagedChild::wait_for_line`]) or for a probe to succeed
//!   ([`ManagedChild::wait_until`]), always against a deadline, and learn at once if the process
//!   died meanwhile — with the tail of its log in the error;
//! - stop it: SIGTERM, then SIGKILL after a grace period ([`ManagedChild::stop`]), or SIGKILL
//!   right away ([`ManagedChild::kill`], a crash for the tests);
//! - start it again from the same spec: the log file is appended to, and
//!   [`ManagedChild::log_since_start`] returns what this run wrote.
//!
//! Children run in their own process group, so a Ctrl-C in the terminal reaches only the owner,
//! which then stops them in order (relayers before the chains they talk to). Dropping a
//! `ManagedChild` stops it. Writing to a file rather than a pipe means a child never depends on
//! its owner to drain its output: if the owner dies, the child keeps running normally (and still
//! shuts down cleanly, anvil saving its chain) until the next owner stops it.

use std::{
    collections::VecDeque,
    ffi::{OsStr, OsString},
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        Arc, Condvar, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use crate::error::{DevnetError, Result};

/// How many recent output lines are kept in memory (for waiting and for error messages).
const RING_LINES: usize = 2_000;
/// How many of them an error message shows.
pub const TAIL_LINES: usize = 30;
/// Default time between SIGTERM and SIGKILL.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(10);
/// How often an exit or a probe is re-checked while nothing is printed.
const POLL: Duration = Duration::from_millis(50);
/// How often the follower looks for new output in the log.
const FOLLOW_POLL: Duration = Duration::from_millis(20);

/// A program to run: a path, and for a multi-call binary the name it is called by (`argv[0]`).
///
/// `wtao` is such a binary: started as `tao-node` or `wtao-relayer` it runs that program's
/// `main`, so the devnet needs only the one executable the user built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The executable.
    pub path: PathBuf,
    /// `argv[0]` to pass instead of the path (selects the program of a multi-call binary).
    pub arg0: Option<String>,
}

impl Program {
    /// A plain executable.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), arg0: None }
    }

    /// A program of the multi-call binary at `path`, selected by `arg0`.
    pub fn multi_call(path: impl Into<PathBuf>, arg0: impl Into<String>) -> Self {
        Self { path: path.into(), arg0: Some(arg0.into()) }
    }

    /// A `Command` that runs the program (no arguments yet).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.path);
        if let Some(arg0) = &self.arg0 {
            cmd.arg0(arg0);
        }
        cmd
    }

    /// The name for messages: `arg0`, else the file name.
    pub fn display_name(&self) -> String {
        self.arg0.clone().unwrap_or_else(|| {
            self.path.file_name().map_or_else(
                || self.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
    }
}

/// Everything needed to (re)start a child: what to run and where its output goes.
#[derive(Clone, Debug)]
pub struct ChildSpec {
    /// Short name for messages and logs (`anvil`, `tao-node`, `relayer-1`).
    pub name: String,
    /// What to run.
    pub program: Program,
    /// Arguments.
    pub args: Vec<OsString>,
    /// Extra environment variables.
    pub envs: Vec<(OsString, OsString)>,
    /// Working directory (default: the caller's).
    pub cwd: Option<PathBuf>,
    /// Log file: stdout and stderr, appended, one line at a time.
    pub log: PathBuf,
    /// Time between SIGTERM and SIGKILL in [`ManagedChild::stop`].
    pub grace: Duration,
}

impl ChildSpec {
    /// A spec for `program` named `name`, logging to `log`.
    pub fn new(name: impl Into<String>, program: Program, log: impl Into<PathBuf>) -> Self {
        Self {
            name: name.into(),
            program,
            args: Vec::new(),
            envs: Vec::new(),
            cwd: None,
            log: log.into(),
            grace: DEFAULT_GRACE,
        }
    }

    /// Appends an argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Sets an environment variable (a later value for the same name wins).
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        let key = key.as_ref().to_owned();
        self.envs.retain(|(k, _)| *k != key);
        self.envs.push((key, value.as_ref().to_owned()));
        self
    }

    /// Sets the working directory.
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets the SIGTERM → SIGKILL grace period.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    fn command(&self) -> Command {
        let mut cmd = self.program.command();
        cmd.args(&self.args);
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        // Own process group: the terminal's Ctrl-C goes to the owner only, which stops the
        // children in order.
        cmd.process_group(0).stdin(Stdio::null());
        cmd
    }

    /// The command line as one string, for the log header (arguments only: secrets are passed
    /// through the environment, which is not shown).
    fn command_line(&self) -> String {
        let mut line = self.program.display_name();
        for a in &self.args {
            line.push(' ');
            line.push_str(&a.to_string_lossy());
        }
        line
    }
}

/// Output shared between the follower thread and the owner.
#[derive(Debug, Default)]
struct Output {
    /// Recent lines with their sequence numbers.
    ring: VecDeque<(u64, String)>,
    /// Sequence number of the next line.
    next_seq: u64,
    /// Whether the follower still reads the log (false once it read the last of an exited child).
    following: bool,
}

#[derive(Debug, Default)]
struct Shared {
    output: Mutex<Output>,
    changed: Condvar,
    /// Set once the child has exited (or its owner gave up on it): the follower reads to the
    /// end of the log once more and stops.
    finish: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Output> {
        // The follower never panics while holding the lock; recover the data if it did anyway.
        self.output.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running (or exited) child process. Stopped when dropped.
#[derive(Debug)]
pub struct ManagedChild {
    name: String,
    child: Child,
    shared: Arc<Shared>,
    /// Next line [`Self::wait_for_line`] looks at.
    read_seq: u64,
    log: PathBuf,
    log_start: u64,
    status: Option<ExitStatus>,
    grace: Duration,
}

impl ManagedChild {
    /// Starts the child as `spec` says, with its output appended to `spec.log`.
    pub fn spawn(spec: &ChildSpec) -> Result<Self> {
        if let Some(dir) = spec.log.parent() {
            std::fs::create_dir_all(dir).map_err(|source| DevnetError::Io {
                what: "creating",
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let io_err = |what, source| DevnetError::Io { what, path: spec.log.clone(), source };
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.log)
            .map_err(|e| io_err("opening", e))?;
        let log_start = log.seek(SeekFrom::End(0)).map_err(|e| io_err("reading", e))?;
        // The header makes each run of a restarted child easy to find in its log.
        writeln!(log, "=== {} started: {}", spec.name, spec.command_line())
            .map_err(|e| io_err("writing", e))?;
        // The ring holds what the child printed, not the header.
        let output_start = log.stream_position().map_err(|e| io_err("reading", e))?;
        let stdout = log.try_clone().map_err(|e| io_err("opening", e))?;
        let mut command = spec.command();
        command.stdout(stdout).stderr(log);
        let child = command
            .spawn()
            .map_err(|source| DevnetError::Spawn { name: spec.name.clone(), source })?;
        let shared = Arc::new(Shared::default());
        shared.lock().following = true;
        follow(spec.log.clone(), output_start, Arc::clone(&shared));
        tracing::debug!(target: "devnet::process", name = %spec.name, pid = child.id(), log = %spec.log.display(), "started");
        Ok(Self {
            name: spec.name.clone(),
            child,
            shared,
            read_seq: 0,
            log: spec.log.clone(),
            log_start,
            status: None,
            grace: spec.grace,
        })
    }

    /// The child's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The OS process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The log file.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Waits until an output line satisfies `ready` and returns it. Fails if the process exits
    /// first ([`DevnetError::Exited`]) or `timeout` passes ([`DevnetError::NotReady`]); both
    /// errors carry the tail of the output.
    pub fn wait_for_line(
        &mut self,
        timeout: Duration,
        mut ready: impl FnMut(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.scan(&mut ready) {
                return Ok(line);
            }
            if let Some(status) = self.try_status()? {
                // It may have printed the line just before exiting: look once more.
                if let Some(line) = self.scan(&mut ready) {
                    return Ok(line);
                }
                return Err(self.exit_error(status));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.not_ready(timeout, "its ready line"));
            }
            self.wait_output(left.min(POLL));
        }
    }

    /// The first line not looked at yet that satisfies `ready`; marks everything before it
    /// (or everything, if none does) as looked at.
    fn scan(&mut self, ready: &mut impl FnMut(&str) -> bool) -> Option<String> {
        let shared = Arc::clone(&self.shared);
        let out = shared.lock();
        let from = self.read_seq;
        self.read_seq = out.next_seq;
        let (seq, line) =
            out.ring.iter().filter(|(seq, _)| *seq >= from).find(|(_, line)| ready(line))?;
        self.read_seq = seq.saturating_add(1);
        Some(line.clone())
    }

    /// Blocks until the child prints something new or `at_most` passes.
    fn wait_output(&self, at_most: Duration) {
        let out = self.shared.lock();
        if !out.following {
            drop(out);
            thread::sleep(at_most);
        } else if out.next_seq == self.read_seq {
            let _ = self.shared.changed.wait_timeout(out, at_most);
        }
    }

    /// Calls `probe` until it returns `Some` (then returns that), the process exits
    /// ([`DevnetError::Exited`]) or `timeout` passes ([`DevnetError::NotReady`], naming `what`).
    /// Use it for readiness that shows outside the output, e.g. an HTTP health check.
    pub fn wait_until<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut() -> Option<T>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = probe() {
                return Ok(v);
            }
            self.check_running()?;
            if Instant::now() >= deadline {
                return Err(self.not_ready(timeout, what));
            }
            thread::sleep(POLL);
        }
    }

    /// `Err(Exited)` with the log tail if the process has exited.
    pub fn check_running(&mut self) -> Result<()> {
        match self.try_status()? {
            None => Ok(()),
            Some(status) => Err(self.exit_error(status)),
        }
    }

    fn exit_error(&self, status: ExitStatus) -> DevnetError {
        DevnetError::Exited {
            name: self.name.clone(),
            status: status.to_string(),
            log: self.log.clone(),
            last_output: self.tail(TAIL_LINES),
        }
    }

    fn not_ready(&self, waited: Duration, what: &str) -> DevnetError {
        DevnetError::NotReady {
            name: self.name.clone(),
            what: what.to_owned(),
            waited,
            log: self.log.clone(),
            last_output: self.tail(TAIL_LINES),
        }
    }

    /// The exit status if the process has exited (without blocking). Once it has, the follower
    /// is given a moment to read the last lines, so the ring is complete when this returns.
    pub fn try_status(&mut self) -> Result<Option<ExitStatus>> {
        if self.status.is_some() {
            return Ok(self.status);
        }
        match self.child.try_wait() {
            Ok(Some(status)) => {
                self.exited(status);
                Ok(Some(status))
            }
            Ok(None) => Ok(None),
            Err(source) => Err(DevnetError::Spawn { name: self.name.clone(), source }),
        }
    }

    fn exited(&mut self, status: ExitStatus) {
        self.status = Some(status);
        // Everything it wrote is in the file now: let the follower read it to the end, so the
        // ring (and the tail in an error) is complete when this returns.
        self.shared.finish.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut out = self.shared.lock();
        while out.following {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            out = self
                .shared
                .changed
                .wait_timeout(out, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.try_status(), Ok(None))
    }

    /// Waits up to `timeout` for the process to exit by itself; `None` if it is still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.try_status() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                _ => return None,
            }
        }
    }

    /// Sends SIGTERM and waits up to the grace period; then SIGKILL. Returns the exit status
    /// (`None` only if the process could not be reaped). Idempotent.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.try_status() {
            return Some(status);
        }
        signal(self.child.id(), libc::SIGTERM);
        if let Some(status) = self.wait_exit(self.grace) {
            return Some(status);
        }
        tracing::warn!(target: "devnet::process", name = %self.name, grace = ?self.grace, "did not stop on SIGTERM; killing");
        self.kill()
    }

    /// SIGKILL now (a crash at an arbitrary point) and reap the process.
    pub fn kill(&mut self) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.try_status() {
            return Some(status);
        }
        let _ = self.child.kill();
        let status = self.child.wait().ok()?;
        self.exited(status);
        Some(status)
    }

    /// The last `n` lines the process printed (from memory).
    pub fn tail(&self, n: usize) -> Vec<String> {
        let out = self.shared.lock();
        let skip = out.ring.len().saturating_sub(n);
        out.ring.iter().skip(skip).map(|(_, l)| l.clone()).collect()
    }

    /// The length of the log file when this run started: what it wrote lies after.
    pub fn log_start(&self) -> u64 {
        self.log_start
    }

    /// Everything this run of the process wrote to its log (from the file).
    pub fn log_since_start(&self) -> String {
        read_from(&self.log, self.log_start)
    }
}

impl Drop for ManagedChild {
    fn drop(&mut self) {
        self.stop();
        // Stop the follower even if the process could not be reaped.
        self.shared.finish.store(true, Ordering::SeqCst);
    }
}

/// Reads `path` from byte `offset` to the end (lossy UTF-8; empty if unreadable).
pub fn read_from(path: &Path, offset: u64) -> String {
    let mut text = Vec::new();
    if let Ok(mut f) = File::open(path)
        && f.seek(SeekFrom::Start(offset)).is_ok()
    {
        let _ = f.read_to_end(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// The last `n` lines of a file (empty if unreadable).
pub fn tail_file(path: &Path, n: usize) -> Vec<String> {
    let text = read_from(path, 0);
    let lines: Vec<&str> = text.lines().collect();
    let skip = lines.len().saturating_sub(n);
    lines.into_iter().skip(skip).map(str::to_owned).collect()
}

/// Reads the log from `offset` as it grows, line by line, into the ring, until told the child
/// finished and the end of the file is reached.
fn follow(path: PathBuf, offset: u64, shared: Arc<Shared>) {
    thread::spawn(move || {
        let mut file = File::open(&path).ok();
        if let Some(f) = file.as_mut()
            && f.seek(SeekFrom::Start(offset)).is_err()
        {
            file = None;
        }
        let mut partial: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        while let Some(f) = file.as_mut() {
            // Read the flag before reading: set before the read means the read saw everything.
            let finishing = shared.finish.load(Ordering::SeqCst);
            let n = f.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                if finishing {
                    break;
                }
                thread::sleep(FOLLOW_POLL);
                continue;
            }
            partial.extend_from_slice(chunk.get(..n).unwrap_or_default());
            let Some(end) = partial.iter().rposition(|b| *b == b'\n') else { continue };
            let complete: Vec<u8> = partial.drain(..=end).collect();
            let mut out = shared.lock();
            for line in complete.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let line = String::from_utf8_lossy(line).trim_end_matches('\r').to_owned();
                let seq = out.next_seq;
                out.next_seq = seq.saturating_add(1);
                if out.ring.len() == RING_LINES {
                    out.ring.pop_front();
                }
                out.ring.push_back((seq, line));
            }
            drop(out);
            shared.changed.notify_all();
        }
        if !partial.is_empty() {
            let mut out = shared.lock();
            let seq = out.next_seq;
            out.next_seq = seq.saturating_add(1);
            out.ring.push_back((seq, String::from_utf8_lossy(&partial).into_owned()));
        }
        shared.lock().following = false;
        shared.changed.notify_all();
    });
}

/// Sends `sig` to process `pid`; false if there is no such process (or no permission).
pub fn signal(pid: u32, sig: libc::c_int) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill(2) takes plain integers; no memory is involved.
    unsafe { libc::kill(pid, sig) == 0 }
}

/// Whether a process with this id exists.
pub fn is_alive(pid: u32) -> bool {
    signal(pid, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, name: &str, script: &str) -> ChildSpec {
        ChildSpec::new(name, Program::new("sh"), dir.join(format!("{name}.log")))
            .args(["-c", script])
    }

    #[test]
    fn waits_for_a_ready_line_logs_it_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let spec = sh(
            dir.path(),
            "ready",
            "echo starting; echo 'Listening on 127.0.0.1:1' >&2; exec sleep 60",
        );
        let mut child = ManagedChild::spawn(&spec).unwrap();
        let line =
            child.wait_for_line(Duration::from_secs(10), |l| l.starts_with("Listening")).unwrap();
        assert_eq!(line, "Listening on 127.0.0.1:1");
        assert!(child.is_running());
        let status = child.stop().unwrap();
        assert!(!status.success(), "sleep was terminated by SIGTERM: {status}");
        assert!(!child.is_running());
        let log = child.log_since_start();
        assert!(log.contains("starting\n") && log.contains("Listening on"), "{log}");
        assert!(log.starts_with("=== ready started: sh -c"), "{log}");
    }

    #[test]
    fn reports_an_early_exit_with_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut child =
            ManagedChild::spawn(&sh(dir.path(), "boom", "echo boom >&2; exit 3")).unwrap();
        let err = child.wait_for_line(Duration::from_secs(10), |_| false).unwrap_err();
        match &err {
            DevnetError::Exited { last_output, status, .. } => {
                assert_eq!(last_output, &vec!["boom".to_owned()]);
                assert!(status.contains('3'), "{status}");
            }
            other => panic!("unexpected {other}"),
        }
        assert!(err.to_string().contains("boom"), "the message shows the tail: {err}");
    }

    #[test]
    fn times_out_with_a_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let mut child =
            ManagedChild::spawn(&sh(dir.path(), "slow", "echo waiting; exec sleep 60")).unwrap();
        let started = Instant::now();
        let err = child.wait_for_line(Duration::from_millis(300), |_| false).unwrap_err();
        assert!(matches!(err, DevnetError::NotReady { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(err.to_string().contains("waiting"), "{err}");
    }

    #[test]
    fn a_probe_fails_fast_when_the_child_dies() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = ManagedChild::spawn(&sh(dir.path(), "dies", "echo dying; exit 1")).unwrap();
        let started = Instant::now();
        let err = child.wait_until("never", Duration::from_secs(30), || None::<()>).unwrap_err();
        assert!(matches!(err, DevnetError::Exited { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn sigkill_after_the_grace_when_sigterm_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let spec =
            sh(dir.path(), "stubborn", "trap '' TERM; echo ready; while :; do sleep 0.05; done")
                .grace(Duration::from_millis(300));
        let mut child = ManagedChild::spawn(&spec).unwrap();
        child.wait_for_line(Duration::from_secs(10), |l| l == "ready").unwrap();
        let started = Instant::now();
        let status = child.stop().unwrap();
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGKILL));
        assert!(started.elapsed() >= Duration::from_millis(300));
    }

    #[test]
    fn a_restart_appends_and_log_since_start_is_this_run() {
        let dir = tempfile::tempdir().unwrap();
        let spec = sh(dir.path(), "twice", "echo run-$RUN; exit 0");
        let mut first = ManagedChild::spawn(&spec.clone().env("RUN", "1")).unwrap();
        first.wait_exit(Duration::from_secs(10)).unwrap();
        let mut second = ManagedChild::spawn(&spec.env("RUN", "2")).unwrap();
        second.wait_exit(Duration::from_secs(10)).unwrap();
        let this_run = second.log_since_start();
        assert!(this_run.contains("run-2") && !this_run.contains("run-1"), "{this_run}");
        let whole = read_from(&dir.path().join("twice.log"), 0);
        assert!(whole.contains("run-1") && whole.contains("run-2"), "{whole}");
        assert_eq!(tail_file(&dir.path().join("twice.log"), 1), vec!["run-2".to_owned()]);
    }

    #[test]
    fn a_multi_call_program_gets_its_argv0() {
        let dir = tempfile::tempdir().unwrap();
        let spec = ChildSpec::new(
            "argv0",
            Program::multi_call("/bin/sh", "tao-node"),
            dir.path().join("a.log"),
        )
        .args(["-c", "echo $0"]);
        let mut child = ManagedChild::spawn(&spec).unwrap();
        let line = child.wait_for_line(Duration::from_secs(10), |_| true).unwrap();
        assert_eq!(line, "tao-node");
    }
}
