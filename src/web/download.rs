//! Files the browser saves or opens (CSV, JSON, PDF): named, typed, and never cached, since each
//! may hold personal data.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Saved as a file.
    Attachment,
    /// Opened in the browser (a PDF to print).
    Inline,
}

pub const CSV: &str = "text/csv; charset=utf-8";
pub const JSON: &str = "application/json";
pub const PDF: &str = "application/pdf";

/// `body` as the file `name` of type `content_type`.
pub fn file(
    content_type: &'static str,
    disposition: Disposition,
    name: &str,
    body: impl Into<Body>,
) -> Response {
    let disposition = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        body.into(),
    )
        .into_response()
}
