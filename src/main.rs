#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use pilnvara::cli::{Cli, Command};
use pilnvara::config::Config;

/// mimalloc rather than the system's allocator: a request allocates and frees many small
/// pieces, often on another thread than the one that made them (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("pilnvara: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    pilnvara::telemetry::init(config.log_format);
    match pilnvara::cli::run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pilnvara: {error:#}");
            ExitCode::FAILURE
        }
    }
}
