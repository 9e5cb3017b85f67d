//! What an administrator does to the e-service catalogue, the qualified eID means and the
//! data-use notice versions: one function per operation, each validating its input (reporting
//! every problem at once, by form field), writing in one transaction and recording the change
//! in the audit trail. These belong to no centre, so their events go to the `system` chain.

use chrono::NaiveDate;
use serde_json::json;

use crate::audit;
use crate::audit::Action;
use crate::clock::Clock;
use crate::db::Source;
use crate::domain::catalogue::{
    CatalogueCode, DataCategory, EID_MEANS_NAME_MAX_CHARS, ESERVICE_TEXT_MAX_CHARS,
    NOTICE_ITEM_MAX_CHARS,
};
use crate::service::Actor;
use crate::store::{self, catalogue::EidMeans, catalogue::EserviceFields, catalogue::NoticeText};

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong,
    /// NUL or another control character, which no one types.
    ControlCharacters,
    BadCode,
    DuplicateCode,
    UnknownCategory,
    BadDate,
    /// A provider's name of a means: printable characters without spaces, at most 100.
    BadProviderValue,
    /// Another means has this provider value.
    DuplicateProviderValue,
}

/// The problems of a form, by field name.
pub type Problems = Vec<(&'static str, Problem)>;

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("invalid input")]
    Invalid(Problems),
    #[error("not found")]
    NotFound,
    /// The notice version has been shown to a client: a change is a new version.
    #[error("this notice version has been shown and cannot be edited")]
    NoticeShown,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn text<'a>(
    problems: &mut Problems,
    field: &'static str,
    value: &'a str,
    max_chars: usize,
) -> &'a str {
    let value = value.trim();
    match value.chars().count() {
        _ if crate::domain::has_control_characters(value) => {
            problems.push((field, Problem::ControlCharacters))
        }
        0 => problems.push((field, Problem::Required)),
        n if n > max_chars => problems.push((field, Problem::TooLong)),
        _ => {}
    }
    value
}

/// An entry's name in Latvian and in English, both required.
fn names<'a>(problems: &mut Problems, [lv, en]: [&'a str; 2], max_chars: usize) -> [&'a str; 2] {
    [
        text(problems, "name_lv", lv, max_chars),
        text(problems, "name_en", en, max_chars),
    ]
}

fn code(problems: &mut Problems, value: &str) -> String {
    match CatalogueCode::parse(value) {
        Some(code) => code.as_str().to_owned(),
        None => {
            problems.push(("code", Problem::BadCode));
            String::new()
        }
    }
}

fn done<T>(problems: Problems, value: T) -> Result<T, CatalogueError> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(CatalogueError::Invalid(problems))
    }
}

fn duplicate_code(error: sqlx::Error, key: &str) -> CatalogueError {
    if store::violates(&error, key) {
        CatalogueError::Invalid(vec![("code", Problem::DuplicateCode)])
    } else {
        error.into()
    }
}

fn duplicate_provider_value(error: sqlx::Error) -> CatalogueError {
    if store::violates(&error, store::catalogue::EID_MEANS_AMR_KEY) {
        CatalogueError::Invalid(vec![("amr", Problem::DuplicateProviderValue)])
    } else {
        error.into()
    }
}

async fn audit_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    action: Action,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let event = actor.event(audit::SYSTEM, action, details);
    audit::record(tx, clock.now(), event).await
}

/// An e-service as entered, before validation.
#[derive(Debug, Clone, Default)]
pub struct EserviceInput {
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
    pub institution: String,
    pub authorised_submission: bool,
    pub gives_planned_time: bool,
    pub gives_result: bool,
    pub data_categories: Vec<String>,
    pub active: bool,
}

struct CheckedEservice<'a> {
    code: String,
    name_lv: &'a str,
    name_en: &'a str,
    institution: &'a str,
    categories: Vec<String>,
}

fn check_eservice(input: &EserviceInput) -> Result<CheckedEservice<'_>, CatalogueError> {
    let mut problems = Problems::new();
    let code = code(&mut problems, &input.code);
    let [name_lv, name_en] = names(
        &mut problems,
        [&input.name_lv, &input.name_en],
        ESERVICE_TEXT_MAX_CHARS,
    );
    let institution = text(
        &mut problems,
        "institution",
        &input.institution,
        ESERVICE_TEXT_MAX_CHARS,
    );
    if input
        .data_categories
        .iter()
        .any(|code| DataCategory::from_code(code).is_none())
    {
        problems.push(("data_categories", Problem::UnknownCategory));
    }
    // In the catalogue's own order, each once.
    let categories = DataCategory::ALL
        .into_iter()
        .filter(|category| input.data_categories.iter().any(|c| c == category.code()))
        .map(|category| category.code().to_owned())
        .collect();
    done(
        problems,
        CheckedEservice {
            code,
            name_lv,
            name_en,
            institution,
            categories,
        },
    )
}

