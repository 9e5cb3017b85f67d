//! The transparency log: one append-only Merkle tree over every audit event, of the shape of
//! RFC 6962 / 9162, and signed checkpoints of it in the C2SP `tlog-checkpoint` / `signed-note`
//! formats, so that the evidence of the whole trail is a note of a few hundred bytes at any
//! scale, and an auditor can prove an event's place in it offline.
//!
//! Leaf `n` is an event; its record hash is RFC 6962's `SHA-256(0x00 || event hash)`, and the
//! event hash covers every column of the event (see [`super::event_hash`]). A checkpoint takes in
//! every committed event not yet in the tree, in event id order, looking no further back than the
//! transaction horizon of the checkpoint before (every transaction below it had ended, so all of
//! its events were taken then): an event committed late is never skipped, none is taken twice,
//! and the search stays small. The tree's hashes are stored in the layout of Go's `sumdb/tlog`, which the
//! `tlog_tiles` crate implements, so a root or a proof reads O(log n) rows.
//!
//! The checkpoint is signed with the server's Ed25519 key (`keys/anchor.key`) under the log's
//! name; a witness (the municipality's archive, say) can add its own signature to a checkpoint
//! with `pilnvara audit cosign`. [`verify`] recomputes the tree from the events, checks every
//! checkpoint's signature and root (so a checkpoint rewound or forked is caught), and that every
//! event of an ended transaction is in the tree.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use signed_note::{Note, Signer, StandardVerifier, VerifierList};
use sqlx::{PgConnection, PgPool};
use tlog_tiles::{Checkpoint, Hash, HashReader, node_hash, record_hash, stored_hash_index};

use crate::keys::Keys;

/// Events taken in per query.
const BATCH: i64 = 5000;

/// The algorithm byte of an Ed25519 key in a signed note.
const ED25519: u8 = 1;

/// The log's name (its checkpoints' origin line and signature name): unique per installation
/// because it names the signing key's fingerprint.
pub fn name(key: &VerifyingKey) -> String {
    format!("pilnvara-audit-{}", &fingerprint(key)[..16])
}

/// SHA-256 of the public key, lower-case hex: what an auditor compares by phone or on paper.
pub fn fingerprint(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The signed-note verifier key of the log (`NAME+ID+BASE64`), for auditors and witnesses.
pub fn verifier_key(key: &VerifyingKey) -> String {
    signed_note::new_ed25519_verifier_key(&name(key), key)
}

/// A fresh witness key pair named `name`: the signed-note signer key (`PRIVATE+KEY+…`, to keep
/// secret) and its verifier key (to give to whoever checks the cosignatures).
pub fn witness_key(name: &str) -> Result<(String, String), LogError> {
    use base64::Engine as _;
    if !signed_note::is_key_name_valid(name) {
        return Err(LogError::Note);
    }
    let mut seed = [0_u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut seed);
    let key = SigningKey::from_bytes(&seed);
    let public = [&[ED25519][..], key.verifying_key().as_bytes()].concat();
    let private = [&[ED25519][..], &seed[..]].concat();
    let signer = format!(
        "PRIVATE+KEY+{name}+{:08x}+{}",
        signed_note::key_id(name, &public),
        base64::engine::general_purpose::STANDARD.encode(private)
    );
    Ok((
        signer,
        signed_note::new_ed25519_verifier_key(name, &key.verifying_key()),
    ))
}

/// The server's key as a signed-note signer.
struct LogSigner<'a> {
    name: String,
    id: u32,
    key: &'a SigningKey,
}

impl<'a> LogSigner<'a> {
    fn new(key: &'a SigningKey) -> Self {
        let public = [&[ED25519][..], key.verifying_key().as_bytes()].concat();
        let name = name(&key.verifying_key());
        Self {
            id: signed_note::key_id(&name, &public),
            name,
            key,
        }
    }
}

impl Signer for LogSigner<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        Ok(self.key.sign(msg).to_bytes().to_vec())
    }
}

