//! Signing in and out: the sign-in page and form, and signing out. What the session holds and
//! who may reach what is `session`'s.

use axum::Form;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::AppState;
use super::error::{AppError, ErrorKind, error_response};
use super::page::Page;
use super::session::{self, CurrentUser, CurrentUserOption};
use crate::audit::Action;
use crate::domain::staff::Lockout;
use crate::i18n::Lang;
use crate::passwords::Secret;
use crate::service::accounts;
use crate::service::sign_in::{self, SignIn};

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    page: Page,
    username: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    pub ended: Option<String>,
}

pub async fn show_sign_in(
    page: Page,
    user: CurrentUserOption,
    query: Query<NoticeQuery>,
) -> Response {
    if user.0.is_some() {
        return Redirect::to("/").into_response();
    }
    let notice = match query.ended.as_deref() {
        Some("signed-out") => Some(page.t.auth.signed_out),
        Some(_) => Some(page.t.auth.session_ended),
        None => None,
    };
    SignInPage {
        page,
        username: String::new(),
        error: None,
        notice,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInForm").finish_non_exhaustive()
    }
}

/// Longest username kept in the throttle table: longer input cannot be an account anyway.
const MAX_TYPED_USERNAME: usize = 100;

/// Sign-in attempts from one client address over its limit (`service::sign_in::admit_address`,
/// the same on every instance) are refused with the "too many requests" page before anything
/// else is done with them. A request without a socket address (none in production) counts
/// under one shared key.
pub async fn limit_per_address(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(peer)| peer.ip());
    if sign_in::admit_address(&state.db, &state.keys, address, state.clock.now()).await? {
        Ok(next.run(request).await)
    } else {
        crate::metrics::sign_in_failed();
        Ok(error_response(ErrorKind::TooManyRequests))
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    page: Page,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let typed: String = form
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_TYPED_USERNAME)
        .collect();
    let again = |error: String| SignInPage {
        page: page.clone(),
        username: form.username.chars().take(MAX_TYPED_USERNAME).collect(),
        error: Some(error),
        notice: None,
    };
    if typed.is_empty() || form.password.is_empty() {
        return Ok(again(page.t.auth.sign_in_missing.to_owned()).into_response());
    }
    // No account is named with control characters: refused as any unknown name is, without
    // counting it against anyone.
    if crate::domain::has_control_characters(&typed) {
        return Ok(again(page.t.auth.sign_in_failed.to_owned()).into_response());
    }
    let now = state.clock.now();
    // A language chosen on the sign-in page becomes the user's choice.
    let cookies = headers
        .get(axum::http::header::COOKIE)
        .and_then(|value| value.to_str().ok());
    let language = super::page::cookie_lang(cookies).map(Lang::code);
    let typed = sign_in::Typed {
        username: &typed,
        password: Secret::new(form.password),
        language,
    };
    let outcome = sign_in::sign_in(&state.db, &state.hasher, now, typed).await?;
    let t = page.t;
    let message = match outcome {
        SignIn::SignedIn { staff_id, tag } => {
            let user = session::begin(&state, &session, staff_id, tag, now)
                .await?
                .ok_or(AppError::NotFound)?;
            let target = if user.must_change_password {
                "/account/password"
            } else {
                "/"
            };
            return Ok(Redirect::to(target).into_response());
        }
        SignIn::HardLocked => t.auth.sign_in_locked.to_owned(),
        SignIn::Wait(wait) => wait_message(&page, wait),
        // Only the holder of the one-time password learns that it has expired.
        SignIn::Failed {
            lockout: Lockout::None,
            expired: true,
        } => t.auth.one_time_password_expired.to_owned(),
        SignIn::Failed {
            lockout: Lockout::None,
            ..
        } => t.auth.sign_in_failed.to_owned(),
        SignIn::Failed {
            lockout: Lockout::Wait(wait),
            ..
        } => format!("{} {}", t.auth.sign_in_failed, wait_message(&page, wait)),
        SignIn::Failed {
            lockout: Lockout::UntilUnlocked,
            ..
        } => t.auth.sign_in_locked.to_owned(),
    };
    Ok(again(message).into_response())
}

fn wait_message(page: &Page, wait: TimeDelta) -> String {
    let seconds = ((wait.num_milliseconds() + 999) / 1000)
        .max(1)
        .unsigned_abs();
    let a = page.t.auth;
    page.t.counted(seconds, a.sign_in_wait_one, a.sign_in_wait)
}

pub async fn sign_out(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<Response, AppError> {
    let details = json!({ "staff_id": user.id });
    accounts::record_own(
        &state.db,
        state.clock.now(),
        user.staff(),
        Action::SignedOut,
        details,
    )
    .await?;
    session.flush().await.map_err(anyhow::Error::from)?;
    Ok(Redirect::to("/login?ended=signed-out").into_response())
}
