//! Commitments to the stored data: a case's rows edited, added or removed behind the
//! application's back are caught by `audit verify` and by the review page, each named by table,
//! row and part; retention's erasure is told apart from tampering.

use axum::http::StatusCode;
use chrono::TimeDelta;
use pilnvara::audit::commitment::{Component, DataFailure, DataProblem};
use pilnvara::audit::verify::{self, Problem};
use pilnvara::clock::Clock;
use pilnvara::domain::ids::CaseId;
use pilnvara::domain::staff::Role;
use sqlx::PgPool;

use crate::cases::{GIVEN, SURNAME, eservice, open_case, record_ok, staffed, status};
use crate::harness::{Client, TestApp};

/// A case walked through every duty by anna (the client wants the result), its authorisation
/// printed twice and reviewed by vita: every kind of committed row exists.
pub(crate) async fn complete_case(app: &TestApp, anna: &Client, vita: &Client) -> i64 {
    let service = sqlx::query_scalar("SELECT id FROM eservices WHERE code = 'test-true-true'")
        .fetch_optional(&app.pool)
        .await
        .unwrap();
    let service = match service {
        Some(id) => id,
        None => eservice(app, true, true).await,
    };
    let id = open_case(anna, service).await;
    for step in ["identity", "employee-eid"] {
        record_ok(app, anna, id, step, true).await;
    }
    for step in [
        "authorisation",
        "data-processing",
        "submission",
        "planned-time",
        "result",
    ] {
        record_ok(app, anna, id, step, true).await;
    }
    let reprint = anna
        .post(&format!("/cases/{id}/authorisation.pdf"), &[])
        .await;
    assert_eq!(reprint.status, StatusCode::OK);
    assert_eq!(status(app, id).await, "closed");
    let review = vita
        .post(
            &format!("/review/{id}"),
            &[
                ("verdict", "issues-found"),
                ("remark", "Pārbaudīt reģistrācijas numuru"),
                ("supersedes", ""),
            ],
        )
        .await;
    assert_eq!(review.status, StatusCode::SEE_OTHER, "{}", review.body);
    id
}

pub(crate) async fn app_with_desk() -> (TestApp, Client, Client) {
    let app = staffed(TestApp::new().await).await;
    app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    let anna = app.signed_in("anna").await;
    let vita = app.signed_in("vita").await;
    (app, anna, vita)
}

/// Runs `statements` (with `{id}` for the case) as a superuser with the triggers switched off.
async fn tamper(pool: &PgPool, id: i64, statements: &[&str]) {
    let statements: Vec<String> = statements
        .iter()
        .map(|sql| sql.replace("{id}", &id.to_string()))
        .collect();
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    crate::evidence::tamper(pool, &statements).await;
}

async fn data_failure(pool: &PgPool, id: i64) -> DataFailure {
    let check = verify::verify_chain(pool, &format!("case:{id}"), None)
        .await
        .unwrap();
    assert!(check.failure.is_none(), "the chain itself is intact");
    check
        .data
        .failure
        .expect("verify must find the changed data")
}

#[tokio::test]
async fn a_complete_case_verifies_and_says_what_was_checked() {
    let (app, anna, vita) = app_with_desk().await;
    let id = complete_case(&app, &anna, &vita).await;
    let check = verify::verify_chain(&app.pool, &format!("case:{id}"), None)
        .await
        .unwrap();
    assert!(
        check.is_ok(),
        "{:?} {:?}",
        check.failure,
        check.data.failure
    );
    assert_eq!(check.data.cases, 1);
    assert_eq!(
        (
            check.data.rows.steps,
            check.data.rows.documents,
            check.data.rows.prints,
            check.data.rows.reviews
        ),
        (7, 1, 2, 1)
    );
    let all = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(all.is_ok(), "{:?} {:?}", all.failure, all.data.failure);
    assert_eq!((all.data.cases, all.data.uncovered), (1, 0));

    let page = vita.get(&format!("/review/{id}")).await;
    assert!(
        page.body.contains("Pierādījumi pārbaudīti"),
        "{}",
        page.body
    );
    let checked = page
        .body
        .split("id=\"evidence-checked\"")
        .nth(1)
        .unwrap()
        .split("</dl>")
        .next()
        .unwrap();
    for (label, value) in [
        ("Pārbaudīti pienākumu ieraksti", "7"),
        ("Pārbaudītas izdrukas", "2"),
        ("Pārbaudītas pārskatīšanas", "1"),
        ("Pilnvarojuma dokuments un tā PDF", "sakrīt ar apliecināto"),
    ] {
        assert!(
            checked.contains(&format!("<dt>{label}</dt><dd>{value}</dd>")),
            "{label}: {checked}"
        );
    }
}

