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
//! against the server process from 1, 16 and 64 desks and the case page's statements under
//! pgbench. Results go to docs/performance.md.

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
/// 170 centres (C1 … C170) with an employee each, and a year of `cases` spread over them and
/// the catalogue's e-services: 85 % closed, 10 % stopped, 5 % open (half of those awaiting the
/// result); each insert goes through the trigger that keeps the roll-up, as the desk's would.
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
}

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
    year_of_cases(pool, cases).await;
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
        let figures = read(&mut pool.acquire().await.unwrap(), &scope, Utc::now())
            .await
            .unwrap();
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

/// What one page did under load: answers, their latencies, and the answers that were not 200.
struct Run {
    per_second: f64,
    p50: std::time::Duration,
    p99: std::time::Duration,
    not_ok: usize,
}

/// Every desk GETs `path` again and again for `length`.
async fn load(
    desks: &[std::sync::Arc<crate::harness::Client>],
    path: &str,
    length: std::time::Duration,
) -> Run {
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = desks
        .iter()
        .map(|desk| {
            let (desk, path) = (desk.clone(), path.to_owned());
            tokio::spawn(async move {
                let (mut times, mut not_ok) = (Vec::new(), 0);
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    if desk.get(&path).await.status != axum::http::StatusCode::OK {
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

/// Counts the statements sqlx sends (its `sqlx::query` events; `BEGIN` is not among them).
struct Statements(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// The statements one GET of `path` by `username` sends, the page served in-process on a
/// thread of its own whose every task reports to a counting subscriber.
fn statements_per_request(database: String, username: &'static str, path: String) -> usize {
    use tracing_subscriber::layer::SubscriberExt as _;

    std::thread::spawn(move || {
        let counted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let subscriber = tracing_subscriber::registry().with(Statements(counted.clone()));
        let _counting = tracing::subscriber::set_default(subscriber);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            // One connection, warmed once: its type cache filled, the count is the page's.
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&database)
                .await
                .unwrap();
            let app = crate::harness::TestApp::on(pool);
            let client = app.signed_in(username).await;
            // Once to fill the connection's caches, then counted.
            client.get(&path).await;
            let before = counted.load(std::sync::atomic::Ordering::SeqCst);
            assert_eq!(client.get(&path).await.status, axum::http::StatusCode::OK);
            counted.load(std::sync::atomic::Ordering::SeqCst) - before
        })
    })
    .join()
    .unwrap()
}

/// The SQL of the committed query that `matches`, on one line, with each `$n` written as
/// `value(n)` says: a pgbench variable (`:name`) or a literal (`NULL` for a filter not set).
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
    for n in (1..=20).rev() {
        sql = sql.replace(&format!("${n}"), &value(n));
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark"]
async fn pages_under_load_beside_their_floor() {
    use crate::harness::{Client, TEST_PASSWORD, database_url, fresh_named_database, serving};
    use pilnvara::domain::staff::Role;
    use pilnvara::service::demo::Goes;
    use std::sync::Arc;
    use std::time::Duration;

    let cases: i64 = std::env::var("PILNVARA_BENCH_CASES")
        .map(|n| n.parse().unwrap())
        .unwrap_or(240_000);
    let length = Duration::from_secs(
        std::env::var("PILNVARA_BENCH_SECONDS")
            .map(|n| n.parse().unwrap())
            .unwrap_or(10),
    );
    let (pool, name) = fresh_named_database().await;
    let url = database_url(&name);
    year_of_cases(&pool, cases).await;
    let app = crate::harness::TestApp::on(pool.clone());
    let desk = app.user("bench-desk", Role::Employee, "C1", &[]).await;
    let lead = app
        .user("bench-lead", Role::Supervisor, "C1", &["C1", "C2", "C3"])
        .await;
    let centre: i64 = sqlx::query_scalar("SELECT id FROM centres WHERE code = 'C1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let case = app
        .desk_case(centre.into(), desk, &crate::harness::CLIENT, Goes::Closed)
        .await;
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
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
        .map(|(_, who, path)| statements_per_request(url.clone(), who, path.clone()))
        .collect();

    let data = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_pilnvara"));
    command
        .env("DATABASE_URL", &url)
        .env("PILNVARA_DATA_DIR", data.path());
    let (mut server, address) = serving(tokio::process::Command::from(command)).await;
    let pid = server.id().unwrap();
    let base = format!("http://{address}");
    let mut desks: std::collections::HashMap<&str, Vec<Arc<Client>>> = Default::default();
    // One sign-in each (the sign-in limit per address would refuse 128), its session shared by
    // the 64 clients of that person: each has a connection of its own.
    for who in ["bench-desk", "bench-lead"] {
        let first = Client::new(base.clone());
        let signed_in = first.sign_in(who, TEST_PASSWORD).await;
        assert_eq!(signed_in.status, axum::http::StatusCode::SEE_OTHER);
        for _ in 0..64 {
            let desk = Client::new(base.clone());
            desk.set_cookie(&first.cookies());
            desks.entry(who).or_default().push(Arc::new(desk));
        }
    }
    let (idle, _) = memory(pid);
    println!(
        "{cases} cases; server idle after start and two sign-ins: {idle} MiB resident; {length:?} a run\n"
    );
    println!("| page | statements | desks | req/s | p50 | p99 | not 200 | resident MiB |");
    println!("|---|---|---|---|---|---|---|---|");
    for ((title, who, path), statements) in pages.iter().zip(&statements) {
        for clients in [1, 16, 64] {
            let run = load(&desks[who][..clients], path, length).await;
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
    let (resident, peak) = memory(pid);
    println!("\nafter the runs: {resident} MiB resident, peak {peak} MiB\n");

    // Each page's floor: the statements it sends (as committed in .sqlx/; the session's read
    // as tower-sessions words it), with the values it sends, run by pgbench.
    let named = |prefix: &'static str| move |n: usize| format!(":{prefix}{n}");
    let statement = |starts: &'static str| {
        committed_statement(move |q| q.trim_start().starts_with(starts), named("x"))
    };
    let session = "select data from \"tower_sessions\".\"session\" where id = :session and expiry_date > :now;";
    let user = committed_statement(
        |q| {
            q.starts_with("SELECT s.id, s.username, s.full_name, s.roles AS \"roles: Vec<Role>\", s.centre_id, s.language")
        },
        named("u"),
    );
    let find = committed_statement(
        |q| {
            q.contains("missing_eid_means_lv")
                && q.trim_end()
                    .ends_with("WHERE c.id = $1 AND c.centre_id = ANY($2)")
        },
        named("c"),
    );
    let steps = committed_statement(
        |q| q.starts_with("SELECT cs.case_id AS \"case_id: CaseId\""),
        named("s"),
    );
    // pgbench names variables after the columns: the id's alias without sqlx's `!`.
    let head = committed_statement(
        |q| {
            q.starts_with(
                "INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ($1, 0, $2)",
            )
        },
        named("h"),
    )
    .replace("AS \"id!\"", "AS id");
    // The event follows the head it read: its sequence, the head's hash, the id drawn.
    let append = committed_statement(
        |q| q.starts_with("WITH appended AS ("),
        |n| match n {
            2 => ":next".to_owned(),
            10 => ":head_hash".to_owned(),
            12 => ":head_id".to_owned(),
            n => format!(":a{n}"),
        },
    );
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
        |q| q.contains("ORDER BY coalesce(k.closed_at, k.stopped_at) DESC, k.id DESC LIMIT $2"),
        named("f"),
    );
    let employees = statement("SELECT s.id, s.centre_id, c.code AS centre_code, s.full_name");
    let queue = committed_statement(
        |q| q.contains("FROM unnest($1::bigint[]) AS scope (centre_id)"),
        |n| match n {
            1 => ":x1".to_owned(),
            11 => ":limit".to_owned(),
            _ => "NULL".to_owned(),
        },
    );
    let centres = statement("SELECT id, code, name FROM centres WHERE id = ANY($1)");
    let eservices = statement("SELECT id, code, name_lv, name_en FROM eservices ORDER BY code");
    let roll_up = |table: &'static str| {
        committed_statement(
            move |q| q.contains(&format!("FROM {table}")) && q.contains("centre_id = ANY($1)"),
            named("r"),
        )
    };
    let signed_in = format!("{session}\n{user};\n");
    let case_script = format!(
        "{signed_in}{find};\n{steps};\nBEGIN;\n{head} \\gset head_\n\
         \\set next :head_sequence + 1\n{append};\nCOMMIT;\n"
    );
    let cases_script = format!("{signed_in}{open_cases};\n{awaiting};\n{finished};\n");
    let review_script = format!("{signed_in}{employees};\n{queue};\n{centres};\n{eservices};\n");
    let figures_script = format!(
        "{signed_in}{centres};\n{};\n{};\n{};\n{eservices};\n",
        roll_up("figures_months"),
        roll_up("figures_stops"),
        roll_up("figures_awaiting"),
    );
    let session_id: String = sqlx::query_scalar("SELECT id FROM tower_sessions.session LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let led: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM centres WHERE code IN ('C1', 'C2', 'C3') ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let led = format!(
        "{{{}}}",
        led.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let today = pilnvara::domain::today_in_riga(Utc::now());
    let first =
        pilnvara::domain::figures::months_back(today, pilnvara::domain::figures::DEFAULT_MONTHS);
    let until = pilnvara::domain::figures::next_month(today);
    let chain = format!("access:{centre}");
    let hash = format!("\\x{}", "00".repeat(32));
    let own = |who: i64| {
        vec![
            ("session", session_id.clone()),
            ("now", "now".to_owned()),
            ("u1", who.to_string()),
        ]
    };
    let mut case_values = own(desk.0);
    case_values.extend([
        ("c1", case.to_string()),
        ("c2", format!("{{{centre}}}")),
        ("s1", format!("{{{case}}}")),
        ("h1", chain.clone()),
        ("h2", hash.clone()),
        ("a1", chain),
        ("a3", "now".to_owned()),
        ("a4", centre.to_string()),
        ("a5", case.to_string()),
        ("a6", desk.0.to_string()),
        ("a7", "bench".to_owned()),
        ("a8", "personal-data-viewed".to_owned()),
        ("a9", r#"{"page":"case"}"#.to_owned()),
        ("a11", hash),
        ("a13", pilnvara::audit::HASH_VERSION.to_string()),
    ]);
    let mut cases_values = own(desk.0);
    cases_values.extend([
        ("o1", desk.0.to_string()),
        ("o2", format!("{{{centre}}}")),
        ("o4", (pilnvara::store::cases::PAGE_SIZE + 1).to_string()),
        ("w1", format!("{{{centre}}}")),
        ("w3", (pilnvara::store::cases::PAGE_SIZE + 1).to_string()),
        ("f1", format!("{{{centre}}}")),
        ("f2", "20".to_owned()),
    ]);
    let mut review_values = own(lead.0);
    review_values.extend([
        ("x1", led.clone()),
        (
            "limit",
            (pilnvara::domain::review::PAGE_SIZE + 1).to_string(),
        ),
    ]);
    let mut figures_values = own(lead.0);
    figures_values.extend([
        ("x1", led.clone()),
        ("r1", led),
        ("r2", first.to_string()),
        ("r3", until.to_string()),
        ("r4", today.to_string()),
    ]);
    let floors = [
        (case_script, case_values),
        (cases_script, cases_values),
        (review_script, review_values),
        (figures_script, figures_values),
    ];
    println!("| page | desks | page req/s | floor (pgbench) tps | page ÷ floor |");
    println!("|---|---|---|---|---|");
    for ((title, who, path), (script, values)) in pages.iter().zip(&floors) {
        for clients in [1, 16, 64] {
            let page = load(&desks[who][..clients], path, length).await;
            let floor = pgbench(&url, script, values, clients, length);
            println!(
                "| {title} | {clients} | {:.0} | {floor:.0} | {:.2} |",
                page.per_second,
                page.per_second / floor
            );
        }
    }
    assert!(crate::harness::terminate(&mut server).await);
}
