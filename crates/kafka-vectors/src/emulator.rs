//! Processes for the tests and measurements that run `kafka-function` under cargo-lambda's
//! emulator: the emulator with the Lambda APIs only, and the function's process pointed at
//! its runtime API.

use std::io;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The function's name in the emulator: the one its invocation URL names.
pub const FUNCTION: &str = "kafka-function";

/// Kills a child process when dropped, however the test or task ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nobody listens on now.
///
/// # Errors
/// When no local port can be bound.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `cargo lambda watch --only-lambda-apis` on `port`, run in `dir` (a package of the
/// function), once it accepts connections (within a minute); its output is dropped.
///
/// # Errors
/// When cargo-lambda does not start, or the port is not open after a minute.
pub fn start_emulator(dir: &Path, port: u16) -> io::Result<Running> {
    let emulator = Running(
        Command::new("cargo")
            .args([
                "lambda",
                "watch",
                "--only-lambda-apis",
                "--invoke-address",
                "127.0.0.1",
            ])
            .args(["--invoke-port", &port.to_string()])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the emulator did not open port {port} within a minute"),
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(emulator)
}

/// The function's process, configured as Lambda would for [`FUNCTION`] with 128 MB, its
/// runtime API the emulator's on `port`; the caller adds its variables and spawns it.
#[must_use]
pub fn function_command(binary: &Path, port: u16) -> Command {
    let mut command = Command::new(binary);
    command
        .env("AWS_LAMBDA_FUNCTION_NAME", FUNCTION)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env(
            "AWS_LAMBDA_RUNTIME_API",
            format!("http://127.0.0.1:{port}/.rt/{FUNCTION}"),
        );
    command
}

/// The URL that invokes [`FUNCTION`] through the emulator on `port`.
#[must_use]
pub fn invocation_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/2015-03-31/functions/{FUNCTION}/invocations")
}
