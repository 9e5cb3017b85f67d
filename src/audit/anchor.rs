//! Anchors: signed statements of every chain's head, kept outside the database.
//!
//! The chains prove that no event inside them was changed, removed or reordered, but someone
//! with write access to the database could cut a chain's tail and rewind its head row. An
//! anchor, written daily under `$PILNVARA_DATA_DIR/anchors/` and signed with the Ed25519 key in
//! `keys/anchor.key`, records each head (chain, sequence, hash, time); verification then
//! requires every anchored event to still be in its chain with the same hash.
//!
//! The file is JSON: `{"statement": {...}, "public_key": hex, "signature": hex}`. The signature
//! is over the statement's canonical bytes: the statement as compact JSON (no white space),
//! keys in the order `format, created_at, heads` and, per head, `chain, sequence, hash,
//! occurred_at`; heads sorted by chain; times RFC 3339 UTC with microseconds; hashes lower-case
//! hex. Any JSON library that keeps key order (Python: `json.dumps(s, separators=(",", ":"),
//! ensure_ascii=False)`) reproduces the bytes.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer as _, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::keys::{Keys, parse_public_key};

/// The statement format this code writes and reads.
pub const FORMAT: &str = "pilnvara-anchor-v1";

/// Heads read per query.
const PAGE: i64 = 1000;

/// One chain's head as the anchor states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchoredHead {
    pub chain: String,
    pub sequence: i64,
    /// SHA-256 of the head event, lower-case hex.
    pub hash: String,
    /// When the head event happened (RFC 3339, UTC, microseconds).
    pub occurred_at: String,
}

/// What is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub format: String,
    pub created_at: String,
    pub heads: Vec<AnchoredHead>,
}

impl Statement {
    /// The bytes the signature covers.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a statement serialises")
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct AnchorFile {
    statement: Statement,
    public_key: String,
    signature: String,
}

/// An anchor whose signature has been checked.
#[derive(Debug, Clone)]
pub struct Anchor {
    name: String,
    statement: Statement,
}

impl Anchor {
    /// The file name, which names the anchor in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn created_at(&self) -> &str {
        &self.statement.created_at
    }

    pub fn heads(&self) -> &[AnchoredHead] {
        &self.statement.heads
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("reading the chain heads: {0}")]
    Database(#[from] sqlx::Error),
    #[error("chain {0}: its head names an event that is not there; run `pilnvara audit verify`")]
    HeadWithoutEvent(String),
    #[error("{0}: not a {FORMAT} anchor file")]
    Format(String),
    #[error("{0}: the signature does not match the statement, or was made with another key")]
    BadSignature(String),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> AnchorError + '_ {
    move |source| AnchorError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Where anchors are kept.
pub fn directory(data_dir: &Path) -> PathBuf {
    data_dir.join("anchors")
}

/// Writes an anchor of every chain head as of `now` into `dir`; returns its path and how many
/// heads it holds.
pub async fn write(
    pool: &sqlx::PgPool,
    keys: &Keys,
    now: DateTime<Utc>,
    dir: &Path,
) -> Result<(PathBuf, usize), AnchorError> {
    let statement = Statement {
        format: FORMAT.to_owned(),
        created_at: now.to_rfc3339_opts(SecondsFormat::Micros, true),
        heads: current_heads(pool).await?,
    };
    let signature = keys.anchor_signing_key().sign(&statement.canonical_bytes());
    let file = AnchorFile {
        public_key: hex::encode(keys.anchor_public_key().as_bytes()),
        signature: hex::encode(signature.to_bytes()),
        statement,
    };
    let count = file.statement.heads.len();
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let name = format!("anchor-{}.json", now.format("%Y%m%dT%H%M%S%.6fZ"));
    let path = dir.join(&name);
    let partial = dir.join(format!(".{name}.partial"));
    let mut bytes = serde_json::to_vec_pretty(&file).expect("an anchor serialises");
    bytes.push(b'\n');
    let written = (|| {
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)?;
        out.write_all(&bytes)?;
        out.sync_all()?;
        fs::rename(&partial, &path)
    })();
    written.map_err(io_error(&path))?;
    Ok((path, count))
}

/// Every head with a sequence above 0, by chain, read in pages inside one snapshot.
async fn current_heads(pool: &sqlx::PgPool) -> Result<Vec<AnchoredHead>, AnchorError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let mut heads = Vec::new();
    let mut after = String::new();
    loop {
        let page = sqlx::query!(
            r#"SELECT h.chain, h.sequence, h.hash,
                      e.occurred_at AS "occurred_at?: DateTime<Utc>",
                      e.hash AS "event_hash?"
               FROM audit_chain_heads h
               LEFT JOIN audit_events e ON e.chain = h.chain AND e.sequence = h.sequence
               WHERE h.chain > $1 AND h.sequence > 0
               ORDER BY h.chain LIMIT $2"#,
            after,
            PAGE,
        )
        .fetch_all(&mut *tx)
        .await?;
        let full = page.len() as i64 == PAGE;
        for row in page {
            let Some(occurred_at) = row
                .occurred_at
                .filter(|_| row.event_hash == Some(row.hash.clone()))
            else {
                return Err(AnchorError::HeadWithoutEvent(row.chain));
            };
            after.clone_from(&row.chain);
            heads.push(AnchoredHead {
                chain: row.chain,
                sequence: row.sequence,
                hash: hex::encode(&row.hash),
                occurred_at: occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            });
        }
        if !full {
            break;
        }
    }
    tx.commit().await?;
    // Postgres orders by its collation; the statement is sorted by bytes, whatever the server.
    heads.sort_by(|a, b| a.chain.cmp(&b.chain));
    Ok(heads)
}

