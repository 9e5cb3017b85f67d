//! The private PostgreSQL cluster that Pilnvara runs when no `DATABASE_URL` is given.
//!
//! The cluster listens only on a Unix socket (no TCP port, so it never collides with another
//! server on the machine) and is reached only by its owner: `unix_socket_permissions = 0700`.
//! `initdb` refuses to run as root, so when Pilnvara runs as root the cluster runs as the
//! `postgres` system user, in a directory that user can reach. This module only starts and stops
//! processes and prepares directories; it knows nothing of the schema.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

/// The database role that owns the private cluster, whatever the operating-system user is.
pub const SUPERUSER: &str = "pilnvara";

/// Where a root-run cluster lives when the data directory is not reachable by `postgres`.
const RELOCATED_ROOT: &str = "/var/lib/pilnvara/clusters";

/// Unix socket paths are limited to about 107 bytes; leave room for `/.s.PGSQL.5432`.
const MAX_SOCKET_DIR_LEN: usize = 80;

#[derive(Debug, thiserror::Error)]
pub enum LauncherError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in \
         /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: `apt-get install postgresql`) \
         or set DATABASE_URL to use an existing PostgreSQL server."
    )]
    MissingBinaries,
    #[error(
        "running as root, the private PostgreSQL cluster must run as the `postgres` system user, \
         which does not exist. Install PostgreSQL (`apt-get install postgresql`) or set DATABASE_URL."
    )]
    NoPostgresUser,
    #[error("{what} failed: {detail}")]
    Command { what: &'static str, detail: String },
    #[error("preparing the cluster directory {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> LauncherError + '_ {
    move |source| LauncherError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The two PostgreSQL programs the launcher needs.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    pub initdb: PathBuf,
    pub pg_ctl: PathBuf,
    /// For `pilnvara backup`.
    pub pg_basebackup: PathBuf,
}

impl PgBinaries {
    /// Finds `initdb` and `pg_ctl` on `PATH`, else in the newest `/usr/lib/postgresql/*/bin`.
    pub fn find() -> Result<Self, LauncherError> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        Self::find_in(&path, Path::new("/usr/lib/postgresql"))
    }

    /// [`PgBinaries::find`] with the search places given, so that the search can be tested.
    pub fn find_in(path_var: &OsStr, versions_root: &Path) -> Result<Self, LauncherError> {
        let on_path = std::env::split_paths(path_var).find(|dir| Self::complete(dir));
        let dir = on_path
            .or_else(|| newest_version_bin(versions_root))
            .ok_or(LauncherError::MissingBinaries)?;
        // Beside them, else in the installed version's folder, else wherever PATH finds it.
        let pg_basebackup = [Some(dir.clone()), newest_version_bin(versions_root)]
            .into_iter()
            .flatten()
            .map(|dir| dir.join("pg_basebackup"))
            .find(|program| program.is_file())
            .unwrap_or_else(|| PathBuf::from("pg_basebackup"));
        Ok(Self {
            initdb: dir.join("initdb"),
            pg_ctl: dir.join("pg_ctl"),
            pg_basebackup,
        })
    }

    fn complete(dir: &Path) -> bool {
        dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
    }
}

