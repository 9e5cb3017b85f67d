//! Several server instances on one database: the periodic jobs run once a period across all of
//! them; the reports read from a streaming replica, and from the primary while it is away.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::StatusCode;
use chrono::TimeDelta;
use pilnvara::clock::Clock as _;
use pilnvara::domain::figures::{month_code, month_of};
use pilnvara::domain::staff::Role;
use pilnvara::domain::today_in_riga;
use pilnvara::service::demo::Goes;
use pilnvara::service::jobs::{self, Job};
use sqlx::PgPool;

use crate::faults::wait_for;
use crate::harness::{
    CLIENT, Client, TestApp, count, database_url, fresh_named_database, test_config,
};
use crate::launcher::{StopOnDrop, data_dir, discard, migrated_cluster};

/// Both instances tick at the same moment; which jobs each ran.
async fn tick_both(app: &TestApp, other: &PgPool, data: &std::path::Path) -> Vec<Job> {
    let (first, second) = tokio::join!(
        jobs::run_due(&app.pool, app.clock.as_ref(), &app.keys, data),
        jobs::run_due(other, app.clock.as_ref(), &app.keys, data),
    );
    [first, second].concat()
}

fn counted(ran: &[Job]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for job in ran {
        *counts.entry(job.name()).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn two_instances_run_each_periodic_job_once_a_period() {
    let (pool, name) = fresh_named_database().await;
    let app = TestApp::on(pool);
    let other = PgPool::connect(&database_url(&name)).await.unwrap();
    let data = tempfile::tempdir().unwrap();

    let at_start = tick_both(&app, &other, data.path()).await;
    let same_minute = tick_both(&app, &other, data.path()).await;
    app.clock.advance(TimeDelta::hours(1));
    let an_hour_on = tick_both(&app, &other, data.path()).await;
    app.clock.advance(TimeDelta::hours(23));
    let a_day_on = tick_both(&app, &other, data.path()).await;

    let each_once = BTreeMap::from([("checkpoint", 1), ("expired-sessions", 1), ("retention", 1)]);
    assert_eq!(counted(&at_start), each_once, "every job once at start");
    assert!(
        same_minute.is_empty(),
        "nothing is due again: {same_minute:?}"
    );
    assert_eq!(
        counted(&an_hour_on),
        BTreeMap::from([("checkpoint", 1), ("expired-sessions", 1)])
    );
    assert_eq!(counted(&a_day_on), each_once);
    let runs: Vec<(String, i64, Option<String>)> =
        sqlx::query_as("SELECT name, runs, last_outcome FROM jobs ORDER BY name")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        runs,
        [
            ("checkpoint".to_owned(), 3, Some("ok".to_owned())),
            ("expired-sessions".to_owned(), 3, Some("ok".to_owned())),
            // Run by the outbox's worker, which holds the SMTP relay (messages.rs).
            ("reminder-digest".to_owned(), 0, None),
            ("retention".to_owned(), 2, Some("ok".to_owned())),
        ]
    );
    let checkpoints: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_checkpoints")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        checkpoints, 3,
        "one checkpoint an hour, not one per instance"
    );
}

/// The cases the figures count as opened in `centre` in `month` (`yyyy-mm`), from the CSV
/// export as a supervisor downloads it.
async fn opened_in_figures(client: &Client, month: &str, centre: &str) -> String {
    let csv = client
        .get(&format!("/figures.csv?from={month}&to={month}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let line = csv
        .body
        .split("\r\n")
        .find(|line| line.starts_with(&format!("{centre};{month};;")))
        .unwrap_or_else(|| panic!("no line for {centre} in {}", csv.body));
    line.split(';').nth(3).unwrap().to_owned()
}

async fn cases_on(pool: &PgPool) -> i64 {
    count(pool, "SELECT count(*) FROM cases").await
}

/// Waits until the replica has replayed every case the primary holds.
async fn caught_up(primary: &PgPool, replica: &PgPool) {
    let expected = cases_on(primary).await;
    wait_for(
        Duration::from_secs(60),
        "the replica to catch up",
        || async { cases_on(replica).await == expected },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_are_read_from_a_streaming_replica_and_from_the_primary_while_it_is_away() {
    let primary_data = data_dir();
    let _primary_guard = StopOnDrop(primary_data.path().to_owned());
    let standby_data = data_dir();
    let _standby_guard = StopOnDrop(standby_data.path().to_owned());
    let standby_path = standby_data.path().to_owned();
    let (primary, pool) = migrated_cluster(primary_data.path()).await;
    let primary = std::sync::Arc::new(primary);
    let source = primary.clone();
    let standby = tokio::task::spawn_blocking(move || source.start_standby(&standby_path))
        .await
        .unwrap()
        .unwrap();
    let replica = pilnvara::db::connect(
        &standby.url("pilnvara"),
        crate::harness::test_config().db_pool_size,
    )
    .await
    .unwrap();
    let app = TestApp::with_replica(pool.clone(), Some(replica.clone()), test_config());
    let centre = app.centre("RIX").await;
    let anna = app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("vad", Role::Supervisor, "RIX", &["RIX"]).await;
    let client = app.signed_in("vad").await;
    let month = month_code(month_of(today_in_riga(app.clock.now())));
    let open_one = || app.desk_case(centre, anna, &CLIENT, Goes::Opened);

    open_one().await;
    caught_up(&pool, &replica).await;
    assert_eq!(opened_in_figures(&client, &month, "RIX").await, "1");

    // With the replica's replay paused, a case the primary holds is not in the figures yet:
    // they were read from the replica.
    sqlx::query("SELECT pg_wal_replay_pause()")
        .execute(&replica)
        .await
        .unwrap();
    open_one().await;
    assert_eq!(cases_on(&pool).await, 2);
    assert_eq!(opened_in_figures(&client, &month, "RIX").await, "1");
    sqlx::query("SELECT pg_wal_replay_resume()")
        .execute(&replica)
        .await
        .unwrap();
    caught_up(&pool, &replica).await;
    assert_eq!(opened_in_figures(&client, &month, "RIX").await, "2");

    // The replica stopped: the figures and the review export come from the primary, no error.
    tokio::task::spawn_blocking(move || discard(standby))
        .await
        .unwrap();
    open_one().await;
    assert_eq!(opened_in_figures(&client, &month, "RIX").await, "3");
    let export = client.get("/review.csv").await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    let page = client
        .get(&format!("/figures?from={month}&to={month}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);

    replica.close().await;
    pool.close().await;
    let primary = std::sync::Arc::into_inner(primary).unwrap();
    tokio::task::spawn_blocking(move || discard(primary))
        .await
        .unwrap();
}
