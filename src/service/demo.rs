//! `pilnvara demo`: a fresh installation filled with something to look at. On a database that
//! holds no case and no staff besides the first start's administrator, it adds an employee and a
//! supervisor to centre DEMO (their passwords made here and returned, to be shown once) and a few
//! cases in every state, each made the way the desk makes them: the same domain checks, the same
//! services, the same audit trail. Anywhere else it refuses and changes nothing.

use chrono::{DateTime, Datelike, Months, TimeDelta, Utc};
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

/// How far a demo case goes.
#[derive(Debug, Clone, Copy)]
enum Goes {
    /// Up to and including `Step`.
    To(Step),
    /// Every duty; `bool`: the client asked to be told the result.
    Closed(bool),
    /// Stopped after the identity check.
    Stopped(StopReason),
}

/// The demo clients: made-up names and new-format personal codes (no birth date in them).
const CASES: [(&str, &str, &str, Goes); 6] = [
    ("Anna", "Bērziņa", "321201-10001", Goes::To(Step::Identity)),
    (
        "Jānis",
        "Kalniņš",
        "321201-10002",
        Goes::To(Step::EmployeeEid),
    ),
    ("Līga", "Ozola", "321201-10003", Goes::To(Step::PlannedTime)),
    ("Pēteris", "Liepa", "321201-10004", Goes::Closed(true)),
    (
        "Marta",
        "Kļaviņa-Šķēle",
        "321201-10005",
        Goes::Closed(false),
    ),
    (
        "Edgars",
        "Zariņš",
        "321201-10006",
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
    for (given, surname, code, goes) in CASES {
        let client = (given, surname, code);
        cases.push(make_case(pool, clock, keys, (desk, eservice), client, goes).await?);
    }
    Ok(Filled { accounts, cases })
}

/// One case, opened and carried as far as `goes` by the desk's own checks and services.
async fn make_case(
    pool: &sqlx::PgPool,
    clock: &dyn Clock,
    keys: &Keys,
    (desk, eservice): (Staff<'_>, i64),
    client: (&str, &str, &str),
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
    let (last, wants_result) = match goes {
        Goes::To(step) => (step, true),
        Goes::Closed(wants) => (Step::Result, wants),
        Goes::Stopped(_) => (Step::Identity, true),
    };
    for step in Step::ALL {
        if step > last {
            break;
        }
        if step == Step::Result && !wants_result {
            break;
        }
        if step == Step::Authorisation {
            // Asked before printing, so that the answer is printed on the authorisation.
            let answer = authorisation_form(id, 0, wants_result).answer_before_print();
            let printing = Printing::FirstOrReprint;
            documents::print_authorisation(pool, desk, id, false, now, printing, answer).await?;
        }
        let case = case(pool, id, desk).await?;
        let input = step_input(pool, now, &case, step, client, wants_result).await?;
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

/// The input of `step` for a demo client, checked by the same domain forms as the desk's.
async fn step_input(
    pool: &sqlx::PgPool,
    now: DateTime<Utc>,
    case: &Case,
    step: Step,
    (given, surname, code): (&str, &str, &str),
    wants_result: bool,
) -> Result<StepInput, DemoError> {
    let id = case.id;
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
                doc_number: format!("PA{:07}", id.0 % 10_000_000),
                issuing_state: "LV".into(),
                expires_on: format!(
                    "{:02}.{:02}.{}",
                    expires.day(),
                    expires.month(),
                    expires.year()
                ),
                personal_code: code.into(),
                check_digit_override: false,
                override_justification: String::new(),
                given_names: given.into(),
                surnames: surname.into(),
            }
            .validate(today)
            .map(StepInput::Identity)
        }
        Step::EmployeeEid => EmployeeEidForm {
            means_code: "eparaksts-mobile".into(),
            used_at: at.clone(),
        }
        .validate(&["eparaksts-mobile"], now_riga)
        .map(StepInput::EmployeeEid),
        Step::Authorisation => {
            let mut connection = pool.acquire().await?;
            let notice = store::cases::current_notice(&mut connection, today).await?;
            let version = notice.map_or(0, |notice| notice.version);
            let years = u16::try_from(case.retention_years).unwrap_or(u16::MAX);
            authorisation_form(id, version, wants_result)
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
            reference: format!("LV-DEMO-{id}"),
            submitted_at: at.clone(),
        }
        .validate(now_riga, opened_riga, eid_used_at)
        .map(StepInput::Submission),
        Step::PlannedTime => PlannedTimeForm {
            planned_on: (today + TimeDelta::days(14)).format("%d.%m.%Y").to_string(),
            told_via: "in-person".into(),
            told_at: at.clone(),
        }
        .validate(now_riga, opened_riga)
        .map(StepInput::PlannedTime),
        Step::Result => ResultForm {
            outcome: "granted".into(),
            outcome_text: String::new(),
            told_via: "phone".into(),
            told_at: at,
        }
        .validate(now_riga, opened_riga)
        .map(StepInput::Result),
    };
    input.map_err(rejected)
}

/// The demo client's 22.¹3: told the result by phone, or not at all.
fn authorisation_form(id: CaseId, notice_version: i32, wants_result: bool) -> AuthorisationForm {
    AuthorisationForm {
        notice_version: notice_version.to_string(),
        wants_result,
        channel: if wants_result { "phone" } else { "" }.into(),
        contact: if wants_result { "+371 20000000" } else { "" }.into(),
        signed: true,
        registration_number: format!("DEMO/{id}"),
        copy_handed_over: true,
    }
}
