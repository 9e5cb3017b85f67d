//! The files under `static/`, compiled into the binary so that a deployed server needs nothing
//! beside it and can never serve a file that was not meant to be public.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::error::{ErrorKind, error_response};

/// (name, content type, contents)
const FILES: &[(&str, &str, &[u8])] = &[(
    "style.css",
    "text/css; charset=utf-8",
    include_bytes!("../../static/style.css"),
)];

pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => (
            [
                (CONTENT_TYPE, *content_type),
                (CACHE_CONTROL, "public, max-age=300"),
            ],
            *body,
        )
            .into_response(),
        None => error_response(ErrorKind::NotFound),
    }
}
