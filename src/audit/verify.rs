//! Checking the hash chains: every event's hash recomputed with [`event_hash`], sequences
//! without gaps from 1, each `prev_hash` the hash of the event before (the first one
//! [`GENESIS`]), the chain's head row at its last event, and, given an anchor, every anchored
//! head still in its chain with the same hash (so a chain cut short and its head row rewound is
//! caught too).
//!
//! Events are read in pages by key, inside one read-only snapshot, never a whole table at once.
//! Checking stops at the first bad event, which is what an auditor needs to look at first.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::anchor::Anchor;
use super::commitment::{self, Commitments, DataFailure, RecordCounts};
use super::{GENESIS, HashInput, event_hash};

/// Events read per query.
const PAGE: i64 = 1000;

/// What is wrong with an event (or with a chain at an event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The stored hash is not the hash of the event's contents: the event was changed.
    HashMismatch,
    /// The event does not point to the hash of the event before it.
    BrokenLink,
    /// The event with this sequence is missing; the next one found has `found`.
    Missing { found: i64 },
    /// The chain ends before the head row says it does (its tail was removed).
    TailMissing { head_sequence: i64 },
    /// The chain's head row names another last event than the chain has.
    HeadMismatch { head_sequence: i64 },
    /// The chain has events but no head row.
    HeadMissing,
    /// The anchor of `anchor` says the chain reached this event, and it is not there.
    AnchoredEventMissing { anchor: String },
    /// The anchor of `anchor` holds another hash for this event: history was rewritten.
    AnchoredHashMismatch { anchor: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::HashMismatch => f.write_str("its hash does not match its contents"),
            Problem::BrokenLink => {
                f.write_str("its previous hash is not the hash of the event before it")
            }
            Problem::Missing { found } => write!(f, "it is missing (the next event is {found})"),
            Problem::TailMissing { head_sequence } => write!(
                f,
                "it is missing: the chain ends before it, but its head says it reaches {head_sequence}"
            ),
            Problem::HeadMismatch { head_sequence } => write!(
                f,
                "the chain's head row (sequence {head_sequence}) does not match the chain's last event"
            ),
            Problem::HeadMissing => f.write_str("the chain has no head row"),
            Problem::AnchoredEventMissing { anchor } => write!(
                f,
                "it is missing, but anchor {anchor} shows the chain reached it (chain cut short)"
            ),
            Problem::AnchoredHashMismatch { anchor } => write!(
                f,
                "its hash differs from the one anchor {anchor} holds (history rewritten)"
            ),
        }
    }
}

/// The first bad event found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub chain: String,
    pub sequence: i64,
    pub problem: Problem,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "chain {}, event {}: {}",
            self.chain, self.sequence, self.problem
        )
    }
}

/// The outcome of checking one chain or all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainCheck {
    /// Chains checked completely.
    pub chains: u64,
    /// Events whose hash and link were checked.
    pub events: u64,
    /// Anchored heads checked against the chains.
    pub anchored: u64,
    /// Intact chains whose head row names an earlier event than their last (a write cut off by
    /// a crash before the head moved on; `pilnvara audit mend` moves them on).
    pub lagging: Vec<String>,
    pub failure: Option<Failure>,
    /// The cases' stored data against their commitments.
    pub data: DataCheck,
}

impl ChainCheck {
    pub fn is_ok(&self) -> bool {
        self.failure.is_none() && self.data.failure.is_none()
    }

    fn note(&mut self, lag: Lag, chain: &str) {
        if lag == Lag::Behind {
            self.lagging.push(chain.to_owned());
        }
    }

    /// Ends the walk of one chain: counts it and notes it if it lags behind its head, or keeps
    /// its failure. Whether the check goes on.
    fn end_walk(&mut self, walker: &Walker) -> bool {
        match walker.finish() {
            Ok(lag) => {
                self.note(lag, &walker.chain);
                self.chains += 1;
                true
            }
            Err(failure) => {
                self.failure = Some(failure);
                false
            }
        }
    }
}

