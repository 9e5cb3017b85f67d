//! The audit trail: the one function through which every audited change and view is written.
//!
//! Events form hash chains: one per case, one per centre for events without a case, and one
//! `system` chain for events that belong to no centre (a sign-in attempt for an unknown
//! account). Each event holds the hash of the one before it, and its own hash covers a
//! length-prefixed encoding of every field, so a changed, removed or reordered event breaks the
//! chain. Writers on different chains do not block each other: only the chain's head row is
//! locked. The details must never hold raw personal data (ids and keyed hashes instead), so that
//! erasing personal data later leaves every chain verifiable.
//!
//! [`verify`] checks the chains; [`anchor`] writes and reads signed statements of their heads.

pub mod anchor;
pub mod verify;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

/// The hash before the first event of a chain.
pub const GENESIS: [u8; 32] = [0; 32];

/// Which chain an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    Case(i64),
    Centre(i64),
    System,
}

impl Chain {
    pub fn key(self) -> String {
        match self {
            Chain::Case(id) => format!("case:{id}"),
            Chain::Centre(id) => format!("centre:{id}"),
            Chain::System => "system".to_owned(),
        }
    }
}

/// One thing that happened, as the caller describes it.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub chain: Chain,
    pub centre_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// A random tag of the session the actor acted from (never the session id itself).
    pub session_tag: Option<&'a str>,
    /// What happened, as a stable kebab-case code (`sign-in`, `step-recorded`, …).
    pub action: &'a str,
    /// Ids, codes and keyed hashes; never names, personal codes or contacts.
    pub details: Value,
}

/// Appends `event` to its chain at time `at`, inside the caller's transaction.
pub async fn record(
    connection: &mut PgConnection,
    at: DateTime<Utc>,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    let chain = event.chain.key();
    let case_id = match event.chain {
        Chain::Case(id) => Some(id),
        _ => None,
    };
    sqlx::query!(
        "INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, $2)
         ON CONFLICT (chain) DO NOTHING",
        chain,
        &GENESIS[..],
    )
    .execute(&mut *connection)
    .await?;
    let head = sqlx::query!(
        "SELECT sequence, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE",
        chain
    )
    .fetch_one(&mut *connection)
    .await?;
    let sequence = head.sequence + 1;
    let hash = event_hash(&HashInput {
        chain: &chain,
        sequence,
        occurred_at: at,
        actor_id: event.actor_id,
        action: event.action,
        details: &event.details,
        prev_hash: &head.hash,
    });
    sqlx::query!(
        "INSERT INTO audit_events
             (chain, sequence, occurred_at, centre_id, case_id, actor_id, session_tag, action,
              details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        chain,
        sequence,
        at as _,
        event.centre_id,
        case_id,
        event.actor_id,
        event.session_tag,
        event.action,
        event.details,
        &head.hash,
        &hash[..],
    )
    .execute(&mut *connection)
    .await?;
    sqlx::query!(
        "UPDATE audit_chain_heads SET sequence = $2, hash = $3 WHERE chain = $1",
        chain,
        sequence,
        &hash[..],
    )
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The fields an event's hash covers.
#[derive(Debug)]
pub struct HashInput<'a> {
    pub chain: &'a str,
    pub sequence: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub details: &'a Value,
    pub prev_hash: &'a [u8],
}

/// SHA-256 over each field, each preceded by its length, so that no two different events
/// encode to the same bytes. The details are encoded as JSON with sorted keys, which is how
/// `serde_json` writes a `Value` read back from `jsonb`.
pub fn event_hash(input: &HashInput<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let actor = input.actor_id.map(|id| id.to_string()).unwrap_or_default();
    let details = input.details.to_string();
    let fields: [&[u8]; 7] = [
        input.chain.as_bytes(),
        &input.sequence.to_be_bytes(),
        &input.occurred_at.timestamp_micros().to_be_bytes(),
        actor.as_bytes(),
        input.action.as_bytes(),
        details.as_bytes(),
        input.prev_hash,
    ];
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field);
    }
    hasher.finalize().into()
}
