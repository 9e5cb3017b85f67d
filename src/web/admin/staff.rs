//! Staff accounts of the administrator's centres: the list, adding one (its one-time password
//! shown once), editing name, role and centres, and disabling, enabling, resetting the password
//! and unlocking.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{Done, Errors, FormPage, account_errors, no_store, push_account_error, see_other_done};
use crate::config::DEFAULT_SIGN_IN_KEY;
use crate::domain::ids::{CentreId, StaffId};
use crate::domain::staff::{NAME_MAX_CHARS, PersonLink, ProviderKey, Role, USERNAME_MAX_CHARS};
use crate::passwords::Secret;
use crate::service::accounts::{self, AccountAction, AccountError, StaffChange, UserInput};
use crate::store::{self, centres::Centre, staff::StaffMember};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::{Field, Posted, Widget};
use crate::web::page::Page;
use crate::web::session::CurrentUser;

pub fn role_label(page: &Page, role: Role) -> &'static str {
    match role {
        Role::Employee => page.t.auth.role_employee,
        Role::Supervisor => page.t.auth.role_supervisor,
        Role::Admin => page.t.auth.role_admin,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/staff.html")]
pub struct StaffPage {
    page: Page,
    staff: Vec<StaffMember>,
}

impl StaffPage {
    /// The member's roles in words, "Darbinieks, Vadītājs".
    fn roles_label(&self, roles: &[Role]) -> String {
        roles
            .iter()
            .map(|role| role_label(&self.page, *role))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn list(db: Db, page: Page, user: CurrentUser) -> Result<StaffPage, AppError> {
    let staff = store::staff::list(&mut *db.connection().await?, &user.centres).await?;
    Ok(StaffPage { page, staff })
}

/// The staff form's values as typed.
#[derive(Debug, Clone, Default)]
pub struct StaffValues {
    username: String,
    full_name: String,
    roles: Vec<String>,
    centre_id: String,
    supervises: Vec<String>,
}

impl StaffValues {
    fn from_form(form: &Posted) -> Self {
        Self {
            username: form.get("username"),
            full_name: form.get("full_name"),
            roles: form.all("role"),
            centre_id: form.get("centre_id"),
            supervises: form.all("supervises"),
        }
    }

    fn from_member(member: &StaffMember) -> Self {
        Self {
            username: member.username.clone(),
            full_name: member.full_name.clone(),
            roles: member.roles.iter().map(|r| r.code().to_owned()).collect(),
            centre_id: member.centre_id.to_string(),
            supervises: member.supervises.iter().map(CentreId::to_string).collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/staff_form.html")]
pub struct StaffForm {
    page: Page,
    account: Account,
    form: StaffValues,
    errors: Errors,
    notice: Option<&'static str>,
}

/// Which account the form is of, and the centres it offers.
pub struct Account {
    /// The account being edited; `None` for a new one.
    member: Option<StaffMember>,
    /// Whether the account is the administrator's own.
    own: bool,
    /// The administrator's centres: the choices for home and supervised centres.
    centres: Vec<Centre>,
    /// The sign-in providers an account may be linked for, and whether this one is.
    sign_in_links: Vec<SignInLink>,
}

/// One sign-in provider on the account's page: whether the account is linked for it (never to
/// whom). `name`: what the page calls it (`None`: "the municipality's account").
pub struct SignInLink {
    key: String,
    name: Option<String>,
    linked: bool,
}

/// The sign-in providers configured (the default one even when none is, as links for it may
/// be made first), then any other the account is still linked for.
fn sign_in_links(state: &AppState, member: Option<&StaffMember>) -> Vec<SignInLink> {
    let linked =
        |key: &str| member.is_some_and(|member| member.sign_in_links.iter().any(|k| k == key));
    let mut links: Vec<SignInLink> = state
        .providers
        .sign_in
        .iter()
        .map(|provider| SignInLink {
            key: provider.key.to_string(),
            name: provider.display_name().map(str::to_owned),
            linked: linked(provider.key.as_str()),
        })
        .collect();
    if links.is_empty() {
        links.push(SignInLink {
            key: DEFAULT_SIGN_IN_KEY.to_owned(),
            name: None,
            linked: linked(DEFAULT_SIGN_IN_KEY),
        });
    }
    for key in member
        .map(|member| member.sign_in_links.as_slice())
        .unwrap_or_default()
    {
        if !links.iter().any(|link| &link.key == key) {
            links.push(SignInLink {
                key: key.clone(),
                name: Some(key.clone()),
                linked: true,
            });
        }
    }
    links
}

impl StaffForm {
    fn fields(&self) -> Vec<Field> {
        let (a, form) = (self.page.t.admin, &self.form);
        let roles = Role::ALL
            .into_iter()
            .map(|role| {
                (
                    role.code().to_owned(),
                    role_label(&self.page, role).to_owned(),
                )
            })
            .collect();
        let centre = |centre: &Centre, label: String| (centre.id.to_string(), label);
        let homes = self
            .account
            .centres
            .iter()
            .map(|c| centre(c, format!("{} — {}", c.code, c.name)))
            .collect();
        let supervised = self
            .account
            .centres
            .iter()
            .map(|c| centre(c, c.code.clone()))
            .collect();
        let username = Field::text("username", self.page.t.auth.username, form.username.clone())
            .hint(a.username_hint)
            .max(USERNAME_MAX_CHARS);
        let mut role = Field::choose("role", a.role, Widget::Checkboxes, roles, &form.roles)
            .hint(a.roles_hint);
        if self.account.own {
            role = role.hint(a.own_admin_role);
        }
        let home = std::slice::from_ref(&form.centre_id);
        self.account
            .member
            .is_none()
            .then_some(username)
            .into_iter()
            .chain([
                Field::text("full_name", a.full_name, form.full_name.clone()).max(NAME_MAX_CHARS),
                role,
                Field::choose("centre_id", a.home_centre, Widget::Select, homes, home),
                Field::choose(
                    "supervises",
                    a.supervises,
                    Widget::Checkboxes,
                    supervised,
                    &form.supervises,
                )
                .hint(a.supervises_hint)
                .optional(),
            ])
            .map(|field| field.errors(&self.errors))
            .collect()
    }
}

impl FormPage for StaffForm {
    type Record = Account;
    type Values = StaffValues;

    fn build(
        page: Page,
        account: Account,
        form: StaffValues,
        errors: Errors,
        notice: Option<&'static str>,
    ) -> Self {
        Self {
            page,
            account,
            form,
            errors,
            notice,
        }
    }
}

/// A choice of centres as typed (the service checks they are the administrator's).
struct Choice {
    roles: Vec<Role>,
    centre_id: CentreId,
    supervises: Vec<CentreId>,
}

/// The centres and role as typed, with every problem of the form at once: `new` for a new
/// account, whose username is checked too.
fn choice(page: &Page, form: &StaffValues, new: bool) -> Result<Choice, Result<Errors, AppError>> {
    let t = page.t.admin;
    let mut errors = Errors::default();
    let username = new.then_some(form.username.as_str());
    let problems = AccountError::Invalid(accounts::person_problems(username, &form.full_name));
    push_account_error(page, &mut errors, problems, field_of).map_err(Err)?;
    let roles: Option<Vec<Role>> = form.roles.iter().map(|r| Role::from_code(r)).collect();
    let roles = roles.filter(|roles| !roles.is_empty());
    if roles.is_none() {
        errors.push("role", t.role_invalid);
    }
    let parse = |value: &String| value.parse::<CentreId>().ok();
    let centre_id = parse(&form.centre_id);
    if centre_id.is_none() {
        errors.push("centre_id", t.home_centre_invalid);
    }
    let supervises: Vec<CentreId> = form.supervises.iter().filter_map(parse).collect();
    if supervises.len() != form.supervises.len() {
        errors.push("supervises", t.supervises_invalid);
    }
    match (roles, centre_id) {
        (Some(roles), Some(centre_id)) if errors.is_empty() => Ok(Choice {
            roles,
            centre_id,
            supervises,
        }),
        _ => Err(Ok(errors)),
    }
}

/// The field of this form that `error` is about, and its message.
fn field_of(page: &Page, error: AccountError) -> Result<(&'static str, &'static str), AppError> {
    let t = page.t.admin;
    Ok(match error {
        AccountError::BadUsername => ("username", t.username_invalid),
        AccountError::DuplicateUsername => ("username", t.username_taken),
        AccountError::BadName => ("full_name", t.name_invalid),
        AccountError::SupervisesWithoutRole => ("supervises", t.supervises_employee),
        AccountError::UnknownCentre(_) | AccountError::OutOfScope => {
            ("centre_id", t.home_centre_invalid)
        }
        AccountError::SupervisedOutOfScope => ("supervises", t.supervises_invalid),
        // An account beyond the administrator's centres is not theirs to know of.
        AccountError::UnknownUser => return Err(AppError::NotFound),
        AccountError::CannotDropOwnAdminRole => ("role", t.own_admin_role),
        AccountError::NoRole => ("role", t.role_invalid),
        AccountError::CannotDisableSelf => ("actions", t.own_disable),
        AccountError::CannotResetOwnPassword => ("actions", t.own_reset),
        AccountError::BadPerson => ("person", t.person_invalid),
        AccountError::PersonLinkedElsewhere => ("person", t.person_taken),
        other => return Err(anyhow::Error::from(other).into()),
    })
}

pub async fn new(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
) -> Result<StaffForm, AppError> {
    let account = account(&state, &db, &user, None).await?;
    let values = StaffValues {
        roles: vec![Role::Employee.code().to_owned()],
        centre_id: user.centre_id.to_string(),
        ..StaffValues::default()
    };
    Ok(StaffForm::fresh(page, account, values))
}

/// The page that shows a one-time password, once.
#[derive(Template, WebTemplate)]
#[template(path = "admin/staff_password.html")]
pub struct PasswordShown {
    page: Page,
    id: StaffId,
    username: String,
    full_name: String,
    /// A new account rather than a reset password.
    created: bool,
    password: Secret,
}

pub async fn create(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    form: Posted,
) -> Result<Response, AppError> {
    let form = StaffValues::from_form(&form);
    let account = account(&state, &db, &user, None).await?;
    let code_of = |id: CentreId| {
        account
            .centres
            .iter()
            .find(|centre| centre.id == id)
            .map(|centre| centre.code.clone())
            .unwrap_or_default()
    };
    let result = match choice(&page, &form, true) {
        Ok(choice) => {
            let input = UserInput {
                username: form.username.clone(),
                full_name: form.full_name.clone(),
                roles: choice.roles.clone(),
                centre_code: code_of(choice.centre_id),
                supervises: choice.supervises.iter().map(|id| code_of(*id)).collect(),
            };
            // Argon2 runs with no connection held.
            db.release();
            let added = accounts::add_user(
                &state.db,
                &state.hasher,
                state.clock.as_ref(),
                user.actor(),
                &input,
                None,
            )
            .await;
            added.map_err(|error| account_errors(&page, error, field_of))
        }
        Err(errors) => Err(errors),
    };
    match result {
        Ok(created) => {
            let password = created
                .one_time_password
                .ok_or_else(|| anyhow::anyhow!("a new account without a one-time password"))?;
            let member = store::staff::get(&mut *db.connection().await?, created.id, &user.centres)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(no_store(PasswordShown {
                page,
                id: member.id,
                username: member.username,
                full_name: member.full_name,
                created: true,
                password,
            }))
        }
        Err(errors) => Ok(StaffForm::again(page, account, form, errors?)),
    }
}

/// The account `id` if it belongs to one of the administrator's centres.
async fn member(db: &Db, user: &CurrentUser, id: StaffId) -> Result<StaffMember, AppError> {
    store::staff::get(&mut *db.connection().await?, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)
}

/// The form's account (`None` for a new one), with the administrator's centres to choose from.
async fn account(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    member: Option<StaffMember>,
) -> Result<Account, AppError> {
    let centres = store::centres::list(&mut *db.connection().await?, &user.centres).await?;
    let own = member.as_ref().is_some_and(|member| member.id == user.id);
    let sign_in_links = sign_in_links(state, member.as_ref());
    Ok(Account {
        member,
        own,
        centres,
        sign_in_links,
    })
}

/// Account `id` and its values as stored, if it belongs to one of the administrator's centres.
async fn stored(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    id: StaffId,
) -> Result<(Account, StaffValues), AppError> {
    let member = member(db, user, id).await?;
    let values = StaffValues::from_member(&member);
    Ok((account(state, db, user, Some(member)).await?, values))
}

pub async fn show(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<StaffId>,
    Query(done): Query<Done>,
) -> Result<StaffForm, AppError> {
    let (account, values) = stored(&state, &db, &user, id).await?;
    Ok(StaffForm::shown(page, account, values, &done))
}

pub async fn update(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<StaffId>,
    form: Posted,
) -> Result<Response, AppError> {
    let member = member(&db, &user, id).await?;
    let mut form = StaffValues::from_form(&form);
    form.username = member.username.clone();
    let result = match choice(&page, &form, false) {
        Ok(choice) => {
            let change = StaffChange {
                full_name: &form.full_name,
                roles: &choice.roles,
                centre_id: choice.centre_id,
                supervises: &choice.supervises,
            };
            accounts::edit_user(
                &mut *db.connection().await?,
                state.clock.as_ref(),
                user.actor(),
                id,
                &change,
            )
            .await
            .map_err(|error| account_errors(&page, error, field_of))
        }
        Err(errors) => Err(errors),
    };
    match result {
        Ok(()) => Ok(see_other_done(format!("/admin/staff/{id}"), "saved")),
        Err(errors) => {
            let errors = errors?;
            let account = account(&state, &db, &user, Some(member)).await?;
            Ok(StaffForm::again(page, account, form, errors))
        }
    }
}

/// Runs an action on account `id` and comes back to its page, or shows why it was refused.
async fn act(
    state: &AppState,
    db: &Db,
    page: Page,
    user: CurrentUser,
    id: StaffId,
    done: &str,
    result: Result<(), AccountError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other_done(format!("/admin/staff/{id}"), done)),
        Err(error) => {
            let errors = account_errors(&page, error, field_of)?;
            let (account, values) = stored(state, db, &user, id).await?;
            Ok(StaffForm::again(page, account, values, errors))
        }
    }
}

/// One of the account's buttons (disable, enable, unlock, end sessions).
pub async fn act_on(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path((id, slug)): Path<(StaffId, String)>,
) -> Result<Response, AppError> {
    let action = AccountAction::from_slug(&slug).ok_or(AppError::NotFound)?;
    let result = accounts::act_on(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        id,
        action,
    )
    .await;
    let done = match action {
        AccountAction::Disable => "disabled",
        AccountAction::Enable => "enabled",
        AccountAction::Unlock => "unlocked",
        AccountAction::EndSessions => "sessions-ended",
    };
    act(&state, &db, page, user, id, done, result).await
}

/// Links the account to a person for the qualified eID or for sign-in, or unlinks it. The
/// identifier typed is never shown again: only its keyed hash is kept.
pub async fn link_person(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<StaffId>,
    form: Posted,
) -> Result<Response, AppError> {
    let unlink = form.get("action") == "unlink";
    // `sign-in:KEY` for a sign-in provider (`sign-in` alone: the default one). A link is made
    // for a configured provider only; one left by a provider since removed can be taken away.
    let link = match form.get("for").as_str() {
        "eid" => PersonLink::Eid,
        "sign-in" => PersonLink::SignIn(ProviderKey::default_provider()),
        other => {
            let key = other.strip_prefix("sign-in:").ok_or(AppError::BadRequest)?;
            let key = if unlink {
                ProviderKey::parse(key)
            } else {
                state.config.sign_in_link_key(key)
            };
            PersonLink::SignIn(key.ok_or(AppError::BadRequest)?)
        }
    };
    let person = form.get("person");
    let person = (!unlink).then_some(person.as_str());
    let result = accounts::link_person(
        &mut *db.connection().await?,
        &state.keys,
        state.clock.as_ref(),
        user.actor(),
        id,
        link,
        person,
    )
    .await;
    let done = if unlink { "unlinked" } else { "linked" };
    act(&state, &db, page, user, id, done, result).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<StaffId>,
) -> Result<Response, AppError> {
    let member = member(&db, &user, id).await?;
    // Argon2 runs with no connection held.
    db.release();
    let reset = accounts::reset_staff_password(
        &state.db,
        &state.hasher,
        state.clock.as_ref(),
        user.actor(),
        id,
    )
    .await;
    match reset {
        Ok(password) => Ok(no_store(PasswordShown {
            page,
            id,
            username: member.username,
            full_name: member.full_name,
            created: false,
            password,
        })),
        Err(error) => act(&state, &db, page, user, id, "", Err(error)).await,
    }
}
