//! The printed documents: the two-copy written authorisation (22.¹3), the client's receipt after
//! 22.¹5, the data-use notice, and the verification page.
//!
//! Cases are made as the desk makes them (`service::demo::make_case`: the domain's forms, the
//! case and document services, the authorisation printed before 22.¹3), so each has a real
//! trail. A test that needs a state the desk reaches otherwise (finished, stopped, a tampered
//! document) changes that one row itself.

use axum::http::StatusCode;
use chrono::{Datelike, Months, TimeDelta};
use pilnvara::clock::Clock as _;
use pilnvara::domain::ids::{CaseId, CentreId, StaffId};
use pilnvara::domain::staff::{CentreContact, Role};
use pilnvara::domain::today_in_riga;
use pilnvara::domain::workflow::Step;
use pilnvara::i18n::Lang;
use pilnvara::service::Actor;
use pilnvara::service::accounts::{self, CentreInput};
use pilnvara::service::demo::{ClientDetails, Goes};
use serde_json::Value;

use super::harness::{BytesResponse, Client, TestApp, pdf_text, scalar};

const COPY_1: &str = "1. eksemplārs — glabājas pašvaldībā (Arhīvu likums)";
const COPY_2: &str = "2. eksemplārs — izsniegts klientam";
const CLIENT: &str = "Ģirts Ķēniņš";
const PERSONAL_CODE: &str = "323456-78901";

/// A centre `DEMO` with employee `liga`, signed in.
struct Desk {
    app: TestApp,
    centre: CentreId,
    employee: StaffId,
    client: Client,
}

impl Desk {
    /// The 22.¹3 page's print button: the first print (or a reprint) of the case's authorisation.
    async fn print(&self, case_id: i64) -> BytesResponse {
        self.client
            .post_bytes(&format!("/cases/{case_id}/authorisation.pdf"), &[])
            .await
    }
}

async fn desk() -> Desk {
    let app = TestApp::new().await;
    let centre = app.centre("DEMO").await;
    let employee = app.user("liga", Role::Employee, "DEMO", &[]).await;
    let client = app.signed_in("liga").await;
    Desk {
        app,
        centre,
        employee,
        client,
    }
}

/// The client of every case here, and what the desk records for them.
const GIRTS: ClientDetails = ClientDetails {
    given_names: "Ģirts",
    surnames: "Ķēniņš",
    personal_code: PERSONAL_CODE,
    doc_number: "PA1234567",
    told_result: Some(("email", "girts@example.lv")),
    registration_number: "ADN/2026/17",
    portal_reference: "LV-EP-2026-0042917",
    planned_in: Months::new(1),
    result_note: "",
};

/// A case of `centre` opened by `employee` at the desk, with every duty up to and including
/// `through` recorded (none for `None`): if 22.¹3 is among them, the authorisation was printed.
async fn case_through(
    app: &TestApp,
    centre: CentreId,
    employee: StaffId,
    through: Option<Step>,
) -> i64 {
    let goes = through.map_or(Goes::Opened, Goes::To);
    app.desk_case(centre, employee, &GIRTS, goes).await.0
}

fn assert_pdfa(response: &BytesResponse) {
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/pdf"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert!(response.body.starts_with(b"%PDF-"), "not a PDF");
    let raw = String::from_utf8_lossy(&response.body);
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part>")
            && raw.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "no PDF/A-2a identification in the XMP metadata"
    );
    assert!(
        raw.contains("<pdfuaid:part>1</pdfuaid:part>"),
        "no PDF/UA-1 identification in the XMP metadata"
    );
}

fn year_of(app: &TestApp) -> i32 {
    today_in_riga(app.clock.now()).year()
}

