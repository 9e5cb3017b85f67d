//! The administrator-managed catalogues: e-services, qualified eID means and the data-use
//! notice versions.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::PgExecutor;

use super::cases::select_notice;

pub const ESERVICE_CODE_KEY: &str = "eservices_code_key";
pub const EID_MEANS_CODE_KEY: &str = "eid_means_pkey";
pub const EID_MEANS_AMR_KEY: &str = "eid_means_amr_key";
pub const NOTICE_VERSION_KEY: &str = "data_notices_version_key";

/// An e-service of the catalogue.
#[derive(Debug, Clone)]
pub struct Eservice {
    pub id: i64,
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
    pub institution: String,
    pub authorised_submission: bool,
    pub gives_planned_time: bool,
    pub gives_result: bool,
    pub data_categories: Vec<String>,
    pub is_example: bool,
    pub active: bool,
}

/// What an administrator enters for an e-service (validated).
#[derive(Debug, Clone)]
pub struct EserviceFields<'a> {
    pub code: &'a str,
    pub name_lv: &'a str,
    pub name_en: &'a str,
    pub institution: &'a str,
    pub authorised_submission: bool,
    pub gives_planned_time: bool,
    pub gives_result: bool,
    pub data_categories: &'a [String],
    pub active: bool,
}

pub async fn eservices(db: impl PgExecutor<'_>) -> Result<Vec<Eservice>, sqlx::Error> {
    sqlx::query_as!(
        Eservice,
        "SELECT id, code, name_lv, name_en, institution, authorised_submission,
                gives_planned_time, gives_result, data_categories, is_example, active
         FROM eservices ORDER BY active DESC, name_lv"
    )
    .fetch_all(db)
    .await
}