/// The outcome of recomputing the cases' commitments from the tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataCheck {
    /// Cases whose every committed part was recomputed.
    pub cases: u64,
    /// The rows checked, by kind.
    pub rows: RecordCounts,
    /// Cases opened before commitments existed: their data are not covered.
    pub uncovered: u64,
    /// Checked cases whose personal data retention erased.
    pub erased: u64,
    /// For a single case: the erasure event's sequence and time.
    pub erasure: Option<(i64, DateTime<Utc>)>,
    pub failure: Option<DataFailure>,
}

/// One stored event, as the check reads it (from the table, or from an evidence bundle).
pub(super) struct StoredEvent {
    pub id: i64,
    pub chain: String,
    pub sequence: i64,
    pub occurred_at: DateTime<Utc>,
    pub centre_id: Option<i64>,
    pub case_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub session_tag: Option<String>,
    pub action: String,
    pub details: Value,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
    pub hash_version: i16,
}

/// Walks one chain's events in order.
pub(super) struct Walker {
    chain: String,
    expected: i64,
    prev_hash: Vec<u8>,
    /// The chain's head row, if it has one.
    head: Option<(i64, Vec<u8>)>,
    /// The event the head names was seen with the head's hash.
    head_seen: bool,
    /// The hash rule of the last event.
    version: i16,
}

impl Walker {
    pub(super) fn new(chain: &str, head: Option<&(i64, Vec<u8>)>) -> Self {
        Self {
            chain: chain.to_owned(),
            expected: 1,
            prev_hash: GENESIS.to_vec(),
            head: head.cloned(),
            head_seen: false,
            version: 1,
        }
    }

    /// A walker that starts after the event `(sequence, hash)`, taken as checked.
    fn after(chain: &str, sequence: i64, hash: &[u8]) -> Self {
        Self {
            chain: chain.to_owned(),
            expected: sequence + 1,
            prev_hash: hash.to_vec(),
            head: None,
            head_seen: false,
            version: 1,
        }
    }

    fn fail(&self, sequence: i64, problem: Problem) -> Failure {
        Failure {
            chain: self.chain.clone(),
            sequence,
            problem,
        }
    }

    pub(super) fn step(&mut self, event: &StoredEvent) -> Result<(), Failure> {
        if event.sequence != self.expected {
            return Err(self.fail(
                self.expected,
                Problem::Missing {
                    found: event.sequence,
                },
            ));
        }
        let recomputed = event_hash(&HashInput {
            version: event.hash_version,
            id: event.id,
            chain: &event.chain,
            sequence: event.sequence,
            occurred_at: event.occurred_at,
            centre_id: event.centre_id,
            case_id: event.case_id,
            actor_id: event.actor_id,
            session_tag: event.session_tag.as_deref(),
            action: &event.action,
            details: &event.details,
            prev_hash: &event.prev_hash,
        });
        if recomputed[..] != event.hash[..] {
            return Err(self.fail(event.sequence, Problem::HashMismatch));
        }
        // Once a chain is written under a rule, no later event is written under an older one.
        if event.hash_version < self.version {
            return Err(self.fail(event.sequence, Problem::HashMismatch));
        }
        self.version = event.hash_version;
        if event.prev_hash != self.prev_hash {
            return Err(self.fail(event.sequence, Problem::BrokenLink));
        }
        if let Some((sequence, hash)) = &self.head {
            self.head_seen |= *sequence == event.sequence && *hash == event.hash;
        }
        self.expected += 1;
        self.prev_hash.clone_from(&event.hash);
        Ok(())
    }

    /// After the last event: the head row must name it. `Ok(Lag::Behind)` is a head that names
    /// an earlier event of this intact chain: a write that a crash cut off before the head moved
    /// on (see `audit::mend`), not a change to the evidence.
    fn finish(&self) -> Result<Lag, Failure> {
        let last = self.expected - 1;
        match &self.head {
            None if last == 0 => Ok(Lag::None),
            None => Err(self.fail(last, Problem::HeadMissing)),
            Some((sequence, _)) if *sequence > last => Err(self.fail(
                last + 1,
                Problem::TailMissing {
                    head_sequence: *sequence,
                },
            )),
            Some((sequence, _)) if *sequence < last && self.head_seen => Ok(Lag::Behind),
            Some((sequence, hash)) if *sequence != last || *hash != self.prev_hash => Err(self
                .fail(
                    last,
                    Problem::HeadMismatch {
                        head_sequence: *sequence,
                    },
                )),
            Some(_) => Ok(Lag::None),
        }
    }
}

