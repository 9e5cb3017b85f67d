//! The evidence bundle of one case: a JSON file an auditor can check offline, with no database
//! reachable, against the log's public key they trust. It holds the case's chain of events, each
//! with its place in the transparency log and the inclusion proof to a signed checkpoint, the
//! stored record of the case as its events committed it, and the authorisation PDF. A redacted
//! bundle withholds the personal data, the salt and the PDF, and still proves every non-personal
//! field. The format is documented in `docs/evidence.md`.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use tlog_tiles::Hash;

use super::commitment::{self, CaseRecord, Commitments, Part, Stored};
use super::log::{self, LogError};
use super::verify::{Problem, StoredEvent, Walker};

/// The format this code writes and reads.
pub const FORMAT: &str = "pilnvara-evidence-v1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub case_id: i64,
    /// Personal data, the salt and the PDF withheld.
    pub redacted: bool,
    pub exported_at: String,
    pub log: LogPart,
    pub events: Vec<BundleEvent>,
    pub record: RecordPart,
    /// The authorisation as printed, base64 (`None` when withheld, erased or never printed).
    pub authorisation_pdf: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogPart {
    /// The log's signed-note verifier key (its name, key id and key).
    pub verifier_key: String,
    /// The signed checkpoint the proofs lead to, with any witnesses' signatures.
    pub checkpoint: String,
}

/// An event with every column, as its hash covers it, and its place in the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BundleEvent {
    pub id: i64,
    pub chain: String,
    pub sequence: i64,
    /// Microseconds since 1970 (what the hash covers), and the same time readable.
    pub occurred_at_micros: i64,
    pub occurred_at: String,
    pub centre_id: Option<i64>,
    pub case_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub session_tag: Option<String>,
    pub action: String,
    pub details: Value,
    pub prev_hash: String,
    pub hash: String,
    pub hash_version: i16,
    pub leaf_index: u64,
    /// The hashes from the leaf to the checkpoint's root (RFC 6962 audit path), hex.
    pub inclusion_proof: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordPart {
    /// The case's salt, hex (`None` when withheld or erased).
    pub salt: Option<String>,
    pub parts: Vec<BundlePart>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BundlePart {
    pub part: String,
    pub table: String,
    pub row: i64,
    pub public: Value,
    /// `None`: no personal data (or withheld, in a redacted bundle).
    pub personal: Option<Value>,
}

/// What a bundle could not be made from.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("case {0} has no events")]
    NoCase(i64),
    #[error("an event of the case is not in the log yet")]
    NotLogged,
}

