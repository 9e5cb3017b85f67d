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
//! `/usr/bin/time -v` for peak memory). Results go to docs/performance.md.

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
    let steps = [
        (Step::Identity, Some(Part::Client)),
        (Step::EmployeeEid, None),
        (Step::Authorisation, Some(Part::Contact)),
        (Step::DataProcessing, None),
        (Step::Submission, Some(Part::Submission)),
        (Step::PlannedTime, None),
        (Step::Result, None),
    ];
    let mut next_id = 1_i64;
    let mut after = 0_i64;
    let at = Utc::now() - TimeDelta::days(1);
    loop {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(PAGE)
                .fetch_all(pool)
                .await
                .unwrap();
        let Some(&last) = ids.last() else { break };
        let mut connection = pool.acquire().await.unwrap();
        let records = commitment::load(&mut connection, &ids).await.unwrap();
        drop(connection);
        let mut rows = Columns::default();
        for record in &records {
            let chain = format!("case:{}", record.case_id);
            let mut events: Vec<(&str, serde_json::Value)> = vec![(
                "case-opened",
                json!({ "commits": record.commits(&[Part::Case, Part::Retention]) }),
            )];
            for (step, group) in &steps {
                let mut parts = vec![Part::step(*step)];
                parts.extend(group.clone());
                events.push((
                    "step-recorded",
                    json!({ "step": step.slug(), "commits": record.commits(&parts) }),
                ));
            }
            events.push((
                "case-closed",
                json!({ "commits": record.commits(&[Part::Closed]) }),
            ));
            events.push((
                "receipt-printed",
                json!({ "authorisation_number": "BENCH-1" }),
            ));
            let mut prev = GENESIS.to_vec();
            for (sequence, (action, details)) in (1_i64..).zip(events) {
                let hash = event_hash(&HashInput {
                    version: HASH_VERSION,
                    id: next_id,
                    chain: &chain,
                    sequence,
                    occurred_at: at,
                    centre_id: Some(1),
                    case_id: Some(record.case_id),
                    actor_id: Some(1),
                    session_tag: Some("bench"),
                    action,
                    details: &details,
                    prev_hash: &prev,
                })
                .to_vec();
                rows.ids.push(next_id);
                rows.chains.push(chain.clone());
                rows.sequences.push(sequence);
                rows.cases.push(record.case_id);
                rows.actions.push(action.to_owned());
                rows.details.push(details.to_string());
                rows.prevs.push(std::mem::replace(&mut prev, hash.clone()));
                rows.hashes.push(hash);
                next_id += 1;
            }
            rows.heads.push((chain, prev));
        }
        sqlx::query(
            "INSERT INTO audit_events (id, chain, sequence, occurred_at, centre_id, case_id,
                 actor_id, session_tag, action, details, prev_hash, hash, hash_version)
             OVERRIDING SYSTEM VALUE
             SELECT id, chain, sequence, $7, 1, case_id, 1, 'bench', action, details::jsonb,
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
        .execute(pool)
        .await
        .unwrap();
        let (chains, head_hashes): (Vec<String>, Vec<Vec<u8>>) = rows.heads.into_iter().unzip();
        sqlx::query(
            "INSERT INTO audit_chain_heads (chain, sequence, hash)
             SELECT chain, 10, hash FROM unnest($1::text[], $2::bytea[]) AS h (chain, hash)",
        )
        .bind(&chains)
        .bind(&head_hashes)
        .execute(pool)
        .await
        .unwrap();
        after = last;
    }
    sqlx::query("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), $1)")
        .bind(next_id)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    println!(
        "{} events generated in {:.1} s",
        next_id - 1,
        started.elapsed().as_secs_f64()
    );
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
    let cases: i64 = std::env::var("PILNVARA_BENCH_CASES")
        .map(|n| n.parse().unwrap())
        .unwrap_or(100_000);
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
#[tokio::test]
#[ignore = "a benchmark"]
async fn figures_for_every_centre_over_a_year() {
    use pilnvara::domain::figures::{month_of, months_back};
    use pilnvara::domain::ids::CentreId;
    use pilnvara::store::figures::{Scope, read};

    let cases: i64 = std::env::var("PILNVARA_BENCH_CASES")
        .map(|n| n.parse().unwrap())
        .unwrap_or(240_000);
    let app = crate::harness::TestApp::new().await;
    let pool = &app.pool;
    let started = Instant::now();
    for sql in [
        "INSERT INTO centres (code, name) SELECT 'C' || n, 'Centrs ' || n FROM generate_series(1, 170) n",
        "INSERT INTO staff (username, full_name, roles, centre_id, password_hash)
         SELECT 'e' || id, 'Darbinieks', '{employee}', id, 'x' FROM centres WHERE code LIKE 'C%'",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    // A year of cases, spread over the centres and the catalogue's e-services: 85 % closed,
    // 10 % stopped, 5 % open (half of those awaiting the result); each insert goes through the
    // trigger that keeps the roll-up, as the desk's would.
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
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    println!(
        "{cases} cases generated (the trigger keeping the roll-up) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        pilnvara::store::figures::differences(pool).await.unwrap(),
        [0, 0, 0]
    );

    let centres: Vec<CentreId> = sqlx::query_scalar("SELECT id FROM centres")
        .fetch_all(pool)
        .await
        .unwrap();
    let today = pilnvara::domain::today_in_riga(Utc::now());
    let (first, last) = (months_back(today, 12), month_of(today));
    let once = move |pool: PgPool, centres: Vec<CentreId>| async move {
        let started = Instant::now();
        let scope = Scope {
            centres: &centres,
            first,
            last,
        };
        let figures = read(&pool, &scope, Utc::now()).await.unwrap();
        assert!(!figures.is_empty());
        started.elapsed()
    };
    let p50 = |mut times: Vec<std::time::Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let mut alone = Vec::new();
    for _ in 0..21 {
        alone.push(once(pool.clone(), centres.clone()).await);
    }
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (pool, centres) = (pool.clone(), centres.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..10 {
                times.push(once(pool.clone(), centres.clone()).await);
            }
            times
        }));
    }
    let mut together = Vec::new();
    for task in tasks {
        together.extend(task.await.unwrap());
    }
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
}
