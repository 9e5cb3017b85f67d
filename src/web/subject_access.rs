//! Subject access (GDPR Art. 15): an administrator enters a personal code and gets every case of
//! their centres that still holds that person's data, with its steps, the uses of its data (views,
//! prints, verifications, reviews, earlier disclosures) and the reviews' remarks, as a printable
//! page or a JSON download. Each disclosure is written into every found case's chain.
//!
//! The code arrives only in a POST body (never a URL), is looked up through its keyed hash, and
//! never reaches the logs or the audit trail: the search's audit event holds the number of cases
//! found, their ids and the keyed hash. Results are shown only once that event is committed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::store::messages::MessageRow;
use crate::web::db::Db;

use super::AppState;
use super::download::{self, Disposition::Attachment};
use super::error::AppError;
use super::form::{Errors, Field};
use super::labels;
use super::page::Page;
use super::session::CurrentUser;
use crate::domain::ids::CaseId;
use crate::domain::now_in_riga;
use crate::domain::personal_code::{self, PersonalCode, PersonalCodeError};
use crate::domain::review::Verdict;
use crate::domain::steps::ContactChannel;
use crate::domain::workflow::{CaseStatus, NotApplicableReason, Step, StepOutcome, StopReason};
use crate::i18n::{Lang, Texts};
use crate::present::format::{date, riga_time};
use crate::service::subject_access as service;
use crate::store::cases::StepRow;
use crate::store::subject_access::{AccessEvent, HeldCase, HeldReview};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchForm {
    personal_code: String,
    check_digit_override: Option<String>,
}

/// The typed code is personal data: it must not reach the logs.
impl std::fmt::Debug for SearchForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchForm").finish_non_exhaustive()
    }
}

impl SearchForm {
    fn parse(&self) -> Result<PersonalCode, PersonalCodeError> {
        PersonalCode::parse(&self.personal_code, self.check_digit_override.is_some())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/subject_access.html")]
pub struct SubjectAccessPage {
    page: Page,
    personal_code: String,
    check_digit_override: bool,
    errors: Errors,
    results: Option<Results>,
}

impl SubjectAccessPage {
    fn fields(&self) -> Vec<Field> {
        let t = self.page.t.evidence;
        let code = self.personal_code.clone();
        vec![
            Field::text("personal_code", t.sa_personal_code, code)
                .hint(t.sa_personal_code_hint)
                .max(personal_code::TYPED_MAX_CHARS),
            Field::checkbox(
                "check_digit_override",
                t.sa_check_digit_override,
                self.check_digit_override,
            )
            .optional(),
        ]
        .into_iter()
        .map(|field| field.errors(&self.errors))
        .collect()
    }
}

/// What a search found, ready to show.
pub struct Results {
    generated_at: String,
    cases: Vec<CaseView>,
}

pub struct CaseView {
    id: CaseId,
    centre: String,
    eservice: String,
    status: String,
    opened_at: String,
    finished_at: String,
    retention_until: String,
    client_name: String,
    personal_code: String,
    notify: String,
    portal_reference: String,
    stop: String,
    steps: Vec<StepView>,
    access: Vec<AccessView>,
    reviews: Vec<ReviewView>,
}

pub struct ReviewView {
    when: String,
    who: String,
    verdict: String,
    remark: String,
}

pub struct StepView {
    step: String,
    outcome: String,
    recorded_at: String,
    recorded_by: String,
    data: Vec<(String, String)>,
}

pub struct AccessView {
    when: String,
    who: String,
    what: String,
}

pub async fn show(page: Page) -> SubjectAccessPage {
    SubjectAccessPage {
        page,
        personal_code: String::new(),
        check_digit_override: false,
        errors: Errors::default(),
        results: None,
    }
}

pub async fn search(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Form(form): Form<SearchForm>,
) -> Result<Response, AppError> {
    let code = match form.parse() {
        Ok(code) => code,
        Err(error) => return Ok(form_error(page, &form, error)),
    };
    let found = find(&state, &db, &user, &code, "page").await?;
    let results = Results {
        generated_at: riga_time(found.at),
        cases: found.views(page.t, page.lang),
    };
    Ok(SubjectAccessPage {
        page,
        personal_code: form.personal_code,
        check_digit_override: form.check_digit_override.is_some(),
        errors: Errors::default(),
        results: Some(results),
    }
    .into_response())
}

pub async fn export(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Form(form): Form<SearchForm>,
) -> Result<Response, AppError> {
    let code = match form.parse() {
        Ok(code) => code,
        Err(error) => return Ok(form_error(page, &form, error)),
    };
    let found = find(&state, &db, &user, &code, "json").await?;
    let body = serde_json::to_vec_pretty(&found.export()).map_err(anyhow::Error::from)?;
    let name = format!(
        "subject-access-{}.json",
        now_in_riga(found.at).format("%Y%m%d-%H%M%S")
    );
    Ok(download::file(download::JSON, Attachment, &name, body))
}

fn form_error(page: Page, form: &SearchForm, error: PersonalCodeError) -> Response {
    let t = page.t.evidence;
    let message = match error {
        PersonalCodeError::Empty => t.sa_code_empty,
        PersonalCodeError::BadFormat => t.sa_code_bad_format,
        PersonalCodeError::BadDate => t.sa_code_bad_date,
        PersonalCodeError::CheckDigit => t.sa_code_check_digit,
    };
    SubjectAccessPage {
        page,
        personal_code: form
            .personal_code
            .chars()
            .take(personal_code::TYPED_MAX_CHARS)
            .collect(),
        check_digit_override: form.check_digit_override.is_some(),
        errors: Errors::one("personal_code", message),
        results: None,
    }
    .into_response()
}

/// Everything held about one person in the user's centres, and when it was looked up.
struct Found {
    at: DateTime<Utc>,
    cases: Vec<HeldCase>,
    steps: Vec<StepRow>,
    access: Vec<AccessEvent>,
    reviews: Vec<HeldReview>,
    messages: Vec<MessageRow>,
}

/// Looks the code up through its keyed hash in the user's centres and records the search.
async fn find(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    code: &PersonalCode,
    output: &str,
) -> Result<Found, AppError> {
    let hmac = state.keys.personal_code_hmac(code.digits());
    let at = state.clock.now();
    let found = service::find(
        &mut *db.connection().await?,
        at,
        user.staff(),
        &hmac,
        output,
    )
    .await?;
    Ok(Found {
        at,
        cases: found.cases,
        steps: found.steps,
        access: found.access,
        reviews: found.reviews,
        messages: found.messages,
    })
}

/// What a found case holds besides itself: its steps, the uses of its data and its reviews.
struct Held<'a> {
    steps: Vec<&'a StepRow>,
    access: Vec<&'a AccessEvent>,
    reviews: Vec<&'a HeldReview>,
}

impl Found {
    fn held(&self, case: CaseId) -> Held<'_> {
        Held {
            steps: self.steps.iter().filter(|s| s.case_id == case).collect(),
            access: self.access.iter().filter(|a| a.case_id == case).collect(),
            reviews: self.reviews.iter().filter(|r| r.case_id == case).collect(),
        }
    }

