//! The private PostgreSQL cluster: first start, restart on existing data, a second process
//! joining it, a stale pid file, a clone under a root-only folder, and missing binaries.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use pilnvara::db::launcher::{Cluster, Durability, LauncherError, PgBinaries};

use crate::harness::{serving, terminate};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// A data directory of its own, mode `0700`: under root, a folder the `postgres` user cannot
/// enter, as CI's clone may be.
pub(crate) fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("pilnvara-launcher-")
        .tempdir()
        .unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn start(data_dir: &Path) -> Cluster {
    Cluster::start(data_dir, Durability::Throwaway)
        .unwrap_or_else(|error| panic!("starting the cluster: {error}"))
}

/// A throwaway cluster started in `data_dir` with a migrated database `pilnvara`, and a pool
/// on that database as the server makes it.
pub(crate) async fn migrated_cluster(data_dir: &Path) -> (Cluster, sqlx::PgPool) {
    let path = data_dir.to_owned();
    let cluster = tokio::task::spawn_blocking(move || start(&path))
        .await
        .unwrap();
    let admin = pilnvara::db::connect(
        &cluster.url("postgres"),
        crate::harness::test_config().db_pool_size,
    )
    .await
    .unwrap();
    sqlx::query("CREATE DATABASE pilnvara")
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let pool = pilnvara::db::connect(
        &cluster.url("pilnvara"),
        crate::harness::test_config().db_pool_size,
    )
    .await
    .unwrap();
    pilnvara::db::migrate(&pool).await.unwrap();
    (cluster, pool)
}

/// Stops the cluster and removes its files, wherever the launcher put them.
pub(crate) fn discard(cluster: Cluster) {
    cluster.stop().unwrap();
    fs::remove_dir_all(cluster.dir()).unwrap();
}

/// Stops every cluster of `data_dir` even when an assertion fails half-way, so that a failing
/// test leaves no server behind.
pub(crate) struct StopOnDrop(pub(crate) PathBuf);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let cluster_dir = fs::canonicalize(self.0.join("postgres")).unwrap_or_default();
        if cluster_dir.join("postmaster.pid").exists() {
            let _ = std::process::Command::new("pkill")
                .args(["-f", "--"])
                .arg(format!("-D {}", cluster_dir.display()))
                .status();
        }
    }
}

async fn connect(cluster: &Cluster) -> PgConnection {
    PgConnection::connect(&cluster.url("postgres"))
        .await
        .unwrap()
}

#[tokio::test]
async fn first_start_restart_and_a_second_process_share_one_cluster() {
    let data = data_dir();
    let _guard = StopOnDrop(data.path().to_owned());
    let first = start(data.path());
    assert!(first.started_here());
    let mut connection = connect(&first).await;
    sqlx::query("CREATE TABLE kept (value text)")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query("INSERT INTO kept VALUES ('ā č ē ģ ī ķ ļ ņ š ū ž')")
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();

    let second = start(data.path());
    assert!(
        !second.started_here(),
        "a second process joins the running cluster"
    );
    assert_eq!(second.dir(), first.dir());
    second.stop().unwrap();
    assert!(
        first.accepts_connections(),
        "only the process that started it stops it"
    );

    first.stop().unwrap();
    assert!(!first.accepts_connections());

    let restarted = start(data.path());
    assert!(restarted.started_here());
    let mut connection = connect(&restarted).await;
    let value: String = sqlx::query_scalar("SELECT value FROM kept")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(value, "ā č ē ģ ī ķ ļ ņ š ū ž");
    connection.close().await.unwrap();
    discard(restarted);
}

#[tokio::test]
async fn a_stale_pid_file_left_by_a_crash_does_not_block_start() {
    let data = data_dir();
    let _guard = StopOnDrop(data.path().to_owned());
    let cluster = start(data.path());
    cluster.stop().unwrap();
    // After a crash the pid in the file often belongs to another, living process by the next
    // start: here, this test's own.
    let pid_file = cluster.dir().join("postmaster.pid");
    fs::write(
        &pid_file,
        format!("{}\n{}\n", std::process::id(), cluster.dir().display()),
    )
    .unwrap();

    let restarted = start(data.path());
    assert!(restarted.started_here());
    let mut connection = connect(&restarted).await;
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(one, 1);
    connection.close().await.unwrap();
    discard(restarted);
}

