//! `/cases/{id}/steps/{step}`: the form of each 22.¹ duty (GET) and recording it (POST).
//!
//! A form is shown only for the duty the case waits for. Recording reads the posted pairs into
//! the step's `domain::steps` form, checks it, and hands the typed input to `cases::record_step`,
//! which decides the order under a lock. A stale form is shown again with the fresh case and the
//! values kept; nothing of it was saved.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use super::super::labels;
use super::{CaseView, Flash, load, load_and_log, log_view, refused};
use crate::domain::identity_document::{DocumentType, ISSUING_STATE_CHARS, NUMBER_MAX_CHARS};
use crate::domain::ids::CaseId;
use crate::domain::messages::MessageChannel;
use crate::domain::personal_code::{self, PersonalCodeError};
use crate::domain::printed::printed_code;
use crate::domain::staff::CentreContact;
use crate::domain::steps::{
    AuthorisationForm, ContactChannel, DataProcessingForm, EmployeeEidForm, EmployeeEidInput,
    FieldError, FieldErrors, IdentityForm, Outcome, PlannedTimeForm, ResultContact, ResultForm,
    SubmissionForm, identity_stop_reason,
};
use crate::domain::steps::{
    CONTACT_MAX_CHARS, DATE_MAX_CHARS, JUSTIFICATION_MAX_CHARS, NAME_MAX_CHARS,
    OUTCOME_TEXT_MAX_CHARS, REFERENCE_MAX_CHARS, REGISTRATION_NUMBER_MAX_CHARS,
};
use crate::domain::workflow::{Step, StepOutcome};
use crate::domain::{now_in_riga, today_in_riga};
use crate::i18n::{Cases, Lang, Texts};
use crate::present::format::date;
use crate::service::cases::{self as service, CaseError, StepInput};
use crate::service::documents::named_controller;
use crate::service::outbox::{self, Outgoing};
use crate::store::cases::{self as store, EidMeans, Notice};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::form::Errors;
use crate::web::form::{Field, Posted, Widget, attach_errors, form_status, summary};
use crate::web::page::Page;
use crate::web::session::CurrentUser;

