//! Evidence that holds up: tamper-evident chains checked by verify and anchors, the database
//! refusing changes to the trail, retention, and subject access.

use std::process::{Command, Output};

use axum::http::StatusCode;
use chrono::{DateTime, Months, NaiveDate, TimeDelta, Utc};
use pilnvara::audit::anchor;
use pilnvara::audit::verify::{self, Failure, Problem};
use pilnvara::audit::{self, Action, Chain, Event};
use pilnvara::clock::Clock;
use pilnvara::domain::figures::riga_midnight;
use pilnvara::domain::ids::{CaseId, CentreId, StaffId};
use pilnvara::domain::review::validate_review;
use pilnvara::domain::staff::Role;
use pilnvara::domain::today_in_riga;
use pilnvara::domain::workflow::Step;
use pilnvara::keys::Keys;
use pilnvara::service::demo::{ClientDetails, Goes};
use pilnvara::service::{cases, erasure, review};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::harness::{TestApp, acting, database_url, fresh_named_database, scalar};

/// Appends `count` events to case `case_id`'s chain, one minute apart from `at`.
pub(crate) async fn record_on_case(pool: &PgPool, at: DateTime<Utc>, case_id: i64, count: i64) {
    for n in 1..=count {
        let mut tx = pool.begin().await.unwrap();
        audit::record(
            &mut tx,
            at + TimeDelta::minutes(n),
            Event {
                chain: Chain::Case(CaseId(case_id)),
                centre_id: None,
                actor_id: None,
                session_tag: None,
                action: Action::StepRecorded,
                details: json!({ "case_id": case_id, "n": n }),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Runs `sql` as a database superuser who switched the append-only triggers off, as a
/// malicious administrator would.
pub(crate) async fn tamper(pool: &PgPool, statements: &[&str]) {
    let mut connection = pool.acquire().await.unwrap();
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut *connection)
        .await
        .unwrap();
    for sql in statements {
        sqlx::query(sql).execute(&mut *connection).await.unwrap();
    }
    sqlx::query("SET session_replication_role = DEFAULT")
        .execute(&mut *connection)
        .await
        .unwrap();
}

async fn first_failure(pool: &PgPool) -> Failure {
    verify::verify_all(pool, None)
        .await
        .unwrap()
        .failure
        .expect("verify must find the damage")
}

/// Case 1, 2 and 3 have five events each; the check passes before tampering.
async fn three_intact_chains(app: &TestApp) {
    for case_id in 1..=3 {
        record_on_case(&app.pool, app.clock.now(), case_id, 5).await;
    }
    let check = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(check.is_ok(), "{:?}", check.failure);
    assert_eq!((check.chains, check.events), (3, 15));
}

#[tokio::test]
async fn an_edited_detail_is_caught_at_that_event() {
    let app = TestApp::new().await;
    three_intact_chains(&app).await;
    tamper(
        &app.pool,
        &[
            "UPDATE audit_events SET details = '{\"case_id\": 2, \"n\": 99}' WHERE chain = 'case:2' AND sequence = 3",
        ],
    )
    .await;
    let failure = first_failure(&app.pool).await;
    assert_eq!(
        (failure.chain.as_str(), failure.sequence, failure.problem),
        ("case:2", 3, Problem::HashMismatch)
    );
    let one = verify::verify_chain(&app.pool, "case:1", None)
        .await
        .unwrap();
    assert!(one.is_ok(), "the other chains are intact");
}

#[tokio::test]
async fn a_deleted_event_is_caught_where_it_is_missing() {
    let app = TestApp::new().await;
    three_intact_chains(&app).await;
    tamper(
        &app.pool,
        &["DELETE FROM audit_events WHERE chain = 'case:3' AND sequence = 2"],
    )
    .await;
    let failure = first_failure(&app.pool).await;
    assert_eq!(
        (failure.chain.as_str(), failure.sequence, failure.problem),
        ("case:3", 2, Problem::Missing { found: 3 })
    );
}

#[tokio::test]
async fn two_swapped_events_are_caught_at_the_first_of_them() {
    let app = TestApp::new().await;
    three_intact_chains(&app).await;
    tamper(
        &app.pool,
        &[
            "UPDATE audit_events SET sequence = -2 WHERE chain = 'case:1' AND sequence = 2",
            "UPDATE audit_events SET sequence = 2 WHERE chain = 'case:1' AND sequence = 3",
            "UPDATE audit_events SET sequence = 3 WHERE chain = 'case:1' AND sequence = -2",
        ],
    )
    .await;
    let failure = first_failure(&app.pool).await;
    assert_eq!(
        (failure.chain.as_str(), failure.sequence, failure.problem),
        ("case:1", 2, Problem::HashMismatch)
    );
}

#[tokio::test]
async fn a_cut_tail_is_caught_by_the_head_row_and_with_the_head_rewound_by_the_anchor() {
    let app = TestApp::new().await;
    three_intact_chains(&app).await;
    let keys = Keys::ephemeral();
    let dir = tempfile::tempdir().unwrap();
    let (path, heads) = anchor::write(&app.pool, &keys, app.clock.now(), dir.path())
        .await
        .unwrap();
    assert_eq!(heads, 3);
    let anchor = anchor::read(&path, &keys.anchor_public_key()).unwrap();
    let check = verify::verify_all(&app.pool, Some(&anchor)).await.unwrap();
    assert!(check.is_ok(), "{:?}", check.failure);
    assert_eq!(check.anchored, 3);

    tamper(
        &app.pool,
        &["DELETE FROM audit_events WHERE chain = 'case:2' AND sequence >= 4"],
    )
    .await;
    let failure = first_failure(&app.pool).await;
    assert_eq!(
        (failure.chain.as_str(), failure.sequence, failure.problem),
        ("case:2", 4, Problem::TailMissing { head_sequence: 5 })
    );

    // The head row rewound to the new last event: the chain is consistent in itself ...
    tamper(
        &app.pool,
        &[
            "UPDATE audit_chain_heads h SET sequence = 3, hash = e.hash FROM audit_events e
           WHERE h.chain = 'case:2' AND e.chain = 'case:2' AND e.sequence = 3",
        ],
    )
    .await;
    assert!(verify::verify_all(&app.pool, None).await.unwrap().is_ok());
    // ... but the anchor remembers where it ended.
    let check = verify::verify_all(&app.pool, Some(&anchor)).await.unwrap();
    let failure = check.failure.expect("the anchor shows the cut");
    assert_eq!((failure.chain.as_str(), failure.sequence), ("case:2", 5));
    assert!(matches!(
        failure.problem,
        Problem::AnchoredEventMissing { .. }
    ));
    let one = verify::verify_chain(&app.pool, "case:2", Some(&anchor))
        .await
        .unwrap();
    assert_eq!(one.failure.map(|f| f.sequence), Some(5));
}

#[tokio::test]
async fn the_database_refuses_to_change_or_remove_events() {
    let app = TestApp::new().await;
    record_on_case(&app.pool, app.clock.now(), 1, 2).await;
    for sql in [
        "UPDATE audit_events SET action = 'nothing' WHERE sequence = 1",
        "DELETE FROM audit_events WHERE sequence = 2",
        "TRUNCATE audit_events",
    ] {
        let error = sqlx::query(sql)
            .execute(&app.pool)
            .await
            .unwrap_err()
            .to_string();
        // TRUNCATE is refused before its trigger runs: the transparency log refers to events.
        assert!(
            error.contains("append-only") || error.contains("referenced in a foreign key"),
            "{sql}: {error}"
        );
    }
    for sql in ["TRUNCATE audit_events CASCADE", "TRUNCATE audit_log_leaves"] {
        let error = sqlx::query(sql)
            .execute(&app.pool)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn parallel_events_on_fifty_cases_all_land_in_order() {
    let app = TestApp::new().await;
    let centre = app.centre("RIX").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let now = app.clock.now();
    let tasks: Vec<_> = (1..=50)
        .map(|case_id| {
            let pool = app.pool.clone();
            tokio::spawn(async move {
                for n in 1..=4_i64 {
                    let mut tx = pool.begin().await.unwrap();
                    // Each task also writes to the one centre chain: writers there queue.
                    for chain in [Chain::Case(CaseId(case_id)), Chain::Centre(centre)] {
                        audit::record(
                            &mut tx,
                            now + TimeDelta::milliseconds(n),
                            Event {
                                chain,
                                centre_id: Some(centre),
                                actor_id: None,
                                session_tag: None,
                                action: Action::StepRecorded,
                                details: json!({ "case_id": case_id, "n": n }),
                            },
                        )
                        .await
                        .unwrap();
                    }
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(total - before, 50 * 4 * 2);
    for case_id in 1..=50_i64 {
        let rows: Vec<(i64, Value)> = sqlx::query_as(
            "SELECT sequence, details FROM audit_events WHERE chain = $1 ORDER BY sequence",
        )
        .bind(format!("case:{case_id}"))
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let sequences: Vec<i64> = rows.iter().map(|(sequence, _)| *sequence).collect();
        let order: Vec<i64> = rows.iter().map(|(_, d)| d["n"].as_i64().unwrap()).collect();
        assert_eq!(sequences, [1, 2, 3, 4], "case {case_id} has no gaps");
        assert_eq!(order, [1, 2, 3, 4], "case {case_id} in the order written");
    }
    let check = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(check.is_ok(), "{:?}", check.failure);
    assert_eq!(check.events as i64, total);
}

// ---------------------------------------------------------------------------------------------
// Cases as the desk leaves them

struct Client<'a> {
    code: &'a str,
    digits: &'a str,
    given: &'a str,
    surname: &'a str,
}

const ANNA_OLD: Client = Client {
    code: "010190-12349",
    digits: "01019012349",
    given: "Anna",
    surname: "Bērziņa",
};
const ANNA_NEW: Client = Client {
    code: "32345678901",
    digits: "32345678901",
    given: "Anna",
    surname: "Bērziņa-Jauna",
};
const JURIS: Client = Client {
    code: "32111111111",
    digits: "32111111111",
    given: "Juris",
    surname: "Kalniņš",
};

impl Client<'_> {
    /// What the desk records for the client: the same document, contact and reference for all.
    fn at_desk(&self) -> ClientDetails<'_> {
        ClientDetails {
            given_names: self.given,
            surnames: self.surname,
            personal_code: self.code,
            doc_number: "LV1234567",
            told_result: Some(("email", "anna@example.lv")),
            registration_number: "2-12/345",
            portal_reference: "VISS-7781",
            planned_in: Months::new(1),
            result_note: "Anna Bērziņa saņēma atbildi",
        }
    }
}

/// A case of `centre` that `staff` made and closed at the desk today (by the application's
/// clock), with personal data in its steps and a real trail, and a view of its page by `staff`.
/// Its personal data are kept until 31 December ten years on: tests move the clock past that.
async fn closed_case(
    app: &TestApp,
    centre: CentreId,
    staff: StaffId,
    client: &Client<'_>,
) -> CaseId {
    let case_id = app
        .desk_case(centre, staff, &client.at_desk(), Goes::Closed)
        .await;
    let centres = [centre];
    let desk = acting(staff, &centres);
    cases::log_view(&app.pool, app.clock.now(), desk, case_id, centre, "case")
        .await
        .unwrap();
    case_id
}

/// The last day case `case_id`'s personal data are kept.
async fn kept_until(app: &TestApp, case_id: CaseId) -> NaiveDate {
    sqlx::query_scalar("SELECT retention_until FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Moves the application's clock to noon (in Riga) of `day`.
fn set_day(app: &TestApp, day: NaiveDate) {
    app.set_clock(riga_midnight(day) + TimeDelta::hours(12));
}

/// A closed case written as rows, with its steps (personal data inside) and a view by `staff`.
/// Raw rows because the command line runs on the real clock, and a case the desk makes today is
/// kept at least until the end of next year: one already due for erasure can only be written.
async fn raw_closed_case(
    app: &TestApp,
    centre: CentreId,
    staff: StaffId,
    client: &Client<'_>,
    retention_until: NaiveDate,
) -> CaseId {
    let now = app.clock.now();
    let hmac = app.keys.personal_code_hmac(client.digits);
    let case_id: CaseId = sqlx::query_scalar(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
             gives_planned_time, gives_result, missing_eid_means, client_given_names,
             client_surnames, client_personal_code, personal_code_hmac, client_wants_result,
             notify_channel, notify_contact, portal_reference, retention_until, opened_at,
             submitted_at, closed_at)
         VALUES ($1, (SELECT min(id) FROM eservices), $2, 'closed', NULL, false, true,
                 '{eid-card}', $3, $4, $5, $6, true, 'email', 'anna@example.lv', 'VISS-7781',
                 $7, $8, $8, $8)
         RETURNING id",
    )
    .bind(centre)
    .bind(staff)
    .bind(client.given)
    .bind(client.surname)
    .bind(client.code)
    .bind(&hmac)
    .bind(retention_until)
    .bind(now)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let steps = [
        (
            "identity",
            json!({ "document": { "doc_type": "passport", "number": "LV1234567",
                                   "issuing_state": "LV", "expires_on": "2030-01-01" },
                    "personal_code": client.code, "override_justification": null,
                    "given_names": client.given, "surnames": client.surname }),
        ),
        (
            "authorisation",
            json!({ "notice_version": 1,
                    "result_contact": { "channel": "email", "address": "anna@example.lv" },
                    "registration_number": "2-12/345", "signed_on": "2026-03-01",
                    "copy1_keep_until": "2036-12-31" }),
        ),
        (
            "submission",
            json!({ "reference": "VISS-7781", "submitted_at": "2026-03-01T10:00:00" }),
        ),
        (
            "result",
            json!({ "outcome": "granted", "outcome_text": "Anna Bērziņa saņēma atbildi",
                    "told_via": "email", "told_at": "2026-03-05T09:00:00" }),
        ),
    ];
    for (step, data) in steps {
        sqlx::query(
            "INSERT INTO case_steps (case_id, step, outcome, data, recorded_by, recorded_at)
             VALUES ($1, $2, 'recorded', $3, $4, $5)",
        )
        .bind(case_id)
        .bind(step)
        .bind(data)
        .bind(staff)
        .bind(now)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let mut tx = app.pool.begin().await.unwrap();
    for (action, details) in [
        (Action::CaseOpened, json!({ "case_id": case_id })),
        (
            Action::PersonalDataViewed,
            json!({ "case_id": case_id, "page": "case" }),
        ),
    ] {
        audit::record(
            &mut tx,
            now,
            Event {
                chain: Chain::Case(case_id),
                centre_id: Some(centre),
                actor_id: Some(staff),
                session_tag: None,
                action,
                details,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    case_id
}

/// Names, code, keyed hash, contact, reference, erased, status, contact channel.
type ErasedCase = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    bool,
    String,
    Option<String>,
);

/// A stored step: its duty's slug, its data and when it was recorded.
type StepRow = (String, Value, DateTime<Utc>);

async fn steps_of(app: &TestApp, case_id: CaseId) -> Vec<StepRow> {
    sqlx::query_as("SELECT step, data, recorded_at FROM case_steps WHERE case_id = $1 ORDER BY id")
        .bind(case_id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn retention_erases_personal_data_keeps_the_figures_and_the_chains_verify() {
    let app = TestApp::new().await;
    let centre = app.centre("RIX").await;
    let staff = app.user("anna", Role::Employee, "RIX", &[]).await;
    let past = closed_case(&app, centre, staff, &ANNA_OLD).await;
    // A year on, another case: it is kept until the end of a later year.
    app.clock.advance(TimeDelta::days(366));
    let due_today = closed_case(&app, centre, staff, &JURIS).await;
    let last_day = kept_until(&app, due_today).await;
    assert!(kept_until(&app, past).await < last_day);
    set_day(&app, last_day);
    let before = steps_of(&app, past).await;
    let data_of = |steps: &[StepRow], step: Step| {
        let (_, data, _) = steps.iter().find(|(name, ..)| name == step.slug()).unwrap();
        data.clone()
    };
    let expires_on = data_of(&before, Step::Identity)["document"]["expires_on"].clone();
    let personal_data = [
        "Anna",
        "Bērziņa",
        "010190-12349",
        "LV1234567",
        "anna@example.lv",
        "VISS-7781",
        expires_on.as_str().unwrap(),
    ];
    let data_before = before
        .iter()
        .map(|(_, data, _)| data.to_string())
        .collect::<String>();
    for personal in personal_data {
        assert!(data_before.contains(personal), "{personal} was recorded");
    }

    let run = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert_eq!(run.erased, [past]);

    let erased: ErasedCase = sqlx::query_as(
        "SELECT client_given_names, client_surnames, client_personal_code, personal_code_hmac,
                    notify_contact, portal_reference, erased_at IS NOT NULL, status::text,
                    notify_channel
             FROM cases WHERE id = $1",
    )
    .bind(past)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        erased,
        (
            None,
            None,
            None,
            None,
            None,
            None,
            true,
            "closed".into(),
            Some("email".into())
        )
    );
    let steps = steps_of(&app, past).await;
    let when = |steps: &[StepRow]| {
        steps
            .iter()
            .map(|(step, _, at)| (step.clone(), *at))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        when(&steps),
        when(&before),
        "the steps stay, with their times"
    );
    let all_data = steps
        .iter()
        .map(|(_, data, _)| data.to_string())
        .collect::<String>();
    for personal in personal_data.into_iter().chain(["01019012349"]) {
        assert!(
            !all_data.contains(personal),
            "{personal} left in {all_data}"
        );
    }
    assert_eq!(
        data_of(&steps, Step::Authorisation)["result_contact"],
        json!({ "channel": "email" })
    );
    assert_eq!(data_of(&steps, Step::Result)["outcome"], "granted");
    assert_eq!(
        data_of(&steps, Step::Submission)["submitted_at"],
        data_of(&before, Step::Submission)["submitted_at"]
    );

    let kept: Option<String> =
        sqlx::query_scalar("SELECT client_given_names FROM cases WHERE id = $1")
            .bind(due_today)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Juris"),
        "kept until the end of its last day"
    );

    let events: Vec<Value> = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'personal-data-erased' AND chain = $1",
    )
    .bind(format!("case:{past}"))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (&events[0]["case_id"], &events[0]["via"]),
        (&json!(past), &json!("retention"))
    );
    for personal in [
        "Anna",
        "Bērziņa",
        "01019012349",
        "anna@example.lv",
        "VISS-7781",
    ] {
        assert!(!events[0].to_string().contains(personal), "{personal}");
    }

    let again = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert!(again.erased.is_empty(), "a second run erases nothing more");
    let check = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(
        check.is_ok(),
        "{:?} {:?}",
        check.failure,
        check.data.failure
    );

    // The next day, the other case's time has come.
    app.clock.advance(TimeDelta::days(1));
    let next = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert_eq!(next.erased, [due_today]);
}

#[tokio::test]
async fn an_open_case_abandoned_before_the_authorisation_is_stopped_and_erased_after_its_provisional_date()
 {
    let app = TestApp::new().await;
    let centre = app.centre("RIX").await;
    let staff = app.user("anna", Role::Employee, "RIX", &[]).await;
    let opened_on = today_in_riga(app.clock.now());
    // The client was identified, then never came back.
    let identified = Goes::To(Step::Identity);
    let case_id = app
        .desk_case(centre, staff, &ANNA_OLD.at_desk(), identified)
        .await;
    let provisional: Option<NaiveDate> =
        sqlx::query_scalar("SELECT retention_until FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        provisional,
        Some(pilnvara::domain::retention::keep_until(opened_on, 10)),
        "a provisional date from the opening day and the centre's period"
    );

    let early = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert!(early.erased.is_empty());
    let past = provisional.unwrap() + TimeDelta::days(1);
    app.clock.advance(
        pilnvara::domain::figures::riga_midnight(past) - app.clock.now() + TimeDelta::hours(1),
    );
    let run = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert_eq!(run.erased, [case_id]);
    assert_eq!(run.stopped, [case_id]);

    let (status, next_step, reason, names, stopped): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    ) = sqlx::query_as(
        "SELECT status::text, next_step, stop_reason, client_given_names,
                    stopped_at IS NOT NULL AND erased_at IS NOT NULL
             FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (
            status.as_str(),
            next_step,
            reason.as_deref(),
            names,
            stopped
        ),
        ("stopped", None, Some("other"), None, true)
    );
    let actions: Vec<(String, Value)> = sqlx::query_as(
        "SELECT action, details FROM audit_events WHERE chain = $1 ORDER BY sequence",
    )
    .bind(format!("case:{case_id}"))
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let names: Vec<&str> = actions.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(
        names,
        [
            "case-opened",
            "step-recorded",
            "case-stopped",
            "personal-data-erased"
        ]
    );
    assert_eq!(actions[2].1["via"], "retention");
    let check = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(check.is_ok(), "{:?}", check.failure);
}

#[tokio::test]
async fn subject_access_finds_all_and_only_that_persons_cases_and_is_audited_without_the_code() {
    let app = TestApp::new().await;
    let rix = app.centre("RIX").await;
    let ogr = app.centre("OGR").await;
    let employee = app.user("anna", Role::Employee, "RIX", &[]).await;
    let elsewhere = app.user("ogre", Role::Employee, "OGR", &[]).await;
    app.user("admin1", Role::Admin, "RIX", &[]).await;
    // An old case of hers, erased at retention before the others were made.
    let erased = closed_case(&app, rix, employee, &ANNA_OLD).await;
    set_day(&app, kept_until(&app, erased).await + TimeDelta::days(1));
    let first = closed_case(&app, rix, employee, &ANNA_OLD).await;
    let second = closed_case(&app, rix, employee, &ANNA_OLD).await;
    let new_code = closed_case(&app, rix, employee, &ANNA_NEW).await;
    let other_person = closed_case(&app, rix, employee, &JURIS).await;
    let other_centre = closed_case(&app, ogr, elsewhere, &ANNA_OLD).await;
    let run = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert_eq!(run.erased, [erased]);

    let admin = app.signed_in("admin1").await;
    let form = admin.get("/admin/subject-access").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"personal_code\""));

    let page = admin
        .post("/admin/subject-access", &[("personal_code", ANNA_OLD.code)])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    for case_id in [first, second] {
        assert!(
            page.body.contains(&format!(">Gadījums {case_id}<")),
            "case {case_id}"
        );
    }
    for case_id in [new_code, other_person, other_centre, erased] {
        assert!(
            !page.body.contains(&format!(">Gadījums {case_id}<")),
            "case {case_id}"
        );
    }
    assert!(page.body.contains("LV1234567"), "the steps' data are shown");
    assert!(page.body.contains("Darbinieks anna"), "who viewed the data");

    let download = admin
        .post(
            "/admin/subject-access/export",
            &[("personal_code", ANNA_NEW.code)],
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.header("cache-control"), Some("no-store"));
    let export: Value = serde_json::from_str(&download.body).unwrap();
    let ids: Vec<CaseId> = export["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| CaseId(case["id"].as_i64().unwrap()))
        .collect();
    assert_eq!(ids, [new_code], "the new-format code is another code");
    let steps = "SELECT count(*) FROM case_steps WHERE case_id = $1";
    assert_eq!(
        export["cases"][0]["steps"].as_array().unwrap().len() as i64,
        scalar(&app, steps, new_code.0).await,
        "every step"
    );
    let access = export["cases"][0]["access_events"].as_array().unwrap();
    assert!(
        access
            .iter()
            .any(|event| event["action"] == "personal-data-viewed"
                && event["details"]["page"] == "case"),
        "the view of the case page: {access:?}"
    );

    let searches: Vec<Value> = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'subject-access-searched' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(searches.len(), 2);
    assert_eq!(searches[0]["cases_found"], 2);
    assert_eq!(searches[1]["cases_found"], 1);
    assert_eq!(
        searches[0]["personal_code_hmac"],
        hex::encode(app.keys.personal_code_hmac(ANNA_OLD.digits))
    );
    // Without the commitments: salted SHA-256 hex, in which six given digits turn up by chance.
    let all_details: String =
        sqlx::query_scalar("SELECT string_agg((details - 'commits')::text, ' ') FROM audit_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    for code in [ANNA_OLD.digits, "010190", ANNA_NEW.digits] {
        assert!(!all_details.contains(code), "{code} in the audit trail");
    }
}

#[tokio::test]
async fn subject_access_lists_every_use_of_the_data_and_is_written_into_each_cases_chain() {
    let app = TestApp::new().await;
    let rix = app.centre("RIX").await;
    let employee = app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("admin1", Role::Admin, "RIX", &[]).await;
    let case_id = closed_case(&app, rix, employee, &ANNA_OLD).await;
    let other = closed_case(&app, rix, employee, &JURIS).await;
    let mut tx = app.pool.begin().await.unwrap();
    for action in [
        Action::StepRecorded,
        Action::AuthorisationPrinted,
        Action::ReceiptPrinted,
        Action::AuthorisationVerified,
        Action::CaseReviewed,
    ] {
        audit::record(
            &mut tx,
            app.clock.now(),
            Event {
                chain: Chain::Case(case_id),
                centre_id: Some(rix),
                actor_id: Some(employee),
                session_tag: None,
                action,
                details: json!({}),
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let admin = app.signed_in("admin1").await;
    async fn export(admin: &crate::harness::Client) -> Vec<String> {
        let body = admin
            .post(
                "/admin/subject-access/export",
                &[("personal_code", ANNA_OLD.code)],
            )
            .await
            .body;
        let export: Value = serde_json::from_str(&body).unwrap();
        export["cases"][0]["access_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|event| event["action"].as_str().unwrap().to_owned())
            .collect()
    }
    assert_eq!(
        export(&admin).await,
        [
            // The desk's print before 22.¹3, and the view of the case page.
            "authorisation-printed",
            "personal-data-viewed",
            "authorisation-printed",
            "receipt-printed",
            "authorisation-verified",
            "case-reviewed"
        ]
    );
    let page = admin
        .post("/admin/subject-access", &[("personal_code", ANNA_OLD.code)])
        .await;
    // The page says what happened in words; the codes stay in the machine-readable export.
    let review = pilnvara::i18n::Lang::Lv.texts().review;
    assert!(
        page.body.contains(review.action_receipt_printed),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("receipt-printed"),
        "no internal code on the page"
    );

    let disclosed: Vec<(String, Value)> = sqlx::query_as(
        "SELECT chain, details FROM audit_events WHERE action = 'subject-access-disclosed'
         ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        disclosed,
        [
            (format!("case:{case_id}"), json!({ "output": "json" })),
            (format!("case:{case_id}"), json!({ "output": "page" })),
        ],
        "each disclosure in the case's own chain, none in the other person's ({other})"
    );
    assert_eq!(
        export(&admin).await.last().map(String::as_str),
        Some("subject-access-disclosed"),
        "earlier disclosures are listed too"
    );
    let check = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(check.is_ok(), "{:?}", check.failure);
}

/// The review "issues found" with `remark` of case `case_id` of `centre`, recorded by supervisor
/// `reviewer` of that centre through the review page's form check and service.
async fn reviewed(
    app: &TestApp,
    (case_id, centre): (CaseId, CentreId),
    reviewer: StaffId,
    remark: &str,
) -> i64 {
    let centres = [centre];
    let supervisor = acting(reviewer, &centres);
    let input = validate_review("issues-found", remark).unwrap();
    let at = app.clock.now();
    let marked = review::mark(&app.pool, at, supervisor, (case_id, centre), None, &input);
    match marked.await.unwrap() {
        review::Marked::Recorded { review_id } => review_id,
        other => panic!("not recorded: {other:?}"),
    }
}

#[tokio::test]
async fn review_remarks_are_disclosed_to_the_person_and_erased_at_retention_only() {
    let app = TestApp::new().await;
    let rix = app.centre("RIX").await;
    let employee = app.user("anna", Role::Employee, "RIX", &[]).await;
    let supervisor = app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    app.user("admin1", Role::Admin, "RIX", &[]).await;
    let due = closed_case(&app, rix, employee, &JURIS).await;
    // Made after the other case's last day.
    set_day(&app, kept_until(&app, due).await + TimeDelta::days(1));
    let kept = closed_case(&app, rix, employee, &ANNA_OLD).await;
    let remark = "Klientei Annai Bērziņai netika izsniegts 2. eksemplārs";
    reviewed(&app, (kept, rix), supervisor, remark).await;
    let review = reviewed(&app, (due, rix), supervisor, "Juris Kalniņš sūdzējās").await;

    let admin = app.signed_in("admin1").await;
    let page = admin
        .post("/admin/subject-access", &[("personal_code", ANNA_OLD.code)])
        .await;
    assert!(page.body.contains(remark), "the remark is disclosed");
    let export: Value = serde_json::from_str(
        &admin
            .post(
                "/admin/subject-access/export",
                &[("personal_code", ANNA_OLD.code)],
            )
            .await
            .body,
    )
    .unwrap();
    assert_eq!(export["cases"][0]["reviews"][0]["remark"], remark);
    assert_eq!(export["cases"][0]["reviews"][0]["verdict"], "issues-found");

    let clear = "UPDATE case_reviews SET remark = '' WHERE id = $1";
    let before = sqlx::query(clear).bind(review).execute(&app.pool).await;
    assert!(before.is_err(), "not before the case is erased");

    let run = erasure::run(&app.pool, app.clock.as_ref()).await.unwrap();
    assert_eq!(run.erased, [due]);
    let remarks: Vec<(CaseId, String, String)> =
        sqlx::query_as("SELECT case_id, verdict, remark FROM case_reviews ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        remarks,
        [
            (kept, "issues-found".to_owned(), remark.to_owned()),
            (due, "issues-found".to_owned(), String::new()),
        ],
        "the erased case's remark is emptied, its verdict kept"
    );
    for change in [
        "UPDATE case_reviews SET remark = 'cits' WHERE id = $1",
        "UPDATE case_reviews SET verdict = 'in-order' WHERE id = $1",
        "DELETE FROM case_reviews WHERE id = $1",
    ] {
        let refused = sqlx::query(change).bind(review).execute(&app.pool).await;
        assert!(refused.is_err(), "{change}");
    }
    let empty_issue = sqlx::query(
        "INSERT INTO case_reviews (case_id, supersedes, reviewer_id, verdict, remark, reviewed_at)
         VALUES ($1, $2, $3, 'issues-found', ' ', now())",
    )
    .bind(due)
    .bind(review)
    .bind(supervisor)
    .execute(&app.pool)
    .await;
    assert!(
        empty_issue.is_err(),
        "a new review that found issues still needs a remark"
    );
    let check = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(
        check.is_ok(),
        "{:?} {:?}",
        check.failure,
        check.data.failure
    );
}

#[tokio::test]
async fn subject_access_rejects_a_bad_code_and_is_for_administrators_only() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    app.user("admin1", Role::Admin, "RIX", &[]).await;
    for username in ["anna", "vita"] {
        let client = app.signed_in(username).await;
        assert_eq!(
            client.get("/admin/subject-access").await.status,
            StatusCode::FORBIDDEN
        );
        for path in ["/admin/subject-access", "/admin/subject-access/export"] {
            let response = client.post(path, &[("personal_code", ANNA_OLD.code)]).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{username} {path}");
        }
    }
    let admin = app.signed_in("admin1").await;
    let wrong_check_digit = admin
        .post(
            "/admin/subject-access",
            &[("personal_code", "010190-12345")],
        )
        .await;
    assert_eq!(wrong_check_digit.status, StatusCode::OK);
    assert!(wrong_check_digit.body.contains("Kontrolcipars nesakrīt"));
    let overridden = admin
        .post(
            "/admin/subject-access",
            &[
                ("personal_code", "010190-12345"),
                ("check_digit_override", "on"),
            ],
        )
        .await;
    assert!(
        overridden.body.contains("Atrasto gadījumu skaits"),
        "{}",
        overridden.body
    );
    let searches: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'subject-access-searched'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(searches, 1, "only the search that ran is recorded");
}

// ---------------------------------------------------------------------------------------------
// The command line

pub(crate) fn pilnvara(database: &str, data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pilnvara"))
        .args(args)
        .env("DATABASE_URL", database_url(database))
        .env("PILNVARA_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("running pilnvara")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_audit_and_retention_commands_exit_zero_when_sound_and_name_the_bad_event() {
    let (pool, name) = fresh_named_database().await;
    let app = TestApp::on(pool);
    let centre = app.centre("RIX").await;
    let staff = app.user("anna", Role::Employee, "RIX", &[]).await;
    let case_id = raw_closed_case(&app, centre, staff, &ANNA_OLD, day(2000, 1, 1)).await;
    let data = tempfile::tempdir().unwrap();

    let verified = pilnvara(&name, data.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout).starts_with("2 chains, 4 events verified; no anchor"),
        "{}",
        text(&verified.stdout)
    );

    let retention = pilnvara(&name, data.path(), &["retention", "run"]);
    assert!(retention.status.success(), "{}", text(&retention.stderr));
    assert_eq!(
        text(&retention.stdout).trim(),
        "personal data erased from 1 cases"
    );

    let anchored = pilnvara(&name, data.path(), &["audit", "anchor"]);
    assert!(anchored.status.success(), "{}", text(&anchored.stderr));
    assert!(text(&anchored.stdout).contains("(2 chain heads)"));
    assert!(data.path().join("keys/anchor.pub").exists());
    let written = anchor::latest(&data.path().join("anchors"))
        .unwrap()
        .unwrap();
    let file: Value = serde_json::from_slice(&std::fs::read(written).unwrap()).unwrap();
    assert_eq!(file["statement"]["heads"].as_array().unwrap().len(), 2);

    let case = case_id.to_string();
    let one = pilnvara(&name, data.path(), &["audit", "verify", "--case", &case]);
    assert!(one.status.success(), "{}", text(&one.stderr));
    assert!(text(&one.stdout).starts_with("1 chains, 3 events verified; 1 anchored heads"));

    tamper(
        &app.pool,
        &["UPDATE audit_events SET details = '{}' WHERE action = 'personal-data-viewed'"],
    )
    .await;
    let broken = pilnvara(&name, data.path(), &["audit", "verify"]);
    assert!(!broken.status.success());
    assert!(
        text(&broken.stderr).contains(&format!("chain case:{case_id}, event 2:")),
        "{}",
        text(&broken.stderr)
    );

    let stranger = Keys::ephemeral();
    let key_file = data.path().join("stranger.pub");
    std::fs::write(
        &key_file,
        hex::encode(stranger.anchor_public_key().as_bytes()),
    )
    .unwrap();
    let wrong_key = pilnvara(
        &name,
        data.path(),
        &[
            "audit",
            "verify",
            "--case",
            &case,
            "--public-key",
            key_file.to_str().unwrap(),
        ],
    );
    assert!(!wrong_key.status.success());
    assert!(
        text(&wrong_key.stderr).contains("signature"),
        "{}",
        text(&wrong_key.stderr)
    );
}

#[tokio::test]
async fn the_server_role_that_owns_nothing_appends_events_but_cannot_change_them() {
    let (owner_pool, name) = fresh_named_database().await;
    let role = format!("app_{}", &name["pilnvara_test_".len()..]);
    let password = "role-test-password";
    // The grants of the README (migration 0045's function), as the owner gives them.
    pilnvara::db::grant_application_role(&owner_pool, &role)
        .await
        .unwrap();
    sqlx::query(&format!("ALTER ROLE {role} PASSWORD '{password}'"))
        .execute(&owner_pool)
        .await
        .unwrap();
    let options: sqlx::postgres::PgConnectOptions = database_url(&name).parse().unwrap();
    let app_pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.username(&role).password(password))
        .await
        .unwrap();
    pilnvara::db::migrate(&app_pool)
        .await
        .expect("with every migration applied, starting needs no ownership");
    record_on_case(&app_pool, Utc::now(), 1, 2).await;
    for sql in [
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
    ] {
        let error = sqlx::query(sql).execute(&app_pool).await.unwrap_err();
        assert!(
            error.to_string().contains("permission denied")
                || error.to_string().contains("must be owner"),
            "{sql}: {error}"
        );
    }
    app_pool.close().await;
    assert!(verify::verify_all(&owner_pool, None).await.unwrap().is_ok());
    sqlx::query(&format!("DROP OWNED BY {role}"))
        .execute(&owner_pool)
        .await
        .unwrap();
    owner_pool.close().await;
    let admin: sqlx::postgres::PgConnectOptions = database_url("postgres").parse().unwrap();
    let mut admin: sqlx::PgConnection = sqlx::Connection::connect_with(&admin).await.unwrap();
    let _ = sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
        .execute(&mut admin)
        .await;
}