/// Whether a chain's head is at its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lag {
    None,
    Behind,
}

/// Checks one chain (`case:7`, `centre:2`, `system`), and its head in `anchor` if given.
pub async fn verify_chain(
    db: impl crate::db::Source<'_>,
    chain: &str,
    anchor: Option<&Anchor>,
) -> Result<ChainCheck, sqlx::Error> {
    let mut tx = snapshot(db).await?;
    let mut check = ChainCheck::default();
    let head = heads(&mut tx, &[chain.to_owned()]).await?;
    let mut walker = Walker::new(chain, head.get(chain));
    let mut after = 0;
    loop {
        let page = chain_page(&mut tx, chain, after).await?;
        for event in &page {
            if let Err(failure) = walker.step(event) {
                check.failure = Some(failure);
                return Ok(check);
            }
            check.events += 1;
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.sequence,
            _ => break,
        }
    }
    if !check.end_walk(&walker) {
        return Ok(check);
    }
    check.chains = u64::from(check.events > 0 || head.contains_key(chain));
    if let Some(anchor) = anchor {
        let anchored: Vec<_> = anchor
            .heads()
            .iter()
            .filter(|head| head.chain == chain)
            .collect();
        check.failure = check_anchored(&mut tx, anchor, &anchored).await?;
        check.anchored = anchored.len() as u64;
    }
    if let Some(case_id) = chain.strip_prefix("case:").and_then(|id| id.parse().ok()) {
        check_data(&mut tx, &[case_id], &mut check.data).await?;
    }
    tx.commit().await?;
    Ok(check)
}

/// Checks every chain, then every head of `anchor` if given.
pub async fn verify_all(pool: &PgPool, anchor: Option<&Anchor>) -> Result<ChainCheck, sqlx::Error> {
    let mut tx = snapshot(pool).await?;
    let mut check = ChainCheck::default();
    let mut walker: Option<Walker> = None;
    let mut head_rows: HashMap<String, (i64, Vec<u8>)> = HashMap::new();
    let mut after = (String::new(), 0_i64);
    loop {
        let page = all_page(&mut tx, &after.0, after.1).await?;
        let mut chains: Vec<String> = page.iter().map(|event| event.chain.clone()).collect();
        chains.dedup();
        // Keep the head of the chain being walked (it may go on in this page); fetch the others.
        let walking = walker.as_ref().map(|w| w.chain.clone());
        head_rows.retain(|chain, _| walking.as_ref() == Some(chain));
        head_rows.extend(heads(&mut tx, &chains).await?);
        for event in &page {
            if walker.as_ref().is_some_and(|w| w.chain != event.chain) {
                let done = walker.take().expect("a walker");
                if !check.end_walk(&done) {
                    return Ok(check);
                }
            }
            let current = walker
                .get_or_insert_with(|| Walker::new(&event.chain, head_rows.get(&event.chain)));
            if let Err(failure) = current.step(event) {
                check.failure = Some(failure);
                return Ok(check);
            }
            check.events += 1;
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => {
                after = (last.chain.clone(), last.sequence);
            }
            _ => break,
        }
    }
    if let Some(done) = walker
        && !check.end_walk(&done)
    {
        return Ok(check);
    }
    // A head row whose chain has no events left at all: every event was removed.
    if let Some(orphan) = sqlx::query!(
        "SELECT chain, sequence FROM audit_chain_heads h
         WHERE sequence > 0
           AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain = h.chain)
         ORDER BY chain LIMIT 1"
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        check.failure = Some(Failure {
            chain: orphan.chain,
            sequence: 1,
            problem: Problem::TailMissing {
                head_sequence: orphan.sequence,
            },
        });
        return Ok(check);
    }
    if let Some(anchor) = anchor {
        for batch in anchor.heads().chunks(PAGE as usize) {
            let batch: Vec<_> = batch.iter().collect();
            if let Some(failure) = check_anchored(&mut tx, anchor, &batch).await? {
                check.failure = Some(failure);
                return Ok(check);
            }
            check.anchored += batch.len() as u64;
        }
    }
    let mut after = 0_i64;
    loop {
        let ids = sqlx::query_scalar!(
            "SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
            after,
            PAGE,
        )
        .fetch_all(&mut *tx)
        .await?;
        check_data(&mut tx, &ids, &mut check.data).await?;
        if check.data.failure.is_some() {
            return Ok(check);
        }
        match ids.last() {
            Some(&last) if ids.len() as i64 == PAGE => after = last,
            _ => break,
        }
    }
    // A case chain whose case row is gone altogether.
    if let Some(case_id) = sqlx::query_scalar!(
        r#"SELECT split_part(chain, ':', 2)::bigint AS "id!" FROM audit_chain_heads h
           WHERE chain LIKE 'case:%'
             AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = split_part(h.chain, ':', 2)::bigint)
           ORDER BY 1 LIMIT 1"#
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        check_data(&mut tx, &[case_id], &mut check.data).await?;
        if check.data.failure.is_some() {
            return Ok(check);
        }
    }
    tx.commit().await?;
    Ok(check)
}

