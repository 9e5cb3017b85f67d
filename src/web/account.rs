//! The signed-in user's own account: changing the password and choosing the language.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::AppState;
use super::db::Db;
use super::error::AppError;
use super::page::{LANG_COOKIE, Page};
use super::session::{CurrentUser, CurrentUserOption, renew_after_password_change};
use crate::domain::staff::PasswordProblem;
use crate::i18n::Lang;
use crate::passwords::Secret;
use crate::service::accounts::{self, AccountError};
use crate::store;
use crate::web::form::Errors;

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    page: Page,
    must_change: bool,
    errors: Errors,
    changed: bool,
}

impl PasswordPage {
    /// (name, label, autocomplete) of each field.
    fn fields(&self) -> [(&'static str, &'static str, &'static str); 3] {
        let t = self.page.t.auth;
        [
            ("current", t.current_password, "current-password"),
            ("new", t.new_password, "new-password"),
            ("repeat", t.repeat_password, "new-password"),
        ]
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

pub async fn show_password(page: Page, user: CurrentUser) -> PasswordPage {
    PasswordPage {
        page,
        must_change: user.must_change_password,
        errors: Errors::default(),
        changed: false,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    session: Session,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let t = page.t.auth;
    let mut errors = Errors::default();
    let stored = store::staff::password_hash(&mut *db.connection().await?, user.id).await?;
    // Argon2 runs with no connection held.
    db.release();
    if !state
        .hasher
        .verify(Secret::new(form.current.clone()), Some(stored))
        .await?
    {
        errors.push("current", t.current_password_wrong);
    }
    if form.new != form.repeat {
        errors.push("repeat", t.passwords_differ);
    } else if form.new == form.current {
        errors.push("new", t.password_unchanged);
    }
    if errors.is_empty() {
        let changed = accounts::change_own_password(
            &state.db,
            &state.hasher,
            state.clock.as_ref(),
            user.staff(),
            Secret::new(form.new),
        )
        .await;
        match changed {
            Ok(()) => {
                renew_after_password_change(&db, &session, user.id).await?;
                return Ok(PasswordPage {
                    page,
                    must_change: false,
                    errors,
                    changed: true,
                }
                .into_response());
            }
            Err(AccountError::WeakPassword(problem)) => {
                errors.push("new", password_problem(&page, problem))
            }
            Err(other) => return Err(anyhow::Error::from(other).into()),
        }
    }
    // Passwords are never sent back: the fields stay empty, the messages say what to fix.
    Ok(PasswordPage {
        page,
        must_change: user.must_change_password,
        errors,
        changed: false,
    }
    .into_response())
}

pub fn password_problem(page: &Page, problem: PasswordProblem) -> &'static str {
    match problem {
        PasswordProblem::TooShort => page.t.auth.password_too_short,
        PasswordProblem::TooLong => page.t.auth.password_too_long,
        PasswordProblem::TooCommon => page.t.auth.password_too_common,
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// Switches the interface language: for a signed-in user it is saved with the account, for
/// anyone else in a cookie. Returns to the page the switch was pressed on.
pub async fn choose_language(
    State(state): State<AppState>,
    db: Db,
    user: CurrentUserOption,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&form.lang).ok_or(AppError::BadRequest)?;
    let redirect = Redirect::to(local_path_or_home(&form.back));
    match user.0 {
        Some(user) => {
            let mut connection = db.connection().await?;
            let (now, code) = (state.clock.now(), lang.code());
            accounts::choose_language(&mut *connection, now, user.staff(), code).await?;
            Ok(redirect.into_response())
        }
        None => {
            let secure = if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly{secure}",
                lang.code()
            );
            Ok(([(SET_COOKIE, cookie)], redirect).into_response())
        }
    }
}

/// `back` when it is a plain local path (letters, digits and `/_.?=&-` only, not starting with
/// `//`), otherwise the home page: never a redirect to another site, and nothing (a newline, a
/// control character) that cannot go into a `Location` header.
fn local_path_or_home(back: &str) -> &str {
    let plain = back.strip_prefix('/').is_some_and(|rest| {
        !rest.starts_with('/')
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_.?=&-".contains(c))
    });
    if plain { back } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::local_path_or_home;

    #[test]
    fn only_plain_local_paths_are_followed() {
        for good in [
            "/",
            "/cases/12",
            "/review?from=2026-01-01&to=2026-02-01",
            "/a_b.c-d",
        ] {
            assert_eq!(local_path_or_home(good), good);
        }
        for bad in [
            "",
            "cases",
            "//evil.example",
            "/\\evil.example",
            "/\n",
            "/cases\r\nSet-Cookie: x=1",
            "/caf\u{e9}",
            "/a b",
            "/a#b",
            "/%0d%0a",
            "https://evil.example/",
        ] {
            assert_eq!(local_path_or_home(bad), "/", "{bad:?}");
        }
    }
}
