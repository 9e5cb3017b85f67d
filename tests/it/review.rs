//! The supervisor's review and figures: scoping, the queue's filters and keyset pages, the
//! review record (append-only, audited), spot-check samples, the figures and the CSV exports.
//! Cases (and the reviews a filter needs) are inserted as rows, not made at the desk: these tests
//! are about which finished cases are selected and counted, so they need many cases finished at
//! chosen minutes of chosen months, which the desk's services (stamping each duty with the clock,
//! refusing 22.¹3 before a data-use notice is in force) cannot make.

use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use pilnvara::domain::figures::{percentile_cont, riga_midnight};
use pilnvara::domain::ids::{CaseId, CentreId, StaffId};
use pilnvara::domain::review::draw_sample;
use pilnvara::domain::staff::Role;
use sqlx::PgPool;

use crate::harness::{Client, TestApp};

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// A case as the fixtures need it; `finished` is closed_at or stopped_at by `status`.
#[derive(Clone)]
struct NewCase {
    centre: CentreId,
    eservice: i64,
    employee: StaffId,
    status: &'static str,
    next_step: Option<&'static str>,
    stop_reason: Option<&'static str>,
    opened_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    wants_result: Option<bool>,
}

impl NewCase {
    fn closed(centre: CentreId, eservice: i64, employee: StaffId, finished: DateTime<Utc>) -> Self {
        Self {
            centre,
            eservice,
            employee,
            status: "closed",
            next_step: None,
            stop_reason: None,
            opened_at: finished - chrono::TimeDelta::days(2),
            submitted_at: Some(finished - chrono::TimeDelta::days(1)),
            finished_at: Some(finished),
            wants_result: Some(false),
        }
    }
}

/// Raw rows: opened, submitted and finished at chosen times, even in 2025, before any notice.
async fn insert_case(db: impl sqlx::PgExecutor<'_>, case: &NewCase) -> i64 {
    let (closed_at, stopped_at) = match case.status {
        "closed" => (case.finished_at, None),
        "stopped" => (None, case.finished_at),
        _ => (None, None),
    };
    sqlx::query_scalar(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
             gives_planned_time, gives_result, missing_eid_means, client_given_names,
             client_surnames, client_wants_result, stop_reason, opened_at, submitted_at,
             closed_at, stopped_at)
         VALUES ($1, $2, $3, $4::case_status, $5, false, true, '{eid-card}', 'Jānis', 'Bērziņš',
                 $6, $7, $8, $9, $10, $11)
         RETURNING id",
    )
    .bind(case.centre)
    .bind(case.eservice)
    .bind(case.employee)
    .bind(case.status)
    .bind(case.next_step)
    .bind(case.wants_result)
    .bind(case.stop_reason)
    .bind(case.opened_at)
    .bind(case.submitted_at)
    .bind(closed_at)
    .bind(stopped_at)
    .fetch_one(db)
    .await
    .unwrap()
}

