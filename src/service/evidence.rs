//! The evidence bundle of a case (see `audit::bundle`): a fresh checkpoint that takes in every
//! event so far, then the case's events with their proofs, its record and its PDF.

use std::path::Path;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::audit::bundle::{self, Bundle, ExportError};
use crate::audit::log;
use crate::domain::ids::CaseId;
use crate::keys::Keys;
use crate::service::documents;

/// What stopped an export.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Log(#[from] log::LogError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("the authorisation could not be rebuilt: {0}")]
    Document(#[from] documents::DocumentError),
}

/// Case `case_id`'s evidence bundle (personal data, salt and PDF withheld if `redacted`).
pub async fn export(
    db: &PgPool,
    keys: &Keys,
    now: DateTime<Utc>,
    data_dir: &Path,
    case_id: CaseId,
    redacted: bool,
) -> Result<Bundle, EvidenceError> {
    let written = log::checkpoint(db, keys, now, &log::directory(data_dir)).await?;
    let pdf = if redacted {
        None
    } else {
        documents::authorisation_pdf(db, case_id).await?
    };
    let mut connection = db.acquire().await?;
    let bundle = bundle::export(
        &mut connection,
        case_id.0,
        redacted,
        (&written.note, written.size),
        &keys.anchor_public_key(),
        pdf,
        now,
    )
    .await?;
    Ok(bundle)
}
