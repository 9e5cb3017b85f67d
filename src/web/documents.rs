//! The printed documents over HTTP: the two-copy authorisation (first printed by a POST, since
//! it numbers and freezes the document; reprinted by a GET, also for supervisors), the client's
//! receipt, the data-use notice, and the verification page. What goes into a document and when it may be
//! printed is decided in `crate::service::documents` and `domain::printed`; here results become
//! responses.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::AppState;
use super::download::{
    self,
    Disposition::{Attachment, Inline},
};
use super::error::{AppError, path_id};
use super::form::{Errors, Field, Posted, summary, trimmed_to};
use super::page::Page;
use super::session::CurrentUser;
use crate::domain::ids::CaseId;
use crate::domain::printed::NotPrintable;
use crate::domain::staff::Role;
use crate::domain::steps::ResultContact;
use crate::i18n::Lang;
use crate::present::format::date_time;
use crate::service::documents::{self, DocumentError, Pdf, Printing, Verification};
use crate::store;
use crate::web::db::Released;

/// Longest input kept from the verification form.
const MAX_TYPED: usize = 60;

/// The employee's print of case `case_id`'s authorisation, in the page's language.
async fn print(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    case_id: CaseId,
    printing: Printing,
    answer: Option<Option<ResultContact>>,
) -> Result<documents::Pdf, DocumentError> {
    let english = page.lang == Lang::En;
    documents::print_authorisation(
        &state.db,
        user.staff(),
        case_id,
        english,
        state.clock.now(),
        printing,
        answer,
    )
    .await
}

/// `GET /cases/{id}/authorisation.pdf`: a reprint of the document as first printed. Before the
/// first print, a page with the button that makes it (a POST: it numbers and freezes it).
pub async fn authorisation(
    State(state): State<AppState>,
    _: Released,
    page: Page,
    user: CurrentUser,
    Path(case_id): Path<CaseId>,
) -> Result<Response, AppError> {
    let result = print(&state, &page, &user, case_id, Printing::Reprint, None).await;
    if let Err(DocumentError::NeverPrinted) = result {
        return Ok(FirstPrintPage { page, case_id }.into_response());
    }
    respond(page, Back::Case(case_id), "pilnvarojums", result)
}

/// `POST /cases/{id}/authorisation.pdf`: the first print (or, once printed, a reprint). Sent
/// from the 22.¹3 form, it prints the client's answer about the result as that form holds it.
pub async fn print_authorisation(
    State(state): State<AppState>,
    _: Released,
    page: Page,
    user: CurrentUser,
    Path(case_id): Path<CaseId>,
    posted: Posted,
) -> Result<Response, AppError> {
    let answer = crate::web::cases::answer_before_print(&posted);
    let printing = Printing::FirstOrReprint;
    let result = print(&state, &page, &user, case_id, printing, answer).await;
    respond(page, Back::Case(case_id), "pilnvarojums", result)
}