/// Reads case `case_id`'s bundle from the database, after a checkpoint `note` of `size` leaves
/// that takes in all its events (the caller writes one first). `pdf` is the authorisation as
/// printed, rebuilt by the caller.
pub async fn export(
    connection: &mut PgConnection,
    case_id: i64,
    redacted: bool,
    (note, size): (&str, u64),
    log_key: &VerifyingKey,
    pdf: Option<Vec<u8>>,
    now: DateTime<Utc>,
) -> Result<Bundle, ExportError> {
    let chain = format!("case:{case_id}");
    let rows = sqlx::query!(
        r#"SELECT e.id, e.chain, e.sequence, e.occurred_at AS "occurred_at: DateTime<Utc>",
                  e.centre_id, e.case_id, e.actor_id, e.session_tag, e.action, e.details,
                  e.prev_hash, e.hash, e.hash_version, l.leaf_index AS "leaf_index?"
           FROM audit_events e LEFT JOIN audit_log_leaves l ON l.event_id = e.id
           WHERE e.chain = $1 ORDER BY e.sequence"#,
        chain,
    )
    .fetch_all(&mut *connection)
    .await?;
    if rows.is_empty() {
        return Err(ExportError::NoCase(case_id));
    }
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let leaf_index = row
            .leaf_index
            .map(|index| index as u64)
            .filter(|&index| index < size)
            .ok_or(ExportError::NotLogged)?;
        let proof = log::prove_inclusion(connection, size, leaf_index).await?;
        events.push(BundleEvent {
            id: row.id,
            chain: row.chain,
            sequence: row.sequence,
            occurred_at_micros: row.occurred_at.timestamp_micros(),
            occurred_at: row.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            centre_id: row.centre_id,
            case_id: row.case_id,
            actor_id: row.actor_id,
            session_tag: row.session_tag,
            action: row.action,
            details: row.details,
            prev_hash: hex::encode(&row.prev_hash),
            hash: hex::encode(&row.hash),
            hash_version: row.hash_version,
            leaf_index,
            inclusion_proof: proof.iter().map(|hash| hex::encode(hash.0)).collect(),
        });
    }
    let record = commitment::load(connection, &[case_id]).await?.pop();
    let record = RecordPart {
        salt: record
            .as_ref()
            .and_then(|r| r.salt.as_deref())
            .filter(|_| !redacted)
            .map(hex::encode),
        parts: record
            .map(|r| r.parts)
            .unwrap_or_default()
            .into_iter()
            .map(|stored| BundlePart {
                part: stored.part.name(),
                table: stored.table.to_owned(),
                row: stored.row,
                public: stored.public,
                personal: stored.personal.filter(|_| !redacted),
            })
            .collect(),
    };
    use base64::Engine as _;
    Ok(Bundle {
        format: FORMAT.to_owned(),
        case_id,
        redacted,
        exported_at: now.to_rfc3339_opts(SecondsFormat::Micros, true),
        log: LogPart {
            verifier_key: log::verifier_key(log_key),
            checkpoint: note.to_owned(),
        },
        events,
        record,
        authorisation_pdf: pdf
            .filter(|_| !redacted)
            .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes)),
    })
}

/// What an offline check of a bundle found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleProblem {
    Format,
    /// The checkpoint is not signed by the trusted key.
    Checkpoint,
    /// Event `sequence`'s hash does not match its fields.
    EventHash {
        sequence: i64,
    },
    /// Event `sequence` does not follow the one before (missing, reordered or not linked).
    Chain {
        sequence: i64,
    },
    /// Event `sequence`'s inclusion proof does not lead to the checkpoint's root.
    Inclusion {
        sequence: i64,
    },
    /// A part of the record differs from what the events committed.
    Record(String),
    /// The PDF is not the one whose hash the document's record holds.
    Pdf,
}

impl fmt::Display for BundleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format => f.write_str("the file is not a readable evidence bundle"),
            Self::Checkpoint => {
                f.write_str("its checkpoint is not signed by the trusted key (or not this log's)")
            }
            Self::EventHash { sequence } => {
                write!(f, "event {sequence}'s hash does not match its fields")
            }
            Self::Chain { sequence } => write!(
                f,
                "event {sequence} does not follow the one before it (missing, reordered or unlinked)"
            ),
            Self::Inclusion { sequence } => write!(
                f,
                "event {sequence}'s inclusion proof does not lead to the checkpoint's root"
            ),
            Self::Record(what) => write!(f, "the stored record: {what}"),
            Self::Pdf => f.write_str(
                "the authorisation PDF is not the one whose SHA-256 the document's record holds",
            ),
        }
    }
}

/// What an offline check of a bundle showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleCheck {
    pub events: u64,
    /// The checkpoint's size, and the names of its other signers (witnesses, unchecked).
    pub checkpoint_size: u64,
    pub witnesses: Vec<String>,
    pub parts: u64,
    pub pdf_checked: bool,
    /// The erasure event's sequence, if the case's personal data were erased.
    pub erased_by: Option<i64>,
    pub redacted: bool,
}