fn newest_version_bin(root: &Path) -> Option<PathBuf> {
    let mut versions: Vec<(Vec<u32>, PathBuf)> = fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u32>, _>>()
                .ok()?;
            let bin = entry.path().join("bin");
            PgBinaries::complete(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// The operating-system account that runs the cluster's processes when we are root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// How the cluster should be set up on first start.
#[derive(Debug, Clone, Copy)]
pub enum Durability {
    /// The PostgreSQL defaults: every commit reaches the disk.
    Full,
    /// No fsync: for test clusters only, whose data is thrown away.
    Throwaway,
}

/// A private cluster: where it is, who runs it, and whether this process started it.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    socket_dir: PathBuf,
    binaries: PgBinaries,
    run_as: Option<RunAs>,
    started_here: bool,
}

impl Cluster {
    /// Starts the cluster of `data_dir` (initialising it on first use), or attaches to it when
    /// another process already runs it.
    pub fn start(data_dir: &Path, durability: Durability) -> Result<Self, LauncherError> {
        let mut cluster = Self::locate(data_dir)?;
        if cluster.accepts_connections() {
            tracing::info!(dir = %cluster.dir.display(), "using the private PostgreSQL cluster that is already running");
            return Ok(cluster);
        }
        if !cluster.dir.join("PG_VERSION").exists() {
            cluster.initdb(durability)?;
        }
        cluster.remove_stale_lock_files()?;
        cluster.run(
            "pg_ctl start",
            cluster
                .pg_ctl()
                .arg("start")
                .arg("--wait")
                .args(["--timeout", "120"])
                .arg("--log")
                .arg(cluster.dir.join("server.log"))
                .arg("-o")
                .arg(format!(
                    "-c listen_addresses='' -c unix_socket_directories='{}' -c unix_socket_permissions=0700",
                    cluster.socket_dir.display()
                )),
        )?;
        cluster.started_here = true;
        tracing::info!(dir = %cluster.dir.display(), "started the private PostgreSQL cluster");
        Ok(cluster)
    }

    /// The cluster of `data_dir`, its folders made, not started.
    fn locate(data_dir: &Path) -> Result<Self, LauncherError> {
        let binaries = PgBinaries::find()?;
        let run_as = if nix::unistd::geteuid().is_root() {
            let user = nix::unistd::User::from_name("postgres")
                .ok()
                .flatten()
                .ok_or(LauncherError::NoPostgresUser)?;
            Some(RunAs {
                uid: user.uid.as_raw(),
                gid: user.gid.as_raw(),
            })
        } else {
            None
        };
        fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
        let data_dir = data_dir.canonicalize().map_err(io_error(data_dir))?;
        let dir = cluster_dir(&data_dir, run_as)?;
        let socket_dir = socket_dir(&dir);
        let cluster = Self {
            dir,
            socket_dir,
            binaries,
            run_as,
            started_here: false,
        };
        cluster.prepare_dir(&cluster.dir.clone())?;
        cluster.prepare_dir(&cluster.socket_dir.clone())?;
        Ok(cluster)
    }

    /// Writes a consistent base backup of the running cluster to `file` (a tar with the WAL it
    /// needs, `pg_basebackup --wal-method=fetch`), readable by the operator alone; its size.
    pub fn backup(&self, file: &Path) -> Result<u64, LauncherError> {
        let out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)
            .map_err(io_error(file))?;
        let backup = self.run(
            "pg_basebackup",
            self.as_owner(&mut Command::new(&self.binaries.pg_basebackup))
                .args([
                    "--pgdata=-",
                    "--format=tar",
                    "--wal-method=fetch",
                    "--checkpoint=fast",
                ])
                .arg("--host")
                .arg(&self.socket_dir)
                .args(["--username", SUPERUSER, "--no-password"])
                .stdout(out),
        );
        if let Err(error) = backup {
            let _ = fs::remove_file(file);
            return Err(error);
        }
        Ok(fs::metadata(file).map_err(io_error(file))?.len())
    }

    /// A streaming standby of this running cluster in `data_dir`, started: a read-only replica
    /// that follows every commit (`pg_basebackup --write-recovery-conf` on first use, over the
    /// Unix socket; later starts just start it). For a replica on the same machine, and tests.
    pub fn start_standby(&self, data_dir: &Path) -> Result<Cluster, LauncherError> {
        let standby = Self::locate(data_dir)?;
        if !standby.dir.join("PG_VERSION").exists() {
            self.run(
                "pg_basebackup (a standby)",
                self.as_owner(&mut Command::new(&self.binaries.pg_basebackup))
                    .arg("--pgdata")
                    .arg(&standby.dir)
                    .args([
                        "--wal-method=stream",
                        "--checkpoint=fast",
                        "--write-recovery-conf",
                    ])
                    .arg("--host")
                    .arg(&self.socket_dir)
                    .args(["--username", SUPERUSER, "--no-password"]),
            )?;
        }
        Cluster::start(data_dir, Durability::Full)
    }

    /// Replaces the (stopped) cluster of `data_dir` with the base backup in `file`; the cluster
    /// as it was is kept beside it, renamed, and its path returned. PostgreSQL recovers from
    /// the backup's WAL at the next start.
    pub fn restore(data_dir: &Path, file: &Path) -> Result<PathBuf, LauncherError> {
        let cluster = Self::locate(data_dir)?;
        if cluster.accepts_connections() {
            return Err(LauncherError::Command {
                what: "restore",
                detail: "the cluster is running: stop the server first".to_owned(),
            });
        }
        let backup = fs::File::open(file).map_err(io_error(file))?;
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let mut kept = cluster.dir.clone().into_os_string();
        kept.push(format!(".before-restore-{seconds}"));
        let kept = PathBuf::from(kept);
        fs::rename(&cluster.dir, &kept).map_err(io_error(&cluster.dir))?;
        cluster.prepare_dir(&cluster.dir)?;
        cluster.run_fed(
            "tar (restoring the backup)",
            cluster
                .as_owner(&mut Command::new("tar"))
                .args(["--extract", "--file=-", "--directory"])
                .arg(&cluster.dir)
                .stdin(backup),
        )?;
        Ok(kept)
    }

    /// The URL of `database` in this cluster, over its Unix socket.
    pub fn url(&self, database: &str) -> String {
        self.url_as(database, SUPERUSER)
    }

    /// The URL of `database` for `role` (local connections are trusted: the socket directory is
    /// the cluster owner's alone).
    pub fn url_as(&self, database: &str, role: &str) -> String {
        format!(
            "postgres://{role}@localhost/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// Where the cluster's files are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this process started the cluster (and so should stop it).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Whether a server answers on the cluster's socket.
    pub fn accepts_connections(&self) -> bool {
        UnixStream::connect(self.socket_dir.join(".s.PGSQL.5432")).is_ok()
    }

    /// Stops the cluster if this process started it; a cluster another process runs stays up.
    pub fn stop(&self) -> Result<(), LauncherError> {
        if !self.started_here {
            return Ok(());
        }
        self.run(
            "pg_ctl stop",
            self.pg_ctl().args(["stop", "--wait", "--mode", "fast"]),
        )?;
        tracing::info!("stopped the private PostgreSQL cluster");
        Ok(())
    }

    /// Stops the cluster when this process ends, however it ends: a watcher process waits for
    /// end-of-file on a pipe that only this process holds open. Test runs use this, as the test
    /// harness has no hook that runs after the last test.
    pub fn stop_when_process_exits(
        &self,
    ) -> Result<Option<std::process::ChildStdin>, LauncherError> {
        if !self.started_here {
            return Ok(None);
        }
        let mut watcher = Command::new("sh");
        watcher
            .args(["-c", r#"read _ignored; exec "$0" "$@""#])
            .arg(&self.binaries.pg_ctl)
            .arg("--pgdata")
            .arg(&self.dir)
            .args(["stop", "--mode", "fast", "--silent"])
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        self.as_owner(&mut watcher);
        let child = watcher.spawn().map_err(|e| LauncherError::Command {
            what: "starting the cluster watcher",
            detail: e.to_string(),
        })?;
        Ok(child.stdin)
    }

    fn initdb(&self, durability: Durability) -> Result<(), LauncherError> {
        tracing::info!(dir = %self.dir.display(), "initialising a new private PostgreSQL cluster");
        self.run(
            "initdb",
            self.as_owner(&mut Command::new(&self.binaries.initdb))
                .arg("--pgdata")
                .arg(&self.dir)
                .args(["--username", SUPERUSER, "--encoding", "UTF8", "--no-locale"])
                .args(["--auth-local", "trust", "--auth-host", "reject"]),
        )?;
        let mut settings =
            String::from("\n# Added by Pilnvara's launcher.\nmax_connections = 200\n");
        if let Durability::Throwaway = durability {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = self.dir.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .and_then(|mut file| file.write_all(settings.as_bytes()))
            .map_err(io_error(&conf))
    }

    /// A crash can leave `postmaster.pid` (and the socket's lock file) behind, naming a process id
    /// that now belongs to another program; PostgreSQL would then refuse to start. No server
    /// answers on the socket, so the files are stale.
    fn remove_stale_lock_files(&self) -> Result<(), LauncherError> {
        let pid_file = self.dir.join("postmaster.pid");
        if postmaster_alive(&pid_file) {
            // A postmaster still starting up or shutting down: let `pg_ctl` report it.
            return Ok(());
        }
        for stale in [
            self.dir.join("postmaster.pid"),
            self.socket_dir.join(".s.PGSQL.5432.lock"),
            self.socket_dir.join(".s.PGSQL.5432"),
        ] {
            if stale.exists() {
                tracing::warn!(file = %stale.display(), "removing a stale PostgreSQL lock file");
                fs::remove_file(&stale).map_err(io_error(&stale))?;
            }
        }
        Ok(())
    }

    fn pg_ctl(&self) -> Command {
        let mut command = Command::new(&self.binaries.pg_ctl);
        command.arg("--pgdata").arg(&self.dir);
        self.as_owner(&mut command);
        command
    }

    fn as_owner<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command.current_dir(&self.dir);
        if let Some(owner) = self.run_as {
            command.uid(owner.uid).gid(owner.gid).env_remove("HOME");
        }
        command
    }

    fn run(&self, what: &'static str, command: &mut Command) -> Result<(), LauncherError> {
        self.run_fed(what, command.stdin(Stdio::null()))
    }

    /// As [`Cluster::run`], with the standard input the caller gave `command`.
    fn run_fed(&self, what: &'static str, command: &mut Command) -> Result<(), LauncherError> {
        let output = command.output().map_err(|e| LauncherError::Command {
            what,
            detail: e.to_string(),
        })?;
        if output.status.success() {
            Ok(())
        } else {
            let log = fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            let log_tail: Vec<&str> = log.lines().rev().take(5).collect();
            Err(LauncherError::Command {
                what,
                detail: format!(
                    "{}{}\n{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr),
                    log_tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ),
            })
        }
    }

    /// Creates `dir` (mode 0700) owned by whoever runs the cluster.
    fn prepare_dir(&self, dir: &Path) -> Result<(), LauncherError> {
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_error(dir))?;
        if let Some(owner) = self.run_as {
            std::os::unix::fs::chown(dir, Some(owner.uid), Some(owner.gid))
                .map_err(io_error(dir))?;
        }
        Ok(())
    }
}

/// `$data_dir/postgres`, unless a root-run cluster's owner cannot reach it: a clone under a
/// folder only root may enter. Then the cluster lives under [`RELOCATED_ROOT`], named by a hash of
/// the data directory, and `$data_dir/postgres` is a symbolic link to it so the operator finds it.
fn cluster_dir(data_dir: &Path, run_as: Option<RunAs>) -> Result<PathBuf, LauncherError> {
    let wanted = data_dir.join("postgres");
    let Some(owner) = run_as else {
        return Ok(wanted);
    };
    if let Ok(target) = fs::read_link(&wanted) {
        return Ok(target);
    }
    if reachable_by(data_dir, owner) {
        return Ok(wanted);
    }
    let relocated = Path::new(RELOCATED_ROOT).join(short_hash(data_dir));
    fs::create_dir_all(RELOCATED_ROOT).map_err(io_error(Path::new(RELOCATED_ROOT)))?;
    fs::set_permissions(RELOCATED_ROOT, fs::Permissions::from_mode(0o755))
        .map_err(io_error(Path::new(RELOCATED_ROOT)))?;
    if !wanted.exists() {
        std::os::unix::fs::symlink(&relocated, &wanted).map_err(io_error(&wanted))?;
    }
    tracing::info!(
        dir = %relocated.display(),
        "the data directory is not reachable by the postgres user; the cluster lives elsewhere"
    );
    Ok(relocated)
}

/// Whether `owner` may enter `dir` and every folder above it.
fn reachable_by(dir: &Path, owner: RunAs) -> bool {
    dir.ancestors().all(|folder| {
        fs::metadata(folder).is_ok_and(|meta| {
            let mode = meta.mode();
            if meta.uid() == owner.uid {
                mode & 0o100 != 0
            } else if meta.gid() == owner.gid {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            }
        })
    })
}

fn socket_dir(cluster_dir: &Path) -> PathBuf {
    if cluster_dir.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        cluster_dir.to_owned()
    } else {
        std::env::temp_dir().join(format!("pilnvara-{}", short_hash(cluster_dir)))
    }
}

fn short_hash(path: &Path) -> String {
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether the process named in `postmaster.pid` is a PostgreSQL server that still runs.
fn postmaster_alive(pid_file: &Path) -> bool {
    let Ok(contents) = fs::read_to_string(pid_file) else {
        return false;
    };
    let Some(pid) = contents.lines().next().map(str::trim) else {
        return false;
    };
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|name| name.starts_with("postgres") || name.starts_with("postmaster"))
}
