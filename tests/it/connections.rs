//! One pooled connection per request: a page reads its session, its user and what it shows, and
//! a duty is recorded, on one connection taken from the pool once (`web::db`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use pilnvara::domain::staff::Role;
use pilnvara::service::demo::Goes;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::cases::{is_recorded, post, step_form, version};
use crate::harness::{CLIENT, TestApp, database_url, fresh_named_database};

/// A pool of ONE connection that counts how often a connection is taken from it: a request
/// that wanted a second connection while holding one would wait for itself and fail.
async fn counting_pool() -> (PgPool, Arc<AtomicUsize>) {
    let (_, name) = fresh_named_database().await;
    let taken = Arc::new(AtomicUsize::new(0));
    let (on_connect, on_acquire) = (taken.clone(), taken.clone());
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |_, _| {
            on_connect.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(()) })
        })
        .before_acquire(move |_, _| {
            on_acquire.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Ok(true) })
        })
        .connect(&database_url(&name))
        .await
        .unwrap();
    (pool, taken)
}

#[tokio::test]
async fn each_page_and_a_recorded_duty_take_one_pooled_connection() {
    let (pool, taken) = counting_pool().await;
    let app = TestApp::on(pool);
    let centre = app.centre("RIX").await;
    let anna = app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("sara", Role::Supervisor, "RIX", &["RIX"]).await;
    let closed = app.desk_case(centre, anna, &CLIENT, Goes::Closed).await;
    let open = app.desk_case(centre, anna, &CLIENT, Goes::Opened).await;
    let desk = app.signed_in("anna").await;
    let supervisor = app.signed_in("sara").await;

    let pages = [
        (&desk, format!("/cases/{closed}")),
        (&desk, "/cases".to_owned()),
        (&desk, format!("/cases/{open}/steps/identity")),
        (&supervisor, "/review".to_owned()),
        (&supervisor, format!("/review/{closed}")),
        (&supervisor, "/figures".to_owned()),
        (&supervisor, "/figures.csv".to_owned()),
    ];
    for (client, path) in pages {
        taken.store(0, Ordering::SeqCst);
        let response = client.get(&path).await;
        assert_eq!(response.status, StatusCode::OK, "GET {path}");
        let expected = if path.starts_with("/review/") {
            // The review page checks the printed authorisation against one laid out again, with
            // no connection held meanwhile: one connection before, one for the check.
            2
        } else {
            1
        };
        assert_eq!(taken.load(Ordering::SeqCst), expected, "GET {path}");
    }

    let mut form = step_form(&app, "identity", false);
    form.push(("version".into(), version(&app, open.0).await.to_string()));
    taken.store(0, Ordering::SeqCst);
    let recorded = post(&desk, &format!("/cases/{open}/steps/identity"), &form).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    assert!(is_recorded(open.0, recorded.location().unwrap_or_default()));
    assert_eq!(taken.load(Ordering::SeqCst), 1, "POST the identity check");
}