#[tokio::test]
async fn each_change_to_a_cases_stored_data_is_caught_and_named() {
    let (app, anna, vita) = app_with_desk().await;
    // (what the administrator does, the part named, the table, what is wrong)
    let tamperings: [(&[&str], &str, &str, Option<Component>); 11] = [
        (
            &[
                "UPDATE case_steps SET data = jsonb_set(data, '{surnames}', '\"Viltota\"') WHERE case_id = {id} AND step = 'identity'",
            ],
            "step:identity",
            "case_steps",
            Some(Component::Personal),
        ),
        (
            &[
                "UPDATE case_steps SET data = jsonb_set(data, '{reference}', '\"CITS-1\"') WHERE case_id = {id} AND step = 'submission'",
            ],
            "step:submission",
            "case_steps",
            Some(Component::Personal),
        ),
        (
            &[
                "UPDATE case_steps SET recorded_at = recorded_at - interval '1 day' WHERE case_id = {id} AND step = 'employee-eid'",
            ],
            "step:employee-eid",
            "case_steps",
            Some(Component::Public),
        ),
        (
            &["UPDATE cases SET portal_reference = 'CITS-1' WHERE id = {id}"],
            "submission",
            "cases",
            Some(Component::Personal),
        ),
        (
            &["UPDATE cases SET client_surnames = 'Viltota' WHERE id = {id}"],
            "client",
            "cases",
            Some(Component::Personal),
        ),
        (
            &[
                "UPDATE cases SET opened_by = (SELECT id FROM staff WHERE username = 'ben') WHERE id = {id}",
            ],
            "case",
            "cases",
            Some(Component::Public),
        ),
        (
            &[
                "UPDATE authorisation_documents SET snapshot = jsonb_set(snapshot, '{content,client_surname}', '\"Cits\"') WHERE case_id = {id}",
            ],
            "document",
            "authorisation_documents",
            Some(Component::Personal),
        ),
        (
            &["UPDATE authorisation_documents SET sha256 = sha256(sha256) WHERE case_id = {id}"],
            "document",
            "authorisation_documents",
            Some(Component::Public),
        ),
        (
            &["UPDATE case_reviews SET verdict = 'in-order' WHERE case_id = {id}"],
            "review",
            "case_reviews",
            Some(Component::Public),
        ),
        (
            &["UPDATE case_reviews SET remark = 'Viss kārtībā' WHERE case_id = {id}"],
            "review",
            "case_reviews",
            Some(Component::Personal),
        ),
        (
            &[
                "DELETE FROM authorisation_prints WHERE id = (SELECT max(id) FROM authorisation_prints WHERE case_id = {id})",
            ],
            "print",
            "",
            None,
        ),
    ];
    for (statements, part, table, component) in tamperings {
        let id = complete_case(&app, &anna, &vita).await;
        tamper(&app.pool, id, statements).await;
        let failure = data_failure(&app.pool, id).await;
        assert!(failure.part.starts_with(part), "{part}: {failure}");
        assert_eq!(failure.case_id, id);
        match (component, &failure.problem) {
            (Some(expected), DataProblem::Changed { component, event }) => {
                assert_eq!(*component, expected, "{failure}");
                assert!(*event > 0);
                assert_eq!(failure.table, Some(table), "{failure}");
                assert!(failure.row.is_some());
            }
            (None, DataProblem::Missing { .. }) => {}
            (_, other) => panic!("{part}: {other:?}"),
        }
        // The review page says it in words, and writes the finding into the trail.
        let page = vita.get(&format!("/review/{id}")).await;
        assert!(
            page.body.contains("Saglabātie dati NEATBILST"),
            "{part}: {}",
            page.body
        );
        assert!(!page.body.contains("Pierādījumi pārbaudīti"));
        let found: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_events WHERE chain = $1 AND action = 'evidence-check-failed'",
        )
        .bind(format!("case:{id}"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(found, 1, "{part}");
        // Nothing was repaired: verify still finds it.
        assert_eq!(data_failure(&app.pool, id).await, failure);
    }
    let all = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(all.failure.is_none());
    assert!(all.data.failure.is_some(), "verify all names the first one");
}

#[tokio::test]
async fn rows_added_or_removed_behind_the_applications_back_and_a_lost_salt_are_caught() {
    let (app, anna, vita) = app_with_desk().await;
    // A step row added to an open case.
    let open = open_case(&anna, eservice(&app, false, false).await).await;
    tamper(
        &app.pool,
        open,
        &["INSERT INTO case_steps (case_id, step, outcome, data, recorded_at) VALUES ({id}, 'identity', 'recorded', '{}', now())"],
    )
    .await;
    let failure = data_failure(&app.pool, open).await;
    assert_eq!(
        (failure.part.as_str(), failure.problem.clone()),
        ("step:identity", DataProblem::Uncommitted)
    );
    // A whole step row removed.
    let id = complete_case(&app, &anna, &vita).await;
    tamper(
        &app.pool,
        id,
        &["DELETE FROM case_steps WHERE case_id = {id} AND step = 'result'"],
    )
    .await;
    let failure = data_failure(&app.pool, id).await;
    assert_eq!(failure.part, "step:result");
    assert!(matches!(failure.problem, DataProblem::Missing { .. }));
    // The salt removed while the personal data stay.
    let id = complete_case(&app, &anna, &vita).await;
    tamper(
        &app.pool,
        id,
        &["DELETE FROM case_salts WHERE case_id = {id}"],
    )
    .await;
    let failure = data_failure(&app.pool, id).await;
    assert!(
        matches!(failure.problem, DataProblem::SaltMissing { .. }),
        "{failure}"
    );
    // The case row removed altogether.
    let id = complete_case(&app, &anna, &vita).await;
    tamper(
        &app.pool,
        id,
        &[
            "DELETE FROM case_reviews WHERE case_id = {id}",
            "DELETE FROM authorisation_prints WHERE case_id = {id}",
            "DELETE FROM authorisation_documents WHERE case_id = {id}",
            "DELETE FROM case_steps WHERE case_id = {id}",
            "DELETE FROM case_salts WHERE case_id = {id}",
            "DELETE FROM cases WHERE id = {id}",
        ],
    )
    .await;
    let failure = data_failure(&app.pool, id).await;
    assert_eq!(
        (failure.part.as_str(), failure.table),
        ("case", None),
        "{failure}"
    );
    let all = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(all.data.failure.is_some());
}

#[tokio::test]
async fn every_column_of_an_event_is_covered_by_its_hash() {
    let (app, anna, vita) = app_with_desk().await;
    for column in [
        "centre_id = NULL",
        "case_id = case_id + 1000",
        "session_tag = 'other'",
        "hash_version = 1",
        "id = DEFAULT",
    ] {
        let id = complete_case(&app, &anna, &vita).await;
        let sql = format!(
            "UPDATE audit_events SET {column} WHERE chain = 'case:{{id}}' AND sequence = 2"
        );
        tamper(&app.pool, id, &[&sql]).await;
        let check = verify::verify_chain(&app.pool, &format!("case:{id}"), None)
            .await
            .unwrap();
        let failure = check.failure.unwrap_or_else(|| panic!("{column}"));
        assert_eq!(
            (failure.sequence, failure.problem),
            (2, Problem::HashMismatch),
            "{column}"
        );
    }
}

#[tokio::test]
async fn after_retention_verify_reports_the_erasure_and_still_checks_what_is_kept() {
    let (app, anna, vita) = app_with_desk().await;
    let id = complete_case(&app, &anna, &vita).await;
    let kept = complete_case(&app, &anna, &vita).await;
    app.clock.advance(TimeDelta::days(366 * 11));
    let run = pilnvara::service::erasure::run(&app.pool, app.clock.as_ref())
        .await
        .unwrap();
    assert_eq!(run.erased, [CaseId(id), CaseId(kept)]);
    let salts: i64 = sqlx::query_scalar("SELECT count(*) FROM case_salts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(salts, 0, "the salts went with the data");
    let check = verify::verify_chain(&app.pool, &format!("case:{id}"), None)
        .await
        .unwrap();
    assert!(check.is_ok(), "{:?}", check.data.failure);
    let (sequence, _) = check.data.erasure.expect("the erasure is reported");
    let action: String =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE chain = $1 AND sequence = $2")
            .bind(format!("case:{id}"))
            .bind(sequence)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(action, "personal-data-erased");
    let all = verify::verify_all(&app.pool, None).await.unwrap();
    assert!(all.is_ok());
    assert_eq!((all.data.cases, all.data.erased), (2, 2));

    // Eleven years on, the supervisor signs in afresh.
    let vita = app.signed_in("vita").await;
    let page = vita.get(&format!("/review/{id}")).await;
    let evidence = page.body.split("id=\"evidence-check\"").nth(1).unwrap();
    let evidence = evidence.split("</section>").next().unwrap();
    assert!(evidence.contains("Pierādījumi pārbaudīti"), "{evidence}");
    assert!(
        evidence.contains("Klienta personas dati dzēsti"),
        "{evidence}"
    );
    assert!(!page.body.contains(GIVEN) && !page.body.contains(SURNAME));

    // What is kept is still checked: a kept time, and personal data put back.
    tamper(
        &app.pool,
        id,
        &["UPDATE case_steps SET recorded_at = recorded_at + interval '1 hour' WHERE case_id = {id} AND step = 'result'"],
    )
    .await;
    let failure = data_failure(&app.pool, id).await;
    assert_eq!(failure.part, "step:result");
    tamper(
        &app.pool,
        kept,
        &["UPDATE cases SET client_surnames = 'Viltota' WHERE id = {id}"],
    )
    .await;
    let failure = data_failure(&app.pool, kept).await;
    assert_eq!(failure.part, "client");
    assert!(matches!(
        failure.problem,
        DataProblem::Changed {
            component: Component::Personal,
            ..
        }
    ));
}

#[tokio::test]
async fn the_verify_command_names_the_changed_row_and_reports_an_erasure() {
    use crate::evidence::{pilnvara, text};
    let (pool, name) = crate::harness::fresh_named_database().await;
    let app = staffed(TestApp::on(pool)).await;
    app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    let (anna, vita) = (app.signed_in("anna").await, app.signed_in("vita").await);
    let id = complete_case(&app, &anna, &vita).await;
    let data = tempfile::tempdir().unwrap();
    let case = id.to_string();

    let verified = pilnvara(&name, data.path(), &["audit", "verify", "--case", &case]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    let out = text(&verified.stdout);
    assert!(
        out.contains(
            "1 cases' stored data match their commitments (7 step records, 1 documents, 2 prints, 1 reviews)"
        ),
        "{out}"
    );
    assert!(out.contains("events/s"), "{out}");

    tamper(
        &app.pool,
        id,
        &["UPDATE case_steps SET data = jsonb_set(data, '{surnames}', '\"Viltota\"') WHERE case_id = {id} AND step = 'identity'"],
    )
    .await;
    let broken = pilnvara(&name, data.path(), &["audit", "verify"]);
    assert!(!broken.status.success());
    let err = text(&broken.stderr);
    assert!(
        err.contains("case_steps row") && err.contains("(step:identity): its personal data differ"),
        "{err}"
    );
    assert!(
        !err.contains("Viltota") && !err.contains(SURNAME),
        "no personal data: {err}"
    );

    let erased = complete_case(&app, &anna, &vita).await;
    app.clock.advance(TimeDelta::days(366 * 11));
    pilnvara::service::erasure::run(&app.pool, app.clock.as_ref())
        .await
        .unwrap();
    let day = pilnvara::domain::today_in_riga(app.clock.now());
    let verified = pilnvara(
        &name,
        data.path(),
        &["audit", "verify", "--case", &erased.to_string()],
    );
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout).contains(&format!(
            "personal data erased by retention on {day} (event"
        )),
        "{}",
        text(&verified.stdout)
    );
}

#[tokio::test]
async fn the_application_role_records_a_case_and_its_erasure_but_cannot_change_evidence() {
    use crate::harness::{database_url, fresh_named_database};
    let (owner, name) = fresh_named_database().await;
    let role = format!("app_{}", &name[name.len() - 12..]);
    pilnvara::db::grant_application_role(&owner, &role)
        .await
        .unwrap();
    let options: sqlx::postgres::PgConnectOptions = database_url(&name).parse().unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(5)
        .connect_with(options.username(&role))
        .await
        .unwrap();
    let app = staffed(TestApp::on(pool.clone())).await;
    app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    let (anna, vita) = (app.signed_in("anna").await, app.signed_in("vita").await);
    let id = complete_case(&app, &anna, &vita).await;
    let erased = complete_case(&app, &anna, &vita).await;

    let refused = |sql: String| {
        let pool = pool.clone();
        async move {
            let error = sqlx::query(&sql)
                .execute(&pool)
                .await
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("permission denied")
                    || error.contains("may not change")
                    || error.contains("DELETE refused")
                    || error.contains("event first"),
                "{sql}: {error}"
            );
        }
    };
    for sql in [
        format!("UPDATE case_steps SET data = '{{}}' WHERE case_id = {id}"),
        format!("DELETE FROM case_steps WHERE case_id = {id}"),
        format!("UPDATE case_reviews SET verdict = 'in-order' WHERE case_id = {id}"),
        format!("UPDATE authorisation_documents SET snapshot = NULL WHERE case_id = {id}"),
        format!("DELETE FROM authorisation_prints WHERE case_id = {id}"),
        format!("DELETE FROM case_salts WHERE case_id = {id}"),
        format!("UPDATE cases SET client_surnames = 'Viltota' WHERE id = {id}"),
        format!("UPDATE cases SET portal_reference = NULL WHERE id = {id}"),
        format!("UPDATE cases SET closed_at = now() WHERE id = {id}"),
        format!("UPDATE cases SET employee_eid_confirmation = 'verified' WHERE id = {id}"),
        format!("DELETE FROM cases WHERE id = {id}"),
        "UPDATE audit_log_leaves SET event_id = event_id".to_owned(),
        "DELETE FROM audit_checkpoints".to_owned(),
        format!("SELECT erase_case_personal_data({id}, now(), '{{}}', '{{}}')"),
        "UPDATE figures_months SET opened = opened + 1".to_owned(),
        "INSERT INTO figures_stops SELECT centre_id, month, eservice_id, 'other', 1 FROM figures_months"
            .to_owned(),
        "SELECT figures_rebuild()".to_owned(),
        "DELETE FROM client_messages".to_owned(),
        "TRUNCATE client_messages".to_owned(),
    ] {
        refused(sql).await;
    }
    // The sign-ins above each counted against the address's limit, which the application's
    // role forgets once it has run out.
    let forgotten = pilnvara::store::staff::forget_sign_in_addresses(
        &pool,
        app.clock.now() + TimeDelta::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(forgotten, 1, "one address signed in");

    // An administrator links an account for signing in through a provider, links it to
    // another person, and unlinks it: the application's role writes, changes and removes the
    // account's link rows (migration 0055).
    use pilnvara::domain::staff::{PersonLink, ProviderKey};
    let anna_id: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE username = 'anna'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let riga = PersonLink::SignIn(ProviderKey::parse("riga").unwrap());
    for (person, links) in [
        (Some("32000000001"), 1),
        (Some("anna-at-riga"), 1),
        (None, 0),
    ] {
        pilnvara::service::accounts::link_person(
            &pool,
            &app.keys,
            app.clock.as_ref(),
            pilnvara::service::Actor::Operator,
            anna_id.into(),
            riga.clone(),
            person,
        )
        .await
        .unwrap();
        let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM staff_sign_in_links")
            .fetch_one(&owner)
            .await
            .unwrap();
        assert_eq!(kept, links, "{person:?}");
    }

    // Retention, through the one function, as the application's role.
    app.clock.advance(TimeDelta::days(366 * 11));
    let run = pilnvara::service::erasure::run(&pool, app.clock.as_ref())
        .await
        .unwrap();
    assert_eq!(run.erased, [CaseId(id), CaseId(erased)]);
    let check = verify::verify_all(&owner, None).await.unwrap();
    assert!(
        check.is_ok(),
        "{:?} {:?}",
        check.failure,
        check.data.failure
    );
    assert_eq!((check.data.cases, check.data.erased), (2, 2));
    assert_eq!(
        pilnvara::store::figures::differences(&owner).await.unwrap(),
        [0, 0, 0, 0],
        "the figures followed every change the application's role made"
    );

    pool.close().await;
    sqlx::query(&format!("DROP OWNED BY {role}"))
        .execute(&owner)
        .await
        .unwrap();
    owner.close().await;
    let admin: sqlx::postgres::PgConnectOptions = database_url("postgres").parse().unwrap();
    let mut admin: sqlx::PgConnection = sqlx::Connection::connect_with(&admin).await.unwrap();
    let _ = sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
        .execute(&mut admin)
        .await;
}
