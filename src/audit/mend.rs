//! Mending what a crash left behind: a chain whose head row lags behind its last committed event.
//!
//! Before every event was written inside a transaction, an event could be committed and the
//! write cut off (a client gone, a database restart) before its chain's head moved on. The
//! chain itself is intact, but the head names an earlier event, so the next write on the chain
//! collides with the event already there. Mending moves the head to the chain's last event,
//! only where every event after the head recomputes and links to it, and writes what it did
//! into the `system` chain. A head whose following events do not check out is left alone:
//! that is for `audit verify` to report, never for a repair to hide.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use super::Action;
use super::{Chain, Event, verify};

/// One head moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mended {
    pub chain: String,
    pub from_sequence: i64,
    pub to_sequence: i64,
}

/// Heads examined per query, so that mending a large trail reads it in bounded pieces.
const BATCH: i64 = 500;

/// Finds every lagging head and mends those whose chain checks out after it.
pub async fn mend_lagging_heads(
    pool: &PgPool,
    at: DateTime<Utc>,
) -> Result<Vec<Mended>, sqlx::Error> {
    let mut mended = Vec::new();
    let mut after = String::new();
    loop {
        let lagging: Vec<String> = sqlx::query_scalar!(
            "SELECT h.chain FROM audit_chain_heads h
             WHERE h.chain > $1
               AND EXISTS (SELECT 1 FROM audit_events e
                           WHERE e.chain = h.chain AND e.sequence = h.sequence + 1)
             ORDER BY h.chain LIMIT $2",
            after,
            BATCH,
        )
        .fetch_all(pool)
        .await?;
        let Some(last) = lagging.last() else {
            return Ok(mended);
        };
        after.clone_from(last);
        for chain in &lagging {
            if let Some(done) = mend_chain(pool, at, chain).await? {
                mended.push(done);
            }
        }
    }
}

/// Moves `chain`'s head to its last event if every event after the head checks out.
async fn mend_chain(
    pool: &PgPool,
    at: DateTime<Utc>,
    chain: &str,
) -> Result<Option<Mended>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let head = sqlx::query!(
        "SELECT sequence, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE",
        chain
    )
    .fetch_one(&mut *tx)
    .await?;
    let Some((to_sequence, hash)) =
        verify::intact_after(&mut tx, chain, head.sequence, &head.hash).await?
    else {
        // Nothing after the head, or not a write cut short: left for `audit verify` to name.
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE audit_chain_heads SET sequence = $2, hash = $3 WHERE chain = $1",
        chain,
        to_sequence,
        hash,
    )
    .execute(&mut *tx)
    .await?;
    let event = Event::by_the_product(
        Chain::System,
        None,
        Action::ChainHeadMended,
        json!({
            "chain": chain,
            "from_sequence": head.sequence,
            "to_sequence": to_sequence,
        }),
    );
    super::record(&mut tx, at, event).await?;
    tx.commit().await?;
    Ok(Some(Mended {
        chain: chain.to_owned(),
        from_sequence: head.sequence,
        to_sequence,
    }))
}
