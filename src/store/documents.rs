//! The printed documents: the case data they are made from, the authorisation's record and
//! prints, number allocation, and the data-use notice versions.
//!
//! Every case query takes the reader's centres, so a case outside them is simply not found.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::ids::{CaseId, CentreId, StaffId};
use crate::domain::staff::CentreContact;

use super::cases::{Notice, select_notice};

/// What the documents need of a case, its centre and its e-service.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: CaseId,
    pub centre_id: CentreId,
    pub centre_code: String,
    pub centre_name: String,
    pub municipality: String,
    pub centre_contact: Json<CentreContact>,
    pub stopped: bool,
    pub erased: bool,
    pub opened_by_name: String,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub institution: String,
}

#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub document_number: String,
    pub verification_code: String,
    pub snapshot: Option<Value>,
    pub sha256: Vec<u8>,
}

/// A new authorisation record, written at the first print.
#[derive(Debug)]
pub struct NewDocument<'a> {
    pub case_id: CaseId,
    pub centre_id: CentreId,
    pub year: i16,
    pub sequence: i32,
    pub document_number: &'a str,
    pub verification_code: &'a str,
    pub snapshot: &'a Value,
    pub sha256: &'a [u8],
    pub printed_by: StaffId,
    pub printed_at: DateTime<Utc>,
}

/// A document found by number, for the verification page.
#[derive(Debug, Clone)]
pub struct FoundDocument {
    pub case_id: CaseId,
    pub centre_id: CentreId,
    pub centre_name: String,
    pub verification_code: String,
    pub first_printed_at: DateTime<Utc>,
    /// Closed or stopped (only a finished case has a review page).
    pub finished: bool,
}

/// Locks the case row until the transaction ends, so two first prints of one case cannot both
/// allocate a number. `None` when the case is not in `centres`.
pub async fn lock_case(
    connection: &mut PgConnection,
    case_id: CaseId,
    centres: &[CentreId],
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM cases WHERE id = $1 AND centre_id = ANY($2) FOR UPDATE",
        case_id as _,
        centres as _,
    )
    .fetch_optional(connection)
    .await
}

/// The case with its centre and e-service; `None` when it is not in `centres`.
pub async fn case(
    connection: &mut PgConnection,
    case_id: CaseId,
    centres: &[CentreId],
) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as!(
        CaseRow,
        r#"SELECT c.id, c.centre_id, ce.code AS centre_code, ce.name AS centre_name,
                  ce.municipality, ce.contact AS "centre_contact: Json<CentreContact>",
                  c.status = 'stopped' AS "stopped!",
                  c.erased_at IS NOT NULL AS "erased!", s.full_name AS opened_by_name,
                  e.name_lv AS eservice_name_lv, e.name_en AS eservice_name_en, e.institution
           FROM cases c
           JOIN centres ce ON ce.id = c.centre_id
           JOIN eservices e ON e.id = c.eservice_id
           JOIN staff s ON s.id = c.opened_by
           WHERE c.id = $1 AND c.centre_id = ANY($2)"#,
        case_id as _,
        centres as _,
    )
    .fetch_optional(connection)
    .await
}

pub async fn notice(
    connection: &mut PgConnection,
    version: i32,
) -> Result<Option<Notice>, sqlx::Error> {
    select_notice!("WHERE version = $1", version)
        .fetch_optional(connection)
        .await
}

/// Marks notice `version` shown at `at`, unless it was shown before; from then on the table's
/// trigger refuses to edit it.
pub async fn mark_notice_version_shown(
    connection: &mut PgConnection,
    version: i32,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE data_notices SET first_shown_at = $2 WHERE version = $1 AND first_shown_at IS NULL",
        version,
        at as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// The case's authorisation record, if it was printed.
pub async fn document(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        "SELECT document_number, verification_code, snapshot, sha256
         FROM authorisation_documents WHERE case_id = $1",
        case_id as _,
    )
    .fetch_optional(connection)
    .await
}

/// How many times the case's authorisation was printed (the first print and every reprint).
pub async fn print_count(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM authorisation_prints WHERE case_id = $1"#,
        case_id as _
    )
    .fetch_one(connection)
    .await
}

/// The next number of `centre_id` in `year`. The upsert holds the counter row's lock until the
/// transaction ends (as `SELECT … FOR UPDATE` would), so concurrent prints take turns and a
/// number is lost only when its print is rolled back.
pub async fn allocate_sequence(
    connection: &mut PgConnection,
    centre_id: CentreId,
    year: i16,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO authorisation_number_counters (centre_id, year, last_number)
         VALUES ($1, $2, 1)
         ON CONFLICT (centre_id, year)
         DO UPDATE SET last_number = authorisation_number_counters.last_number + 1
         RETURNING last_number",
        centre_id as _,
        year,
    )
    .fetch_one(connection)
    .await
}

pub async fn insert_document(
    connection: &mut PgConnection,
    document: &NewDocument<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO authorisation_documents
             (case_id, centre_id, year, sequence, document_number, verification_code, snapshot,
              sha256, first_printed_by, first_printed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        document.case_id as _,
        document.centre_id as _,
        document.year,
        document.sequence,
        document.document_number,
        document.verification_code,
        document.snapshot,
        document.sha256,
        document.printed_by as _,
        document.printed_at as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// Records one print; its id.
pub async fn insert_print(
    connection: &mut PgConnection,
    case_id: CaseId,
    printed_by: StaffId,
    printed_at: DateTime<Utc>,
    sha256: &[u8],
    reprint: bool,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO authorisation_prints (case_id, printed_by, printed_at, sha256, reprint)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        case_id as _,
        printed_by as _,
        printed_at as _,
        sha256,
        reprint,
    )
    .fetch_one(connection)
    .await
}

/// The document numbered `document_number` in one of `centres`.
pub async fn find_by_number(
    db: impl PgExecutor<'_>,
    document_number: &str,
    centres: &[CentreId],
) -> Result<Option<FoundDocument>, sqlx::Error> {
    sqlx::query_as!(
        FoundDocument,
        r#"SELECT d.case_id, d.centre_id, ce.name AS centre_name, d.verification_code,
                  d.first_printed_at AS "first_printed_at: DateTime<Utc>",
                  c.status <> 'open' AS "finished!"
           FROM authorisation_documents d
           JOIN centres ce ON ce.id = d.centre_id
           JOIN cases c ON c.id = d.case_id
           WHERE d.document_number = $1 AND d.centre_id = ANY($2)
           LIMIT 1"#,
        document_number,
        centres as _,
    )
    .fetch_optional(db)
    .await
}
