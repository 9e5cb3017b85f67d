//! `/admin/messages`: the texts of the messages to the client (22.¹6, 22.¹7), the default for
//! every e-service and an e-service's own, per language. Saving makes a new version (a version
//! that was sent is never changed); a text with a placeholder the product does not know is
//! refused with the message beside the field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Done;
use crate::domain::messages::{BODY_MAX_CHARS, SUBJECT_MAX_CHARS};
use crate::domain::steps::FieldErrors;
use crate::domain::workflow::Step;
use crate::i18n::Lang;
use crate::service::outbox::{self, TemplateError, TemplateInput};
use crate::store::cases::openable_eservices;
use crate::store::messages::current_template;
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::{Errors, Field, Posted, attach_errors, form_status, summary};
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

/// One of the texts of the chosen e-service: a link to its form.
pub struct TextLink {
    href: String,
    label: String,
    version: Option<i32>,
    chosen: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/messages.html")]
pub struct MessagesPage {
    page: Page,
    /// (link, name, chosen) of "all e-services" and each e-service.
    eservices: Vec<(String, String, bool)>,
    texts: Vec<TextLink>,
    /// The chosen text's form: its hidden keys and its fields.
    keys: Vec<(&'static str, String)>,
    heading: String,
    version: Option<i32>,
    /// The e-service has no text of its own; the default is shown.
    inherited: bool,
    fields: Vec<Field>,
    errors: Errors,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Which {
    #[serde(default)]
    eservice: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// Which text: an e-service (none: the default), a language, a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Chosen {
    eservice: Option<i64>,
    lang: Lang,
    step: Step,
}

impl Chosen {
    fn read(eservice: Option<&str>, lang: Option<&str>, step: Option<&str>) -> Self {
        Self {
            eservice: eservice.and_then(|raw| raw.trim().parse().ok()),
            lang: lang.and_then(Lang::from_code).unwrap_or(Lang::Lv),
            step: step
                .and_then(Step::from_slug)
                .filter(|step| STEPS.contains(step))
                .unwrap_or(Step::PlannedTime),
        }
    }

    fn href(self) -> String {
        let eservice = self
            .eservice
            .map(|id| format!("eservice={id}&"))
            .unwrap_or_default();
        format!(
            "/admin/messages?{eservice}lang={}&step={}",
            self.lang.code(),
            self.step.slug()
        )
    }
}

const STEPS: [Step; 2] = [Step::PlannedTime, Step::Result];

pub async fn show(db: Db, page: Page, Query(which): Query<Which>) -> Result<Response, AppError> {
    let chosen = Chosen::read(
        which.eservice.as_deref(),
        which.lang.as_deref(),
        which.step.as_deref(),
    );
    let notice = Done { done: which.done }.message(&page);
    render(&db, page, chosen, None, notice).await
}

pub async fn save(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    posted: Posted,
) -> Result<Response, AppError> {
    let (eservice, lang, step) = (
        posted.get("eservice"),
        posted.get("lang"),
        posted.get("step"),
    );
    let chosen = Chosen::read(Some(&eservice), Some(&lang), Some(&step));
    let input = TemplateInput {
        eservice_id: chosen.eservice,
        lang: chosen.lang,
        step: chosen.step,
        subject: posted.get("subject"),
        body: posted.get("body"),
    };
    let clock = state.clock.as_ref();
    let outcome = outbox::save_template(
        &mut *db.connection().await?,
        clock,
        user.staff().actor(),
        &input,
    )
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("{}&done=saved", chosen.href())).into_response()),
        Err(TemplateError::Invalid(errors)) => {
            let typed = (input.subject.clone(), input.body.clone());
            render(&db, page, chosen, Some((typed, &errors)), None).await
        }
        Err(TemplateError::Database(error)) => Err(error.into()),
    }
}

/// The page; `refused`: the text just posted and what was wrong with it.
async fn render(
    db: &Db,
    page: Page,
    chosen: Chosen,
    refused: Option<((String, String), &FieldErrors)>,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let all = openable_eservices(&mut *db.connection().await?).await?;
    let chosen = Chosen {
        eservice: chosen.eservice.filter(|id| all.iter().any(|e| e.id == *id)),
        ..chosen
    };
    let m = page.t.messages;
    let mut eservices = vec![(
        Chosen {
            eservice: None,
            ..chosen
        }
        .href(),
        m.templates_all_eservices.to_owned(),
        chosen.eservice.is_none(),
    )];
    eservices.extend(all.iter().map(|e| {
        (
            Chosen {
                eservice: Some(e.id),
                ..chosen
            }
            .href(),
            page.lang.pick(&e.name_lv, &e.name_en).to_owned(),
            chosen.eservice == Some(e.id),
        )
    }));
    let mut texts = Vec::new();
    let mut current = None;
    for lang in Lang::ALL {
        for step in STEPS {
            let this = Chosen {
                lang,
                step,
                ..chosen
            };
            let template = current_template(
                &mut *db.connection().await?,
                chosen.eservice,
                lang.code(),
                step,
            )
            .await?;
            let language = match lang {
                Lang::Lv => m.lang_lv,
                Lang::En => m.lang_en,
            };
            texts.push(TextLink {
                href: this.href(),
                label: format!(
                    "{} {} ({language})",
                    step.subpoint(),
                    labels::duty(page.t, step)
                ),
                version: template.as_ref().map(|(t, _)| t.version),
                chosen: this == chosen,
            });
            if this == chosen {
                current = template;
            }
        }
    }
    let (subject, body) = match (&refused, &current) {
        (Some((typed, _)), _) => typed.clone(),
        (None, Some((template, _))) => (template.subject.clone(), template.body.clone()),
        (None, None) => (String::new(), String::new()),
    };
    let mut fields = vec![
        Field::text("subject", m.template_subject, subject).max(SUBJECT_MAX_CHARS),
        Field::area("body", m.template_body, body).max(BODY_MAX_CHARS),
    ];
    let no_errors = FieldErrors::default();
    let errors = refused.map_or(&no_errors, |(_, errors)| errors);
    attach_errors(page.t, &mut fields, errors);
    let language = match chosen.lang {
        Lang::Lv => m.lang_lv,
        Lang::En => m.lang_en,
    };
    let heading = format!(
        "{} {} ({language})",
        chosen.step.subpoint(),
        labels::duty(page.t, chosen.step)
    );
    let keys = vec![
        (
            "eservice",
            chosen.eservice.map(|id| id.to_string()).unwrap_or_default(),
        ),
        ("lang", chosen.lang.code().to_owned()),
        ("step", chosen.step.slug().to_owned()),
    ];
    let status = form_status(errors, false);
    let page = MessagesPage {
        page,
        eservices,
        texts,
        keys,
        heading,
        version: current.as_ref().map(|(template, _)| template.version),
        inherited: chosen.eservice.is_some() && current.as_ref().is_some_and(|(_, own)| !own),
        errors: summary(&fields),
        fields,
        notice,
    };
    Ok((status, page).into_response())
}
