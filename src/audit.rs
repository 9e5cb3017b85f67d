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

pub mod action;
pub mod anchor;
pub mod bundle;
pub mod commitment;
pub mod log;
pub mod mend;
pub mod verify;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Transaction};

use crate::domain::ids::{CaseId, CentreId, StaffId};

pub use action::Action;
pub use commitment::Part;

/// The hash before the first event of a chain.
pub const GENESIS: [u8; 32] = [0; 32];

/// Which chain an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    Case(CaseId),
    Centre(CentreId),
    /// The views of personal data at a centre.
    Access(CentreId),
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

/// Where an event goes: its chain, and the centre that chain belongs to (none for the system's).
pub type Place = (Chain, Option<CentreId>);

/// The system's chain: the catalogue, notices and whatever belongs to no centre.
pub const SYSTEM: Place = (Chain::System, None);

/// The chain of case `case_id`, at centre `centre_id`.
pub fn in_case(case_id: CaseId, centre_id: CentreId) -> Place {
    (Chain::Case(case_id), Some(centre_id))
}

/// The chain of centre `centre_id` (its accounts, settings and staff's own events).
pub fn at_centre(centre_id: CentreId) -> Place {
    (Chain::Centre(centre_id), Some(centre_id))
}

/// One thing that happened, as the caller describes it.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub chain: Chain,
    pub centre_id: Option<CentreId>,
    pub actor_id: Option<StaffId>,
    /// A random tag of the session the actor acted from (never the session id itself).
    pub session_tag: Option<&'a str>,
    /// What happened.
    pub action: Action,
    /// Ids, codes and keyed hashes; never names, personal codes or contacts.
    pub details: Value,
}

impl Event<'_> {
    /// An event no person caused: the product's own scheduled work (retention, mending).
    pub fn by_the_product(
        chain: Chain,
        centre_id: Option<CentreId>,
        action: Action,
        details: Value,
    ) -> Self {
        Event {
            chain,
            centre_id,
            actor_id: None,
            session_tag: None,
            action,
            details,
        }
    }
}

/// A page (or document) that showed case `case_id`'s personal data to `actor_id`.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub centre_id: CentreId,
    pub case_id: CaseId,
    pub actor_id: StaffId,
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
    record_committing(tx, at, event, &[]).await
}

/// Appends `event` with the commitments of the `parts` of its case that the caller has just
/// written in this transaction (see [`commitment`]): what they hold now is what the event
/// attests. An event of no case commits nothing.
pub async fn record_committing(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    mut event: Event<'_>,
    parts: &[Part],
) -> Result<(), sqlx::Error> {
    let Chain::Case(case_id) = event.chain else {
        return append(tx, at, &event, None).await;
    };
    if !parts.is_empty() {
        let commits = commitment::commit(tx, case_id.0, parts).await?;
        event.details[commitment::COMMITS] = commits;
    }
    append(tx, at, &event, Some(case_id)).await
}