fn eservice_fields<'a>(
    input: &EserviceInput,
    checked: &'a CheckedEservice<'a>,
) -> EserviceFields<'a> {
    EserviceFields {
        code: &checked.code,
        name_lv: checked.name_lv,
        name_en: checked.name_en,
        institution: checked.institution,
        authorised_submission: input.authorised_submission,
        gives_planned_time: input.gives_planned_time,
        gives_result: input.gives_result,
        data_categories: &checked.categories,
        active: input.active,
    }
}

fn eservice_details(id: i64, fields: &EserviceFields<'_>) -> serde_json::Value {
    json!({
        "eservice_id": id, "code": fields.code,
        "authorised_submission": fields.authorised_submission,
        "gives_planned_time": fields.gives_planned_time,
        "gives_result": fields.gives_result,
        "data_categories": fields.data_categories, "active": fields.active,
    })
}

pub async fn add_eservice(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    input: &EserviceInput,
) -> Result<i64, CatalogueError> {
    save_eservice(db, clock, actor, None, input).await
}

pub async fn edit_eservice(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: i64,
    input: &EserviceInput,
) -> Result<(), CatalogueError> {
    save_eservice(db, clock, actor, Some(id), input)
        .await
        .map(drop)
}

/// Adds an e-service (`id` is `None`) or replaces the fields of e-service `id`, with the
/// change's audit event in the same transaction.
async fn save_eservice(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: Option<i64>,
    input: &EserviceInput,
) -> Result<i64, CatalogueError> {
    let checked = check_eservice(input)?;
    let fields = eservice_fields(input, &checked);
    let mut tx = db.begin().await?;
    let (saved, action) = match id {
        None => (
            store::catalogue::insert_eservice(&mut tx, &fields)
                .await
                .map(Some),
            Action::EserviceAdded,
        ),
        Some(id) => (
            store::catalogue::update_eservice(&mut tx, id, &fields)
                .await
                .map(|found| found.then_some(id)),
            Action::EserviceChanged,
        ),
    };
    let id = saved
        .map_err(|error| duplicate_code(error, store::catalogue::ESERVICE_CODE_KEY))?
        .ok_or(CatalogueError::NotFound)?;
    audit_change(&mut tx, clock, actor, action, eservice_details(id, &fields)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A qualified eID means as entered, before validation.
#[derive(Debug, Clone, Default)]
pub struct EidMeansInput {
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
    pub active: bool,
    /// What the qualified eID provider calls it (`amr`); empty: not matched at *Confirm with eID*.
    pub amr: String,
}

fn check_eid_means(input: &EidMeansInput) -> Result<EidMeans, CatalogueError> {
    let mut problems = Problems::new();
    let code = code(&mut problems, &input.code);
    let [name_lv, name_en] = names(
        &mut problems,
        [&input.name_lv, &input.name_en],
        EID_MEANS_NAME_MAX_CHARS,
    )
    .map(str::to_owned);
    let amr = input.amr.trim();
    let amr = if amr.is_empty() {
        None
    } else if amr.len() <= 100 && amr.chars().all(|c| c.is_ascii_graphic()) {
        Some(amr.to_owned())
    } else {
        problems.push(("amr", Problem::BadProviderValue));
        None
    };
    done(
        problems,
        EidMeans {
            code,
            name_lv,
            name_en,
            active: input.active,
            amr,
        },
    )
}

pub async fn add_eid_means(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    input: &EidMeansInput,
) -> Result<String, CatalogueError> {
    save_eid_means(db, clock, actor, Saving::New, input).await
}

/// Renames or (de)activates the means `input.code` (the code itself never changes: recorded
/// cases name it).
pub async fn edit_eid_means(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    input: &EidMeansInput,
) -> Result<(), CatalogueError> {
    save_eid_means(db, clock, actor, Saving::Existing, input)
        .await
        .map(drop)
}

/// Whether a save adds an entry or changes one already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saving {
    New,
    Existing,
}

async fn save_eid_means(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    saving: Saving,
    input: &EidMeansInput,
) -> Result<String, CatalogueError> {
    let means = check_eid_means(input)?;
    let mut tx = db.begin().await?;
    let action = match saving {
        Saving::New => {
            store::catalogue::insert_eid_means(&mut tx, &means)
                .await
                .map_err(|error| duplicate_code(error, store::catalogue::EID_MEANS_CODE_KEY))
                .map_err(|error| match error {
                    CatalogueError::Database(error) => duplicate_provider_value(error),
                    other => other,
                })?;
            Action::EidMeansAdded
        }
        Saving::Existing => {
            let updated = store::catalogue::update_eid_means(&mut tx, &means)
                .await
                .map_err(duplicate_provider_value)?;
            if !updated {
                return Err(CatalogueError::NotFound);
            }
            Action::EidMeansChanged
        }
    };
    let details = json!({ "code": means.code, "active": means.active, "amr": means.amr });
    audit_change(&mut tx, clock, actor, action, details).await?;
    tx.commit().await?;
    Ok(means.code)
}

/// A notice version as entered, before validation.
#[derive(Debug, Clone, Default)]
pub struct NoticeInput {
    pub effective_from: String,
    pub text: NoticeText,
}

fn check_notice(input: &NoticeInput) -> Result<(NaiveDate, NoticeText), CatalogueError> {
    let mut problems = Problems::new();
    let effective_from = NaiveDate::parse_from_str(input.effective_from.trim(), "%Y-%m-%d");
    if effective_from.is_err() {
        problems.push(("effective_from", Problem::BadDate));
    }
    let t = &input.text;
    let mut item =
        |field, value: &str| text(&mut problems, field, value, NOTICE_ITEM_MAX_CHARS).to_owned();
    let text = NoticeText {
        controller_lv: item("controller_lv", &t.controller_lv),
        controller_en: item("controller_en", &t.controller_en),
        purposes_lv: item("purposes_lv", &t.purposes_lv),
        purposes_en: item("purposes_en", &t.purposes_en),
        recipients_lv: item("recipients_lv", &t.recipients_lv),
        recipients_en: item("recipients_en", &t.recipients_en),
        retention_lv: item("retention_lv", &t.retention_lv),
        retention_en: item("retention_en", &t.retention_en),
        rights_lv: item("rights_lv", &t.rights_lv),
        rights_en: item("rights_en", &t.rights_en),
        complaint_lv: item("complaint_lv", &t.complaint_lv),
        complaint_en: item("complaint_en", &t.complaint_en),
    };
    match effective_from {
        Ok(date) => done(problems, (date, text)),
        Err(_) => Err(CatalogueError::Invalid(problems)),
    }
}

/// Adds the next version of the notice; returns its id.
pub async fn add_notice(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    input: &NoticeInput,
) -> Result<i64, CatalogueError> {
    let (effective_from, text) = check_notice(input)?;
    let mut tx = db.begin().await?;
    // The next version number is read inside the insert: two administrators adding a version
    // at once take turns instead of one of them hitting the unique key.
    sqlx::query!("LOCK TABLE data_notices IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let (id, version) = store::catalogue::insert_notice(&mut tx, effective_from, &text).await?;
    let details = json!({
        "notice_id": id, "version": version, "effective_from": effective_from.to_string(),
    });
    audit_change(&mut tx, clock, actor, Action::NoticeVersionAdded, details).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits a version that has never been shown to a client.
pub async fn edit_notice(
    db: impl Source<'_>,
    clock: &dyn Clock,
    actor: Actor<'_>,
    id: i64,
    input: &NoticeInput,
) -> Result<(), CatalogueError> {
    let (effective_from, text) = check_notice(input)?;
    let mut tx = db.begin().await?;
    if !store::catalogue::update_unshown_notice(&mut tx, id, effective_from, &text).await? {
        let exists = store::catalogue::notice(&mut *tx, Some(id))
            .await?
            .is_some();
        return Err(if exists {
            CatalogueError::NoticeShown
        } else {
            CatalogueError::NotFound
        });
    }
    let details = json!({ "notice_id": id, "effective_from": effective_from.to_string() });
    audit_change(&mut tx, clock, actor, Action::NoticeVersionChanged, details).await?;
    tx.commit().await?;
    Ok(())
}