/// Reads stored hashes from a cache, noting the ones it lacks (behind mutexes only so that a
/// task holding it can move between threads). The tree's functions ask for
/// indexes that depend only on sizes, never on hash values, so a first run notes what to load
/// and a second run, with them loaded, computes the answer.
#[derive(Default)]
struct Hashes {
    known: Mutex<HashMap<u64, Hash>>,
    missing: Mutex<Vec<u64>>,
}

impl HashReader for Hashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let known = self.known.lock().expect("not poisoned");
        Ok(indexes
            .iter()
            .map(|index| {
                known.get(index).copied().unwrap_or_else(|| {
                    self.missing.lock().expect("not poisoned").push(*index);
                    Hash::default()
                })
            })
            .collect())
    }
}

impl Hashes {
    /// Keeps the hashes `new` that appending record `n` stores (they follow one another from
    /// the record's own); returns them as rows.
    fn remember(&self, n: u64, new: Vec<Hash>) -> Vec<(i64, Vec<u8>)> {
        let first = stored_hash_index(0, n);
        let mut known = self.known.lock().expect("not poisoned");
        new.into_iter()
            .enumerate()
            .map(|(offset, hash)| {
                let index = first + offset as u64;
                known.insert(index, hash);
                (index as i64, hash.0.to_vec())
            })
            .collect()
    }

    /// Runs `compute` with every stored hash it reads loaded from the database.
    async fn run<T>(
        &self,
        connection: &mut PgConnection,
        compute: impl Fn(&Self) -> Result<T, tlog_tiles::Error>,
    ) -> Result<T, LogError> {
        let first = compute(self)?;
        let missing = std::mem::take(&mut *self.missing.lock().expect("not poisoned"));
        if missing.is_empty() {
            return Ok(first);
        }
        let indexes: Vec<i64> = missing.iter().map(|&i| i as i64).collect();
        let rows = sqlx::query!(
            "SELECT stored_index, hash FROM audit_log_hashes WHERE stored_index = ANY($1)",
            &indexes,
        )
        .fetch_all(&mut *connection)
        .await?;
        if rows.len() != missing.len() {
            return Err(LogError::HashesMissing);
        }
        for row in rows {
            self.known
                .lock()
                .expect("not poisoned")
                .insert(row.stored_index as u64, to_hash(&row.hash)?);
        }
        let second = compute(self)?;
        if !self.missing.lock().expect("not poisoned").is_empty() {
            return Err(LogError::HashesMissing);
        }
        Ok(second)
    }
}

fn to_hash(bytes: &[u8]) -> Result<Hash, LogError> {
    Ok(Hash(bytes.try_into().map_err(|_| LogError::HashesMissing)?))
}

/// What can go wrong writing or reading the log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("the tree: {0}")]
    Tree(#[from] tlog_tiles::Error),
    #[error("the log's stored hashes are incomplete")]
    HashesMissing,
    #[error("a checkpoint could not be formed or signed")]
    Note,
}

/// A checkpoint as written.
#[derive(Debug, Clone)]
pub struct Written {
    pub size: u64,
    pub root: Hash,
    /// The signed note.
    pub note: String,
    pub path: PathBuf,
}

/// Where checkpoint files are written.
pub fn directory(data_dir: &Path) -> PathBuf {
    data_dir.join("checkpoints")
}

