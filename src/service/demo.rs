//! `pilnvara demo`: a fresh installation filled with something to look at. On a database that
//! holds no case and no staff besides the first start's administrator, it adds an employee and a
//! supervisor to centre DEMO (their passwords made here and returned, to be shown once) and a few
//! cases in every state, each made the way the desk makes them: the same domain checks, the same
//! services, the same audit trail. Anywhere else it refuses and changes nothing.
//!
//! [`make_case`] is public so that the integration tests build their cases the same way, and so
//! get a real trail: it must never take a shortcut past a form or a service.

use chrono::{DateTime, Datelike, Months, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::staff::Role;
use crate::domain::steps::{
    AuthorisationForm, DataProcessingForm, EmployeeEidForm, IdentityForm, PlannedTimeForm,
    ResultForm, SubmissionForm,
};
use crate::domain::workflow::{Step, StopReason};
use crate::domain::{now_in_riga, today_in_riga};
use crate::keys::Keys;
use crate::passwords::{Hasher, Secret, one_time_password};
use crate::service::accounts::{self, AccountError, UserInput};
use crate::service::cases::{self, CaseError, Opening, StepInput};
use crate::service::documents::{self, DocumentError, Printing};
use crate::service::{Actor, Staff};
use crate::store;
use crate::store::cases::Case;

/// The demo centre: the one the first start creates.
const CENTRE: &str = "DEMO";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The database holds cases, or staff besides the first administrator: nothing was changed.
    #[error(
        "this database already holds cases or staff accounts besides the first administrator; \
         the demo fills only a fresh one, and changed nothing"
    )]
    NotFresh,
    #[error("the first start's centre {CENTRE} is missing")]
    NoDemoCentre,
    #[error("the demo data did not pass the desk's checks: {0}")]
    Rejected(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What the demo made: the two accounts with their passwords (shown once), and the cases.
#[derive(Debug)]
pub struct Filled {
    pub accounts: Vec<(String, Role, Secret)>,
    pub cases: Vec<CaseId>,
}

/// How far [`make_case`] carries a case.
#[derive(Debug, Clone, Copy)]
pub enum Goes {
    /// Opened, no duty recorded yet.
    Opened,
    /// Every duty that applies, up to and including `Step`.
    To(Step),
    /// Every duty that applies: the case is closed.
    Closed,
    /// Stopped after the identity check.
    Stopped(StopReason),
}

/// One client and what the desk types in for them, duty by duty. Made-up values only; every one
/// is checked by the desk's own forms.
#[derive(Debug, Clone, Copy)]
pub struct ClientDetails<'a> {
    pub given_names: &'a str,
    pub surnames: &'a str,
    pub personal_code: &'a str,
    /// The number of the client's Latvian identity card (22.¹1).
    pub doc_number: &'a str,
    /// How the client wants to be told the result, asked at 22.¹3: a `ContactChannel` code and
    /// the phone, e-mail or postal address; `None`: not at all.
    pub told_result: Option<(&'a str, &'a str)>,
    /// The authorisation's number in the municipality's records (22.¹3).
    pub registration_number: &'a str,
    /// The portal's reference of the submission (22.¹5).
    pub portal_reference: &'a str,
    /// How long after the submission the answer is planned (22.¹6).
    pub planned_in: Months,
    /// The employee's note with the result (22.¹7); may be empty.
    pub result_note: &'a str,
}

/// The demo clients: made-up names and new-format personal codes (no birth date in them),
/// whether they want to be told the result, and how far their case goes.
const CASES: [(&str, &str, &str, bool, Goes); 6] = [
    (
        "Anna",
        "Bērziņa",
        "321201-10001",
        true,
        Goes::To(Step::Identity),
    ),
    (
        "Jānis",
        "Kalniņš",
        "321201-10002",
        true,
        Goes::To(Step::EmployeeEid),
    ),
    (
        "Līga",
        "Ozola",
        "321201-10003",
        true,
        Goes::To(Step::PlannedTime),
    ),
    ("Pēteris", "Liepa", "321201-10004", true, Goes::Closed),
    (
        "Marta",
        "Kļaviņa-Šķēle",
        "321201-10005",
        false,
        Goes::Closed,
    ),
    (
        "Edgars",
        "Zariņš",
        "321201-10006",
        true,
        Goes::Stopped(StopReason::ClientWithdrew),
    ),
];