pub async fn eservice(db: impl PgExecutor<'_>, id: i64) -> Result<Option<Eservice>, sqlx::Error> {
    sqlx::query_as!(
        Eservice,
        "SELECT id, code, name_lv, name_en, institution, authorised_submission,
                gives_planned_time, gives_result, data_categories, is_example, active
         FROM eservices WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

pub async fn insert_eservice(
    connection: &mut PgConnection,
    fields: &EserviceFields<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO eservices (code, name_lv, name_en, institution, authorised_submission,
                                gives_planned_time, gives_result, data_categories, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        fields.code,
        fields.name_lv,
        fields.name_en,
        fields.institution,
        fields.authorised_submission,
        fields.gives_planned_time,
        fields.gives_result,
        fields.data_categories,
        fields.active,
    )
    .fetch_one(connection)
    .await
}

/// Updates e-service `id`; false when there is none.
pub async fn update_eservice(
    connection: &mut PgConnection,
    id: i64,
    fields: &EserviceFields<'_>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE eservices SET code = $2, name_lv = $3, name_en = $4, institution = $5,
                authorised_submission = $6, gives_planned_time = $7, gives_result = $8,
                data_categories = $9, active = $10
         WHERE id = $1",
        id,
        fields.code,
        fields.name_lv,
        fields.name_en,
        fields.institution,
        fields.authorised_submission,
        fields.gives_planned_time,
        fields.gives_result,
        fields.data_categories,
        fields.active,
    )
    .execute(connection)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A qualified electronic identification means (22.¹2).
#[derive(Debug, Clone)]
pub struct EidMeans {
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
    pub active: bool,
    /// What the qualified eID provider calls it (`amr`), if set.
    pub amr: Option<String>,
}

pub async fn eid_means(db: impl PgExecutor<'_>) -> Result<Vec<EidMeans>, sqlx::Error> {
    sqlx::query_as!(
        EidMeans,
        "SELECT code, name_lv, name_en, active, amr FROM eid_means ORDER BY active DESC, name_lv"
    )
    .fetch_all(db)
    .await
}

pub async fn eid_means_by_code(
    db: impl PgExecutor<'_>,
    code: &str,
) -> Result<Option<EidMeans>, sqlx::Error> {
    sqlx::query_as!(
        EidMeans,
        "SELECT code, name_lv, name_en, active, amr FROM eid_means WHERE code = $1",
        code
    )
    .fetch_optional(db)
    .await
}

pub async fn insert_eid_means(
    connection: &mut PgConnection,
    means: &EidMeans,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO eid_means (code, name_lv, name_en, active, amr) VALUES ($1, $2, $3, $4, $5)",
        means.code,
        means.name_lv,
        means.name_en,
        means.active,
        means.amr,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// Renames or (de)activates the means `code`; false when there is none.
pub async fn update_eid_means(
    connection: &mut PgConnection,
    means: &EidMeans,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE eid_means SET name_lv = $2, name_en = $3, active = $4, amr = $5 WHERE code = $1",
        means.code,
        means.name_lv,
        means.name_en,
        means.active,
        means.amr,
    )
    .execute(connection)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The text of a data-use notice, item by item (GDPR Art. 13), in both languages.
#[derive(Debug, Clone, Default)]
pub struct NoticeText {
    pub controller_lv: String,
    pub controller_en: String,
    pub purposes_lv: String,
    pub purposes_en: String,
    pub recipients_lv: String,
    pub recipients_en: String,
    pub retention_lv: String,
    pub retention_en: String,
    pub rights_lv: String,
    pub rights_en: String,
    pub complaint_lv: String,
    pub complaint_en: String,
}

/// A version of the data-use notice.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: i64,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub first_shown_at: Option<DateTime<Utc>>,
    pub text: NoticeText,
}

/// A notice version as lists show it.
#[derive(Debug, Clone)]
pub struct NoticeSummary {
    pub id: i64,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub first_shown_at: Option<DateTime<Utc>>,
}

pub async fn notices(db: impl PgExecutor<'_>) -> Result<Vec<NoticeSummary>, sqlx::Error> {
    sqlx::query_as!(
        NoticeSummary,
        r#"SELECT id, version, effective_from AS "effective_from: NaiveDate",
                  first_shown_at AS "first_shown_at: DateTime<Utc>"
           FROM data_notices ORDER BY version DESC"#
    )
    .fetch_all(db)
    .await
}

impl From<super::cases::Notice> for Notice {
    fn from(row: super::cases::Notice) -> Self {
        Notice {
            id: row.id,
            version: row.version,
            effective_from: row.effective_from,
            first_shown_at: row.first_shown_at,
            text: NoticeText {
                controller_lv: row.controller_lv,
                controller_en: row.controller_en,
                purposes_lv: row.purposes_lv,
                purposes_en: row.purposes_en,
                recipients_lv: row.recipients_lv,
                recipients_en: row.recipients_en,
                retention_lv: row.retention_lv,
                retention_en: row.retention_en,
                rights_lv: row.rights_lv,
                rights_en: row.rights_en,
                complaint_lv: row.complaint_lv,
                complaint_en: row.complaint_en,
            },
        }
    }
}

/// The version `id`, or the latest version when `id` is `None`.
pub async fn notice(
    db: impl PgExecutor<'_>,
    id: Option<i64>,
) -> Result<Option<Notice>, sqlx::Error> {
    let row = select_notice!(
        "WHERE id = $1 OR $1 IS NULL ORDER BY version DESC LIMIT 1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Notice::from))
}

/// Adds the next version; returns its id and version number.
pub async fn insert_notice(
    connection: &mut PgConnection,
    effective_from: NaiveDate,
    text: &NoticeText,
) -> Result<(i64, i32), sqlx::Error> {
    let row = sqlx::query!(
        "INSERT INTO data_notices (version, effective_from,
             controller_lv, controller_en, purposes_lv, purposes_en, recipients_lv, recipients_en,
             retention_lv, retention_en, rights_lv, rights_en, complaint_lv, complaint_en)
         VALUES ((SELECT coalesce(max(version), 0) + 1 FROM data_notices), $1,
                 $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         RETURNING id, version",
        effective_from as _,
        text.controller_lv,
        text.controller_en,
        text.purposes_lv,
        text.purposes_en,
        text.recipients_lv,
        text.recipients_en,
        text.retention_lv,
        text.retention_en,
        text.rights_lv,
        text.rights_en,
        text.complaint_lv,
        text.complaint_en,
    )
    .fetch_one(connection)
    .await?;
    Ok((row.id, row.version))
}

/// Edits version `id` if it has never been shown; false otherwise (the database's trigger
/// refuses such an edit too).
pub async fn update_unshown_notice(
    connection: &mut PgConnection,
    id: i64,
    effective_from: NaiveDate,
    text: &NoticeText,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "UPDATE data_notices SET effective_from = $2,
             controller_lv = $3, controller_en = $4, purposes_lv = $5, purposes_en = $6,
             recipients_lv = $7, recipients_en = $8, retention_lv = $9, retention_en = $10,
             rights_lv = $11, rights_en = $12, complaint_lv = $13, complaint_en = $14
         WHERE id = $1 AND first_shown_at IS NULL",
        id,
        effective_from as _,
        text.controller_lv,
        text.controller_en,
        text.purposes_lv,
        text.purposes_en,
        text.recipients_lv,
        text.recipients_en,
        text.retention_lv,
        text.retention_en,
        text.rights_lv,
        text.rights_en,
        text.complaint_lv,
        text.complaint_en,
    )
    .execute(connection)
    .await?;
    Ok(result.rows_affected() == 1)
}