/// `GET /review/{id}/authorisation.pdf`: a supervisor's reprint of a finished case's document,
/// from its frozen content. Never a first print; a case never printed gets a page saying so.
pub async fn review_authorisation(
    State(state): State<AppState>,
    _: Released,
    page: Page,
    user: CurrentUser,
    Path(case_id): Path<String>,
) -> Result<Response, AppError> {
    let case_id = path_id::<CaseId>(&case_id)?;
    // The review page's scope: finished cases of the supervised centres.
    store::review::finished_case(&state.db, case_id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = documents::print_authorisation(
        &state.db,
        user.staff(),
        case_id,
        false,
        state.clock.now(),
        Printing::SupervisorReprint,
        None,
    )
    .await;
    match result {
        Err(DocumentError::NotPrintable(NotPrintable::Erased)) => {
            respond(page, Back::Review(case_id), "pilnvarojums", result)
        }
        // Not printed (and perhaps never printable): there is nothing to reprint.
        Err(DocumentError::NeverPrinted | DocumentError::NotPrintable(_)) => {
            let t = page.t;
            Ok((
                StatusCode::NOT_FOUND,
                RefusedPage {
                    page: page.clone(),
                    title: t.documents.never_printed_title,
                    text: t.review.document_none,
                    back: Back::Review(case_id),
                },
            )
                .into_response())
        }
        result => respond(page, Back::Review(case_id), "pilnvarojums", result),
    }
}

/// `GET /cases/{id}/receipt.pdf`
pub async fn receipt(
    State(state): State<AppState>,
    _: Released,
    page: Page,
    user: CurrentUser,
    Path(case_id): Path<CaseId>,
) -> Result<Response, AppError> {
    let english = page.lang == Lang::En;
    let result =
        documents::print_receipt(&state.db, user.staff(), case_id, english, state.clock.now())
            .await;
    respond(page, Back::Case(case_id), "apliecinajums", result)
}

/// `GET /notices/{version}.pdf`
pub async fn notice(
    State(state): State<AppState>,
    _: Released,
    page: Page,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let version = file
        .strip_suffix(".pdf")
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or(AppError::NotFound)?;
    let result = documents::print_notice(
        &state.db,
        user.staff(),
        version,
        page.lang == Lang::En,
        state.clock.now(),
    )
    .await;
    respond(page, Back::Home, "informacija", result)
}

/// Where a refusal page leads back to.
#[derive(Debug, Clone, Copy)]
enum Back {
    Home,
    Case(CaseId),
    Review(CaseId),
}

#[derive(Template, WebTemplate)]
#[template(path = "documents/refused.html")]
struct RefusedPage {
    page: Page,
    title: &'static str,
    text: &'static str,
    back: Back,
}

impl RefusedPage {
    fn back_href(&self) -> String {
        match self.back {
            Back::Home => "/".to_owned(),
            Back::Case(id) => format!("/cases/{id}"),
            Back::Review(id) => format!("/review/{id}"),
        }
    }

    fn back_label(&self) -> &'static str {
        match self.back {
            Back::Home => self.page.t.common.error_back_home,
            Back::Case(_) | Back::Review(_) => self.page.t.documents.back_to_case,
        }
    }
}

/// The authorisation has not been printed yet: the button that prints it the first time.
#[derive(Template, WebTemplate)]
#[template(path = "documents/first_print.html")]
struct FirstPrintPage {
    page: Page,
    case_id: CaseId,
}

fn respond(
    page: Page,
    back: Back,
    file_prefix: &str,
    result: Result<Pdf, DocumentError>,
) -> Result<Response, AppError> {
    let t = page.t.documents;
    let refused = |status: StatusCode, title, text| {
        Ok((
            status,
            RefusedPage {
                page: page.clone(),
                title,
                text,
                back,
            },
        )
            .into_response())
    };
    match result {
        Ok(pdf) => Ok(pdf_response(file_prefix, pdf)),
        Err(DocumentError::NotFound) => Err(AppError::NotFound),
        Err(DocumentError::NotPrintable(reason)) => {
            let text = match reason {
                NotPrintable::IdentityNotRecorded => t.refused_identity,
                NotPrintable::EmployeeEidNotRecorded => t.refused_employee_eid,
                NotPrintable::CaseStopped => t.refused_stopped,
                NotPrintable::NotSubmitted => t.refused_not_submitted,
                NotPrintable::Erased => t.refused_erased,
            };
            refused(StatusCode::CONFLICT, t.refused_title, text)
        }
        Err(DocumentError::ReprintMismatch { .. }) => refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            t.mismatch_title,
            t.mismatch_text,
        ),
        Err(DocumentError::Database(error)) => Err(error.into()),
        Err(error) => Err(anyhow::Error::from(error).into()),
    }
}

fn pdf_response(file_prefix: &str, pdf: Pdf) -> Response {
    // Numbers and versions are ASCII letters, digits and hyphens: safe inside the quotes.
    let name: String = pdf
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let name = format!("{file_prefix}-{name}.pdf");
    download::file(download::PDF, Inline, &name, pdf.bytes)
}

#[derive(Template, WebTemplate)]
#[template(path = "documents/verify.html")]
struct VerifyPage {
    page: Page,
    number: String,
    code: String,
    /// A field left empty, said beside it.
    missing: Errors,
    outcome: Option<Outcome>,
}

