//! What an administrator does to centres and staff accounts, from the command line or the
//! admin pages: one function per operation, each validating its input, writing in one
//! transaction and recording the change through the audit trail.

use serde_json::json;
use sqlx::PgPool;

use crate::audit;
use crate::audit::Action;
use crate::clock::Clock;
use crate::db::Source;
use crate::domain::ids::{CentreId, StaffId};
use crate::domain::staff::{
    CentreCode, CentreContact, CentreKind, ContactPart, MUNICIPALITY_MAX_CHARS, NAME_MAX_CHARS,
    PasswordProblem, PersonLink, Role, Username, check_new_password,
};
use crate::keys::Keys;
use crate::passwords::{Hasher, Secret, one_time_password};
use crate::service::{Actor, Staff};
use crate::store::{self, centres::CentreFields, staff::StaffFields};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("centre code must be 2–20 characters A–Z, 0–9 or -")]
    BadCentreCode,
    #[error("a centre with this code already exists")]
    DuplicateCentreCode,
    #[error("name must be 1–200 characters")]
    BadName,
    #[error("municipality must be at most 200 characters")]
    BadMunicipality,
    #[error("retention must be 1–100 years")]
    BadRetention,
    #[error("the centre's contact detail {} cannot be kept", .0.field())]
    BadContact(ContactPart),
    #[error("unknown centre {0}")]
    UnknownCentre(String),
    #[error("username must be 2–50 characters a–z, 0–9, '.', '_' or '-'")]
    BadUsername,
    #[error("this username is taken")]
    DuplicateUsername,
    #[error("no such user")]
    UnknownUser,
    #[error("{}", password_message(*.0))]
    WeakPassword(PasswordProblem),
    #[error("only supervisors and administrators supervise centres")]
    SupervisesWithoutRole,
    #[error("an account needs at least one role")]
    NoRole,
    #[error("a centre outside the administrator's centres")]
    OutOfScope,
    /// More than one of the problems above, all found at once.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<AccountError>),
    #[error("a supervised centre outside the administrator's centres")]
    SupervisedOutOfScope,
    #[error("administrators cannot disable their own account")]
    CannotDisableSelf,
    #[error("administrators change their own password themselves")]
    CannotResetOwnPassword,
    #[error("administrators cannot remove their own administrator role")]
    CannotDropOwnAdminRole,
    #[error(
        "a person is identified by a personal code or the provider's subject (1–255 characters)"
    )]
    BadPerson,
    #[error("another account is linked to this person")]
    PersonLinkedElsewhere,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

fn password_message(problem: PasswordProblem) -> &'static str {
    match problem {
        PasswordProblem::TooShort => "password must have at least 12 characters",
        PasswordProblem::TooLong => "password must have at most 128 characters",
        PasswordProblem::TooCommon => "password is among the 10,000 most common passwords",
    }
}

/// A centre as entered, before validation.
#[derive(Debug, Clone)]
pub struct CentreInput {
    pub code: String,
    pub name: String,
    pub municipality: String,
    pub kind: CentreKind,
    pub retention_years: i16,
    pub active: bool,
    pub contact: CentreContact,
}

fn checked_name(name: &str) -> Result<&str, AccountError> {
    let name = name.trim();
    (1..=NAME_MAX_CHARS)
        .contains(&name.chars().count())
        .then_some(name)
        .filter(|name| !crate::domain::has_control_characters(name))
        .ok_or(AccountError::BadName)
}

/// Every problem of a centre as entered, at once (the form shows them all together).
pub fn centre_problems(input: &CentreInput) -> Vec<AccountError> {
    let municipality = input.municipality.trim();
    [
        CentreCode::parse(&input.code)
            .is_none()
            .then_some(AccountError::BadCentreCode),
        checked_name(&input.name).err(),
        (municipality.chars().count() > MUNICIPALITY_MAX_CHARS
            || crate::domain::has_control_characters(municipality))
        .then_some(AccountError::BadMunicipality),
        (!(1..=100).contains(&input.retention_years)).then_some(AccountError::BadRetention),
    ]
    .into_iter()
    .chain(
        input
            .contact
            .problems()
            .into_iter()
            .map(|part| Some(AccountError::BadContact(part))),
    )
    .flatten()
    .collect()
}

