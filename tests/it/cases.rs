//! The case workflow over HTTP: the seven duties of 22.¹ in order, every refusal, concurrency,
//! personal codes at the desk, centre scoping, search, and the audit trail of views.

use axum::http::StatusCode;
use chrono::{Datelike, TimeDelta};
use pilnvara::clock::Clock;
use pilnvara::domain::staff::Role;
use pilnvara::domain::{now_in_riga, today_in_riga};

use crate::harness::{Client, TestApp, TestResponse, count, scalar};

pub(crate) const GIVEN: &str = "Jānis";
pub(crate) const SURNAME: &str = "Bērziņš";
/// A valid old-format code: weights 1,6,3,7,9,10,5,8,4,2 give 135, (1101 − 135) mod 11 mod 10 = 9.
const OLD_CODE: &str = "010190-12349";
const NEW_CODE: &str = "32345678901";
const PHONE: &str = "+37120000000";
const DOC_NUMBER: &str = "LV1234567";
const REGISTRATION: &str = "VPVKAC/2026/17";

/// Centre RIX with employees anna and ben, centre VEN with employee olga.
async fn desk() -> TestApp {
    staffed(TestApp::new().await).await
}

/// `app` with the centres and employees of [`desk`].
pub(crate) async fn staffed(app: TestApp) -> TestApp {
    app.centre("RIX").await;
    app.centre("VEN").await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    app.user("ben", Role::Employee, "RIX", &[]).await;
    app.user("olga", Role::Employee, "VEN", &[]).await;
    app
}

pub(crate) async fn eservice(app: &TestApp, planned: bool, result: bool) -> i64 {
    let code = format!("test-{planned}-{result}");
    sqlx::query_scalar(
        "INSERT INTO eservices (code, name_lv, name_en, institution, authorised_submission,
                                gives_planned_time, gives_result, data_categories)
         VALUES ($1, $1, $1, 'Iestāde', true, $2, $3, '{identity,contact}') RETURNING id",
    )
    .bind(code)
    .bind(planned)
    .bind(result)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub(crate) fn pairs(form: &[(&str, String)]) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

pub(crate) async fn post(client: &Client, path: &str, form: &[(String, String)]) -> TestResponse {
    try_post(client, path, form)
        .await
        .unwrap_or_else(|error| panic!("POST {path}: {error}"))
}

/// As [`post`], with the transport's error (a server that is gone) instead of a panic.
pub(crate) async fn try_post(
    client: &Client,
    path: &str,
    form: &[(String, String)],
) -> Result<TestResponse, reqwest::Error> {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.try_post(path, &borrowed).await
}

/// The one-time token of a freshly shown "new case" form.
fn open_form(eservice_id: i64, token: &str) -> Vec<(String, String)> {
    pairs(&[
        ("open_token", token.into()),
        ("eservice_id", eservice_id.to_string()),
        ("missing_means", "eid-card".into()),
        ("missing_means", "eparaksts-mobile".into()),
    ])
}

pub(crate) async fn open_case(client: &Client, eservice_id: i64) -> i64 {
    let form = open_form(eservice_id, &client.open_token().await);
    let response = post(client, "/cases/new", &form).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let location = response.location().unwrap();
    let id = location
        .strip_prefix("/cases/")
        .and_then(|rest| rest.strip_suffix("?notice=opened"))
        .unwrap_or_else(|| panic!("{location}"));
    id.parse().unwrap()
}

pub(crate) async fn version(app: &TestApp, id: i64) -> i32 {
    sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn step_rows(app: &TestApp, id: i64) -> i64 {
    scalar(
        app,
        "SELECT count(*) FROM case_steps WHERE case_id = $1",
        id,
    )
    .await
}

fn in_a_year(app: &TestApp) -> String {
    let today = today_in_riga(app.clock.now());
    format!(
        "{:02}.{:02}.{}",
        today.day(),
        today.month(),
        today.year() + 1
    )
}

fn now_local(app: &TestApp) -> String {
    now_in_riga(app.clock.now())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn identity(app: &TestApp, code: &str) -> Vec<(String, String)> {
    pairs(&[
        ("doc_type", "lv-passport".into()),
        ("doc_number", DOC_NUMBER.into()),
        ("issuing_state", "LV".into()),
        ("expires_on", in_a_year(app)),
        ("personal_code", code.into()),
        ("given_names", GIVEN.into()),
        ("surnames", SURNAME.into()),
    ])
}

pub(crate) fn step_form(app: &TestApp, step: &str, wants_result: bool) -> Vec<(String, String)> {
    let in_five_days = (today_in_riga(app.clock.now()) + TimeDelta::days(5)).to_string();
    match step {
        "identity" => identity(app, OLD_CODE),
        "employee-eid" => pairs(&[
            ("means_code", "eid-card".into()),
            ("used_at", now_local(app)),
        ]),
        "authorisation" => {
            let mut form = pairs(&[
                ("notice_version", "1".into()),
                (
                    "wants_result",
                    if wants_result { "yes" } else { "no" }.into(),
                ),
                ("signed", "on".into()),
                ("registration_number", REGISTRATION.into()),
                ("copy_handed_over", "on".into()),
            ]);
            if wants_result {
                form.extend(pairs(&[
                    ("channel", "phone".into()),
                    ("contact", PHONE.into()),
                ]));
            }
            form
        }
        "data-processing" => pairs(&[
            ("categories", "identity".into()),
            ("categories", "contact".into()),
            ("purpose_only", "on".into()),
        ]),
        "submission" => pairs(&[
            ("reference", "PORTAL-REF-77".into()),
            ("submitted_at", String::new()),
        ]),
        "planned-time" => pairs(&[("planned_on", in_five_days), ("told_via", "phone".into())]),
        "result" => pairs(&[("outcome", "granted".into()), ("told_via", "phone".into())]),
        other => panic!("no step {other}"),
    }
}

/// Posts `form` to step `step` with the case's current version. Before 22.¹3 the authorisation
/// is printed, as the desk does (the step is refused until it is).
async fn record(
    app: &TestApp,
    client: &Client,
    id: i64,
    step: &str,
    form: &[(String, String)],
) -> TestResponse {
    if step == "authorisation" {
        // Refused (409) while 22.¹1 or 22.¹2 is missing: then the step is refused for that.
        client
            .post(&format!("/cases/{id}/authorisation.pdf"), &[])
            .await;
    }
    let mut form = form.to_vec();
    form.push(("version".into(), version(app, id).await.to_string()));
    post(client, &format!("/cases/{id}/steps/{step}"), &form).await
}

pub(crate) async fn record_ok(app: &TestApp, client: &Client, id: i64, step: &str, wants: bool) {
    let form = step_form(app, step, wants);
    let response = record(app, client, id, step, &form).await;
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{step}: {}",
        response.body
    );
    let location = response.location().unwrap_or_default();
    assert!(is_recorded(id, location), "{step}: {location}");
}

/// Whether `location` is where recording a duty of case `id` leads: the next duty's page, or
/// the case page once the last duty closed the case.
pub(crate) fn is_recorded(id: i64, location: &str) -> bool {
    let next = location
        .strip_prefix(&format!("/cases/{id}/steps/"))
        .and_then(|rest| rest.strip_suffix("?notice=recorded"))
        .is_some_and(|slug| pilnvara::domain::workflow::Step::from_slug(slug).is_some());
    next || location == format!("/cases/{id}?notice=closed")
}

pub(crate) async fn status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status::text FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_complete_case_for_every_capability_and_answer_ends_closed_and_listed() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    for planned in [true, false] {
        for result in [true, false] {
            let service = eservice(&app, planned, result).await;
            for wants in [true, false] {
                let id = open_case(&anna, service).await;
                for step in [
                    "identity",
                    "employee-eid",
                    "authorisation",
                    "data-processing",
                    "submission",
                ] {
                    record_ok(&app, &anna, id, step, wants).await;
                }
                if planned {
                    assert_eq!(status(&app, id).await, "open");
                    record_ok(&app, &anna, id, "planned-time", wants).await;
                }
                if result && wants {
                    let list = anna.get("/cases").await;
                    assert!(
                        list.body.contains(&format!("/cases/{id}\"")),
                        "awaiting the result"
                    );
                    record_ok(&app, &anna, id, "result", wants).await;
                }
                let label = format!("planned={planned} result={result} wants={wants}");
                assert_eq!(status(&app, id).await, "closed", "{label}");
                assert_eq!(
                    step_rows(&app, id).await,
                    7,
                    "every duty accounted for: {label}"
                );
                let skipped: Vec<(String, String)> = sqlx::query_as(
                    "SELECT step, reason FROM case_steps WHERE case_id = $1 AND outcome = 'not-applicable' ORDER BY id",
                )
                .bind(id)
                .fetch_all(&app.pool)
                .await
                .unwrap();
                let mut expected = Vec::new();
                if !planned {
                    expected.push((
                        "planned-time".to_owned(),
                        "portal-gives-no-planned-time".to_owned(),
                    ));
                }
                if !result {
                    expected.push(("result".to_owned(), "portal-gives-no-result".to_owned()));
                } else if !wants {
                    expected.push(("result".to_owned(), "client-did-not-ask".to_owned()));
                }
                assert_eq!(skipped, expected, "{label}");
                let overview = anna.get(&format!("/cases/{id}")).await;
                assert!(overview.body.contains("pabeigts"), "{label}");
                assert!(overview.body.contains(GIVEN) && overview.body.contains(OLD_CODE));
                let list = anna.get("/cases").await;
                assert!(
                    list.body.contains(&format!("/cases/{id}\"")),
                    "listed as finished: {label}"
                );
            }
        }
    }
    // Copy 1's keep-until date follows the centre's retention period (10 years) and is shown.
    let keep_until: chrono::NaiveDate =
        sqlx::query_scalar("SELECT retention_until FROM cases ORDER BY id LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        keep_until.year(),
        today_in_riga(app.clock.now()).year() + 10
    );
}

