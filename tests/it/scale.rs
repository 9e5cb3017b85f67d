//! The evidence at national scale: a benchmark, not a test of speed. Ignored by `cargo test`;
//! run it against a database of its own (it fills it):
//!
//! ```sh
//! PILNVARA_BENCH_DATABASE_URL=postgres://…/bench PILNVARA_BENCH_CASES=1000000 \
//!     cargo test --release --test it -- --ignored --nocapture scale::
//! ```
//!
//! It generates the cases (closed, with seven step rows each, personal data inside) in SQL and
//! their ten events each in Rust, every one with the commitments and hash the server writes,
//! then times `pilnvara audit checkpoint` and `pilnvara audit verify` (the release binary, under
//! `/usr/bin/time -v` for peak memory). `pages_under_load_beside_their_floor` runs the pages
//! against the server process from 1, 16 and 64 desks and each page's statements under
//! pgbench; `step_post_beside_its_floor` does the same for the step POST (22.¹5), each request
//! on a fresh case. Results go to docs/performance.md.

use std::process::Command;
use std::time::Instant;

use chrono::{TimeDelta, Utc};
use pilnvara::audit::commitment::{self, Part};
use pilnvara::audit::{GENESIS, HASH_VERSION, HashInput, event_hash};
use pilnvara::domain::workflow::Step;
use serde_json::json;
use sqlx::PgPool;

const PAGE: i64 = 1000;

/// One page of generated events, column by column, and the chains' heads.
#[derive(Default)]
struct Columns {
    ids: Vec<i64>,
    chains: Vec<String>,
    sequences: Vec<i64>,
    cases: Vec<i64>,
    actions: Vec<String>,
    details: Vec<String>,
    prevs: Vec<Vec<u8>>,
    hashes: Vec<Vec<u8>>,
    heads: Vec<(String, Vec<u8>)>,
}

async fn generate(pool: &PgPool, cases: i64) {
    for sql in [
        "INSERT INTO centres (code, name) VALUES ('BENCH', 'Etalons')",
        "INSERT INTO staff (username, full_name, roles, centre_id, password_hash)
         VALUES ('bench', 'Etalons', '{employee}', (SELECT id FROM centres WHERE code = 'BENCH'), 'x')",
        "INSERT INTO eservices (code, name_lv, name_en, institution, authorised_submission,
                                gives_planned_time, gives_result, data_categories)
         VALUES ('bench', 'Etalons', 'Bench', 'Iestāde', true, true, true, '{identity}')",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    let started = Instant::now();
    let mut from = 1_i64;
    while from <= cases {
        let to = (from + 99_999).min(cases);
        sqlx::query(
            "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
                 gives_planned_time, gives_result, missing_eid_means, client_given_names,
                 client_surnames, client_name_key, client_personal_code, personal_code_hmac,
                 client_wants_result, notify_channel, notify_contact, portal_reference,
                 retention_until, opened_at, submitted_at, closed_at)
             SELECT (SELECT id FROM centres WHERE code = 'BENCH'), (SELECT id FROM eservices WHERE code = 'bench'), (SELECT id FROM staff WHERE username = 'bench'),
                    'closed', NULL, true, true, '{eid-card}', 'Anna', 'Bērziņa ' || n,
                    'anna berzina', '010190-12349', sha256(n::text::bytea), true, 'phone',
                    '+37120000000', 'REF-' || n, DATE '2040-12-31',
                    now() - interval '1 day', now() - interval '1 day', now()
             FROM generate_series($1::bigint, $2::bigint) AS n",
        )
        .bind(from)
        .bind(to)
        .execute(pool)
        .await
        .unwrap();
        from = to + 1;
    }
    sqlx::query(
        "INSERT INTO case_steps (case_id, step, outcome, data, recorded_by, recorded_at)
         SELECT c.id, s.step, 'recorded', s.data, c.opened_by, c.opened_at
         FROM cases c CROSS JOIN (VALUES
             ('identity', '{\"document\": {\"doc_type\": \"lv-passport\", \"number\": \"LV1234567\", \"issuing_state\": \"LV\"}, \"given_names\": \"Anna\", \"surnames\": \"Bērziņa\", \"personal_code\": \"010190-12349\"}'::jsonb),
             ('employee-eid', '{\"means_code\": \"eid-card\", \"used_at\": \"2026-12-01T10:00\"}'),
             ('authorisation', '{\"notice_version\": 1, \"signed_on\": \"2026-12-01\", \"registration_number\": \"R-1\", \"result_contact\": {\"channel\": \"phone\", \"phone\": \"+37120000000\"}}'),
             ('data-processing', '{\"categories\": [\"identity\"], \"purpose_only\": true}'),
             ('submission', '{\"reference\": \"REF\", \"submitted_at\": \"2026-12-01T10:30\"}'),
             ('planned-time', '{\"planned_on\": \"2026-12-10\", \"told_via\": \"phone\"}'),
             ('result', '{\"outcome\": \"granted\", \"told_via\": \"phone\"}')
         ) AS s (step, data)",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO case_salts SELECT id, sha256(('salt' || id)::bytea) FROM cases")
        .execute(pool)
        .await
        .unwrap();
    println!(
        "cases and steps generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Ten events a case, as the server writes them: opened, seven duties, closed, a receipt.
    let started = Instant::now();
    let mut events = vec![Generated::opened()];
    events.extend(Step::ALL.map(Generated::step));
    events.push(Generated::new("case-closed", json!({}), &[Part::Closed]));
    events.push(Generated::new(
        "receipt-printed",
        json!({ "authorisation_number": "BENCH-1" }),
        &[],
    ));
    let at = Utc::now() - TimeDelta::days(1);
    let written = write_chains(pool, (1, i64::MAX), &events, (1, 1), at).await;
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    println!(
        "{written} events generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// One event of each generated chain: its action, its details, and the parts of the case it
/// commits (their commitments go into the details, as the server writes them).
struct Generated {
    action: &'static str,
    details: serde_json::Value,
    parts: Vec<Part>,
}

impl Generated {
    fn new(action: &'static str, details: serde_json::Value, parts: &[Part]) -> Self {
        Self {
            action,
            details,
            parts: parts.to_vec(),
        }
    }

    /// `case-opened`, committing the case and its retention.
    fn opened() -> Self {
        Self::new("case-opened", json!({}), &[Part::Case, Part::Retention])
    }

    /// `step-recorded` of `step`, committing it and the case columns it fills in (as
    /// `service::cases` does).
    fn step(step: Step) -> Self {
        let mut parts = vec![Part::step(step)];
        parts.extend_from_slice(match step {
            Step::Identity => &[Part::Client],
            Step::Authorisation => &[Part::Contact, Part::Retention],
            Step::Submission => &[Part::Submission],
            _ => &[],
        });
        Self::new("step-recorded", json!({ "step": step.slug() }), &parts)
    }
}

/// Writes the chain `case:ID` of every case with an id from `first` to `last` as the server
/// writes it: `events` in order, each with the commitments of its parts as the case is
/// stored now and its v2 hash, by staff `actor` of centre `centre` at `at`; then the chains'
/// heads. The events' ids follow the highest one's, and the sequence moves past them. Nothing
/// else may write events meanwhile. The events written.
async fn write_chains(
    pool: &PgPool,
    (first, last): (i64, i64),
    events: &[Generated],
    (centre, actor): (i64, i64),
    at: chrono::DateTime<Utc>,
) -> i64 {
    let mut next_id: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM audit_events")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut after = first - 1;
    let mut written = 0;
    loop {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3",
        )
        .bind(after)
        .bind(last)
        .bind(PAGE)
        .fetch_all(pool)
        .await
        .unwrap();
        let Some(&page_last) = ids.last() else { break };
        let mut connection = pool.acquire().await.unwrap();
        let records = commitment::load(&mut connection, &ids).await.unwrap();
        drop(connection);
        let mut rows = Columns::default();
        for record in &records {
            let chain = format!("case:{}", record.case_id);
            let mut prev = GENESIS.to_vec();
            for (sequence, event) in (1_i64..).zip(events) {
                let mut details = event.details.clone();
                if !event.parts.is_empty() {
                    details["commits"] = record.commits(&event.parts);
                }
                let hash = event_hash(&HashInput {
                    version: HASH_VERSION,
                    id: next_id,
                    chain: &chain,
                    sequence,
                    occurred_at: at,
                    centre_id: Some(centre),
                    case_id: Some(record.case_id),
                    actor_id: Some(actor),
                    session_tag: Some("bench"),
                    action: event.action,
                    details: &details,
                    prev_hash: &prev,
                })
                .to_vec();
                rows.ids.push(next_id);
                rows.chains.push(chain.clone());
                rows.sequences.push(sequence);
                rows.cases.push(record.case_id);
                rows.actions.push(event.action.to_owned());
                rows.details.push(details.to_string());
                rows.prevs.push(std::mem::replace(&mut prev, hash.clone()));
                rows.hashes.push(hash);
                next_id += 1;
                written += 1;
            }
            rows.heads.push((chain, prev));
        }
        sqlx::query(
            "INSERT INTO audit_events (id, chain, sequence, occurred_at, centre_id, case_id,
                 actor_id, session_tag, action, details, prev_hash, hash, hash_version)
             OVERRIDING SYSTEM VALUE
             SELECT id, chain, sequence, $7, $10, case_id, $11, 'bench', action, details::jsonb,
                    prev_hash, hash, 2
             FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],
                         $6::text[], $8::bytea[], $9::bytea[])
                  AS e (id, chain, sequence, case_id, action, details, prev_hash, hash)",
        )
        .bind(&rows.ids)
        .bind(&rows.chains)
        .bind(&rows.sequences)
        .bind(&rows.cases)
        .bind(&rows.actions)
        .bind(&rows.details)
        .bind(at)
        .bind(&rows.prevs)
        .bind(&rows.hashes)
        .bind(centre)
        .bind(actor)
        .execute(pool)
        .await
        .unwrap();
        let (chains, head_hashes): (Vec<String>, Vec<Vec<u8>>) = rows.heads.into_iter().unzip();
        sqlx::query(
            "INSERT INTO audit_chain_heads (chain, sequence, hash)
             SELECT chain, $3, hash FROM unnest($1::text[], $2::bytea[]) AS h (chain, hash)",
        )
        .bind(&chains)
        .bind(&head_hashes)
        .bind(events.len() as i64)
        .execute(pool)
        .await
        .unwrap();
        after = page_last;
    }
    sqlx::query("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), $1)")
        .bind(next_id)
        .execute(pool)
        .await
        .unwrap();
    written
}

