//! Several server instances on one database: the periodic jobs run once a period across all of
//! them.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use pilnvara::service::jobs::{self, Job};
use sqlx::PgPool;

use crate::harness::{TestApp, database_url, fresh_named_database};

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