#[tokio::test]
async fn employee_cannot_record_a_duty_out_of_order() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    for step in ["employee-eid", "authorisation", "submission", "result"] {
        let response = record(&app, &anna, id, step, &step_form(&app, step, true)).await;
        assert_eq!(
            response.location(),
            Some(format!("/cases/{id}?notice=out-of-order").as_str()),
            "{step}"
        );
    }
    assert_eq!(step_rows(&app, id).await, 0);
    let form = anna.get(&format!("/cases/{id}/steps/submission")).await;
    assert_eq!(
        form.location(),
        Some(format!("/cases/{id}?notice=out-of-order").as_str())
    );
    let page = anna.get(&format!("/cases/{id}?notice=out-of-order")).await;
    assert!(page.body.contains("noteiktā secībā"), "{}", page.body);
}

#[tokio::test]
async fn a_duty_cannot_be_recorded_twice_and_a_double_submit_records_one_step() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let mut form = identity(&app, OLD_CODE);
    form.push(("version".into(), version(&app, id).await.to_string()));
    let path = format!("/cases/{id}/steps/identity");
    let first = post(&anna, &path, &form).await;
    let second = post(&anna, &path, &form).await;
    assert_eq!(
        first.location(),
        Some(format!("/cases/{id}/steps/employee-eid?notice=recorded").as_str())
    );
    assert_eq!(
        second.location(),
        Some(format!("/cases/{id}?notice=already-recorded&step=identity").as_str())
    );
    assert_eq!(step_rows(&app, id).await, 1);
    // The page says who recorded the duty first, and when.
    let landing = anna.get(second.location().unwrap()).await;
    let when = pilnvara::present::format::riga_time(app.clock.now());
    assert!(
        landing
            .body
            .contains(&format!("22.¹1 jau reģistrēja Darbinieks anna ({when})")),
        "{}",
        landing.body
    );
    // A fresh form for an already recorded duty is refused the same way.
    let again = record(&app, &anna, id, "identity", &identity(&app, OLD_CODE)).await;
    assert_eq!(
        again.location(),
        Some(format!("/cases/{id}?notice=already-recorded&step=identity").as_str())
    );
    assert_eq!(step_rows(&app, id).await, 1);
}

#[tokio::test]
async fn two_desks_submitting_the_same_duty_at_once_record_it_once() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let ben = app.signed_in("ben").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let mut form = identity(&app, OLD_CODE);
    form.push(("version".into(), version(&app, id).await.to_string()));
    let path = format!("/cases/{id}/steps/identity");
    let (a, b) = tokio::join!(post(&anna, &path, &form), post(&ben, &path, &form));
    let mut locations = vec![
        a.location().unwrap().to_owned(),
        b.location().unwrap().to_owned(),
    ];
    locations.sort();
    assert_eq!(
        locations,
        vec![
            format!("/cases/{id}/steps/employee-eid?notice=recorded"),
            format!("/cases/{id}?notice=already-recorded&step=identity"),
        ]
    );
    assert_eq!(step_rows(&app, id).await, 1);
    assert_eq!(version(&app, id).await, 2);
}

