//! Where output goes: results on stdout (human text, or with `--json` one envelope), progress and
//! diagnostics on stderr, colour only on a terminal.
//!
//! The envelope, the same for every command and for failures:
//!
//! ```json
//! {"schema_version": 1, "success": true, "data": {...}, "errors": [], "warnings": []}
//! {"schema_version": 1, "success": false, "data": null,
//!  "errors": [{"code": "devnet.busy", "message": "…"}], "warnings": []}
//! ```
//!
//! Amounts in `data` are integer strings in the chain's base unit (rao, wei), never floats.
//! An error is printed once: `error: <message>` and, below it, the causes that add something
//! (a cause whose text the message already contains is left out). Source locations and
//! backtraces only with `-v`.

use std::{
    cell::RefCell,
    io::{IsTerminal, Write},
};

use serde::Serialize;

use crate::cli::{ColorChoice, GlobalArgs};

/// Version of the JSON envelope; bumped on incompatible changes.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// One error in the envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorEntry {
    /// Stable, machine-readable (`usage`, `devnet.busy`, `devnet.port_in_use`, …).
    pub(crate) code: String,
    /// What was wrong and what to do.
    pub(crate) message: String,
}

/// The `--json` envelope.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Envelope {
    schema_version: u32,
    success: bool,
    data: serde_json::Value,
    errors: Vec<ErrorEntry>,
    warnings: Vec<String>,
}

impl Envelope {
    /// A success carrying `data`.
    pub(crate) fn success(data: serde_json::Value, warnings: Vec<String>) -> Self {
        Self { schema_version: SCHEMA_VERSION, success: true, data, errors: vec![], warnings }
    }

    /// A failure.
    pub(crate) fn failure(errors: Vec<ErrorEntry>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            success: false,
            data: serde_json::Value::Null,
            errors,
            warnings: vec![],
        }
    }
}

/// Colours of stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Paint {
    /// Errors.
    Red,
    /// Warnings.
    Yellow,
    /// Done.
    Green,
    /// Less important.
    Dim,
}

/// The output channel of one command run.
#[derive(Debug)]
pub(crate) struct Output {
    json: bool,
    verbose: u8,
    colour: bool,
    warnings: RefCell<Vec<String>>,
}

/// Whether stderr gets colours under `choice`.
pub(crate) fn stderr_colour(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

impl Output {
    /// The output for these global flags.
    pub(crate) fn new(global: &GlobalArgs) -> Self {
        Self {
            json: global.json,
            verbose: global.verbose,
            colour: stderr_colour(global.color),
            warnings: RefCell::default(),
        }
    }

    /// Whether results are JSON.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    /// `text` in `paint` if stderr is coloured.
    pub(crate) fn paint(&self, paint: Paint, text: &str) -> String {
        if !self.colour {
            return text.to_owned();
        }
        let code = match paint {
            Paint::Red => "1;31",
            Paint::Yellow => "1;33",
            Paint::Green => "32",
            Paint::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// A progress line on stderr (not with `--json` unless `-v`: scripts read stdout, and
    /// keep stderr quiet).
    pub(crate) fn progress(&self, line: &str) {
        if !self.json || self.verbose > 0 {
            eprintln!("{line}");
        }
    }

    /// A warning: `warning: …` on stderr, or into the envelope's `warnings` with `--json`.
    pub(crate) fn warn(&self, message: impl Into<String>) {
        let message = message.into();
        if self.json {
            self.warnings.borrow_mut().push(message);
        } else {
            eprintln!("{} {message}", self.paint(Paint::Yellow, "warning:"));
        }
    }

    /// The command's result: `human` on stdout, or with `--json` the envelope holding `data`.
    pub(crate) fn success(&self, data: impl Serialize, human: &str) {
        if self.json {
            let data = serde_json::to_value(data).unwrap_or(serde_json::Value::Null);
            Self::print_envelope(Envelope::success(data, self.warnings.take()));
        } else if !human.is_empty() {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(human.as_bytes());
            if !human.ends_with('\n') {
                let _ = stdout.write_all(b"\n");
            }
            let _ = stdout.flush();
        }
    }

    /// A failed command: the error once, as text on stderr or as the envelope on stdout.
    pub(crate) fn failure(&self, err: &eyre::Report) {
        if self.json {
            Self::print_envelope(Envelope::failure(vec![ErrorEntry {
                code: error_code(err).into(),
                message: error_lines(err).join(": "),
            }]));
        } else if self.verbose > 0 {
            // eyre's report: the chain, the source location, a backtrace if one was captured.
            eprintln!("{} {err:?}", self.paint(Paint::Red, "error:"));
        } else {
            let lines = error_lines(err);
            let mut text = format!("{} {}", self.paint(Paint::Red, "error:"), lines[0]);
            for cause in &lines[1..] {
                text.push_str(&format!("\n  {} {cause}", self.paint(Paint::Dim, "caused by:")));
            }
            eprintln!("{text}");
        }
    }

    /// Prints an envelope as one line of JSON on stdout.
    pub(crate) fn print_envelope(envelope: Envelope) {
        let text = serde_json::to_string(&envelope).unwrap_or_else(|_| {
            r#"{"schema_version":1,"success":false,"data":null,"errors":[{"code":"internal","message":"unencodable result"}],"warnings":[]}"#.to_owned()
        });
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{text}");
        let _ = stdout.flush();
    }
}

/// The error's message and the causes that add something to it: a cause whose text an earlier
/// line already contains (thiserror messages often embed their source) is dropped.
pub(crate) fn error_lines(err: &eyre::Report) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let text = text.trim();
        if text.is_empty() || lines.iter().any(|l| l.contains(text)) {
            continue;
        }
        lines.push(text.to_owned());
    }
    if lines.is_empty() {
        lines.push("unknown error".to_owned());
    }
    lines
}

/// A stable code for the error: the first cause that has one, else `error`.
pub(crate) fn error_code(err: &eyre::Report) -> &'static str {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<wtao_devnet::DevnetError>().map(|e| e.code()))
        .or_else(|| crate::cmd::subnet::ChainError::code_of(err))
        .unwrap_or("error")
}

#[cfg(test)]
mod tests {
    use super::*;
    use eyre::WrapErr;

    #[test]
    fn causes_already_in_the_message_are_dropped() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = Err::<(), _>(io)
            .wrap_err("reading x.json: no such file")
            .wrap_err("while loading the devnet")
            .unwrap_err();
        assert_eq!(error_lines(&err), ["while loading the devnet", "reading x.json: no such file"]);
    }

    #[test]
    fn devnet_errors_carry_their_code() {
        let err = eyre::Report::new(wtao_devnet::DevnetError::Busy {
            data_dir: "/x".into(),
            pid: Some(1),
        })
        .wrap_err("while starting");
        assert_eq!(error_code(&err), "devnet.busy");
        assert_eq!(error_code(&eyre::eyre!("plain")), "error");
    }

    #[test]
    fn the_envelope_has_the_documented_shape() {
        let ok =
            serde_json::to_value(Envelope::success(serde_json::json!({"a": 1}), vec!["w".into()]))
                .unwrap();
        assert_eq!(
            ok,
            serde_json::json!({"schema_version": 1, "success": true, "data": {"a": 1}, "errors": [], "warnings": ["w"]})
        );
        let failed = serde_json::to_value(Envelope::failure(vec![ErrorEntry {
            code: "usage".into(),
            message: "bad".into(),
        }]))
        .unwrap();
        assert_eq!(failed["success"], false);
        assert_eq!(failed["data"], serde_json::Value::Null);
        assert_eq!(failed["errors"][0]["code"], "usage");
    }
}
