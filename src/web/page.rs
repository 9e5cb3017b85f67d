//! What every page knows about the request: the language, and (later) who is signed in.
//!
//! The `localise` middleware chooses the language once per request and renders the error page
//! for any response that is an error without a page of its own.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ErrorKind;
use crate::i18n::{Lang, Texts};

/// The per-request context every template receives as `page`.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub t: &'static Texts,
}

impl Page {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            t: lang.texts(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or(Lang::Lv);
        Ok(Page::new(lang))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    title: &'static str,
    text: &'static str,
    request_id: Option<String>,
}

/// Chooses the request's language and turns bare error responses into pages in it.
pub async fn localise(mut request: Request, next: Next) -> Response {
    let accept_language = request
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let lang = Lang::negotiate(accept_language);
    let request_id = request
        .headers()
        .get(super::REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    request.extensions_mut().insert(lang);

    let response = next.run(request).await;
    let Some(kind) = error_kind(&response) else {
        return response;
    };
    let mut page = render_error(Page::new(lang), kind, request_id);
    // Keep what the original response said about itself, such as `Allow` on a 405.
    for (name, value) in response.headers() {
        if !page.headers().contains_key(name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

fn error_kind(response: &Response) -> Option<ErrorKind> {
    if let Some(kind) = response.extensions().get::<ErrorKind>() {
        return Some(*kind);
    }
    let has_own_body = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.starts_with("text/html") || value.starts_with("application/json")
        });
    if has_own_body {
        None
    } else {
        ErrorKind::for_status(response.status())
    }
}

fn render_error(page: Page, kind: ErrorKind, request_id: Option<String>) -> Response {
    let t = page.t;
    let (title, text) = match kind {
        ErrorKind::BadRequest => (t.error_bad_request_title, t.error_bad_request_text),
        ErrorKind::Forbidden => (t.error_forbidden_title, t.error_forbidden_text),
        ErrorKind::NotFound => (t.error_not_found_title, t.error_not_found_text),
        ErrorKind::MethodNotAllowed => (t.error_method_title, t.error_method_text),
        ErrorKind::PayloadTooLarge => (t.error_too_large_title, t.error_too_large_text),
        ErrorKind::Internal => (t.error_internal_title, t.error_internal_text),
        ErrorKind::Unavailable => (t.error_unavailable_title, t.error_unavailable_text),
    };
    let show_request_id = matches!(kind, ErrorKind::Internal | ErrorKind::Unavailable);
    let template = ErrorPage {
        page,
        title,
        text,
        request_id: request_id.filter(|_| show_request_id),
    };
    (kind.status(), template).into_response()
}
