//! 22.¹2 confirmed with a qualified eID: `POST /cases/{id}/eid` sends the employee to the
//! provider; the provider sends the browser back to `/eid/callback`, which hands the answer on
//! to `/eid/return` from a page of our own; that one finishes the confirmation.
//!
//! Why two hops back: the session cookie is `SameSite=Strict`, so a browser does not send it
//! on the provider's redirect (a navigation started on another site); from our own page it does.
//! The request in flight (state, nonce, PKCE verifier, the case and its version) lives in the
//! server-side session only, and is taken out of it by the first answer: a replayed answer, or
//! one that arrives in another session, finds nothing and is refused.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{Flash, load, refused};
use crate::domain::ids::{CaseId, CentreId, StaffId};
use crate::domain::workflow::Step;
use crate::oidc::{self, Refusal};
use crate::service::cases::CaseError;
use crate::service::eid::{self as service, EidError};
use crate::web::AppState;
use crate::web::error::{AppError, path_id};
use crate::web::form::Posted;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

const PENDING_KEY: &str = "eid_pending";

/// The confirmation in flight, as the session keeps it.
#[derive(Debug, Serialize, Deserialize)]
struct PendingEid {
    staff_id: StaffId,
    case_id: CaseId,
    centre_id: CentreId,
    version: i32,
    request: oidc::Pending,
}

/// What the provider sends back (only these are read, and never logged).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// The issuer of the answer (RFC 9207), where the provider names it.
    iss: Option<String>,
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::Error::from(error))
}

/// The 22.¹2 page again, saying why the confirmation was refused.
fn back_to_step(case_id: CaseId, refusal: Refusal) -> Response {
    Redirect::to(&format!(
        "/cases/{case_id}/steps/{}?eid={}",
        Step::EmployeeEid.slug(),
        refusal.code()
    ))
    .into_response()
}

/// "Confirm with eID": a new authentication request for this case's 22.¹2, at `version`.
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let version = posted.version().ok_or(AppError::BadRequest)?;
    let provider = state.eid.clone().ok_or(AppError::NotFound)?;
    let (case, _) = load(&state, &user, id).await?;
    if let Err(error) = case.state().and_then(|s| s.may_record(Step::EmployeeEid)) {
        return Ok(Flash::refused(id, error));
    }
    let now = state.clock.now();
    match provider.begin(now).await {
        Ok((url, request)) => {
            let pending = PendingEid {
                staff_id: user.id,
                case_id: id,
                centre_id: case.centre_id,
                version,
                request,
            };
            session
                .insert(PENDING_KEY, &pending)
                .await
                .map_err(session_error)?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(refusal) => {
            let place = Some((id, case.centre_id));
            service::refused(&state.db, now, user.staff(), place, refusal).await?;
            Ok(back_to_step(id, refusal))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/eid_continue.html")]
pub struct ContinuePage {
    page: Page,
    /// `/eid/return?…` with the provider's answer.
    next: String,
}

/// Where the provider sends the browser: a page of ours that goes on to `/eid/return` with the
/// same answer, so that the browser sends the session cookie (see the module's note).
pub async fn callback(page: Page, Query(answer): Query<Callback>) -> ContinuePage {
    let mut query = openidconnect::url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("code", &answer.code),
        ("state", &answer.state),
        ("error", &answer.error),
        ("iss", &answer.iss),
    ] {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    ContinuePage {
        page,
        next: format!("/eid/return?{}", query.finish()),
    }
}

/// Finishes the confirmation in flight with the provider's answer: the token is checked, then
/// the means and the person; the step is recorded, or the refusal audited and shown.
pub async fn finish(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    Query(answer): Query<Callback>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pending: Option<PendingEid> = session.remove(PENDING_KEY).await.map_err(session_error)?;
    let (Some(pending), Some(provider)) = (
        pending.filter(|pending| pending.staff_id == user.id),
        state.eid.clone(),
    ) else {
        service::refused(&state.db, now, user.staff(), None, Refusal::NoRequest).await?;
        let message = crate::web::labels::eid_refusal(page.t, Refusal::NoRequest);
        let page = RefusedPage { page, message };
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    };
    let case = (pending.case_id, pending.centre_id);
    let id = pending.case_id;
    let issuer = &provider.settings().issuer;
    let proof = match (answer.state, answer.error, answer.code) {
        (Some(returned), _, _) if returned != pending.request.state => Err(Refusal::State),
        // An answer from another provider (a mix-up): RFC 9207's `iss` names who sent it.
        _ if answer.iss.as_ref().is_some_and(|iss| iss != issuer) => Err(Refusal::Issuer),
        (None, _, _) => Err(Refusal::State),
        (_, Some(_), _) | (_, None, None) => Err(Refusal::Denied),
        (_, None, Some(code)) => provider.finish(&pending.request, &code, now).await,
    };
    let proof = match proof {
        Ok(proof) => proof,
        Err(refusal) => {
            service::refused(&state.db, now, user.staff(), Some(case), refusal).await?;
            return Ok(back_to_step(id, refusal));
        }
    };
    let client_id = provider.settings().client_id.clone();
    let confirmed = service::confirm(
        &state.db,
        &state.keys,
        now,
        user.staff(),
        case,
        pending.version,
        proof,
        &client_id,
    )
    .await;
    match confirmed {
        Ok(recorded) => Ok(match recorded.next_step {
            Some(next) => Redirect::to(&format!(
                "/cases/{id}/steps/{}?notice={}",
                next.slug(),
                Flash::Recorded.code()
            ))
            .into_response(),
            None => Flash::Closed.redirect(id),
        }),
        Err(EidError::Refused(refusal)) => Ok(back_to_step(id, refusal)),
        Err(EidError::Case(CaseError::Stale)) => {
            let refusal = Refusal::CaseChanged;
            service::refused(&state.db, now, user.staff(), Some(case), refusal).await?;
            Ok(back_to_step(id, refusal))
        }
        Err(EidError::Case(error)) => refused(id, error),
    }
}

/// An answer that belongs to no request of this session, refused.
#[derive(Template, WebTemplate)]
#[template(path = "cases/eid_refused.html")]
pub struct RefusedPage {
    page: Page,
    message: &'static str,
}
