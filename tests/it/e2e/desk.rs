//! A customer service centre for the browser tests: real-looking people, and the hands that fill
//! in each duty's form with the mouse.

use chrono::{Datelike, TimeDelta};
use pilnvara::clock::Clock;
use pilnvara::domain::ids::CentreId;
use pilnvara::domain::staff::{CentreKind, Role};
use pilnvara::domain::today_in_riga;
use pilnvara::passwords::Secret;
use pilnvara::service::Actor;
use pilnvara::service::accounts::{self, CentreInput, UserInput};

use crate::browser::{Browser, Outcome};
use crate::ensure;
use crate::harness::{TEST_PASSWORD, TestApp};

pub const GIVEN: &str = "Līga Marija";
pub const SURNAME: &str = "Ozoliņa-Bērziņa";
/// A valid old-format personal code.
pub const PERSONAL_CODE: &str = "010190-12349";
pub const PHONE: &str = "+37126123456";
pub const REGISTRATION: &str = "RIX/2026/0042";
pub const PORTAL_REFERENCE: &str = "LV-PORTAL-2026-118204";

/// The seven duties, in order, by their path segment.
pub const STEPS: [&str; 7] = [
    "identity",
    "employee-eid",
    "authorisation",
    "data-processing",
    "submission",
    "planned-time",
    "result",
];

/// Centre RIX (Rīga) with employees Anna Bērziņa (`anna`) and Jānis Kalniņš (`janis`),
/// supervisor Zane Liepiņa (`zane`) and administrator Ēriks Vītols (`eriks`).
pub async fn desk() -> TestApp {
    let app = TestApp::new().await;
    centre(&app, "RIX", "Rīgas VPVKAC (Brīvības iela)", "Rīga").await;
    person(&app, "anna", "Anna Bērziņa", Role::Employee, &[]).await;
    person(&app, "janis", "Jānis Kalniņš", Role::Employee, &[]).await;
    person(&app, "zane", "Zane Liepiņa", Role::Supervisor, &["RIX"]).await;
    person(&app, "eriks", "Ēriks Vītols", Role::Admin, &[]).await;
    app
}

pub async fn centre(app: &TestApp, code: &str, name: &str, municipality: &str) -> CentreId {
    let input = CentreInput {
        code: code.to_owned(),
        name: name.to_owned(),
        municipality: municipality.to_owned(),
        kind: CentreKind::Regional,
        retention_years: 10,
        active: true,
        contact: Default::default(),
    };
    accounts::add_centre(&app.pool, app.clock.as_ref(), Actor::Operator, &input)
        .await
        .unwrap()
}

pub async fn person(
    app: &TestApp,
    username: &str,
    full_name: &str,
    role: Role,
    supervises: &[&str],
) {
    let input = UserInput {
        username: username.to_owned(),
        full_name: full_name.to_owned(),
        roles: vec![role],
        centre_code: "RIX".to_owned(),
        supervises: supervises.iter().map(|code| (*code).to_owned()).collect(),
    };
    accounts::add_user(
        &app.pool,
        &app.hasher,
        app.clock.as_ref(),
        Actor::Operator,
        &input,
        Some(Secret::new(TEST_PASSWORD)),
    )
    .await
    .unwrap();
}