/// Takes the events of every transaction that ended since the last checkpoint into the tree,
/// signs a checkpoint of it and writes it to the database and to `dir`. Checkpointers (of
/// several instances) take turns by an advisory lock.
pub async fn checkpoint(
    pool: &PgPool,
    keys: &Keys,
    now: DateTime<Utc>,
    dir: &Path,
) -> Result<Written, LogError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('pilnvara-audit-log'))")
        .execute(&mut *tx)
        .await?;
    let last =
        sqlx::query!("SELECT size, through_xact FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let (mut size, from_xact) = last.map_or((0, 0), |row| (row.size as u64, row.through_xact));
    // Every transaction below the horizon has ended, so its events are visible now; those of
    // later ones that are visible have committed too. Events already in the tree (taken by the
    // checkpoint before, above its horizon) are skipped.
    let horizon = sqlx::query_scalar!(
        r#"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "horizon!""#
    )
    .fetch_one(&mut *tx)
    .await?;
    let hashes = Hashes::default();
    let mut after = 0_i64;
    loop {
        let events = sqlx::query!(
            "SELECT id, hash FROM audit_events e
             WHERE written_by_xact >= $1 AND id > $2
               AND NOT EXISTS (SELECT 1 FROM audit_log_leaves l
                               WHERE l.event_id = e.id AND l.event_id > $2)
             ORDER BY id LIMIT $3",
            from_xact,
            after,
            BATCH,
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut leaves = Vec::with_capacity(events.len());
        let mut stored: Vec<(i64, Vec<u8>)> = Vec::new();
        for event in &events {
            let leaf = record_hash(&event.hash);
            let new = hashes
                .run(&mut tx, |reader| {
                    tlog_tiles::stored_hashes_for_record_hash(size, leaf, reader)
                })
                .await?;
            stored.extend(hashes.remember(size, new));
            leaves.push((size as i64, event.id));
            size += 1;
        }
        let (indexes, ids): (Vec<i64>, Vec<i64>) = leaves.into_iter().unzip();
        let (stored_indexes, values): (Vec<i64>, Vec<Vec<u8>>) = stored.into_iter().unzip();
        sqlx::query!(
            "WITH leaves AS (
                 INSERT INTO audit_log_leaves (leaf_index, event_id)
                 SELECT * FROM unnest($1::bigint[], $2::bigint[]))
             INSERT INTO audit_log_hashes (stored_index, hash)
             SELECT * FROM unnest($3::bigint[], $4::bytea[])",
            &indexes,
            &ids,
            &stored_indexes,
            &values,
        )
        .execute(&mut *tx)
        .await?;
        // Keep only the hashes a later append can read: the roots of the complete subtrees.
        let keep = frontier_indexes(size);
        hashes
            .known
            .lock()
            .expect("not poisoned")
            .retain(|index, _| keep.contains(index));
        match events.last() {
            Some(last) if events.len() as i64 == BATCH => after = last.id,
            _ => break,
        }
    }
    let root = hashes
        .run(&mut tx, |reader| tlog_tiles::tree_hash(size, reader))
        .await?;
    let note = sign(keys.anchor_signing_key(), size, root)?;
    sqlx::query!(
        "INSERT INTO audit_checkpoints (size, root, note, through_xact, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        size as i64,
        &root.0[..],
        note,
        horizon.max(from_xact),
        now as _,
    )
    .execute(&mut *tx)
    .await?;
    let path = write_file(dir, now, size, &note)?;
    tx.commit().await?;
    Ok(Written {
        size,
        root,
        note,
        path,
    })
}

/// The stored indexes of the roots of the complete subtrees of a tree of `size` leaves: all
/// that appending to it, or taking its root, reads.
fn frontier_indexes(size: u64) -> Vec<u64> {
    (0..64_u8)
        .filter(|&level| (size >> level) & 1 == 1)
        .map(|level| stored_hash_index(level, (size >> level) - 1))
        .collect()
}

/// The signed checkpoint note of a tree of `size` leaves with root `root`.
pub fn sign(key: &SigningKey, size: u64, root: Hash) -> Result<String, LogError> {
    let origin = name(&key.verifying_key());
    let body = Checkpoint::new(&origin, size, root, "")
        .map_err(|_| LogError::Note)?
        .to_bytes();
    let mut note = Note::new(&body, &[]).map_err(|_| LogError::Note)?;
    note.add_sigs(&[&LogSigner::new(key)])
        .map_err(|_| LogError::Note)?;
    String::from_utf8(note.to_bytes()).map_err(|_| LogError::Note)
}

