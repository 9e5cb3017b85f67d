//! Query plans of the lists that grow with the country: the review queue under each filter, the
//! /cases lists and the search by portal reference are read along an index, never by scanning
//! the cases table. The statements are the application's own (`*_statement`), with the
//! arguments the application binds, over ~20,000 generated cases (see docs/performance.md).
//! The figures read only the roll-up and the tables that name its rows.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use pilnvara::domain::ids::{CaseId, CentreId, StaffId};
use pilnvara::domain::staff::Role;
use pilnvara::store;
use pilnvara::store::review::QueueFilter;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{Execute, PgPool};

use crate::harness::TestApp;

/// Finished (and some open) cases generated per test database.
const CASES: i64 = 20_000;

/// A page of the queue and of the /cases lists, with the row that says "there is more".
const PAGE: i64 = 21;

/// The newest generated case finishes then; case `i` finishes `i` minutes before.
fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

struct Generated {
    app: TestApp,
    centres: Vec<CentreId>,
    /// Two employees per centre, in the order of `centres`.
    employees: Vec<StaffId>,
    eservice: i64,
}

/// Four centres with two employees each and [`CASES`] cases spread over them: 85 % closed,
/// 10 % stopped (two reasons), 5 % open (half of them awaiting the result); six of seven
/// finished cases reviewed (through case_reviews, as the application records them); analysed.
async fn generated() -> Generated {
    let app = TestApp::new().await;
    let mut centres = Vec::new();
    let mut employees = Vec::new();
    for code in ["P1", "P2", "P3", "P4"] {
        centres.push(app.centre(code).await);
        for n in 1..=2 {
            employees.push(
                app.user(
                    &format!("{code}-e{n}").to_lowercase(),
                    Role::Employee,
                    code,
                    &[],
                )
                .await,
            );
        }
    }
    app.user("vad", Role::Supervisor, "P1", &["P1", "P2", "P3", "P4"])
        .await;
    let eservices: Vec<i64> = sqlx::query_scalar("SELECT id FROM eservices ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let centre_of: Vec<CentreId> = centres.iter().flat_map(|&c| [c, c]).collect();
    sqlx::query(GENERATE_CASES)
        .bind(CASES)
        .bind(&employees)
        .bind(&centre_of)
        .bind(&eservices)
        .bind(base())
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO case_reviews (case_id, reviewer_id, verdict, reviewed_at)
         SELECT c.id, s.id, 'in-order', coalesce(c.closed_at, c.stopped_at) + interval '1 day'
         FROM cases c, staff s
         WHERE s.username = 'vad' AND c.status <> 'open' AND c.id % 7 <> 0",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
    Generated {
        eservice: eservices[0],
        app,
        centres,
        employees,
    }
}

/// $1 cases; $2 employees and $3 their centres; $4 e-services; $5 the newest finish.
const GENERATE_CASES: &str = "
    INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step, gives_planned_time,
                       gives_result, missing_eid_means, client_given_names, client_surnames,
                       portal_reference, stop_reason, opened_at, submitted_at, closed_at,
                       stopped_at)
    SELECT $3[1 + i % cardinality($2)], $4[1 + (i / 8) % cardinality($4)], $2[1 + i % cardinality($2)],
           CASE WHEN i % 20 = 0 THEN 'open' WHEN i % 10 = 5 THEN 'stopped' ELSE 'closed' END::case_status,
           CASE WHEN i % 40 = 0 THEN 'result' WHEN i % 20 = 0 THEN 'identity' END,
           false, true, '{eid-card}', 'Jānis', 'Bērziņš',
           CASE WHEN i % 40 <> 20 THEN 'VPVKAC-' || i END,
           CASE WHEN i % 10 = 5 THEN (ARRAY['client-withdrew', 'portal-refused'])[1 + i / 10 % 2] END,
           $5 - i * interval '1 minute' - interval '3 days',
           CASE WHEN i % 40 <> 20 THEN $5 - i * interval '1 minute' - interval '1 day' END,
           CASE WHEN i % 20 <> 0 AND i % 10 <> 5 THEN $5 - i * interval '1 minute' END,
           CASE WHEN i % 10 = 5 THEN $5 - i * interval '1 minute' END
    FROM generate_series(1, $1) AS i";

