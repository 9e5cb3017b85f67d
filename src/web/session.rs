//! The session, and the one place that decides who may reach what.
//!
//! `identify` runs on every request: it reads the session, enforces the idle (15 min) and
//! absolute (8 h) timeouts and the account's session generation (raised on password change or
//! disabling), and puts the [`CurrentUser`] into the request. `guard` sits on each route group
//! and admits only the roles named for it. Handlers never check roles themselves.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

use super::AppState;
use super::db::Db;
use super::error::{AppError, ErrorKind, error_response};
use crate::audit::Action;
use crate::domain::ids::{CentreId, StaffId};
use crate::domain::staff::Role;
use crate::i18n::Lang;
use crate::service::accounts;
use crate::service::{Actor, Staff};
use crate::store;

pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(15);
pub const ABSOLUTE_TIMEOUT: TimeDelta = TimeDelta::hours(8);
const SESSION_KEY: &str = "signed_in";
const ACTIVITY_WRITE_INTERVAL: TimeDelta = TimeDelta::seconds(30);

/// What the session holds about a signed-in user.
#[derive(Debug, Serialize, Deserialize)]
struct SignedIn {
    staff_id: StaffId,
    generation: i32,
    /// Random, names the session in the audit trail without revealing its id.
    tag: String,
    signed_in_at: DateTime<Utc>,
    last_seen: DateTime<Utc>,
}

/// The signed-in staff member, as every handler and template sees them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    /// One or more, in the order of [`Role::ALL`].
    pub roles: Vec<Role>,
    pub centre_id: CentreId,
    /// The home centre and every supervised centre: the user's whole scope.
    pub centres: Vec<CentreId>,
    pub lang: Lang,
    pub must_change_password: bool,
    pub session_tag: String,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The user as the services see them.
    pub fn staff(&self) -> Staff<'_> {
        Staff {
            id: self.id,
            centre_id: self.centre_id,
            session_tag: &self.session_tag,
            centres: &self.centres,
        }
    }

    pub fn actor(&self) -> Actor<'_> {
        self.staff().actor()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    /// Behind a [`guard`] the user is always there; elsewhere its absence is a bug, not a 500
    /// for the user to see, so it reads as "not found".
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::NotFound)
    }
}

/// The session could not be read: the database is down.
#[derive(Debug, Clone, Copy)]
struct SessionUnavailable;

/// The session was signed in but has ended (timeout, password change, disabled account).
#[derive(Debug, Clone, Copy)]
struct SessionEnded;

enum Identified {
    Nobody,
    Ended,
    User(Box<CurrentUser>),
}

/// Puts the signed-in user, if any, into the request.
pub async fn identify(
    State(state): State<AppState>,
    session: Session,
    db: Db,
    mut request: Request,
    next: Next,
) -> Response {
    // The stylesheet and the health checks need no user: no session read for them.
    let path = request.uri().path();
    if path.starts_with("/static/") || path == "/healthz" || path == "/readyz" {
        return next.run(request).await;
    }
    match current_user(&state, &db, &session).await {
        Ok(Identified::User(user)) => {
            request.extensions_mut().insert(*user);
        }
        Ok(Identified::Ended) => {
            request.extensions_mut().insert(SessionEnded);
        }
        Ok(Identified::Nobody) => {}
        Err(error) => {
            tracing::warn!(%error, "reading the session failed");
            request.extensions_mut().insert(SessionUnavailable);
        }
    }
    next.run(request).await
}

async fn current_user(state: &AppState, db: &Db, session: &Session) -> anyhow::Result<Identified> {
    let Some(mut signed_in) = session.get::<SignedIn>(SESSION_KEY).await? else {
        return Ok(Identified::Nobody);
    };
    let now = state.clock.now();
    let timed_out =
        now - signed_in.last_seen > IDLE_TIMEOUT || now - signed_in.signed_in_at > ABSOLUTE_TIMEOUT;
    let user = if timed_out {
        None
    } else {
        store::staff::session_user(&mut *db.connection().await?, signed_in.staff_id)
            .await?
            .filter(|user| user.active && user.session_generation == signed_in.generation)
    };
    let Some(user) = user else {
        session.flush().await?;
        return Ok(Identified::Ended);
    };
    // Activity is written at most every half minute: the idle timeout stays exact to that, and
    // a page's burst of requests costs one session write, not one each.
    if now - signed_in.last_seen >= ACTIVITY_WRITE_INTERVAL {
        signed_in.last_seen = now;
        session.insert(SESSION_KEY, &signed_in).await?;
    }
    Ok(Identified::User(Box::new(CurrentUser {
        id: user.id,
        username: user.username,
        full_name: user.full_name,
        roles: user.roles,
        centre_id: user.centre_id,
        centres: user.centres,
        lang: Lang::from_code(&user.language).unwrap_or(Lang::Lv),
        must_change_password: user.must_change_password,
        session_tag: signed_in.tag,
    })))
}

