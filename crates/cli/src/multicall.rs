//! The other programs of the multi-call binary: `tao-node` and `wtao-relayer`, selected by the
//! name the executable is called by (`argv[0]`), each running its own `main` unchanged.

use std::{ffi::OsString, os::unix::process::CommandExt, path::Path, process::ExitCode};

/// The relayer's `main.rs`, compiled into this binary (copied by `build.rs`) so `wtao` runs
/// exactly the code the `wtao-relayer` binary runs: its library has no `main` to call.
#[allow(clippy::all, missing_docs, unreachable_pub, dead_code)]
mod relayer_main {
    include!(concat!(env!("OUT_DIR"), "/relayer_main.rs"));

    /// A child module sees the included file's private `main`; its own name cannot clash
    /// with anything in that file.
    pub(super) mod wtao_multicall_entry {
        /// The relayer's `main`.
        pub(in crate::multicall) fn run() -> eyre::Result<()> {
            super::main()
        }
    }
}

/// `argv[0]` of tao-node.
pub(crate) const NODE: &str = "tao-node";
/// `argv[0]` of the relayer.
pub(crate) const RELAYER: &str = "wtao-relayer";

/// Runs tao-node or the relayer if this process was started under its name; `None` otherwise.
pub(crate) fn dispatch() -> Option<ExitCode> {
    let argv0 = std::env::args_os().next()?;
    let name = Path::new(&argv0).file_name()?.to_str()?;
    let result = match name {
        NODE => tao_node::cli::main(),
        RELAYER => relayer_main::wtao_multicall_entry::run(),
        _ => return None,
    };
    Some(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // As those binaries' own `main` returning the error would print it.
            eprintln!("Error: {e:?}");
            ExitCode::FAILURE
        }
    })
}

/// Replaces this process with the program `name` of this executable, with `args` (for the
/// hidden `wtao node …` / `wtao relayer …`). Returns only on failure.
pub(crate) fn exec(name: &str, args: &[OsString]) -> eyre::Report {
    match std::env::current_exe() {
        Ok(exe) => {
            let err = std::process::Command::new(exe).arg0(name).args(args).exec();
            eyre::eyre!("could not run {name}: {err}")
        }
        Err(e) => eyre::eyre!("could not find the wtao executable to run {name}: {e}"),
    }
}