#[tokio::test]
async fn a_cluster_under_a_root_only_folder_runs_where_its_owner_can_reach_it() {
    let data = data_dir();
    let _guard = StopOnDrop(data.path().to_owned());
    let cluster = start(data.path());
    let owner = fs::metadata(cluster.dir()).unwrap().uid();
    if nix::unistd::geteuid().is_root() {
        let postgres = nix::unistd::User::from_name("postgres").unwrap().unwrap();
        assert_eq!(owner, postgres.uid.as_raw(), "the cluster runs as postgres");
        assert!(
            !cluster.dir().starts_with(data.path()),
            "a folder only root may enter cannot hold postgres's cluster"
        );
        let link = fs::read_link(data.path().join("postgres")).unwrap();
        assert_eq!(
            link,
            cluster.dir(),
            "the data directory points the operator to it"
        );
    } else {
        assert_eq!(owner, nix::unistd::geteuid().as_raw());
        assert!(
            cluster
                .dir()
                .starts_with(data.path().canonicalize().unwrap())
        );
    }
    assert!(cluster.accepts_connections());
    discard(cluster);
}

#[test]
fn missing_binaries_are_reported_with_how_to_install_them() {
    let error = PgBinaries::find_in(OsStr::new(""), Path::new("/nonexistent")).unwrap_err();
    assert!(matches!(error, LauncherError::MissingBinaries));
    let message = error.to_string();
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
}

#[test]
fn binaries_are_found_in_the_newest_installed_version() {
    let root = tempfile::tempdir().unwrap();
    for version in ["9.6", "15", "13"] {
        let bin = root.path().join(version).join("bin");
        fs::create_dir_all(&bin).unwrap();
        fs::write(bin.join("initdb"), "").unwrap();
        fs::write(bin.join("pg_ctl"), "").unwrap();
    }
    let found = PgBinaries::find_in(OsStr::new(""), root.path()).unwrap();
    assert_eq!(found.pg_ctl, root.path().join("15/bin/pg_ctl"));
}

#[tokio::test]
async fn sigterm_stops_the_server_and_its_private_cluster() {
    let data = data_dir();
    let _guard = StopOnDrop(data.path().to_owned());
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_pilnvara"));
    command
        .env_remove("DATABASE_URL")
        .env("PILNVARA_DATA_DIR", data.path());
    let (mut server, address) = serving(command).await;
    let ready = reqwest::get(format!("http://{address}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), reqwest::StatusCode::OK);

    let cluster_dir = fs::canonicalize(data.path().join("postgres")).unwrap();
    let postmaster: i32 = fs::read_to_string(cluster_dir.join("postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let socket = cluster_dir.join(".s.PGSQL.5432");
    assert!(std::os::unix::net::UnixStream::connect(&socket).is_ok());

    assert!(terminate(&mut server).await, "a clean exit");

    assert!(
        std::os::unix::net::UnixStream::connect(&socket).is_err(),
        "the cluster no longer accepts connections"
    );
    assert!(!socket.exists() && !cluster_dir.join("postmaster.pid").exists());
    // Exited; a container's init may leave it a zombie for a while, which no longer runs.
    let state = fs::read_to_string(format!("/proc/{postmaster}/stat")).unwrap_or_default();
    assert!(
        state.is_empty()
            || state
                .rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z')),
        "the postmaster has exited: {state}"
    );
    assert!(
        reqwest::get(format!("http://{address}/readyz"))
            .await
            .is_err(),
        "nothing listens on the address any more"
    );
    // A root-run cluster lives outside the temporary folder.
    fs::remove_dir_all(&cluster_dir).unwrap();
}

/// `pilnvara ARGS` on the private cluster of `data_dir` (no `DATABASE_URL`).
fn private(data_dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pilnvara"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("PILNVARA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("running pilnvara")
}

#[tokio::test]
async fn a_backup_of_the_private_cluster_restores_to_its_moment_and_the_trail_verifies() {
    let data = tempfile::tempdir().unwrap();
    let backup = data.path().join("pilnvara.tar");
    let said = |output: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    };
    let add_later = [
        "user",
        "add",
        "--username",
        "later",
        "--full-name",
        "Vēlāk Pievienots",
        "--role",
        "employee",
        "--centre",
        "DEMO",
    ];

    let demo = private(data.path(), &["demo"]);
    let backed_up = private(data.path(), &["backup", backup.to_str().unwrap()]);
    let after_backup = private(data.path(), &add_later);
    let restored = private(data.path(), &["restore", backup.to_str().unwrap()]);
    let verified = private(data.path(), &["audit", "verify"]);
    let again = private(data.path(), &add_later);

    assert!(demo.status.success(), "{}", said(&demo));
    assert!(backed_up.status.success(), "{}", said(&backed_up));
    assert_eq!(
        fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
        0o600,
        "the backup holds personal data: the operator's alone"
    );
    assert!(after_backup.status.success(), "{}", said(&after_backup));
    assert!(restored.status.success(), "{}", said(&restored));
    assert!(said(&restored).contains("kept in"), "{}", said(&restored));
    assert!(verified.status.success(), "{}", said(&verified));
    assert!(
        again.status.success(),
        "the account added after the backup is not in the restored cluster: {}",
        said(&again)
    );
}