/// Checks a bundle offline against the log key the auditor trusts.
pub fn verify(text: &str, key: &VerifyingKey) -> Result<BundleCheck, BundleProblem> {
    let bundle: Bundle = serde_json::from_str(text).map_err(|_| BundleProblem::Format)?;
    if bundle.format != FORMAT {
        return Err(BundleProblem::Format);
    }
    let opened = log::open(&bundle.log.checkpoint, key).ok_or(BundleProblem::Checkpoint)?;
    let root = Hash(opened.root);
    let chain = format!("case:{}", bundle.case_id);
    // The chain is checked as `audit verify` checks a stored one: from sequence 1, each hash
    // recomputed under its rule, each linked to the one before, no older rule after a newer.
    let mut walker = Walker::new(&chain, None);
    let mut commitments = Commitments::default();
    for event in &bundle.events {
        let sequence = event.sequence;
        let hex32 = |text: &str| hex::decode(text).map_err(|_| BundleProblem::Format);
        let hash = hex32(&event.hash)?;
        let occurred_at = DateTime::from_timestamp_micros(event.occurred_at_micros)
            .ok_or(BundleProblem::Format)?;
        if event.chain != chain {
            return Err(BundleProblem::Chain { sequence });
        }
        let stored = StoredEvent {
            id: event.id,
            chain: event.chain.clone(),
            sequence,
            occurred_at,
            centre_id: event.centre_id,
            case_id: event.case_id,
            actor_id: event.actor_id,
            session_tag: event.session_tag.clone(),
            action: event.action.clone(),
            details: event.details.clone(),
            prev_hash: hex32(&event.prev_hash)?,
            hash: hash.clone(),
            hash_version: event.hash_version,
        };
        walker
            .step(&stored)
            .map_err(|failure| match failure.problem {
                Problem::HashMismatch => BundleProblem::EventHash { sequence },
                _ => BundleProblem::Chain { sequence },
            })?;
        let proof = event
            .inclusion_proof
            .iter()
            .map(|h| {
                Ok(Hash(
                    hex32(h)?.try_into().map_err(|_| BundleProblem::Format)?,
                ))
            })
            .collect::<Result<Vec<_>, BundleProblem>>()?;
        if !log::check_inclusion(&proof, opened.size, root, event.leaf_index, &hash) {
            return Err(BundleProblem::Inclusion { sequence });
        }
        commitments.add(sequence, occurred_at, &event.action, &event.details);
    }
    let salt = match &bundle.record.salt {
        Some(salt) => Some(hex::decode(salt).map_err(|_| BundleProblem::Format)?),
        None => None,
    };
    let parts = bundle
        .record
        .parts
        .iter()
        .map(|part| {
            let parsed = Part::parse(&part.part).ok_or(BundleProblem::Format)?;
            Ok(Stored {
                table: parsed.table(),
                part: parsed,
                row: part.row,
                public: part.public.clone(),
                personal: part.personal.clone(),
            })
        })
        .collect::<Result<Vec<_>, BundleProblem>>()?;
    let record = CaseRecord {
        case_id: bundle.case_id,
        salt,
        parts,
    };
    if commitment::covered(&commitments) {
        commitment::check_parts(&record, &commitments, !bundle.redacted)
            .map_err(|failure| BundleProblem::Record(failure.to_string()))?;
    }
    let mut pdf_checked = false;
    if let Some(pdf) = &bundle.authorisation_pdf {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(pdf)
            .map_err(|_| BundleProblem::Format)?;
        let recorded = record
            .parts
            .iter()
            .find(|part| part.part == Part::Document)
            .and_then(|part| part.public.get("sha256"))
            .and_then(Value::as_str);
        if recorded != Some(hex::encode(Sha256::digest(&bytes)).as_str()) {
            return Err(BundleProblem::Pdf);
        }
        pdf_checked = true;
    }
    Ok(BundleCheck {
        events: bundle.events.len() as u64,
        checkpoint_size: opened.size,
        witnesses: opened.others,
        parts: record.parts.len() as u64,
        pdf_checked,
        erased_by: commitments.erasure.map(|(sequence, _)| sequence),
        redacted: bundle.redacted,
    })
}