/// Recomputes the commitments of cases `case_ids` from the tables and compares them with the
/// latest ones their chains hold, stopping at the first wrong part. The chains have been
/// checked first, so the commitments read are the ones the events were written with.
pub(crate) async fn check_data(
    connection: &mut PgConnection,
    case_ids: &[i64],
    check: &mut DataCheck,
) -> Result<(), sqlx::Error> {
    if case_ids.is_empty() {
        return Ok(());
    }
    let records = commitment::load(connection, case_ids).await?;
    let chains: Vec<String> = case_ids.iter().map(|id| format!("case:{id}")).collect();
    let events = sqlx::query!(
        r#"SELECT chain, sequence, occurred_at AS "occurred_at: DateTime<Utc>", action, details
           FROM audit_events
           WHERE chain = ANY($1) AND (details ? 'commits' OR action = $2)
           ORDER BY chain, sequence"#,
        &chains,
        super::Action::PersonalDataErased.code(),
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut folded: HashMap<&str, Commitments> = HashMap::new();
    for event in &events {
        folded.entry(&event.chain).or_default().add(
            event.sequence,
            event.occurred_at,
            &event.action,
            &event.details,
        );
    }
    let none = Commitments::default();
    let single = case_ids.len() == 1;
    if let (true, true, Some(committed)) = (single, records.is_empty(), folded.values().next()) {
        check.failure = commitment::case_gone(case_ids[0], committed);
        return Ok(());
    }
    for record in &records {
        let chain = format!("case:{}", record.case_id);
        let commitments = folded.get(chain.as_str()).unwrap_or(&none);
        if !commitment::covered(commitments) {
            check.uncovered += 1;
            continue;
        }
        if let Err(failure) = commitment::check(record, commitments) {
            check.failure = Some(failure);
            return Ok(());
        }
        check.cases += 1;
        check.rows += record.counts();
        if commitments.erasure.is_some() {
            check.erased += 1;
        }
        if single {
            check.erasure = commitments.erasure;
        }
    }
    Ok(())
}

/// One consistent, read-only view of the trail while writers carry on.
pub(crate) async fn snapshot<'c>(
    db: impl crate::db::Source<'c>,
) -> Result<sqlx::Transaction<'c, sqlx::Postgres>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The last event of `chain` if every event after `(sequence, hash)` recomputes and links on
/// from it: `Ok(None)` if one does not, or if there is none. For `audit::mend`.
pub(super) async fn intact_after(
    connection: &mut PgConnection,
    chain: &str,
    sequence: i64,
    hash: &[u8],
) -> Result<Option<(i64, Vec<u8>)>, sqlx::Error> {
    let mut walker = Walker::after(chain, sequence, hash);
    loop {
        let page = chain_page(connection, chain, walker.expected - 1).await?;
        if page.is_empty() {
            let last = walker.expected - 1;
            return Ok((last > sequence).then_some((last, walker.prev_hash)));
        }
        for event in &page {
            if walker.step(event).is_err() {
                return Ok(None);
            }
        }
    }
}

