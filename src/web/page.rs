//! What every page knows about the request: the language, who is signed in, and where it is.
//!
//! The `localise` middleware chooses the language once per request (the signed-in user's
//! choice, else the `lang` cookie of the language switch, else `Accept-Language`) and renders
//! the error page for any response that is an error without a page of its own.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ErrorKind;
use super::session::CurrentUser;
use crate::domain::staff::Role;
use crate::i18n::{Lang, Texts};

/// The cookie the language switch sets for people who are not signed in.
pub const LANG_COOKIE: &str = "lang";

/// The per-request context every template receives as `page`.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub t: &'static Texts,
    pub user: Option<CurrentUser>,
    /// The path of this page (never the query), for the language switch to come back to.
    pub path: String,
}

impl Page {
    pub fn new(lang: Lang, user: Option<CurrentUser>, path: String) -> Self {
        Self {
            lang,
            t: lang.texts(),
            user,
            path,
        }
    }

    /// The main menu of the signed-in user's roles, each role's entries in turn and each entry
    /// once: (path, label).
    pub fn nav(&self) -> Vec<(&'static str, &'static str)> {
        let t = self.t.common;
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let mut entries = Vec::new();
        for role in &user.roles {
            let own: &[(&'static str, &'static str)] = match role {
                Role::Employee => &[
                    ("/cases", t.nav_cases),
                    ("/cases/new", t.nav_new_case),
                    ("/cases/search", t.nav_search),
                ],
                Role::Supervisor => &[("/review", t.nav_review), ("/figures", t.nav_figures)],
                Role::Admin => &[
                    ("/admin/centres", t.nav_centres),
                    ("/admin/staff", t.nav_staff),
                    ("/admin/eservices", t.nav_eservices),
                    ("/admin/eid-means", t.nav_eid_means),
                    ("/admin/notices", t.nav_notices),
                    ("/admin/messages", t.nav_message_texts),
                    ("/admin/subject-access", t.nav_subject_access),
                ],
            };
            entries.extend_from_slice(own);
        }
        if user.has(Role::Employee) || user.has(Role::Supervisor) {
            entries.push(("/documents/verify", t.nav_verify));
        }
        entries.push(("/account/password", t.nav_account));
        entries
    }

    /// Whether `href` is the menu entry of this page: the longest entry that the path is under.
    pub fn is_current(&self, href: &str) -> bool {
        let under = |entry: &str| self.path == entry || self.path.starts_with(&format!("{entry}/"));
        under(href)
            && !self
                .nav()
                .iter()
                .any(|(other, _)| other.len() > href.len() && under(other))
    }

    /// The other language, for the switch in the header.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Lv => Lang::En,
            Lang::En => Lang::Lv,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or(Lang::Lv);
        let user = parts.extensions.get::<CurrentUser>().cloned();
        Ok(Page::new(lang, user, parts.uri.path().to_owned()))
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
    let user = request.extensions().get::<CurrentUser>().cloned();
    let lang = user.as_ref().map(|user| user.lang).unwrap_or_else(|| {
        let header = |name| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        cookie_lang(header(COOKIE)).unwrap_or_else(|| Lang::negotiate(header(ACCEPT_LANGUAGE)))
    });
    let request_id = request
        .headers()
        .get(super::REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(lang);

    let response = next.run(request).await;
    let Some(kind) = error_kind(&response) else {
        return response;
    };
    let mut page = render_error(Page::new(lang, user, path), kind, request_id);
    // Keep what the original response said about itself, such as `Allow` on a 405, but not the
    // length of the body it replaces.
    for (name, value) in response.headers() {
        if name != CONTENT_LENGTH && !page.headers().contains_key(name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

/// The language chosen with the switch before signing in, if any.
pub fn cookie_lang(cookies: Option<&str>) -> Option<Lang> {
    cookies?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| Lang::from_code(value))
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
    let (common, auth) = (page.t.common, page.t.auth);
    let (title, text) = match kind {
        ErrorKind::BadRequest => (
            common.error_bad_request_title,
            common.error_bad_request_text,
        ),
        ErrorKind::Forbidden => (common.error_forbidden_title, common.error_forbidden_text),
        ErrorKind::CrossSite => (auth.cross_site_refused_title, auth.cross_site_refused_text),
        ErrorKind::NotFound => (common.error_not_found_title, common.error_not_found_text),
        ErrorKind::MethodNotAllowed => (common.error_method_title, common.error_method_text),
        ErrorKind::PayloadTooLarge => (common.error_too_large_title, common.error_too_large_text),
        ErrorKind::TooManyRequests => (auth.too_many_requests_title, auth.too_many_requests_text),
        ErrorKind::Internal => (common.error_internal_title, common.error_internal_text),
        ErrorKind::Unavailable => (
            common.error_unavailable_title,
            common.error_unavailable_text,
        ),
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