/// Runs the release binary under `/usr/bin/time -v`: its output, wall seconds and peak RSS.
fn timed(url: &str, data_dir: &std::path::Path, args: &[&str]) -> (String, f64, String) {
    let binary = std::env::var("PILNVARA_BENCH_BINARY")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_pilnvara").to_owned());
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(binary)
        .args(args)
        .env("DATABASE_URL", url)
        .env("PILNVARA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{args:?}: {stderr}");
    let peak = stderr
        .lines()
        .find(|line| line.contains("Maximum resident set size"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        seconds,
        peak,
    )
}

#[tokio::test]
#[ignore = "a benchmark: fills the database named by PILNVARA_BENCH_DATABASE_URL"]
async fn evidence_at_national_scale() {
    let url = std::env::var("PILNVARA_BENCH_DATABASE_URL")
        .expect("PILNVARA_BENCH_DATABASE_URL names an empty database to fill");
    let cases = setting("PILNVARA_BENCH_CASES", 100_000);
    let pool = PgPool::connect(&url).await.unwrap();
    pilnvara::db::migrate(&pool).await.unwrap();
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    if existing == 0 {
        generate(&pool, cases).await;
    }
    let data = tempfile::tempdir().unwrap();
    let (out, seconds, peak) = timed(&url, data.path(), &["audit", "checkpoint"]);
    println!("first checkpoint: {seconds:.1} s, {peak}: {}", out.trim());
    let (out, seconds, peak) = timed(&url, data.path(), &["audit", "checkpoint"]);
    println!(
        "next checkpoint (nothing new): {seconds:.2} s, {peak}: {}",
        out.trim()
    );
    let note = std::fs::read_dir(data.path().join("checkpoints"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .max()
        .unwrap();
    println!(
        "checkpoint size: {} bytes",
        std::fs::metadata(&note).unwrap().len()
    );
    let (out, seconds, peak) = timed(&url, data.path(), &["audit", "verify"]);
    println!("verify: {seconds:.1} s, {peak}\n{out}");
    let sizes: Vec<(String, String)> = sqlx::query_as(
        "SELECT relname::text, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class
         WHERE relname IN ('audit_events', 'audit_log_leaves', 'audit_log_hashes', 'cases',
                           'case_steps', 'case_salts') ORDER BY relname",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    println!("sizes: {sizes:?}");
}

/// The cost of recording a duty, and of the commitment part of it (the added work: reading the
/// step and case back and hashing them, in the step's transaction). A benchmark: run with
/// `cargo test --release --test it -- --ignored --nocapture scale::step`.
#[tokio::test]
#[ignore = "a benchmark"]
async fn step_post_and_its_commitments() {
    use crate::cases::{eservice, open_case, record_ok, staffed};
    let app = staffed(crate::harness::TestApp::new().await).await;
    let anna = app.signed_in("anna").await;
    let service = eservice(&app, false, false).await;
    let mut posts = Vec::new();
    let mut last = 0;
    for _ in 0..40 {
        let id = open_case(&anna, service).await;
        for step in ["identity", "employee-eid"] {
            let started = Instant::now();
            record_ok(&app, &anna, id, step, false).await;
            posts.push(started.elapsed());
        }
        last = id;
    }
    let mut commits = Vec::new();
    for _ in 0..400 {
        let mut tx = app.pool.begin().await.unwrap();
        let started = Instant::now();
        commitment::commit(&mut tx, last, &[Part::step(Step::Identity), Part::Client])
            .await
            .unwrap();
        commits.push(started.elapsed());
        tx.rollback().await.unwrap();
    }
    let median = |mut times: Vec<std::time::Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    println!(
        "step POST (form to redirect, in-process): median {:?} over {}; the commitments in it: median {:?} over {}",
        median(posts.clone()),
        posts.len(),
        median(commits.clone()),
        commits.len()
    );
}

/// /figures for every centre over a year, read from the roll-up, against one of the aggregates
/// the page ran before it (submissions with `percentile_cont` over the cases). A benchmark: run
/// with `cargo test --release --test it -- --ignored --nocapture scale::figures`
/// (`PILNVARA_BENCH_CASES`, default 240,000: a year of the country's cases).
/// 170 centres (C1 … C170) with an employee each, and a year of `cases` spread over them and
/// the catalogue's e-services: 85 % closed, 10 % stopped, 5 % open (half of those awaiting the
/// result), and a message to the client for every other submitted case; each insert goes
/// through the triggers that keep the roll-up, as the desk's would.
async fn year_of_cases(pool: &PgPool, cases: i64) {
    for sql in [
        "INSERT INTO centres (code, name) SELECT 'C' || n, 'Centrs ' || n FROM generate_series(1, 170) n",
        "INSERT INTO staff (username, full_name, roles, centre_id, password_hash)
         SELECT 'e' || id, 'Darbinieks', '{employee}', id, 'x' FROM centres WHERE code LIKE 'C%'",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
             gives_planned_time, gives_result, missing_eid_means, client_wants_result,
             stop_reason, retention_until, opened_at, submitted_at, closed_at, stopped_at)
         SELECT s.centre_id, e.id, s.id,
                (CASE WHEN i % 20 = 0 THEN 'open' WHEN i % 10 = 5 THEN 'stopped' ELSE 'closed' END)::case_status,
                CASE WHEN i % 20 = 0 THEN (CASE WHEN i % 40 = 0 THEN 'result' ELSE 'identity' END) END,
                true, true, '{eid-card}', i % 3 <> 0,
                CASE WHEN i % 10 = 5 THEN 'client-withdrew' END, DATE '2040-12-31',
                now() - (i % 360) * interval '1 day' - interval '2 hours',
                CASE WHEN i % 20 <> 0 OR i % 40 = 0 THEN now() - (i % 360) * interval '1 day' - interval '1 hour' + (i % 50) * interval '1 minute' END,
                CASE WHEN i % 20 <> 0 AND i % 10 <> 5 THEN now() - (i % 360) * interval '1 day' END,
                CASE WHEN i % 10 = 5 THEN now() - (i % 360) * interval '1 day' END
         FROM generate_series(1, $1) i
         JOIN staff s ON s.username = 'e' || (SELECT min(id) FROM centres WHERE code LIKE 'C%') + i % 170
         JOIN eservices e ON e.id = (SELECT array_agg(id ORDER BY id) FROM eservices)[1 + i % 4]",
    )
    .bind(cases)
    .execute(pool)
    .await
    .unwrap();
    // Every other submitted case told its planned time by e-mail when it was submitted: sent,
    // or one in 25 failed (half of those then told by phone).
    sqlx::query(
        "INSERT INTO client_messages (case_id, step, channel, template_id, lang, status,
             next_attempt_at, queued_at, queued_by, sent_at, failed_at, reason,
             told_instead_via, told_instead_at, told_instead_by)
         SELECT c.id, 'planned-time', 'email', t.id, 'lv',
                CASE WHEN c.id % 25 = 0 THEN 'failed' ELSE 'sent' END,
                c.submitted_at, c.submitted_at, c.opened_by,
                CASE WHEN c.id % 25 <> 0 THEN c.submitted_at END,
                CASE WHEN c.id % 25 = 0 THEN c.submitted_at END,
                CASE WHEN c.id % 25 = 0 THEN 'unreachable' END,
                CASE WHEN c.id % 50 = 0 THEN 'phone' END,
                CASE WHEN c.id % 50 = 0 THEN c.submitted_at::timestamp END,
                CASE WHEN c.id % 50 = 0 THEN c.opened_by END
         FROM cases c, message_templates t
         WHERE c.submitted_at IS NOT NULL AND c.id % 2 = 0
           AND t.eservice_id IS NULL AND t.lang = 'lv' AND t.step = 'planned-time'
           AND t.version = 1",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
#[ignore = "a benchmark"]
async fn figures_for_every_centre_over_a_year() {
    use pilnvara::domain::figures::{month_of, months_back};
    use pilnvara::domain::ids::CentreId;
    use pilnvara::store::figures::{Scope, read};

    let cases = setting("PILNVARA_BENCH_CASES", 240_000);
    let app = crate::harness::TestApp::new().await;
    let pool = &app.pool;
    let started = Instant::now();
    year_of_cases(pool, cases).await;
    println!(
        "{cases} cases generated (the trigger keeping the roll-up) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Each case's insert updated its roll-up rows in place: the row versions it left behind
    // are vacuumed, as autovacuum does within moments on tables this small (a few thousand
    // live rows) in service.
    sqlx::query("VACUUM (ANALYZE)").execute(pool).await.unwrap();
    assert_eq!(
        pilnvara::store::figures::differences(pool).await.unwrap(),
        [0, 0, 0, 0]
    );

    let centres: Vec<CentreId> = sqlx::query_scalar("SELECT id FROM centres")
        .fetch_all(pool)
        .await
        .unwrap();
    let today = pilnvara::domain::today_in_riga(Utc::now());
    let (first, last) = (months_back(today, 12), month_of(today));
    let once = {
        let (pool, centres) = (pool.clone(), centres.clone());
        move || {
            let (pool, centres) = (pool.clone(), centres.clone());
            async move {
                let started = Instant::now();
                let scope = Scope {
                    centres: &centres,
                    first,
                    last,
                };
                let figures = read(&mut pool.acquire().await.unwrap(), &scope, Utc::now())
                    .await
                    .unwrap();
                assert_eq!(figures.len(), centres.len());
                started.elapsed()
            }
        }
    };
    let p50 = |mut times: Vec<std::time::Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (alone, together) = alone_and_at_16(once).await;
    let kept: usize = read(
        &mut pool.acquire().await.unwrap(),
        &Scope {
            centres: &centres,
            first,
            last,
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .values()
    .map(|centre| centre.size())
    .sum();
    println!(
        "every centre's figures, as a page keeps them: about {} KiB",
        kept / 1024
    );
    // The roll-up's statements alone, without the summing in Rust: where the time goes.
    let mut statements = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        for table in ["figures_months", "figures_stops"] {
            sqlx::query(&format!(
                "SELECT * FROM {table} WHERE centre_id = ANY($1) AND month >= $2 AND month <= $3"
            ))
            .bind(&centres)
            .bind(first)
            .bind(last)
            .fetch_all(pool)
            .await
            .unwrap();
        }
        sqlx::query("SELECT * FROM figures_awaiting WHERE centre_id = ANY($1) AND day >= $2")
            .bind(&centres)
            .bind(first)
            .fetch_all(pool)
            .await
            .unwrap();
        statements.push(started.elapsed());
    }
    println!(
        "the roll-up's three statements alone: p50 {:?}",
        p50(statements)
    );
    let (from, until) = pilnvara::domain::figures::months_span(first, last);
    let started = Instant::now();
    let before: Vec<(i64,)> = sqlx::query_as(
        "SELECT count(*) FROM cases c
         CROSS JOIN LATERAL (SELECT date_trunc('month', c.submitted_at AT TIME ZONE 'Europe/Riga')::date AS month) m
         WHERE c.centre_id = ANY($1) AND c.submitted_at >= $2 AND c.submitted_at < $3
         GROUP BY GROUPING SETS ((c.centre_id, m.month), (m.month), (c.eservice_id))
         HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.submitted_at - c.opened_at)) >= 0",
    )
    .bind(&centres)
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await
    .unwrap();
    let aggregate = started.elapsed();
    println!(
        "/figures, 170 centres × 12 months: p50 {:?} alone, p50 {:?} at 16 at once \
         (the roll-up's rows); one of the former page's four aggregates over the cases: {:?} ({} groups)",
        p50(alone),
        p50(together),
        aggregate,
        before.len()
    );

    // The page itself, through HTTP (the in-process server on a socket of its own), for a
    // supervisor of every centre: 170 lines of centres and 12 of months. Asked again with
    // nothing changed, its tables are shown as laid out before; after a change of one
    // centre's figures (counted here before each request, outside its time), laid out anew.
    let codes: Vec<String> = (1..=170).map(|n| format!("C{n}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    app.user(
        "national",
        pilnvara::domain::staff::Role::Supervisor,
        "C1",
        &codes,
    )
    .await;
    let national = std::sync::Arc::new(app.signed_in("national").await);
    let size = national.get("/figures").await.body.len();
    for changed in [false, true] {
        let (national, pool, centre) = (national.clone(), pool.clone(), centres[0]);
        let page = move || {
            let (national, pool) = (national.clone(), pool.clone());
            async move {
                if changed {
                    sqlx::query("SELECT figures_changed($1)")
                        .bind(centre)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
                let started = Instant::now();
                let page = national.get("/figures").await;
                assert_eq!(page.status, axum::http::StatusCode::OK);
                started.elapsed()
            }
        };
        let (alone, together) = alone_and_at_16(page).await;
        println!(
            "the /figures page, 170 centres × 12 months ({} KiB), {}: p50 {:?} alone, p50 {:?} \
             at 16 at once",
            size / 1024,
            match changed {
                false => "nothing changed since it was last laid out",
                true => "laid out anew after a change of one centre",
            },
            p50(alone),
            p50(together)
        );
    }

    // The messages to clients: the roll-up's rows against the statement the page ran before
    // migration 0057 (every message of the period, each joined to its case), with the index
    // it had, for all centres and for a supervisor's three.
    sqlx::query("CREATE INDEX client_messages_queued_idx ON client_messages (queued_at)")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("ANALYZE client_messages")
        .execute(pool)
        .await
        .unwrap();
    for chosen in [&centres[..], &centres[..3]] {
        let scope = Scope {
            centres: chosen,
            first,
            last,
        };
        let mut rolled_up = Vec::new();
        let mut counted = Vec::new();
        for _ in 0..21 {
            let started = Instant::now();
            let rows =
                pilnvara::store::figures::messages(&mut pool.acquire().await.unwrap(), &scope)
                    .await
                    .unwrap();
            rolled_up.push(started.elapsed());
            assert!(!rows.is_empty());
            let started = Instant::now();
            sqlx::query(
                "SELECT c.centre_id, date_trunc('month', m.queued_at AT TIME ZONE 'Europe/Riga')::date,
                        count(*) FILTER (WHERE m.status IN ('sent', 'delivered')),
                        count(*) FILTER (WHERE m.status = 'failed'),
                        count(*) FILTER (WHERE m.status = 'failed' AND m.told_instead_via IS NULL)
                 FROM client_messages m JOIN cases c ON c.id = m.case_id
                 WHERE c.centre_id = ANY($1) AND m.queued_at >= $2 AND m.queued_at < $3
                 GROUP BY 1, 2 ORDER BY 1, 2",
            )
            .bind(chosen)
            .bind(from)
            .bind(until)
            .fetch_all(pool)
            .await
            .unwrap();
            counted.push(started.elapsed());
        }
        println!(
            "messages' figures, {} centres × 12 months: p50 {:?} from the roll-up, p50 {:?} \
             counted from the messages as before",
            chosen.len(),
            p50(rolled_up),
            p50(counted)
        );
    }
}

/// The times of `run`: 21 runs one after another, then 16 tasks at once running it 10 times each.
async fn alone_and_at_16<F, R>(run: F) -> (Vec<std::time::Duration>, Vec<std::time::Duration>)
where
    F: Fn() -> R + Clone + Send + 'static,
    R: std::future::Future<Output = std::time::Duration> + Send,
{
    let mut alone = Vec::new();
    for _ in 0..21 {
        alone.push(run().await);
    }
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let run = run.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..10 {
                times.push(run().await);
            }
            times
        }));
    }
    let mut together = Vec::new();
    for task in tasks {
        together.extend(task.await.unwrap());
    }
    (alone, together)
}

/// What one request did under load: answers, their latencies, and the answers that were not
/// the one expected.
struct Run {
    per_second: f64,
    p50: std::time::Duration,
    p99: std::time::Duration,
    not_ok: usize,
}

/// A request a desk sends, and the answer that says it was served.
#[derive(Clone, Debug)]
enum Request {
    /// A page: 200.
    Get(String),
    /// A form: 303 (done, on to the next page).
    Post(String, Vec<(String, String)>),
}

impl Request {
    /// Sends it from `desk`: whether the answer was the one expected.
    async fn sent_by(&self, desk: &crate::harness::Client) -> bool {
        use axum::http::StatusCode;
        match self {
            Self::Get(path) => desk.get(path).await.status == StatusCode::OK,
            Self::Post(path, form) => {
                let form: Vec<(&str, &str)> = form
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect();
                desk.post(path, &form).await.status == StatusCode::SEE_OTHER
            }
        }
    }
}

/// Each next request to send: the same page again, or a form about a fresh case each time.
type Requests = std::sync::Arc<dyn Fn() -> Request + Send + Sync>;

/// GET `path`, again and again.
fn again(path: &str) -> Requests {
    let request = Request::Get(path.to_owned());
    std::sync::Arc::new(move || request.clone())
}

/// Every desk sends the next of `requests` again and again for `length`.
async fn load(
    desks: &[std::sync::Arc<crate::harness::Client>],
    requests: &Requests,
    length: std::time::Duration,
) -> Run {
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = desks
        .iter()
        .map(|desk| {
            let (desk, requests) = (desk.clone(), requests.clone());
            tokio::spawn(async move {
                let (mut times, mut not_ok) = (Vec::new(), 0);
                while Instant::now() < deadline {
                    let request = requests();
                    let sent = Instant::now();
                    if !request.sent_by(&desk).await {
                        not_ok += 1;
                    }
                    times.push(sent.elapsed());
                }
                (times, not_ok)
            })
        })
        .collect();
    let (mut times, mut not_ok) = (Vec::new(), 0);
    for task in tasks {
        let (some, failed) = task.await.unwrap();
        times.extend(some);
        not_ok += failed;
    }
    let seconds = started.elapsed().as_secs_f64();
    times.sort();
    Run {
        per_second: times.len() as f64 / seconds,
        p50: times[times.len() / 2],
        p99: times[times.len() * 99 / 100],
        not_ok,
    }
}

/// The server process's resident memory and its peak, in MiB (`/proc/PID/status`).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<u64>().ok())
            .unwrap()
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn difference(after: [f64; 4], before: [f64; 4]) -> [f64; 4] {
    std::array::from_fn(|i| after[i] - before[i])
}

/// CPU time (user and system) a process has used, in milliseconds (`/proc/PID/stat`): its own,
/// and that of its children it has waited for.
fn cpu_ms(pid: &str) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command's name in parentheses: utime, stime, cutime and cstime are fields 14
    // to 17, in ticks of 1/100 s (Linux's USER_HZ).
    let ticks: Vec<f64> = stat[stat.rfind(')').unwrap() + 2..]
        .split(' ')
        .skip(11)
        .take(4)
        .map(|ticks| ticks.parse::<f64>().unwrap() * 10.0)
        .collect();
    (ticks[0] + ticks[1], ticks[2] + ticks[3])
}

/// CPU time used on this machine by every process, in milliseconds (`/proc/stat`: user, nice,
/// system, irq, softirq and steal). PostgreSQL's share is this less the server's, the load
/// generator's and pgbench's: counting its processes instead would miss backends that ended
/// between two readings.
fn machine_cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let ticks: Vec<f64> = stat
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|ticks| ticks.parse().unwrap())
        .collect();
    // user nice system idle iowait irq softirq steal
    [0, 1, 2, 5, 6, 7].iter().map(|&i| ticks[i]).sum::<f64>() * 10.0
}

