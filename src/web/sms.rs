//! `POST /sms/reports`: the SMS provider's delivery reports. Not a page: the provider calls it,
//! signing each report's body with the shared secret (`PILNVARA_SMS_REPORT_SECRET`), which is
//! checked before anything is read (`service::outbox::delivery_report`). Answers are bare
//! statuses: 204 noted, 401 a signature that does not check out, 400 unreadable, 404 when no SMS
//! provider is configured.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::service::outbox::{self, Report};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;

/// The path the provider is given; the forgery check by origin does not apply to it (the
/// provider is not a browser), the signature does.
pub const REPORTS_PATH: &str = "/sms/reports";

pub async fn report(
    State(state): State<AppState>,
    db: Db,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let Some(settings) = &state.config.messaging.sms else {
        return Err(AppError::NotFound);
    };
    let signature = headers
        .get(settings.signature_header.as_str())
        .and_then(|value| value.to_str().ok());
    let clock = state.clock.as_ref();
    let report = outbox::delivery_report(
        &mut *db.connection().await?,
        clock,
        settings,
        signature,
        &body,
    )
    .await?;
    Ok(match report {
        Report::Noted => StatusCode::NO_CONTENT.into_response(),
        Report::Unreadable => StatusCode::BAD_REQUEST.into_response(),
        Report::Forged => {
            tracing::warn!("refused an SMS delivery report whose signature does not check out");
            StatusCode::UNAUTHORIZED.into_response()
        }
    })
}
