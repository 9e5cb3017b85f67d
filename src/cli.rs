//! The command line: `pilnvara serve` (the default) and the operator's commands. Scripts rely
//! on the exact forms below; each exits non-zero with a clear message on bad input.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::audit::anchor::{self, Anchor};
use crate::audit::{self, Chain, mend, verify};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::{self, Database};
use crate::domain::ids::CaseId;
use crate::domain::staff::{CentreKind, Role};
use crate::keys::{self, Keys};
use crate::passwords::{Hasher, Secret};
use crate::service::Actor;
use crate::service::accounts::{self, AccountAction, CentreInput, UserInput};
use crate::service::{erasure, jobs};
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
    /// Check and anchor the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Erase personal data past their retention date.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Check the figures' roll-up against a recount of the cases, or rebuild it.
    #[command(subcommand)]
    Figures(FiguresCommand),
    /// Export a case's evidence bundle, or check one offline.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Write a consistent base backup of the private cluster to FILE (a tar holding the WAL it
    /// needs); the server may keep running.
    Backup { file: PathBuf },
    /// Replace the private cluster with the backup in FILE, keeping the cluster as it was beside
    /// it; the server must be stopped. `audit verify` afterwards checks what was restored.
    Restore { file: PathBuf },
    /// Fill a fresh database with a demo employee, a supervisor and cases in every state
    /// (refuses, changing nothing, once the database holds any case or other staff).
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Write case ID's evidence bundle (JSON): its events with inclusion proofs to a fresh signed
    /// checkpoint, its stored record and its authorisation PDF.
    Export {
        #[arg(long = "case")]
        case_id: CaseId,
        /// Withhold the personal data, the salt and the PDF (for a third party).
        #[arg(long)]
        redacted: bool,
        /// Where to write it (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a bundle offline, with no database, against the log's public key you trust.
    Verify {
        file: PathBuf,
        /// The log's public key: `anchor.pub` (64 hex digits) as `audit public-key` shows it.
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every chain (or one case's) and the latest anchor; exits non-zero naming the first
    /// bad event.
    Verify {
        /// Check only this case's chain.
        #[arg(long = "case")]
        case_id: Option<CaseId>,
        /// The anchor to check against (default: the newest in $PILNVARA_DATA_DIR/anchors).
        #[arg(long)]
        anchor: Option<PathBuf>,
        /// The trusted public key (default: $PILNVARA_DATA_DIR/keys/anchor.pub).
        #[arg(long)]
        public_key: Option<PathBuf>,
        /// A checkpoint kept outside the database (the auditor's copy) to check the log against.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// A witness's verifier key: check its cosignature on the newest checkpoint.
        #[arg(long)]
        witness_key: Option<String>,
    },
    /// Write a signed statement of every chain head to $PILNVARA_DATA_DIR/anchors (superseded
    /// by checkpoints: kept for installations that anchored before).
    Anchor,
    /// Take the events of every ended transaction into the transparency log and sign a
    /// checkpoint of it (the server does this hourly); written to the database and to
    /// $PILNVARA_DATA_DIR/checkpoints.
    Checkpoint,
    /// Print the log's public key (signed-note verifier key) and its fingerprint.
    PublicKey,
    /// Make a witness key pair: the private key goes to FILE (mode 0600), the verifier key is
    /// printed for whoever checks the witness's cosignatures.
    WitnessKey {
        #[arg(long)]
        name: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a witness's signature to the newest checkpoint, after checking the log's own.
    Cosign {
        /// The witness's private key file (as `audit witness-key` wrote it).
        #[arg(long)]
        key: PathBuf,
    },
    /// Move on every chain head that a crash left behind its chain's last event (only where
    /// the events after it check out), recording each in the `system` chain; the server also
    /// does this at start.
    Mend,
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Erase the client's personal data from every case past its retention date.
    Run,
}

#[derive(Debug, Subcommand)]
pub enum FiguresCommand {
    /// Recount the figures from the cases and compare; exits non-zero when they differ.
    Check,
    /// Replace the roll-up with a recount of the cases (they are held still meanwhile), then
    /// check it.
    Rebuild,
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

/// What an account's link to a person is for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LinkArg {
    Eid,
    SignIn,
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
    /// Link an account to the person a provider identifies, for the qualified eID of 22.¹2
    /// (`--for eid`) or for sign-in (`--for sign-in`) through one provider (`--provider`):
    /// reads the personal code or the provider's subject from standard input; only its keyed
    /// hash is kept.
    LinkPerson {
        #[arg(long)]
        username: String,
        #[arg(long = "for", value_enum)]
        purpose: LinkArg,
        /// With `--for sign-in`: the key of the sign-in provider (`PILNVARA_OIDC_PROVIDERS`);
        /// `default` is the one of `PILNVARA_OIDC_ISSUER`.
        #[arg(long, default_value = crate::config::DEFAULT_SIGN_IN_KEY)]
        provider: String,
        /// Remove the link instead.
        #[arg(long)]
        unlink: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddUser {
    #[arg(long)]
    username: String,
    #[arg(long)]
    full_name: String,
    /// One or more, comma-separated (at a small centre, `employee,supervisor`).
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    role: Vec<RoleArg>,
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
    // Checking a bundle needs no database: an auditor runs it anywhere.
    if let Command::Evidence(EvidenceCommand::Verify { file, key }) = &command {
        return verify_bundle(file, key);
    }
    // Restoring replaces a cluster that must not be running.
    if let Command::Restore { file } = &command {
        anyhow::ensure!(
            config.database_url.is_none(),
            "restore is for the private cluster; restore a server of your own with its own tools \
             (docs/operations.md)"
        );
        let (data_dir, file) = (config.data_dir.clone(), file.clone());
        let kept =
            tokio::task::spawn_blocking(move || db::launcher::Cluster::restore(&data_dir, &file))
                .await??;
        println!(
            "restored; the cluster as it was is kept in {} (remove it once the restore is checked)",
            kept.display()
        );
        return Ok(());
    }
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
                contact: Default::default(),
            };
            accounts::add_centre(pool, &clock, Actor::Operator, &input).await?;
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
                roles: add
                    .role
                    .iter()
                    .map(|role| match role {
                        RoleArg::Employee => Role::Employee,
                        RoleArg::Supervisor => Role::Supervisor,
                        RoleArg::Admin => Role::Admin,
                    })
                    .collect(),
                centre_code: add.centre,
                supervises: add.supervises,
            };
            let created =
                accounts::add_user(pool, &hasher, &clock, Actor::Operator, &input, password)
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
                accounts::reset_password(pool, &hasher, &clock, Actor::Operator, &username).await?;
            println!(
                "new one-time password for {} (shown once, must be changed at first sign-in): {}",
                username.trim().to_lowercase(),
                password.expose()
            );
            Ok(())
        }
        Command::User(UserCommand::Disable { username }) => {
            accounts::act_on_username(
                pool,
                &clock,
                Actor::Operator,
                &username,
                AccountAction::Disable,
            )
            .await?;
            println!("user {} disabled", username.trim().to_lowercase());
            Ok(())
        }
        Command::User(UserCommand::LinkPerson {
            username,
            purpose,
            provider,
            unlink,
        }) => {
            let link = match purpose {
                LinkArg::Eid => crate::domain::staff::PersonLink::Eid,
                LinkArg::SignIn => {
                    let key = config.sign_in_link_key(&provider).with_context(|| {
                        format!(
                            "--provider {provider}: no sign-in provider has this key \
                             (PILNVARA_OIDC_PROVIDERS lists them)"
                        )
                    })?;
                    crate::domain::staff::PersonLink::SignIn(key)
                }
            };
            let keys = load_keys(&config.data_dir)?;
            let mut person = String::new();
            if !unlink {
                std::io::stdin()
                    .read_line(&mut person)
                    .context("reading the person's identifier from standard input")?;
            }
            let person = (!unlink).then_some(person.trim());
            let what = match &link {
                crate::domain::staff::PersonLink::SignIn(key) => format!("{}, {key}", link.code()),
                crate::domain::staff::PersonLink::Eid => link.code().to_owned(),
            };
            accounts::link_person_of(
                pool,
                &keys,
                &clock,
                Actor::Operator,
                &username,
                link,
                person,
            )
            .await?;
            let username = username.trim().to_lowercase();
            if unlink {
                println!("user {username} unlinked from their person ({what})");
            } else {
                println!("user {username} linked to a person ({what})");
            }
            Ok(())
        }
        Command::User(UserCommand::Unlock { username }) => {
            accounts::act_on_username(
                pool,
                &clock,
                Actor::Operator,
                &username,
                AccountAction::Unlock,
            )
            .await?;
            println!("user {} unlocked", username.trim().to_lowercase());
            Ok(())
        }
        Command::Audit(AuditCommand::Verify {
            case_id,
            anchor,
            public_key,
            checkpoint,
            witness_key,
        }) => {
            let log_key = trusted_key(&config.data_dir, public_key.as_deref())?;
            let anchor = trusted_anchor(&config.data_dir, anchor, public_key)?;
            let started = std::time::Instant::now();
            let check = match case_id {
                Some(id) => {
                    verify::verify_chain(pool, &Chain::Case(id).key(), anchor.as_ref()).await?
                }
                None => verify::verify_all(pool, anchor.as_ref()).await?,
            };
            if let Some(failure) = check.failure {
                anyhow::bail!("audit trail broken: {failure}");
            }
            if let Some(failure) = &check.data.failure {
                anyhow::bail!("stored data differ from their commitments: {failure}");
            }
            let against = match &anchor {
                Some(anchor) => format!(
                    "; {} anchored heads of {} still hold",
                    check.anchored,
                    anchor.name()
                ),
                None => "; no anchor to check against".to_owned(),
            };
            println!(
                "{} chains, {} events verified{against}",
                check.chains, check.events
            );
            let data = &check.data;
            println!(
                "{} cases' stored data match their commitments ({} step records, {} documents, \
                 {} prints, {} reviews); {} erased by retention",
                data.cases,
                data.rows.steps,
                data.rows.documents,
                data.rows.prints,
                data.rows.reviews,
                data.erased
            );
            if data.uncovered > 0 {
                println!(
                    "{} cases were opened before stored data were committed: only their chains \
                     are checked",
                    data.uncovered
                );
            }
            if let Some((sequence, at)) = data.erasure {
                println!(
                    "personal data erased by retention on {} (event {sequence}); every \
                     non-personal field checked",
                    crate::domain::today_in_riga(at)
                );
            }
            if case_id.is_none() {
                let external = checkpoint
                    .map(|path| {
                        std::fs::read_to_string(&path)
                            .with_context(|| format!("reading {}", path.display()))
                    })
                    .transpose()?;
                let mut snapshot = verify::snapshot(pool).await?;
                let log = audit::log::verify(
                    &mut snapshot,
                    log_key.as_ref(),
                    external.as_deref(),
                    witness_key.as_deref(),
                )
                .await?;
                snapshot.commit().await?;
                if let Some(problem) = log.failure {
                    anyhow::bail!("transparency log broken: {problem}");
                }
                println!(
                    "transparency log: {} leaves, {} checkpoints consistent",
                    log.leaves, log.checkpoints
                );
                if let Some((size, witnesses)) = &log.latest {
                    println!(
                        "newest checkpoint: {size} leaves, cosigned by {}",
                        if witnesses.is_empty() {
                            "no witness".to_owned()
                        } else {
                            witnesses.join(", ")
                        }
                    );
                }
                if witness_key.is_some() {
                    if log.cosigned == 0 {
                        anyhow::bail!(
                            "the witness key given has not cosigned the newest checkpoint"
                        );
                    }
                    println!("the witness's cosignature on the newest checkpoint holds");
                }
                if let Some(size) = log.external {
                    println!("the checkpoint given ({size} leaves) holds: the log only grew since");
                }
            }
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "checked in {seconds:.2} s ({:.0} events/s)",
                check.events as f64 / seconds.max(1e-6)
            );
            if let Some(first) = check.lagging.first() {
                println!(
                    "{} chain heads lag behind their last event (first: {first}): a write cut off \
                     by a crash before its head moved on, not a change to the trail; \
                     `pilnvara audit mend` moves them on",
                    check.lagging.len()
                );
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Mend) => {
            let mended = mend::mend_lagging_heads(pool, clock.now()).await?;
            for head in &mended {
                println!(
                    "chain {}: head moved on from event {} to {}",
                    head.chain, head.from_sequence, head.to_sequence
                );
            }
            println!("{} chain heads mended", mended.len());
            Ok(())
        }
        Command::Audit(AuditCommand::Anchor) => {
            let keys = load_keys(&config.data_dir)?;
            let (path, heads) = anchor::write(
                pool,
                &keys,
                clock.now(),
                &anchor::directory(&config.data_dir),
            )
            .await?;
            println!("anchor {} written ({heads} chain heads)", path.display());
            Ok(())
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            let keys = load_keys(&config.data_dir)?;
            let written = audit::log::checkpoint(
                pool,
                &keys,
                clock.now(),
                &audit::log::directory(&config.data_dir),
            )
            .await?;
            println!(
                "checkpoint of {} leaves written to {}",
                written.size,
                written.path.display()
            );
            Ok(())
        }
        Command::Audit(AuditCommand::PublicKey) => {
            let keys = load_keys(&config.data_dir)?;
            let key = keys.anchor_public_key();
            println!("{}", audit::log::verifier_key(&key));
            println!("fingerprint (SHA-256): {}", audit::log::fingerprint(&key));
            Ok(())
        }
        Command::Audit(AuditCommand::WitnessKey { name, out }) => {
            let (private, public) = audit::log::witness_key(&name)?;
            write_private(&out, &private)?;
            println!("{public}");
            Ok(())
        }
        Command::Audit(AuditCommand::Cosign { key }) => {
            let keys = load_keys(&config.data_dir)?;
            let witness = std::fs::read_to_string(&key)
                .with_context(|| format!("reading {}", key.display()))?;
            let (size, name) =
                audit::log::cosign(pool, &keys.anchor_public_key(), &witness, clock.now()).await?;
            println!("checkpoint of {size} leaves cosigned by {name}");
            Ok(())
        }
        Command::Evidence(EvidenceCommand::Export {
            case_id,
            redacted,
            out,
        }) => {
            let keys = load_keys(&config.data_dir)?;
            let bundle = crate::service::evidence::export(
                pool,
                &keys,
                clock.now(),
                &config.data_dir,
                case_id,
                redacted,
            )
            .await?;
            let json = serde_json::to_string_pretty(&bundle)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, json)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!(
                        "evidence of case {case_id} ({} events) written to {}",
                        bundle.events.len(),
                        path.display()
                    );
                }
                None => println!("{json}"),
            }
            Ok(())
        }
        Command::Evidence(EvidenceCommand::Verify { file, key }) => verify_bundle(&file, &key),
        Command::Demo => {
            db::migrate(pool).await?;
            if let Some(password) = accounts::bootstrap(pool, &hasher, &clock).await? {
                println!(
                    "admin\t{}\t(administrator; one-time, change it at first sign-in)",
                    password.expose()
                );
            }
            let keys = load_keys(&config.data_dir)?;
            let filled = crate::service::demo::fill(pool, &hasher, &clock, &keys).await?;
            for (username, role, password) in &filled.accounts {
                println!("{username}\t{}\t({})", password.expose(), role.code());
            }
            let cases: Vec<String> = filled.cases.iter().map(ToString::to_string).collect();
            println!("demo cases: {}", cases.join(", "));
            Ok(())
        }
        Command::Backup { file } => {
            let cluster = database.cluster().context(
                "backup is for the private cluster; back up a server of your own with its own \
                 tools (docs/operations.md)",
            )?;
            let size = cluster.backup(&file)?;
            println!("backup written to {} ({size} bytes)", file.display());
            Ok(())
        }
        Command::Restore { .. } => anyhow::bail!("restore runs before the database is opened"),
        Command::Figures(command) => {
            if let FiguresCommand::Rebuild = command {
                crate::store::figures::rebuild(pool).await?;
            }
            let [months, stops, awaiting, messages] =
                crate::store::figures::differences(pool).await?;
            if months + stops + awaiting + messages > 0 {
                anyhow::bail!(
                    "the figures differ from a recount of the cases and messages: {months} month \
                     rows, {stops} stop rows, {awaiting} awaiting rows, {messages} message rows \
                     (`pilnvara figures rebuild` replaces them)"
                );
            }
            println!("the figures equal a recount of the cases and messages");
            Ok(())
        }
        Command::Retention(RetentionCommand::Run) => {
            let run = erasure::run(pool, &clock).await?;
            println!("personal data erased from {} cases", run.erased.len());
            Ok(())
        }
    }
}