async fn chain_page(
    connection: &mut PgConnection,
    chain: &str,
    after: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    sqlx::query_as!(
        StoredEvent,
        r#"SELECT id, chain, sequence, occurred_at AS "occurred_at: DateTime<Utc>", centre_id,
                  case_id, actor_id, session_tag, action, details, prev_hash, hash, hash_version
           FROM audit_events WHERE chain = $1 AND sequence > $2
           ORDER BY sequence LIMIT $3"#,
        chain,
        after,
        PAGE,
    )
    .fetch_all(connection)
    .await
}

async fn all_page(
    connection: &mut PgConnection,
    after_chain: &str,
    after_sequence: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    sqlx::query_as!(
        StoredEvent,
        r#"SELECT id, chain, sequence, occurred_at AS "occurred_at: DateTime<Utc>", centre_id,
                  case_id, actor_id, session_tag, action, details, prev_hash, hash, hash_version
           FROM audit_events WHERE (chain, sequence) > ($1, $2)
           ORDER BY chain, sequence LIMIT $3"#,
        after_chain,
        after_sequence,
        PAGE,
    )
    .fetch_all(connection)
    .await
}

async fn heads(
    connection: &mut PgConnection,
    chains: &[String],
) -> Result<HashMap<String, (i64, Vec<u8>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT chain, sequence, hash FROM audit_chain_heads WHERE chain = ANY($1)",
        chains,
    )
    .fetch_all(connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.chain, (row.sequence, row.hash)))
        .collect())
}