/// The plan PostgreSQL chooses for `statement`, with the arguments it has bound.
async fn plan<F, O>(pool: &PgPool, statement: store::Statement<F>) -> Value
where
    F: FnMut(PgRow) -> Result<O, sqlx::Error> + Send,
{
    explain(pool, "FORMAT JSON", statement).await
}

/// `EXPLAIN (options)` of `statement`, with the arguments it has bound.
async fn explain<F, O>(pool: &PgPool, options: &str, mut statement: store::Statement<F>) -> Value
where
    F: FnMut(PgRow) -> Result<O, sqlx::Error> + Send,
{
    let sql = format!("EXPLAIN ({options}) {}", statement.sql());
    let arguments = statement
        .take_arguments()
        .expect("the arguments encode")
        .expect("the statement has arguments");
    sqlx::query_scalar_with(&sql, arguments)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The plan the server settles on for `statement`, and whether it is the one PostgreSQL made
/// once for any values (generic) rather than for these. The plan shown means something only
/// when it is generic: one made for the values is made here for NULLs. The statement runs as the server runs
/// it, prepared on one connection, until PostgreSQL has chosen (after five runs); then that
/// prepared statement is explained.
async fn settled_plan<F, O>(pool: &PgPool, mut statement: store::Statement<F>) -> (Value, bool)
where
    F: FnMut(PgRow) -> Result<O, sqlx::Error> + Send,
{
    use sqlx::Arguments as _;
    let sql = statement.sql().to_owned();
    let arguments = statement
        .take_arguments()
        .expect("the arguments encode")
        .expect("the statement has arguments");
    let mut connection = pool.acquire().await.unwrap();
    for _ in 0..6 {
        sqlx::query_with(&sql, arguments.clone())
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    let (name, generic_before): (String, i64) = sqlx::query_as(
        "SELECT name, generic_plans FROM pg_prepared_statements WHERE statement = $1",
    )
    .bind(&sql)
    .fetch_one(&mut *connection)
    .await
    .unwrap();
    // A plan made once does not depend on the values: NULLs show it (EXECUTE takes no bound
    // parameters). A plan made for the values would be made for these NULLs, and say so below.
    let nulls = vec!["NULL"; arguments.len()].join(", ");
    let plan = sqlx::query_scalar(&format!("EXPLAIN (FORMAT JSON) EXECUTE {name}({nulls})"))
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let generic_after: i64 =
        sqlx::query_scalar("SELECT generic_plans FROM pg_prepared_statements WHERE name = $1")
            .bind(&name)
            .fetch_one(&mut *connection)
            .await
            .unwrap();
    (plan, generic_after > generic_before)
}

/// Every node of a plan: (node type, relation, index).
fn nodes(plan: &Value) -> Vec<(String, String, String)> {
    fn walk(node: &Value, out: &mut Vec<(String, String, String)>) {
        let field = |name: &str| node[name].as_str().unwrap_or_default().to_owned();
        out.push((
            field("Node Type"),
            field("Relation Name"),
            field("Index Name"),
        ));
        for child in node["Plans"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(&plan[0]["Plan"], &mut out);
    out
}

/// How many rows an analysed plan read from `cases` (each scan's rows times its loops).
fn rows_read_from_cases(plan: &Value) -> i64 {
    fn walk(node: &Value) -> i64 {
        let own = if node["Relation Name"] == "cases" {
            node["Actual Rows"].as_i64().unwrap_or(0) * node["Actual Loops"].as_i64().unwrap_or(1)
        } else {
            0
        };
        own + node["Plans"]
            .as_array()
            .into_iter()
            .flatten()
            .map(walk)
            .sum::<i64>()
    }
    walk(&plan[0]["Plan"])
}

/// The plan reads cases along one of `indexes` and never scans the table.
fn assert_index_served(what: &str, plan: &Value, indexes: &[&str]) {
    let nodes = nodes(plan);
    let pretty = || serde_json::to_string_pretty(plan).unwrap();
    assert!(
        !nodes
            .iter()
            .any(|(node, relation, _)| node == "Seq Scan" && relation == "cases"),
        "{what}: a Seq Scan on cases\n{}",
        pretty()
    );
    assert!(
        nodes.iter().any(|(node, _, index)| {
            matches!(
                node.as_str(),
                "Index Scan" | "Index Only Scan" | "Bitmap Index Scan"
            ) && indexes.contains(&index.as_str())
        }),
        "{what}: not read along {indexes:?}\n{}",
        pretty()
    );
}

/// A later page's cursor of the cases awaiting a result: the 26th case, in the list's order.
async fn awaiting_cursor(pool: &PgPool) -> CaseId {
    sqlx::query_scalar(
        "SELECT id FROM cases WHERE status = 'open' AND next_step = 'result'
         ORDER BY submitted_at, id OFFSET 25 LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The queue's keyset cursor: the last row's finish time and id.
type After = Option<(DateTime<Utc>, CaseId)>;

#[tokio::test]
async fn every_review_queue_filter_is_read_along_an_index() {
    let g = generated().await;
    let pool = &g.app.pool;
    let all = QueueFilter {
        centres: g.centres.clone(),
        ..QueueFilter::default()
    };
    let cursor = Some((base() - TimeDelta::minutes(CASES / 2), CaseId(i64::MAX)));
    let finished = ["cases_finished_idx"];
    let cases: Vec<(&str, QueueFilter, After, &[&str])> = vec![
        ("every centre", all.clone(), None, &finished),
        (
            "one centre",
            QueueFilter {
                centres: vec![g.centres[1]],
                ..all.clone()
            },
            None,
            &finished,
        ),
        (
            "an employee",
            QueueFilter {
                centres: vec![g.centres[0]],
                employee: Some(g.employees[1]),
                ..all.clone()
            },
            None,
            &["cases_finished_employee_idx"],
        ),
        (
            "an e-service",
            QueueFilter {
                eservice: Some(g.eservice),
                ..all.clone()
            },
            None,
            &["cases_finished_eservice_idx"],
        ),
        (
            "a period",
            QueueFilter {
                from: Some(base() - TimeDelta::days(7)),
                until: Some(base() - TimeDelta::days(6)),
                ..all.clone()
            },
            None,
            &finished,
        ),
        (
            "stopped",
            QueueFilter {
                status: Some(pilnvara::domain::workflow::CaseStatus::Stopped),
                ..all.clone()
            },
            None,
            &["cases_finished_status_idx", "cases_finished_reason_idx"],
        ),
        (
            "stopped, the portal refused",
            QueueFilter {
                status: Some(pilnvara::domain::workflow::CaseStatus::Stopped),
                stop_reason: Some(pilnvara::domain::workflow::StopReason::PortalRefused),
                ..all.clone()
            },
            None,
            &["cases_finished_reason_idx"],
        ),
        (
            "reviewed",
            QueueFilter {
                reviewed: Some(true),
                ..all.clone()
            },
            None,
            &["cases_finished_reviewed_idx"],
        ),
        (
            "not reviewed",
            QueueFilter {
                reviewed: Some(false),
                ..all.clone()
            },
            None,
            &["cases_finished_unreviewed_idx"],
        ),
        ("after a cursor", all.clone(), cursor, &finished),
        (
            "not reviewed, after a cursor",
            QueueFilter {
                reviewed: Some(false),
                ..all.clone()
            },
            cursor,
            &["cases_finished_unreviewed_idx"],
        ),
    ];
    for (what, filter, after, indexes) in cases {
        let plan = plan(pool, store::review::queue_statement(&filter, after, PAGE)).await;
        assert_index_served(what, &plan, indexes);
    }
}

#[tokio::test]
async fn not_reviewed_pages_do_not_read_the_reviewed_cases() {
    // Six of seven finished cases are reviewed: a page of the others must not walk past them.
    let g = generated().await;
    let filter = QueueFilter {
        centres: g.centres.clone(),
        reviewed: Some(false),
        ..QueueFilter::default()
    };
    let plan = explain(
        &g.app.pool,
        "ANALYZE, FORMAT JSON",
        store::review::queue_statement(&filter, None, PAGE),
    )
    .await;
    fn removed(node: &Value) -> i64 {
        let here = if node["Relation Name"] == "cases" {
            node["Rows Removed by Filter"].as_i64().unwrap_or(0)
        } else {
            0
        };
        here + node["Plans"]
            .as_array()
            .into_iter()
            .flatten()
            .map(removed)
            .sum::<i64>()
    }
    assert_eq!(
        removed(&plan[0]["Plan"]),
        0,
        "{}",
        serde_json::to_string_pretty(&plan).unwrap()
    );
    let rows = store::review::queue(&g.app.pool, &filter, None, PAGE)
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, PAGE);
    assert!(rows.iter().all(|row| row.verdict.is_none()));
}

#[tokio::test]
async fn the_case_lists_and_the_reference_search_are_read_along_an_index() {
    let g = generated().await;
    let pool = &g.app.pool;
    let employee = g.employees[0];
    let centre = &g.centres[..1];
    let mine = plan(
        pool,
        store::cases::open_cases_of_statement(employee, centre, None),
    )
    .await;
    assert_index_served("my open cases", &mine, &["cases_opened_by_idx"]);
    let last_open: CaseId = sqlx::query_scalar(
        "SELECT id FROM cases WHERE opened_by = $1 AND status = 'open' ORDER BY id DESC
         OFFSET 25 LIMIT 1",
    )
    .bind(employee)
    .fetch_one(pool)
    .await
    .unwrap();
    let mine_later = plan(
        pool,
        store::cases::open_cases_of_statement(employee, centre, Some(last_open)),
    )
    .await;
    assert_index_served(
        "my open cases, a later page",
        &mine_later,
        &["cases_opened_by_idx"],
    );

    let awaiting = plan(
        pool,
        store::cases::awaiting_result_statement(&g.centres, None),
    )
    .await;
    assert_index_served(
        "awaiting a result",
        &awaiting,
        &["cases_awaiting_result_page_idx"],
    );
    let waiting = awaiting_cursor(pool).await;
    let awaiting_later = plan(
        pool,
        store::cases::awaiting_result_statement(&g.centres, Some(waiting)),
    )
    .await;
    assert_index_served(
        "awaiting a result, a later page",
        &awaiting_later,
        &["cases_awaiting_result_page_idx"],
    );

    let finished = explain(
        pool,
        "ANALYZE, FORMAT JSON",
        store::cases::recently_finished_statement(&g.centres),
    )
    .await;
    assert_index_served("recently finished", &finished, &["cases_finished_idx"]);
    let read = rows_read_from_cases(&finished);
    assert!(
        read <= g.centres.len() as i64 * 20,
        "recently finished reads {read} cases, not a page per centre"
    );

    let reference = plan(
        pool,
        store::cases::portal_reference_search_statement(&g.centres, "vpvkac-12345"),
    )
    .await;
    assert_index_served(
        "the search by portal reference",
        &reference,
        &["cases_portal_reference_lower_idx"],
    );
}

#[tokio::test]
async fn the_lists_as_they_open_are_planned_once_and_read_along_an_index() {
    use store::cases::{awaiting_result_statement as awaiting, recently_finished_statement};
    use store::review::unfiltered_page_statement as queue;
    let g = generated().await;
    let pool = &g.app.pool;
    let cursor = Some((base() - TimeDelta::minutes(CASES / 2), CaseId(i64::MAX)));
    let waiting = awaiting_cursor(pool).await;
    let centres = &g.centres;
    let awaiting_index = "cases_awaiting_result_page_idx";
    let finished_index = "cases_finished_idx";
    let first_page = settled_plan(pool, awaiting(centres, None)).await;
    assert_kept_and_along("awaiting a result", first_page, awaiting_index);
    let later_page = settled_plan(pool, awaiting(centres, Some(waiting))).await;
    assert_kept_and_along("awaiting, a later page", later_page, awaiting_index);
    let finished = settled_plan(pool, recently_finished_statement(centres)).await;
    assert_kept_and_along("recently finished", finished, finished_index);
    let first_page = settled_plan(pool, queue(centres, None)).await;
    assert_kept_and_along("the queue as it opens", first_page, finished_index);
    let later_page = settled_plan(pool, queue(centres, cursor)).await;
    assert_kept_and_along("the queue, a later page", later_page, finished_index);
}

/// A plan from [`settled_plan`] is the one made once for any values, and reads along `index`.
fn assert_kept_and_along(what: &str, (plan, generic): (Value, bool), index: &str) {
    assert!(
        generic,
        "{what}: planned for each request's values\n{plan:#}"
    );
    assert_index_served(what, &plan, &[index]);
}

/// The case page, /cases, the review queue as it opens and /figures, each asked for eight
/// times on one connection: none of their statements is planned anew for every request (the
/// filtered review queue is, on purpose: its filters choose its index).
#[tokio::test]
async fn the_busiest_pages_statements_are_planned_once() {
    let g = generated().await;
    let options = (*g.app.pool.connect_options()).clone();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let app = TestApp::on(pool.clone());
    let case: CaseId = sqlx::query_scalar("SELECT id FROM cases WHERE centre_id = $1 LIMIT 1")
        .bind(g.centres[0])
        .fetch_one(&pool)
        .await
        .unwrap();
    let desk = app.signed_in("p1-e1").await;
    let supervisor = app.signed_in("vad").await;
    for _ in 0..8 {
        for (who, path) in [
            (&desk, format!("/cases/{case}")),
            (&desk, "/cases".to_owned()),
            (&supervisor, "/review".to_owned()),
            (&supervisor, "/figures".to_owned()),
        ] {
            let page = who.get(&path).await;
            assert_eq!(page.status, axum::http::StatusCode::OK, "{path}");
        }
    }
    let planned_each_time: Vec<String> = sqlx::query_scalar(
        "SELECT statement FROM pg_prepared_statements
         WHERE custom_plans > 5 AND generic_plans = 0",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        planned_each_time.is_empty(),
        "planned anew on every request:\n{}",
        planned_each_time.join("\n\n")
    );
}

/// Every table a statement's plan reads, made once for any values (as a prepared statement
/// is planned when PostgreSQL keeps one plan for it), so that no value folds a scan away.
async fn tables_read(pool: &PgPool, sql: &str) -> Vec<String> {
    let mut connection = pool.acquire().await.unwrap();
    sqlx::raw_sql("SET plan_cache_mode = force_generic_plan")
        .execute(&mut *connection)
        .await
        .unwrap();
    sqlx::raw_sql(&format!("PREPARE noted AS {sql}"))
        .execute(&mut *connection)
        .await
        .unwrap_or_else(|error| panic!("{error}: {sql}"));
    let parameters: i32 = sqlx::query_scalar(
        "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = 'noted'",
    )
    .fetch_one(&mut *connection)
    .await
    .unwrap();
    let nulls = vec!["NULL"; parameters as usize].join(", ");
    let execute = match parameters {
        0 => "EXECUTE noted".to_owned(),
        _ => format!("EXECUTE noted({nulls})"),
    };
    let plan: Value = sqlx::query_scalar(&format!("EXPLAIN (FORMAT JSON) {execute}"))
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    sqlx::raw_sql("DEALLOCATE noted; RESET plan_cache_mode")
        .execute(&mut *connection)
        .await
        .unwrap();
    let mut tables: Vec<String> = nodes(&plan)
        .into_iter()
        .map(|(_, relation, _)| relation)
        .filter(|relation| !relation.is_empty())
        .collect();
    tables.sort_unstable();
    tables.dedup();
    tables
}

/// Every statement one GET of `path` by `client` runs on `pool`'s only connection: those of
/// the connection's prepared statements whose runs (`generic_plans + custom_plans`) grew. sqlx
/// prepares every statement the application sends, so only `BEGIN` and `COMMIT` are left out.
async fn statements_run(pool: &PgPool, client: &crate::harness::Client, path: &str) -> Vec<String> {
    let runs = || async {
        let runs: Vec<(String, i64)> = sqlx::query_as(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements
             WHERE statement NOT LIKE '%pg_prepared_statements%'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        runs.into_iter()
            .collect::<std::collections::HashMap<_, _>>()
    };
    let before = runs().await;
    let page = client.get(path).await;
    assert_eq!(page.status, axum::http::StatusCode::OK, "{path}");
    runs()
        .await
        .into_iter()
        .filter(|(statement, after)| before.get(statement).is_none_or(|runs| after > runs))
        .map(|(statement, _)| statement)
        .collect()
}

/// The tables `sent` read, each with the first words of the first statement that reads it.
async fn tables_of(pool: &PgPool, sent: Vec<String>) -> std::collections::BTreeMap<String, String> {
    let mut tables = std::collections::BTreeMap::new();
    for sql in sent {
        let first_words: String = sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        for table in tables_read(pool, &sql).await {
            tables.entry(table).or_insert_with(|| first_words.clone());
        }
    }
    tables
}

/// /figures and its CSV read the roll-up, the names of centres and e-services, the staff
/// member and the session: tables bounded by centres × months and the catalogue, never one
/// that grows with every case or message (as the messages' figures did until migration 0057).
#[tokio::test]
async fn the_figures_read_the_roll_up_never_a_table_that_grows_with_the_history() {
    let setup = TestApp::new().await;
    setup.centre("P1").await;
    setup.centre("P2").await;
    setup
        .user("vad", Role::Supervisor, "P1", &["P1", "P2"])
        .await;
    // One connection, so that its prepared statements are every statement the pages send.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with((*setup.pool.connect_options()).clone())
        .await
        .unwrap();
    let app = TestApp::on(pool.clone());
    let vad = app.signed_in("vad").await;
    let mut read = std::collections::BTreeMap::new();
    for path in [
        "/figures",
        "/figures.csv",
        "/figures?from=2025-01&to=2026-12",
    ] {
        // Each is asked for once: asked again, the page's tables are shown as laid out before
        // (see below).
        let sent = statements_run(&pool, &vad, path).await;
        assert!(sent.len() >= 5, "{path}: {sent:?}");
        for (table, statement) in tables_of(&pool, sent).await {
            read.entry(table).or_insert(statement);
        }
    }
    let bounded = [
        "centres",
        "eservices",
        "figures_awaiting",
        "figures_changes",
        "figures_messages",
        "figures_months",
        "figures_stops",
        "session",
        "staff",
        "supervised_centres",
    ];
    let unbounded: Vec<_> = read
        .iter()
        .filter(|(table, _)| !bounded.contains(&table.as_str()))
        .collect();
    assert!(
        unbounded.is_empty(),
        "tables read by the figures that are not bounded by centres × months or the catalogue \
         (with the statement that reads each): {unbounded:#?}"
    );
    assert!(
        read.contains_key("figures_messages") && read.contains_key("figures_months"),
        "{read:#?}"
    );

    // Asked again with nothing changed, the page reads its centres' change counts, not the
    // roll-up; once one of its centres' figures changes, it reads the roll-up again.
    let roll_up_read = |sent: Vec<String>| async {
        let tables = tables_of(&pool, sent).await;
        (
            tables.contains_key("figures_changes"),
            tables.contains_key("figures_months"),
        )
    };
    let again = roll_up_read(statements_run(&pool, &vad, "/figures").await).await;
    assert_eq!(
        again,
        (true, false),
        "the change counts read, the roll-up not"
    );
    sqlx::query(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
             gives_planned_time, gives_result, missing_eid_means, client_given_names,
             client_surnames, opened_at)
         SELECT c.id, e.id, s.id, 'open', 'identity', false, false, '{eid-card}', 'Jānis',
                'Bērziņš', now()
         FROM centres c, eservices e, staff s
         WHERE c.code = 'P2' AND s.username = 'vad' LIMIT 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let changed = roll_up_read(statements_run(&pool, &vad, "/figures").await).await;
    assert_eq!(
        changed,
        (true, true),
        "the roll-up read again after a change"
    );
}