/// The statements sqlx sends, each by its first words (the `summary` of its `sqlx::query`
/// event; `BEGIN` is not among them).
#[derive(Clone, Default)]
struct Statements(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            let mut summary = Summary(String::new());
            event.record(&mut summary);
            self.0.lock().unwrap().push(summary.0);
        }
    }
}

/// An event's `summary` field.
struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            value.clone_into(&mut self.0);
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

/// The statements one of `requests` by `username` sends (each by its first words, in order),
/// served in-process on a thread of its own whose every task reports to a subscriber that
/// notes them. Two are sent: the first fills the connection's caches, the second is noted.
fn statements_per_request(
    database: String,
    username: &'static str,
    requests: Requests,
) -> Vec<String> {
    use tracing_subscriber::layer::SubscriberExt as _;

    std::thread::spawn(move || {
        let noted = Statements::default();
        let subscriber = tracing_subscriber::registry().with(noted.clone());
        let _noting = tracing::subscriber::set_default(subscriber);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            // One connection, warmed once: its type cache filled, the statements the request's.
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&database)
                .await
                .unwrap();
            let app = crate::harness::TestApp::on(pool);
            let client = app.signed_in(username).await;
            let warming = requests();
            assert!(warming.sent_by(&client).await, "{warming:?}");
            let before = noted.0.lock().unwrap().len();
            let request = requests();
            assert!(request.sent_by(&client).await, "{request:?}");
            noted.0.lock().unwrap().split_off(before)
        })
    })
    .join()
    .unwrap()
}

