//! The command line: `pilnvara serve` (the default) and the operator's commands. Scripts rely
//! on the exact forms below; each exits non-zero with a clear message on bad input.

use std::io::Read as _;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accounts::{self, Actor, CentreInput, UserInput};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::{self, Database};
use crate::domain::staff::{CentreKind, Role};
use crate::keys::Keys;
use crate::passwords::{Hasher, Secret};
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
    /// Manage centres.
    #[command(subcommand)]
    Centre(CentreCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum CentreCommand {
    /// Add a centre.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = KindArg::Local)]
        kind: KindArg,
        #[arg(long, default_value = "")]
        municipality: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    National,
    Regional,
    Local,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Employee,
    Supervisor,
    Admin,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account. Without --password-stdin a one-time password is printed once and
    /// must be changed at first sign-in.
    Add(AddUser),
    /// Give an account a new one-time password (printed once); ends its sessions.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Disable an account; ends its sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Lift a sign-in lock.
    Unlock {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Args)]
pub struct AddUser {
    #[arg(long)]
    username: String,
    #[arg(long)]
    full_name: String,
    #[arg(long, value_enum)]
    role: RoleArg,
    #[arg(long)]
    centre: String,
    /// Centre codes, comma-separated (supervisors and administrators).
    #[arg(long, value_delimiter = ',')]
    supervises: Vec<String>,
    /// Read the password from standard input instead of generating a one-time password.
    #[arg(long)]
    password_stdin: bool,
}

/// Runs `command` with `config`.
pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config).await?;
    let outcome = run_on(&database, command, config).await;
    database.close().await?;
    outcome
}

async fn run_on(database: &Database, command: Command, config: Config) -> anyhow::Result<()> {
    let pool = &database.pool;
    let clock = SystemClock;
    let hasher = Hasher::new(2);
    match command {
        Command::Serve => serve(database, config).await,
        Command::Migrate => db::migrate(pool).await,
        Command::Centre(CentreCommand::Add {
            code,
            name,
            kind,
            municipality,
        }) => {
            db::migrate(pool).await?;
            let input = CentreInput {
                code,
                name,
                municipality,
                kind: match kind {
                    KindArg::National => CentreKind::National,
                    KindArg::Regional => CentreKind::Regional,
                    KindArg::Local => CentreKind::Local,
                },
                retention_years: 10,
                active: true,
            };
            accounts::add_centre(pool, &clock, Actor::OPERATOR, &input).await?;
            println!("centre {} added", input.code.trim().to_uppercase());
            Ok(())
        }
        Command::User(UserCommand::Add(add)) => {
            db::migrate(pool).await?;
            let password = if add.password_stdin {
                let mut typed = String::new();
                std::io::stdin()
                    .read_to_string(&mut typed)
                    .context("reading the password from standard input")?;
                Some(Secret::new(typed.trim_end_matches(['\r', '\n'])))
            } else {
                None
            };
            let input = UserInput {
                username: add.username,
                full_name: add.full_name,
                role: match add.role {
                    RoleArg::Employee => Role::Employee,
                    RoleArg::Supervisor => Role::Supervisor,
                    RoleArg::Admin => Role::Admin,
                },
                centre_code: add.centre,
                supervises: add.supervises,
            };
            let created =
                accounts::add_user(pool, &hasher, &clock, Actor::OPERATOR, &input, password)
                    .await?;
            let username = input.username.trim().to_lowercase();
            match created.one_time_password {
                Some(password) => println!(
                    "user {username} added; one-time password (shown once, must be changed at first sign-in): {}",
                    password.expose()
                ),
                None => println!("user {username} added"),
            }
            Ok(())
        }
        Command::User(UserCommand::ResetPassword { username }) => {
            let password =
                accounts::reset_password(pool, &hasher, &clock, Actor::OPERATOR, &username).await?;
            println!(
                "new one-time password for {} (shown once, must be changed at first sign-in): {}",
                username.trim().to_lowercase(),
                password.expose()
            );
            Ok(())
        }
        Command::User(UserCommand::Disable { username }) => {
            accounts::set_active(pool, &clock, Actor::OPERATOR, &username, false).await?;
            println!("user {} disabled", username.trim().to_lowercase());
            Ok(())
        }
        Command::User(UserCommand::Unlock { username }) => {
            accounts::unlock(pool, &clock, Actor::OPERATOR, &username).await?;
            println!("user {} unlocked", username.trim().to_lowercase());
            Ok(())
        }
    }
}

async fn serve(database: &Database, config: Config) -> anyhow::Result<()> {
    db::migrate(&database.pool).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let hasher = Hasher::new(2);
    if let Some(password) = accounts::bootstrap(&database.pool, &hasher, clock.as_ref()).await? {
        println!(
            "First start: created centre DEMO and administrator `admin`.\n\
             One-time password (shown only now; it must be changed at first sign-in): {}",
            password.expose()
        );
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("PILNVARA_BIND: cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let keys = Keys::load_or_create(&config.data_dir).with_context(|| {
        format!(
            "reading the server keys in {}",
            config.data_dir.join("keys").display()
        )
    })?;
    let state = AppState {
        db: database.pool.clone(),
        config: Arc::new(config),
        clock,
        hasher,
        keys: Arc::new(keys),
    };
    let sessions = tower_sessions_sqlx_store::PostgresStore::new(database.pool.clone());
    let deletion = tokio::spawn(
        tower_sessions::ExpiredDeletion::continuously_delete_expired(
            sessions,
            tokio::time::Duration::from_secs(60),
        ),
    );
    tracing::info!(%address, "Pilnvara is serving");
    println!("Pilnvara: http://{address}/  (Ctrl-C stops the server and its database)");
    web::serve(listener, web::app(state), shutdown_signal()).await?;
    deletion.abort();
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
