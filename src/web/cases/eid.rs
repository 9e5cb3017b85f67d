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
use crate::service::eid::{self as service, EidError};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::form::Posted;
use crate::web::openid::{Answer, ContinuePage, session_error};
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
    db: Db,
    user: CurrentUser,
    session: Session,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let version = posted.version().ok_or(AppError::BadRequest)?;
    let provider = state.providers.eid.clone().ok_or(AppError::NotFound)?;
    let (case, _) = load(&db, &user, id).await?;
    if let Err(error) = case.state().and_then(|s| s.may_record(Step::EmployeeEid)) {
        return Ok(Flash::refused(id, error));
    }
    let now = state.clock.now();
    // The provider may be asked for its settings: no connection is held meanwhile.
    db.release();
    match provider.begin(now, true).await {
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
            service::refused(
                &mut *db.connection().await?,
                now,
                user.staff(),
                place,
                refusal,
            )
            .await?;
            Ok(back_to_step(id, refusal))
        }
    }
}

/// Where the provider sends the browser: a page of ours that goes on to `/eid/return`.
pub async fn callback(page: Page, Query(answer): Query<Answer>) -> ContinuePage {
    ContinuePage::new(page, &answer, "/eid/return")
}

/// Finishes the confirmation in flight with the provider's answer: the token is checked, then
/// the means and the person; the step is recorded, or the refusal audited and shown.
pub async fn finish(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    session: Session,
    Query(answer): Query<Answer>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pending: Option<PendingEid> = session.remove(PENDING_KEY).await.map_err(session_error)?;
    let (Some(pending), Some(provider)) = (
        pending.filter(|pending| pending.staff_id == user.id),
        state.providers.eid.clone(),
    ) else {
        service::refused(
            &mut *db.connection().await?,
            now,
            user.staff(),
            None,
            Refusal::NoRequest,
        )
        .await?;
        let message = crate::web::labels::eid_refusal(page.t, Refusal::NoRequest);
        let page = RefusedPage { page, message };
        return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
    };
    let case = (pending.case_id, pending.centre_id);
    let id = pending.case_id;
    // The code is exchanged at the provider: no connection is held meanwhile.
    db.release();
    let proof = answer.proof(&provider, &pending.request, now, true).await;
    let proof = match proof {
        Ok(proof) => proof,
        Err(refusal) => {
            service::refused(
                &mut *db.connection().await?,
                now,
                user.staff(),
                Some(case),
                refusal,
            )
            .await?;
            return Ok(back_to_step(id, refusal));
        }
    };
    let confirmed = service::confirm(
        &mut *db.connection().await?,
        &state.keys,
        now,
        user.staff(),
        case,
        pending.version,
        proof,
    )
    .await;
    match confirmed {
        Ok(recorded) => Ok(Flash::after_recorded(id, recorded.next_step)),
        Err(EidError::Refused(refusal)) => Ok(back_to_step(id, refusal)),
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