/// The SQL of the committed query that `matches`, on one line, with each `$n` it has written
/// as `value(n)` says: a pgbench variable (`:name`) or a literal (`NULL` for a filter not set).
fn committed_statement(matches: impl Fn(&str) -> bool, value: impl Fn(usize) -> String) -> String {
    let mut sql = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.sqlx"))
        .unwrap()
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            json["query"].as_str().map(str::to_owned)
        })
        .find(|query| matches(query))
        .expect("a committed query");
    // From the highest, so that `$1` is not taken for the start of `$12`.
    for n in (1..=20).rev() {
        let parameter = format!("${n}");
        if sql.contains(&parameter) {
            sql = sql.replace(&parameter, &value(n));
        }
    }
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// pgbench running `script` from `clients` connections for `length`, with the variables
/// `values`: transactions a second.
fn pgbench(
    url: &str,
    script: &str,
    values: &[(&str, String)],
    clients: usize,
    length: std::time::Duration,
) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.sql");
    std::fs::write(&file, script).unwrap();
    let bin = pilnvara::db::launcher::PgBinaries::find().unwrap();
    // Beside the server binaries the launcher found, else on the PATH.
    let pgbench = [&bin.pg_ctl, &bin.pg_basebackup]
        .map(|tool| tool.with_file_name("pgbench"))
        .into_iter()
        .find(|path| path.is_file())
        .unwrap_or_else(|| "pgbench".into());
    let mut command = Command::new(pgbench);
    command
        .args(["--no-vacuum", "--protocol=prepared", "--jobs=2"])
        .arg(format!("--client={clients}"))
        .arg(format!("--time={}", length.as_secs()))
        .arg(format!("--file={}", file.display()));
    for (name, value) in values {
        command.arg(format!("--define={name}={value}"));
    }
    let out = command.arg(url).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .expect("pgbench's tps")
}

/// Load sent before a measured run of the page benchmark and not counted.
const WARM_UP: std::time::Duration = std::time::Duration::from_secs(1);

/// A number from the environment variable `name`, else `default`.
fn setting(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .map(|n| n.parse().unwrap())
        .unwrap_or(default)
}

/// The history the load benchmarks run on (`PILNVARA_BENCH_CASES`, by default a year of the
/// country's cases) and the length of each run (`PILNVARA_BENCH_SECONDS`).
fn load_settings() -> (i64, std::time::Duration) {
    let seconds = setting("PILNVARA_BENCH_SECONDS", 10);
    (
        setting("PILNVARA_BENCH_CASES", 240_000),
        std::time::Duration::from_secs(seconds.unsigned_abs()),
    )
}