/// Appends the erasure event of case `case_id`, committing that its personal data are gone
/// (before the erasure, in the same transaction: see [`commitment::commit_erasure`]).
pub async fn record_erasure(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    mut event: Event<'_>,
    case_id: CaseId,
) -> Result<(), sqlx::Error> {
    event.details[commitment::COMMITS] = commitment::commit_erasure(tx, case_id.0, at).await?;
    append(tx, at, &event, Some(case_id)).await
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
        action: Action::PersonalDataViewed,
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
    case_id: Option<CaseId>,
) -> Result<(), sqlx::Error> {
    let chain = event.chain.key();
    let centre_id = event.centre_id.map(|id| id.0);
    let case_id = case_id.map(|id| id.0);
    let actor_id = event.actor_id.map(|id| id.0);
    // `DO UPDATE` (not `DO NOTHING`) so that the head row is locked and returned either way.
    // The event's id is drawn here because the hash covers it.
    let head = sqlx::query!(
        r#"INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, $2)
         ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain
         RETURNING sequence, hash,
                   nextval(pg_get_serial_sequence('audit_events', 'id')) AS "id!""#,
        chain,
        &GENESIS[..],
    )
    .fetch_one(&mut **tx)
    .await?;
    let sequence = head.sequence + 1;
    let hash = event_hash(&HashInput {
        version: HASH_VERSION,
        id: head.id,
        chain: &chain,
        sequence,
        occurred_at: at,
        centre_id,
        case_id,
        actor_id,
        session_tag: event.session_tag,
        action: event.action.code(),
        details: &event.details,
        prev_hash: &head.hash,
    });
    sqlx::query!(
        "WITH appended AS (
             INSERT INTO audit_events
                 (id, chain, sequence, occurred_at, centre_id, case_id, actor_id, session_tag,
                  action, details, prev_hash, hash, hash_version)
             OVERRIDING SYSTEM VALUE
             VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13)
             RETURNING chain, sequence, hash)
         UPDATE audit_chain_heads h SET sequence = a.sequence, hash = a.hash
         FROM appended a WHERE h.chain = a.chain",
        chain,
        sequence,
        at as _,
        centre_id,
        case_id,
        actor_id,
        event.session_tag,
        event.action.code(),
        event.details,
        &head.hash,
        &hash[..],
        head.id,
        HASH_VERSION,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The hash rule events are written under now (see [`event_hash`]).
pub const HASH_VERSION: i16 = 2;

/// The fields an event's hash covers: under version 1 all but `id`, `centre_id`, `case_id` and
/// `session_tag`; under version 2 every column of the row, the version included.
#[derive(Debug)]
pub struct HashInput<'a> {
    pub version: i16,
    pub id: i64,
    pub chain: &'a str,
    pub sequence: i64,
    pub occurred_at: DateTime<Utc>,
    pub centre_id: Option<i64>,
    pub case_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub session_tag: Option<&'a str>,
    pub action: &'a str,
    pub details: &'a Value,
    pub prev_hash: &'a [u8],
}

/// SHA-256 over each field, each preceded by its length, so that no two different events
/// encode to the same bytes; an absent value is encoded apart from every present one. The
/// details are encoded as JSON with sorted keys, which is how `serde_json` writes a `Value`
/// read back from `jsonb`. Version 1 (events written before every column was covered) keeps
/// its own field list, so that old events still verify by the rule they were written under.
pub fn event_hash(input: &HashInput<'_>) -> [u8; 32] {
    let details = input.details.to_string();
    let occurred_at = input.occurred_at.timestamp_micros().to_be_bytes();
    let sequence = input.sequence.to_be_bytes();
    if input.version == 1 {
        let actor = input.actor_id.map(|id| id.to_string()).unwrap_or_default();
        return length_prefixed(&[
            input.chain.as_bytes(),
            &sequence,
            &occurred_at,
            actor.as_bytes(),
            input.action.as_bytes(),
            details.as_bytes(),
            input.prev_hash,
        ]);
    }
    let optional_id = |id: Option<i64>| id.map_or_else(Vec::new, |id| id.to_be_bytes().to_vec());
    let optional_text =
        |text: Option<&str>| text.map_or_else(Vec::new, |t| [b"=", t.as_bytes()].concat());
    length_prefixed(&[
        b"pilnvara-event-v2",
        &input.version.to_be_bytes(),
        &input.id.to_be_bytes(),
        input.chain.as_bytes(),
        &sequence,
        &occurred_at,
        &optional_id(input.centre_id),
        &optional_id(input.case_id),
        &optional_id(input.actor_id),
        &optional_text(input.session_tag),
        input.action.as_bytes(),
        details.as_bytes(),
        input.prev_hash,
    ])
}

/// SHA-256 over the fields, each preceded by its length as eight big-endian bytes.
pub(crate) fn length_prefixed(fields: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field);
    }
    hasher.finalize().into()
}