/// Whether each anchored head is still in its chain with the same hash. The chains themselves
/// have been checked, so an anchored event that is still there vouches for everything before it.
async fn check_anchored(
    connection: &mut PgConnection,
    anchor: &Anchor,
    anchored: &[&super::anchor::AnchoredHead],
) -> Result<Option<Failure>, sqlx::Error> {
    let chains: Vec<String> = anchored.iter().map(|head| head.chain.clone()).collect();
    let sequences: Vec<i64> = anchored.iter().map(|head| head.sequence).collect();
    let rows = sqlx::query!(
        r#"SELECT a.chain AS "chain!", a.sequence AS "sequence!", e.hash AS "hash?"
           FROM unnest($1::text[], $2::bigint[]) AS a (chain, sequence)
           LEFT JOIN audit_events e ON e.chain = a.chain AND e.sequence = a.sequence"#,
        &chains,
        &sequences,
    )
    .fetch_all(connection)
    .await?;
    let found: HashMap<(String, i64), Option<Vec<u8>>> = rows
        .into_iter()
        .map(|row| ((row.chain, row.sequence), row.hash))
        .collect();
    for head in anchored {
        let failure = |problem| Failure {
            chain: head.chain.clone(),
            sequence: head.sequence,
            problem,
        };
        match found.get(&(head.chain.clone(), head.sequence)) {
            Some(Some(hash)) if hex::encode(hash) == head.hash => {}
            Some(Some(_)) => {
                return Ok(Some(failure(Problem::AnchoredHashMismatch {
                    anchor: anchor.name().to_owned(),
                })));
            }
            _ => {
                return Ok(Some(failure(Problem::AnchoredEventMissing {
                    anchor: anchor.name().to_owned(),
                })));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn chain_of(count: i64) -> Vec<StoredEvent> {
        let mut prev = GENESIS.to_vec();
        (1..=count)
            .map(|sequence| {
                let occurred_at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
                    + chrono::TimeDelta::minutes(sequence);
                let details = json!({ "n": sequence });
                let hash = event_hash(&HashInput {
                    version: 2,
                    id: sequence + 100,
                    chain: "case:1",
                    sequence,
                    occurred_at,
                    centre_id: Some(2),
                    case_id: Some(1),
                    actor_id: Some(3),
                    session_tag: Some("tag"),
                    action: "step-recorded",
                    details: &details,
                    prev_hash: &prev,
                })
                .to_vec();
                StoredEvent {
                    id: sequence + 100,
                    chain: "case:1".into(),
                    sequence,
                    occurred_at,
                    centre_id: Some(2),
                    case_id: Some(1),
                    actor_id: Some(3),
                    session_tag: Some("tag".into()),
                    action: "step-recorded".into(),
                    details,
                    prev_hash: std::mem::replace(&mut prev, hash.clone()),
                    hash,
                    hash_version: 2,
                }
            })
            .collect()
    }

    fn walk(events: &[StoredEvent], head: Option<(i64, Vec<u8>)>) -> Result<(), Failure> {
        walk_lag(events, head).map(|_| ())
    }

    fn walk_lag(events: &[StoredEvent], head: Option<(i64, Vec<u8>)>) -> Result<Lag, Failure> {
        let mut walker = Walker::new("case:1", head.as_ref());
        for event in events {
            walker.step(event)?;
        }
        walker.finish()
    }

    #[test]
    fn an_intact_chain_passes() {
        let events = chain_of(4);
        let head = (4, events[3].hash.clone());
        assert_eq!(walk(&events, Some(head)), Ok(()));
        assert_eq!(walk(&[], None), Ok(()));
    }

    #[test]
    fn each_kind_of_damage_names_its_event() {
        let mut edited = chain_of(4);
        edited[1].details = json!({ "n": 99 });
        let head = Some((4, edited[3].hash.clone()));
        assert_eq!(walk(&edited, head.clone()).unwrap_err().sequence, 2);

        let mut gap = chain_of(4);
        gap.remove(2);
        let failure = walk(&gap, head.clone()).unwrap_err();
        assert_eq!(
            (failure.sequence, failure.problem),
            (3, Problem::Missing { found: 4 })
        );

        let cut = chain_of(2);
        let failure = walk(&cut, head).unwrap_err();
        assert_eq!(
            (failure.sequence, failure.problem),
            (3, Problem::TailMissing { head_sequence: 4 })
        );

        let cut = chain_of(2);
        let failure = walk(&cut, None).unwrap_err();
        assert_eq!(failure.problem, Problem::HeadMissing);
    }

    #[test]
    fn a_head_left_behind_by_a_crash_is_told_from_a_rewritten_one() {
        let events = chain_of(4);
        // The head names event 3 with its true hash: the write of event 4 was cut off.
        let behind = Some((3, events[2].hash.clone()));
        assert_eq!(walk_lag(&events, behind), Ok(Lag::Behind));
        assert_eq!(
            walk_lag(&events, Some((4, events[3].hash.clone()))),
            Ok(Lag::None)
        );
        // A head naming event 3 with another hash is not a crash: it was written by hand.
        let forged = Some((3, vec![7; 32]));
        let failure = walk_lag(&events, forged).unwrap_err();
        assert_eq!(failure.problem, Problem::HeadMismatch { head_sequence: 3 });
    }

    #[test]
    fn an_event_under_an_older_hash_rule_after_a_newer_one_is_refused() {
        let mut events = chain_of(3);
        // Event 3 rewritten under rule 1 with a hash that is right for that rule.
        let last = &mut events[2];
        last.hash_version = 1;
        last.hash = event_hash(&HashInput {
            version: 1,
            id: last.id,
            chain: &last.chain,
            sequence: last.sequence,
            occurred_at: last.occurred_at,
            centre_id: None,
            case_id: None,
            actor_id: last.actor_id,
            session_tag: None,
            action: &last.action,
            details: &last.details,
            prev_hash: &last.prev_hash,
        })
        .to_vec();
        let head = Some((3, events[2].hash.clone()));
        let failure = walk(&events, head).unwrap_err();
        assert_eq!(
            (failure.sequence, failure.problem),
            (3, Problem::HashMismatch)
        );
    }
}