#[tokio::test]
async fn a_stale_form_is_refused_with_the_fresh_case_and_nothing_saved() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let ben = app.signed_in("ben").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    // Anna opens the stop form; meanwhile Ben records the identity check at another desk.
    let stop_form = anna.get(&format!("/cases/{id}/stop")).await;
    assert!(stop_form.body.contains(r#"name="version" value="1""#));
    record_ok(&app, &ben, id, "identity", true).await;
    let form = pairs(&[
        ("version", "1".into()),
        ("reason", "client-withdrew".into()),
        ("remark", "Klients pārdomāja".into()),
    ]);
    let response = post(&anna, &format!("/cases/{id}/stop"), &form).await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert!(response.body.contains("NAV saglabāts"), "{}", response.body);
    assert!(
        response.body.contains(r#"name="version" value="2""#),
        "the fresh state"
    );
    assert!(
        response.body.contains("Klients pārdomāja"),
        "the values are kept"
    );
    assert!(
        response.body.contains(GIVEN),
        "the fresh case shows Ben's step"
    );
    assert_eq!(status(&app, id).await, "open");

    // A step form from an older version is stale too.
    let mut eid = step_form(&app, "employee-eid", true);
    eid.push(("version".into(), "1".into()));
    let response = post(&anna, &format!("/cases/{id}/steps/employee-eid"), &eid).await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert!(response.body.contains("NAV saglabāts"));
    assert_eq!(step_rows(&app, id).await, 1);
}

#[tokio::test]
async fn closed_and_stopped_cases_refuse_every_step() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let service = eservice(&app, false, false).await;
    let closed = open_case(&anna, service).await;
    for step in [
        "identity",
        "employee-eid",
        "authorisation",
        "data-processing",
        "submission",
    ] {
        record_ok(&app, &anna, closed, step, false).await;
    }
    assert_eq!(status(&app, closed).await, "closed");
    for step in ["identity", "planned-time", "result"] {
        let response = record(&app, &anna, closed, step, &step_form(&app, step, true)).await;
        assert_eq!(
            response.location(),
            Some(format!("/cases/{closed}?notice=case-closed").as_str())
        );
    }
    let stop = post(
        &anna,
        &format!("/cases/{closed}/stop"),
        &pairs(&[
            ("version", version(&app, closed).await.to_string()),
            ("reason", "other".into()),
            ("remark", "x".into()),
        ]),
    )
    .await;
    assert_eq!(
        stop.location(),
        Some(format!("/cases/{closed}?notice=case-closed").as_str())
    );

    let stopped = open_case(&anna, service).await;
    let form = pairs(&[
        ("version", "1".into()),
        ("reason", "identity-not-verified".into()),
        ("remark", String::new()),
    ]);
    let response = post(&anna, &format!("/cases/{stopped}/stop"), &form).await;
    assert_eq!(
        response.location(),
        Some(format!("/cases/{stopped}?notice=stopped").as_str())
    );
    assert_eq!(status(&app, stopped).await, "stopped");
    let response = record(&app, &anna, stopped, "identity", &identity(&app, OLD_CODE)).await;
    assert_eq!(
        response.location(),
        Some(format!("/cases/{stopped}?notice=case-stopped").as_str())
    );
    assert_eq!(step_rows(&app, stopped).await, 0);
    let page = anna.get(&format!("/cases/{stopped}")).await;
    assert!(page.body.contains("identitāti neizdevās pārbaudīt"));
    let audited = scalar(
        &app,
        "SELECT count(*) FROM audit_events WHERE case_id = $1 AND action = 'case-stopped'",
        stopped,
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn stopping_for_another_reason_needs_a_remark() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let form = pairs(&[
        ("version", "1".into()),
        ("reason", "other".into()),
        ("remark", " ".into()),
    ]);
    let response = post(&anna, &format!("/cases/{id}/stop"), &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .body
            .contains(r#"aria-describedby="remark-error remark-hint""#)
    );
    assert_eq!(status(&app, id).await, "open");
}

#[tokio::test]
async fn another_centres_case_does_not_exist_for_its_employees() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let olga = app.signed_in("olga").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    for path in [
        format!("/cases/{id}"),
        format!("/cases/{id}/stop"),
        format!("/cases/{id}/steps/identity"),
        format!("/cases/{id}/steps/result"),
    ] {
        assert_eq!(
            olga.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let response = record(&app, &olga, id, "identity", &identity(&app, OLD_CODE)).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let stop = post(
        &olga,
        &format!("/cases/{id}/stop"),
        &pairs(&[
            ("version", "1".into()),
            ("reason", "other".into()),
            ("remark", "nope nope".into()),
        ]),
    )
    .await;
    assert_eq!(stop.status, StatusCode::NOT_FOUND);
    assert_eq!(step_rows(&app, id).await, 0);
    assert_eq!(status(&app, id).await, "open");
    assert_eq!(anna.get("/cases/abc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anna.get(&format!("/cases/{id}/steps/nope")).await.status,
        StatusCode::NOT_FOUND
    );
    // Any employee of the centre can continue the case.
    let ben = app.signed_in("ben").await;
    record_ok(&app, &ben, id, "identity", true).await;
}

#[tokio::test]
async fn only_employees_reach_the_case_pages_and_home_sends_them_to_their_cases() {
    let app = desk().await;
    app.user("sandra", Role::Supervisor, "RIX", &[]).await;
    let anna = app.signed_in("anna").await;
    assert_eq!(anna.get("/").await.location(), Some("/cases"));
    let sandra = app.signed_in("sandra").await;
    assert_eq!(sandra.get("/cases").await.status, StatusCode::FORBIDDEN);
    assert_eq!(sandra.get("/cases/new").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn personal_codes_of_both_formats_at_the_identity_check() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let service = eservice(&app, true, true).await;
    for good in [OLD_CODE, "01019012349", NEW_CODE, "323456-78901"] {
        let id = open_case(&anna, service).await;
        let response = record(&app, &anna, id, "identity", &identity(&app, good)).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{good}: {}",
            response.body
        );
    }
    for (bad, message) in [
        ("0101901234", "jābūt 11 cipariem"),
        ("3234567890A", "jābūt 11 cipariem"),
        ("310290-12345", "nav derīgs dzimšanas datums"),
        ("010190-12340", "kontrolcipars nesakrīt"),
        ("", "Aizpildiet šo lauku"),
    ] {
        let id = open_case(&anna, service).await;
        let response = record(&app, &anna, id, "identity", &identity(&app, bad)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(response.body.contains(message), "{bad}: {message}");
        assert!(response.body.contains(r#"role="alert" tabindex="-1""#));
        let field = pilnvara::i18n::Lang::Lv.texts().cases.field_personal_code;
        let summary = format!(r##"<a href="#personal_code">{field}: "##);
        assert!(
            response.body.contains(&summary),
            "the summary names the field"
        );
        assert!(response.body.contains(
            r#"aria-describedby="personal_code-error personal_code-hint" aria-invalid="true""#
        ));
        assert!(
            response.body.contains(&format!(r#"value="{DOC_NUMBER}""#)),
            "values kept"
        );
        assert_eq!(step_rows(&app, id).await, 0);
    }
    // The check digit may be overridden only with a justification.
    let id = open_case(&anna, service).await;
    let mut form = identity(&app, "010190-12340");
    form.push(("check_digit_override".into(), "on".into()));
    let response = record(&app, &anna, id, "identity", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .body
            .contains(r#"id="override_justification-error""#)
    );
    form.push((
        "override_justification".into(),
        "Kods pārbaudīts pasē un PMLP reģistrā".into(),
    ));
    let response = record(&app, &anna, id, "identity", &form).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let overridden: bool = sqlx::query_scalar(
        "SELECT (details->>'check_digit_overridden')::boolean FROM audit_events WHERE case_id = $1 AND action = 'step-recorded'",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(overridden);
}

#[tokio::test]
async fn the_check_digit_override_is_offered_only_once_the_check_digit_fails() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, false, false).await).await;
    let page = anna.get(&format!("/cases/{id}/steps/identity")).await;
    assert!(page.body.contains(r#"id="personal_code""#));
    assert!(
        !page.body.contains("check_digit_override"),
        "not offered up front"
    );
    assert!(!page.body.contains("override_justification"));
    // A code whose check digit fails: the form again, now with the override.
    let response = record(&app, &anna, id, "identity", &identity(&app, "010190-12345")).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains(r#"id="check_digit_override""#));
    assert!(response.body.contains(r#"id="override_justification""#));
    // Another mistake with a valid code: no override.
    let mut form = identity(&app, OLD_CODE);
    form.retain(|(name, _)| name != "surnames");
    let response = record(&app, &anna, id, "identity", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!response.body.contains("check_digit_override"));
}

#[tokio::test]
async fn copy_1s_keep_until_date_is_shown_only_once_copy_1_exists() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, false, false).await).await;
    let label = "1. eksemplārs glabājams līdz";
    for step in ["identity", "employee-eid"] {
        record_ok(&app, &anna, id, step, false).await;
    }
    let before = anna.get(&format!("/cases/{id}")).await;
    assert!(!before.body.contains(label), "no copy 1 yet");
    record_ok(&app, &anna, id, "authorisation", false).await;
    let after = anna.get(&format!("/cases/{id}")).await;
    assert!(after.body.contains(label), "{}", after.body);
}

#[tokio::test]
async fn an_expired_document_fails_the_identity_check() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let mut form = identity(&app, OLD_CODE);
    form.retain(|(name, _)| name != "expires_on");
    form.push(("expires_on".into(), "01.01.2020".into()));
    let response = record(&app, &anna, id, "identity", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("derīguma termiņš ir beidzies"));
}

#[tokio::test]
async fn the_data_notice_is_shown_recorded_and_a_changed_one_must_be_read_again() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    record_ok(&app, &anna, id, "employee-eid", true).await;
    let form = anna.get(&format!("/cases/{id}/steps/authorisation")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="notice_version" value="1""#));
    assert!(
        form.body
            .contains(r#"<section id="authorisation-document""#)
    );
    assert!(form.body.contains("Datu valsts inspekcijai"));
    let shown: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT first_shown_at FROM data_notices WHERE version = 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(shown.is_some());
    // A new version comes into force while the form is open.
    sqlx::query(
        "INSERT INTO data_notices (version, effective_from, controller_lv, controller_en, purposes_lv,
             purposes_en, recipients_lv, recipients_en, retention_lv, retention_en, rights_lv, rights_en,
             complaint_lv, complaint_en)
         SELECT 2, $1, controller_lv, controller_en, 'Jaunie nolūki', purposes_en, recipients_lv,
                recipients_en, retention_lv, retention_en, rights_lv, rights_en, complaint_lv, complaint_en
         FROM data_notices WHERE version = 1",
    )
    .bind(today_in_riga(app.clock.now()))
    .execute(&app.pool)
    .await
    .unwrap();
    let response = record(
        &app,
        &anna,
        id,
        "authorisation",
        &step_form(&app, "authorisation", true),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("paziņojums ir mainījies"));
    assert!(response.body.contains("Jaunie nolūki"));
    assert!(response.body.contains(r#"name="notice_version" value="2""#));
    assert_eq!(step_rows(&app, id).await, 2);
    let mut again = step_form(&app, "authorisation", true);
    again.retain(|(name, _)| name != "notice_version");
    again.push(("notice_version".into(), "2".into()));
    let response = record(&app, &anna, id, "authorisation", &again).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

#[tokio::test]
async fn the_authorisation_step_is_refused_until_the_authorisation_is_printed() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    record_ok(&app, &anna, id, "employee-eid", true).await;
    let page = anna.get(&format!("/cases/{id}/steps/authorisation")).await;
    assert!(page.body.contains("Pilnvarojums vēl nav izdrukāts"));

    // Whatever the browser sends, "signed" cannot be recorded before the print exists.
    let mut form = step_form(&app, "authorisation", true);
    form.push(("version".into(), version(&app, id).await.to_string()));
    let path = format!("/cases/{id}/steps/authorisation");
    let refused = post(&anna, &path, &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Pilnvarojums vēl nav izdrukāts. Izdrukājiet")
    );
    assert!(
        refused.body.contains(REGISTRATION),
        "the form keeps what was typed"
    );
    assert_eq!(step_rows(&app, id).await, 2, "nothing recorded");

    let print = anna
        .post(&format!("/cases/{id}/authorisation.pdf"), &[])
        .await;
    assert_eq!(print.status, StatusCode::OK);
    let (number, code): (String, String) = sqlx::query_as(
        "SELECT document_number, verification_code FROM authorisation_documents WHERE case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = anna.get(&path).await;
    assert!(page.body.contains(&number), "the number is shown");
    assert!(
        page.body
            .contains(&pilnvara::domain::printed::printed_code(&code)),
        "the verification code is shown as printed"
    );
    let recorded = post(&anna, &path, &form).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    assert_eq!(step_rows(&app, id).await, 3);
}

#[tokio::test]
async fn control_characters_get_a_message_beside_the_field_and_never_an_error_page() {
    let app = desk().await;
    let stranger = app.client().await;
    let sign_in = stranger.sign_in("an\u{0}na", "x").await;
    assert_eq!(sign_in.status, StatusCode::OK, "the sign-in page again");
    assert!(sign_in.body.contains(r#"name="username""#));

    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    record_ok(&app, &anna, id, "employee-eid", true).await;
    let mut form = step_form(&app, "authorisation", true);
    for (name, value) in &mut form {
        if name == "registration_number" {
            *value = "VPVKAC\u{0}/17".into();
        }
    }
    let refused = record(&app, &anna, id, "authorisation", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("neredzamas vadības rakstzīmes"));
    assert!(refused.body.contains(PHONE), "the rest of the form is kept");
    assert_eq!(step_rows(&app, id).await, 2, "nothing recorded");

    let stop = pairs(&[
        ("version", version(&app, id).await.to_string()),
        ("reason", "other".into()),
        ("remark", "Klients\u{0} aizgāja".into()),
    ]);
    let refused = post(&anna, &format!("/cases/{id}/stop"), &stop).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("neredzamas vadības rakstzīmes"));
    assert_eq!(status(&app, id).await, "open");

    for field in ["name", "reference", "personal_code"] {
        let form = pairs(&[(field, "B\u{0}\u{7}rzi".into())]);
        let search = post(&anna, "/cases/search", &form).await;
        assert!(
            !search.status.is_server_error(),
            "{field}: {}",
            search.status
        );
    }
}

#[tokio::test]
async fn search_by_name_finds_latvian_letters_typed_with_or_without_diacritics() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let service = eservice(&app, true, true).await;
    let mut ids = Vec::new();
    for (given, surnames) in [
        ("Ēriks", "Šmits"),
        ("Līga", "Kļaviņa-Šķēle"),
        ("Žanis", "Žagare"),
    ] {
        let id = open_case(&anna, service).await;
        let mut form = identity(&app, OLD_CODE);
        for (name, value) in &mut form {
            match name.as_str() {
                "given_names" => *value = given.into(),
                "surnames" => *value = surnames.into(),
                _ => {}
            }
        }
        let response = record(&app, &anna, id, "identity", &form).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        ids.push(id);
    }
    let found = |body: &str, id: i64| body.contains(&format!(r#"href="/cases/{id}""#));
    for (typed, expected) in [
        ("Šmits", 0),
        ("šmits", 0),
        ("Smits", 0),
        ("ēriks šmits", 0),
        ("ERIKS", 0),
        ("Kļaviņa-Šķēle", 1),
        ("Šķēle", 1),
        ("skele", 1),
        ("klavina", 1),
        ("Žagare", 2),
        ("zagare zanis", 2),
    ] {
        let page = post(&anna, "/cases/search", &pairs(&[("name", typed.into())])).await;
        assert_eq!(page.status, StatusCode::OK);
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(
                found(&page.body, *id),
                n == expected,
                "searching {typed:?}: case {n}"
            );
        }
    }
}

#[tokio::test]
async fn the_result_answer_and_contact_are_checked_per_channel() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    record_ok(&app, &anna, id, "employee-eid", true).await;
    let form = pairs(&[
        ("notice_version", "1".into()),
        ("channel", "email".into()),
        ("contact", "not-an-address".into()),
    ]);
    let response = record(&app, &anna, id, "authorisation", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["Atbildiet", "Apstipriniet", "Aizpildiet šo lauku"] {
        assert!(response.body.contains(message), "{message}");
    }
    assert!(response.body.contains(r#"value="not-an-address""#));
    assert_eq!(step_rows(&app, id).await, 2);
}

async fn walked_to_submission(app: &TestApp, client: &Client, planned: bool, result: bool) -> i64 {
    let id = open_case(client, eservice(app, planned, result).await).await;
    for step in [
        "identity",
        "employee-eid",
        "authorisation",
        "data-processing",
        "submission",
    ] {
        record_ok(app, client, id, step, true).await;
    }
    id
}

#[tokio::test]
async fn cases_awaiting_a_result_show_days_waiting_and_overdue_ones_stand_out() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = walked_to_submission(&app, &anna, false, true).await;
    let list = anna.get("/cases").await;
    assert!(list.body.contains(&format!("/cases/{id}\"")));
    assert!(!list.body.contains(r#"class="overdue""#));
    app.clock.advance(TimeDelta::days(31));
    let anna = app.signed_in("anna").await;
    let list = anna.get("/cases").await;
    assert!(list.body.contains(r#"class="overdue""#), "{}", list.body);
    assert!(list.body.contains("nokavēts"));
    assert!(!list.body.contains(GIVEN), "lists carry no names");
}

#[tokio::test]
async fn a_search_name_longer_than_the_form_allows_is_refused_beside_the_field() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let long = "Š".repeat(pilnvara::domain::SEARCH_NAME_MAX_CHARS + 1);
    let search = post(&anna, "/cases/search", &pairs(&[("name", long.clone())])).await;
    assert_eq!(search.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        search.body.contains(r#"id="name-error""#),
        "{}",
        search.body
    );
    assert!(search.body.contains(&long), "what was typed is kept");
    let fits = "Š".repeat(pilnvara::domain::SEARCH_NAME_MAX_CHARS);
    let search = post(&anna, "/cases/search", &pairs(&[("name", fits)])).await;
    assert_eq!(search.status, StatusCode::OK);
}

#[tokio::test]
async fn search_finds_own_centre_cases_by_name_code_and_reference() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let olga = app.signed_in("olga").await;
    let id = walked_to_submission(&app, &anna, true, true).await;
    for form in [
        pairs(&[("name", "bērziņš jān".into())]),
        pairs(&[("personal_code", "01019012349".into())]),
        pairs(&[("personal_code", OLD_CODE.into())]),
        pairs(&[("reference", "portal-ref-77".into())]),
    ] {
        let found = post(&anna, "/cases/search", &form).await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.contains(&format!("/cases/{id}\"")), "{form:?}");
        assert!(
            !found.body.contains("01019012349"),
            "the code is not echoed"
        );
        let elsewhere = post(&olga, "/cases/search", &form).await;
        assert!(
            !elsewhere.body.contains(&format!("/cases/{id}\"")),
            "{form:?}"
        );
        assert!(elsewhere.body.contains("Nekas netika atrasts"));
    }
    let none = post(
        &anna,
        "/cases/search",
        &pairs(&[("name", "Kalniņa".into())]),
    )
    .await;
    assert!(!none.body.contains(&format!("/cases/{id}\"")));
    let bad = post(
        &anna,
        "/cases/search",
        &pairs(&[("personal_code", "12".into())]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let two = post(
        &anna,
        "/cases/search",
        &pairs(&[("name", "x".into()), ("reference", "y".into())]),
    )
    .await;
    assert!(two.body.contains("tieši vienu lauku"));
    let searched = scalar(
        &app,
        "SELECT count(*) FROM audit_events WHERE case_id = $1 AND action = 'personal-data-viewed' AND details->>'page' = 'search'",
        id,
    )
    .await;
    assert_eq!(searched, 4);
}

#[tokio::test]
async fn every_view_of_personal_data_is_audited_and_no_personal_data_enters_the_trail() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = walked_to_submission(&app, &anna, true, true).await;
    let before = scalar(
        &app,
        "SELECT count(*) FROM audit_events WHERE case_id = $1 AND action = 'personal-data-viewed'",
        id,
    )
    .await;
    let overview = anna.get(&format!("/cases/{id}")).await;
    assert_eq!(overview.header("cache-control"), Some("no-store"));
    let form = anna.get(&format!("/cases/{id}/steps/planned-time")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.header("cache-control"), Some("no-store"));
    let pages: Vec<String> = sqlx::query_scalar(
        "SELECT details->>'page' FROM audit_events WHERE case_id = $1 AND action = 'personal-data-viewed' ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(pages.len() as i64, before + 2);
    assert_eq!(&pages[pages.len() - 2..], ["overview", "step:planned-time"]);
    record_ok(&app, &anna, id, "planned-time", true).await;
    record_ok(&app, &anna, id, "result", true).await;

    let details: Vec<String> = sqlx::query_scalar("SELECT details::text FROM audit_events")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let all = details.join("\n");
    for secret in [
        GIVEN,
        SURNAME,
        "Berzins",
        "010190",
        "12349",
        DOC_NUMBER,
        PHONE,
        "20000000",
        REGISTRATION,
    ] {
        assert!(!all.contains(secret), "{secret} in the audit trail");
    }
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE case_id = $1 AND action <> 'personal-data-viewed' ORDER BY sequence",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "case-opened",
            "step-recorded",
            "step-recorded",
            "authorisation-printed",
            "step-recorded",
            "step-recorded",
            "step-recorded",
            "step-recorded",
            "step-recorded",
            "case-closed"
        ]
    );
}

#[tokio::test]
async fn opening_needs_an_authorisable_service_and_a_missing_means() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let page = anna.get("/cases/new").await;
    assert!(page.body.contains("(piemērs)"));
    assert!(
        !page.body.contains("Nekustamā īpašuma nodokļa"),
        "not authorisable"
    );
    let not_authorisable: i64 =
        sqlx::query_scalar("SELECT id FROM eservices WHERE code = 'example-property-tax'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let form = pairs(&[
        ("open_token", anna.open_token().await),
        ("eservice_id", not_authorisable.to_string()),
        ("missing_means", "eid-card".into()),
    ]);
    let response = post(&anna, "/cases/new", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = pairs(&[("eservice_id", eservice(&app, true, true).await.to_string())]);
    let response = post(&anna, "/cases/new", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains(r#"id="missing_means-error""#));
    let form = pairs(&[
        ("eservice_id", "1".into()),
        ("missing_means", "internet-bank".into()),
    ]);
    assert_eq!(
        post(&anna, "/cases/new", &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let opened: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(opened, 0);
}

#[tokio::test]
async fn the_authorisation_page_offers_the_two_copy_print_and_the_case_page_the_documents() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, false, true).await).await;
    let overview = anna.get(&format!("/cases/{id}")).await;
    assert!(
        !overview.body.contains("authorisation.pdf"),
        "nothing to print before 22.¹1 and 22.¹2"
    );
    record_ok(&app, &anna, id, "identity", false).await;
    record_ok(&app, &anna, id, "employee-eid", false).await;

    let page = anna.get(&format!("/cases/{id}/steps/authorisation")).await;
    assert!(
        page.body
            .contains(&format!(r#"action="/cases/{id}/authorisation.pdf""#)),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"href="/notices/1.pdf""#),
        "the notice prints on its own"
    );
    let pdf = anna
        .post(&format!("/cases/{id}/authorisation.pdf"), &[])
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));

    for step in ["authorisation", "data-processing"] {
        record_ok(&app, &anna, id, step, true).await;
    }
    assert!(
        !anna
            .get(&format!("/cases/{id}"))
            .await
            .body
            .contains("receipt.pdf"),
        "no receipt before 22.¹5"
    );
    record_ok(&app, &anna, id, "submission", true).await;
    let overview = anna.get(&format!("/cases/{id}")).await;
    assert!(
        overview
            .body
            .contains(&format!(r#"action="/cases/{id}/authorisation.pdf""#))
    );
    assert!(
        overview
            .body
            .contains(&format!(r#"href="/cases/{id}/receipt.pdf""#))
    );
}

#[tokio::test]
async fn a_case_stopped_before_the_authorisation_still_gets_a_retention_date() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let form = pairs(&[
        ("version", "1".into()),
        ("reason", "client-withdrew".into()),
        ("remark", String::new()),
    ]);
    let response = post(&anna, &format!("/cases/{id}/stop"), &form).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let (status, retention): (String, Option<chrono::NaiveDate>) =
        sqlx::query_as("SELECT status::text, retention_until FROM cases WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "stopped");
    let today = pilnvara::domain::today_in_riga(app.clock.now());
    assert_eq!(
        retention,
        Some(pilnvara::domain::retention::keep_until(today, 10))
    );
}

#[tokio::test]
async fn a_supervisor_sees_the_evidence_verified_and_the_document_matching_until_tampered() {
    let app = desk().await;
    app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, false, false).await).await;
    record_ok(&app, &anna, id, "identity", false).await;
    record_ok(&app, &anna, id, "employee-eid", false).await;
    let pdf = anna
        .post(&format!("/cases/{id}/authorisation.pdf"), &[])
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    for step in ["authorisation", "data-processing", "submission"] {
        record_ok(&app, &anna, id, step, false).await;
    }
    assert_eq!(status(&app, id).await, "closed");

    let vita = app.signed_in("vita").await;
    let page = vita.get(&format!("/review/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Pierādījumi pārbaudīti"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Dokuments atbilst reģistrētajam"),
        "{}",
        page.body
    );
    assert!(page.body.contains("RIX-"), "the document number is shown");

    // A database administrator rewrites the frozen content and an audit detail.
    let mut connection = app.pool.acquire().await.unwrap();
    for statement in [
        "SET session_replication_role = replica".to_owned(),
        "UPDATE authorisation_documents SET snapshot = jsonb_set(snapshot, '{content,client_surname}', '\"Cits\"')".to_owned(),
        format!("UPDATE audit_events SET details = '{{\"forged\": true}}' WHERE chain = 'case:{id}' AND sequence = 2"),
        "SET session_replication_role = DEFAULT".to_owned(),
    ] {
        sqlx::query(&statement).execute(&mut *connection).await.unwrap();
    }
    drop(connection);
    let page = vita.get(&format!("/review/{id}")).await;
    assert!(
        page.body
            .contains("Pierādījumu ķēde ir bojāta pie notikuma 2"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Dokuments NEATBILST reģistrētajam"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn retention_erases_the_printed_authorisation_content_and_keeps_its_evidence() {
    let app = desk().await;
    app.user("vita", Role::Supervisor, "RIX", &["RIX"]).await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, false, false).await).await;
    for step in ["identity", "employee-eid"] {
        record_ok(&app, &anna, id, step, false).await;
    }
    assert_eq!(
        anna.post(&format!("/cases/{id}/authorisation.pdf"), &[])
            .await
            .status,
        StatusCode::OK
    );
    for step in ["authorisation", "data-processing", "submission"] {
        record_ok(&app, &anna, id, step, false).await;
    }
    app.clock.advance(TimeDelta::days(366 * 11));
    pilnvara::service::erasure::run(&app.pool, app.clock.as_ref())
        .await
        .unwrap();
    let (snapshot_erased, number): (bool, String) = sqlx::query_as(
        "SELECT snapshot IS NULL, document_number FROM authorisation_documents WHERE case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        snapshot_erased,
        "the client's data in the frozen document are gone"
    );
    assert!(number.starts_with("RIX-"), "the number stays as evidence");
    let vita = app.signed_in("vita").await;
    let page = vita.get(&format!("/review/{id}")).await;
    assert!(
        page.body.contains("Klienta dati ir dzēsti"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Pierādījumi pārbaudīti"),
        "the chain still verifies"
    );
    assert!(
        !page.body.contains(GIVEN) && !page.body.contains(SURNAME),
        "no client name left"
    );
}

#[tokio::test]
async fn the_case_summary_names_the_missing_means_in_the_users_language() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let page = anna.get(&format!("/cases/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("eID karte (personas apliecība), eParaksts mobile"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("eid-card"));
    assert!(page.body.contains(r#"class="status status-open""#));
}

#[tokio::test]
async fn the_case_lists_show_no_portal_reference_and_the_case_page_does() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let awaiting = walked_to_submission(&app, &anna, false, true).await;
    let finished = walked_to_submission(&app, &anna, false, false).await;
    assert_eq!(status(&app, finished).await, "closed");
    let list = anna.get("/cases").await;
    assert!(list.body.contains(&format!("/cases/{awaiting}\"")));
    assert!(list.body.contains(&format!("/cases/{finished}\"")));
    assert!(!list.body.contains("PORTAL-REF-77"), "{}", list.body);
    let page = anna.get(&format!("/cases/{awaiting}")).await;
    assert!(page.body.contains("PORTAL-REF-77"));
}

/// The case ids linked in the part of page `body` between the headings `from` and `to`, and
/// the href of that part's "next page" link.
fn listed_in(body: &str, from: &str, to: &str) -> (Vec<i64>, Option<String>) {
    let start = body.find(&format!(r#"<h2 id="{from}">"#)).unwrap();
    let end = body.find(&format!(r#"<h2 id="{to}">"#)).unwrap();
    let part = &body[start..end];
    let ids = part
        .split(r#"<a href="/cases/"#)
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    let next = part.split(r#"rel="next""#).next().and_then(|before| {
        part.contains(r#"rel="next""#)
            .then(|| {
                before
                    .rsplit(r#"href=""#)
                    .next()
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
            })
            .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
    });
    (ids, next)
}

/// Every page of one list of /cases, following its "next page" links.
async fn every_page(client: &Client, from: &str, to: &str) -> Vec<Vec<i64>> {
    let mut pages = Vec::new();
    let mut href = Some("/cases".to_owned());
    while let Some(path) = href {
        assert!(!path.contains(GIVEN) && path.is_ascii(), "{path}");
        let response = client.get(&path).await;
        assert_eq!(response.status, StatusCode::OK);
        let (ids, next) = listed_in(&response.body, from, to);
        pages.push(ids);
        href = next;
        assert!(pages.len() < 10, "the pages never end");
    }
    pages
}

#[tokio::test]
async fn the_case_lists_are_paged_by_keyset_without_gaps_or_duplicates() {
    let app = desk().await;
    let service = eservice(&app, false, true).await;
    let anna = app.signed_in("anna").await;
    // 30 open cases of anna's; 30 of ben's awaiting the result, many submitted at the same time.
    sqlx::query(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
                            gives_planned_time, gives_result, missing_eid_means, opened_at)
         SELECT s.centre_id, $1, s.id, 'open', 'identity', false, true, '{eid-card}', now()
         FROM staff s, generate_series(1, 30) WHERE s.username = 'anna'",
    )
    .bind(service)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
                            gives_planned_time, gives_result, missing_eid_means, opened_at,
                            submitted_at)
         SELECT s.centre_id, $1, s.id, 'open', 'result', false, true, '{eid-card}',
                now() - interval '20 days', now() - (i % 4) * interval '1 day'
         FROM staff s, generate_series(1, 30) AS i WHERE s.username IN ('ben', 'olga')",
    )
    .bind(service)
    .execute(&app.pool)
    .await
    .unwrap();
    let mine: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN staff s ON s.id = c.opened_by
         WHERE s.username = 'anna' ORDER BY c.id DESC",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let awaiting: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN staff s ON s.id = c.opened_by
         WHERE s.username = 'ben' ORDER BY c.submitted_at, c.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();

    let pages = every_page(&anna, "mine", "awaiting").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [25, 5]);
    assert_eq!(pages.concat(), mine);
    let pages = every_page(&anna, "awaiting", "finished").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [25, 5]);
    assert_eq!(
        pages.concat(),
        awaiting,
        "by submission time, then id; olga's not among them"
    );

    // Paging one list keeps the other where it stands.
    let first = anna.get("/cases").await;
    let (_, next) = listed_in(&first.body, "mine", "awaiting");
    let second = anna.get(&next.unwrap()).await;
    let (_, next) = listed_in(&second.body, "awaiting", "finished");
    let both = anna.get(&next.unwrap()).await;
    assert_eq!(listed_in(&both.body, "mine", "awaiting").0, mine[25..]);
    assert_eq!(
        listed_in(&both.body, "awaiting", "finished").0,
        awaiting[25..]
    );
    assert!(both.body.contains("Uz pirmo lapu"));
}

#[tokio::test]
async fn submitting_the_new_case_form_twice_opens_one_case() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let service = eservice(&app, true, true).await;
    let token = anna.open_token().await;
    let form = open_form(service, &token);
    let first = post(&anna, "/cases/new", &form).await;
    let second = post(&anna, "/cases/new", &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(
        first.location(),
        second.location(),
        "back to the case opened"
    );
    assert_eq!(count(&app.pool, "SELECT count(*) FROM cases").await, 1);
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM audit_events WHERE action = 'case-opened'"
        )
        .await,
        1
    );
    // Two at once open one case too; a fresh form opens another.
    let token = anna.open_token().await;
    let form = open_form(service, &token);
    let (a, b) = tokio::join!(
        post(&anna, "/cases/new", &form),
        post(&anna, "/cases/new", &form)
    );
    assert_eq!(a.location(), b.location());
    assert_eq!(count(&app.pool, "SELECT count(*) FROM cases").await, 2);
    // Another employee cannot land on anna's case with her token.
    let ben = app.signed_in("ben").await;
    assert_eq!(
        post(&ben, "/cases/new", &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A form without a token opens nothing.
    let mut tokenless = form.clone();
    tokenless.retain(|(name, _)| name != "open_token");
    assert_eq!(
        post(&anna, "/cases/new", &tokenless).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(count(&app.pool, "SELECT count(*) FROM cases").await, 2);
}

#[tokio::test]
async fn an_expired_document_offers_to_stop_the_case_with_that_reason() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    let mut form = identity(&app, OLD_CODE);
    form.retain(|(name, _)| name != "expires_on");
    form.push(("expires_on".into(), "01.01.2020".into()));
    let response = record(&app, &anna, id, "identity", &form).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let offer = format!(r#"href="/cases/{id}/stop?reason=document-expired""#);
    assert!(response.body.contains(&offer), "{}", response.body);
    // A slip of the keyboard is no reason to stop.
    let mut typo = identity(&app, OLD_CODE);
    typo.retain(|(name, _)| name != "surnames");
    let response = record(&app, &anna, id, "identity", &typo).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!response.body.contains("stop?reason="));

    let stop = anna
        .get(&format!("/cases/{id}/stop?reason=document-expired"))
        .await;
    assert_eq!(stop.status, StatusCode::OK);
    assert!(
        stop.body
            .contains(r#"<option value="document-expired" selected>"#),
        "{}",
        stop.body
    );
    let version = version(&app, id).await.to_string();
    let response = post(
        &anna,
        &format!("/cases/{id}/stop"),
        &pairs(&[("version", version), ("reason", "document-expired".into())]),
    )
    .await;
    assert_eq!(
        response.location(),
        Some(format!("/cases/{id}?notice=stopped").as_str())
    );
    let reason: String = sqlx::query_scalar("SELECT stop_reason FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reason, "document-expired");
    assert_eq!(status(&app, id).await, "stopped");
}

#[tokio::test]
async fn the_submission_cannot_be_dated_before_the_case_was_opened_or_the_portal_sign_in() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, false, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    app.clock.advance(TimeDelta::minutes(10));
    record_ok(&app, &anna, id, "employee-eid", true).await;
    record_ok(&app, &anna, id, "authorisation", true).await;
    record_ok(&app, &anna, id, "data-processing", true).await;
    let at = |minutes: i64| {
        (now_in_riga(app.clock.now()) + TimeDelta::minutes(minutes))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let submission = |when: String| {
        pairs(&[
            ("reference", "PORTAL-REF-77".into()),
            ("submitted_at", when),
        ])
    };
    let response = record(&app, &anna, id, "submission", &submission(at(-24 * 60))).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.body.contains("agrāks par gadījuma atvēršanu"),
        "{}",
        response.body
    );
    let response = record(&app, &anna, id, "submission", &submission(at(-5))).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.body.contains("identificēšanos portālā"),
        "{}",
        response.body
    );
    assert_eq!(step_rows(&app, id).await, 4);
    let response = record(&app, &anna, id, "submission", &submission(at(0))).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    // Planned time is not applicable here; the result cannot be told before the opening either.
    let early = pairs(&[
        ("outcome", "granted".into()),
        ("told_via", "phone".into()),
        ("told_at", at(-2 * 24 * 60)),
    ]);
    let response = record(&app, &anna, id, "result", &early).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("agrāks par gadījuma atvēršanu"));
}

#[tokio::test]
async fn stopping_a_closed_or_stopped_case_is_refused_even_with_invalid_fields() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let closed = walked_to_submission(&app, &anna, false, false).await;
    assert_eq!(status(&app, closed).await, "closed");
    let stopped = open_case(&anna, eservice(&app, true, true).await).await;
    let form = pairs(&[
        ("version", "1".into()),
        ("reason", "client-withdrew".into()),
    ]);
    post(&anna, &format!("/cases/{stopped}/stop"), &form).await;
    assert_eq!(status(&app, stopped).await, "stopped");
    for (id, refusal) in [(closed, "case-closed"), (stopped, "case-stopped")] {
        let versions = version(&app, id).await;
        for invalid in [
            pairs(&[("version", versions.to_string()), ("reason", String::new())]),
            pairs(&[
                ("version", versions.to_string()),
                ("reason", "other".into()),
            ]),
            pairs(&[
                ("version", versions.to_string()),
                ("reason", "bogus".into()),
            ]),
        ] {
            let response = post(&anna, &format!("/cases/{id}/stop"), &invalid).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
            assert_eq!(
                response.location(),
                Some(format!("/cases/{id}?notice={refusal}").as_str())
            );
        }
    }
}

#[tokio::test]
async fn the_first_showing_of_a_data_notice_version_is_audited_in_the_cases_chain() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let service = eservice(&app, true, true).await;
    let first = open_case(&anna, service).await;
    let second = open_case(&anna, service).await;
    for id in [first, second] {
        record_ok(&app, &anna, id, "identity", true).await;
        record_ok(&app, &anna, id, "employee-eid", true).await;
        let form = anna.get(&format!("/cases/{id}/steps/authorisation")).await;
        assert_eq!(form.status, StatusCode::OK);
    }
    anna.get(&format!("/cases/{first}/steps/authorisation"))
        .await;
    let shown: Vec<(i64, String)> = sqlx::query_as(
        "SELECT case_id, details::text FROM audit_events WHERE action = 'notice-shown'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        shown,
        [(first, r#"{"version": 1}"#.to_owned())],
        "once, when first shown"
    );
    let verified = scalar(
        &app,
        "SELECT count(*) FROM audit_events WHERE case_id = $1 AND action = 'notice-shown'
           AND actor_id IS NOT NULL AND session_tag IS NOT NULL",
        first,
    )
    .await;
    assert_eq!(verified, 1);
}

/// The `page` of every `personal-data-viewed` event of case `id`, oldest first.
async fn views(app: &TestApp, id: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT details->>'page' FROM audit_events
         WHERE case_id = $1 AND action = 'personal-data-viewed' ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn stop_pages_search_results_and_forms_shown_again_each_write_an_access_event() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let ben = app.signed_in("ben").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    let seen = views(&app, id).await.len();
    let new_views = |all: Vec<String>| all[seen..].to_vec();

    // The stop page, and the stop form shown again with an error.
    let page = anna.get(&format!("/cases/{id}/stop")).await;
    assert!(page.body.contains(GIVEN));
    let invalid = pairs(&[
        ("version", version(&app, id).await.to_string()),
        ("reason", "other".into()),
    ]);
    let page = post(&anna, &format!("/cases/{id}/stop"), &invalid).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(GIVEN));
    assert_eq!(new_views(views(&app, id).await), ["stop", "stop"]);

    // Search results.
    let found = post(&anna, "/cases/search", &pairs(&[("name", SURNAME.into())])).await;
    assert!(found.body.contains(GIVEN));
    assert_eq!(new_views(views(&app, id).await)[2..], ["search"]);

    // A step form shown again with errors.
    let bad = pairs(&[
        ("means_code", "internet-bank".into()),
        ("used_at", now_local(&app)),
    ]);
    let page = record(&app, &anna, id, "employee-eid", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(GIVEN));
    assert_eq!(new_views(views(&app, id).await)[3..], ["step:employee-eid"]);

    // A stale step form and a stale stop form, shown again with the fresh case.
    let old = version(&app, id).await.to_string();
    record_ok(&app, &ben, id, "employee-eid", true).await;
    let mut stale = step_form(&app, "authorisation", true);
    stale.push(("version".into(), old.clone()));
    let page = post(&anna, &format!("/cases/{id}/steps/authorisation"), &stale).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains(GIVEN));
    let stale_stop = pairs(&[("version", old), ("reason", "client-withdrew".into())]);
    let page = post(&anna, &format!("/cases/{id}/stop"), &stale_stop).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains(GIVEN));
    assert_eq!(
        new_views(views(&app, id).await)[4..],
        ["step:authorisation", "stop"]
    );
}

#[tokio::test]
async fn the_search_by_portal_reference_is_served_by_an_index_on_the_lower_cased_reference() {
    let app = desk().await;
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT id FROM cases WHERE centre_id = ANY('{1}') AND portal_reference IS NOT NULL
           AND lower(portal_reference) = lower('Portal-Ref-77') ORDER BY id DESC LIMIT 100",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("cases_portal_reference_lower_idx"), "{plan}");
}

/// 22.¹3 asks the client's answer about the result before printing: the print carries it, and
/// the duty is recorded only with the answer the client signed.
#[tokio::test]
async fn the_answer_about_the_result_is_printed_and_recorded_as_signed() {
    let app = desk().await;
    let anna = app.signed_in("anna").await;
    let id = open_case(&anna, eservice(&app, true, true).await).await;
    record_ok(&app, &anna, id, "identity", true).await;
    record_ok(&app, &anna, id, "employee-eid", true).await;
    let step = anna.get(&format!("/cases/{id}/steps/authorisation")).await;
    assert!(
        step.body
            .contains(&format!(r#"formaction="/cases/{id}/authorisation.pdf""#)),
        "the print button sends the 22.¹3 form"
    );
    let form = step_form(&app, "authorisation", true);
    let answer: Vec<(&str, &str)> = form
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let print = anna
        .post_bytes(&format!("/cases/{id}/authorisation.pdf"), &answer)
        .await;
    assert_eq!(print.status, StatusCode::OK);
    let (wanted, contact): (Option<bool>, String) = sqlx::query_as(
        "SELECT (snapshot->'content'->>'result_wanted')::boolean,
                snapshot->'content'->>'result_contact'
         FROM authorisation_documents WHERE case_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(wanted, Some(true), "the answer is printed");
    assert!(contact.contains(PHONE), "with the contact: {contact}");

    // Another number than the one printed and signed is refused, beside the answer.
    let mut other = form.clone();
    for (name, value) in &mut other {
        if name == "contact" {
            *value = "+37129999999".into();
        }
    }
    let refused = record(&app, &anna, id, "authorisation", &other).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let message = pilnvara::i18n::Lang::Lv.texts().cases.err_not_as_printed;
    assert!(refused.body.contains(message), "{}", refused.body);
    assert!(
        refused.body.contains("+37129999999"),
        "what was typed is kept"
    );
    assert_eq!(step_rows(&app, id).await, 2, "nothing recorded");
    // The answer as printed is recorded.
    record_ok(&app, &anna, id, "authorisation", true).await;
}