fn write_file(dir: &Path, at: DateTime<Utc>, size: u64, note: &str) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let path = dir.join(format!(
        "checkpoint-{}-{size}.txt",
        at.format("%Y%m%dT%H%M%S%.6fZ")
    ));
    let partial = path.with_extension("partial");
    fs::write(&partial, note)?;
    fs::rename(&partial, &path)?;
    Ok(path)
}

/// A checkpoint note whose log signature checks with `key`: its size and root, and the other
/// signatures on it (the witnesses', unchecked here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub size: u64,
    pub root: [u8; 32],
    pub others: Vec<String>,
}

/// Opens a checkpoint note, checking the log's signature with `key`; `None` if the note is
/// malformed, not this log's, or not signed by `key`.
pub fn open(note: &str, key: &VerifyingKey) -> Option<Opened> {
    let verifier = StandardVerifier::new(&verifier_key(key)).ok()?;
    let parsed = Note::from_bytes(note.as_bytes()).ok()?;
    let (_, others) = parsed
        .verify(&VerifierList::new(vec![Box::new(verifier)]))
        .ok()?;
    let checkpoint = Checkpoint::from_bytes(parsed.text()).ok()?;
    if checkpoint.origin() != name(key) {
        return None;
    }
    Some(Opened {
        size: checkpoint.size(),
        root: checkpoint.hash().0,
        others: others.iter().map(|s| s.name().to_owned()).collect(),
    })
}

/// Whether the witness key `vkey` (a signed-note verifier key) signed `note`.
pub fn cosigned_by(note: &str, vkey: &str) -> bool {
    let (Ok(verifier), Ok(parsed)) = (
        StandardVerifier::new(vkey),
        Note::from_bytes(note.as_bytes()),
    ) else {
        return false;
    };
    parsed
        .verify(&VerifierList::new(vec![Box::new(verifier)]))
        .is_ok()
}

/// Adds the witness's signature (a signed-note signer key, `PRIVATE+KEY+…`) to the newest
/// checkpoint, after checking the log's own signature with `log_key`: its size and the witness's
/// name.
pub async fn cosign(
    pool: &PgPool,
    log_key: &VerifyingKey,
    witness_key: &str,
    now: DateTime<Utc>,
) -> Result<(u64, String), LogError> {
    let signer =
        signed_note::StandardSigner::new(witness_key.trim()).map_err(|_| LogError::Note)?;
    let mut tx = pool.begin().await?;
    let last = sqlx::query!("SELECT id, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(LogError::Note)?;
    let opened = open(&last.note, log_key).ok_or(LogError::Note)?;
    let mut note = Note::from_bytes(last.note.as_bytes()).map_err(|_| LogError::Note)?;
    let before = note.to_bytes();
    note.add_sigs(&[&signer]).map_err(|_| LogError::Note)?;
    let after = String::from_utf8(note.to_bytes()).map_err(|_| LogError::Note)?;
    // The witness's line is the one the note did not have.
    let before = String::from_utf8_lossy(&before).into_owned();
    let line = after
        .lines()
        .find(|line| line.starts_with('—') && !before.lines().any(|old| old == *line))
        .ok_or(LogError::Note)?
        .to_owned();
    let name = signer.name().to_owned();
    sqlx::query!(
        "INSERT INTO audit_checkpoint_cosignatures (checkpoint_id, key_name, signature, added_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (checkpoint_id, key_name) DO NOTHING",
        last.id,
        name,
        line,
        now as _,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((opened.size, name))
}

/// The note of a checkpoint with its cosignature lines added.
pub fn with_cosignatures(note: &str, lines: &[String]) -> String {
    let mut note = note.to_owned();
    for line in lines {
        if !note.lines().any(|existing| existing == line) {
            note.push_str(line);
            note.push('\n');
        }
    }
    note
}

/// The roots of a growing tree, one leaf at a time (a compact range: the roots of its complete
/// subtrees, largest first).
#[derive(Debug, Default, Clone)]
pub struct Frontier {
    size: u64,
    subtrees: Vec<Hash>,
}

impl Frontier {
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.subtrees.pop().expect("one subtree per set bit");
            hash = node_hash(left, hash);
            size >>= 1;
        }
        self.subtrees.push(hash);
        self.size += 1;
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// RFC 6962's tree hash of the leaves so far.
    pub fn root(&self) -> Hash {
        let mut subtrees = self.subtrees.iter().rev();
        let Some(&last) = subtrees.next() else {
            return tlog_tiles::EMPTY_HASH;
        };
        subtrees.fold(last, |right, &left| node_hash(left, right))
    }
}

/// What is wrong with the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogProblem {
    /// Checkpoint `id`'s note is not signed by the log's key, or does not say its size and root.
    BadSignature { id: i64 },
    /// Checkpoint `id` is smaller than the one before it: the log was rewound.
    Rewound { id: i64, size: u64, before: u64 },
    /// Checkpoint `id`'s root is not the root of the log's first `size` leaves: history was
    /// rewritten after it was signed (a fork).
    Forked { id: i64, size: u64 },
    /// A checkpoint counts more leaves than the log holds.
    LeavesMissing { size: u64, leaves: u64 },
    /// Leaf `index` is missing (the next one found is `found`).
    LeafMissing { index: u64 },
    /// An event of a transaction that ended before the last checkpoint is not in the log.
    EventNotLogged { chain: String, sequence: i64 },
    /// There are checkpoints, and no public key to check them with.
    NoKey,
    /// The checkpoint given from outside is not a checkpoint of this log at all.
    ExternalUnreadable,
    /// The checkpoint given from outside does not match the log: it was rewritten since.
    ExternalForked { size: u64 },
}