    fn views(&self, t: &Texts, lang: Lang) -> Vec<CaseView> {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        self.cases
            .iter()
            .map(|case| {
                let held = self.held(case.id);
                CaseView {
                    id: case.id,
                    centre: format!("{} ({})", case.centre_name, case.centre_code),
                    eservice: lang
                        .pick(&case.eservice_name_lv, &case.eservice_name_en)
                        .to_owned(),
                    status: labels::status(t, case.status).to_owned(),
                    opened_at: riga_time(case.opened_at),
                    finished_at: case.finished_at.map(riga_time).unwrap_or_default(),
                    retention_until: case.retention_until.map(date).unwrap_or_default(),
                    client_name: joined(&case.client_given_names, &case.client_surnames, " "),
                    personal_code: text(&case.client_personal_code),
                    notify: labelled(
                        case.notify_channel
                            .map(|channel| labels::channel(t, channel)),
                        &case.notify_contact,
                    ),
                    portal_reference: text(&case.portal_reference),
                    stop: labelled(
                        case.stop_reason
                            .map(|reason| labels::stop_reason(t, reason)),
                        &case.stop_remark,
                    ),
                    steps: held
                        .steps
                        .into_iter()
                        .map(|step| {
                            let mut data = Vec::new();
                            flatten("", &step.data, &mut data);
                            let mut outcome = labels::step_outcome(t, step.outcome).to_owned();
                            if let Some(reason) = step.reason {
                                outcome =
                                    format!("{outcome}: {}", labels::not_applicable(t, reason));
                            }
                            StepView {
                                step: format!(
                                    "{} {}",
                                    step.step.subpoint(),
                                    labels::duty(t, step.step)
                                ),
                                outcome,
                                recorded_at: riga_time(step.recorded_at),
                                recorded_by: text(&step.recorded_by_name),
                                data,
                            }
                        })
                        .collect(),
                    access: held
                        .access
                        .into_iter()
                        .map(|event| AccessView {
                            when: riga_time(event.occurred_at),
                            who: text(&event.actor),
                            what: {
                                let action = labels::action(t, &event.action)
                                    .unwrap_or(t.review.action_other);
                                match event.details.get("page").and_then(Value::as_str) {
                                    Some(page) => {
                                        format!("{action}: {}", labels::viewed_page(t, page))
                                    }
                                    None => action.to_owned(),
                                }
                            },
                        })
                        .collect(),
                    reviews: held
                        .reviews
                        .into_iter()
                        .map(|review| ReviewView {
                            when: riga_time(review.reviewed_at),
                            who: review.reviewer.clone(),
                            verdict: labels::verdict(t, review.verdict).to_owned(),
                            remark: review.remark.clone(),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    fn export(&self) -> Export<'_> {
        Export {
            generated_at: self.at,
            cases: self
                .cases
                .iter()
                .map(|case| {
                    let held = self.held(case.id);
                    ExportCase {
                        id: case.id,
                        centre_code: &case.centre_code,
                        centre_name: &case.centre_name,
                        eservice_code: &case.eservice_code,
                        eservice_name_lv: &case.eservice_name_lv,
                        eservice_name_en: &case.eservice_name_en,
                        status: case.status,
                        opened_at: case.opened_at,
                        finished_at: case.finished_at,
                        retention_until: case.retention_until,
                        client_given_names: case.client_given_names.as_deref(),
                        client_surnames: case.client_surnames.as_deref(),
                        client_personal_code: case.client_personal_code.as_deref(),
                        notify_channel: case.notify_channel,
                        notify_contact: case.notify_contact.as_deref(),
                        portal_reference: case.portal_reference.as_deref(),
                        stop_reason: case.stop_reason,
                        stop_remark: case.stop_remark.as_deref(),
                        steps: held
                            .steps
                            .into_iter()
                            .map(|step| ExportStep {
                                step: step.step,
                                outcome: step.outcome,
                                reason: step.reason,
                                recorded_at: step.recorded_at,
                                recorded_by: step.recorded_by_name.as_deref(),
                                data: &step.data,
                            })
                            .collect(),
                        access_events: held
                            .access
                            .into_iter()
                            .map(|event| ExportAccess {
                                action: &event.action,
                                occurred_at: event.occurred_at,
                                by: event.actor.as_deref(),
                                details: &event.details,
                            })
                            .collect(),
                        reviews: held
                            .reviews
                            .into_iter()
                            .map(|review| ExportReview {
                                reviewed_at: review.reviewed_at,
                                by: &review.reviewer,
                                verdict: review.verdict,
                                remark: &review.remark,
                            })
                            .collect(),
                        messages: self
                            .messages
                            .iter()
                            .filter(|m| m.case_id == case.id)
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// The two parts that are there, joined by `separator` (a name, a channel and its contact).
fn joined(first: &Option<String>, second: &Option<String>, separator: &str) -> String {
    [first, second]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(separator)
}

/// A code's label and the text that goes with it, as far as they are there ("E-pasts: …").
fn labelled(label: Option<&str>, text: &Option<String>) -> String {
    joined(&label.map(str::to_owned), text, ": ")
}

#[derive(Serialize)]
struct Export<'a> {
    generated_at: DateTime<Utc>,
    cases: Vec<ExportCase<'a>>,
}

#[derive(Serialize)]
struct ExportCase<'a> {
    id: CaseId,
    centre_code: &'a str,
    centre_name: &'a str,
    eservice_code: &'a str,
    eservice_name_lv: &'a str,
    eservice_name_en: &'a str,
    status: CaseStatus,
    opened_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    retention_until: Option<NaiveDate>,
    client_given_names: Option<&'a str>,
    client_surnames: Option<&'a str>,
    client_personal_code: Option<&'a str>,
    notify_channel: Option<ContactChannel>,
    notify_contact: Option<&'a str>,
    portal_reference: Option<&'a str>,
    stop_reason: Option<StopReason>,
    stop_remark: Option<&'a str>,
    steps: Vec<ExportStep<'a>>,
    access_events: Vec<ExportAccess<'a>>,
    reviews: Vec<ExportReview<'a>>,
    /// The messages sent to the client: address, subject, text, status and its times.
    messages: Vec<&'a MessageRow>,
}

#[derive(Serialize)]
struct ExportReview<'a> {
    reviewed_at: DateTime<Utc>,
    by: &'a str,
    verdict: Verdict,
    remark: &'a str,
}

#[derive(Serialize)]
struct ExportStep<'a> {
    step: Step,
    outcome: StepOutcome,
    reason: Option<NotApplicableReason>,
    recorded_at: DateTime<Utc>,
    recorded_by: Option<&'a str>,
    data: &'a Value,
}

#[derive(Serialize)]
struct ExportAccess<'a> {
    action: &'a str,
    occurred_at: DateTime<Utc>,
    by: Option<&'a str>,
    details: &'a Value,
}

/// A step's JSON as `path: value` lines (`document.number: LV1234567`).
fn flatten(prefix: &str, value: &Value, into: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, inner, into);
            }
        }
        Value::Array(items) => {
            let joined: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect();
            into.push((prefix.to_owned(), joined.join(", ")));
        }
        Value::String(text) => into.push((prefix.to_owned(), text.clone())),
        Value::Null => {}
        other => into.push((prefix.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn step_data_reads_as_paths() {
        let mut lines = Vec::new();
        flatten(
            "",
            &json!({ "document": { "number": "LV1" }, "categories": ["identity", "contact"],
                     "override_justification": null, "notice_version": 1 }),
            &mut lines,
        );
        assert_eq!(
            lines,
            [
                ("categories".to_owned(), "identity, contact".to_owned()),
                ("document.number".to_owned(), "LV1".to_owned()),
                ("notice_version".to_owned(), "1".to_owned()),
            ]
        );
    }
}
