//! A real PgBouncer in transaction mode in front of the test server, for the tests that show
//! the server works behind one (docs/operations.md "PgBouncer").
//!
//! It needs PgBouncer 1.21 or newer (prepared statements in transaction mode): found at
//! `PILNVARA_PGBOUNCER`, else `pgbouncer` on `PATH`. Without it the test is skipped with one
//! line saying so; with `PILNVARA_REQUIRE_PGBOUNCER=1` (as CI sets, after building it) it fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr as _;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;

use crate::faults::wait_for;

/// The port PgBouncer's Unix socket is named after (`.s.PGSQL.6432`).
const PORT: u16 = 6432;

/// The settings an installation behind PgBouncer needs (docs/operations.md), with a pool far
/// smaller than the clients' so that server connections are shared between transactions.
const SETTINGS: &str = "\
pool_mode = transaction
max_prepared_statements = 200
default_pool_size = 3
max_client_conn = 200
ignore_startup_parameters = extra_float_digits, options
log_connections = 0
log_disconnections = 0
auth_type = trust
server_reset_query =
";

/// A PgBouncer process with its folder; stopped and removed on drop.
pub(crate) struct PgBouncer {
    process: Child,
    dir: tempfile::TempDir,
    /// The server's role, which PgBouncer lets in unchecked (its clients are this test's).
    user: String,
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn required() -> bool {
    std::env::var_os("PILNVARA_REQUIRE_PGBOUNCER").is_some_and(|value| value != "0")
}

/// The PgBouncer binary, if this machine has one.
fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PILNVARA_PGBOUNCER") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("pgbouncer"))
        .find(|path| path.is_file())
}

impl PgBouncer {
    /// PgBouncer in front of the server of `server_url` (the test server), serving every
    /// database of it; `None` (skipped, said) where PgBouncer is missing.
    pub(crate) async fn start(server_url: &str) -> Option<Self> {
        let Some(binary) = binary() else {
            assert!(
                !required(),
                "PgBouncer is required here: set PILNVARA_PGBOUNCER (.ci/run builds it)"
            );
            let _ = std::io::stderr().write_all(
                b"PgBouncer test skipped: no pgbouncer (1.21 or newer) on PATH or in PILNVARA_PGBOUNCER.\n",
            );
            return None;
        };
        let server = PgConnectOptions::from_str(server_url).expect("the test server's URL");
        let host = match server.get_socket() {
            Some(socket_dir) => socket_dir.display().to_string(),
            None => server.get_host().to_owned(),
        };
        let user = server.get_username().to_owned();
        let dir = tempfile::tempdir().unwrap();
        // The timeouts the server's own pool sets per session (`db::connect`) cannot pass
        // through PgBouncer's startup packet, so each server connection sets them itself.
        let config = format!(
            "[databases]\n\
             * = host={host} port={port} connect_query='SET idle_in_transaction_session_timeout = {idle}; SET statement_timeout = {statement}'\n\
             [pgbouncer]\n\
             listen_addr =\n\
             listen_port = {PORT}\n\
             unix_socket_dir = {socket}\n\
             auth_file = {auth}\n\
             admin_users = {user}\n\
             logfile = {log}\n\
             {SETTINGS}",
            idle = quoted_setting(pilnvara::db::IDLE_IN_TRANSACTION_TIMEOUT),
            statement = quoted_setting(pilnvara::db::STATEMENT_TIMEOUT),
            port = server.get_port(),
            socket = dir.path().display(),
            auth = dir.path().join("users.txt").display(),
            log = dir.path().join("pgbouncer.log").display(),
        );
        std::fs::write(dir.path().join("pgbouncer.ini"), config).unwrap();
        std::fs::write(dir.path().join("users.txt"), format!("\"{user}\" \"\"\n")).unwrap();
        let mut command = Command::new(&binary);
        command
            .arg(dir.path().join("pgbouncer.ini"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // PgBouncer refuses to run as root; as root, it runs as the cluster's owner, who may
        // enter the server's socket folder.
        if nix::unistd::geteuid().is_root() {
            let owner = nix::unistd::User::from_name("postgres")
                .unwrap()
                .expect("the postgres system user");
            for path in [dir.path().to_owned(), dir.path().join("users.txt")] {
                std::os::unix::fs::chown(&path, Some(owner.uid.as_raw()), None).unwrap();
            }
            std::os::unix::process::CommandExt::uid(&mut command, owner.uid.as_raw());
            std::os::unix::process::CommandExt::gid(&mut command, owner.gid.as_raw());
        }
        let process = command.spawn().expect("starting pgbouncer");
        let bouncer = Self { process, dir, user };
        let socket = bouncer.dir.path().join(format!(".s.PGSQL.{PORT}"));
        wait_for(Duration::from_secs(30), "PgBouncer to listen", || {
            let socket = socket.clone();
            async move { std::os::unix::net::UnixStream::connect(&socket).is_ok() }
        })
        .await;
        Some(bouncer)
    }

    /// The URL of `database` through PgBouncer.
    pub(crate) fn url(&self, database: &str) -> String {
        format!(
            "postgres://{}@localhost/{database}?host={}&port={PORT}",
            self.user,
            self.socket_dir().display()
        )
    }

    fn socket_dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A setting such as `15s` in the quotes a `SET` takes inside PgBouncer's quoted query.
fn quoted_setting(value: &str) -> String {
    format!("''{value}''")
}

impl PgBouncer {
    /// PgBouncer's own count of the transactions it has passed to `database`'s server
    /// connections, from its admin console.
    pub(crate) async fn transactions_served(&self, database: &str) -> i64 {
        use sqlx::Connection as _;
        let mut console = sqlx::PgConnection::connect(&self.url("pgbouncer"))
            .await
            .expect("PgBouncer's admin console");
        // The console speaks only the simple query protocol.
        let rows = sqlx::raw_sql("SHOW STATS")
            .fetch_all(&mut console)
            .await
            .expect("SHOW STATS");
        rows.iter()
            .find(|row| sqlx::Row::get::<String, _>(*row, "database") == database)
            // A NUMERIC in the text format of the simple protocol.
            .map(|row| {
                sqlx::Row::try_get_unchecked::<String, _>(row, "total_xact_count")
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .unwrap_or(0)
    }
}
