//! Spot-check samples: the list, drawing one, and one sample's cases.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::verdict_text;
use crate::domain::figures::{month_code, previous_month};
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::today_in_riga;
use crate::present::format::riga_time;
use crate::service;
use crate::service::review::Drawn;
use crate::store;
use crate::store::review::CentreOption;
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::form::Errors;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

/// How many earlier samples the spot-check page lists.
const SAMPLES_LISTED: i64 = 24;

pub struct SampleLine {
    pub id: i64,
    pub centre: String,
    pub month: String,
    pub percent: i16,
    pub population: i32,
    pub drawn_by: String,
    pub drawn_at: String,
}

impl SampleLine {
    fn new(sample: store::review::Sample) -> Self {
        Self {
            id: sample.id,
            centre: sample.centre_code,
            month: month_code(sample.month),
            percent: sample.percent,
            population: sample.population,
            drawn_by: sample.drawn_by,
            drawn_at: riga_time(sample.drawn_at),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "review/samples.html")]
pub struct SamplesPage {
    page: Page,
    month: String,
    centres: Vec<CentreOption>,
    samples: Vec<SampleLine>,
    errors: Errors,
    centre: String,
    percent: String,
}

impl SamplesPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

async fn samples_page(
    state: &AppState,
    db: &Db,
    page: Page,
    user: &CurrentUser,
    form: &DrawForm,
    errors: Errors,
) -> Result<Response, AppError> {
    let month = previous_month(today_in_riga(state.clock.now()));
    let samples =
        store::review::recent_samples(&mut *db.connection().await?, &user.centres, SAMPLES_LISTED)
            .await?;
    Ok(SamplesPage {
        page,
        month: month_code(month),
        centres: store::review::centres(&mut *db.connection().await?, &user.centres).await?,
        samples: samples.into_iter().map(SampleLine::new).collect(),
        errors,
        centre: form.centre.clone(),
        percent: form.percent.clone(),
    }
    .into_response())
}

pub async fn samples(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let form = DrawForm {
        centre: String::new(),
        percent: "10".to_owned(),
    };
    samples_page(&state, &db, page, &user, &form, Errors::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DrawForm {
    centre: String,
    percent: String,
}

/// Draws last month's sample of a centre, or shows the one already drawn.
pub async fn draw(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Form(form): Form<DrawForm>,
) -> Result<Response, AppError> {
    let centre = form
        .centre
        .trim()
        .parse::<CentreId>()
        .ok()
        .filter(|id| user.centres.contains(id));
    let percent = form
        .percent
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| (1..=100).contains(p));
    let (Some(centre), Some(percent)) = (centre, percent) else {
        let mut errors = Errors::default();
        if centre.is_none() {
            errors.push("centre", page.t.review.error_centre);
        }
        if percent.is_none() {
            errors.push("percent", page.t.review.error_percent);
        }
        return samples_page(&state, &db, page, &user, &form, errors).await;
    };
    let drawn = service::review::draw(
        &mut *db.connection().await?,
        state.clock.now(),
        user.staff(),
        centre,
        percent,
    )
    .await?;
    let sample_id = match drawn {
        Drawn::Sample(id) => id,
        Drawn::NothingToDraw => {
            let errors = Errors::one("centre", page.t.review.error_nothing_to_draw);
            return samples_page(&state, &db, page, &user, &form, errors).await;
        }
    };
    Ok(Redirect::to(&format!("/review/samples/{sample_id}")).into_response())
}

pub struct SampleCaseLine {
    pub position: i32,
    pub case_id: CaseId,
    pub eservice: String,
    pub closed: String,
    pub review: &'static str,
    pub reviewed: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/sample.html")]
pub struct SamplePage {
    page: Page,
    sample: SampleLine,
    seed: u64,
    cases: Vec<SampleCaseLine>,
    reviewed: usize,
}

pub async fn sample(
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let sample = store::review::sample(&mut *db.connection().await?, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let cases = store::review::sample_cases(&mut *db.connection().await?, id).await?;
    let t = page.t;
    let cases: Vec<SampleCaseLine> = cases
        .into_iter()
        .map(|case| SampleCaseLine {
            position: case.position,
            case_id: case.case_id,
            eservice: page
                .lang
                .pick(&case.eservice_name_lv, &case.eservice_name_en)
                .to_owned(),
            closed: case.closed_at.map(riga_time).unwrap_or_default(),
            review: verdict_text(t, case.verdict),
            reviewed: case.verdict.is_some(),
        })
        .collect();
    Ok(SamplePage {
        seed: sample.seed as u64,
        reviewed: cases.iter().filter(|case| case.reviewed).count(),
        sample: SampleLine::new(sample),
        cases,
        page,
    }
    .into_response())
}