/// Fills a fresh database; see the module's documentation.
pub async fn fill(
    pool: &sqlx::PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
    keys: &Keys,
) -> Result<Filled, DemoError> {
    // One demo at a time: a second run waits, then finds the database no longer fresh.
    let mut guard = pool.acquire().await?;
    sqlx::query_scalar!(r#"SELECT pg_advisory_lock(hashtext('pilnvara-demo'))::text AS "locked!""#)
        .fetch_one(&mut *guard)
        .await?;
    let filled = fill_fresh(pool, hasher, clock, keys).await;
    sqlx::query_scalar!(r#"SELECT pg_advisory_unlock(hashtext('pilnvara-demo')) AS "unlocked!""#)
        .fetch_one(&mut *guard)
        .await?;
    filled
}

async fn fill_fresh(
    pool: &sqlx::PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
    keys: &Keys,
) -> Result<Filled, DemoError> {
    let fresh = sqlx::query_scalar!(
        r#"SELECT NOT EXISTS (SELECT 1 FROM cases) AND (SELECT count(*) FROM staff) <= 1
           AS "fresh!""#
    )
    .fetch_one(pool)
    .await?;
    if !fresh {
        return Err(DemoError::NotFresh);
    }
    let centre = sqlx::query_scalar!(
        r#"SELECT id AS "id: CentreId" FROM centres WHERE code = $1"#,
        CENTRE
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DemoError::NoDemoCentre)?;
    let mut accounts = Vec::new();
    let mut ids = Vec::new();
    for (username, full_name, role) in [
        ("darbinieks", "Darbinieks Demo", Role::Employee),
        ("vaditajs", "Vadītājs Demo", Role::Supervisor),
    ] {
        let input = UserInput {
            username: username.into(),
            full_name: full_name.into(),
            roles: vec![role],
            centre_code: CENTRE.into(),
            supervises: if role == Role::Supervisor {
                vec![CENTRE.into()]
            } else {
                Vec::new()
            },
        };
        let password = one_time_password();
        let made = accounts::add_user(
            pool,
            hasher,
            clock,
            Actor::Operator,
            &input,
            Some(password.clone()),
        )
        .await?;
        accounts.push((username.to_owned(), role, password));
        ids.push(made.id);
    }
    let desk = Staff {
        id: ids[0],
        centre_id: centre,
        session_tag: "demo",
        centres: &[centre],
    };
    let eservice =
        sqlx::query_scalar!("SELECT id FROM eservices WHERE code = 'example-family-benefit'")
            .fetch_one(pool)
            .await?;
    let mut cases = Vec::new();
    for (n, (given_names, surnames, personal_code, told, goes)) in (1..).zip(CASES) {
        let numbers = (
            format!("PA{n:07}"),
            format!("DEMO/{n}"),
            format!("LV-DEMO-{n}"),
        );
        let client = ClientDetails {
            given_names,
            surnames,
            personal_code,
            doc_number: &numbers.0,
            told_result: told.then_some(("phone", "+371 20000000")),
            registration_number: &numbers.1,
            portal_reference: &numbers.2,
            planned_in: Months::new(1),
            result_note: "",
        };
        cases.push(make_case(pool, clock, keys, (desk, eservice), &client, goes).await?);
    }
    Ok(Filled { accounts, cases })
}

/// One case of e-service `eservice`, opened by `desk` and carried as far as `goes` by the
/// desk's own forms and services: each duty the workflow asks for next, with `client`'s
/// answers, and the authorisation printed (with the answer about the result) before 22.¹3.
pub async fn make_case(
    pool: &sqlx::PgPool,
    clock: &dyn Clock,
    keys: &Keys,
    (desk, eservice): (Staff<'_>, i64),
    client: &ClientDetails<'_>,
    goes: Goes,
) -> Result<CaseId, DemoError> {
    let now = clock.now();
    let means = ["eid-card".to_owned()];
    let id = match cases::open(
        pool,
        now,
        desk,
        desk.centre_id,
        eservice,
        &means,
        Uuid::new_v4(),
    )
    .await?
    {
        Opening::Opened(id) | Opening::AlreadyOpened(id) => id,
        Opening::NotOpenable => return Err(DemoError::Rejected("the e-service".into())),
    };
    let last = match goes {
        Goes::Opened => None,
        Goes::To(step) => Some(step),
        Goes::Closed => Some(Step::Result),
        Goes::Stopped(_) => Some(Step::Identity),
    };
    loop {
        let case = case(pool, id, desk).await?;
        // The workflow decides what comes next (and what does not apply); this only stops.
        let Some(step) = case
            .next_step
            .filter(|next| last.is_some_and(|last| *next <= last))
        else {
            break;
        };
        if step == Step::Authorisation {
            // Asked before printing, so that the answer is printed on the authorisation.
            let answer = authorisation_form(client, 0).answer_before_print();
            let printing = Printing::FirstOrReprint;
            documents::print_authorisation(pool, desk, id, false, now, printing, answer).await?;
        }
        let input = step_input(pool, now, &case, step, client).await?;
        cases::record_step(pool, keys, now, desk, id, case.version, &input).await?;
    }
    if let Goes::Stopped(reason) = goes {
        let version = case(pool, id, desk).await?.version;
        cases::stop(pool, now, desk, id, version, reason, None).await?;
    }
    Ok(id)
}

/// Case `id` as it stands now (its version for the next write), as the desk's page reads it.
async fn case(pool: &sqlx::PgPool, id: CaseId, desk: Staff<'_>) -> Result<Case, DemoError> {
    let mut connection = pool.acquire().await?;
    let case = store::cases::find(&mut connection, id, desk.centres).await?;
    Ok(case.ok_or(CaseError::NotFound)?)
}

/// The input of `step` for `client`, checked by the same domain forms as the desk's, with the
/// same lists (the eID means in force, the notice in force, the case's data categories).
async fn step_input(
    pool: &sqlx::PgPool,
    now: DateTime<Utc>,
    case: &Case,
    step: Step,
    client: &ClientDetails<'_>,
) -> Result<StepInput, DemoError> {
    let (today, now_riga) = (today_in_riga(now), now_in_riga(now));
    let opened_riga = now_in_riga(case.opened_at);
    // Everything happens now, as the desk would record it at once (to the minute).
    let at = now_riga.format("%Y-%m-%dT%H:%M").to_string();
    let eid_used_at = chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M").ok();
    let rejected = |errors: crate::domain::steps::FieldErrors| {
        DemoError::Rejected(format!("{}: {errors}", step.slug()))
    };
    let input = match step {
        Step::Identity => {
            let expires = today.checked_add_months(Months::new(36)).unwrap_or(today);
            IdentityForm {
                doc_type: "lv-identity-card".into(),
                doc_number: client.doc_number.into(),
                issuing_state: "LV".into(),
                expires_on: format!(
                    "{:02}.{:02}.{}",
                    expires.day(),
                    expires.month(),
                    expires.year()
                ),
                personal_code: client.personal_code.into(),
                check_digit_override: false,
                override_justification: String::new(),
                given_names: client.given_names.into(),
                surnames: client.surnames.into(),
            }
            .validate(today)
            .map(StepInput::Identity)
        }
        Step::EmployeeEid => {
            let means = store::cases::active_eid_means(pool).await?;
            let allowed: Vec<&str> = means.iter().map(|means| means.code.as_str()).collect();
            EmployeeEidForm {
                means_code: "eparaksts-mobile".into(),
                used_at: at.clone(),
            }
            .validate(&allowed, now_riga)
            .map(StepInput::EmployeeEid)
        }
        Step::Authorisation => {
            let mut connection = pool.acquire().await?;
            let notice = store::cases::current_notice(&mut connection, today).await?;
            let version = notice.map_or(0, |notice| notice.version);
            let years = u16::try_from(case.retention_years).unwrap_or(u16::MAX);
            authorisation_form(client, version)
                .validate(today, version, years)
                .map(StepInput::Authorisation)
        }
        Step::DataProcessing => {
            // The categories the case took from its e-service when it was opened.
            let allowed: Vec<&str> = case.data_categories.iter().map(String::as_str).collect();
            DataProcessingForm {
                categories: case.data_categories.clone(),
                purpose_only: true,
            }
            .validate(&allowed)
            .map(StepInput::DataProcessing)
        }
        Step::Submission => SubmissionForm {
            reference: client.portal_reference.into(),
            submitted_at: at.clone(),
        }
        .validate(now_riga, opened_riga, eid_used_at)
        .map(StepInput::Submission),
        Step::PlannedTime => {
            let planned = today.checked_add_months(client.planned_in).unwrap_or(today);
            PlannedTimeForm {
                planned_on: crate::present::format::date(planned),
                told_via: "in-person".into(),
                told_at: at.clone(),
                send: String::new(),
            }
            .validate(now_riga, opened_riga, None)
            .map(StepInput::PlannedTime)
        }
        Step::Result => ResultForm {
            outcome: "granted".into(),
            outcome_text: client.result_note.into(),
            // As the client asked at 22.¹3.
            told_via: client.told_result.map_or("", |(channel, _)| channel).into(),
            told_at: at,
            send: String::new(),
        }
        .validate(now_riga, opened_riga, None)
        .map(StepInput::Result),
    };
    input.map_err(rejected)
}

/// `client`'s 22.¹3 as the desk fills it in for notice `notice_version`: read, signed, copy 2
/// handed over, and the answer about the result.
fn authorisation_form(client: &ClientDetails<'_>, notice_version: i32) -> AuthorisationForm {
    let (channel, contact) = client.told_result.unwrap_or_default();
    AuthorisationForm {
        notice_version: notice_version.to_string(),
        wants_result: client.told_result.is_some(),
        channel: channel.into(),
        contact: contact.into(),
        signed: true,
        registration_number: client.registration_number.into(),
        copy_handed_over: true,
    }
}