/// The data-use notice in the user's language, as 22.¹3 shows it.
pub struct NoticeView {
    pub version: i32,
    pub effective_from: String,
    /// (heading, text) by GDPR Art. 13 item.
    pub items: Vec<(&'static str, String)>,
}

impl NoticeView {
    /// The notice as `case`'s client reads it: the controller named first (the case's
    /// municipality, and how its data protection officer is reached).
    fn new(t: &Texts, lang: Lang, notice: &Notice, (municipality, contact): &Centre) -> Self {
        let pick = |lv: &str, en: &str| lang.pick(lv, en).to_owned();
        let controller = named_controller(t.documents, municipality, contact);
        let t = t.cases;
        Self {
            version: notice.version,
            effective_from: date(notice.effective_from),
            items: vec![
                (
                    t.notice_controller,
                    format!(
                        "{controller}\n\n{}",
                        pick(&notice.controller_lv, &notice.controller_en)
                    ),
                ),
                (
                    t.notice_purposes,
                    pick(&notice.purposes_lv, &notice.purposes_en),
                ),
                (
                    t.notice_recipients,
                    pick(&notice.recipients_lv, &notice.recipients_en),
                ),
                (
                    t.notice_retention,
                    pick(&notice.retention_lv, &notice.retention_en),
                ),
                (t.notice_rights, pick(&notice.rights_lv, &notice.rights_en)),
                (
                    t.notice_complaint,
                    pick(&notice.complaint_lv, &notice.complaint_en),
                ),
            ],
        }
    }
}

/// What a step's form needs besides the case: the means list, the notice, the printed document.
struct Context {
    means: Vec<EidMeans>,
    notice: Option<Notice>,
    /// 22.¹3: the authorisation's number and printed verification code, once it was printed.
    printed: Option<(String, String)>,
    /// The case's municipality (the controller the notice names) and centre contact details.
    centre: Centre,
    /// 22.¹2: the qualified eID provider's origin, when "Confirm with eID" is offered.
    eid_origin: Option<String>,
    /// 22.¹2: whether it may be recorded from the list (declared).
    declared_allowed: bool,
    /// 22.¹6 and 22.¹7: the channel the product may send the message by (the client's contact
    /// at 22.¹3 and a configured relay), with the address or number.
    offer: Option<(MessageChannel, String)>,
}

type Centre = (String, CentreContact);

async fn context(
    state: &AppState,
    db: &Db,
    step: Step,
    case: &store::Case,
) -> Result<Context, AppError> {
    let case_id = case.id;
    let means = if step == Step::EmployeeEid {
        store::active_eid_means(&mut *db.connection().await?).await?
    } else {
        Vec::new()
    };
    let (notice, printed) = if step == Step::Authorisation {
        let today = today_in_riga(state.clock.now());
        let mut connection = db.connection().await?;
        let notice = store::current_notice(&mut connection, today).await?;
        let printed = crate::store::documents::document(&mut connection, case_id)
            .await?
            .map(|row| {
                let code = printed_code(&row.verification_code);
                (row.document_number, code)
            });
        (notice, printed)
    } else {
        (None, None)
    };
    let eid_origin = state
        .providers
        .eid
        .as_ref()
        .filter(|_| step == Step::EmployeeEid)
        .map(|provider| origin(&provider.settings().issuer));
    let offer = match (step, &case.notify_contact) {
        (Step::PlannedTime | Step::Result, Some(address)) => {
            outbox::offered(&state.config.messaging, case.notify_channel)
                .map(|channel| (channel, address.clone()))
        }
        _ => None,
    };
    Ok(Context {
        means,
        notice,
        printed,
        centre: (case.municipality.clone(), case.centre_contact.0.clone()),
        declared_allowed: state.providers.eid.is_none() || state.config.eid_manual_fallback,
        eid_origin,
        offer,
    })
}

/// The scheme, host and port of `url` (the provider's, where "Confirm with eID" goes).
fn origin(url: &str) -> String {
    openidconnect::url::Url::parse(url)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default()
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/step.html")]
pub struct StepPage {
    page: Page,
    view: CaseView,
    step: Step,
    title: &'static str,
    intro: &'static str,
    fields: Vec<Field>,
    errors: Errors,
    notice: Option<NoticeView>,
    notice_missing: bool,
    /// 22.¹3: (document number, verification code) once the authorisation was printed.
    printed: Option<(String, String)>,
    stale: bool,
    /// The duty before was just recorded and this is the next one: say so, focus the heading.
    recorded: bool,
    /// After a failed identity check: the stop page with the reason chosen, and its label.
    stop_offer: Option<(String, &'static str)>,
    /// 22.¹2: "Confirm with eID" is offered.
    eid_offered: bool,
    /// 22.¹2: the form from the list is shown (declared).
    declared_allowed: bool,
    /// 22.¹2: why the last eID confirmation was refused.
    eid_refusal: Option<&'static str>,
    /// 22.¹6, 22.¹7: the message the product is about to send, shown before it is sent.
    preview: Option<Preview>,
}

/// The exact message, as the desk sees it before sending.
pub struct Preview {
    channel: &'static str,
    to: String,
    /// E-mail only.
    subject: Option<String>,
    body: String,
    /// SMS only: the segments in words.
    segments: Option<String>,
    /// What "send" confirms (`Outgoing::fingerprint`).
    fingerprint: String,
}

impl Preview {
    fn new(t: &Texts, message: &Outgoing) -> Self {
        let m = t.messages;
        let sms = message.channel == MessageChannel::Sms;
        Self {
            channel: labels::message_channel(t, message.channel),
            to: message.address.clone(),
            subject: (!sms).then(|| message.subject.clone()),
            body: message.body.clone(),
            segments: sms.then(|| match message.segments().count {
                1 => m.sms_one_segment.to_owned(),
                n => m.sms_segments.replace("{n}", &n.to_string()),
            }),
            fingerprint: message.fingerprint(),
        }
    }
}

/// What the step page says above its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Banner {
    None,
    /// The form was for an older state of the case.
    Stale,
    /// The duty before was just recorded.
    Recorded,
    /// A qualified eID confirmation was refused, for this reason.
    EidRefused(crate::oidc::Refusal),
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct StepQuery {
    #[serde(default)]
    notice: Option<String>,
    /// A refused eID confirmation's code (`oidc::Refusal`).
    #[serde(default)]
    eid: Option<String>,
}

fn parse_step(slug: &str) -> Result<Step, AppError> {
    Step::from_slug(slug).ok_or(AppError::NotFound)
}

pub async fn show_step(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path((id, slug)): Path<(String, String)>,
    Query(query): Query<StepQuery>,
) -> Result<Response, AppError> {
    let (id, step) = (path_id::<CaseId>(&id)?, parse_step(&slug)?);
    let (case, rows) = load(&db, &user, id).await?;
    if let Err(error) = case.state().and_then(|s| s.may_record(step)) {
        return Ok(Flash::refused(id, error));
    }
    log_view(&state, &db, &user, &case, &format!("step:{}", step.slug())).await?;
    let context = context(&state, &db, step, &case).await?;
    if let Some(notice) = &context.notice {
        let at = state.clock.now();
        let (case_id, centre_id) = (case.id, case.centre_id);
        service::notice_shown(
            &mut *db.connection().await?,
            at,
            user.staff(),
            case_id,
            centre_id,
            notice.id,
            notice.version,
        )
        .await?;
    }
    let now = now_in_riga(state.clock.now())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let defaults = Posted(match step {
        Step::EmployeeEid => vec![("used_at".into(), now)],
        Step::Submission => vec![("submitted_at".into(), now)],
        Step::PlannedTime | Step::Result => vec![("told_at".into(), now)],
        _ => Vec::new(),
    });
    Ok(render(
        page,
        &case,
        &rows,
        step,
        &defaults,
        &FieldErrors::default(),
        &context,
        (
            match query
                .eid
                .as_deref()
                .and_then(crate::oidc::Refusal::from_code)
            {
                Some(refusal) => Banner::EidRefused(refusal),
                None if query.notice.as_deref() == Some(Flash::Recorded.code()) => Banner::Recorded,
                None => Banner::None,
            },
            None,
        ),
    ))
}

pub async fn record_step(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path((id, slug)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, AppError> {
    let (id, step) = (path_id::<CaseId>(&id)?, parse_step(&slug)?);
    let version = posted.version().ok_or(AppError::BadRequest)?;
    let page_name = format!("step:{}", step.slug());
    let (case, rows) = load(&db, &user, id).await?;
    if let Err(error) = case.state().and_then(|s| s.may_record(step)) {
        return Ok(Flash::refused(id, error));
    }
    let context = context(&state, &db, step, &case).await?;
    if step == Step::EmployeeEid && !context.declared_allowed {
        // Only "Confirm with eID" is offered here; a posted list form was not shown.
        return Err(AppError::BadRequest);
    }
    let now = state.clock.now();
    // A message the product sends is shown first, and sent only when the desk confirms that
    // very text (a template edited in between shows the new text again).
    let prepared = match validate(step, &posted, &context, &case, &rows, now) {
        Ok(input) => {
            let composed = outgoing(&db, &case, &input, &posted, &context).await?;
            confirmed(composed, &posted, page.t).map(|message| (input, message))
        }
        Err(errors) => Err((errors, None)),
    };
    let (input, outgoing) = match prepared {
        Ok(prepared) => prepared,
        Err((errors, preview)) => {
            log_view(&state, &db, &user, &case, &page_name).await?;
            let form = render(
                page,
                &case,
                &rows,
                step,
                &posted,
                &errors,
                &context,
                (Banner::None, preview.map(|preview| *preview)),
            );
            return Ok(form);
        }
    };
    let domain = state
        .config
        .messaging
        .smtp
        .as_ref()
        .map(|smtp| smtp.domain.as_str());
    let recorded = service::record_step_sending(
        &mut *db.connection().await?,
        &state.keys,
        now,
        user.staff(),
        (id, version),
        &input,
        outgoing.as_ref().map(|message| (message, domain)),
    )
    .await;
    match recorded {
        // Straight on to the next duty; the overview once the case is closed.
        // A message on its way: the case page, where its status shows.
        Ok(_) if outgoing.is_some() => Ok(Flash::MessageQueued.redirect(id)),
        Ok(recorded) => Ok(Flash::after_recorded(id, recorded.next_step)),
        // The form again, as it was typed, on the case as it is now: it changed since the form
        // was shown, or "signed" was ticked before the authorisation was printed.
        Err(
            error @ (CaseError::Stale
            | CaseError::AuthorisationNotPrinted
            | CaseError::NotAsPrinted),
        ) => {
            let stale = matches!(error, CaseError::Stale);
            let mut errors = FieldErrors::default();
            match error {
                CaseError::AuthorisationNotPrinted => {
                    errors.push("signed", FieldError::NotYetPrinted)
                }
                CaseError::NotAsPrinted => errors.push("wants_result", FieldError::NotAsPrinted),
                _ => {}
            }
            let (case, rows) = load_and_log(&state, &db, &user, id, &page_name).await?;
            Ok(render(
                page,
                &case,
                &rows,
                step,
                &posted,
                &errors,
                &context,
                (if stale { Banner::Stale } else { Banner::None }, None),
            ))
        }
        Err(error) => refused(id, error),
    }
}

/// Reads the posted pairs into the step's domain form and checks it.
fn validate(
    step: Step,
    posted: &Posted,
    context: &Context,
    case: &store::Case,
    rows: &[store::StepRow],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<StepInput, FieldErrors> {
    let (today, now_riga) = (today_in_riga(now), now_in_riga(now));
    let opened_riga = now_in_riga(case.opened_at);
    match step {
        Step::Identity => IdentityForm {
            doc_type: posted.get("doc_type"),
            doc_number: posted.get("doc_number"),
            issuing_state: posted.get("issuing_state"),
            expires_on: posted.get("expires_on"),
            personal_code: posted.get("personal_code"),
            check_digit_override: posted.checked("check_digit_override"),
            override_justification: posted.get("override_justification"),
            given_names: posted.get("given_names"),
            surnames: posted.get("surnames"),
        }
        .validate(today)
        .map(StepInput::Identity),
        Step::EmployeeEid => {
            let allowed: Vec<&str> = context.means.iter().map(|m| m.code.as_str()).collect();
            EmployeeEidForm {
                means_code: posted.get("means_code"),
                used_at: posted.get("used_at"),
            }
            .validate(&allowed, now_riga)
            .map(StepInput::EmployeeEid)
        }
        Step::Authorisation => {
            let answer = posted.get("wants_result");
            let form = authorisation_form(posted);
            // No current notice: no version can match, so the domain refuses with notice-changed.
            let current = context.notice.as_ref().map_or(0, |notice| notice.version);
            let years = u16::try_from(case.retention_years).unwrap_or(u16::MAX);
            let checked = form.validate(today, current, years);
            if answer != "yes" && answer != "no" {
                // The answer must be given, never assumed to be "no".
                let mut errors = FieldErrors::default();
                errors.push("wants_result", FieldError::NotInList);
                for (field, error) in checked.err().into_iter().flatten() {
                    errors.push(field, error);
                }
                return Err(errors);
            }
            checked.map(StepInput::Authorisation)
        }
        Step::DataProcessing => {
            let allowed: Vec<&str> = case.data_categories.iter().map(String::as_str).collect();
            DataProcessingForm {
                categories: posted.all("categories"),
                purpose_only: posted.checked("purpose_only"),
            }
            .validate(&allowed)
            .map(StepInput::DataProcessing)
        }
        Step::Submission => SubmissionForm {
            reference: posted.get("reference"),
            submitted_at: posted.get("submitted_at"),
        }
        .validate(now_riga, opened_riga, eid_used_at(rows))
        .map(StepInput::Submission),
        Step::PlannedTime => PlannedTimeForm {
            planned_on: posted.get("planned_on"),
            told_via: posted.get("told_via"),
            told_at: posted.get("told_at"),
            send: send_code(posted, context),
        }
        .validate(now_riga, opened_riga, offered(context))
        .map(StepInput::PlannedTime),
        Step::Result => ResultForm {
            outcome: posted.get("outcome"),
            outcome_text: posted.get("outcome_text"),
            told_via: posted.get("told_via"),
            told_at: posted.get("told_at"),
            send: send_code(posted, context),
        }
        .validate(now_riga, opened_riga, offered(context))
        .map(StepInput::Result),
    }
}

fn offered(context: &Context) -> Option<MessageChannel> {
    context.offer.as_ref().map(|(channel, _)| *channel)
}

/// "Send" ticked: the offered channel's code (the domain refuses one that is not offered).
fn send_code(posted: &Posted, context: &Context) -> String {
    match (posted.checked("send"), offered(context)) {
        (false, _) => String::new(),
        (true, Some(channel)) => channel.code().to_owned(),
        (true, None) => "not-offered".to_owned(),
    }
}

/// The message a duty's input asks the product to send.
enum Composed {
    NotSending,
    Sending(Outgoing),
    /// No template for the e-service and language.
    NoText,
}

/// The message to send with the duty, if any, once the desk has seen it: else the form again,
/// with the message to confirm, or with why there is none.
fn confirmed(
    composed: Composed,
    posted: &Posted,
    t: &Texts,
) -> Result<Option<Outgoing>, (FieldErrors, Option<Box<Preview>>)> {
    match composed {
        Composed::NotSending => Ok(None),
        Composed::Sending(message) if posted.get("confirm") == message.fingerprint() => {
            Ok(Some(message))
        }
        Composed::Sending(message) => Err((
            FieldErrors::default(),
            Some(Box::new(Preview::new(t, &message))),
        )),
        Composed::NoText => {
            let mut errors = FieldErrors::default();
            errors.push("send", FieldError::NoMessageText);
            Err((errors, None))
        }
    }
}

async fn outgoing(
    db: &Db,
    case: &store::Case,
    input: &StepInput,
    posted: &Posted,
    context: &Context,
) -> Result<Composed, AppError> {
    let lang = Lang::from_code(&posted.get("message_lang")).unwrap_or(Lang::Lv);
    let t = lang.texts();
    let (sent_by, planned_on, result) = match input {
        StepInput::PlannedTime(input) => (input.sent_by, date(input.planned_on), String::new()),
        StepInput::Result(input) => {
            let label = labels::outcome(t, input.outcome);
            let result = match &input.outcome_text {
                Some(note) => format!("{label} ({note})"),
                None => label.to_owned(),
            };
            (input.sent_by, String::new(), result)
        }
        _ => return Ok(Composed::NotSending),
    };
    let (Some(channel), Some((_, address))) = (sent_by, &context.offer) else {
        return Ok(Composed::NotSending);
    };
    let told = outbox::Told {
        planned_on: &planned_on,
        result: &result,
    };
    let step = input.step();
    let composed = outbox::compose(
        &mut *db.connection().await?,
        case.id,
        step,
        channel,
        lang,
        address,
        told,
    )
    .await?;
    Ok(composed.map_or(Composed::NoText, Composed::Sending))
}

/// The 22.¹3 form as posted.
fn authorisation_form(posted: &Posted) -> AuthorisationForm {
    AuthorisationForm {
        notice_version: posted.get("notice_version"),
        wants_result: posted.get("wants_result") == "yes",
        channel: posted.get("channel"),
        contact: posted.get("contact"),
        signed: posted.checked("signed"),
        registration_number: posted.get("registration_number"),
        copy_handed_over: posted.checked("copy_handed_over"),
    }
}

/// The client's answer about the result as the 22.¹3 form holds it when the authorisation is
/// printed from it: `None` (printed blank, filled in by hand) unless answered validly.
pub(crate) fn answer_before_print(posted: &Posted) -> Option<Option<ResultContact>> {
    match posted.get("wants_result").as_str() {
        "yes" | "no" => authorisation_form(posted).answer_before_print(),
        _ => None,
    }
}

/// When the employee signed in to the portal at 22.¹2 (Europe/Riga), as that step recorded it.
fn eid_used_at(rows: &[store::StepRow]) -> Option<chrono::NaiveDateTime> {
    let row = rows
        .iter()
        .find(|row| row.step == Step::EmployeeEid && row.outcome == StepOutcome::Recorded)?;
    serde_json::from_value::<EmployeeEidInput>(row.data.clone())
        .ok()
        .map(|input| input.used_at)
}

/// The step's page for `case` as it is now (with its steps), its form holding what was posted.
#[allow(clippy::too_many_arguments)]
fn render(
    page: Page,
    case: &store::Case,
    rows: &[store::StepRow],
    step: Step,
    posted: &Posted,
    errors: &FieldErrors,
    context: &Context,
    (banner, preview): (Banner, Option<Preview>),
) -> Response {
    let stale = banner == Banner::Stale;
    let c = page.t.cases;
    let view = CaseView::build(page.t, page.lang, case, rows);
    let categories = &case.data_categories;
    let mut fields = fields(page.t, page.lang, step, posted, context, categories);
    // The check-digit override is offered only once the check digit has failed (or when it was
    // already chosen): a valid code needs no justification field in the way.
    let offer_override = posted.checked("check_digit_override")
        || matches!(
            errors.get("personal_code"),
            Some(FieldError::PersonalCode(PersonalCodeError::CheckDigit))
        )
        || errors.get("override_justification").is_some();
    if step == Step::Identity && !offer_override {
        fields.retain(|f| f.name != "check_digit_override" && f.name != "override_justification");
    }
    attach_errors(page.t, &mut fields, errors);
    // A yes/no answer not in the list is a missing one: say so in words.
    if matches!(errors.get("wants_result"), Some(FieldError::NotInList))
        && let Some(answer) = fields.iter_mut().find(|field| field.name == "wants_result")
    {
        answer.error = Some(c.err_answer_yes_or_no.to_owned());
    }
    let status = form_status(errors, stale);
    let notice = context
        .notice
        .as_ref()
        .map(|notice| NoticeView::new(page.t, page.lang, notice, &context.centre));
    let stop_offer = (step == Step::Identity)
        .then(|| identity_stop_reason(errors))
        .flatten()
        .map(|reason| {
            (
                format!("/cases/{}/stop?reason={}", view.summary.id, reason.code()),
                labels::stop_reason(page.t, reason),
            )
        });
    let eid_refusal = match banner {
        Banner::EidRefused(refusal) => Some(labels::eid_refusal(page.t, refusal)),
        _ => None,
    };
    let template = StepPage {
        eid_offered: context.eid_origin.is_some(),
        declared_allowed: step != Step::EmployeeEid || context.declared_allowed,
        eid_refusal,
        stop_offer,
        title: labels::duty(page.t, step),
        intro: intro(c, step),
        errors: summary(&fields),
        notice_missing: step == Step::Authorisation && notice.is_none(),
        notice,
        printed: context.printed.clone(),
        fields,
        view,
        step,
        stale,
        recorded: banner == Banner::Recorded,
        preview,
        page,
    };
    let mut response = (status, template).into_response();
    if let Some(origin) = &context.eid_origin {
        // "Confirm with eID" posts here and is redirected to the provider: forms may go there.
        response.headers_mut().insert(
            axum::http::header::CONTENT_SECURITY_POLICY,
            crate::web::security::csp_with_form_action(origin),
        );
    }
    response
}

fn intro(c: &Cases, step: Step) -> &'static str {
    match step {
        Step::Identity => c.identity_intro,
        Step::EmployeeEid => c.eid_intro,
        Step::Authorisation => c.authorisation_intro,
        Step::DataProcessing => c.data_processing_intro,
        Step::Submission => c.submission_intro,
        Step::PlannedTime => c.planned_time_intro,
        Step::Result => c.result_intro,
    }
}

fn channels(t: &Texts) -> Vec<(String, String)> {
    ContactChannel::ALL
        .into_iter()
        .map(|channel| {
            let label = labels::channel(t, channel);
            (channel.code().to_owned(), label.to_owned())
        })
        .collect()
}

/// The fields of a step's form, in form order, holding what was posted.
fn fields(
    t: &Texts,
    lang: Lang,
    step: Step,
    posted: &Posted,
    context: &Context,
    categories: &[String],
) -> Vec<Field> {
    let c = t.cases;
    let value = |name| posted.get(name);
    let chosen = |name| posted.all(name);
    match step {
        Step::Identity => {
            let documents = DocumentType::ALL
                .into_iter()
                .map(|doc| (doc.code().to_owned(), labels::document(t, doc).to_owned()))
                .collect();
            vec![
                Field::choose(
                    "doc_type",
                    c.doc_type,
                    Widget::Select,
                    documents,
                    &chosen("doc_type"),
                ),
                Field::text("doc_number", c.doc_number, value("doc_number")).max(NUMBER_MAX_CHARS),
                Field::text("issuing_state", c.issuing_state, value("issuing_state"))
                    .hint(c.issuing_state_hint)
                    .max(ISSUING_STATE_CHARS),
                Field::text("expires_on", c.expires_on, value("expires_on"))
                    .hint(c.date_hint)
                    .max(DATE_MAX_CHARS),
                Field::text(
                    "personal_code",
                    c.field_personal_code,
                    value("personal_code"),
                )
                .hint(c.personal_code_hint)
                .max(personal_code::TYPED_MAX_CHARS),
                Field::checkbox(
                    "check_digit_override",
                    c.check_digit_override,
                    posted.checked("check_digit_override"),
                )
                .optional(),
                Field::area(
                    "override_justification",
                    c.override_justification,
                    value("override_justification"),
                )
                .hint(c.override_justification_hint)
                .optional()
                .max(JUSTIFICATION_MAX_CHARS),
                Field::text("given_names", c.given_names, value("given_names")).max(NAME_MAX_CHARS),
                Field::text("surnames", c.surnames, value("surnames")).max(NAME_MAX_CHARS),
            ]
        }
        Step::EmployeeEid => {
            let means = context
                .means
                .iter()
                .map(|m| (m.code.clone(), lang.pick(&m.name_lv, &m.name_en).to_owned()))
                .collect();
            vec![
                Field::choose(
                    "means_code",
                    c.means_code,
                    Widget::Radios,
                    means,
                    &chosen("means_code"),
                ),
                Field::input("used_at", c.used_at, "datetime-local", value("used_at")),
            ]
        }
        Step::Authorisation => {
            let answers = vec![
                ("yes".to_owned(), c.yes.to_owned()),
                ("no".to_owned(), c.no.to_owned()),
            ];
            let mut version = Field::input(
                "notice_version",
                c.data_notice_version,
                "hidden",
                context
                    .notice
                    .as_ref()
                    .map(|notice| notice.version.to_string())
                    .unwrap_or_default(),
            );
            version.required = false;
            vec![
                version,
                Field::choose(
                    "wants_result",
                    c.wants_result,
                    Widget::Radios,
                    answers,
                    &chosen("wants_result"),
                ),
                Field::choose(
                    "channel",
                    c.channel,
                    Widget::Radios,
                    channels(t),
                    &chosen("channel"),
                )
                .optional(),
                Field::text("contact", c.contact, value("contact"))
                    .hint(c.contact_hint)
                    .optional()
                    .max(CONTACT_MAX_CHARS),
                Field::checkbox("signed", c.signed, posted.checked("signed")),
                Field::text(
                    "registration_number",
                    c.registration_number,
                    value("registration_number"),
                )
                .max(REGISTRATION_NUMBER_MAX_CHARS),
                Field::checkbox(
                    "copy_handed_over",
                    c.copy_handed_over,
                    posted.checked("copy_handed_over"),
                ),
            ]
        }
        Step::DataProcessing => {
            let options = categories
                .iter()
                .map(|code| (code.clone(), labels::category(t, code)))
                .collect();
            vec![
                Field::choose(
                    "categories",
                    c.categories,
                    Widget::Checkboxes,
                    options,
                    &chosen("categories"),
                ),
                Field::checkbox(
                    "purpose_only",
                    c.purpose_only,
                    posted.checked("purpose_only"),
                ),
            ]
        }
        Step::Submission => vec![
            Field::text("reference", c.reference, value("reference")).max(REFERENCE_MAX_CHARS),
            Field::input(
                "submitted_at",
                c.submitted_at,
                "datetime-local",
                value("submitted_at"),
            )
            .hint(c.now_hint)
            .optional(),
        ],
        Step::PlannedTime => {
            let mut fields = vec![Field::input(
                "planned_on",
                c.planned_on,
                "date",
                value("planned_on"),
            )];
            fields.extend(told_fields(t, posted, context));
            fields
        }
        Step::Result => {
            let outcomes = Outcome::ALL
                .into_iter()
                .map(|outcome| {
                    (
                        outcome.code().to_owned(),
                        labels::outcome(t, outcome).to_owned(),
                    )
                })
                .collect();
            let mut fields = vec![
                Field::choose(
                    "outcome",
                    c.outcome,
                    Widget::Radios,
                    outcomes,
                    &chosen("outcome"),
                ),
                Field::area("outcome_text", c.outcome_text, value("outcome_text"))
                    .hint(c.outcome_text_hint)
                    .optional()
                    .max(OUTCOME_TEXT_MAX_CHARS),
            ];
            fields.extend(told_fields(t, posted, context));
            fields
        }
    }
}

/// How and when the client was told (22.¹6 the planned time, 22.¹7 the result); first, where
/// the product may send the message itself, the choice to do so and the message's language.
fn told_fields(t: &Texts, posted: &Posted, context: &Context) -> Vec<Field> {
    let (c, m) = (t.cases, t.messages);
    let mut fields = Vec::new();
    let mut told_via = Field::choose(
        "told_via",
        c.told_via,
        Widget::Radios,
        channels(t),
        &posted.all("told_via"),
    );
    let mut told_at = Field::input(
        "told_at",
        c.told_at,
        "datetime-local",
        posted.get("told_at"),
    )
    .hint(c.now_hint)
    .optional();
    if let Some((channel, _)) = &context.offer {
        let label = match channel {
            MessageChannel::Email => m.send_by_email,
            MessageChannel::Sms => m.send_by_sms,
        };
        fields.push(
            Field::checkbox("send", label, posted.checked("send"))
                .hint(m.send_hint)
                .optional(),
        );
        let languages = vec![
            ("lv".to_owned(), m.lang_lv.to_owned()),
            ("en".to_owned(), m.lang_en.to_owned()),
        ];
        let mut chosen = posted.all("message_lang");
        if chosen.is_empty() {
            chosen.push("lv".to_owned());
        }
        fields.push(
            Field::choose(
                "message_lang",
                m.message_lang,
                Widget::Radios,
                languages,
                &chosen,
            )
            .optional(),
        );
        told_via = told_via.hint(m.told_hint_when_sending).optional();
        told_at = told_at.hint(m.told_hint_when_sending);
    }
    fields.push(told_via);
    fields.push(told_at);
    fields
}
