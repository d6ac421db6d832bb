//! `lambda-kafka`: decode captured AWS Lambda Kafka events from the command line.
//!
//! ```text
//! lambda-kafka decode [EVENT] --key-format F --value-format F [--wire-format W] [--keep-going]
//! lambda-kafka inspect [EVENT]
//! lambda-kafka filter [EVENT] --filter PATTERN [--filter PATTERN ...]
//! lambda-kafka run --bootstrap-servers B --topic T ... (--invoke URL | --print)
//! ```
//!
//! Exit status: 0 when every record decoded; 1 when a record failed (without
//! `--keep-going`); 2 when records failed with `--keep-going`; 64 for an unreadable event,
//! a bad option, a schema problem or a filter pattern that is refused.

mod args;
mod codec;
mod decode;
mod filter;
mod inspect;
#[cfg(feature = "source")]
mod run;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

/// Exit status for a usage problem: a bad option, event or schema (EX_USAGE).
const EXIT_USAGE: u8 = 64;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            // Help and version go to stdout; a usage error to stderr.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        args::Command::Decode(options) => match decode::run(&options) {
            Ok(status) => ExitCode::from(status),
            Err(usage) => usage_error(&usage),
        },
        args::Command::Filter(options) => match filter::run(&options) {
            Ok(status) => ExitCode::from(status),
            Err(usage) => usage_error(&usage),
        },
        args::Command::Inspect(options) => match inspect::run(&options) {
            Ok(status) => ExitCode::from(status),
            Err(usage) => usage_error(&usage),
        },
        #[cfg(feature = "source")]
        args::Command::Run(options) => match run::run(&options) {
            Ok(status) => ExitCode::from(status),
            Err(usage) => usage_error(&usage),
        },
    }
}

fn usage_error(message: &str) -> ExitCode {
    let _ = std::io::stdout().flush();
    eprintln!("lambda-kafka: {message}");
    ExitCode::from(EXIT_USAGE)
}