#[tokio::test]
async fn employee_prints_the_authorisation_in_two_copies_as_pdfa() {
    let desk = desk().await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;

    let response = desk.print(case_id).await;

    assert_pdfa(&response);
    let number = format!("DEMO-{}-000001", year_of(&desk.app));
    assert_eq!(
        response.header("content-disposition"),
        Some(format!("inline; filename=\"pilnvarojums-{number}.pdf\"").as_str())
    );
    let text = pdf_text(&response.body);
    assert!(text.contains(COPY_1), "copy 1 label: {text}");
    assert!(text.contains(COPY_2), "copy 2 label");
    assert!(text.find(COPY_1) < text.find(COPY_2), "copy 1 comes first");
    assert!(
        text.matches(CLIENT).count() >= 2,
        "the client's name with diacritics, on both copies"
    );
    assert!(text.contains(PERSONAL_CODE));
    assert!(text.contains("PA1234567"));
    assert!(text.contains("Ģimenes valsts pabalsta pieprasīšana (piemērs)"));
    assert!(
        text.contains("Darbinieks liga"),
        "the employee who recorded 22.¹1"
    );
    assert!(text.contains(&number));
    assert!(
        text.contains("v1 (spēkā no 01.01.2026)"),
        "the notice version"
    );
    assert!(
        text.contains("☐ Jā ☐ Nē"),
        "before 22.¹3 is recorded the client ticks the answer by hand"
    );
}

#[tokio::test]
async fn the_same_case_prints_identical_bytes_and_every_print_is_recorded() {
    let desk = desk().await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    let path = format!("/cases/{case_id}/authorisation.pdf");

    let first = desk.client.post_bytes(&path, &[]).await;
    // The next day (a new session): the reprint still carries the first print's date.
    desk.app.clock.advance(TimeDelta::days(1));
    let second = desk.app.signed_in("liga").await.get_bytes(&path).await;

    assert_pdfa(&first);
    assert_pdfa(&second);
    assert!(
        first.body == second.body,
        "a reprint is byte for byte the first print"
    );
    let prints: Vec<(bool, Vec<u8>)> = sqlx::query_as(
        "SELECT reprint, sha256 FROM authorisation_prints WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(prints.len(), 2);
    assert_eq!((prints[0].0, prints[1].0), (false, true));
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT sha256 FROM authorisation_documents WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(&desk.app.pool)
            .await
            .unwrap();
    use sha2::Digest as _;
    assert_eq!(stored, sha2::Sha256::digest(&first.body).to_vec());
    assert_eq!(prints[1].1, stored);

    let events: Vec<Value> = sqlx::query_scalar(
        "SELECT details FROM audit_events
         WHERE chain = 'case:' || $1 AND action = 'authorisation-printed' ORDER BY sequence",
    )
    .bind(case_id)
    .fetch_all(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["reprint"], false);
    assert_eq!(events[1]["reprint"], true);
    assert_eq!(events[1]["sha256"].as_str().unwrap().len(), 64);
    let details = events.iter().map(Value::to_string).collect::<String>();
    for personal in ["Ģirts", "Ķēniņš", "323456", "PA1234567"] {
        assert!(
            !details.contains(personal),
            "audit details hold no {personal}"
        );
    }
}

#[tokio::test]
async fn numbers_run_per_centre_and_per_year() {
    let desk = desk().await;
    let other = desk.app.centre("OTHER").await;
    let other_employee = desk.app.user("janis", Role::Employee, "OTHER", &[]).await;
    let other_client = desk.app.signed_in("janis").await;
    async fn print(client: &Client, case_id: i64) -> String {
        let response = client
            .post_bytes(&format!("/cases/{case_id}/authorisation.pdf"), &[])
            .await;
        assert_eq!(response.status, StatusCode::OK);
        let disposition = response.header("content-disposition").unwrap();
        disposition
            .trim_start_matches("inline; filename=\"pilnvarojums-")
            .trim_end_matches(".pdf\"")
            .to_owned()
    }
    let year = year_of(&desk.app);
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let case_id = case_through(
            &desk.app,
            desk.centre,
            desk.employee,
            Some(Step::EmployeeEid),
        )
        .await;
        numbers.push(print(&desk.client, case_id).await);
    }
    let other_case = case_through(&desk.app, other, other_employee, Some(Step::EmployeeEid)).await;
    numbers.push(print(&other_client, other_case).await);

    desk.app.clock.advance(TimeDelta::days(366));
    let next_year = year_of(&desk.app);
    assert_eq!(next_year, year + 1);
    // The session would have timed out: sign in again in the new year.
    let client = desk.app.signed_in("liga").await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    numbers.push(print(&client, case_id).await);

    assert_eq!(
        numbers,
        [
            format!("DEMO-{year}-000001"),
            format!("DEMO-{year}-000002"),
            format!("OTHER-{year}-000001"),
            format!("DEMO-{next_year}-000001"),
        ]
    );
}