/// Which signed-in users a route group admits.
#[derive(Clone)]
pub struct Guard {
    pub state: AppState,
    pub roles: &'static [Role],
    /// Whether a user who must still change their one-time password may pass (the password
    /// page and signing out); everyone else is sent to change it first.
    pub before_password_change: bool,
}

pub const EVERYONE: &[Role] = &Role::ALL;
pub const ADMINS: &[Role] = &[Role::Admin];

/// Admits the roles of `guard`: anyone else signed in gets 403 (and an audit event), anyone
/// not signed in is sent to the sign-in page.
pub async fn guard(State(guard): State<Guard>, db: Db, request: Request, next: Next) -> Response {
    let Some(user) = request.extensions().get::<CurrentUser>().cloned() else {
        if request.extensions().get::<SessionUnavailable>().is_some() {
            return error_response(ErrorKind::Unavailable);
        }
        if request.extensions().get::<SessionEnded>().is_some() {
            return Redirect::to("/login?ended=session").into_response();
        }
        return Redirect::to("/login").into_response();
    };
    if user.must_change_password && !guard.before_password_change {
        return Redirect::to("/account/password").into_response();
    }
    if guard.roles.iter().any(|role| user.has(*role)) {
        return next.run(request).await;
    }
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("-", |path| path.as_str())
        .to_owned();
    if let Err(error) = audit_refusal(&guard.state, &db, &user, &route).await {
        return AppError::from(error).into_response();
    }
    error_response(ErrorKind::Forbidden)
}

async fn audit_refusal(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    route: &str,
) -> Result<(), sqlx::Error> {
    let roles: Vec<&str> = user.roles.iter().map(|role| role.code()).collect();
    let details = json!({ "route": route, "roles": roles });
    accounts::record_own(
        &mut *db.connection().await?,
        state.clock.now(),
        user.staff(),
        Action::AccessRefused,
        details,
    )
    .await
}

/// The signed-in user if there is one, for pages open to everyone.
pub struct CurrentUserOption(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUserOption {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

/// Starts the session of staff member `staff_id`, who has just signed in, under a new session
/// id (whatever id the browser had before is worthless). Returns the user as the session holds
/// them, `None` if the account is gone.
pub async fn begin(
    db: &Db,
    session: &Session,
    staff_id: StaffId,
    tag: String,
    now: DateTime<Utc>,
) -> Result<Option<store::staff::SessionUser>, AppError> {
    let Some(user) = store::staff::session_user(&mut *db.connection().await?, staff_id).await?
    else {
        return Ok(None);
    };
    session.cycle_id().await.map_err(anyhow::Error::from)?;
    let signed_in = SignedIn {
        staff_id,
        generation: user.session_generation,
        tag,
        signed_in_at: now,
        last_seen: now,
    };
    session
        .insert(SESSION_KEY, &signed_in)
        .await
        .map_err(anyhow::Error::from)?;
    Ok(Some(user))
}

/// Ends the current session's record of the user's generation after their own password change,
/// so that this session survives while every other one ends.
pub async fn renew_after_password_change(
    db: &Db,
    session: &Session,
    staff_id: StaffId,
) -> Result<(), AppError> {
    let user = store::staff::session_user(&mut *db.connection().await?, staff_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(mut signed_in) = session
        .get::<SignedIn>(SESSION_KEY)
        .await
        .map_err(anyhow::Error::from)?
    else {
        return Err(AppError::NotFound);
    };
    signed_in.generation = user.session_generation;
    session.cycle_id().await.map_err(anyhow::Error::from)?;
    session
        .insert(SESSION_KEY, &signed_in)
        .await
        .map_err(anyhow::Error::from)?;
    Ok(())
}