/// The newest anchor in `dir` (names sort by their UTC timestamp), if any.
pub fn latest(dir: &Path) -> Result<Option<PathBuf>, AnchorError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(dir)(error)),
    };
    let mut newest: Option<PathBuf> = None;
    for entry in entries {
        let path = entry.map_err(io_error(dir))?.path();
        let is_anchor = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("anchor-") && name.ends_with(".json"));
        if is_anchor && newest.as_ref().is_none_or(|best| path > *best) {
            newest = Some(path);
        }
    }
    Ok(newest)
}

/// Reads the anchor at `path` and checks its signature with `key` (the trusted public key, not
/// the one the file carries).
pub fn read(path: &Path, key: &VerifyingKey) -> Result<Anchor, AnchorError> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = fs::read(path).map_err(io_error(path))?;
    let file: AnchorFile =
        serde_json::from_slice(&bytes).map_err(|_| AnchorError::Format(name.clone()))?;
    if file.statement.format != FORMAT {
        return Err(AnchorError::Format(name));
    }
    let signature = hex::decode(&file.signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or_else(|| AnchorError::BadSignature(name.clone()))?;
    let carried = parse_public_key(&file.public_key);
    if carried != Some(*key) {
        return Err(AnchorError::BadSignature(name));
    }
    key.verify(&file.statement.canonical_bytes(), &signature)
        .map_err(|_| AnchorError::BadSignature(name.clone()))?;
    Ok(Anchor {
        name,
        statement: file.statement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement() -> Statement {
        Statement {
            format: FORMAT.into(),
            created_at: "2026-03-01T09:00:00.000000Z".into(),
            heads: vec![AnchoredHead {
                chain: "case:1".into(),
                sequence: 3,
                hash: "ab".repeat(32),
                occurred_at: "2026-03-01T08:59:00.000000Z".into(),
            }],
        }
    }

    #[test]
    fn canonical_bytes_are_compact_json_in_a_fixed_order() {
        assert_eq!(
            String::from_utf8(statement().canonical_bytes()).unwrap(),
            format!(
                r#"{{"format":"pilnvara-anchor-v1","created_at":"2026-03-01T09:00:00.000000Z","heads":[{{"chain":"case:1","sequence":3,"hash":"{}","occurred_at":"2026-03-01T08:59:00.000000Z"}}]}}"#,
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn a_changed_statement_or_another_key_fails() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::ephemeral();
        let signature = keys
            .anchor_signing_key()
            .sign(&statement().canonical_bytes());
        let mut file = AnchorFile {
            statement: statement(),
            public_key: hex::encode(keys.anchor_public_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        };
        let path = dir.path().join("anchor-1.json");
        fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();
        let anchor = read(&path, &keys.anchor_public_key()).unwrap();
        assert_eq!(anchor.heads().len(), 1);
        assert!(matches!(
            read(&path, &Keys::ephemeral().anchor_public_key()),
            Err(AnchorError::BadSignature(_))
        ));

        file.statement.heads[0].sequence = 2;
        fs::write(&path, serde_json::to_vec_pretty(&file).unwrap()).unwrap();
        assert!(matches!(
            read(&path, &keys.anchor_public_key()),
            Err(AnchorError::BadSignature(_))
        ));
    }

    #[test]
    fn the_latest_anchor_is_the_newest_name() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(latest(dir.path()).unwrap(), None);
        for name in [
            "anchor-20260301T090000.000000Z.json",
            "anchor-20260302T090000.000000Z.json",
            ".anchor-20260303T090000.000000Z.json.partial",
            "notes.txt",
        ] {
            fs::write(dir.path().join(name), "{}").unwrap();
        }
        assert_eq!(
            latest(dir.path()).unwrap().unwrap(),
            dir.path().join("anchor-20260302T090000.000000Z.json")
        );
    }
}
