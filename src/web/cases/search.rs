//! /cases/search: finding a case by name, personal code or portal reference.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::domain::SEARCH_NAME_MAX_CHARS;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::personal_code::{self, PersonalCode};
use crate::domain::steps::{FieldError, FieldErrors, REFERENCE_MAX_CHARS};
use crate::present::format::riga_time;
use crate::service::cases::{self as service};
use crate::store::cases::{self as store, LIST_LIMIT, SearchBy};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::Errors;
use crate::web::form::{Field, Posted, form_status, summary};
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

pub struct Found {
    pub id: CaseId,
    pub client: String,
    pub eservice: String,
    pub status: &'static str,
    pub reference: String,
    pub opened: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/search.html")]
pub struct SearchPage {
    page: Page,
    fields: Vec<Field>,
    errors: Errors,
    form_error: Option<&'static str>,
    results: Option<Vec<Found>>,
    limited: Option<String>,
}

fn search_page(
    page: Page,
    posted: &Posted,
    errors: &FieldErrors,
    form_error: Option<&'static str>,
    results: Option<Vec<Found>>,
) -> Response {
    let c = page.t.cases;
    // The personal code is never sent back into the page.
    let mut fields = vec![
        Field::text("name", c.search_name, posted.get("name"))
            .optional()
            .max(SEARCH_NAME_MAX_CHARS),
        Field::text("personal_code", c.search_personal_code, String::new())
            .optional()
            .max(personal_code::TYPED_MAX_CHARS)
            .hint(c.personal_code_hint),
        Field::text("reference", c.search_reference, posted.get("reference"))
            .optional()
            .max(REFERENCE_MAX_CHARS),
    ];
    crate::web::form::attach_errors(page.t, &mut fields, errors);
    let limited = results
        .as_ref()
        .filter(|found| found.len() as i64 >= LIST_LIMIT)
        .map(|_| {
            page.t
                .counted(LIST_LIMIT as u64, c.search_limited_one, c.search_limited)
        });
    let status = form_status(errors, false);
    let page = SearchPage {
        errors: summary(&fields),
        fields,
        form_error,
        results,
        limited,
        page,
    };
    (status, page).into_response()
}

pub async fn show_search(page: Page) -> Response {
    search_page(
        page,
        &Posted::default(),
        &FieldErrors::default(),
        None,
        None,
    )
}

pub async fn search(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    posted: Posted,
) -> Result<Response, AppError> {
    let name = posted.get("name").trim().to_owned();
    let code = posted.get("personal_code").trim().to_owned();
    let reference = posted.get("reference").trim().to_owned();
    let filled = [&name, &code, &reference]
        .iter()
        .filter(|value| !value.is_empty())
        .count();
    if filled != 1 {
        let message = Some(page.t.cases.search_one_field);
        return Ok(search_page(
            page,
            &posted,
            &FieldErrors::default(),
            message,
            None,
        ));
    }
    if name.chars().count() > SEARCH_NAME_MAX_CHARS {
        let mut errors = FieldErrors::default();
        let max = SEARCH_NAME_MAX_CHARS;
        errors.push("name", FieldError::TooLong { max });
        return Ok(search_page(page, &posted, &errors, None, None));
    }
    let hmac;
    let by = if !code.is_empty() {
        // Stored codes may carry a check-digit override, so a mismatching one is still looked up.
        match PersonalCode::parse(&code, true) {
            Ok(parsed) => {
                hmac = state.keys.personal_code_hmac(parsed.digits());
                SearchBy::PersonalCodeHmac(&hmac)
            }
            Err(error) => {
                let mut errors = FieldErrors::default();
                errors.push("personal_code", FieldError::PersonalCode(error));
                return Ok(search_page(page, &posted, &errors, None, None));
            }
        }
    } else if !reference.is_empty() {
        SearchBy::PortalReference(&reference)
    } else {
        SearchBy::Name(&name)
    };
    let rows = store::search(&mut *db.connection().await?, &user.centres, by).await?;
    let shown: Vec<(CaseId, CentreId)> = rows.iter().map(|row| (row.id, row.centre_id)).collect();
    service::log_views(
        &mut *db.connection().await?,
        state.clock.now(),
        user.staff(),
        &shown,
        "search",
    )
    .await?;
    let found = rows
        .into_iter()
        .map(|row| Found {
            id: row.id,
            client: format!(
                "{} {}",
                row.client_given_names.unwrap_or_default(),
                row.client_surnames.unwrap_or_default()
            )
            .trim()
            .to_owned(),
            eservice: page
                .lang
                .pick(&row.eservice_name_lv, &row.eservice_name_en)
                .to_owned(),
            status: labels::status(page.t, row.status),
            reference: row.portal_reference.unwrap_or_default(),
            opened: riga_time(row.opened_at),
        })
        .collect();
    Ok(search_page(
        page,
        &posted,
        &FieldErrors::default(),
        None,
        Some(found),
    ))
}