impl fmt::Display for LogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSignature { id } => write!(
                f,
                "checkpoint {id} is not signed by the log's key or does not match its size and root"
            ),
            Self::Rewound { id, size, before } => write!(
                f,
                "checkpoint {id} has {size} leaves, fewer than the {before} of the one before (the log was rewound)"
            ),
            Self::Forked { id, size } => write!(
                f,
                "checkpoint {id}'s root is not the root of the log's first {size} leaves (history rewritten)"
            ),
            Self::LeavesMissing { size, leaves } => write!(
                f,
                "a checkpoint counts {size} leaves but the log holds {leaves}"
            ),
            Self::LeafMissing { index } => write!(f, "leaf {index} is missing"),
            Self::EventNotLogged { chain, sequence } => write!(
                f,
                "event {sequence} of chain {chain} ended before the last checkpoint and is not in the log"
            ),
            Self::NoKey => f.write_str(
                "there are checkpoints but no public key to check them (give --public-key)",
            ),
            Self::ExternalUnreadable => f.write_str(
                "the checkpoint given is not a checkpoint of this log signed by the trusted key",
            ),
            Self::ExternalForked { size } => write!(
                f,
                "the checkpoint given (size {size}) does not match the log: history was rewritten since"
            ),
        }
    }
}

/// The outcome of checking the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogCheck {
    pub leaves: u64,
    pub checkpoints: u64,
    /// The newest checkpoint's size and its witnesses' names.
    pub latest: Option<(u64, Vec<String>)>,
    /// Cosignatures checked with a given witness key.
    pub cosigned: u64,
    /// The checkpoint given from outside held.
    pub external: Option<u64>,
    pub failure: Option<LogProblem>,
}