/// The id of the example e-service that gives both a planned time and a result.
pub async fn family_benefit(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM eservices WHERE code = 'example-family-benefit'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A passport that expires in a year, as the form writes dates: dd.mm.gggg.
pub fn in_a_year(app: &TestApp) -> String {
    let today = today_in_riga(app.clock.now());
    format!(
        "{:02}.{:02}.{}",
        today.day(),
        today.month(),
        today.year() + 1
    )
}

/// In five days, as a date input's value.
pub fn in_five_days(app: &TestApp) -> String {
    (today_in_riga(app.clock.now()) + TimeDelta::days(5)).to_string()
}

/// The form of the page's main region: its submit button.
pub const SUBMIT: &str = "main form.form button[type=submit]:not([formaction])";

/// Opens a case for the family benefit with the mouse; returns its id.
pub async fn open_case(b: &Browser, eservice: i64) -> Result<i64, String> {
    b.visit("/cases/new").await?;
    b.click(&format!("input[name=eservice_id][value='{eservice}']"))
        .await?;
    b.click("input[name=missing_means][value='eid-card']")
        .await?;
    b.submit(SUBMIT).await?;
    case_id_of_page(b).await
}

/// The case id of a page under `/cases/{id}`.
pub async fn case_id_of_page(b: &Browser) -> Result<i64, String> {
    let path = b.path().await?;
    path.strip_prefix("/cases/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("not a case page: {path}"))
}

/// Fills in the form of duty `step` on its open page, with the mouse and the keyboard.
pub async fn fill_step(app: &TestApp, b: &Browser, step: &str) -> Outcome {
    match step {
        "identity" => {
            b.find("#doc_type")
                .await?
                .select_by_value("lv-passport")
                .await
                .map_err(|e| e.to_string())?;
            b.fill("#doc_number", "LV4418207").await?;
            b.fill("#issuing_state", "LV").await?;
            b.fill("#expires_on", &in_a_year(app)).await?;
            b.fill("#personal_code", PERSONAL_CODE).await?;
            b.fill("#given_names", GIVEN).await?;
            b.fill("#surnames", SURNAME).await
        }
        "employee-eid" => {
            b.click("input[name=means_code][value='eparaksts-mobile']")
                .await
        }
        "authorisation" => {
            b.click("input[name=wants_result][value=yes]").await?;
            b.click("input[name=channel][value=phone]").await?;
            b.fill("#contact", PHONE).await?;
            check(b, "#signed").await?;
            b.fill("#registration_number", REGISTRATION).await?;
            check(b, "#copy_handed_over").await
        }
        "data-processing" => {
            for category in b
                .client
                .find_all(fantoccini::Locator::Css("input[name=categories]"))
                .await
                .map_err(|e| e.to_string())?
            {
                if !category.is_selected().await.map_err(|e| e.to_string())? {
                    category.click().await.map_err(|e| e.to_string())?;
                }
            }
            check(b, "#purpose_only").await
        }
        "submission" => b.fill("#reference", PORTAL_REFERENCE).await,
        "planned-time" => {
            b.set_date("#planned_on", &in_five_days(app)).await?;
            b.click("input[name=told_via][value=phone]").await
        }
        "result" => {
            b.click("input[name=outcome][value=granted]").await?;
            b.fill("#outcome_text", "Pabalsts piešķirts no nākamā mēneša.")
                .await?;
            b.click("input[name=told_via][value=phone]").await
        }
        other => Err(format!("no duty {other}")),
    }
}

/// Ticks the checkbox `css` unless it is ticked.
pub async fn check(b: &Browser, css: &str) -> Outcome {
    let field = b.find(css).await?;
    if !field.is_selected().await.map_err(|e| e.to_string())? {
        field.click().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The 22.¹3 page's print button: the form's POST to the authorisation's PDF.
pub const PRINT_AUTHORISATION: &str =
    "#authorisation-document button[formaction$='/authorisation.pdf']";

/// Prints case `id`'s authorisation from its 22.¹3 page, as the desk does before the client
/// signs it (the first print numbers and freezes the document).
pub async fn print_authorisation(b: &Browser, id: i64) -> Outcome {
    b.visit(&format!("/cases/{id}/steps/authorisation")).await?;
    let (status, content_type, _) = b.press_to_fetch(PRINT_AUTHORISATION).await?;
    ensure!(
        status == 200 && content_type == "application/pdf",
        "the authorisation of case {id} printed: HTTP {status}, {content_type}"
    );
    Ok(())
}

/// Records duty `step` of case `id` from its page and checks that the overview says so.
pub async fn record_step(app: &TestApp, b: &Browser, id: i64, step: &str) -> Outcome {
    let path = format!("/cases/{id}/steps/{step}");
    if b.path().await? != path {
        b.visit(&path).await?;
    }
    fill_step(app, b, step).await?;
    b.submit(SUBMIT).await?;
    let landed = b.path().await?;
    let text = b.main_text().await?;
    // Straight on to the next duty's page, its heading focused; the case page once closed.
    let next = landed
        .strip_prefix(&format!("/cases/{id}/steps/"))
        .is_some_and(|slug| slug != step);
    ensure!(
        next || landed == format!("/cases/{id}"),
        "{step} was not recorded: at {landed}: {text}"
    );
    ensure!(
        b.find("#flash[role=status]").await.is_ok(),
        "{step}: the confirmation is a status message"
    );
    if next {
        ensure!(
            b.focus_settles_on("h1").await?,
            "{step}: after recording, focus starts at the next duty's heading, not {}",
            b.focused().await?
        );
    }
    Ok(())
}