impl VerifyPage {
    fn fields(&self) -> Vec<Field> {
        let t = self.page.t.documents;
        [
            Field::text("number", t.verify_number_label, self.number.clone())
                .hint(t.verify_number_hint)
                .max(MAX_TYPED),
            Field::text("code", t.verify_code_label, self.code.clone())
                .hint(t.verify_code_hint)
                .max(MAX_TYPED),
        ]
        .into_iter()
        .map(|field| field.errors(&self.missing))
        .collect()
    }

    /// The error summary, naming each field left empty.
    fn errors(&self) -> Errors {
        summary(&self.fields())
    }
}

/// What the verification page shows after a check.
enum Outcome {
    Matches {
        case_id: CaseId,
        /// `None` for a supervisor while the case is open: it has no review page yet.
        case_link: Option<String>,
        centre_name: String,
        first_printed_at: String,
    },
    DoesNotMatch,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    number: String,
    code: String,
}

/// `GET /documents/verify`
pub async fn show_verify(page: Page) -> impl IntoResponse {
    VerifyPage {
        page,
        number: String::new(),
        code: String::new(),
        missing: Errors::default(),
        outcome: None,
    }
}

/// `POST /documents/verify`: a wrong code is an answer ("does not match"), never an error.
pub async fn verify(
    State(state): State<AppState>,
    _: Released,
    page: Page,
    user: CurrentUser,
    Form(form): Form<VerifyForm>,
) -> Result<Response, AppError> {
    let number = trimmed_to(&form.number, MAX_TYPED);
    let code = trimmed_to(&form.code, MAX_TYPED);
    let t = page.t.documents;
    let mut missing = Errors::default();
    if number.is_empty() {
        missing.push("number", t.verify_number_missing);
    }
    if code.is_empty() {
        missing.push("code", t.verify_code_missing);
    }
    if !missing.is_empty() {
        return Ok(VerifyPage {
            page,
            number,
            code,
            missing,
            outcome: None,
        }
        .into_response());
    }
    let verification =
        documents::verify(&state.db, user.staff(), &number, &code, state.clock.now())
            .await
            .map_err(|error| match error {
                DocumentError::Database(error) => AppError::from(error),
                other => anyhow::Error::from(other).into(),
            })?;
    let outcome = match verification {
        Verification::Matches {
            case_id,
            centre_name,
            first_printed_at,
            finished,
        } => Outcome::Matches {
            case_id,
            case_link: if finished && user.has(Role::Supervisor) {
                Some(format!("/review/{case_id}"))
            } else if user.has(Role::Employee) {
                Some(format!("/cases/{case_id}"))
            } else {
                None
            },
            centre_name,
            first_printed_at: date_time(first_printed_at),
        },
        Verification::DoesNotMatch => Outcome::DoesNotMatch,
    };
    Ok(VerifyPage {
        page,
        number,
        code,
        missing: Errors::default(),
        outcome: Some(outcome),
    }
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct BundleQuery {
    #[serde(default)]
    redacted: Option<String>,
}

/// The evidence bundle of a finished case, for a supervisor to hand to an auditor: the whole
/// one (the client's data inside, so the download is audited as a view) or the redacted one.
pub async fn review_evidence(
    State(state): State<AppState>,
    _: Released,
    user: CurrentUser,
    Path(case_id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<BundleQuery>,
) -> Result<Response, AppError> {
    let case_id = path_id::<CaseId>(&case_id)?;
    let case = store::review::finished_case(&state.db, case_id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let redacted = query.redacted.is_some();
    let now = state.clock.now();
    let bundle = crate::service::evidence::export(
        &state.db,
        &state.keys,
        now,
        &state.config.data_dir,
        case_id,
        redacted,
    )
    .await
    .map_err(anyhow::Error::from)?;
    if !redacted {
        crate::service::cases::log_view(
            &state.db,
            now,
            user.staff(),
            case_id,
            case.centre_id,
            "evidence-bundle",
        )
        .await?;
    }
    let body = serde_json::to_vec_pretty(&bundle).map_err(anyhow::Error::from)?;
    let name = format!(
        "pilnvara-case-{case_id}{}.json",
        if redacted { "-redacted" } else { "" }
    );
    Ok(download::file(download::JSON, Attachment, &name, body))
}
