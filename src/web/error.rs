//! The one error type of the web layer, and the error pages it becomes.
//!
//! A handler returns [`AppError`]; its response carries only a status and an [`ErrorKind`]
//! marker. The `localise` middleware (see `page.rs`) turns the marker into a full page in the
//! user's language, so the page never shows internals and every error looks the same.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Which error page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Forbidden,
    /// A state-changing request that did not come from this site's pages.
    CrossSite,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    TooManyRequests,
    Internal,
    Unavailable,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Forbidden | ErrorKind::CrossSite => StatusCode::FORBIDDEN,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The page for a bare error status that a layer or extractor produced on its own
    /// (axum's 405, the body limit's 413, a malformed form's 400/415/422).
    pub fn for_status(status: StatusCode) -> Option<ErrorKind> {
        match status {
            StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY => Some(ErrorKind::BadRequest),
            StatusCode::FORBIDDEN => Some(ErrorKind::Forbidden),
            StatusCode::NOT_FOUND => Some(ErrorKind::NotFound),
            StatusCode::METHOD_NOT_ALLOWED => Some(ErrorKind::MethodNotAllowed),
            StatusCode::PAYLOAD_TOO_LARGE => Some(ErrorKind::PayloadTooLarge),
            StatusCode::TOO_MANY_REQUESTS => Some(ErrorKind::TooManyRequests),
            StatusCode::INTERNAL_SERVER_ERROR => Some(ErrorKind::Internal),
            StatusCode::SERVICE_UNAVAILABLE => Some(ErrorKind::Unavailable),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request")]
    BadRequest,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("database unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        anyhow::Error::from(error).into()
    }
}

/// A database error, bare or wrapped in a service's error (a document check, an erasure), reads
/// as unavailable when the database was away, and as a bad request when it refused text it
/// cannot store (a form that does not check its text yet), not as a fault of the page.
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        let database = || {
            error
                .chain()
                .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
        };
        if database().any(database_is_away) {
            AppError::Unavailable(error)
        } else if database().any(is_unstorable_text) {
            AppError::BadRequest
        } else {
            AppError::Internal(error)
        }
    }
}

/// Whether the database refused text it cannot store (a NUL byte: SQLSTATE 22021, or 22P05).
fn is_unstorable_text(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => database
            .code()
            .is_some_and(|code| matches!(&*code, "22021" | "22P05")),
        _ => false,
    }
}

/// Whether `error` means the database cannot be reached or is restarting, rather than that a
/// statement failed: the pool gave up waiting, the connection broke, or the server said it is
/// shutting down or starting (SQLSTATE class 08, connection exception; 57P01–57P03, operator
/// intervention; 53300, too many connections).
pub fn database_is_away(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(database) => database.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// An id from the path; anything that is not one names nothing ("not found", not "bad
/// request"), so that no id is told apart from another by its answer.
pub fn path_id<T: std::str::FromStr>(text: &str) -> Result<T, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

impl AppError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::BadRequest => ErrorKind::BadRequest,
            AppError::Forbidden => ErrorKind::Forbidden,
            AppError::NotFound => ErrorKind::NotFound,
            AppError::Unavailable(_) => ErrorKind::Unavailable,
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            // Logged here, once; the page shows only the request id. sqlx errors name no
            // bound values, so no personal data reaches the log.
            AppError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed")
            }
            AppError::Unavailable(error) => {
                tracing::warn!(error = format!("{error:#}"), "database unavailable")
            }
            _ => {}
        }
        error_response(self.kind())
    }
}

/// An empty response marked with `kind`, for the `localise` middleware to render.
pub fn error_response(kind: ErrorKind) -> Response {
    let mut response = kind.status().into_response();
    response.extensions_mut().insert(kind);
    response
}