/// With `PILNVARA_BENCH_PIN=1`, the benchmark as if PostgreSQL had a machine of its own: every
/// process of the cluster behind `pool` on the first half of the cores, the server `server`
/// and this process (the load generator, and the pgbench it starts) on the other half. Threads
/// and processes started later inherit their parent's cores. The returned guard gives every
/// core back to the cluster, which other tests share.
async fn pinned_if_asked(pool: &PgPool, server: u32) -> Option<Pinned> {
    if setting("PILNVARA_BENCH_PIN", 0) != 1 {
        return None;
    }
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(cores >= 2, "PILNVARA_BENCH_PIN needs two cores");
    let half = cores / 2;
    let backend: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(pool)
        .await
        .unwrap();
    let postmaster = parent_of(backend.unsigned_abs());
    pin(postmaster, &format!("0-{}", half - 1));
    pin(server, &format!("{half}-{}", cores - 1));
    pin(std::process::id(), &format!("{half}-{}", cores - 1));
    Some(Pinned {
        postmaster,
        all: format!("0-{}", cores - 1),
    })
}

/// Gives the cluster every core again when dropped.
struct Pinned {
    postmaster: u32,
    all: String,
}

impl Drop for Pinned {
    fn drop(&mut self) {
        pin(self.postmaster, &self.all);
    }
}

