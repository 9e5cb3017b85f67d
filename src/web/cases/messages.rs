//! The messages to the client on the case page (status in words, the reason of a failure) and
//! `POST /cases/{id}/messages/{message}/told`: after a failure, how the client was told instead.

use axum::extract::{Path, State};
use axum::response::Response;

use super::Flash;
use crate::domain::ids::CaseId;
use crate::domain::messages::MessageStatus;
use crate::domain::now_in_riga;
use crate::domain::steps::ContactChannel;
use crate::i18n::Texts;
use crate::present::format::riga_time;
use crate::service::outbox::{self, ToldInstead};
use crate::store::messages::{self as store, MessageRow};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::form::Posted;
use crate::web::labels;
use crate::web::session::CurrentUser;

/// One message as the case page shows it.
pub struct MessageView {
    pub id: i64,
    pub duty: String,
    pub channel: &'static str,
    /// queued | sent | delivered | failed (a CSS class too).
    pub status_code: &'static str,
    pub status: &'static str,
    /// When it reached its status, and the attempts made.
    pub when: String,
    pub attempts: String,
    pub reason: Option<&'static str>,
    /// Failed, and the client not yet told another way: "phone them", with the form.
    pub untold: bool,
    /// How the client was told instead, once recorded.
    pub told_instead: Option<String>,
    pub to: Option<String>,
    pub text: Option<String>,
}

impl MessageView {
    pub fn new(t: &Texts, row: &MessageRow) -> Self {
        let at = match row.status {
            MessageStatus::Sent => row.sent_at,
            MessageStatus::Delivered => row.delivered_at,
            MessageStatus::Failed => row.failed_at,
            MessageStatus::Queued | MessageStatus::Sending => None,
        }
        .unwrap_or(row.queued_at);
        let status_code = match row.status {
            MessageStatus::Sending => MessageStatus::Queued.code(),
            status => status.code(),
        };
        Self {
            id: row.id,
            duty: format!("{} {}", row.step.subpoint(), labels::duty(t, row.step)),
            channel: labels::message_channel(t, row.channel),
            status_code,
            status: labels::message_status(t, row.status),
            when: riga_time(at),
            attempts: t.counted(
                row.attempts.unsigned_abs().into(),
                t.messages.attempts,
                t.messages.attempts,
            ),
            reason: row
                .reason
                .filter(|_| row.status == MessageStatus::Failed)
                .map(|reason| labels::failure_reason(t, reason)),
            untold: row.status == MessageStatus::Failed && row.told_instead_via.is_none(),
            told_instead: row
                .told_instead_via
                .zip(row.told_instead_at)
                .map(|(via, at)| {
                    format!(
                        "{}: {}, {}",
                        t.messages.told_instead_recorded,
                        labels::channel(t, via),
                        crate::present::format::date_time(at)
                    )
                }),
            to: row.address.clone(),
            text: row.body.clone(),
        }
    }
}

/// Case `case_id`'s messages for its page.
pub async fn of_case(db: &Db, t: &Texts, case_id: CaseId) -> Result<Vec<MessageView>, AppError> {
    let mut connection = db.connection().await?;
    let rows = store::of_case(&mut connection, case_id).await?;
    Ok(rows.iter().map(|row| MessageView::new(t, row)).collect())
}

/// The ways a client can be told instead of the failed message.
pub fn channels(t: &Texts) -> Vec<(&'static str, &'static str)> {
    ContactChannel::ALL
        .into_iter()
        .map(|channel| (channel.code(), labels::channel(t, channel)))
        .collect()
}

/// After message `message` of case `id` failed: the employee told the client another way,
/// now (the form's time is optional and defaults to now).
pub async fn told_instead(
    State(state): State<AppState>,
    db: Db,
    user: CurrentUser,
    Path((id, message)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let message: i64 = message.parse().map_err(|_| AppError::NotFound)?;
    let now = state.clock.now();
    let Some(via) = ContactChannel::from_code(&posted.get("told_via")) else {
        return Ok(Flash::Inconsistent.redirect(id));
    };
    let told_at = crate::domain::steps::to_the_minute(now_in_riga(now));
    let recorded = outbox::told_instead(
        &mut *db.connection().await?,
        now,
        user.staff(),
        (id, message),
        via,
        told_at,
    )
    .await?;
    match recorded {
        ToldInstead::Recorded => Ok(Flash::ToldInstead.redirect(id)),
        ToldInstead::NotFound => Err(AppError::NotFound),
    }
}
