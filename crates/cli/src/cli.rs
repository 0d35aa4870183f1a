//! The command line's shape: global flags, then one command. Parsing, dispatch, exit codes.

use std::process::ExitCode;

use clap::{Args, Parser, ValueEnum};

use crate::{cmd::Command, output::Output};

/// wtao — move TAO to Ethereum as wrapped TAO (wTAO) and back, govern the bridge by vote, and
/// run the whole system locally.
#[derive(Debug, Parser)]
#[command(name = "wtao", version, propagate_version = true, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) cmd: Command,
}

/// Flags every command takes.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct GlobalArgs {
    /// Print the result as one JSON object on stdout (failures too):
    /// {schema_version, success, data, errors[{code, message}], warnings}.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// More detail: -v shows each error's full chain with source locations and the tools' logs,
    /// -vv debug logs.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// When to colour stderr.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub(crate) color: ColorChoice,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Exit status of a command that failed (clap's usage errors exit with 2 by themselves).
const EXIT_FAILURE: u8 = 1;
/// Exit status of a usage error.
const EXIT_USAGE: u8 = 2;

/// Parses the command line, runs the command, prints the result or the error once, and
/// returns the exit code: 0 ok, 1 failure, 2 usage.
pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    init_logs(&cli.global);
    let out = Output::new(&cli.global);
    match cli.cmd.run(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.failure(&err);
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// clap's errors: help and version print normally (exit 0); a usage error prints clap's
/// message, or with `--json` the envelope, and exits 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let json = std::env::args_os().any(|a| a == "--json");
    if !json
        || matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE));
    }
    let message = e.render().to_string();
    let message = message.trim().trim_start_matches("error: ").to_owned();
    Output::print_envelope(crate::output::Envelope::failure(vec![crate::output::ErrorEntry {
        code: "usage".into(),
        message,
    }]));
    ExitCode::from(EXIT_USAGE)
}

/// Logs on stderr: warnings only by default (progress has its own lines), more with -v;
/// `RUST_LOG` overrides.
fn init_logs(global: &GlobalArgs) {
    let default = match global.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(crate::output::stderr_colour(global.color))
        .with_target(global.verbose > 0)
        .without_time()
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_anywhere() {
        let cli = Cli::try_parse_from(["wtao", "devnet", "status", "--json", "-vv"]).unwrap();
        assert!(cli.global.json);
        assert_eq!(cli.global.verbose, 2);
        let cli = Cli::try_parse_from(["wtao", "--json", "devnet", "down"]).unwrap();
        assert!(cli.global.json);
    }

    #[test]
    fn node_and_relayer_take_their_own_arguments() {
        let cli = Cli::try_parse_from(["wtao", "node", "--dev", "--rpc-port", "0"]).unwrap();
        let Command::Node { args } = cli.cmd else { panic!("not node") };
        assert_eq!(args, ["--dev", "--rpc-port", "0"]);
        let cli = Cli::try_parse_from(["wtao", "relayer", "run", "--help"]).unwrap();
        let Command::Relayer { args } = cli.cmd else { panic!("not relayer") };
        assert_eq!(args, ["run", "--help"]);
    }

    #[test]
    fn hidden_programs_stay_out_of_the_help() {
        let help = Cli::command().render_help().to_string();
        assert!(help.contains("devnet"), "{help}");
        assert!(!help.contains("relayer ") && !help.contains("node "), "{help}");
    }
}
