//! Versions of the data-use notice read to the client at 22.¹3 (GDPR Art. 13 items, in Latvian
//! and English). A version is edited only while it has never been shown to a client; after
//! that a change is a new version, prefilled from the latest one.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Done, Errors, FormPage, catalogue_errors, see_other_done};
use crate::domain::catalogue::NOTICE_ITEM_MAX_CHARS;
use crate::domain::today_in_riga;
use crate::present::format::date;
use crate::service::catalogue::{self, CatalogueError, NoticeInput};
use crate::store::{self, catalogue::NoticeSummary, catalogue::NoticeText};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::{Field, Posted};
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "admin/notices.html")]
pub struct NoticesPage {
    page: Page,
    notices: Vec<NoticeSummary>,
    notice: Option<&'static str>,
}

impl NoticesPage {
    fn shown_on(&self, notice: &NoticeSummary) -> Option<String> {
        notice.first_shown_at.map(|at| date(today_in_riga(at)))
    }
}

pub async fn list(db: Db, page: Page, Query(done): Query<Done>) -> Result<NoticesPage, AppError> {
    let notices = store::catalogue::notices(&mut *db.connection().await?).await?;
    let notice = done.message(&page);
    Ok(NoticesPage {
        page,
        notices,
        notice,
    })
}

/// One GDPR Art. 13 item of the form: its label, hint, and the Latvian and English fields.
pub struct Item<'a> {
    label: &'static str,
    hint: &'static str,
    lv: (&'static str, &'a str),
    en: (&'static str, &'a str),
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/notice_form.html")]
pub struct NoticeForm {
    page: Page,
    /// The version being edited or looked at; `None` for a new one.
    version: Option<Version>,
    form: NoticeInput,
    errors: Errors,
    notice: Option<&'static str>,
}

/// A stored version: its id, its number, and when it was first shown to a client (from then on
/// it can no longer be edited).
pub struct Version {
    id: i64,
    number: i32,
    shown_on: Option<String>,
}

impl NoticeForm {
    fn shown_on(&self) -> Option<&str> {
        self.version.as_ref()?.shown_on.as_deref()
    }

    fn effective_from(&self) -> Field {
        let a = self.page.t.admin;
        let value = self.form.effective_from.clone();
        Field::input("effective_from", a.effective_from, "date", value)
            .hint(a.effective_from_hint)
            .errors(&self.errors)
    }

    /// An item's Latvian and English wording, as two text areas.
    fn texts(&self, item: &Item<'_>) -> [Field; 2] {
        let a = self.page.t.admin;
        let area = |(name, value): (&'static str, &str), label, lang| {
            Field::area(name, label, value.to_owned())
                .lang(lang)
                .max(NOTICE_ITEM_MAX_CHARS)
                .errors(&self.errors)
        };
        [
            area(item.lv, a.in_latvian, "lv"),
            area(item.en, a.in_english, "en"),
        ]
    }

    fn items(&self) -> Vec<Item<'_>> {
        let t = self.page.t.admin;
        let x = &self.form.text;
        vec![
            Item {
                label: t.notice_controller,
                hint: t.notice_controller_hint,
                lv: ("controller_lv", &x.controller_lv),
                en: ("controller_en", &x.controller_en),
            },
            Item {
                label: t.notice_purposes,
                hint: t.notice_purposes_hint,
                lv: ("purposes_lv", &x.purposes_lv),
                en: ("purposes_en", &x.purposes_en),
            },
            Item {
                label: t.notice_recipients,
                hint: t.notice_recipients_hint,
                lv: ("recipients_lv", &x.recipients_lv),
                en: ("recipients_en", &x.recipients_en),
            },
            Item {
                label: t.notice_retention,
                hint: t.notice_retention_hint,
                lv: ("retention_lv", &x.retention_lv),
                en: ("retention_en", &x.retention_en),
            },
            Item {
                label: t.notice_rights,
                hint: t.notice_rights_hint,
                lv: ("rights_lv", &x.rights_lv),
                en: ("rights_en", &x.rights_en),
            },
            Item {
                label: t.notice_complaint,
                hint: t.notice_complaint_hint,
                lv: ("complaint_lv", &x.complaint_lv),
                en: ("complaint_en", &x.complaint_en),
            },
        ]
    }

    fn action(&self) -> String {
        match &self.version {
            Some(version) => format!("/admin/notices/{}", version.id),
            None => "/admin/notices/new".to_owned(),
        }
    }
}

