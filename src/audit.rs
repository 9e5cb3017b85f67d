//! The audit trail: the one function through which every audited change and view is written.
//!
//! Events form hash chains: one per case, one per centre for events without a case, one
//! `access:` chain per centre for the views of personal data, and one `system` chain for events
//! that belong to no centre (a sign-in attempt for an unknown account). Each event holds the hash
//! of the one before it, and its own hash covers a length-prefixed encoding of every field, so a
//! changed, removed or reordered event breaks the chain. Writers on different chains do not
//! block each other: only the chain's head row is locked. Views go to their centre's access
//! chain, never to the case's, so that a page view never waits on (or races with) a duty being
//! recorded on the same case. The details must never hold raw personal data (ids and keyed
//! hashes instead), so that erasing personal data later leaves every chain verifiable.
//!
//! An event is written only inside a transaction (the type says so), so an event and its
//! chain's head move together or not at all. [`verify`] checks the chains; [`anchor`] writes and
//! reads signed statements of their heads; [`mend`] moves on a head that a crash left behind.

pub mod anchor;
pub mod mend;
pub mod verify;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Transaction};

/// The hash before the first event of a chain.
pub const GENESIS: [u8; 32] = [0; 32];

/// Which chain an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    Case(i64),
    Centre(i64),
    /// The views of personal data at a centre.
    Access(i64),
    System,
}

impl Chain {
    pub fn key(self) -> String {
        match self {
            Chain::Case(id) => format!("case:{id}"),
            Chain::Centre(id) => format!("centre:{id}"),
            Chain::Access(id) => format!("access:{id}"),
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

/// The action of a view of personal data.
pub const PERSONAL_DATA_VIEWED: &str = "personal-data-viewed";

/// A page (or document) that showed case `case_id`'s personal data to `actor_id`.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub centre_id: i64,
    pub case_id: i64,
    pub actor_id: i64,
    /// As in [`Event::session_tag`].
    pub session_tag: Option<&'a str>,
    /// Which page: `case`, `step:identity`, `search`, `authorisation-pdf`, …
    pub page: &'a str,
}

/// Appends `event` to its chain at time `at`, inside the caller's transaction.
pub async fn record(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    event: Event<'_>,
) -> Result<(), sqlx::Error> {
    let case_id = match event.chain {
        Chain::Case(id) => Some(id),
        _ => None,
    };
    append(tx, at, &event, case_id).await
}

/// Appends the view to its centre's access chain, inside the caller's transaction. The event
/// names the case (for the case's timeline and subject access) without joining its chain.
pub async fn record_view(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    view: View<'_>,
) -> Result<(), sqlx::Error> {
    let event = Event {
        chain: Chain::Access(view.centre_id),
        centre_id: Some(view.centre_id),
        actor_id: Some(view.actor_id),
        session_tag: view.session_tag,
        action: PERSONAL_DATA_VIEWED,
        details: serde_json::json!({ "page": view.page }),
    };
    append(tx, at, &event, Some(view.case_id)).await
}

/// Two round trips: lock (or create) the chain's head and read it, then insert the event and
/// move the head in one statement.
async fn append(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    event: &Event<'_>,
    case_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let chain = event.chain.key();
    // `DO UPDATE` (not `DO NOTHING`) so that the head row is locked and returned either way.
    let head = sqlx::query!(
        "INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, $2)
         ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain
         RETURNING sequence, hash",
        chain,
        &GENESIS[..],
    )
    .fetch_one(&mut **tx)
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
        "WITH appended AS (
             INSERT INTO audit_events
                 (chain, sequence, occurred_at, centre_id, case_id, actor_id, session_tag, action,
                  details, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING chain, sequence, hash)
         UPDATE audit_chain_heads h SET sequence = a.sequence, hash = a.hash
         FROM appended a WHERE h.chain = a.chain",
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
    .execute(&mut **tx)
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
