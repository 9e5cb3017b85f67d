//! Signing in and out: the sign-in page and form, and signing out. What the session holds and
//! who may reach what is `session`'s.

use axum::Form;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

use super::AppState;
use super::db::{Db, Released};
use super::error::{AppError, ErrorKind, error_response};
use super::openid::{Answer, ContinuePage, session_error};
use super::page::Page;
use super::session::{self, CurrentUser, CurrentUserOption};
use crate::audit::Action;
use crate::config::DEFAULT_SIGN_IN_KEY;
use crate::domain::staff::Lockout;
use crate::i18n::Lang;
use crate::oidc::Refusal;
use crate::passwords::Secret;
use crate::service::accounts;
use crate::service::sign_in::{self, SignIn};
use axum::http::StatusCode;

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    page: Page,
    username: String,
    error: Option<String>,
    notice: Option<&'static str>,
    /// One "Sign in with …" button per identity provider (`PILNVARA_OIDC_*`), in order.
    providers: Vec<ProviderButton>,
    /// The username and password form is shown (`PILNVARA_PASSWORD_SIGN_IN`).
    password_allowed: bool,
}

/// A sign-in provider's button: its key (posted as `provider`) and what it says.
pub struct ProviderButton {
    key: String,
    label: String,
}

impl SignInPage {
    fn new(state: &AppState, page: Page) -> Self {
        let auth = page.t.auth;
        let providers = state
            .providers
            .sign_in
            .iter()
            .map(|provider| ProviderButton {
                key: provider.key.to_string(),
                label: match provider.display_name() {
                    Some(name) => format!("{} {name}", auth.oidc_sign_in_at),
                    None => auth.oidc_sign_in_button.to_owned(),
                },
            })
            .collect();
        Self {
            page,
            username: String::new(),
            error: None,
            notice: None,
            providers,
            password_allowed: state.config.password_sign_in,
        }
    }

    /// The page as a response, its forms allowed to go to each identity provider.
    fn respond(self, state: &AppState, status: StatusCode) -> Response {
        let mut response = (status, self).into_response();
        let origins: Vec<String> = state
            .providers
            .sign_in
            .iter()
            .filter_map(|provider| {
                openidconnect::url::Url::parse(&provider.provider.settings().issuer).ok()
            })
            .map(|url| url.origin().ascii_serialization())
            .collect();
        if !origins.is_empty() {
            response.headers_mut().insert(
                axum::http::header::CONTENT_SECURITY_POLICY,
                super::security::csp_with_form_action(&origins.join(" ")),
            );
        }
        response
    }
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    pub ended: Option<String>,
}

