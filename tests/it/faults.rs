//! What breaks in production: many desks on the same cases at once, clients that go away
//! mid-request, transactions cut off inside the driver, PostgreSQL restarted under load, and a
//! chain head that a crash left behind. After each, the invariants: no error page (a 503 only
//! while the database is away), every acknowledged duty stored exactly once, no session left
//! idle in a transaction, no borrower inside a transaction it did not begin, and every chain
//! verifies.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use pilnvara::audit::verify::verify_all;
use pilnvara::audit::{HASH_VERSION, HashInput, event_hash, mend};
use pilnvara::clock::Clock;
use pilnvara::db::launcher::{Cluster, Durability};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use sqlx::PgPool;
use tokio::sync::Mutex;

use crate::cases::{eservice, open_case, staffed, step_form, try_post};
use crate::e2e::desk::STEPS;
use crate::harness::{
    Client, TEST_PASSWORD, TestApp, count, database_url, fresh_named_database, production_pool,
    serving, terminate,
};
use crate::launcher::{StopOnDrop, data_dir, discard, migrated_cluster};
use crate::pgbouncer::PgBouncer;

/// The duties of a case whose e-service gives a planned time and a result.
const DUTIES: usize = STEPS.len();

/// What the desks saw: every answer that was an error page, and the duties acknowledged.
#[derive(Default)]
struct Tally {
    /// (request, status) of every answer ≥ 500 other than 503.
    errors: Vec<(String, StatusCode)>,
    /// Answers 503: the database was away.
    unavailable: usize,
    /// (case, duty) of every "recorded" redirect, as often as it came.
    acknowledged: Vec<(i64, String)>,
    /// Desks whose server stopped answering (the connection refused or cut), which then ended
    /// their work.
    gone: usize,
}

impl Tally {
    fn saw(&mut self, what: &str, status: StatusCode) -> bool {
        if status == StatusCode::SERVICE_UNAVAILABLE {
            self.unavailable += 1;
        } else if status.is_server_error() {
            self.errors.push((what.to_owned(), status));
        }
        !status.is_server_error()
    }
}

/// What one attempt at a case's next duty came to.
#[derive(Debug, PartialEq, Eq)]
enum Attempt {
    /// The case has no duty left.
    Closed,
    /// Refused, stale, taken by another desk, or the database was away: try again.
    Again,
    Recorded,
    /// The server is gone (stopped): this desk's work ends.
    Gone,
}

/// The attribute value that follows `marker` in `html`.
fn after<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let (_, rest) = html.split_once(marker)?;
    rest.split('"').next()
}

/// One desk doing the next duty of case `id` as a person would: the overview, its "continue"
/// link, the duty's form (its version), the print before 22.¹3, the post, and the page the post
/// redirects to.
async fn next_duty(app: &TestApp, client: &Client, id: i64, tally: &Mutex<Tally>) -> Attempt {
    let Ok(overview) = client.try_get(&format!("/cases/{id}")).await else {
        return Attempt::Gone;
    };
    if !tally.lock().await.saw("case page", overview.status) {
        return Attempt::Again;
    }
    let Some(href) = after(
        &overview.body,
        r#"<p class="actions"><a class="button" href=""#,
    ) else {
        return Attempt::Closed;
    };
    let href = href.to_owned();
    let duty = href.rsplit('/').next().unwrap().to_owned();
    let Ok(form_page) = client.try_get(&href).await else {
        return Attempt::Gone;
    };
    if !tally.lock().await.saw("duty page", form_page.status) {
        return Attempt::Again;
    }
    let Some(version) = after(&form_page.body, r#"name="version" value=""#) else {
        // Another desk recorded it in between: the duty page sent us back to the case.
        return Attempt::Again;
    };
    if duty == "authorisation" {
        let printed = client
            .try_post_bytes(&format!("/cases/{id}/authorisation.pdf"), &[])
            .await;
        let Ok(print) = printed else {
            return Attempt::Gone;
        };
        if !tally.lock().await.saw("print", print.status) {
            return Attempt::Again;
        }
    }
    let mut form = step_form(app, &duty, true);
    form.push(("version".into(), version.to_owned()));
    let Ok(response) = try_post(client, &href, &form).await else {
        return Attempt::Gone;
    };
    let mut seen = tally.lock().await;
    if !seen.saw(&format!("post {duty}"), response.status) {
        return Attempt::Again;
    }
    let Some(location) = response.location().map(str::to_owned) else {
        return Attempt::Again;
    };
    let recorded = crate::cases::is_recorded(id, &location);
    if recorded {
        seen.acknowledged.push((id, duty));
    }
    drop(seen);
    if let Ok(landing) = client.try_get(&location).await {
        tally.lock().await.saw("after post", landing.status);
    }
    if recorded {
        Attempt::Recorded
    } else {
        Attempt::Again
    }
}