/// The problems of an account's username (a new account's; `None` when it is kept) and name.
pub fn person_problems(username: Option<&str>, full_name: &str) -> Vec<AccountError> {
    let bad_username = username.is_some_and(|name| Username::parse(name).is_none());
    [
        bad_username.then_some(AccountError::BadUsername),
        checked_name(full_name).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every problem of a new account as entered, at once.
pub fn user_problems(input: &UserInput) -> Vec<AccountError> {
    let mut problems = person_problems(Some(&input.username), &input.full_name);
    problems.extend(role_problem(&input.roles, !input.supervises.is_empty()));
    problems
}

/// What is wrong with `roles` for an account that does (or does not) supervise centres.
fn role_problem(roles: &[Role], supervises: bool) -> Option<AccountError> {
    if roles.is_empty() {
        Some(AccountError::NoRole)
    } else if supervises && !Role::may_supervise(roles) {
        Some(AccountError::SupervisesWithoutRole)
    } else {
        None
    }
}

/// `problems` as one error: none, the one, or all of them.
fn refused(mut problems: Vec<AccountError>) -> Result<(), AccountError> {
    match problems.len() {
        0 => Ok(()),
        1 => Err(problems.remove(0)),
        _ => Err(AccountError::Invalid(problems)),
    }
}

fn centre_fields(input: &CentreInput) -> Result<(CentreCode, CentreFields<'_>), AccountError> {
    refused(centre_problems(input))?;
    let code = CentreCode::parse(&input.code).ok_or(AccountError::BadCentreCode)?;
    let fields = CentreFields {
        code: "",
        name: checked_name(&input.name)?,
        municipality: input.municipality.trim(),
        kind: input.kind,
        retention_years: input.retention_years,
        active: input.active,
        contact: input.contact.trimmed(),
    };
    Ok((code, fields))
}

/// A centre code already taken is the administrator's mistake, not a failure.
fn duplicate_centre_code(error: sqlx::Error) -> AccountError {
    if store::violates(&error, store::centres::CODE_KEY) {
        AccountError::DuplicateCentreCode
    } else {
        error.into()
    }
}

/// Creates a centre. An administrator who creates one in the browser gets it into their scope.
pub async fn add_centre(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    input: &CentreInput,
) -> Result<CentreId, AccountError> {
    let (code, mut fields) = centre_fields(input)?;
    fields.code = code.as_str();
    let mut tx = db.begin().await?;
    let id = store::centres::insert(&mut tx, &fields)
        .await
        .map_err(duplicate_centre_code)?;
    if let Some(admin) = actor.staff_id() {
        sqlx::query!(
            "INSERT INTO supervised_centres (staff_id, centre_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            admin as _,
            id as _
        )
        .execute(&mut *tx)
        .await?;
    }
    audit_admin(
        &mut tx,
        clock,
        actor,
        id,
        Action::CentreAdded,
        json!({ "centre_id": id, "code": code.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn edit_centre(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: CentreId,
    input: &CentreInput,
) -> Result<(), AccountError> {
    if !actor.reaches(id) {
        return Err(AccountError::UnknownCentre(id.to_string()));
    }
    let (code, mut fields) = centre_fields(input)?;
    fields.code = code.as_str();
    let mut tx = db.begin().await?;
    store::centres::update(&mut tx, id, &fields)
        .await
        .map_err(duplicate_centre_code)?;
    let details = json!({
        "centre_id": id, "code": code.as_str(), "kind": fields.kind.code(),
        "retention_years": fields.retention_years, "active": fields.active,
    });
    audit_admin(&mut tx, clock, actor, id, Action::CentreChanged, details).await?;
    tx.commit().await?;
    Ok(())
}

/// A staff account as entered, before validation.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub username: String,
    pub full_name: String,
    /// One or more: at a small centre one person may be employee and supervisor.
    pub roles: Vec<Role>,
    pub centre_code: String,
    pub supervises: Vec<String>,
}

/// What [`add_user`] made.
#[derive(Debug)]
pub struct NewUser {
    pub id: StaffId,
    /// The one-time password, when none was given: shown once, changed at first sign-in.
    pub one_time_password: Option<Secret>,
}

/// Creates a staff account. Without `password`, a one-time password is generated and must be
/// changed at first sign-in.
pub async fn add_user(
    pool: &PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
    actor: Actor<'_>,
    input: &UserInput,
    password: Option<Secret>,
) -> Result<NewUser, AccountError> {
    refused(user_problems(input))?;
    let username = Username::parse(&input.username).ok_or(AccountError::BadUsername)?;
    let full_name = checked_name(&input.full_name)?;
    let (password, generated) = match password {
        Some(given) => {
            check_new_password(given.expose()).map_err(AccountError::WeakPassword)?;
            (given, false)
        }
        None => (one_time_password(), true),
    };
    let hash = hasher.hash(password.clone()).await?;
    let mut tx = pool.begin().await?;
    let centre = centre_id(&mut tx, &input.centre_code).await?;
    let mut supervised = Vec::new();
    for code in &input.supervises {
        supervised.push(centre_id(&mut tx, code).await?);
    }
    check_reach(actor, centre, &supervised)?;
    let fields = StaffFields {
        username: username.as_str(),
        full_name,
        roles: Role::kept(&input.roles),
        centre_id: centre,
    };
    let id = store::staff::insert(&mut tx, &fields, &hash, generated, clock.now())
        .await
        .map_err(|error| {
            if store::violates(&error, store::staff::USERNAME_KEY) {
                AccountError::DuplicateUsername
            } else {
                error.into()
            }
        })?;
    store::staff::set_supervised(&mut tx, id, &supervised).await?;
    let details = json!({
        "staff_id": id, "username": username.as_str(), "roles": codes(&fields.roles),
        "centre_id": centre, "supervises": supervised,
    });
    audit_admin(&mut tx, clock, actor, centre, Action::StaffAdded, details).await?;
    tx.commit().await?;
    Ok(NewUser {
        id,
        one_time_password: generated.then_some(password),
    })
}

/// What an administrator may change about an account.
#[derive(Debug, Clone)]
pub struct StaffChange<'a> {
    pub full_name: &'a str,
    pub roles: &'a [Role],
    pub centre_id: CentreId,
    /// Centre ids: with the home centre, all within the administrator's reach.
    pub supervises: &'a [CentreId],
}

/// Changes an account's name, role, home centre and supervised centres. Administrators cannot
/// take away their own administrator role.
pub async fn edit_user(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: StaffId,
    change: &StaffChange<'_>,
) -> Result<(), AccountError> {
    let full_name = checked_name(change.full_name)?;
    if actor.staff_id() == Some(id) && !change.roles.contains(&Role::Admin) {
        return Err(AccountError::CannotDropOwnAdminRole);
    }
    if let Some(problem) = role_problem(change.roles, !change.supervises.is_empty()) {
        return Err(problem);
    }
    check_reach(actor, change.centre_id, change.supervises)?;
    let mut tx = db.begin().await?;
    account(&mut tx, actor, id).await?;
    let mut supervises = change.supervises.to_vec();
    supervises.sort_unstable();
    supervises.dedup();
    let fields = StaffFields {
        username: "",
        full_name,
        roles: Role::kept(change.roles),
        centre_id: change.centre_id,
    };
    store::staff::update(&mut tx, id, &fields).await?;
    store::staff::set_supervised(&mut tx, id, &supervises).await?;
    let details = json!({
        "staff_id": id, "roles": codes(&fields.roles), "centre_id": change.centre_id,
        "supervises": supervises,
    });
    audit_admin(
        &mut tx,
        clock,
        actor,
        change.centre_id,
        Action::StaffChanged,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives `username` a new one-time password, ending every session of the account.
pub async fn reset_password(
    pool: &PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
    actor: Actor<'_>,
    username: &str,
) -> Result<Secret, AccountError> {
    let id = user_id_of(pool, username).await?;
    reset_staff_password(pool, hasher, clock, actor, id).await
}

/// Gives account `id` a new one-time password, ending every session of the account.
pub async fn reset_staff_password(
    pool: &PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: StaffId,
) -> Result<Secret, AccountError> {
    if actor.staff_id() == Some(id) {
        return Err(AccountError::CannotResetOwnPassword);
    }
    let password = one_time_password();
    let hash = hasher.hash(password.clone()).await?;
    let mut tx = pool.begin().await?;
    let account = account(&mut tx, actor, id).await?;
    store::staff::set_password(&mut tx, id, &hash, true, clock.now()).await?;
    audit_account(&mut tx, clock, actor, id, &account, Action::PasswordReset).await?;
    tx.commit().await?;
    Ok(password)
}

/// What an administrator does to an account with one press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// Disables it, ending every session. Administrators cannot disable themselves.
    Disable,
    Enable,
    /// Lifts a sign-in lock.
    Unlock,
    /// Ends every session (a lost or shared computer, a suspicion), without disabling the
    /// account or changing its password.
    EndSessions,
}

impl AccountAction {
    pub const ALL: [AccountAction; 4] = [
        AccountAction::Disable,
        AccountAction::Enable,
        AccountAction::Unlock,
        AccountAction::EndSessions,
    ];

    /// As in the URL of its button.
    pub fn slug(self) -> &'static str {
        match self {
            AccountAction::Disable => "disable",
            AccountAction::Enable => "enable",
            AccountAction::Unlock => "unlock",
            AccountAction::EndSessions => "end-sessions",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.slug() == slug)
    }
}

/// Does `action` to `username`'s account (the command line names accounts by username).
pub async fn act_on_username(
    db: &PgPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    username: &str,
    action: AccountAction,
) -> Result<(), AccountError> {
    let id = user_id_of(db, username).await?;
    act_on(db, clock, actor, id, action).await
}

/// Does `action` to account `id`, within the actor's reach, and audits it.
pub async fn act_on(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: StaffId,
    action: AccountAction,
) -> Result<(), AccountError> {
    if action == AccountAction::Disable && actor.staff_id() == Some(id) {
        return Err(AccountError::CannotDisableSelf);
    }
    let mut tx = db.begin().await?;
    let account = account(&mut tx, actor, id).await?;
    let audited = match action {
        AccountAction::Disable => {
            store::staff::set_active(&mut tx, id, false).await?;
            Action::StaffDisabled
        }
        AccountAction::Enable => {
            store::staff::set_active(&mut tx, id, true).await?;
            Action::StaffEnabled
        }
        AccountAction::Unlock => {
            store::staff::clear_throttle(&mut tx, &account.username).await?;
            Action::StaffUnlocked
        }
        AccountAction::EndSessions => {
            store::staff::end_sessions(&mut tx, id).await?;
            Action::StaffSessionsEnded
        }
    };
    audit_account(&mut tx, clock, actor, id, &account, audited).await?;
    tx.commit().await?;
    Ok(())
}

/// Links account `id` to the person `link`'s provider identifies by `person` (a personal code
/// or the provider's subject), or unlinks it (`None`). Only the keyed hash is kept; the audit
/// event says for what and whether linked, never who.
pub async fn link_person(
    db: impl Source<'_>,
    keys: &Keys,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: StaffId,
    link: PersonLink,
    person: Option<&str>,
) -> Result<(), AccountError> {
    let hmac = match person {
        None => None,
        Some(person) => {
            let key = crate::domain::staff::person_key(person).ok_or(AccountError::BadPerson)?;
            Some(keys.person_hmac(&key))
        }
    };
    let mut tx = db.begin().await?;
    let account = account(&mut tx, actor, id).await?;
    if !store::staff::set_person_link(&mut tx, id, &link, hmac.as_deref()).await? {
        return Err(AccountError::PersonLinkedElsewhere);
    }
    let mut details = json!({ "staff_id": id, "for": link.code(), "linked": hmac.is_some() });
    if let PersonLink::SignIn(provider) = &link {
        details["provider"] = json!(provider.as_str());
    }
    audit_admin(
        &mut tx,
        clock,
        actor,
        account.centre_id,
        Action::StaffPersonLinked,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// [`link_person`] for the account named `username` (the command line).
pub async fn link_person_of(
    db: &PgPool,
    keys: &Keys,
    clock: &dyn Clock,
    actor: Actor<'_>,
    username: &str,
    link: PersonLink,
    person: Option<&str>,
) -> Result<(), AccountError> {
    let id = user_id_of(db, username).await?;
    link_person(db, keys, clock, actor, id, link, person).await
}

/// The user's own password change: checks the policy, sets it, ends every other session.
pub async fn change_own_password(
    pool: &PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
    me: Staff<'_>,
    new_password: Secret,
) -> Result<(), AccountError> {
    check_new_password(new_password.expose()).map_err(AccountError::WeakPassword)?;
    let hash = hasher.hash(new_password).await?;
    let mut tx = pool.begin().await?;
    store::staff::set_password(&mut tx, me.id, &hash, false, clock.now()).await?;
    let event = me.own_event(Action::PasswordChanged, json!({ "staff_id": me.id }));
    audit::record(&mut tx, clock.now(), event).await?;
    tx.commit().await?;
    Ok(())
}

/// On an empty database, creates centre `DEMO` and administrator `admin` with a one-time
/// password, which is returned to be printed once. No default password exists anywhere.
pub async fn bootstrap(
    pool: &PgPool,
    hasher: &Hasher,
    clock: &dyn Clock,
) -> Result<Option<Secret>, AccountError> {
    let mut connection = pool.acquire().await?;
    if store::centres::any(&mut connection).await? {
        return Ok(None);
    }
    drop(connection);
    let demo = CentreInput {
        code: "DEMO".into(),
        name: "Demonstrācijas centrs".into(),
        municipality: "Demonstrācijas novads".into(),
        kind: CentreKind::Local,
        retention_years: 10,
        active: true,
        contact: Default::default(),
    };
    add_centre(pool, clock, Actor::Operator, &demo).await?;
    let admin = UserInput {
        username: "admin".into(),
        full_name: "Administrators".into(),
        roles: vec![Role::Admin],
        centre_code: "DEMO".into(),
        supervises: Vec::new(),
    };
    let created = add_user(pool, hasher, clock, Actor::Operator, &admin, None).await?;
    Ok(created.one_time_password)
}

async fn centre_id(
    connection: &mut sqlx::PgConnection,
    code: &str,
) -> Result<CentreId, AccountError> {
    let parsed = CentreCode::parse(code)
        .ok_or_else(|| AccountError::UnknownCentre(code.trim().to_owned()))?;
    store::centres::by_code(connection, parsed.as_str())
        .await?
        .map(|centre| centre.id)
        .ok_or_else(|| AccountError::UnknownCentre(parsed.as_str().to_owned()))
}

async fn user_id_of(pool: &PgPool, username: &str) -> Result<StaffId, AccountError> {
    let name = Username::parse(username).ok_or(AccountError::UnknownUser)?;
    let mut connection = pool.acquire().await?;
    store::staff::id_by_username(&mut connection, name.as_str())
        .await?
        .map(|(id, _)| id)
        .ok_or(AccountError::UnknownUser)
}

/// Account `id`, locked for the change at hand.
async fn account(
    connection: &mut sqlx::PgConnection,
    actor: Actor<'_>,
    id: StaffId,
) -> Result<store::staff::Account, AccountError> {
    let account = store::staff::account_for_update(connection, id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    let supervised = store::staff::supervised(connection, id).await?;
    // An account that reaches beyond the administrator's centres is not theirs to change.
    let reached = actor.reaches(account.centre_id) && supervised.iter().all(|c| actor.reaches(*c));
    reached.then_some(account).ok_or(AccountError::UnknownUser)
}

fn codes(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|role| role.code()).collect()
}

/// Whether the actor reaches an account's home centre and every centre it is to supervise.
fn check_reach(
    actor: Actor<'_>,
    home: CentreId,
    supervises: &[CentreId],
) -> Result<(), AccountError> {
    if !actor.reaches(home) {
        return Err(AccountError::OutOfScope);
    }
    if !supervises.iter().all(|c| actor.reaches(*c)) {
        return Err(AccountError::SupervisedOutOfScope);
    }
    Ok(())
}

/// Records `action` done to staff account `id` in its centre's chain.
async fn audit_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: StaffId,
    account: &store::staff::Account,
    action: Action,
) -> Result<(), sqlx::Error> {
    let details = json!({ "staff_id": id });
    audit_admin(tx, clock, actor, account.centre_id, action, details).await
}

async fn audit_admin(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    centre_id: CentreId,
    action: Action,
    mut details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    if let Actor::Operator = actor {
        details["via"] = json!("command-line");
    }
    let event = actor.event(audit::at_centre(centre_id), action, details);
    audit::record(tx, clock.now(), event).await
}

/// Records what the user did (signed out, was refused a page) in a transaction of its own.
pub async fn record_own(
    db: impl Source<'_>,
    at: chrono::DateTime<chrono::Utc>,
    me: Staff<'_>,
    action: Action,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    audit::record(&mut tx, at, me.own_event(action, details)).await?;
    tx.commit().await
}

/// Saves the user's interface language, audited.
pub async fn choose_language(
    db: impl Source<'_>,
    at: chrono::DateTime<chrono::Utc>,
    me: Staff<'_>,
    language: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    store::staff::set_language(&mut *tx, me.id, language).await?;
    let details = json!({ "language": language });
    audit::record(&mut tx, at, me.own_event(Action::LanguageChanged, details)).await?;
    tx.commit().await
}