/// Process `pid` (every thread) and its children (a postmaster's: the cluster's processes) on
/// `cores` (`taskset`'s list, e.g. `0-1`).
fn pin(pid: u32, cores: &str) {
    let taskset = |pid: &str| {
        Command::new("taskset")
            .args(["-a", "-c", "-p", cores, pid])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(taskset(&pid.to_string()), "taskset {cores} {pid}");
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
    for child in children.split_whitespace() {
        // A child may have ended meanwhile.
        taskset(child);
    }
}

/// The parent of process `pid` (`/proc/PID/stat`, the field after the state).
fn parent_of(pid: u32) -> u32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    stat[stat.rfind(')').unwrap() + 2..]
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

/// A database of its own holding a year of `cases` (`year_of_cases`), and the employee
/// `bench-desk` of centre C1.
struct Bench {
    pool: PgPool,
    name: String,
    url: String,
    app: crate::harness::TestApp,
    desk: pilnvara::domain::ids::StaffId,
    /// C1's id.
    centre: i64,
}

impl Bench {
    async fn new(cases: i64) -> Self {
        use pilnvara::domain::staff::Role;
        let (pool, name) = crate::harness::fresh_named_database().await;
        year_of_cases(&pool, cases).await;
        let app = crate::harness::TestApp::on(pool.clone());
        let desk = app.user("bench-desk", Role::Employee, "C1", &[]).await;
        let centre = sqlx::query_scalar("SELECT id FROM centres WHERE code = 'C1'")
            .fetch_one(&pool)
            .await
            .unwrap();
        Self {
            url: crate::harness::database_url(&name),
            pool,
            name,
            app,
            desk,
            centre,
        }
    }

    /// The real `pilnvara serve` on this database, its data in `data`: the process and its
    /// base URL.
    async fn serve(&self, data: &std::path::Path) -> (tokio::process::Child, String) {
        let command = crate::harness::pilnvara_on(&self.url, data);
        let (server, address) = crate::harness::serving(command).await;
        (server, format!("http://{address}"))
    }
}

/// 64 clients of the server at `base` sharing one session of `who`, each with a connection of
/// its own (one sign-in: the sign-in limit per address would refuse 64).
async fn desks_of(base: &str, who: &str) -> Vec<std::sync::Arc<crate::harness::Client>> {
    use crate::harness::{Client, TEST_PASSWORD};
    let first = Client::new(base.to_owned());
    let signed_in = first.sign_in(who, TEST_PASSWORD).await;
    assert_eq!(signed_in.status, axum::http::StatusCode::SEE_OTHER);
    (0..64)
        .map(|_| {
            let desk = Client::new(base.to_owned());
            desk.set_cookie(&first.cookies());
            std::sync::Arc::new(desk)
        })
        .collect()
}

/// Each `$n` written as the pgbench variable `:{prefix}n`.
fn named(prefix: &'static str) -> impl Fn(usize) -> String {
    move |n| format!(":{prefix}{n}")
}

/// The floor's first statements, those of every request: the session's read (the session
/// store's, `web::session_store`) and the user.
fn signed_in_script() -> String {
    let session = session_read(|_| ":session".to_owned());
    let user = committed_statement(
        |q| {
            q.starts_with("SELECT s.id, s.username, s.full_name, s.roles AS \"roles: Vec<Role>\", s.centre_id, s.language")
        },
        named("u"),
    );
    format!("{session};\n{user};\n")
}

/// The session store's read of a session's record (`web::session_store`), as committed in
/// `.sqlx/`, each `$n` written as `value(n)`.
fn session_read(value: impl Fn(usize) -> String) -> String {
    committed_statement(
        |q| q.starts_with("SELECT data FROM tower_sessions.session WHERE id = $1"),
        value,
    )
}

/// The values of [`signed_in_script`]: a live session of the database's, and staff `who`.
async fn signed_in_values(pool: &PgPool, who: i64) -> Vec<(&'static str, String)> {
    let session: String = sqlx::query_scalar(
        "SELECT id FROM tower_sessions.session WHERE expiry_date > now() LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    vec![("session", session), ("u1", who.to_string())]
}

/// A case and its steps, as a case's page or form reads them (`web::cases::load`): the case
/// `case` of the user's centres `centres`, the steps of the cases `cases` (pgbench expressions).
fn case_read_script(case: &str, centres: &str, cases: &str) -> String {
    let find = committed_statement(
        |q| {
            q.contains("missing_eid_means_lv")
                && q.trim_end()
                    .ends_with("WHERE c.id = $1 AND c.centre_id = ANY($2)")
        },
        |n| [case, centres][n - 1].to_owned(),
    );
    let steps = committed_statement(
        |q| q.starts_with("SELECT cs.case_id AS \"case_id: CaseId\""),
        |_| cases.to_owned(),
    );
    format!("{find};\n{steps};\n")
}

/// An audit event appended inside its transaction (`audit::append`): the chain's head locked
/// and read (`:genesis` if new), then the event after it, in chain `chain` about case `case`
/// (pgbench expressions), its other values `:a3` … `:a13`.
fn append_script(chain: &str, case: &str) -> String {
    // pgbench names variables after the columns: the id's alias without sqlx's `!`.
    let head = committed_statement(
        |q| {
            q.starts_with(
                "INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, $2)",
            )
        },
        |n| [chain, ":genesis"][n - 1].to_owned(),
    )
    .replace("AS \"id!\"", "AS id");
    // The event follows the head it read: its sequence, the head's hash, the id drawn.
    let append = committed_statement(
        |q| q.starts_with("WITH appended AS ("),
        |n| match n {
            1 => chain.to_owned(),
            2 => ":next".to_owned(),
            5 => case.to_owned(),
            10 => ":head_hash".to_owned(),
            12 => ":head_id".to_owned(),
            n => format!(":a{n}"),
        },
    );
    format!("{head} \\gset head_\n\\set next :head_sequence + 1\n{append};\n")
}

/// An event's hash as pgbench writes it (it cannot compute one): 32 zero bytes, the genesis.
fn zero_hash() -> String {
    format!("\\x{}", hex::encode(pilnvara::audit::GENESIS))
}

/// /review's reads run in this process as the page runs them, through the store's own
/// functions, on `clients` connections of their own for `length`: the session's record (read,
/// not decoded), the user, the employees, the queue's first page, the centres and the
/// e-services of supervisor `lead` over `centres`. No HTTP, no layers, no template: what the
/// driver alone makes of the page's statements. Transactions a second.
async fn review_reads_in_process(
    url: &str,
    session: &str,
    lead: pilnvara::domain::ids::StaffId,
    centres: &[pilnvara::domain::ids::CentreId],
    clients: usize,
    length: std::time::Duration,
) -> f64 {
    use pilnvara::store;
    use sqlx::Connection as _;

    let mut connections = Vec::new();
    for _ in 0..clients {
        connections.push(sqlx::PgConnection::connect(url).await.unwrap());
    }
    let filter = std::sync::Arc::new(store::review::QueueFilter {
        centres: centres.to_vec(),
        ..Default::default()
    });
    let session = std::sync::Arc::<str>::from(session);
    let read = std::sync::Arc::<str>::from(session_read(|n| format!("${n}")));
    let until = Instant::now() + length;
    let runs = connections.into_iter().map(|mut connection| {
        let (filter, session, read) = (filter.clone(), session.clone(), read.clone());
        tokio::spawn(async move {
            let mut done = 0_u64;
            while Instant::now() < until {
                let record: Option<Vec<u8>> = sqlx::query_scalar(&read)
                    .bind(&*session)
                    .fetch_optional(&mut connection)
                    .await
                    .unwrap();
                assert!(record.is_some(), "the session is live");
                let user = store::staff::session_user(&mut connection, lead).await;
                assert!(user.unwrap().is_some(), "the supervisor is there");
                store::review::employees(&mut connection, &filter.centres)
                    .await
                    .unwrap();
                let page = pilnvara::domain::review::PAGE_SIZE + 1;
                store::review::queue(&mut connection, &filter, None, page)
                    .await
                    .unwrap();
                store::review::centres(&mut connection, &filter.centres)
                    .await
                    .unwrap();
                store::review::eservices(&mut connection).await.unwrap();
                done += 1;
            }
            done
        })
    });
    let mut done = 0;
    for run in runs.collect::<Vec<_>>() {
        done += run.await.unwrap();
    }
    done as f64 / length.as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark"]
async fn pages_under_load_beside_their_floor() {
    use crate::harness::Client;
    use pilnvara::domain::staff::Role;
    use pilnvara::service::demo::Goes;
    use std::sync::Arc;

    let (cases, length) = load_settings();
    let bench = Bench::new(cases).await;
    let (pool, url, app, desk, centre) = (
        &bench.pool,
        &bench.url,
        &bench.app,
        bench.desk,
        bench.centre,
    );
    let lead = app
        .user("bench-lead", Role::Supervisor, "C1", &["C1", "C2", "C3"])
        .await;
    let case = app
        .desk_case(centre.into(), desk, &crate::harness::CLIENT, Goes::Closed)
        .await;
    // The history written, vacuumed and on disk: no autovacuum, and no backend writing out
    // the generator's pages, while the pages and their floors are measured.
    for settle in ["VACUUM (ANALYZE)", "CHECKPOINT"] {
        sqlx::query(settle).execute(pool).await.unwrap();
    }
    let pages: [(&str, &'static str, String); 4] = [
        ("case page", "bench-desk", format!("/cases/{case}")),
        ("/cases", "bench-desk", "/cases".to_owned()),
        ("/review, 3 centres", "bench-lead", "/review".to_owned()),
        (
            "/figures, 3 centres × 12 months",
            "bench-lead",
            "/figures".to_owned(),
        ),
    ];
    let statements: Vec<usize> = pages
        .iter()
        .map(|(_, who, path)| statements_per_request(url.clone(), who, again(path)).len())
        .collect();

    let data = tempfile::tempdir().unwrap();
    let (mut server, base) = bench.serve(data.path()).await;
    let pid = server.id().unwrap();
    let _pinned = pinned_if_asked(pool, pid).await;
    let mut desks: std::collections::HashMap<&str, Vec<Arc<Client>>> = Default::default();
    for who in ["bench-desk", "bench-lead"] {
        desks.insert(who, desks_of(&base, who).await);
    }
    let (idle, _) = memory(pid);
    println!(
        "{cases} cases; server idle after start and two sign-ins: {idle} MiB resident; {length:?} a run\n"
    );
    println!("| page | statements | desks | req/s | p50 | p99 | not 200 | resident MiB |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut not_ok = 0;
    for ((title, who, path), statements) in pages.iter().zip(&statements) {
        for clients in [1, 16, 64] {
            let run = load(&desks[who][..clients], &again(path), length).await;
            not_ok += run.not_ok;
            let (resident, _) = memory(pid);
            println!(
                "| {title} | {statements} | {clients} | {:.0} | {:.1} ms | {:.1} ms | {} | {resident} |",
                run.per_second,
                run.p50.as_secs_f64() * 1000.0,
                run.p99.as_secs_f64() * 1000.0,
                run.not_ok
            );
        }
    }
    // What HTTP alone costs on this machine: the liveness check reads nothing (no session, no
    // database) and passes the same layers and the same load generator as every page.
    let mut http_alone = std::collections::HashMap::new();
    for clients in [1, 16, 64] {
        let run = load(&desks["bench-desk"][..clients], &again("/healthz"), length).await;
        println!(
            "| /healthz (HTTP alone) | 0 | {clients} | {:.0} | {:.1} ms | {:.1} ms | {} | {} |",
            run.per_second,
            run.p50.as_secs_f64() * 1000.0,
            run.p99.as_secs_f64() * 1000.0,
            run.not_ok,
            memory(pid).0
        );
        http_alone.insert(clients, run.per_second);
    }
    let (resident, peak) = memory(pid);
    println!("\nafter the runs: {resident} MiB resident, peak {peak} MiB\n");
    // As after a fault: no session left in a transaction, the chains and the roll-up sound.
    // (Checked here: the case page's floor below appends to the access chain through pgbench,
    // which cannot compute an event's hash.)
    crate::faults::assert_sound(pool).await;

    // Each page's floor: the statements it sends (as committed in .sqlx/), with the values it
    // sends, run by pgbench.
    let statement = |starts: &'static str| {
        committed_statement(move |q| q.trim_start().starts_with(starts), named("x"))
    };
    // A list's cursor and the review queue's filters are not set: the page sends NULL.
    let open_cases = committed_statement(
        |q| q.contains("c.opened_by = $1 AND c.status = 'open'"),
        |n| {
            if n == 3 {
                "NULL".to_owned()
            } else {
                format!(":o{n}")
            }
        },
    );
    let awaiting = committed_statement(
        |q| q.trim_start().starts_with("WITH after AS ("),
        |n| {
            if n == 2 {
                "NULL".to_owned()
            } else {
                format!(":w{n}")
            }
        },
    );
    let finished = committed_statement(
        |q| {
            q.contains("FROM centres_of_scope($1) AS centre (id)")
                && q.contains("k.status <> 'open'")
        },
        named("f"),
    );
    // The clients not yet told of a failed message, and the reminders of planned times passed.
    let untold = committed_statement(
        |q| q.contains("ORDER BY m.failed_at DESC LIMIT $2"),
        named("m"),
    );
    let reminders = committed_statement(
        |q| q.contains("s.step = 'planned-time'") && q.contains("ORDER BY 2, c.id"),
        named("p"),
    );
    let employees = statement("SELECT s.id, s.centre_id, c.code AS centre_code, s.full_name");
    let queue = committed_statement(
        |q| q.contains("FROM centres_of_scope($1) AS scope (centre_id)"),
        |n| match n {
            1 => ":x1".to_owned(),
            _ => "NULL".to_owned(),
        },
    );
    let centres = statement("SELECT id, code, name FROM centres WHERE id = ANY($1)");
    let eservices = statement("SELECT id, code, name_lv, name_en FROM eservices ORDER BY code");
    // The figures as a load run asks for them: again and again, nothing changed, so the tables
    // laid out before are shown after the centres' change counts are read (the roll-up's rows,
    // laid out anew, are scale::figures_for_every_centre_over_a_year's).
    let changes = committed_statement(
        |q| q.contains("FROM figures_changes") && q.contains("ORDER BY centre_id"),
        named("x"),
    );
    let signed_in = signed_in_script();
    let case_script = format!(
        "{signed_in}{}BEGIN;\n{}COMMIT;\n",
        case_read_script(":c1", ":c2", ":s1"),
        append_script(":a1", ":a5")
    );
    let cases_script =
        format!("{signed_in}{open_cases};\n{awaiting};\n{finished};\n{untold};\n{reminders};\n");
    let review_script = format!("{signed_in}{employees};\n{queue};\n{centres};\n{eservices};\n");
    let figures_script = format!("{signed_in}{centres};\n{eservices};\n{changes};\n");
    let led: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM centres WHERE code IN ('C1', 'C2', 'C3') ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let led_ids: Vec<pilnvara::domain::ids::CentreId> =
        led.iter().copied().map(Into::into).collect();
    let led = format!(
        "{{{}}}",
        led.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let mut case_values = signed_in_values(pool, desk.0).await;
    case_values.extend([
        ("c1", case.to_string()),
        ("c2", format!("{{{centre}}}")),
        ("s1", format!("{{{case}}}")),
        ("genesis", zero_hash()),
        ("a1", format!("access:{centre}")),
        ("a3", "now".to_owned()),
        ("a4", centre.to_string()),
        ("a6", desk.0.to_string()),
        ("a7", "bench".to_owned()),
        ("a8", "personal-data-viewed".to_owned()),
        ("a9", r#"{"page":"case"}"#.to_owned()),
        ("a11", zero_hash()),
        ("a13", pilnvara::audit::HASH_VERSION.to_string()),
    ]);
    let mut cases_values = signed_in_values(pool, desk.0).await;
    cases_values.extend([
        ("o1", desk.0.to_string()),
        ("o2", format!("{{{centre}}}")),
        ("o4", (pilnvara::store::cases::PAGE_SIZE + 1).to_string()),
        ("w1", format!("{{{centre}}}")),
        ("f1", format!("{{{centre}}}")),
        ("m1", format!("{{{centre}}}")),
        ("m2", "50".to_owned()),
        ("p1", format!("{{{centre}}}")),
        (
            "p2",
            pilnvara::domain::today_in_riga(Utc::now()).to_string(),
        ),
        ("p3", "50".to_owned()),
    ]);
    let mut review_values = signed_in_values(pool, lead.0).await;
    let (_, review_values_session) = review_values
        .iter()
        .find(|(name, _)| *name == "session")
        .cloned()
        .unwrap();
    review_values.push(("x1", led.clone()));
    let mut figures_values = signed_in_values(pool, lead.0).await;
    figures_values.push(("x1", led));
    let floors = [
        (case_script, case_values),
        (cases_script, cases_values),
        (review_script, review_values),
        (figures_script, figures_values),
    ];
    // Beside the floor, the floor with HTTP alone added: a request's time is the statements'
    // plus an HTTP exchange's, so `page ÷ (floor + HTTP)` is what is left to the server's own
    // work (the session, the templates, the layers).
    // Where the CPU goes, per request (ms): the server's, PostgreSQL's (the machine's less the
    // processes named) and the load generator's (this process) for the page; PostgreSQL's and
    // pgbench's for its floor.
    println!(
        "| page | desks | page req/s | floor (pgbench) tps | page ÷ floor | page ÷ (floor + HTTP alone) | CPU ms per page: server / PostgreSQL / load | CPU ms per floor: PostgreSQL / pgbench |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let server_pid = pid.to_string();
    // [machine, server, this process, its reaped children (pgbench)]
    let used = || {
        let (own, reaped) = cpu_ms("self");
        [machine_cpu_ms(), cpu_ms(&server_pid).0, own, reaped]
    };
    let mut review_floors = std::collections::HashMap::new();
    for ((title, who, path), (script, values)) in pages.iter().zip(&floors) {
        for clients in [1, 16, 64] {
            // A second of the same load first, not counted: the run before (a floor of 64
            // clients) leaves the machine's caches to another workload.
            load(&desks[who][..clients], &again(path), WARM_UP).await;
            let before = used();
            let page = load(&desks[who][..clients], &again(path), length).await;
            let [machine, server, load_generator, _] = difference(used(), before);
            let per_request = |ms: f64| ms / (page.per_second * length.as_secs_f64());
            let page_cpu = format!(
                "{:.2} / {:.2} / {:.2}",
                per_request(server),
                per_request(machine - server - load_generator),
                per_request(load_generator)
            );
            let before = used();
            let floor = pgbench(url, script, values, clients, length);
            let [machine, server, waiting, pgbench_cpu] = difference(used(), before);
            if path.as_str() == "/review" {
                review_floors.insert(clients, floor);
            }
            let per_transaction = |ms: f64| ms / (floor * length.as_secs_f64());
            let floor_cpu = format!(
                "{:.2} / {:.2}",
                per_transaction(machine - server - waiting - pgbench_cpu),
                per_transaction(pgbench_cpu)
            );
            let floor_and_http = 1.0 / (1.0 / floor + 1.0 / http_alone[&clients]);
            println!(
                "| {title} | {clients} | {:.0} | {floor:.0} | {:.2} | {:.2} | {page_cpu} | {floor_cpu} |",
                page.per_second,
                page.per_second / floor,
                page.per_second / floor_and_http
            );
            not_ok += page.not_ok;
        }
    }
    // /review's reads without the server around them (the driver alone), beside its floor.
    println!(
        "\n| /review's reads in this process | connections | transactions/s | ÷ floor | CPU ms per transaction: this process / PostgreSQL |"
    );
    println!("|---|---|---|---|---|");
    for clients in [1, 16, 64] {
        let before = used();
        let done =
            review_reads_in_process(url, &review_values_session, lead, &led_ids, clients, length)
                .await;
        let [machine, server, own, _] = difference(used(), before);
        let per_transaction = |ms: f64| ms / (done * length.as_secs_f64());
        println!(
            "| /review, 3 centres | {clients} | {done:.0} | {:.2} | {:.2} / {:.2} |",
            done / review_floors[&clients],
            per_transaction(own),
            per_transaction(machine - server - own)
        );
    }
    assert_eq!(not_ok, 0, "every page answered 200 under load");
    assert!(crate::harness::terminate(&mut server).await);
}

/// `count` copies of the open case `template`, waiting for the same duty: its columns and
/// steps, salts of their own, and their chains as the server writes them (opened, then each
/// duty recorded, every event committing what it wrote). Their first and last ids, which
/// follow each other.
async fn copies_of_case(pool: &PgPool, template: i64, count: i64) -> (i64, i64) {
    let (first, last): (i64, i64) = sqlx::query_as(
        "WITH made AS (
             INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step, version,
                 gives_planned_time, gives_result, missing_eid_means, client_given_names,
                 client_surnames, client_name_key, client_personal_code, personal_code_hmac,
                 client_wants_result, notify_channel, notify_contact, retention_until,
                 opened_at, employee_eid_confirmation)
             SELECT centre_id, eservice_id, opened_by, status, next_step, version,
                    gives_planned_time, gives_result, missing_eid_means, client_given_names,
                    client_surnames, client_name_key, client_personal_code, personal_code_hmac,
                    client_wants_result, notify_channel, notify_contact, retention_until,
                    opened_at, employee_eid_confirmation
             FROM cases CROSS JOIN generate_series(1, $2)
             WHERE id = $1
             RETURNING id)
         SELECT min(id), max(id) FROM made",
    )
    .bind(template)
    .bind(count)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(last - first + 1, count, "the copies' ids follow each other");
    sqlx::query(
        "INSERT INTO case_steps (case_id, step, outcome, reason, data, recorded_by, recorded_at)
         SELECT c.id, s.step, s.outcome, s.reason, s.data, s.recorded_by, s.recorded_at
         FROM generate_series($2::bigint, $3::bigint) AS c (id)
         CROSS JOIN case_steps s WHERE s.case_id = $1 ORDER BY c.id, s.id",
    )
    .bind(template)
    .bind(first)
    .bind(last)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO case_salts (case_id, salt)
         SELECT id, sha256(('salt' || id)::bytea) FROM generate_series($1::bigint, $2::bigint) id",
    )
    .bind(first)
    .bind(last)
    .execute(pool)
    .await
    .unwrap();
    let (centre, actor, opened_at): (i64, i64, chrono::DateTime<Utc>) =
        sqlx::query_as("SELECT centre_id, opened_by, opened_at FROM cases WHERE id = $1")
            .bind(template)
            .fetch_one(pool)
            .await
            .unwrap();
    let recorded: Vec<String> = sqlx::query_scalar(
        "SELECT step FROM case_steps WHERE case_id = $1 AND outcome = 'recorded' ORDER BY id",
    )
    .bind(template)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut events = vec![Generated::opened()];
    events.extend(
        recorded
            .iter()
            .map(|slug| Generated::step(Step::from_slug(slug).unwrap())),
    );
    write_chains(pool, (first, last), &events, (centre, actor), opened_at).await;
    (first, last)
}

/// What recording a duty wrote about case `id`, the ids and times left out: the case's state,
/// its steps, and the last event of its chain.
async fn what_the_step_wrote(pool: &PgPool, id: i64) -> String {
    sqlx::query_scalar(
        "SELECT jsonb_build_array(c.status, c.next_step, c.version, c.portal_reference,
                    c.submitted_at IS NOT NULL,
                    (SELECT jsonb_agg(jsonb_build_array(s.step, s.outcome, s.reason, s.data,
                                                        s.recorded_by) ORDER BY s.id)
                     FROM case_steps s WHERE s.case_id = c.id),
                    (SELECT jsonb_build_array(e.sequence, e.action, e.details, e.centre_id,
                                              e.case_id = c.id, e.actor_id, e.session_tag)
                     FROM audit_events e WHERE e.chain = 'case:' || c.id
                     ORDER BY e.sequence DESC LIMIT 1))::text
         FROM cases c WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The step POST beside its floor: 22.¹5 (the e-service was applied for) recorded by 1, 16 and
/// 64 desks, each on its next fresh case, against pgbench sending the same statements on
/// fresh cases of its own. A benchmark: see docs/performance.md, "The step POST under load".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark"]
async fn step_post_beside_its_floor() {
    use pilnvara::service::demo::Goes;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    let (cases, length) = load_settings();
    // Fresh cases for each side: enough for 2,000 duties a second over the three runs.
    let fresh = setting(
        "PILNVARA_BENCH_FRESH",
        3 * 2_000 * i64::try_from(length.as_secs()).unwrap(),
    );
    let bench = Bench::new(cases).await;
    let (desk, centre) = (bench.desk, bench.centre);
    // One case carried to 22.¹5 at the desk, through the services; then its copies.
    let template = bench
        .app
        .desk_case(
            centre.into(),
            desk,
            &crate::harness::CLIENT,
            Goes::To(Step::DataProcessing),
        )
        .await;
    let started = Instant::now();
    // The page side's (two more, for counting its statements), then the floor's.
    let (first, last) = copies_of_case(&bench.pool, template.0, 2 * fresh + 2).await;
    let (page_last, floor_first) = (first + fresh + 1, first + fresh + 2);
    sqlx::query("ANALYZE").execute(&bench.pool).await.unwrap();
    let version: i32 = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
        .bind(template.0)
        .fetch_one(&bench.pool)
        .await
        .unwrap();
    println!(
        "{cases} cases; {} copies of a case at 22.¹5 made in {:.1} s",
        2 * fresh + 2,
        started.elapsed().as_secs_f64()
    );
    let next = Arc::new(AtomicI64::new(first));
    let posts: Requests = Arc::new(move || {
        let id = next.fetch_add(1, Ordering::SeqCst);
        assert!(
            id <= page_last,
            "the fresh cases ran out: raise PILNVARA_BENCH_FRESH"
        );
        let form = [("reference", "PORTAL-REF-77"), ("submitted_at", "")];
        let mut form: Vec<(String, String)> = form
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        form.push(("version".to_owned(), version.to_string()));
        Request::Post(format!("/cases/{id}/steps/submission"), form)
    });
    let sent = statements_per_request(bench.url.clone(), "bench-desk", posts.clone());
    let statements = sent.len();
    println!(
        "one step POST sends {statements} statements (and BEGIN):\n{}\n",
        sent.join("\n")
    );

    // What the counted POST wrote, for the floor to write the same.
    let counted = first + 1;
    let (data, next_step, reference): (String, String, String) = sqlx::query_as(
        "SELECT s.data::text, c.next_step, c.portal_reference
         FROM case_steps s JOIN cases c ON c.id = s.case_id
         WHERE s.case_id = $1 AND s.step = 'submission'",
    )
    .bind(counted)
    .fetch_one(&bench.pool)
    .await
    .unwrap();
    let (tag, details): (String, String) = sqlx::query_as(
        "SELECT session_tag, details::text FROM audit_events
         WHERE chain = $1 AND action = 'step-recorded' ORDER BY sequence DESC LIMIT 1",
    )
    .bind(format!("case:{counted}"))
    .fetch_one(&bench.pool)
    .await
    .unwrap();
    // The floor writes events pgbench cannot hash: it runs in a copy of the database (the
    // session of the count's sign-in included), so that the trail the page side writes
    // verifies afterwards.
    bench.pool.close().await;
    let (floor_pool, floor_name) = crate::harness::copy_of_database(&bench.name).await;
    let floor_url = crate::harness::database_url(&floor_name);
    let pool = PgPool::connect(&bench.url).await.unwrap();
    // The step's transaction, as `service::cases::record_step` sends it for 22.¹5.
    let lock = committed_statement(
        |q| q.contains("missing_eid_means_lv") && q.trim_end().ends_with("FOR UPDATE OF c"),
        |n| [":id", ":centres"][n - 1].to_owned(),
    );
    let insert = committed_statement(
        |q| q.starts_with("INSERT INTO case_steps (case_id, step, outcome, reason, data,"),
        |n| match n {
            1 => ":id".to_owned(),
            4 => "NULL".to_owned(),
            n => format!(":i{n}"),
        },
    );
    // The columns 22.¹5 leaves as they are: `None`, sent as NULL.
    let advance = committed_statement(
        |q| {
            q.starts_with("UPDATE cases SET")
                && q.contains("COALESCE($16, employee_eid_confirmation)")
        },
        |n| match n {
            1 => ":id".to_owned(),
            2 | 3 | 12 | 13 | 14 => format!(":d{n}"),
            _ => "NULL".to_owned(),
        },
    );
    // The commitments of the step and the submission: the case row and its steps read back.
    let ids = "ARRAY[:id::bigint]";
    let record = committed_statement(
        |q| q.contains("FROM cases c LEFT JOIN case_salts s ON s.case_id = c.id"),
        |_| ids.to_owned(),
    );
    let steps = committed_statement(
        |q| q.contains("FROM case_steps WHERE case_id = ANY($1) ORDER BY case_id, id"),
        |_| ids.to_owned(),
    );
    // Client `c` of `clients` takes the cases first + c, first + c + clients, …: each
    // transaction a fresh case, found by two client-side `\set`s.
    let script = format!(
        "\\set id :first + :client_id + :clients * :n\n\\set n :n + 1\n{}{}BEGIN;\n{lock};\n\
         {insert};\n{advance};\n{record};\n{steps};\n{}COMMIT;\n",
        signed_in_script(),
        case_read_script(":id", ":centres", ids),
        append_script("'case:' || :id::text", ":id"),
    );
    // The floor sends the POST's statements in its order, each beginning as the POST's does.
    let floor: Vec<&str> = script
        .lines()
        .filter(|line| !line.starts_with('\\') && *line != "BEGIN;")
        .collect();
    assert_eq!(floor.len(), statements, "{script}");
    for (floor, summary) in floor.iter().zip(&sent) {
        let words = summary.trim_end_matches(" …");
        assert!(floor.starts_with(words), "{floor} is not {summary}");
    }
    let mut values = signed_in_values(&floor_pool, desk.0).await;
    values.extend([
        ("centres", format!("{{{centre}}}")),
        ("i2", Step::Submission.slug().to_owned()),
        ("i3", "recorded".to_owned()),
        ("i5", data),
        ("i6", desk.0.to_string()),
        ("i7", "now".to_owned()),
        ("d2", "open".to_owned()),
        ("d3", next_step),
        ("d12", reference),
        ("d13", "now".to_owned()),
        ("d14", "now".to_owned()),
        ("genesis", zero_hash()),
        ("a3", "now".to_owned()),
        ("a4", centre.to_string()),
        ("a6", desk.0.to_string()),
        ("a7", tag),
        ("a8", "step-recorded".to_owned()),
        ("a9", details),
        ("a11", zero_hash()),
        ("a13", pilnvara::audit::HASH_VERSION.to_string()),
    ]);

    let data_dir = tempfile::tempdir().unwrap();
    let (mut server, base) = bench.serve(data_dir.path()).await;
    let pid = server.id().unwrap();
    let desks = desks_of(&base, "bench-desk").await;
    let (mut runs, mut floors) = (Vec::new(), Vec::new());
    let mut floor_next = floor_first;
    for clients in [1, 16, 64] {
        let run = load(&desks[..clients], &posts, length).await;
        let (resident, _) = memory(pid);
        let mut run_values = values.clone();
        run_values.extend([
            ("first", floor_next.to_string()),
            ("clients", clients.to_string()),
            ("n", "0".to_owned()),
        ]);
        let floor = pgbench(&floor_url, &script, &run_values, clients, length);
        let used: Option<i64> = sqlx::query_scalar(
            "SELECT max(case_id) FROM case_steps
             WHERE step = 'submission' AND case_id BETWEEN $1 AND $2",
        )
        .bind(floor_next)
        .bind(last)
        .fetch_one(&floor_pool)
        .await
        .unwrap();
        floor_next = used.expect("the floor recorded duties") + 1;
        runs.push(format!(
            "| step POST, 22.¹5 | {statements} | {clients} | {:.0} | {:.1} ms | {:.1} ms | {} | {resident} |",
            run.per_second,
            run.p50.as_secs_f64() * 1000.0,
            run.p99.as_secs_f64() * 1000.0,
            run.not_ok
        ));
        floors.push(format!(
            "| step POST, 22.¹5 | {clients} | {:.0} | {floor:.0} | {:.2} |",
            run.per_second,
            run.per_second / floor
        ));
    }
    println!("| request | statements | desks | req/s | p50 | p99 | not 303 | resident MiB |");
    println!("|---|---|---|---|---|---|---|---|");
    println!("{}\n", runs.join("\n"));
    println!("| request | desks | req/s | floor tps | ratio |");
    println!("|---|---|---|---|---|");
    println!("{}\n", floors.join("\n"));
    assert!(floor_next <= last, "the floor's fresh cases ran out");
    assert_eq!(
        what_the_step_wrote(&floor_pool, floor_first).await,
        what_the_step_wrote(&pool, counted).await,
        "the floor writes what the POST wrote"
    );

    // As after a fault: no session left in a transaction, the chains and the roll-up sound.
    crate::faults::assert_sound(&pool).await;
    assert!(crate::harness::terminate(&mut server).await);
    let (out, seconds, _) = timed(&bench.url, data_dir.path(), &["audit", "verify"]);
    println!("audit verify, {seconds:.1} s:\n{out}");
}