#[tokio::test]
async fn no_authorisation_before_identity_and_employee_eid_are_recorded() {
    let desk = desk().await;
    let texts = Lang::Lv.texts().documents;
    for (through, expected) in [
        (None, texts.refused_identity),
        (Some(Step::Identity), texts.refused_employee_eid),
    ] {
        let case_id = case_through(&desk.app, desk.centre, desk.employee, through).await;
        let response = desk
            .client
            .post(&format!("/cases/{case_id}/authorisation.pdf"), &[])
            .await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{through:?}");
        assert!(
            response
                .header("content-type")
                .is_some_and(|value| value.starts_with("text/html")),
            "a page, not a PDF"
        );
        assert!(response.body.contains(texts.refused_title));
        assert!(
            response.body.contains(expected),
            "{through:?}: {}",
            response.body
        );
        assert_eq!(
            scalar(
                &desk.app,
                "SELECT count(*) FROM authorisation_documents WHERE case_id = $1",
                case_id
            )
            .await,
            0,
            "no number allocated"
        );
    }
}

#[tokio::test]
async fn printed_after_22_1_3_the_authorisation_shows_the_clients_answer() {
    let desk = desk().await;
    // The desk printed it before 22.¹3 with the answer asked first; this is the print after.
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::Authorisation),
    )
    .await;

    let response = desk.print(case_id).await;

    assert_pdfa(&response);
    let text = pdf_text(&response.body);
    assert!(text.contains("e-pasts: girts@example.lv"), "{text}");
    assert!(!text.contains("☐"), "nothing left to tick");
}

#[tokio::test]
async fn an_employee_working_in_english_gets_english_beside_latvian() {
    let desk = desk().await;
    sqlx::query("UPDATE staff SET language = 'en' WHERE id = $1")
        .bind(desk.employee)
        .execute(&desk.app.pool)
        .await
        .unwrap();
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;

    let response = desk.print(case_id).await;

    assert_pdfa(&response);
    let text = pdf_text(&response.body);
    assert!(text.contains(COPY_1));
    assert!(text.contains("Copy 1 — kept by the municipality (Archives Law)"));
    assert!(text.contains("Applying for the state family benefit (example)"));
}

#[tokio::test]
async fn another_centres_case_does_not_exist() {
    let desk = desk().await;
    desk.app.centre("OTHER").await;
    let stranger = desk.app.user("janis", Role::Employee, "OTHER", &[]).await;
    let other_centre: CentreId = sqlx::query_scalar("SELECT centre_id FROM staff WHERE id = $1")
        .bind(stranger)
        .fetch_one(&desk.app.pool)
        .await
        .unwrap();
    let case_id = case_through(&desk.app, other_centre, stranger, Some(Step::Submission)).await;

    for path in ["authorisation.pdf", "receipt.pdf"] {
        let response = desk.client.get(&format!("/cases/{case_id}/{path}")).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    let first_print = desk
        .client
        .post(&format!("/cases/{case_id}/authorisation.pdf"), &[])
        .await;
    assert_eq!(first_print.status, StatusCode::NOT_FOUND);
    let missing = desk.client.get("/cases/999999/authorisation.pdf").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn supervisors_do_not_print_authorisations() {
    let desk = desk().await;
    desk.app.user("vadone", Role::Supervisor, "DEMO", &[]).await;
    let supervisor = desk.app.signed_in("vadone").await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;

    let response = supervisor
        .get(&format!("/cases/{case_id}/authorisation.pdf"))
        .await;

    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let first_print = supervisor
        .post(&format!("/cases/{case_id}/authorisation.pdf"), &[])
        .await;
    assert_eq!(first_print.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_receipt_exists_only_after_submission() {
    let desk = desk().await;
    let texts = Lang::Lv.texts().documents;
    let early = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::DataProcessing),
    )
    .await;

    let refused = desk
        .client
        .get(&format!("/cases/{early}/receipt.pdf"))
        .await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains(texts.refused_not_submitted));

    let done = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::PlannedTime),
    )
    .await;
    let authorisation = desk
        .client
        .post_bytes(&format!("/cases/{done}/authorisation.pdf"), &[])
        .await;
    assert_pdfa(&authorisation);
    // Both cases passed 22.¹3, so both were printed there: the early one took number 1.
    let number = format!("DEMO-{}-000002", year_of(&desk.app));
    assert_eq!(
        authorisation.header("content-disposition"),
        Some(format!("inline; filename=\"pilnvarojums-{number}.pdf\"").as_str())
    );
    let receipt = desk
        .client
        .get_bytes(&format!("/cases/{done}/receipt.pdf"))
        .await;
    assert_pdfa(&receipt);
    let text = pdf_text(&receipt.body);
    let planned = today_in_riga(desk.app.clock.now())
        .checked_add_months(Months::new(1))
        .unwrap()
        .format("%d.%m.%Y")
        .to_string();
    assert!(text.contains("LV-EP-2026-0042917"), "{text}");
    assert!(text.contains(&planned), "the planned time");
    assert!(text.contains(CLIENT));
    assert!(text.contains(&number), "the case's authorisation number");
    assert!(text.contains("Datu valsts inspekcij"), "how to complain");
    assert!(text.contains("Centrs DEMO"), "whom to contact");
}