async fn eservice(pool: &PgPool, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM eservices WHERE code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The case ids a page lists, in order.
fn listed_cases(body: &str) -> Vec<i64> {
    body.split("data-case=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// The "next page" link of a queue page.
fn next_link(body: &str) -> Option<String> {
    let before = body
        .split("rel=\"next\"")
        .next()
        .filter(|_| body.contains("rel=\"next\""))?;
    let href = before.rsplit("href=\"").next()?.split('"').next()?;
    Some(href.replace("&amp;", "&").replace("&#38;", "&"))
}

/// Every case of the queue under `query`, following the next links, and the page sizes.
async fn walk(client: &Client, query: &str) -> (Vec<i64>, Vec<usize>) {
    let mut ids = Vec::new();
    let mut sizes = Vec::new();
    let mut path = format!("/review?{query}");
    loop {
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let listed = listed_cases(&page.body);
        sizes.push(listed.len());
        ids.extend(listed);
        match next_link(&page.body) {
            Some(next) => path = next,
            None => break,
        }
        assert!(sizes.len() < 20, "the pages never end: {path} {sizes:?}");
    }
    (ids, sizes)
}

struct Scoped {
    app: TestApp,
    a: CentreId,
    b: CentreId,
    c: CentreId,
    anna: StaffId,
    andris: StaffId,
    berta: StaffId,
    cilda: StaffId,
}

/// Centres AA, BB and CC; supervisor `vad` of AA who supervises AA and BB; employees in each.
async fn scoped() -> Scoped {
    let app = TestApp::new().await;
    let a = app.centre("AA").await;
    let b = app.centre("BB").await;
    let c = app.centre("CC").await;
    app.user("vad", Role::Supervisor, "AA", &["AA", "BB"]).await;
    let anna = app.user("anna", Role::Employee, "AA", &[]).await;
    let andris = app.user("andris", Role::Employee, "AA", &[]).await;
    let berta = app.user("berta", Role::Employee, "BB", &[]).await;
    let cilda = app.user("cilda", Role::Employee, "CC", &[]).await;
    Scoped {
        app,
        a,
        b,
        c,
        anna,
        andris,
        berta,
        cilda,
    }
}

#[tokio::test]
async fn supervisor_sees_only_the_supervised_centres_and_other_cases_do_not_exist() {
    let s = scoped().await;
    let app = &s.app;
    let residence = eservice(&app.pool, "example-residence").await;
    let at = utc(2026, 1, 10, 10, 0);
    let in_a = insert_case(&app.pool, &NewCase::closed(s.a, residence, s.anna, at)).await;
    let in_b = insert_case(&app.pool, &NewCase::closed(s.b, residence, s.berta, at)).await;
    let in_c = insert_case(&app.pool, &NewCase::closed(s.c, residence, s.cilda, at)).await;
    let open_in_a = insert_case(
        &app.pool,
        &NewCase {
            status: "open",
            next_step: Some("identity"),
            finished_at: None,
            submitted_at: None,
            ..NewCase::closed(s.a, residence, s.anna, at)
        },
    )
    .await;

    let client = app.signed_in("vad").await;
    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), Some("/review"));

    let queue = client.get("/review").await;
    assert_eq!(queue.status, StatusCode::OK);
    let mut listed = listed_cases(&queue.body);
    listed.sort_unstable();
    assert_eq!(listed, vec![in_a, in_b]);
    assert!(
        !queue.body.contains("Bērziņš"),
        "no client names in the queue"
    );

    for hidden in [in_c, open_in_a, 999_999] {
        let page = client.get(&format!("/review/{hidden}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "case {hidden}");
    }
    let refused = client
        .post(
            &format!("/review/{in_c}"),
            &[("verdict", "in-order"), ("remark", ""), ("supersedes", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    // Filtering by an outside centre or its employee shows nothing, not the outside cases.
    for query in [format!("centre={}", s.c), format!("employee={}", s.cilda)] {
        let page = client.get(&format!("/review?{query}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(listed_cases(&page.body).is_empty(), "{query}");
    }

    let page = client.get(&format!("/review/{in_b}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Jānis Bērziņš"),
        "the review page shows the client"
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.body.contains("id=\"evidence-check\""));
    assert!(page.body.contains("id=\"authorisation-document\""));
    // The view goes to the case's centre's access chain, naming the case.
    let viewed: Vec<(String, Option<i64>, serde_json::Value)> = sqlx::query_as(
        "SELECT chain, case_id, details FROM audit_events WHERE action = 'personal-data-viewed'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        viewed,
        vec![(
            format!("access:{}", s.b),
            Some(in_b),
            serde_json::json!({ "page": "review" })
        )]
    );
}

#[tokio::test]
async fn employees_are_refused_every_supervisor_page() {
    let s = scoped().await;
    let app = &s.app;
    let residence = eservice(&app.pool, "example-residence").await;
    let case = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2026, 1, 10, 10, 0)),
    )
    .await;
    let client = app.signed_in("anna").await;
    for path in [
        "/review".to_owned(),
        format!("/review/{case}"),
        "/review/samples".to_owned(),
        "/figures".to_owned(),
        "/review.csv".to_owned(),
        "/figures.csv".to_owned(),
    ] {
        assert_eq!(
            client.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let post = client
        .post(&format!("/review/{case}"), &[("verdict", "in-order")])
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    let reviews: i64 = sqlx::query_scalar("SELECT count(*) FROM case_reviews")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reviews, 0);
}

/// One fixture case with what the filters look at.
struct Fixture {
    id: i64,
    centre: CentreId,
    employee: StaffId,
    eservice: i64,
    finished: DateTime<Utc>,
    status: &'static str,
    reason: Option<&'static str>,
    reviewed: bool,
}

/// Which fixture cases a filter keeps.
type Keep = Box<dyn Fn(&Fixture) -> bool>;

#[tokio::test]
async fn filters_and_pages_return_exactly_the_right_cases_across_page_boundaries() {
    let s = scoped().await;
    let app = &s.app;
    let services = [
        eservice(&app.pool, "example-residence").await,
        eservice(&app.pool, "example-family-benefit").await,
        eservice(&app.pool, "example-general-application").await,
    ];
    let reasons = ["client-withdrew", "portal-refused"];
    let base = utc(2026, 3, 15, 12, 0);
    let mut cases = Vec::new();
    for i in 0..53_i64 {
        let (centre, employee) = match i % 3 {
            0 => (s.b, s.berta),
            1 => (s.a, s.anna),
            _ => (s.a, s.andris),
        };
        // Pairs of cases finish at the same moment: the id breaks the tie.
        let finished = base - chrono::TimeDelta::hours(i / 2);
        let stopped = i % 4 == 0;
        let reason = stopped.then(|| reasons[(i as usize / 4) % 2]);
        let case = NewCase {
            status: if stopped { "stopped" } else { "closed" },
            stop_reason: reason,
            ..NewCase::closed(centre, services[(i % 3) as usize], employee, finished)
        };
        let id = insert_case(&app.pool, &case).await;
        let reviewed = i % 5 == 0;
        if reviewed {
            sqlx::query(
                "INSERT INTO case_reviews (case_id, reviewer_id, verdict, reviewed_at)
                 SELECT $1, id, 'in-order', now() FROM staff WHERE username = 'vad'",
            )
            .bind(id)
            .execute(&app.pool)
            .await
            .unwrap();
        }
        cases.push(Fixture {
            id,
            centre,
            employee,
            eservice: case.eservice,
            finished,
            status: case.status,
            reason,
            reviewed,
        });
    }
    // Never listed: an open case, and a case of an unsupervised centre.
    insert_case(
        &app.pool,
        &NewCase {
            status: "open",
            next_step: Some("result"),
            finished_at: None,
            ..NewCase::closed(s.a, services[0], s.anna, base)
        },
    )
    .await;
    insert_case(&app.pool, &NewCase::closed(s.c, services[0], s.cilda, base)).await;

    let expected = |keep: &dyn Fn(&Fixture) -> bool| {
        let mut kept: Vec<&Fixture> = cases.iter().filter(|c| keep(c)).collect();
        kept.sort_by_key(|c| std::cmp::Reverse((c.finished, c.id)));
        kept.into_iter().map(|c| c.id).collect::<Vec<_>>()
    };
    let client = app.signed_in("vad").await;

    let (all, sizes) = walk(&client, "").await;
    assert_eq!(sizes, vec![20, 20, 13]);
    assert_eq!(all, expected(&|_| true));

    // The period 2026-03-14 (Riga) holds the cases finished from 22:00 UTC on the 13th up to
    // 22:00 UTC on the 14th.
    let day_start = riga_midnight(chrono::NaiveDate::from_ymd_opt(2026, 3, 14).unwrap());
    let day_end = riga_midnight(chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap());
    let (a, b, andris) = (s.a, s.b, s.andris);
    let filters: Vec<(String, Keep)> = vec![
        (format!("centre={b}"), Box::new(move |c| c.centre == b)),
        (format!("centre={a}"), Box::new(move |c| c.centre == a)),
        (
            format!("employee={andris}"),
            Box::new(move |c| c.employee == andris),
        ),
        (
            format!("eservice={}", services[1]),
            Box::new(move |c| c.eservice == services[1]),
        ),
        (
            "from=2026-03-14&to=2026-03-14".to_owned(),
            Box::new(move |c| c.finished >= day_start && c.finished < day_end),
        ),
        (
            "outcome=closed".to_owned(),
            Box::new(|c| c.status == "closed"),
        ),
        (
            "outcome=stopped".to_owned(),
            Box::new(|c| c.status == "stopped"),
        ),
        (
            "outcome=stopped:portal-refused".to_owned(),
            Box::new(|c| c.reason == Some("portal-refused")),
        ),
        ("reviewed=yes".to_owned(), Box::new(|c| c.reviewed)),
        ("reviewed=no".to_owned(), Box::new(|c| !c.reviewed)),
        (
            format!("centre={a}&reviewed=no&outcome=closed"),
            Box::new(move |c| c.centre == a && !c.reviewed && c.status == "closed"),
        ),
    ];
    for (query, keep) in &filters {
        let want = expected(keep.as_ref());
        assert!(!want.is_empty(), "{query} selects something");
        let (got, sizes) = walk(&client, query).await;
        assert_eq!(got, want, "{query}");
        assert!(sizes.iter().all(|size| *size <= 20), "{query}: {sizes:?}");
    }
    assert!(
        expected(&|c| c.centre == s.a).len() > 20,
        "the centre filter spans pages"
    );

    let bad = client.get("/review?outcome=nonsense").await;
    assert_eq!(bad.status, StatusCode::OK, "the queue, with a message");
    assert!(bad.body.contains("id=\"outcome-error\""), "{}", bad.body);
    let bad_cursor = client.get("/review?after=not-a-cursor").await;
    assert_eq!(bad_cursor.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unreadable_or_out_of_range_filters_show_the_queue_with_a_message_never_an_error() {
    let s = scoped().await;
    let eservice = eservice(&s.app.pool, "example-residence").await;
    let case = insert_case(
        &s.app.pool,
        &NewCase::closed(s.a, eservice, s.anna, utc(2026, 3, 10, 9, 0)),
    )
    .await;
    let client = s.app.signed_in("vad").await;
    let texts = pilnvara::i18n::Lang::Lv.texts().review;
    for (query, field, message) in [
        ("to=262143-12-31", "to", texts.error_filter_date),
        ("to=+262142-12-31", "to", texts.error_filter_date),
        ("from=-262143-01-01", "from", texts.error_filter_date),
        ("from=1999-12-31", "from", texts.error_filter_date),
        ("to=10000-01-01", "to", texts.error_filter_date),
        (
            "from=0001-01-01&to=9999-99-99",
            "from",
            texts.error_filter_date,
        ),
        ("to=2026-02-30", "to", texts.error_filter_date),
        ("centre=x", "centre", texts.error_filter_choice),
        (
            "employee=99999999999999999999",
            "employee",
            texts.error_filter_choice,
        ),
        ("reviewed=maybe", "reviewed", texts.error_filter_choice),
    ] {
        let page = client.get(&format!("/review?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{query}"
        );
        assert!(page.body.contains(message), "{query}");
        let summary = format!("<a href=\"#{field}\">{message}</a>");
        assert!(
            page.body.contains(&summary),
            "{query}: the summary links to it"
        );
        assert_eq!(
            listed_cases(&page.body),
            [case],
            "{query}: the bad filter filters nothing"
        );
    }
    let last_day = client.get("/review?from=2000-01-01&to=9999-12-31").await;
    assert_eq!(last_day.status, StatusCode::OK);
    assert!(!last_day.body.contains("field-error"));
    assert_eq!(listed_cases(&last_day.body), [case]);
    let download = client.get("/review.csv?to=262143-12-31").await;
    assert_eq!(
        download.status,
        StatusCode::BAD_REQUEST,
        "no panic in the CSV either"
    );
}

#[tokio::test]
async fn a_review_is_audited_a_second_supersedes_the_first_and_neither_can_change() {
    let s = scoped().await;
    let app = &s.app;
    let residence = eservice(&app.pool, "example-residence").await;
    let case = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2026, 1, 10, 10, 0)),
    )
    .await;
    let client = app.signed_in("vad").await;
    let path = format!("/review/{case}");

    let missing = client
        .post(
            &path,
            &[
                ("verdict", "issues-found"),
                ("remark", "  "),
                ("supersedes", ""),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::OK);
    assert!(
        missing.body.contains("aprakstiet tās piezīmē"),
        "{}",
        missing.body
    );
    let too_long = "x".repeat(2001);
    let long = client
        .post(
            &path,
            &[
                ("verdict", "in-order"),
                ("remark", &too_long),
                ("supersedes", ""),
            ],
        )
        .await;
    assert!(long.body.contains("nedrīkst būt garāka par 2000"));

    let first = client
        .post(
            &path,
            &[("verdict", "in-order"), ("remark", ""), ("supersedes", "")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let first_id: i64 = sqlx::query_scalar("SELECT id FROM case_reviews WHERE case_id = $1")
        .bind(case)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // A double submit of the same form (it still names no earlier review) records nothing.
    let again = client
        .post(
            &path,
            &[("verdict", "in-order"), ("remark", ""), ("supersedes", "")],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("gadījums tika pārskatīts"));

    let second = client
        .post(
            &path,
            &[
                ("verdict", "issues-found"),
                ("remark", "22.¹3 reģistrācijas numurs neatbilst"),
                ("supersedes", &first_id.to_string()),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);

    let events: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "SELECT chain, details FROM audit_events WHERE action = 'case-reviewed' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let reviews: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, supersedes, verdict FROM case_reviews WHERE case_id = $1 ORDER BY id",
    )
    .bind(case)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[1].1, Some(first_id));
    // Each event commits to its review row as stored; the rest of the details say what happened.
    let events: Vec<(String, serde_json::Value)> = events
        .into_iter()
        .map(|(chain, mut details)| {
            let commits = details
                .as_object_mut()
                .and_then(|details| details.remove("commits"))
                .expect("the review is committed");
            let review_id = details["review_id"].as_i64().unwrap();
            assert!(commits.get(format!("review:{review_id}")).is_some());
            (chain, details)
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (
                format!("case:{case}"),
                serde_json::json!({ "review_id": first_id, "verdict": "in-order", "supersedes": null })
            ),
            (
                format!("case:{case}"),
                serde_json::json!({ "review_id": reviews[1].0, "verdict": "issues-found", "supersedes": first_id })
            ),
        ]
    );

    let page = client.get(&path).await;
    assert!(page.body.contains(&format!("data-review=\"{first_id}\"")));
    assert!(
        page.body
            .contains(&format!("data-review=\"{}\"", reviews[1].0))
    );
    assert!(
        page.body.contains("aizstāta ar jaunāku"),
        "the first is shown superseded"
    );
    assert!(page.body.contains("22.¹3 reģistrācijas numurs neatbilst"));
    let queue = client.get("/review?reviewed=yes").await;
    assert!(
        queue.body.contains("Konstatētas nepilnības"),
        "the queue shows the review in force"
    );

    let update = sqlx::query("UPDATE case_reviews SET verdict = 'in-order' WHERE id = $1")
        .bind(reviews[1].0)
        .execute(&app.pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM case_reviews WHERE id = $1")
        .bind(first_id)
        .execute(&app.pool)
        .await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[tokio::test]
async fn a_spot_check_sample_is_reproducible_and_fixed_once_drawn() {
    let s = scoped().await;
    let app = &s.app;
    app.set_clock(utc(2025, 12, 10, 12, 0));
    let residence = eservice(&app.pool, "example-residence").await;
    let mut november = Vec::new();
    for day in 1..=30 {
        let at = utc(2025, 11, day, 9, 0);
        november.push(insert_case(&app.pool, &NewCase::closed(s.a, residence, s.anna, at)).await);
    }
    // Not in the population: 23:30 on 31 October in Riga, December, stopped, another centre.
    let october = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2025, 10, 31, 21, 30)),
    )
    .await;
    let december = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2025, 11, 30, 22, 30)),
    )
    .await;
    let stopped = insert_case(
        &app.pool,
        &NewCase {
            status: "stopped",
            stop_reason: Some("client-withdrew"),
            ..NewCase::closed(s.a, residence, s.anna, utc(2025, 11, 12, 9, 0))
        },
    )
    .await;
    let first_of_november = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2025, 10, 31, 22, 30)),
    )
    .await;
    november.push(first_of_november);
    november.sort_unstable();

    let client = app.signed_in("vad").await;
    let refused = client
        .post(
            "/review/samples",
            &[("centre", &s.c.to_string()), ("percent", "10")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::OK,
        "a centre outside the scope is refused"
    );
    assert!(refused.body.contains("Izvēlieties centru"));
    let bad_percent = client
        .post(
            "/review/samples",
            &[("centre", &s.a.to_string()), ("percent", "0")],
        )
        .await;
    assert!(bad_percent.body.contains("no 1 līdz 100"));

    // Centre BB closed nothing in November: no empty sample is drawn.
    let empty = client
        .post(
            "/review/samples",
            &[("centre", &s.b.to_string()), ("percent", "10")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains("nepabeidza nevienu gadījumu"),
        "{}",
        empty.body
    );
    let samples: i64 = sqlx::query_scalar("SELECT count(*) FROM review_samples")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(samples, 0);

    let drawn = client
        .post(
            "/review/samples",
            &[("centre", &s.a.to_string()), ("percent", "10")],
        )
        .await;
    assert_eq!(drawn.status, StatusCode::SEE_OTHER);
    let location = drawn.location().unwrap().to_owned();
    let (sample_id, seed, population, month): (i64, i64, i32, chrono::NaiveDate) =
        sqlx::query_as("SELECT id, seed, population, month FROM review_samples")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(location, format!("/review/samples/{sample_id}"));
    assert_eq!(month, chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap());
    assert_eq!(population, 31);
    let stored: Vec<CaseId> = sqlx::query_scalar(
        "SELECT case_id FROM review_sample_cases WHERE sample_id = $1 ORDER BY position",
    )
    .bind(sample_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 4, "10 % of 31, rounded up");
    assert_eq!(
        stored,
        draw_sample(
            &november.iter().copied().map(CaseId).collect::<Vec<_>>(),
            10,
            seed as u64
        ),
        "reproducible from the seed"
    );
    for outside in [october, december, stopped] {
        assert!(!stored.contains(&CaseId(outside)));
    }
    let audited: serde_json::Value =
        sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'spot-check-drawn'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited["sample_id"], sample_id);
    assert_eq!(audited["seed"], (seed as u64).to_string());

    // Drawing again for the same centre and month shows the same sample, unchanged.
    let again = client
        .post(
            "/review/samples",
            &[("centre", &s.a.to_string()), ("percent", "50")],
        )
        .await;
    assert_eq!(again.location(), Some(location.as_str()));
    let samples: i64 = sqlx::query_scalar("SELECT count(*) FROM review_sample_cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(samples, 4);

    // The list to work through, with each case's review state.
    sqlx::query(
        "INSERT INTO case_reviews (case_id, reviewer_id, verdict, reviewed_at)
         SELECT $1, id, 'in-order', now() FROM staff WHERE username = 'vad'",
    )
    .bind(stored[0])
    .execute(&app.pool)
    .await
    .unwrap();
    let page = client.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        listed_cases(&page.body),
        stored.iter().map(|id| id.0).collect::<Vec<_>>()
    );
    assert!(page.body.contains("1 no 4"), "{}", page.body);
    let changed = sqlx::query("DELETE FROM review_sample_cases")
        .execute(&app.pool)
        .await;
    assert!(changed.is_err(), "a drawn sample is fixed");
}

/// The cells of the per-centre table row `key`.
fn row_cells(body: &str, key: &str) -> Vec<String> {
    let row = body
        .split(&format!("data-key=\"{key}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no row {key}"))
        .split("</tr>")
        .next()
        .unwrap();
    row.split("<td>")
        .skip(1)
        .map(|cell| cell.split("</td>").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn figures_match_a_hand_computed_month() {
    let s = scoped().await;
    let app = &s.app;
    app.set_clock(utc(2025, 12, 10, 12, 0));
    let residence = eservice(&app.pool, "example-residence").await;
    let day = chrono::TimeDelta::days(1);
    let case = |opened: DateTime<Utc>| NewCase {
        centre: s.a,
        eservice: residence,
        employee: s.anna,
        status: "open",
        next_step: Some("identity"),
        stop_reason: None,
        opened_at: opened,
        submitted_at: None,
        finished_at: None,
        wants_result: None,
    };
    let fixture = [
        // Closed after 1 and 2 days to submission.
        NewCase {
            status: "closed",
            next_step: None,
            submitted_at: Some(utc(2025, 11, 3, 8, 0)),
            finished_at: Some(utc(2025, 11, 4, 8, 0)),
            wants_result: Some(true),
            ..case(utc(2025, 11, 2, 8, 0))
        },
        NewCase {
            status: "closed",
            next_step: None,
            submitted_at: Some(utc(2025, 11, 4, 9, 0)),
            finished_at: Some(utc(2025, 11, 6, 9, 0)),
            wants_result: Some(true),
            ..case(utc(2025, 11, 2, 9, 0))
        },
        // Awaiting a result: submitted 4 November (overdue on 10 December) and 20 November.
        NewCase {
            next_step: Some("result"),
            submitted_at: Some(utc(2025, 11, 1, 10, 0) + day * 3),
            wants_result: Some(true),
            ..case(utc(2025, 11, 1, 10, 0))
        },
        NewCase {
            next_step: Some("result"),
            submitted_at: Some(utc(2025, 11, 16, 10, 0) + day * 4),
            wants_result: Some(true),
            ..case(utc(2025, 11, 16, 10, 0))
        },
        // Submitted after 10 days, then stopped: the portal refused.
        NewCase {
            status: "stopped",
            next_step: None,
            stop_reason: Some("portal-refused"),
            submitted_at: Some(utc(2025, 11, 15, 10, 0)),
            finished_at: Some(utc(2025, 11, 16, 10, 0)),
            wants_result: Some(false),
            ..case(utc(2025, 11, 5, 10, 0))
        },
        NewCase {
            status: "stopped",
            next_step: None,
            stop_reason: Some("client-withdrew"),
            finished_at: Some(utc(2025, 11, 7, 10, 0)),
            ..case(utc(2025, 11, 7, 9, 0))
        },
        NewCase {
            status: "stopped",
            next_step: None,
            stop_reason: Some("client-withdrew"),
            finished_at: Some(utc(2025, 11, 8, 10, 0)),
            ..case(utc(2025, 11, 8, 9, 0))
        },
        // 00:30 on 1 November in Riga: November's.
        case(utc(2025, 10, 31, 22, 30)),
        // 00:30 on 1 December in Riga: not November's.
        case(utc(2025, 11, 30, 22, 30)),
    ];
    for new in &fixture {
        insert_case(&app.pool, new).await;
    }
    // Another centre's case is never counted.
    insert_case(
        &app.pool,
        &NewCase {
            centre: s.c,
            employee: s.cilda,
            ..fixture[0].clone()
        },
    )
    .await;

    let days: Vec<f64> = vec![1.0, 2.0, 3.0, 4.0, 10.0];
    assert_eq!(percentile_cont(&days, 0.5), Some(3.0));
    let p90 = percentile_cont(&days, 0.9).unwrap();
    assert!((p90 - 7.6).abs() < 1e-9);

    let client = app.signed_in("vad").await;
    let page = client.get("/figures?from=2025-11&to=2025-11").await;
    assert_eq!(page.status, StatusCode::OK);
    // opened, 22.¹2 declared, 22.¹2 verified (none recorded here), closed, stopped, submitted,
    // median, p90, awaiting, overdue, asked %
    let expected = ["8", "0", "0", "2", "3", "5", "3,0", "7,6", "2", "1", "80"];
    assert_eq!(row_cells(&page.body, "AA"), expected);
    assert_eq!(row_cells(&page.body, "total"), expected);
    assert_eq!(row_cells(&page.body, "total 2025-11"), expected);
    assert_eq!(
        row_cells(&page.body, "BB"),
        ["0", "0", "0", "0", "0", "0", "—", "—", "0", "0", "—"]
    );
    assert!(
        !page.body.contains("data-key=\"CC\""),
        "only supervised centres"
    );
    // A centre's own months are one click away.
    assert!(page.body.contains(&format!(
        "href=\"/figures?from=2025-11&amp;to=2025-11&amp;centre={}\"",
        s.a
    )));
    assert!(page.body.contains("<svg"), "a chart");
    assert!(!page.body.contains("style="), "no inline styles (CSP)");
    let stopped = page.body.split("id=\"stopped-by-reason\"").nth(1).unwrap();
    let common = pilnvara::i18n::Lang::Lv.texts().common;
    let withdrew = format!("<td>{}</td><td>2</td>", common.stop_client_withdrew);
    let refused = format!("<td>{}</td><td>1</td>", common.stop_portal_refused);
    assert!(stopped.contains(&withdrew), "{stopped}");
    assert!(stopped.contains(&refused), "{stopped}");

    let december = client.get("/figures?from=2025-12&to=2025-12").await;
    assert_eq!(row_cells(&december.body, "AA")[0], "1");

    let csv = client.get("/figures.csv?from=2025-11&to=2025-11").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(
        csv.body
            .contains("AA;2025-11;;8;0;0;2;3;0;0;2;0;1;0;0;5;3,0;7,6;2;1;80\r\n"),
        "{}",
        csv.body
    );
}

/// The charts and tables of a figures page, without the form and the page around them.
fn figure_tables(body: &str) -> &str {
    let tables = body.split("id=\"chart-cases\"").nth(1).expect("the tables");
    tables.split("</main>").next().unwrap()
}

/// A case opened on 14 November 2025, submitted on the 15th and awaiting its result.
fn awaiting_since_15_november(centre: CentreId, eservice: i64, employee: StaffId) -> NewCase {
    NewCase {
        status: "open",
        next_step: Some("result"),
        opened_at: utc(2025, 11, 14, 10, 0),
        submitted_at: Some(utc(2025, 11, 15, 10, 0)),
        finished_at: None,
        ..NewCase::closed(centre, eservice, employee, utc(2025, 10, 20, 10, 0))
    }
}

/// A page's tables are shown again while nothing they show has changed, and laid out anew as
/// soon as anything has: a case of a chosen centre, the day, a centre's code, an e-service's
/// name. A case of another centre changes nothing.
#[tokio::test]
async fn figures_shown_again_follow_every_change_of_what_they_show() {
    let s = scoped().await;
    let app = &s.app;
    app.set_clock(utc(2025, 12, 10, 12, 0));
    let residence = eservice(&app.pool, "example-residence").await;
    let client = app.signed_in("vad").await;
    let path = "/figures?from=2025-10&to=2025-11";
    let october = utc(2025, 10, 20, 10, 0);
    insert_case(&app.pool, &NewCase::closed(s.a, residence, s.anna, october)).await;
    let first = client.get(path).await;
    assert_eq!(row_cells(&first.body, "AA")[0], "1");
    let again = client.get(path).await;
    assert_eq!(figure_tables(&again.body), figure_tables(&first.body));

    // A case of AA, submitted on 15 November and awaiting its result.
    insert_case(
        &app.pool,
        &awaiting_since_15_november(s.a, residence, s.anna),
    )
    .await;
    let page = client.get(path).await;
    // opened … awaiting, overdue
    assert_eq!(row_cells(&page.body, "AA")[0], "2");
    assert_eq!(row_cells(&page.body, "total 2025-11")[0], "1");
    assert_eq!(row_cells(&page.body, "AA")[8..10], ["1", "0"]);

    // Five days past 30 since it was submitted, it is overdue.
    app.set_clock(utc(2025, 12, 20, 12, 0));
    let client = app.signed_in("vad").await;
    let later = client.get(path).await;
    assert_eq!(row_cells(&later.body, "AA")[8..10], ["1", "1"]);

    // Another centre's case changes nothing the supervisor sees.
    insert_case(
        &app.pool,
        &NewCase::closed(s.c, residence, s.cilda, october),
    )
    .await;
    let unchanged = client.get(path).await;
    assert_eq!(figure_tables(&unchanged.body), figure_tables(&later.body));

    sqlx::query("UPDATE centres SET code = 'AZ' WHERE id = $1")
        .bind(s.a)
        .execute(&app.pool)
        .await
        .unwrap();
    let renamed = client.get(path).await;
    assert_eq!(row_cells(&renamed.body, "AZ")[0], "2");
    assert!(!renamed.body.contains("data-key=\"AA\""));

    sqlx::query("UPDATE eservices SET name_lv = 'Dzīvesvieta (jaunais nosaukums)' WHERE id = $1")
        .bind(residence)
        .execute(&app.pool)
        .await
        .unwrap();
    let named = client.get(path).await;
    assert!(
        figure_tables(&named.body).contains("Dzīvesvieta (jaunais nosaukums)"),
        "{}",
        named.body
    );
}

/// A centre's change count rises once in each transaction that changes its figures, however
/// many of its cases change, and not for a savepoint rolled back; a transaction rolled back
/// leaves it as it was. Every function that writes the roll-up raises it, or is called only by
/// functions that raise it first: figures kept under a count are never older than it.
#[tokio::test]
async fn a_centres_change_count_rises_once_a_transaction_that_changes_its_figures() {
    let s = scoped().await;
    let app = &s.app;
    let residence = eservice(&app.pool, "example-residence").await;
    let case = NewCase::closed(s.a, residence, s.anna, utc(2025, 10, 20, 10, 0));
    let count = async |centre: CentreId| -> i64 {
        // A centre made after migration 0058 has its row from its first change on.
        sqlx::query_scalar(
            "SELECT coalesce((SELECT changes FROM figures_changes WHERE centre_id = $1), 0)",
        )
        .bind(centre)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let (a, b) = (count(s.a).await, count(s.b).await);

    let mut tx = app.pool.begin().await.unwrap();
    insert_case(&mut *tx, &case).await;
    insert_case(&mut *tx, &case).await;
    tx.commit().await.unwrap();
    assert_eq!(count(s.a).await, a + 1, "two cases in one transaction");

    // The first change undone with its savepoint: the second counts.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("SAVEPOINT before")
        .execute(&mut *tx)
        .await
        .unwrap();
    insert_case(&mut *tx, &case).await;
    sqlx::query("ROLLBACK TO SAVEPOINT before")
        .execute(&mut *tx)
        .await
        .unwrap();
    insert_case(&mut *tx, &case).await;
    tx.commit().await.unwrap();
    assert_eq!(count(s.a).await, a + 2, "after a savepoint rolled back");

    let mut tx = app.pool.begin().await.unwrap();
    insert_case(&mut *tx, &case).await;
    tx.rollback().await.unwrap();
    assert_eq!(count(s.a).await, a + 2, "a transaction rolled back");
    assert_eq!(count(s.b).await, b, "another centre's count");

    // The schema's writers of the roll-up: each raises the count, or is called only by
    // functions that do (its callers, those whose source calls it, listed).
    let writers: Vec<(String, bool, String)> = sqlx::query_as(
        r"SELECT w.proname,
                 w.prosrc ~ 'figures_changed\(' OR coalesce(bool_and(c.prosrc ~ 'figures_changed\('), false),
                 coalesce(string_agg(c.proname, ', '), '')
           FROM pg_proc w
           LEFT JOIN pg_proc c ON c.pronamespace = w.pronamespace AND c.oid <> w.oid
                AND c.prosrc ~ ('\m' || w.proname || '\(')
           WHERE w.pronamespace = 'public'::regnamespace
             AND w.prosrc ~* '(insert\s+into|update|delete\s+from)\s+figures_(months|stops|awaiting|messages)\M'
           GROUP BY w.oid, w.proname, w.prosrc
           ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(writers.len() >= 3, "the roll-up's writers: {writers:?}");
    for (name, raised, callers) in &writers {
        assert!(
            raised,
            "{name} writes the roll-up without raising the change count (called by: {callers})"
        );
    }
}

/// After a change of one centre's figures, the page and the CSV are made from that centre's
/// figures read again and the others' kept from before: what they show equals what an
/// instance that kept nothing shows.
#[tokio::test]
async fn figures_made_from_centres_kept_equal_a_fresh_read() {
    let s = scoped().await;
    let app = &s.app;
    let at = utc(2025, 12, 10, 12, 0);
    app.set_clock(at);
    let residence = eservice(&app.pool, "example-residence").await;
    let october = utc(2025, 10, 20, 10, 0);
    insert_case(&app.pool, &NewCase::closed(s.a, residence, s.anna, october)).await;
    insert_case(
        &app.pool,
        &NewCase::closed(s.b, residence, s.berta, october),
    )
    .await;
    let paths = [
        "/figures?from=2025-10&to=2025-11",
        &format!("/figures?from=2025-10&to=2025-11&centre={}", s.b),
        "/figures.csv?from=2025-10&to=2025-11",
    ];
    let warm = app.signed_in("vad").await;
    let before = warm.get(paths[0]).await;
    for path in &paths[1..] {
        assert_eq!(warm.get(path).await.status, StatusCode::OK, "{path}");
    }

    // BB submits a case in November; AA's figures stay as they were read.
    insert_case(
        &app.pool,
        &awaiting_since_15_november(s.b, residence, s.berta),
    )
    .await;
    let fresh_app = TestApp::on(app.pool.clone());
    fresh_app.set_clock(at);
    let fresh = fresh_app.signed_in("vad").await;
    let after = warm.get(paths[0]).await;
    assert_eq!(row_cells(&after.body, "BB")[0], "2");
    assert_eq!(row_cells(&after.body, "AA"), row_cells(&before.body, "AA"));
    for path in paths {
        let (kept, read) = (warm.get(path).await, fresh.get(path).await);
        assert_eq!(kept.status, StatusCode::OK, "{path}");
        if path.contains(".csv") {
            assert_eq!(kept.body, read.body, "{path}");
        } else {
            assert_eq!(
                figure_tables(&kept.body),
                figure_tables(&read.body),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn csv_exports_carry_a_bom_and_neutralise_formulas_without_personal_data() {
    let s = scoped().await;
    let app = &s.app;
    let formula: i64 = sqlx::query_scalar(
        "INSERT INTO eservices (code, name_lv, name_en, institution, authorised_submission,
             gives_planned_time, gives_result)
         VALUES ('formula', '=HYPERLINK(\"http://x\";\"y\")', '@SUM(A1)', 'Iestāde', true, false, false)
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app.set_clock(utc(2025, 12, 10, 12, 0));
    let case = insert_case(
        &app.pool,
        &NewCase::closed(s.a, formula, s.anna, utc(2025, 11, 20, 10, 0)),
    )
    .await;
    let client = app.signed_in("vad").await;

    let queue = client.get(&format!("/review.csv?eservice={formula}")).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(
        queue.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        queue
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert!(queue.body.starts_with('\u{feff}'));
    let lines: Vec<&str> = queue
        .body
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .collect();
    assert_eq!(lines.len(), 3, "header, one case, end: {lines:?}");
    assert!(lines[1].starts_with(&format!("{case};AA;")), "{}", lines[1]);
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\""),
        "{}",
        lines[1]
    );
    assert!(!queue.body.contains("Bērziņš") && !queue.body.contains("Jānis"));

    let figures = client.get("/figures.csv?from=2025-11&to=2025-11").await;
    assert!(figures.body.starts_with('\u{feff}'));
    assert!(
        figures.body.contains("\r\n;;\"'=HYPERLINK("),
        "the e-service row is neutralised: {}",
        figures.body
    );
    assert!(!figures.body.contains("Bērziņš"));
}

#[tokio::test]
async fn recording_a_review_marks_the_case_reviewed_for_the_queue_filter() {
    let s = scoped().await;
    let app = &s.app;
    let residence = eservice(&app.pool, "example-residence").await;
    let case = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2026, 1, 10, 10, 0)),
    )
    .await;
    let reviewed_at = |case| async move {
        sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "SELECT reviewed_at FROM cases WHERE id = $1",
        )
        .bind(case)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    assert_eq!(reviewed_at(case).await, None);
    let client = app.signed_in("vad").await;
    let path = format!("/review/{case}");

    app.set_clock(utc(2026, 2, 1, 9, 0));
    let first = client
        .post(
            &path,
            &[("verdict", "in-order"), ("remark", ""), ("supersedes", "")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(reviewed_at(case).await, Some(utc(2026, 2, 1, 9, 0)));
    let first_id: i64 = sqlx::query_scalar("SELECT id FROM case_reviews WHERE case_id = $1")
        .bind(case)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    app.set_clock(utc(2026, 2, 3, 9, 0));
    let second = client
        .post(
            &path,
            &[
                ("verdict", "issues-found"),
                ("remark", "Trūkst paraksta"),
                ("supersedes", &first_id.to_string()),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reviewed_at(case).await,
        Some(utc(2026, 2, 3, 9, 0)),
        "the latest review's time"
    );
    // A stale form records nothing and changes nothing.
    app.set_clock(utc(2026, 2, 5, 9, 0));
    let stale = client
        .post(
            &path,
            &[("verdict", "in-order"), ("remark", ""), ("supersedes", "")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(reviewed_at(case).await, Some(utc(2026, 2, 3, 9, 0)));
}

/// Four eyes: the supervisor who opened a case does not review it, whatever the browser sends.
#[tokio::test]
async fn a_supervisor_does_not_review_a_case_they_worked_on() {
    let s = scoped().await;
    let app = &s.app;
    let vad: StaffId = sqlx::query_scalar("SELECT id FROM staff WHERE username = 'vad'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let residence = eservice(&app.pool, "example-residence").await;
    let own = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, vad, utc(2026, 1, 10, 10, 0)),
    )
    .await;
    let client = app.signed_in("vad").await;
    let texts = pilnvara::i18n::Lang::Lv.texts().review;
    let page = client.get(&format!("/review/{own}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(texts.error_own_case));
    assert!(
        !page.body.contains(&format!(r#"action="/review/{own}""#)),
        "no verdict form on one's own case"
    );
    let posted = client
        .post(
            &format!("/review/{own}"),
            &[("verdict", "in-order"), ("remark", ""), ("supersedes", "")],
        )
        .await;
    assert_eq!(
        posted.status,
        StatusCode::OK,
        "refused in words, not stored"
    );
    assert!(posted.body.contains(texts.error_own_case));
    let reviews: i64 = sqlx::query_scalar("SELECT count(*) FROM case_reviews WHERE case_id = $1")
        .bind(own)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reviews, 0);
    // Anna's case, in the same centre, is the supervisor's to review.
    let annas = insert_case(
        &app.pool,
        &NewCase::closed(s.a, residence, s.anna, utc(2026, 1, 11, 10, 0)),
    )
    .await;
    let page = client.get(&format!("/review/{annas}")).await;
    assert!(page.body.contains(&format!(r#"action="/review/{annas}""#)));
}
