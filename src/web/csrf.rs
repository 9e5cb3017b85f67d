//! Protection against cross-site request forgery for every state-changing request.
//!
//! Browsers say where a request comes from: `Sec-Fetch-Site` (all current browsers) and
//! `Origin` (sent with every POST). A request that changes state is accepted only when it
//! comes from this site's own pages; `SameSite=Strict` session cookies are the second line.

use axum::extract::Request;
use axum::http::Method;
use axum::http::header::{HOST, ORIGIN};
use axum::middleware::Next;
use axum::response::Response;

use super::error::{ErrorKind, error_response};

pub async fn same_origin_only(request: Request, next: Next) -> Response {
    // The SMS provider's delivery reports come from no browser and carry no session: each is
    // checked by its signature instead (web::sms).
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || from_this_site(&request)
        || request.uri().path() == super::sms::REPORTS_PATH
    {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), "refused a cross-site request");
        error_response(ErrorKind::CrossSite)
    }
}

fn from_this_site(request: &Request) -> bool {
    let header = |name| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
    };
    if let Some(site) = header(axum::http::HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin";
    }
    match (header(ORIGIN), header(HOST)) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}