fn load_keys(data_dir: &Path) -> anyhow::Result<Keys> {
    Keys::load_or_create(data_dir).with_context(|| {
        format!(
            "reading the server keys in {}",
            data_dir.join("keys").display()
        )
    })
}

/// The trusted public key: the one given, or `keys/anchor.pub` if the data directory has one.
fn trusted_key(
    data_dir: &Path,
    given: Option<&Path>,
) -> anyhow::Result<Option<ed25519_dalek::VerifyingKey>> {
    let path = match given {
        Some(path) => path.to_owned(),
        None => {
            let path = data_dir.join("keys/anchor.pub");
            if !path.exists() {
                return Ok(None);
            }
            path
        }
    };
    let key = keys::read_public_key(&path)
        .with_context(|| format!("reading the public key {}", path.display()))?;
    Ok(Some(key))
}

/// Checks an evidence bundle offline and says what it proved.
fn verify_bundle(file: &Path, key: &Path) -> anyhow::Result<()> {
    let key = keys::read_public_key(key)
        .with_context(|| format!("reading the public key {}", key.display()))?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let check = audit::bundle::verify(&text, &key)
        .map_err(|problem| anyhow::anyhow!("evidence bundle does not hold: {problem}"))?;
    println!(
        "{} events recompute and link, each proven in the checkpoint of {} leaves signed by the trusted key",
        check.events, check.checkpoint_size
    );
    if !check.witnesses.is_empty() {
        println!("also signed by: {}", check.witnesses.join(", "));
    }
    println!(
        "{} parts of the stored record match their commitments{}",
        check.parts,
        if check.redacted {
            " (redacted: non-personal fields only)"
        } else {
            ""
        }
    );
    if check.pdf_checked {
        println!("the authorisation PDF is the one printed (SHA-256)");
    }
    if let Some(sequence) = check.erased_by {
        println!("personal data erased by retention (event {sequence})");
    }
    Ok(())
}

