//! The command line: `pilnvara serve` (the default) and the operator's commands.

use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::{self, Database};
use crate::web::{self, AppState};

#[derive(Debug, Parser)]
#[command(
    name = "pilnvara",
    version,
    about = "Pilnvara: authorised e-services at VPVKAC desks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
}

/// Runs `command` with `config`.
pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config).await?;
    let outcome = match command {
        Command::Serve => serve(&database, config).await,
        Command::Migrate => db::migrate(&database.pool).await,
    };
    database.close().await?;
    outcome
}

async fn serve(database: &Database, config: Config) -> anyhow::Result<()> {
    db::migrate(&database.pool).await?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("PILNVARA_BIND: cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let state = AppState {
        db: database.pool.clone(),
        config: Arc::new(config),
    };
    tracing::info!(%address, "Pilnvara is serving");
    println!("Pilnvara: http://{address}/  (Ctrl-C stops the server and its database)");
    web::serve(listener, web::app(state), shutdown_signal()).await?;
    tracing::info!("stopped serving");
    Ok(())
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
