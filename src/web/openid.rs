//! What the two OpenID Connect flows (the qualified eID of 22.¹2 in `cases/eid.rs`, staff
//! sign-in and sign-out in `auth.rs`) share on the way back from (and out to) the provider.
//!
//! The provider sends the browser to a callback of ours; that page only passes the answer on,
//! from our own origin, to a second URL that finishes. The session cookie is `SameSite=Strict`,
//! which a browser does not send on a navigation started by another site, but does send from
//! our page. The request in flight lives in the server-side session and is taken out of it by
//! the first answer, so a replayed answer, or one arriving in another session, finds nothing.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::AppError;
use super::page::Page;
use crate::oidc::{Pending, Proof, Provider, Refusal};

/// What the provider sends back (only these are read, and never logged).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// The issuer of the answer (RFC 9207), where the provider names it.
    iss: Option<String>,
}

impl Answer {
    /// `path` with this answer as its query, for the page that passes it on.
    fn forwarded_to(&self, path: &str) -> String {
        let mut query = openidconnect::url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("code", &self.code),
            ("state", &self.state),
            ("error", &self.error),
            ("iss", &self.iss),
        ] {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        format!("{path}?{}", query.finish())
    }

    /// Checks the answer against the request in flight, then has the provider exchange the
    /// code and checks the ID token (`fresh`: it must prove a new authentication).
    pub async fn proof(
        self,
        provider: &Provider,
        pending: &Pending,
        now: DateTime<Utc>,
        fresh: bool,
    ) -> Result<Proof, Refusal> {
        if self.state.as_deref() != Some(pending.state.as_str()) {
            return Err(Refusal::State);
        }
        // An answer from another provider (a mix-up): RFC 9207's `iss` names who sent it.
        if self
            .iss
            .as_ref()
            .is_some_and(|iss| *iss != provider.settings().issuer)
        {
            return Err(Refusal::Issuer);
        }
        match (self.error, self.code) {
            (None, Some(code)) if !code.is_empty() => {
                provider.finish(pending, &code, now, fresh).await
            }
            _ => Err(Refusal::Denied),
        }
    }
}

/// The page the provider sends the browser to: it goes on to `next` at once.
#[derive(Template, WebTemplate)]
#[template(path = "continue.html")]
pub struct ContinuePage {
    page: Page,
    next: String,
}

impl ContinuePage {
    pub fn new(page: Page, answer: &Answer, finish_path: &str) -> Self {
        Self::to(page, answer.forwarded_to(finish_path))
    }

    /// The page that goes on to `next` at once. Unlike a redirect after a form's POST, which
    /// browsers hold to the page's `form-action` ('self'), it may lead to the provider.
    pub fn to(page: Page, next: String) -> Self {
        Self { page, next }
    }
}

pub fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::Internal(anyhow::Error::from(error))
}