/// Writes a private key file readable by its owner only; refuses to overwrite one.
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writeln!(file, "{text}")?;
    Ok(())
}

/// The anchor to verify against, its signature checked with the trusted key: the one given, or
/// the newest in the data directory (none yet is not an error).
fn trusted_anchor(
    data_dir: &Path,
    anchor: Option<PathBuf>,
    public_key: Option<PathBuf>,
) -> anyhow::Result<Option<Anchor>> {
    let path = match anchor {
        Some(path) => path,
        None => match anchor::latest(&anchor::directory(data_dir))? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let key_path = public_key.unwrap_or_else(|| data_dir.join("keys/anchor.pub"));
    let key = keys::read_public_key(&key_path)
        .with_context(|| format!("reading the anchor public key {}", key_path.display()))?;
    Ok(Some(anchor::read(&path, &key)?))
}

async fn serve(database: &Database, config: Config) -> anyhow::Result<()> {
    db::migrate(&database.pool).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    for head in mend::mend_lagging_heads(&database.pool, clock.now()).await? {
        tracing::warn!(
            chain = %head.chain,
            from = head.from_sequence,
            to = head.to_sequence,
            "audit chain head left behind by a crash moved on (recorded in the system chain)"
        );
    }
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
    let keys = Arc::new(load_keys(&config.data_dir)?);
    let metrics = match config.metrics_bind {
        None => None,
        Some(bind) => {
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("PILNVARA_METRICS_BIND: cannot listen on {bind}"))?;
            let pool = database.pool.clone();
            Some(tokio::spawn(crate::metrics::serve(listener, pool)))
        }
    };
    let (stop_jobs, stopping) = tokio::sync::watch::channel(false);
    let periodic = tokio::spawn(periodic_jobs(
        database.pool.clone(),
        clock.clone(),
        keys.clone(),
        config.data_dir.clone(),
        stopping,
    ));
    // The outbox's worker: delivers the messages to clients (22.¹6, 22.¹7) while the server
    // runs; stopped with the periodic jobs, after the message in hand.
    let relays = Arc::new(crate::service::outbox::Relays::new(&config.messaging)?);
    let outbox = tokio::spawn(
        crate::service::outbox::Worker::new(
            database.pool.clone(),
            clock.clone(),
            relays,
            crate::service::outbox::POLL,
        )
        .run(stop_jobs.subscribe()),
    );
    let replica = match &config.database_replica_url {
        Some(url) => Some(
            db::connect_lazy(url.expose(), config.db_pool_size)
                .context("DATABASE_REPLICA_URL: not a usable URL")?,
        ),
        None => None,
    };
    let providers = crate::oidc::Providers::from_config(&config)?;
    let state = AppState {
        db: database.pool.clone(),
        replica,
        providers,
        config: Arc::new(config),
        clock,
        hasher,
        keys,
        figures: Default::default(),
    };
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        tracing::warn!(
            "MIMALLOC_PURGE_DELAY is not set: the memory of each sign-in's password hash stays \
             resident; set it to 0 (docs/operations.md, \"Memory\")"
        );
    }
    tracing::info!(%address, "Pilnvara is serving");
    println!("Pilnvara: http://{address}/  (Ctrl-C stops the server and its database)");
    web::serve(listener, web::app(state), shutdown_signal()).await?;
    // A job under way finishes (its transaction and its recorded outcome) before the pool
    // closes; one that takes longer than that is cancelled, and its transaction rolled back.
    let _ = stop_jobs.send(true);
    for mut task in [periodic, outbox] {
        if tokio::time::timeout(JOB_STOP_WAIT, &mut task)
            .await
            .is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    tracing::info!("stopped serving");
    Ok(())
}

/// At start and then every minute: the periodic jobs that are due and this instance claims
/// (see `service::jobs`: each runs once a period across every instance on the database).
/// Until `stopping` turns true; a tick under way is finished first.
async fn periodic_jobs(
    pool: sqlx::PgPool,
    clock: Arc<dyn Clock>,
    keys: Arc<Keys>,
    data_dir: PathBuf,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut interval = tokio::time::interval(jobs::TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
        jobs::run_due(&pool, clock.as_ref(), &keys, &data_dir).await;
    }
}

/// How long a stopping server waits for a periodic job under way.
const JOB_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

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