/// Drives every case of `cases` to its end from `client`, at most `attempts` tries in all.
async fn work_through(
    app: &TestApp,
    client: &Client,
    cases: &[i64],
    tally: &Mutex<Tally>,
    recorded: &AtomicUsize,
    attempts: usize,
) {
    let mut open: Vec<i64> = cases.to_vec();
    for attempt in 0..attempts {
        if open.is_empty() {
            return;
        }
        let id = open[attempt % open.len()];
        let unavailable = tally.lock().await.unavailable;
        match next_duty(app, client, id, tally).await {
            Attempt::Closed => open.retain(|other| *other != id),
            Attempt::Recorded => {
                recorded.fetch_add(1, Ordering::SeqCst);
            }
            Attempt::Again => {}
            Attempt::Gone => {
                tally.lock().await.gone += 1;
                return;
            }
        }
        if tally.lock().await.unavailable > unavailable {
            // As a person does on the "temporarily unavailable" page: try again once it is back.
            wait_for(Duration::from_secs(60), "the database back", || async {
                client.get("/readyz").await.status == StatusCode::OK
            })
            .await;
        }
    }
    panic!("cases {open:?} still open after {attempts} attempts");
}

/// Desks at work at once, each on the cases it was given, until they are all closed.
struct Shift {
    tally: Arc<Mutex<Tally>>,
    /// Duties recorded so far, by all desks.
    recorded: Arc<AtomicUsize>,
    work: Vec<tokio::task::JoinHandle<()>>,
}

impl Shift {
    /// Sets desk `n` of `desks` to work through the cases `assign(n)`.
    fn start(
        app: &Arc<TestApp>,
        desks: &[Arc<Client>],
        assign: impl Fn(usize) -> Vec<i64>,
    ) -> Self {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let recorded = Arc::new(AtomicUsize::new(0));
        let work = desks
            .iter()
            .enumerate()
            .map(|(n, desk)| {
                let (app, desk, tally, recorded) =
                    (app.clone(), desk.clone(), tally.clone(), recorded.clone());
                let mine = assign(n);
                tokio::spawn(async move {
                    work_through(&app, &desk, &mine, &tally, &recorded, 400).await;
                })
            })
            .collect();
        Self {
            tally,
            recorded,
            work,
        }
    }

    /// What the desks saw, once every one of them is done.
    async fn finish(self) -> Tally {
        for task in self.work {
            task.await.unwrap();
        }
        Arc::into_inner(self.tally).unwrap().into_inner()
    }
}

/// The step rows of every case in `cases`: (case, duty) → how many.
async fn stored_steps(pool: &PgPool, cases: &[i64]) -> BTreeMap<(i64, String), i64> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT case_id, step, count(*) FROM case_steps WHERE case_id = ANY($1)
         GROUP BY case_id, step",
    )
    .bind(cases)
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(case, step, count)| ((case, step), count))
        .collect()
}