/// Recomputes the tree from the events' hashes in leaf order, in pages, and checks each
/// checkpoint against it; then that every event of an ended transaction is in it; then the
/// checkpoint given from outside (`external`, the auditor's copy) and the witnesses'
/// signatures (`witness`, a verifier key) on the newest checkpoint.
pub async fn verify(
    connection: &mut PgConnection,
    key: Option<&VerifyingKey>,
    external: Option<&str>,
    witness: Option<&str>,
) -> Result<LogCheck, sqlx::Error> {
    let mut check = LogCheck::default();
    let checkpoints = sqlx::query!(
        "SELECT id, size, root, note, through_xact FROM audit_checkpoints ORDER BY id"
    )
    .fetch_all(&mut *connection)
    .await?;
    let Some(key) = key else {
        if !checkpoints.is_empty() || external.is_some() {
            check.failure = Some(LogProblem::NoKey);
        }
        return Ok(check);
    };
    let mut expected: Vec<(u64, [u8; 32], i64)> = Vec::new();
    let mut before = 0_u64;
    for row in &checkpoints {
        let size = row.size as u64;
        match open(&row.note, key) {
            Some(opened) if opened.size == size && opened.root[..] == row.root[..] => {}
            _ => {
                check.failure = Some(LogProblem::BadSignature { id: row.id });
                return Ok(check);
            }
        }
        if size < before {
            check.failure = Some(LogProblem::Rewound {
                id: row.id,
                size,
                before,
            });
            return Ok(check);
        }
        before = size;
        let root: [u8; 32] = row.root[..].try_into().unwrap_or_default();
        expected.push((size, root, row.id));
    }
    let external_opened = match external {
        Some(note) => match open(note, key) {
            Some(opened) => Some(opened),
            None => {
                check.failure = Some(LogProblem::ExternalUnreadable);
                return Ok(check);
            }
        },
        None => None,
    };
    if let Some(opened) = &external_opened {
        expected.push((opened.size, opened.root, -1));
    }
    expected.sort_by_key(|&(size, _, _)| size);
    let mut pending = expected.iter().peekable();
    let mut frontier = Frontier::default();
    if let Some(problem) = reached(&frontier, &mut pending) {
        check.failure = Some(problem);
        return Ok(check);
    }
    let mut after = -1_i64;
    loop {
        let page = sqlx::query!(
            "SELECT l.leaf_index, e.hash FROM audit_log_leaves l
             JOIN audit_events e ON e.id = l.event_id
             WHERE l.leaf_index > $1 ORDER BY l.leaf_index LIMIT $2",
            after,
            BATCH,
        )
        .fetch_all(&mut *connection)
        .await?;
        for leaf in &page {
            if leaf.leaf_index as u64 != frontier.size() {
                check.failure = Some(LogProblem::LeafMissing {
                    index: frontier.size(),
                });
                return Ok(check);
            }
            frontier.push(record_hash(&leaf.hash));
            if let Some(problem) = reached(&frontier, &mut pending) {
                check.failure = Some(problem);
                return Ok(check);
            }
        }
        match page.last() {
            Some(last) if page.len() as i64 == BATCH => after = last.leaf_index,
            _ => break,
        }
    }
    check.leaves = frontier.size();
    if let Some(&&(size, _, _)) = pending.peek() {
        check.failure = Some(LogProblem::LeavesMissing {
            size,
            leaves: frontier.size(),
        });
        return Ok(check);
    }
    check.checkpoints = checkpoints.len() as u64;
    if let Some(last) = checkpoints.last() {
        if let Some(missed) = sqlx::query!(
            "SELECT chain, sequence FROM audit_events e
             WHERE written_by_xact < $1
               AND NOT EXISTS (SELECT 1 FROM audit_log_leaves l WHERE l.event_id = e.id)
             ORDER BY id LIMIT 1",
            last.through_xact,
        )
        .fetch_optional(&mut *connection)
        .await?
        {
            check.failure = Some(LogProblem::EventNotLogged {
                chain: missed.chain,
                sequence: missed.sequence,
            });
            return Ok(check);
        }
        let lines = sqlx::query_scalar!(
            "SELECT signature FROM audit_checkpoint_cosignatures WHERE checkpoint_id = $1
             ORDER BY key_name",
            last.id,
        )
        .fetch_all(&mut *connection)
        .await?;
        let note = with_cosignatures(&last.note, &lines);
        let names = open(&note, key).map(|o| o.others).unwrap_or_default();
        if let Some(vkey) = witness {
            check.cosigned = u64::from(cosigned_by(&note, vkey));
        }
        check.latest = Some((last.size as u64, names));
    }
    check.external = external_opened.map(|opened| opened.size);
    Ok(check)
}

