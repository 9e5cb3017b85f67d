//! Security headers on every response.
//!
//! The layer's state says whether the server runs behind TLS (`config.secure_cookies`): only
//! then is `Strict-Transport-Security` sent, so that a local start over plain HTTP still works.

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// No inline script or style, nothing from elsewhere, no framing, forms post only here.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The policy above, with forms also allowed to go to `origins` (separated by spaces): the
/// qualified eID provider's, where "Confirm with eID" is redirected to, or each sign-in
/// provider's (browsers hold a form's redirects to form-action).
pub fn csp_with_form_action(origins: &str) -> HeaderValue {
    let extended = format!("{CONTENT_SECURITY_POLICY_VALUE} {origins}");
    HeaderValue::from_str(&extended)
        .unwrap_or_else(|_| HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE))
}

const FIXED: [(HeaderName, &str); 6] = [
    (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_VALUE),
    (X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (REFERRER_POLICY, "no-referrer"),
    (X_FRAME_OPTIONS, "DENY"),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
];

/// One year, subdomains included: browsers then refuse plain HTTP to this host.
pub const HSTS_VALUE: &str = "max-age=31536000; includeSubDomains";

/// What the headers layer needs of the configuration.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    /// Served behind TLS: send `Strict-Transport-Security`.
    pub hsts: bool,
}

/// Adds the security headers a response has not set itself. HTML pages may show personal data,
/// so by default no browser or proxy may keep a copy of them.
pub async fn headers(
    State(settings): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let headers = response.headers_mut();
    for (name, value) in FIXED {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if settings.hsts {
        headers
            .entry(STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS_VALUE));
    }
    if is_html {
        headers
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}