/// Every duty acknowledged once and stored once, every case closed with all its duties.
async fn assert_each_duty_once(pool: &PgPool, cases: &[i64], tally: &Tally) {
    let mut acknowledged: BTreeMap<(i64, String), usize> = BTreeMap::new();
    for key in &tally.acknowledged {
        *acknowledged.entry(key.clone()).or_default() += 1;
    }
    let doubled: Vec<_> = acknowledged.iter().filter(|(_, n)| **n > 1).collect();
    assert!(doubled.is_empty(), "acknowledged twice: {doubled:?}");
    let stored = stored_steps(pool, cases).await;
    for key in acknowledged.keys() {
        assert_eq!(
            stored.get(key),
            Some(&1),
            "acknowledged {key:?}, stored once"
        );
    }
    assert_eq!(
        stored.len(),
        cases.len() * DUTIES,
        "every duty of every case"
    );
    assert!(stored.values().all(|count| *count == 1), "{stored:?}");
    let closed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM cases WHERE id = ANY($1) AND status = 'closed'")
            .bind(cases)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(closed as usize, cases.len());
}

/// Waits until `condition` holds, for at most `limit`.
pub(crate) async fn wait_for<F, Fut>(limit: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !condition().await {
        assert!(Instant::now() < deadline, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The invariants after a fault: no session of this database idle in a transaction, no
/// borrower of the pool inside a transaction it did not begin, every chain verified with no
/// head left behind.
pub(crate) async fn assert_sound(pool: &PgPool) {
    let observer = pool.clone();
    wait_for(
        Duration::from_secs(10),
        "no session idle in a transaction",
        || {
            let observer = observer.clone();
            async move {
                let idle: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
                )
                .fetch_one(&observer)
                .await
                .unwrap();
                idle == 0
            }
        },
    )
    .await;
    // Every connection the pool would lend is outside a transaction: a setting made local to
    // the transaction of one statement is gone by the next.
    let mut borrowed = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        let mut connection = pool.acquire().await.unwrap();
        sqlx::query("SELECT set_config('pilnvara.probe', 'inside', true)")
            .execute(&mut *connection)
            .await
            .unwrap();
        let probe: Option<String> =
            sqlx::query_scalar("SELECT current_setting('pilnvara.probe', true)")
                .fetch_one(&mut *connection)
                .await
                .unwrap();
        assert_ne!(
            probe.as_deref(),
            Some("inside"),
            "a borrowed connection was inside a transaction"
        );
        borrowed.push(connection);
    }
    drop(borrowed);
    let check = verify_all(pool, None).await.unwrap();
    assert!(check.is_ok(), "{:?}", check.failure);
    assert!(
        check.lagging.is_empty(),
        "heads left behind: {:?}",
        check.lagging
    );
    assert_eq!(
        pilnvara::store::figures::differences(pool).await.unwrap(),
        [0, 0, 0, 0],
        "the figures equal a recount: nothing counted twice or lost"
    );
}

/// `count` desks signed in, half as anna and half as ben (both of centre RIX), and `cases`
/// cases opened by the first.
async fn desks_and_cases(
    app: &TestApp,
    count: usize,
    cases: usize,
) -> (Vec<Arc<Client>>, Vec<i64>) {
    let mut desks = Vec::new();
    for n in 0..count {
        let name = if n % 2 == 0 { "anna" } else { "ben" };
        desks.push(Arc::new(app.signed_in(name).await));
    }
    let service = eservice(app, true, true).await;
    let mut opened = Vec::new();
    for _ in 0..cases {
        opened.push(open_case(&desks[0], service).await);
    }
    (desks, opened)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_desks_on_the_same_cases_see_no_error_and_record_each_duty_once() {
    let app = Arc::new(staffed(TestApp::on(production_pool().await)).await);
    let (desks, cases) = desks_and_cases(&app, 16, 4).await;
    // Every desk works on every case, each starting at a different one.
    let shift = Shift::start(&app, &desks, |n| {
        let mut mine = cases.clone();
        mine.rotate_left(n % cases.len());
        mine
    });
    let recorded = shift.recorded.clone();
    let tally = shift.finish().await;
    assert!(tally.errors.is_empty(), "error pages: {:?}", tally.errors);
    assert_eq!(tally.gone, 0, "the server answered every request");
    assert_eq!(tally.unavailable, 0, "the database never went away");
    assert_each_duty_once(&app.pool, &cases, &tally).await;
    assert_eq!(recorded.load(Ordering::SeqCst), cases.len() * DUTIES);
    let views: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'personal-data-viewed'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(views > (cases.len() * DUTIES) as i64, "views were audited");
    assert_sound(&app.pool).await;
}

/// A request as a desk sends it: method, path, form.
type DeskRequest = (Method, String, Vec<(String, String)>);

/// The requests a desk sends about case `id`.
fn requests(app: &TestApp, id: i64) -> Vec<DeskRequest> {
    let mut all = vec![
        (Method::GET, format!("/cases/{id}"), Vec::new()),
        (Method::GET, "/cases".to_owned(), Vec::new()),
        (
            Method::POST,
            "/cases/search".to_owned(),
            vec![("name".to_owned(), "Bērziņš".to_owned())],
        ),
        (
            Method::POST,
            format!("/cases/{id}/authorisation.pdf"),
            Vec::new(),
        ),
        (Method::GET, format!("/cases/{id}/receipt.pdf"), Vec::new()),
        (Method::GET, format!("/cases/{id}/stop"), Vec::new()),
        (Method::GET, "/cases/new".to_owned(), Vec::new()),
        (Method::GET, "/".to_owned(), Vec::new()),
    ];
    for duty in STEPS {
        let path = format!("/cases/{id}/steps/{duty}");
        all.push((Method::GET, path.clone(), Vec::new()));
        let mut form = step_form(app, duty, true);
        form.push(("version".into(), "0".into()));
        all.push((Method::POST, path, form));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_cut_off_at_random_points_leave_no_transaction_open_and_every_chain_verifies() {
    let app = Arc::new(staffed(TestApp::on(production_pool().await)).await);
    let (desks, cases) = desks_and_cases(&app, 4, 4).await;
    let mut rng = StdRng::seed_from_u64(221);
    // Versions in the forms are the cases' real ones, so that the posts do their work.
    let versions: Vec<i32> = sqlx::query_scalar("SELECT version FROM cases ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(versions.len(), cases.len());
    let mut cut = Vec::new();
    for round in 0..160 {
        let id = cases[round % cases.len()];
        let all = requests(&app, id);
        let (method, path, mut form) = all[rng.random_range(0..all.len())].clone();
        let version: i32 = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if let Some(field) = form.iter_mut().find(|(name, _)| name == "version") {
            field.1 = version.to_string();
        }
        let after = Duration::from_micros(rng.random_range(0..40_000));
        let desk = desks[round % desks.len()].clone();
        cut.push(tokio::spawn(async move {
            let status = desk.cut_off(method, &path, &form, after).await;
            (path, status)
        }));
    }
    // Inside the driver: transactions cut off while they begin, run and commit.
    let mut inner = Vec::new();
    for _ in 0..200 {
        let pool = app.pool.clone();
        let after = Duration::from_micros(rng.random_range(0..3_000));
        inner.push(tokio::spawn(async move {
            let _ = tokio::time::timeout(after, async {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_sleep(0.001)")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            })
            .await;
        }));
    }
    let (mut errors, mut dropped) = (Vec::new(), 0);
    for task in cut {
        match task.await.unwrap() {
            (_, None) => dropped += 1,
            (path, Some(status)) if status.is_server_error() => errors.push((path, status)),
            _ => {}
        }
    }
    assert!(
        (10..150).contains(&dropped),
        "some requests are cut off and some answered: {dropped} of 160 cut off"
    );
    for task in inner {
        task.await.unwrap();
    }
    assert!(errors.is_empty(), "error pages: {errors:?}");
    assert_sound(&app.pool).await;

    // Afterwards the desks finish every case: no request runs inside an abandoned transaction.
    let tally = Mutex::new(Tally::default());
    let recorded = AtomicUsize::new(0);
    for desk in &desks {
        work_through(&app, desk, &cases, &tally, &recorded, 200).await;
    }
    let tally = tally.into_inner();
    assert!(tally.errors.is_empty(), "error pages: {:?}", tally.errors);
    assert_eq!(tally.gone, 0, "the server answered every request");
    let stored = stored_steps(&app.pool, &cases).await;
    assert_eq!(stored.len(), cases.len() * DUTIES);
    assert!(stored.values().all(|count| *count == 1), "{stored:?}");
    assert_sound(&app.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarted_twice_under_writes_loses_nothing_and_shows_no_error_page() {
    let data = data_dir();
    let _guard = StopOnDrop(data.path().to_owned());
    let (cluster, pool) = migrated_cluster(data.path()).await;
    let app = Arc::new(staffed(TestApp::on(pool)).await);
    let (desks, cases) = desks_and_cases(&app, 8, 16).await;

    let shift = Shift::start(&app, &desks, |n| vec![cases[2 * n], cases[2 * n + 1]]);
    let recorded = shift.recorded.clone();
    let started = || async {
        let started: chrono::DateTime<chrono::Utc> =
            sqlx::query_scalar("SELECT pg_postmaster_start_time()")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        started
    };
    let first_start = started().await;
    let cluster = Arc::new(cluster);
    for when in [15, 50] {
        let counter = recorded.clone();
        wait_for(
            Duration::from_secs(120),
            "duties recorded before a restart",
            || {
                let counter = counter.clone();
                async move { counter.load(Ordering::SeqCst) >= when }
            },
        )
        .await;
        let data = data.path().to_owned();
        let running = cluster.clone();
        tokio::task::spawn_blocking(move || {
            running.stop().unwrap();
            let again = Cluster::start(&data, Durability::Throwaway).unwrap();
            assert!(again.started_here());
        })
        .await
        .unwrap();
    }
    let tally = shift.finish().await;
    assert!(tally.errors.is_empty(), "error pages: {:?}", tally.errors);
    assert_eq!(tally.gone, 0, "the server answered every request");
    assert_ne!(started().await, first_start, "the server was restarted");
    eprintln!(
        "{} duties recorded, {} answers 503 while PostgreSQL restarted",
        tally.acknowledged.len(),
        tally.unavailable
    );
    assert_each_duty_once(&app.pool, &cases, &tally).await;
    // The server recovered by itself: a fresh page works.
    let page = desks[0].get("/cases").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_sound(&app.pool).await;
    app.pool.close().await;
    let cluster = Arc::into_inner(cluster).unwrap();
    tokio::task::spawn_blocking(move || discard(cluster))
        .await
        .unwrap();
}

/// `pilnvara serve` on the database at `url`, its keys in `data_dir` (shared by every
/// instance, as the keys must be); the process and its base URL.
async fn instance(url: &str, data_dir: &std::path::Path) -> (tokio::process::Child, String) {
    let (process, address) = serving(crate::harness::pilnvara_on(url, data_dir)).await;
    (process, format!("http://{address}"))
}

/// Eight desks at work on eight cases: desks 0, 2, 4, 6 on the instance at `first`, 1, 3, 5, 7
/// on the one at `second` (sessions live in the database, as behind a load balancer); desks
/// 2k and 2k + 1 share cases 2k and 2k + 1. The shift, the desks and the cases.
async fn eight_desks_on_two_instances(
    app: &Arc<TestApp>,
    first: &str,
    second: &str,
) -> (Shift, Vec<Arc<Client>>, Vec<i64>) {
    let mut desks = Vec::new();
    for n in 0..8 {
        let desk = Client::new(if n % 2 == 0 { first } else { second }.to_owned());
        let name = if n % 4 < 2 { "anna" } else { "ben" };
        let signed_in = desk.sign_in(name, TEST_PASSWORD).await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.body
        );
        desks.push(Arc::new(desk));
    }
    let service = eservice(app, true, true).await;
    let mut cases = Vec::new();
    for _ in 0..8 {
        cases.push(open_case(&desks[1], service).await);
    }
    let assigned = cases.clone();
    let shift = Shift::start(app, &desks, move |n| {
        let pair = n / 2;
        vec![assigned[2 * pair], assigned[2 * pair + 1]]
    });
    (shift, desks, cases)
}

/// How many times `job` ran, across every instance.
async fn job_runs(pool: &PgPool, job: &str) -> i64 {
    count(
        pool,
        &format!("SELECT coalesce(sum(runs), 0)::bigint FROM jobs WHERE name = '{job}'"),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_two_instances_stopped_under_load_leaves_the_other_serving_and_loses_nothing() {
    let (pool, name) = fresh_named_database().await;
    let app = Arc::new(staffed(TestApp::on(pool)).await);
    let data = tempfile::tempdir().unwrap();
    // One after the other: the first creates the keys both use.
    let (mut first, first_base) = instance(&database_url(&name), data.path()).await;
    let (mut second, second_base) = instance(&database_url(&name), data.path()).await;
    let (shift, desks, cases) = eight_desks_on_two_instances(&app, &first_base, &second_base).await;
    let recorded = shift.recorded.clone();
    wait_for(
        Duration::from_secs(120),
        "duties recorded before the stop",
        || async { recorded.load(Ordering::SeqCst) >= 12 },
    )
    .await;
    assert!(
        terminate(&mut first).await,
        "the first instance exits cleanly"
    );

    let tally = shift.finish().await;
    assert!(tally.errors.is_empty(), "error pages: {:?}", tally.errors);
    assert!(
        tally.gone <= 4,
        "only the stopped instance's four desks lost their server: {}",
        tally.gone
    );
    assert_each_duty_once(&app.pool, &cases, &tally).await;
    let page = desks[1].get("/cases").await;
    assert_eq!(page.status, StatusCode::OK, "the second instance serves on");
    for job in ["retention", "checkpoint"] {
        assert_eq!(
            job_runs(&app.pool, job).await,
            1,
            "{job} ran once for both instances"
        );
    }
    assert!(terminate(&mut second).await);
    assert_sound(&app.pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_pgbouncer_in_transaction_mode_record_each_duty_once() {
    let (pool, name) = fresh_named_database().await;
    let Some(bouncer) = PgBouncer::start(&database_url(&name)).await else {
        return;
    };
    let app = Arc::new(staffed(TestApp::on(pool)).await);
    let data = tempfile::tempdir().unwrap();
    let through = bouncer.url(&name);
    let (mut first, first_base) = instance(&through, data.path()).await;
    let (mut second, second_base) = instance(&through, data.path()).await;
    let (shift, _, cases) = eight_desks_on_two_instances(&app, &first_base, &second_base).await;

    let tally = shift.finish().await;
    assert!(tally.errors.is_empty(), "error pages: {:?}", tally.errors);
    assert_eq!(tally.gone, 0, "no desk lost its server");
    assert_each_duty_once(&app.pool, &cases, &tally).await;
    for job in ["retention", "checkpoint"] {
        assert_eq!(job_runs(&app.pool, job).await, 1, "{job} ran once");
    }
    // Forty client connections (two pools of twenty) shared three server connections, and
    // every transaction of the shift went through them.
    assert!(
        bouncer.transactions_served(&name).await > tally.acknowledged.len() as i64,
        "the duties were recorded through PgBouncer"
    );
    // The sessions' timeouts hold through PgBouncer, set by its connect_query.
    let through_pool = sqlx::PgPool::connect(&through).await.unwrap();
    for (setting, expected) in [
        ("statement_timeout", pilnvara::db::STATEMENT_TIMEOUT),
        (
            "idle_in_transaction_session_timeout",
            pilnvara::db::IDLE_IN_TRANSACTION_TIMEOUT,
        ),
    ] {
        let value: String = sqlx::query_scalar(&format!("SHOW {setting}"))
            .fetch_one(&through_pool)
            .await
            .unwrap();
        assert_eq!(value, expected, "{setting} behind PgBouncer");
    }
    through_pool.close().await;
    assert!(terminate(&mut first).await);
    assert!(terminate(&mut second).await);
    assert_sound(&app.pool).await;
}

/// Appends an event to `chain` as a write cut off before its head moved would have left it:
/// the event committed, the head row still naming the one before.
async fn append_without_moving_the_head(
    pool: &PgPool,
    chain: &str,
    at: chrono::DateTime<chrono::Utc>,
    tamper: bool,
) {
    let (sequence, prev_hash): (i64, Vec<u8>) =
        sqlx::query_as("SELECT sequence, hash FROM audit_chain_heads WHERE chain = $1")
            .bind(chain)
            .fetch_one(pool)
            .await
            .unwrap();
    let details = serde_json::json!({ "page": "case" });
    let id: i64 =
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))")
            .fetch_one(pool)
            .await
            .unwrap();
    let mut hash = event_hash(&HashInput {
        version: HASH_VERSION,
        id,
        chain,
        sequence: sequence + 1,
        occurred_at: at,
        centre_id: None,
        case_id: None,
        actor_id: None,
        session_tag: None,
        action: "personal-data-viewed",
        details: &details,
        prev_hash: &prev_hash,
    });
    if tamper {
        hash[0] ^= 1;
    }
    sqlx::query(
        "INSERT INTO audit_events
             (id, chain, sequence, occurred_at, action, details, prev_hash, hash, hash_version)
         OVERRIDING SYSTEM VALUE
         VALUES ($1, $2, $3, $4, 'personal-data-viewed', $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(chain)
    .bind(sequence + 1)
    .bind(at)
    .bind(&details)
    .bind(&prev_hash)
    .bind(&hash[..])
    .bind(HASH_VERSION)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_head_a_crash_left_behind_is_told_from_tampering_and_mended_into_the_trail() {
    let app = staffed(TestApp::new().await).await;
    let (desks, cases) = desks_and_cases(&app, 1, 2).await;
    let (honest, tampered) = (format!("case:{}", cases[0]), format!("case:{}", cases[1]));
    let at = app.clock.now();
    append_without_moving_the_head(&app.pool, &honest, at, false).await;

    let check = verify_all(&app.pool, None).await.unwrap();
    assert!(
        check.is_ok(),
        "a lagging head is no tampering: {:?}",
        check.failure
    );
    assert_eq!(check.lagging, vec![honest.clone()]);

    append_without_moving_the_head(&app.pool, &tampered, at, true).await;
    let mended = mend::mend_lagging_heads(&app.pool, at).await.unwrap();
    assert_eq!(
        mended.len(),
        1,
        "only the intact chain is mended: {mended:?}"
    );
    assert_eq!(mended[0].chain, honest);
    assert_eq!(mended[0].to_sequence, mended[0].from_sequence + 1);
    let written: serde_json::Value = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE chain = 'system' AND action = 'chain-head-mended'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(written["chain"], honest.as_str());

    let check = verify_all(&app.pool, None).await.unwrap();
    let failure = check.failure.expect("the changed event is reported");
    assert_eq!(failure.chain, tampered);

    // The mended case goes on as before.
    let tally = Mutex::new(Tally::default());
    let attempt = next_duty(&app, &desks[0], cases[0], &tally).await;
    assert_eq!(attempt, Attempt::Recorded);
    assert!(tally.into_inner().errors.is_empty());
    let check = pilnvara::audit::verify::verify_chain(&app.pool, &honest, None)
        .await
        .unwrap();
    assert!(check.is_ok() && check.lagging.is_empty(), "{check:?}");
}