pub async fn show_sign_in(
    State(state): State<AppState>,
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
        notice,
        ..SignInPage::new(&state, page)
    }
    .respond(&state, StatusCode::OK)
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
    db: Db,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(peer)| peer.ip());
    let (keys, now) = (&state.keys, state.clock.now());
    let admitted = sign_in::admit_address(&mut *db.connection().await?, keys, address, now).await?;
    if admitted {
        Ok(next.run(request).await)
    } else {
        crate::metrics::sign_in_failed();
        Ok(error_response(ErrorKind::TooManyRequests))
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    db: Db,
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
    let again = |error: String| {
        SignInPage {
            username: form.username.chars().take(MAX_TYPED_USERNAME).collect(),
            error: Some(error),
            ..SignInPage::new(&state, page.clone())
        }
        .respond(&state, StatusCode::OK)
    };
    if !state.config.password_sign_in {
        let page = again(page.t.auth.password_sign_in_off.to_owned());
        return Ok((StatusCode::FORBIDDEN, page).into_response());
    }
    if typed.is_empty() || form.password.is_empty() {
        return Ok(again(page.t.auth.sign_in_missing.to_owned()));
    }
    // No account is named with control characters: refused as any unknown name is, without
    // counting it against anyone.
    if crate::domain::has_control_characters(&typed) {
        return Ok(again(page.t.auth.sign_in_failed.to_owned()));
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
    // Argon2 runs with no connection held: the service takes one for each of its statements.
    db.release();
    let outcome = sign_in::sign_in(&state.db, &state.hasher, now, typed).await?;
    let t = page.t;
    let message = match outcome {
        SignIn::SignedIn { staff_id, tag } => {
            let user = session::begin(&db, &session, staff_id, tag, now)
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
    Ok(again(message))
}

/// The request in flight of a sign-in through an identity provider, in the session: a
/// [`SignInRequest`].
const PROVIDER_PENDING: &str = "oidc_sign_in_request";

/// Set in a session signed in through an identity provider, to its key (sign-out then ends
/// its session there too). Sessions from before several providers hold `true`: the default.
const VIA_PROVIDER: &str = "via_provider";

/// A sign-in request in flight: which provider it was sent to, and what it must come back with.
/// The answer is finished with this provider, whatever the URL or the answer names.
#[derive(Debug, Serialize, Deserialize)]
struct SignInRequest {
    provider: String,
    request: crate::oidc::Pending,
}

/// The button pressed on the sign-in page: which provider (optional where only one is set up).
#[derive(Debug, Default, Deserialize)]
pub struct ProviderChoice {
    #[serde(default)]
    provider: Option<String>,
}

/// "Sign in with …": off to the chosen identity provider. An unknown choice gets the sign-in
/// page saying so.
pub async fn start_provider_sign_in(
    State(state): State<AppState>,
    // The provider may be asked for its settings: no connection is held meanwhile.
    _: Released,
    page: Page,
    session: Session,
    Form(choice): Form<ProviderChoice>,
) -> Result<Response, AppError> {
    if state.providers.sign_in.is_empty() {
        return Err(AppError::NotFound);
    }
    let chosen = match choice.provider.as_deref().map(str::trim) {
        None | Some("") if state.providers.sign_in.len() == 1 => state.providers.sign_in.first(),
        Some(key) => state.providers.sign_in_by_key(key),
        None => None,
    };
    let Some(chosen) = chosen.cloned() else {
        let page = SignInPage {
            error: Some(page.t.auth.oidc_unknown_provider.to_owned()),
            ..SignInPage::new(&state, page)
        };
        return Ok(page.respond(&state, StatusCode::BAD_REQUEST));
    };
    let now = state.clock.now();
    match chosen.provider.begin(now, false).await {
        Ok((url, request)) => {
            let pending = SignInRequest {
                provider: chosen.key.to_string(),
                request,
            };
            session
                .insert(PROVIDER_PENDING, &pending)
                .await
                .map_err(session_error)?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(refusal) => {
            sign_in::provider_sign_in_refused(&state.db, now, Some(&chosen.key), refusal.code())
                .await?;
            Ok(provider_refused(&state, page, refusal))
        }
    }
}

/// Where the identity provider sends the browser: a page of ours that goes on.
pub async fn provider_callback(page: Page, Query(answer): Query<Answer>) -> ContinuePage {
    ContinuePage::new(page, &answer, "/login/oidc/return")
}

/// Finishes a sign-in through the identity provider the session's request was sent to: the
/// answer and the ID token are checked, then the person must be linked, for that provider, to
/// an active account; the session is renewed as at a password sign-in.
pub async fn finish_provider_sign_in(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    session: Session,
    Query(answer): Query<Answer>,
) -> Result<Response, AppError> {
    // The code is exchanged at the provider: no connection is held meanwhile.
    db.release();
    if state.providers.sign_in.is_empty() {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let pending: Option<SignInRequest> = session
        .remove(PROVIDER_PENDING)
        .await
        .map_err(session_error)?;
    // The provider is the one the request went to (a provider since removed: no request).
    let pending = pending.and_then(|pending| {
        let provider = state.providers.sign_in_by_key(&pending.provider)?.clone();
        Some((provider, pending.request))
    });
    let outcome = match pending {
        Some((provider, request)) => {
            match answer.proof(&provider.provider, &request, now, false).await {
                Ok(proof) => Ok((provider.key, proof)),
                Err(refusal) => Err((Some(provider.key), refusal)),
            }
        }
        None => Err((None, Refusal::NoRequest)),
    };
    let (key, proof) = match outcome {
        Ok(signed) => signed,
        Err((key, refusal)) => {
            sign_in::provider_sign_in_refused(&state.db, now, key.as_ref(), refusal.code()).await?;
            return Ok(provider_refused(&state, page, refusal));
        }
    };
    match sign_in::sign_in_as_person(&state.db, &state.keys, now, &key, &proof.person).await? {
        sign_in::ProviderSignIn::SignedIn { staff_id, tag } => {
            let user = session::begin(&db, &session, staff_id, tag, now)
                .await?
                .ok_or(AppError::NotFound)?;
            session
                .insert(VIA_PROVIDER, key.as_str())
                .await
                .map_err(session_error)?;
            let target = if user.must_change_password && state.config.password_sign_in {
                "/account/password"
            } else {
                "/"
            };
            Ok(Redirect::to(target).into_response())
        }
        sign_in::ProviderSignIn::NoAccount => {
            let page = SignInPage {
                error: Some(page.t.auth.oidc_no_account.to_owned()),
                ..SignInPage::new(&state, page)
            };
            Ok(page.respond(&state, StatusCode::FORBIDDEN))
        }
    }
}

/// The sign-in page saying why signing in through the identity provider failed.
fn provider_refused(state: &AppState, page: Page, refusal: Refusal) -> Response {
    let (status, message) = match refusal {
        Refusal::Unreachable => (
            StatusCode::SERVICE_UNAVAILABLE,
            page.t.auth.oidc_unreachable,
        ),
        _ => (StatusCode::BAD_REQUEST, page.t.auth.oidc_failed),
    };
    SignInPage {
        error: Some(message.to_owned()),
        ..SignInPage::new(state, page)
    }
    .respond(state, status)
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
    db: Db,
    page: Page,
    user: CurrentUser,
    session: Session,
) -> Result<Response, AppError> {
    // The provider that signed this session in (`true`: a session from before several).
    let via_provider = match session
        .get::<serde_json::Value>(VIA_PROVIDER)
        .await
        .map_err(session_error)?
    {
        Some(serde_json::Value::String(key)) => state.providers.sign_in_by_key(&key).cloned(),
        Some(serde_json::Value::Bool(true)) => {
            state.providers.sign_in_by_key(DEFAULT_SIGN_IN_KEY).cloned()
        }
        _ => None,
    };
    let details = json!({ "staff_id": user.id });
    accounts::record_own(
        &mut *db.connection().await?,
        state.clock.now(),
        user.staff(),
        Action::SignedOut,
        details,
    )
    .await?;
    session.flush().await.map_err(anyhow::Error::from)?;
    // Signed in through a provider: end the session there too, where it offers that.
    if let (Some(via), Some(after)) = (via_provider, state.config.post_logout_redirect_uri())
        && let Some(url) = via.provider.logout_url(&after).await
    {
        return Ok(ContinuePage::to(page, url).into_response());
    }
    Ok(Redirect::to("/login?ended=signed-out").into_response())
}