/// The checkpoints (size, root, id; id −1 for the one given from outside) the tree has just
/// reached, checked against its root; the first one that does not match.
fn reached(
    frontier: &Frontier,
    pending: &mut std::iter::Peekable<std::slice::Iter<'_, (u64, [u8; 32], i64)>>,
) -> Option<LogProblem> {
    while let Some(&&(size, root, id)) = pending.peek() {
        if size != frontier.size() {
            return None;
        }
        pending.next();
        if frontier.root().0 != root {
            return Some(if id < 0 {
                LogProblem::ExternalForked { size }
            } else {
                LogProblem::Forked { id, size }
            });
        }
    }
    None
}

/// The proof that leaf `index` is in the tree of `size` leaves, from the stored hashes.
pub async fn prove_inclusion(
    connection: &mut PgConnection,
    size: u64,
    index: u64,
) -> Result<Vec<Hash>, LogError> {
    Hashes::default()
        .run(connection, |reader| {
            tlog_tiles::prove_record(size, index, reader)
        })
        .await
}

/// Checks an inclusion proof: leaf `index` with event hash `event_hash` is in the tree of
/// `size` leaves with root `root`.
pub fn check_inclusion(
    proof: &[Hash],
    size: u64,
    root: Hash,
    index: u64,
    event_hash: &[u8],
) -> bool {
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, record_hash(event_hash)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontier_computes_rfc_6962_roots_at_every_size() {
        // Against the stored-hash implementation of the tlog crate, for every size to 40.
        let hashes = Hashes::default();
        let mut frontier = Frontier::default();
        for n in 0..40_u64 {
            let leaf = record_hash(&n.to_be_bytes());
            let new = tlog_tiles::stored_hashes_for_record_hash(n, leaf, &hashes).unwrap();
            assert!(hashes.missing.lock().expect("not poisoned").is_empty());
            hashes.remember(n, new);
            frontier.push(leaf);
            assert_eq!(
                frontier.root(),
                tlog_tiles::tree_hash(n + 1, &hashes).unwrap(),
                "{n}"
            );
        }
    }

    #[test]
    fn a_checkpoint_opens_with_its_key_only() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let note = sign(&key, 12, record_hash(b"x")).unwrap();
        let opened = open(&note, &key.verifying_key()).unwrap();
        assert_eq!((opened.size, opened.root), (12, record_hash(b"x").0));
        assert!(note.starts_with(&name(&key.verifying_key())));
        assert!(note.len() < 400, "{}", note.len());
        let other = SigningKey::from_bytes(&[8; 32]);
        assert_eq!(open(&note, &other.verifying_key()), None);
        let edited = note.replacen("\n12\n", "\n13\n", 1);
        assert_eq!(open(&edited, &key.verifying_key()), None);
    }

    #[test]
    fn an_inclusion_proof_checks_against_the_root() {
        let hashes = Hashes::default();
        let mut frontier = Frontier::default();
        for n in 0..9_u64 {
            let leaf = record_hash(&[n as u8; 32]);
            let new = tlog_tiles::stored_hashes_for_record_hash(n, leaf, &hashes).unwrap();
            hashes.remember(n, new);
            frontier.push(leaf);
        }
        let proof = tlog_tiles::prove_record(9, 4, &hashes).unwrap();
        assert!(check_inclusion(&proof, 9, frontier.root(), 4, &[4; 32]));
        assert!(!check_inclusion(&proof, 9, frontier.root(), 4, &[5; 32]));
        assert!(!check_inclusion(&proof, 9, frontier.root(), 3, &[4; 32]));
    }
}