#[tokio::test]
async fn the_notice_prints_on_its_own() {
    let desk = desk().await;

    let response = desk.client.get_bytes("/notices/1.pdf").await;

    assert_pdfa(&response);
    assert_eq!(
        response.header("content-disposition"),
        Some("inline; filename=\"informacija-v1.pdf\"")
    );
    let text = pdf_text(&response.body);
    assert!(text.contains("Elijas iela 17"));
    assert!(text.contains("VDAR 6. panta 1. punkta e)"));
    for missing in ["/notices/99.pdf", "/notices/1", "/notices/one.pdf"] {
        assert_eq!(
            desk.client.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn a_printed_notice_version_is_shown_and_final_and_a_future_one_does_not_print() {
    let desk = desk().await;
    let tomorrow = today_in_riga(desk.app.clock.now()) + TimeDelta::days(1);
    sqlx::query(
        "INSERT INTO data_notices (version, effective_from, controller_lv, controller_en,
             purposes_lv, purposes_en, recipients_lv, recipients_en, retention_lv, retention_en,
             rights_lv, rights_en, complaint_lv, complaint_en)
         SELECT 2, $1, controller_lv, controller_en, purposes_lv, purposes_en, recipients_lv,
                recipients_en, retention_lv, retention_en, rights_lv, rights_en, complaint_lv,
                complaint_en
         FROM data_notices WHERE version = 1",
    )
    .bind(tomorrow)
    .execute(&desk.app.pool)
    .await
    .unwrap();
    let shown = |version: i64| {
        let app = &desk.app;
        async move {
            scalar(
                app,
                "SELECT count(*) FROM data_notices WHERE version = $1 AND first_shown_at IS NOT NULL",
                version,
            )
            .await
        }
    };
    assert_eq!(shown(1).await, 0);

    assert_pdfa(&desk.client.get_bytes("/notices/1.pdf").await);
    assert_eq!(shown(1).await, 1, "printing hands the version out");
    let edit = sqlx::query("UPDATE data_notices SET purposes_lv = 'cits' WHERE version = 1")
        .execute(&desk.app.pool)
        .await;
    assert!(edit.is_err(), "a handed-out version is final");

    let future = desk.client.get("/notices/2.pdf").await;
    assert_eq!(future.status, StatusCode::NOT_FOUND, "not in force yet");
    assert_eq!(shown(2).await, 0);
    desk.app.clock.advance(TimeDelta::days(2));
    let next_day = desk.app.signed_in("liga").await;
    assert_pdfa(&next_day.get_bytes("/notices/2.pdf").await);
    assert_eq!(shown(2).await, 1);
}

/// Prints the case's authorisation and returns its number and verification code.
async fn printed(desk: &Desk, case_id: i64) -> (String, String) {
    let response = desk.print(case_id).await;
    assert_eq!(response.status, StatusCode::OK);
    sqlx::query_as(
        "SELECT document_number, verification_code FROM authorisation_documents
         WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_one(&desk.app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn verification_accepts_the_right_code_and_refuses_a_wrong_one() {
    let desk = desk().await;
    let texts = Lang::Lv.texts().documents;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    let (number, code) = printed(&desk, case_id).await;
    let pdf = desk
        .client
        .get_bytes(&format!("/cases/{case_id}/authorisation.pdf"))
        .await;
    let printed_code = format!("{}-{}", &code[..5], &code[5..]);
    assert!(
        pdf_text(&pdf.body).contains(&printed_code),
        "the code on the paper is the code on record"
    );

    let form = desk.client.get("/documents/verify").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(texts.verify_title));

    // As typed from the paper: lower case, grouped.
    let typed = printed_code.to_lowercase();
    let right = desk
        .client
        .post(
            "/documents/verify",
            &[("number", &number.to_lowercase()), ("code", &typed)],
        )
        .await;
    assert_eq!(right.status, StatusCode::OK);
    assert!(
        right.body.contains("data-matched=\"true\""),
        "{}",
        right.body
    );
    assert!(right.body.contains(texts.verify_matches));
    assert!(right.body.contains(&format!("href=\"/cases/{case_id}\"")));

    let wrong_code = if code.starts_with('A') {
        "BBBBBBBBBB"
    } else {
        "AAAAAAAAAA"
    };
    let wrong = desk
        .client
        .post(
            "/documents/verify",
            &[("number", &number), ("code", wrong_code)],
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::OK,
        "a wrong code is an answer, not an error"
    );
    assert!(wrong.body.contains("data-matched=\"false\""));
    assert!(wrong.body.contains(texts.verify_no_match));
    assert!(!wrong.body.contains(&format!("/cases/{case_id}")));

    let empty = desk
        .client
        .post("/documents/verify", &[("number", ""), ("code", "")])
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains(texts.verify_number_missing));
    assert!(empty.body.contains(texts.verify_code_missing));

    let audited: Vec<Value> = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'authorisation-verified' ORDER BY id",
    )
    .fetch_all(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[0]["matched"], true);
    assert_eq!(audited[0]["document_number"], number.as_str());
    assert_eq!(audited[1]["matched"], false);
}

#[tokio::test]
async fn verification_keeps_in_the_trail_only_what_looks_like_a_document_number() {
    let desk = desk().await;
    for typed in [PERSONAL_CODE, CLIENT, "DEMO-2026-000999"] {
        let answer = desk
            .client
            .post(
                "/documents/verify",
                &[("number", typed), ("code", "AAAAA-AAAAA")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let audited: Vec<Value> = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'authorisation-verified' ORDER BY id",
    )
    .fetch_all(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 3);
    for details in &audited[..2] {
        assert_eq!(
            details,
            &serde_json::json!({ "well_formed": false, "matched": false })
        );
    }
    assert_eq!(audited[2]["document_number"], "DEMO-2026-000999");
    let trail: String =
        sqlx::query_scalar("SELECT string_agg(details::text, ' ') FROM audit_events")
            .fetch_one(&desk.app.pool)
            .await
            .unwrap();
    for personal in ["323456", "Ģirts", "ĢIRTS", "Ķēniņš", "ĶĒNIŅŠ"] {
        assert!(!trail.contains(personal), "{personal} in the trail");
    }
}

#[tokio::test]
async fn verification_does_not_reveal_other_centres_documents() {
    let desk = desk().await;
    desk.app.centre("OTHER").await;
    desk.app.user("janis", Role::Employee, "OTHER", &[]).await;
    desk.app
        .user("vadone", Role::Supervisor, "OTHER", &["DEMO"])
        .await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    let (number, code) = printed(&desk, case_id).await;

    let stranger = desk.app.signed_in("janis").await;
    let answer = stranger
        .post("/documents/verify", &[("number", &number), ("code", &code)])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("data-matched=\"false\""),
        "the right code, the wrong centre"
    );
    assert!(!answer.body.contains("Centrs DEMO"));

    let supervisor = desk.app.signed_in("vadone").await;
    let supervised = supervisor
        .post("/documents/verify", &[("number", &number), ("code", &code)])
        .await;
    assert!(supervised.body.contains("data-matched=\"true\""));
    assert!(
        !supervised.body.contains(&format!("/review/{case_id}")),
        "an open case has no review page yet"
    );
    assert!(
        supervised
            .body
            .contains(Lang::Lv.texts().documents.verify_case_still_open)
    );
    assert_eq!(
        supervisor.get(&format!("/review/{case_id}")).await.status,
        StatusCode::NOT_FOUND
    );

    stop_at_the_desk(&desk, case_id).await;
    let finished = supervisor
        .post("/documents/verify", &[("number", &number), ("code", &code)])
        .await;
    assert!(
        finished
            .body
            .contains(&format!("href=\"/review/{case_id}\""))
    );
    assert_eq!(
        supervisor.get(&format!("/review/{case_id}")).await.status,
        StatusCode::OK
    );
    for path in ["/review/abc", "/review/1e3", "/review/samples/x"] {
        assert_eq!(
            supervisor.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_reprint_that_differs_from_the_first_print_is_refused_and_audited() {
    let desk = desk().await;
    let texts = Lang::Lv.texts().documents;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    printed(&desk, case_id).await;
    // Only a fault (or tampering past the database's guard) could change the frozen content.
    let mut tx = desk.app.pool.begin().await.unwrap();
    for sql in [
        "ALTER TABLE authorisation_documents DISABLE TRIGGER authorisation_documents_final",
        "UPDATE authorisation_documents SET snapshot = jsonb_set(snapshot, '{content,place}', '\"Rīga\"')",
        "ALTER TABLE authorisation_documents ENABLE TRIGGER authorisation_documents_final",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    let response = desk
        .client
        .get(&format!("/cases/{case_id}/authorisation.pdf"))
        .await;

    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        response.body.contains(texts.mismatch_title),
        "{}",
        response.body
    );
    assert!(!response.body.starts_with("%PDF"));
    assert_eq!(
        scalar(
            &desk.app,
            "SELECT count(*) FROM authorisation_prints WHERE case_id = $1",
            case_id
        )
        .await,
        1,
        "the refused reprint is not a print"
    );
    assert_eq!(
        scalar(
            &desk.app,
            "SELECT count(*) FROM audit_events
             WHERE chain = 'case:' || $1 AND action = 'authorisation-reprint-mismatch'",
            case_id
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_database_keeps_a_printed_authorisation_final() {
    let desk = desk().await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    printed(&desk, case_id).await;

    for sql in [
        "UPDATE authorisation_documents SET sha256 = sha256(sha256) WHERE case_id = $1",
        "UPDATE authorisation_documents SET verification_code = 'AAAAAAAAAA' WHERE case_id = $1",
        "DELETE FROM authorisation_documents WHERE case_id = $1",
        "UPDATE authorisation_prints SET reprint = true WHERE case_id = $1",
        "DELETE FROM authorisation_prints WHERE case_id = $1",
    ] {
        let result = sqlx::query(sql).bind(case_id).execute(&desk.app.pool).await;
        assert!(result.is_err(), "{sql} must be refused");
    }
    // Erasing the personal data at retention is the one change allowed.
    sqlx::query("UPDATE authorisation_documents SET snapshot = NULL WHERE case_id = $1")
        .bind(case_id)
        .execute(&desk.app.pool)
        .await
        .unwrap();
    let texts = Lang::Lv.texts().documents;
    let erased = desk
        .client
        .get(&format!("/cases/{case_id}/authorisation.pdf"))
        .await;
    assert_eq!(erased.status, StatusCode::CONFLICT);
    assert!(erased.body.contains(texts.refused_erased));
}

#[tokio::test]
async fn two_first_prints_at_once_allocate_one_number() {
    let desk = desk().await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    let path = format!("/cases/{case_id}/authorisation.pdf");
    let other_desk = desk.app.signed_in("liga").await;

    let (first, second) = tokio::join!(
        desk.client.post_bytes(&path, &[]),
        other_desk.post_bytes(&path, &[])
    );

    assert_pdfa(&first);
    assert_pdfa(&second);
    assert!(first.body == second.body);
    let counter: i32 = sqlx::query_scalar(
        "SELECT last_number FROM authorisation_number_counters WHERE centre_id = $1",
    )
    .bind(desk.centre)
    .fetch_one(&desk.app.pool)
    .await
    .unwrap();
    assert_eq!(
        counter, 1,
        "the case row lock lets only one print number it"
    );
    assert_eq!(
        scalar(
            &desk.app,
            "SELECT count(*) FROM authorisation_prints WHERE case_id = $1",
            case_id
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_case_stopped_before_printing_gets_no_authorisation() {
    let desk = desk().await;
    let texts = Lang::Lv.texts().documents;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    stop_at_the_desk(&desk, case_id).await;

    let response = desk
        .client
        .post(&format!("/cases/{case_id}/authorisation.pdf"), &[])
        .await;

    assert_eq!(response.status, StatusCode::CONFLICT);
    assert!(response.body.contains(texts.refused_stopped));
}

#[tokio::test]
async fn a_get_never_makes_the_first_print_it_offers_the_button_that_does() {
    let desk = desk().await;
    let texts = Lang::Lv.texts().documents;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    let path = format!("/cases/{case_id}/authorisation.pdf");
    let documents = "SELECT count(*) FROM authorisation_documents WHERE case_id = $1";

    let offer = desk.client.get(&path).await;
    assert_eq!(offer.status, StatusCode::OK);
    assert!(
        offer.body.contains(texts.first_print_title),
        "{}",
        offer.body
    );
    assert!(
        offer.body.contains(&format!(
            r#"<form method="post" action="{path}" target="_blank""#
        )),
        "{}",
        offer.body
    );
    assert_eq!(
        scalar(&desk.app, documents, case_id).await,
        0,
        "a GET numbers nothing"
    );

    let forged = desk
        .app
        .send(
            axum::http::Request::post(&path)
                .header("sec-fetch-site", "cross-site")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "the CSRF layer guards it"
    );
    assert_eq!(scalar(&desk.app, documents, case_id).await, 0);

    let first = desk.client.post_bytes(&path, &[]).await;
    assert_pdfa(&first);
    assert_eq!(scalar(&desk.app, documents, case_id).await, 1);
    let reprint = desk.client.get_bytes(&path).await;
    assert_pdfa(&reprint);
    assert!(reprint.body == first.body, "a GET reprints");
    let again = desk.client.post_bytes(&path, &[]).await;
    assert!(
        again.body == first.body,
        "a second POST (a double click) reprints"
    );
    assert_eq!(
        scalar(
            &desk.app,
            "SELECT count(*) FROM authorisation_prints WHERE case_id = $1 AND reprint",
            case_id
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_supervisor_reprints_a_finished_cases_authorisation_from_its_frozen_content() {
    let desk = desk().await;
    desk.app.centre("OTHER").await;
    desk.app
        .user("vadone", Role::Supervisor, "DEMO", &["DEMO"])
        .await;
    desk.app
        .user("cits", Role::Supervisor, "OTHER", &["OTHER"])
        .await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::Authorisation),
    )
    .await;
    let path = format!("/review/{case_id}/authorisation.pdf");
    let first = desk.print(case_id).await;
    assert_pdfa(&first);

    let supervisor = desk.app.signed_in("vadone").await;
    assert_eq!(
        supervisor.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "an open case is not under review"
    );
    stop_at_the_desk(&desk, case_id).await;
    let review = supervisor.get(&format!("/review/{case_id}")).await;
    assert!(
        review.body.contains(&format!(r#"href="{path}""#)),
        "{}",
        review.body
    );
    let reprint = supervisor.get_bytes(&path).await;
    assert_pdfa(&reprint);
    assert!(
        reprint.body == first.body,
        "byte for byte the employee's print"
    );
    let events: Vec<(String, Value)> = sqlx::query_as(
        "SELECT action, details FROM audit_events WHERE case_id = $1
         AND action IN ('authorisation-printed', 'personal-data-viewed') ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&desk.app.pool)
    .await
    .unwrap();
    let last_two: Vec<&str> = events[events.len() - 2..]
        .iter()
        .map(|(action, _)| action.as_str())
        .collect();
    assert_eq!(last_two, ["authorisation-printed", "personal-data-viewed"]);
    assert_eq!(events[events.len() - 2].1["reprint"], true);
    assert_eq!(events[events.len() - 1].1["page"], "review-authorisation");
    assert_eq!(
        scalar(
            &desk.app,
            "SELECT count(*) FROM authorisation_prints WHERE case_id = $1",
            case_id
        )
        .await,
        3,
        "the print before 22.¹3, the employee's reprint and the supervisor's"
    );

    let stranger = desk.app.signed_in("cits").await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger.get("/review/abc/authorisation.pdf").await.status,
        StatusCode::NOT_FOUND
    );

    // Never printed, so never past 22.¹3: the desk refuses 22.¹3 before the first print.
    let never = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    stop_at_the_desk(&desk, never).await;
    let page = supervisor
        .get(&format!("/review/{never}/authorisation.pdf"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains(texts_never_printed()), "{}", page.body);
    assert!(page.body.contains(&format!(r#"href="/review/{never}""#)));
    assert_eq!(
        scalar(
            &desk.app,
            "SELECT count(*) FROM authorisation_documents WHERE case_id = $1",
            never
        )
        .await,
        0,
        "a supervisor never makes the first print"
    );
}

fn texts_never_printed() -> &'static str {
    Lang::Lv.texts().documents.never_printed_title
}

/// Finishes case `case_id` as the desk does when the client withdraws: stopped through the
/// service, in the case's audit trail.
async fn stop_at_the_desk(desk: &Desk, case_id: i64) {
    let centres = [desk.centre];
    let version: i32 = sqlx::query_scalar("SELECT version FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&desk.app.pool)
        .await
        .unwrap();
    pilnvara::service::cases::stop(
        &desk.app.pool,
        desk.app.clock.now(),
        crate::harness::acting(desk.employee, &centres),
        CaseId(case_id),
        version,
        pilnvara::domain::workflow::StopReason::ClientWithdrew,
        None,
    )
    .await
    .unwrap();
}

/// Gives centre `centre` contact details, as an administrator would.
async fn give_contact(app: &TestApp, centre: CentreId, contact: CentreContact) {
    let current = pilnvara::store::centres::get(&app.pool, centre, &[centre])
        .await
        .unwrap()
        .unwrap();
    let input = CentreInput {
        code: current.code,
        name: current.name,
        municipality: current.municipality,
        kind: current.kind,
        retention_years: current.retention_years,
        active: current.active,
        contact,
    };
    accounts::edit_centre(
        &app.pool,
        app.clock.as_ref(),
        Actor::Operator,
        centre,
        &input,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_documents_print_the_centres_contact_details_and_name_the_controller() {
    let desk = desk().await;
    give_contact(
        &desk.app,
        desk.centre,
        CentreContact {
            place: "Ādaži".into(),
            address: "Gaujas iela 33A, Ādaži".into(),
            phone: "6712 3456".into(),
            email: "vpvkac@adazi.lv".into(),
            opening_hours: "P.–Pk. 8.00–17.00".into(),
            data_protection_officer: "das@adazi.lv".into(),
        },
    )
    .await;
    let case_id = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::PlannedTime),
    )
    .await;

    let authorisation = pdf_text(&desk.print(case_id).await.body);
    let receipt = desk
        .client
        .get_bytes(&format!("/cases/{case_id}/receipt.pdf"))
        .await;
    let notice = desk.client.get_bytes("/notices/1.pdf").await;
    let at_22_1_3 = case_through(
        &desk.app,
        desk.centre,
        desk.employee,
        Some(Step::EmployeeEid),
    )
    .await;
    let step = desk
        .client
        .get(&format!("/cases/{at_22_1_3}/steps/authorisation"))
        .await;

    assert!(
        authorisation.contains("Ādaži"),
        "the place: {authorisation}"
    );
    let receipt = pdf_text(&receipt.body);
    for printed in [
        "Gaujas iela 33A, Ādaži",
        "Tālrunis: 67123456",
        "E-pasts: vpvkac@adazi.lv",
        "Darba laiks: P.–Pk. 8.00–17.00",
        "Rezultātu jums paziņos: e-pasts: girts@example.lv",
    ] {
        assert!(receipt.contains(printed), "{printed}: {receipt}");
    }
    let notice = pdf_text(&notice.body);
    assert!(notice.contains("Pārzinis: Ādažu novads"), "{notice}");
    assert!(notice.contains("Datu aizsardzības speciālists: das@adazi.lv"));
    assert!(
        step.body.contains("Pārzinis: Ādažu novads"),
        "the 22.¹3 page names the controller too"
    );
}