impl FormPage for NoticeForm {
    type Record = Option<Version>;
    type Values = NoticeInput;

    fn build(
        page: Page,
        version: Option<Version>,
        form: NoticeInput,
        errors: Errors,
        notice: Option<&'static str>,
    ) -> Self {
        Self {
            page,
            version,
            form,
            errors,
            notice,
        }
    }
}

fn input(form: &Posted) -> NoticeInput {
    NoticeInput {
        effective_from: form.get("effective_from"),
        text: NoticeText {
            controller_lv: form.get("controller_lv"),
            controller_en: form.get("controller_en"),
            purposes_lv: form.get("purposes_lv"),
            purposes_en: form.get("purposes_en"),
            recipients_lv: form.get("recipients_lv"),
            recipients_en: form.get("recipients_en"),
            retention_lv: form.get("retention_lv"),
            retention_en: form.get("retention_en"),
            rights_lv: form.get("rights_lv"),
            rights_en: form.get("rights_en"),
            complaint_lv: form.get("complaint_lv"),
            complaint_en: form.get("complaint_en"),
        },
    }
}

/// A new version, prefilled with the latest version's text and today's date.
pub async fn new(
    State(state): State<AppState>,
    db: Db,
    page: Page,
) -> Result<NoticeForm, AppError> {
    let latest = store::catalogue::notice(&mut *db.connection().await?, None).await?;
    let values = NoticeInput {
        effective_from: today_in_riga(state.clock.now()).to_string(),
        text: latest.map(|notice| notice.text).unwrap_or_default(),
    };
    Ok(NoticeForm::fresh(page, None, values))
}

pub async fn create(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    form: Posted,
) -> Result<Response, AppError> {
    let form = input(&form);
    let outcome = catalogue::add_notice(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        &form,
    )
    .await;
    match outcome {
        Ok(id) => Ok(see_other_done(format!("/admin/notices/{id}"), "added")),
        Err(error) => {
            let errors = catalogue_errors(&page, error)?;
            Ok(NoticeForm::again(page, None, form, errors))
        }
    }
}

/// Version `id` and its values as stored.
async fn stored(db: &Db, id: i64) -> Result<(Version, NoticeInput), AppError> {
    let notice = store::catalogue::notice(&mut *db.connection().await?, Some(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let version = Version {
        id,
        number: notice.version,
        shown_on: notice.first_shown_at.map(|at| date(today_in_riga(at))),
    };
    let values = NoticeInput {
        effective_from: notice.effective_from.to_string(),
        text: notice.text,
    };
    Ok((version, values))
}

/// A version already shown to a client, which can no longer be edited.
fn cannot_edit(page: Page, version: Version, values: NoticeInput) -> Response {
    let form = NoticeForm::fresh(page, Some(version), values);
    (StatusCode::CONFLICT, form).into_response()
}

pub async fn show(
    db: Db,
    page: Page,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<NoticeForm, AppError> {
    let (version, values) = stored(&db, id).await?;
    Ok(NoticeForm::shown(page, Some(version), values, &done))
}

pub async fn update(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Posted,
) -> Result<Response, AppError> {
    let (version, values) = stored(&db, id).await?;
    if version.shown_on.is_some() {
        return Ok(cannot_edit(page, version, values));
    }
    let form = input(&form);
    let outcome = catalogue::edit_notice(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        id,
        &form,
    )
    .await;
    match outcome {
        Ok(()) => Ok(see_other_done(format!("/admin/notices/{id}"), "saved")),
        // Shown by a desk between the page's check and the update.
        Err(CatalogueError::NoticeShown) => {
            let (version, values) = stored(&db, id).await?;
            Ok(cannot_edit(page, version, values))
        }
        Err(error) => {
            let errors = catalogue_errors(&page, error)?;
            Ok(NoticeForm::again(page, Some(version), form, errors))
        }
    }
}
