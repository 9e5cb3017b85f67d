//! The database: where it is (an existing server or the private cluster), the connection pool
//! and the migrations. Queries live in `store/`, not here.

pub mod launcher;

use std::time::Duration;

use anyhow::Context as _;
use sqlx::PgPool;
use std::str::FromStr as _;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::config::Config;
use launcher::{Cluster, Durability};

/// The database the private cluster serves the application from.
pub const DATABASE_NAME: &str = "pilnvara";

/// The role the application connects to the private cluster as.
pub const APPLICATION_ROLE: &str = "pilnvara_app";

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Where a service takes its connection from: the pool (a job, the command line, a test), or a
/// connection its caller holds (a request's one, see `web::db`). A service that does slow work
/// between its statements takes the pool itself, so that it holds no connection meanwhile.
pub trait Source<'c>: sqlx::Acquire<'c, Database = sqlx::Postgres> + Send {}

impl<'c, T: sqlx::Acquire<'c, Database = sqlx::Postgres> + Send> Source<'c> for T {}

/// An open database, with the private cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    cluster: Option<Cluster>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts (or joins) the private cluster in the data
    /// directory and connects to it.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        if let Some(url) = &config.database_url {
            let pool = connect(url.expose(), config.db_pool_size)
                .await
                .context("connecting to the database named by DATABASE_URL")?;
            return Ok(Self {
                pool,
                cluster: None,
            });
        }
        let data_dir = config.data_dir.clone();
        let cluster =
            tokio::task::spawn_blocking(move || Cluster::start(&data_dir, Durability::Full))
                .await??;
        let opened = async {
            create_database_if_missing(&cluster.url("postgres"), DATABASE_NAME).await?;
            // The cluster's superuser owns the tables and runs the migrations; the application
            // connects as a role that may not change evidence (README "Database roles").
            let owner = connect(&cluster.url(DATABASE_NAME), config.db_pool_size).await?;
            let granted = async {
                migrate(&owner).await?;
                grant_application_role(&owner, APPLICATION_ROLE).await?;
                anyhow::Ok(())
            }
            .await;
            owner.close().await;
            granted?;
            let url = cluster.url_as(DATABASE_NAME, APPLICATION_ROLE);
            anyhow::Ok(connect(&url, config.db_pool_size).await?)
        }
        .await;
        match opened {
            Ok(pool) => Ok(Self {
                pool,
                cluster: Some(cluster),
            }),
            Err(error) => {
                let _ = cluster.stop();
                Err(error).context("connecting to the private PostgreSQL cluster")
            }
        }
    }

    /// The private cluster, when the database is one (no `DATABASE_URL`).
    pub fn cluster(&self) -> Option<&Cluster> {
        self.cluster.as_ref()
    }

    /// Closes the pool and stops the private cluster if this process started it.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

/// The longest a session of the application may sit inside a transaction without sending a
/// statement: the server ends such a session, so that no lock is held for long by work that was
/// abandoned (the patched driver and `web::run_to_completion` make that rare; this makes it
/// harmless).
pub const IDLE_IN_TRANSACTION_TIMEOUT: &str = "15s";

/// The longest one statement of the application may run. Every page's statements are bounded;
/// one that runs this long is a fault to end, not to wait for. Migrations run without it.
pub const STATEMENT_TIMEOUT: &str = "30s";

/// A pool of at most `size` connections whose requests fail fast while the database is down,
/// so pages answer 503 instead of hanging; it reconnects by itself when the database is back.
/// Its sessions carry the timeouts above.
pub async fn connect(url: &str, size: u32) -> Result<PgPool, sqlx::Error> {
    let (pool, options) = pool_settings(url, size)?;
    pool.connect_with(options).await
}

/// As [`connect`], without connecting until the pool is first used: for the read replica, so
/// that a replica that is away at start does not keep the server from starting.
pub fn connect_lazy(url: &str, size: u32) -> Result<PgPool, sqlx::Error> {
    let (pool, options) = pool_settings(url, size)?;
    Ok(pool.connect_lazy_with(options))
}

/// How long a pooled connection may wait unused before it is checked again when taken.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(1);

fn pool_settings(url: &str, size: u32) -> Result<(PgPoolOptions, PgConnectOptions), sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.options([
        (
            "idle_in_transaction_session_timeout",
            IDLE_IN_TRANSACTION_TIMEOUT,
        ),
        ("statement_timeout", STATEMENT_TIMEOUT),
    ]);
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(3))
        // A connection that waited in the pool a while is checked before it is given out (the
        // database may have restarted meanwhile); one given back a moment ago is not: the check
        // is a round trip, and a request takes one connection.
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for < CHECK_AFTER_IDLE {
                    return Ok(true);
                }
                Ok(sqlx::Connection::ping(connection).await.is_ok())
            })
        });
    Ok((pool, options))
}

/// Applies the migrations that have not run yet. When every one has run already it changes
/// nothing, so that the server can run as a role that does not own (and may not create) tables;
/// see the README on database roles.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    if all_applied(pool).await.unwrap_or(false) {
        return Ok(());
    }
    // A migration may rewrite a large table: on a connection of its own without the
    // application's statement timeout, closed afterwards rather than returned to the pool.
    let mut connection = pool.acquire().await?;
    connection.close_on_drop();
    sqlx::query("SET statement_timeout = 0")
        .execute(&mut *connection)
        .await?;
    MIGRATOR
        .run(&mut *connection)
        .await
        .context("running database migrations")
}

/// Creates `role` if it is missing and gives it the application's grants (migration 0045's
/// `pilnvara_grant_to`), as the owner of the tables, after the migrations.
pub async fn grant_application_role(owner: &PgPool, role: &str) -> Result<(), sqlx::Error> {
    // Two processes starting at once take turns (concurrent GRANTs on one table conflict).
    let mut connection = owner.acquire().await?;
    connection.close_on_drop();
    sqlx::query("SELECT pg_advisory_lock(hashtext('pilnvara-grants'))")
        .execute(&mut *connection)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(role)
            .fetch_one(&mut *connection)
            .await?;
    if !exists {
        // A role name cannot be a bind parameter; it is quoted as an identifier.
        let quoted = format!("\"{}\"", role.replace('"', "\"\""));
        sqlx::query(&format!("CREATE ROLE {quoted} LOGIN"))
            .execute(&mut *connection)
            .await?;
    }
    sqlx::query("SELECT pilnvara_grant_to($1)")
        .bind(role)
        .execute(&mut *connection)
        .await?;
    // Closing the connection (above) releases the lock.
    Ok(())
}

/// Whether every migration has been applied, unchanged.
async fn all_applied(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let recorded: Option<String> =
        sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
            .fetch_one(pool)
            .await?;
    if recorded.is_none() {
        return Ok(false);
    }
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?;
    Ok(MIGRATOR.iter().all(|migration| {
        applied.iter().any(|(version, checksum)| {
            *version == migration.version && checksum[..] == migration.checksum[..]
        })
    }))
}

/// Creates `name` in the server behind `admin_url` unless it exists.
pub async fn create_database_if_missing(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(admin_url)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&admin)
            .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&admin)
            .await?;
    }
    admin.close().await;
    Ok(())
}
