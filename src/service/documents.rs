//! The printed documents of a case: what goes into the written authorisation, the client's
//! receipt and the data-use notice, read from the case's rows and rendered by [`crate::pdf`].
//!
//! The authorisation is frozen at its first print: its content is stored as a snapshot with the
//! SHA-256 of the bytes, and every reprint renders the snapshot again and must give the same
//! bytes, or it is refused. The rules (when a document may be printed, the number, the code)
//! live in [`crate::domain::printed`]; the handlers only map results to responses.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::audit::Action;
use crate::audit::{self, Part};
use crate::domain::identity_document::DocumentType;
use crate::domain::ids::CaseId;
use crate::domain::printed::{self as rules, NotPrintable};
use crate::domain::staff::CentreContact;
use crate::domain::steps::{
    AuthorisationInput, IdentityInput, PlannedTimeInput, ResultContact, SubmissionInput,
};
use crate::domain::workflow::{Step, StepOutcome};
use crate::domain::{now_in_riga, today_in_riga};
use crate::i18n::Documents;
use crate::pdf::{self, AuthorisationDoc, NoticeDoc, PdfError, ReceiptDoc};
use crate::present::format::{date, date_time};
use crate::service::Staff;
use crate::store::cases::{Notice, StepRow};
use crate::store::documents::{self as store, CaseRow, NewDocument};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// No such case (or document, or notice) within the reader's centres.
    #[error("not found")]
    NotFound,
    #[error("not printable: {0}")]
    NotPrintable(NotPrintable),
    /// A reprint gave other bytes than the first print; nothing was served.
    #[error("reprint of {document_number} does not match the first print")]
    ReprintMismatch { document_number: String },
    /// The authorisation was never printed, and this print may not be the first one.
    #[error("the authorisation was never printed")]
    NeverPrinted,
    #[error("stored data of case {case_id:?} could not be read: {reason}")]
    Corrupt {
        case_id: Option<CaseId>,
        reason: String,
    },
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A rendered PDF.
#[derive(Debug)]
pub struct Pdf {
    /// For the file name: the authorisation's number, or the notice version.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The frozen content of an authorisation: everything printed on it. Its JSON (in this field
/// order) is what the verification code is computed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct AuthorisationContent {
    document_number: String,
    centre_name: String,
    municipality: String,
    employee_name: String,
    client_given_names: String,
    client_surname: String,
    client_personal_code: String,
    id_document_type: String,
    id_document_number: String,
    id_document_issuing_state: String,
    id_document_expiry: String,
    eservice_name: String,
    eservice_institution: String,
    notice_version: String,
    notice_summary: String,
    result_wanted: Option<bool>,
    result_contact: String,
    date: String,
    place: String,
}

/// What `authorisation_documents.snapshot` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Snapshot {
    /// Bumped if the snapshot's shape ever changes.
    format: u32,
    /// Printed with English beside the Latvian (the first printer's language, kept for reprints).
    english: bool,
    /// The layout of the first print (`pdf::AUTHORISATION_LAYOUT`); 1 for snapshots written
    /// before the layout had a version.
    #[serde(default = "first_layout")]
    layout: u32,
    content: AuthorisationContent,
}

fn first_layout() -> u32 {
    1
}

const SNAPSHOT_FORMAT: u32 = 1;

impl Snapshot {
    /// Whether a rendering of this snapshot whose hash is `rendered` is the document first
    /// printed with hash `first`: byte for byte in the same layout; in an earlier one, by the
    /// content (the caller has checked its verification code).
    fn reproduces(&self, rendered: &[u8; 32], first: &[u8]) -> bool {
        self.layout != pdf::AUTHORISATION_LAYOUT || rendered[..] == first[..]
    }

    fn verification_code(&self) -> String {
        let canonical = serde_json::to_vec(&self.content).expect("plain strings serialise");
        rules::verification_code(&canonical)
    }

    fn doc(&self, verification_code: &str) -> AuthorisationDoc {
        let c = self.content.clone();
        AuthorisationDoc {
            english: self.english,
            document_number: c.document_number,
            verification_code: rules::printed_code(verification_code),
            centre_name: c.centre_name,
            municipality: c.municipality,
            employee_name: c.employee_name,
            client_given_names: c.client_given_names,
            client_surname: c.client_surname,
            client_personal_code: c.client_personal_code,
            id_document_type: c.id_document_type,
            id_document_number: c.id_document_number,
            id_document_issuing_state: c.id_document_issuing_state,
            id_document_expiry: c.id_document_expiry,
            eservice_name: c.eservice_name,
            eservice_institution: c.eservice_institution,
            notice_version: c.notice_version,
            notice_summary: c.notice_summary,
            result_wanted: c.result_wanted,
            result_contact: c.result_contact,
            date: c.date,
            place: c.place,
        }
    }
}

/// Which prints a request may make. The first print changes state (it allocates the number and
/// freezes the content), so only the employee's POST may make it; a GET only reprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printing {
    /// The employee's POST: the first print, or a reprint when there is one already.
    FirstOrReprint,
    /// The employee's GET: a reprint of the existing document only.
    Reprint,
    /// A supervisor's review: a reprint only, recorded as a view of the personal data too.
    SupervisorReprint,
}

/// Prints the case's written authorisation: the first time, numbers it and freezes its content;
/// later, renders the frozen content again and checks it against the first print.
pub async fn print_authorisation(
    db: &PgPool,
    reader: Staff<'_>,
    case_id: CaseId,
    english: bool,
    now: DateTime<Utc>,
    printing: Printing,
    answer: Option<Option<ResultContact>>,
) -> Result<Pdf, DocumentError> {
    let mut tx = db.begin().await?;
    store::lock_case(&mut tx, case_id, reader.centres)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let case = store::case(&mut tx, case_id, reader.centres)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let (snapshot, code, first_hash) = match store::document(&mut tx, case_id).await? {
        Some(existing) => {
            let value = existing
                .snapshot
                .ok_or(DocumentError::NotPrintable(NotPrintable::Erased))?;
            let snapshot: Snapshot =
                serde_json::from_value(value).map_err(|e| corrupt(Some(case_id), e))?;
            (
                snapshot,
                existing.verification_code,
                Some((existing.document_number, existing.sha256)),
            )
        }
        None => {
            if case.erased {
                return Err(NotPrintable::Erased.into());
            }
            let steps = recorded_steps(&mut tx, case_id).await?;
            rules::may_print_first(&recorded(&steps), case.stopped)?;
            if printing != Printing::FirstOrReprint {
                return Err(DocumentError::NeverPrinted);
            }
            let today = today_in_riga(now);
            let year = i16::try_from(today.year()).expect("a four-digit year");
            let sequence = store::allocate_sequence(&mut tx, case.centre_id, year).await?;
            let number = rules::document_number(&case.centre_code, today.year(), sequence);
            let authorisation = step_input::<AuthorisationInput>(&steps, Step::Authorisation)?;
            let notice_version = authorisation.as_ref().map(|a| a.notice_version);
            let notice = match notice_version {
                Some(version) => store::notice(&mut tx, version).await?,
                None => crate::store::cases::current_notice(&mut tx, today).await?,
            }
            .ok_or_else(|| corrupt(Some(case_id), "no data-use notice in force"))?;
            // The answer recorded at 22.¹3 if there is one, else the one asked before printing.
            let result = match &authorisation {
                Some(input) => Some(input.result_contact.as_ref()),
                None => answer.as_ref().map(Option::as_ref),
            };
            let content =
                authorisation_content(&case, &steps, &notice, result, &number, today, english)?;
            let snapshot = Snapshot {
                format: SNAPSHOT_FORMAT,
                english,
                layout: pdf::AUTHORISATION_LAYOUT,
                content,
            };
            let code = snapshot.verification_code();
            let bytes = render_authorisation(snapshot.doc(&code)).await?;
            let sha256: [u8; 32] = Sha256::digest(&bytes).into();
            let value = serde_json::to_value(&snapshot).map_err(|e| corrupt(Some(case_id), e))?;
            store::insert_document(
                &mut tx,
                &NewDocument {
                    case_id,
                    centre_id: case.centre_id,
                    year,
                    sequence,
                    document_number: &number,
                    verification_code: &code,
                    snapshot: &value,
                    sha256: &sha256,
                    printed_by: reader.id,
                    printed_at: now,
                },
            )
            .await?;
            record_print(&mut tx, reader, &case, &number, &sha256, false, now).await?;
            tx.commit().await?;
            return Ok(Pdf {
                name: number,
                bytes,
            });
        }
    };
    let (number, first_sha256) = first_hash.expect("an existing document");
    let bytes = render_authorisation(snapshot.doc(&code)).await?;
    let sha256: [u8; 32] = Sha256::digest(&bytes).into();
    if code != snapshot.verification_code() || !snapshot.reproduces(&sha256, &first_sha256) {
        drop(tx);
        refuse_mismatch(db, reader, &case, &number, &sha256, now).await?;
        return Err(DocumentError::ReprintMismatch {
            document_number: number,
        });
    }
    record_print(&mut tx, reader, &case, &number, &sha256, true, now).await?;
    if printing == Printing::SupervisorReprint {
        let view = reader.view(case.id, case.centre_id, "review-authorisation");
        audit::record_view(&mut tx, now, view).await?;
    }
    tx.commit().await?;
    Ok(Pdf {
        name: number,
        bytes,
    })
}

/// How a case's authorisation record stands, for the supervisor's review page.
#[derive(Debug, Clone)]
pub struct DocumentCheck {
    pub document_number: String,
    pub verification_code: String,
    pub prints: i64,
    pub state: DocumentState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentState {
    /// The frozen content still gives the recorded verification code and the first print's
    /// bytes: the document on file is the one the client signed.
    Intact,
    /// The frozen content no longer gives the recorded code or bytes.
    Altered,
    /// The client's data were erased at retention; the number and hash remain as evidence.
    Erased,
}

/// Re-renders the case's authorisation from its frozen content and compares it with what was
/// recorded at the first print. `None` when it was never printed. The caller has checked that
/// the case is within the reader's centres.
pub async fn check_authorisation(
    db: &PgPool,
    case_id: CaseId,
) -> Result<Option<DocumentCheck>, DocumentError> {
    let mut connection = db.acquire().await?;
    let Some(row) = store::document(&mut connection, case_id).await? else {
        return Ok(None);
    };
    let prints = store::print_count(&mut connection, case_id).await?;
    drop(connection);
    let state = match row.snapshot {
        None => DocumentState::Erased,
        Some(value) => match rebuilt(value).await? {
            None => DocumentState::Altered,
            Some((snapshot, code, bytes)) => {
                let sha256: [u8; 32] = Sha256::digest(&bytes).into();
                if code == row.verification_code && snapshot.reproduces(&sha256, &row.sha256) {
                    DocumentState::Intact
                } else {
                    DocumentState::Altered
                }
            }
        },
    };
    Ok(Some(DocumentCheck {
        document_number: row.document_number,
        verification_code: rules::printed_code(&row.verification_code),
        prints,
        state,
    }))
}

/// The verification code and PDF rebuilt from a frozen snapshot; `None` if it is unreadable.
async fn rebuilt(snapshot: Value) -> Result<Option<(Snapshot, String, Vec<u8>)>, DocumentError> {
    let Ok(snapshot) = serde_json::from_value::<Snapshot>(snapshot) else {
        return Ok(None);
    };
    let code = snapshot.verification_code();
    let bytes = render_authorisation(snapshot.doc(&code)).await?;
    Ok(Some((snapshot, code, bytes)))
}

/// Case `case_id`'s authorisation as first printed, rebuilt from its frozen content, for the
/// evidence bundle; `None` if it was never printed or its content is erased or unreadable.
pub async fn authorisation_pdf(
    db: &PgPool,
    case_id: CaseId,
) -> Result<Option<Vec<u8>>, DocumentError> {
    let mut connection = db.acquire().await?;
    let snapshot = store::document(&mut connection, case_id)
        .await?
        .and_then(|row| row.snapshot);
    drop(connection);
    match snapshot {
        Some(value) => Ok(rebuilt(value).await?.map(|(_, _, bytes)| bytes)),
        None => Ok(None),
    }
}

/// The duties an employee recorded (not those the product marked not applicable), in order.
async fn recorded_steps(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<Vec<StepRow>, sqlx::Error> {
    let mut steps = crate::store::cases::steps(connection, case_id).await?;
    steps.retain(|step| step.outcome == StepOutcome::Recorded);
    Ok(steps)
}

/// The client's receipt after 22.¹5. Not frozen: it says what the case says when printed.
pub async fn print_receipt(
    db: &PgPool,
    reader: Staff<'_>,
    case_id: CaseId,
    english: bool,
    now: DateTime<Utc>,
) -> Result<Pdf, DocumentError> {
    let mut tx = db.begin().await?;
    let case = store::case(&mut tx, case_id, reader.centres)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let steps = recorded_steps(&mut tx, case_id).await?;
    rules::may_issue_receipt(&recorded(&steps))?;
    if case.erased {
        return Err(NotPrintable::Erased.into());
    }
    let identity = step_input::<IdentityInput>(&steps, Step::Identity)?
        .ok_or_else(|| corrupt(Some(case_id), "submitted without identity"))?;
    let submission = step_input::<SubmissionInput>(&steps, Step::Submission)?
        .ok_or_else(|| corrupt(Some(case_id), "submission step without data"))?;
    let planned = step_input::<PlannedTimeInput>(&steps, Step::PlannedTime)?;
    let authorisation = step_input::<AuthorisationInput>(&steps, Step::Authorisation)?;
    let told = authorisation
        .as_ref()
        .map(|a| result_line(a.result_contact.as_ref(), english));
    let number = match store::document(&mut tx, case_id).await? {
        Some(document) => document.document_number,
        None => authorisation
            .map(|a| a.registration_number)
            .unwrap_or_else(|| "—".to_owned()),
    };
    let today = today_in_riga(now);
    let notice = crate::store::cases::current_notice(&mut tx, today)
        .await?
        .ok_or_else(|| corrupt(Some(case_id), "no data-use notice in force"))?;
    let complaint = bilingual(&notice.complaint_lv, &notice.complaint_en, english, "\n");
    let doc = ReceiptDoc {
        english,
        authorisation_number: number.clone(),
        client_name: format!("{} {}", identity.given_names, identity.surnames),
        eservice_name: bilingual(
            &case.eservice_name_lv,
            &case.eservice_name_en,
            english,
            " / ",
        ),
        eservice_institution: case.institution.clone(),
        submitted_at: date_time(submission.submitted_at),
        portal_reference: submission.reference,
        planned_time: planned.map(|p| date(p.planned_on)),
        centre_name: case.centre_name.clone(),
        contact: [Some(centre_contact(&case, english)), told, Some(complaint)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n"),
        issued_date: date(today),
    };
    let bytes = tokio::task::spawn_blocking(move || pdf::receipt(&doc))
        .await
        .map_err(|e| corrupt(Some(case_id), e))??;
    audit::record(
        &mut tx,
        now,
        reader.event(
            audit::in_case(case.id, case.centre_id),
            Action::ReceiptPrinted,
            json!({ "authorisation_number": number }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Pdf {
        name: number,
        bytes,
    })
}

/// The data-use notice `version` on its own. Only a version already in force prints, and its
/// first print marks it shown: a version handed to a client is never edited afterwards.
pub async fn print_notice(
    db: &PgPool,
    reader: Staff<'_>,
    version: i32,
    english: bool,
    now: DateTime<Utc>,
) -> Result<Pdf, DocumentError> {
    let mut tx = db.begin().await?;
    // The controller is the municipality of the reader's centre: the one serving the client.
    let centre = crate::store::centres::contact(&mut tx, reader.centre_id).await?;
    let notice = store::notice(&mut tx, version)
        .await?
        .filter(|notice| notice.effective_from <= today_in_riga(now))
        .ok_or(DocumentError::NotFound)?;
    store::mark_notice_version_shown(&mut tx, version, now).await?;
    let both = |lv: &str, en: &str| bilingual(lv, en, english, "\n");
    let doc = NoticeDoc {
        english,
        version: format!("v{}", notice.version),
        effective_date: date(notice.effective_from),
        controller: both(
            &named_controller(&Documents::LV, &centre.0, &centre.1),
            &named_controller(&Documents::EN, &centre.0, &centre.1),
        ) + "\n\n"
            + &both(&notice.controller_lv, &notice.controller_en),
        purposes_and_legal_basis: both(&notice.purposes_lv, &notice.purposes_en),
        recipients: both(&notice.recipients_lv, &notice.recipients_en),
        retention: both(&notice.retention_lv, &notice.retention_en),
        rights: both(&notice.rights_lv, &notice.rights_en),
        complaint: both(&notice.complaint_lv, &notice.complaint_en),
    };
    let bytes = tokio::task::spawn_blocking(move || pdf::notice(&doc))
        .await
        .map_err(|e| corrupt(None, e))??;
    tx.commit().await?;
    Ok(Pdf {
        name: format!("v{version}"),
        bytes,
    })
}

/// The answer of the verification page.
#[derive(Debug, Clone)]
pub enum Verification {
    Matches {
        case_id: CaseId,
        centre_name: String,
        first_printed_at: NaiveDateTime,
        /// The case is closed or stopped.
        finished: bool,
    },
    /// Wrong code, unknown number, or a document of a centre outside the reader's: the same
    /// answer for all three, so nothing is revealed about other centres.
    DoesNotMatch,
}

/// Checks a document number and verification code as typed, and audits the check.
pub async fn verify(
    db: &PgPool,
    reader: Staff<'_>,
    number: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Verification, DocumentError> {
    let number = rules::normalise_number(number);
    let code = rules::normalise_code(code);
    let found = store::find_by_number(db, &number, reader.centres).await?;
    let verdict = match found {
        Some(found) if found.verification_code == code => Some(found),
        _ => None,
    };
    let place = match &verdict {
        Some(found) => audit::in_case(found.case_id, found.centre_id),
        None => audit::at_centre(reader.centre_id),
    };
    // The number field may hold anything a user typed (a name, a personal code): the trail
    // keeps it only when it has the shape of a document number.
    let details = if rules::is_document_number(&number) {
        json!({ "document_number": number, "matched": verdict.is_some() })
    } else {
        json!({ "well_formed": false, "matched": verdict.is_some() })
    };
    let mut tx = db.begin().await?;
    let event = reader.event(place, Action::AuthorisationVerified, details);
    audit::record(&mut tx, now, event).await?;
    tx.commit().await?;
    Ok(match verdict {
        Some(found) => Verification::Matches {
            case_id: found.case_id,
            centre_name: found.centre_name,
            first_printed_at: now_in_riga(found.first_printed_at),
            finished: found.finished,
        },
        None => Verification::DoesNotMatch,
    })
}

impl From<NotPrintable> for DocumentError {
    fn from(reason: NotPrintable) -> Self {
        DocumentError::NotPrintable(reason)
    }
}

fn authorisation_content(
    case: &CaseRow,
    steps: &[StepRow],
    notice: &Notice,
    result: Option<Option<&ResultContact>>,
    number: &str,
    today: NaiveDate,
    english: bool,
) -> Result<AuthorisationContent, DocumentError> {
    let identity_row = steps
        .iter()
        .find(|row| row.step == Step::Identity)
        .ok_or(NotPrintable::IdentityNotRecorded)?;
    let identity: IdentityInput =
        serde_json::from_value(identity_row.data.clone()).map_err(|e| corrupt(Some(case.id), e))?;
    let (lv, en) = (&Documents::LV, &Documents::EN);
    let doc_type = identity.document.doc_type();
    let (result_wanted, result_contact) = printed_answer(result, english);
    let notice_version = if english {
        format!(
            "v{} (spēkā no / effective from {})",
            notice.version,
            date(notice.effective_from)
        )
    } else {
        format!(
            "v{} (spēkā no {})",
            notice.version,
            date(notice.effective_from)
        )
    };
    Ok(AuthorisationContent {
        document_number: number.to_owned(),
        centre_name: case.centre_name.clone(),
        municipality: case.municipality.clone(),
        employee_name: identity_row
            .recorded_by_name
            .clone()
            .unwrap_or_else(|| case.opened_by_name.clone()),
        client_given_names: identity.given_names.clone(),
        client_surname: identity.surnames.clone(),
        client_personal_code: identity.personal_code.to_string(),
        id_document_type: bilingual(
            document_type_name(lv, doc_type),
            document_type_name(en, doc_type),
            english,
            " / ",
        ),
        id_document_number: identity.document.number().to_owned(),
        id_document_issuing_state: identity.document.issuing_state().to_owned(),
        id_document_expiry: date(identity.document.expires_on()),
        eservice_name: bilingual(
            &case.eservice_name_lv,
            &case.eservice_name_en,
            english,
            " / ",
        ),
        eservice_institution: case.institution.clone(),
        notice_version,
        notice_summary: bilingual(&notice.purposes_lv, &notice.purposes_en, english, "\n"),
        result_wanted,
        result_contact,
        date: date(today),
        place: match case.centre_contact.place.as_str() {
            "" => case.municipality.clone(),
            place => place.to_owned(),
        },
    })
}

async fn render_authorisation(doc: AuthorisationDoc) -> Result<Vec<u8>, DocumentError> {
    tokio::task::spawn_blocking(move || pdf::authorisation(&doc))
        .await
        .map_err(|e| corrupt(None, e))?
        .map_err(DocumentError::from)
}

/// Records one print and its audit event (no personal data: the number and the hash only).
async fn record_print(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    reader: Staff<'_>,
    case: &CaseRow,
    number: &str,
    sha256: &[u8; 32],
    reprint: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let print_id = store::insert_print(tx, case.id, reader.id, now, sha256, reprint).await?;
    // The first print also commits the document it created.
    let parts = [Part::Print(print_id), Part::Document];
    let parts = if reprint { &parts[..1] } else { &parts[..] };
    audit::record_committing(
        tx,
        now,
        reader.event(
            audit::in_case(case.id, case.centre_id),
            Action::AuthorisationPrinted,
            json!({
                "document_number": number,
                "sha256": hex(sha256),
                "reprint": reprint,
            }),
        ),
        parts,
    )
    .await
}

/// A reprint that differs from the first print is evidence of a fault (a changed font, library
/// or snapshot): logged as an error and written to the case's audit chain, never served.
async fn refuse_mismatch(
    db: &PgPool,
    reader: Staff<'_>,
    case: &CaseRow,
    number: &str,
    sha256: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    tracing::error!(
        case_id = case.id.0,
        document_number = number,
        "authorisation reprint does not match the first print; refused"
    );
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        now,
        reader.event(
            audit::in_case(case.id, case.centre_id),
            Action::AuthorisationReprintMismatch,
            json!({ "document_number": number, "sha256": hex(sha256) }),
        ),
    )
    .await?;
    tx.commit().await
}

fn recorded(steps: &[StepRow]) -> Vec<Step> {
    steps.iter().map(|row| row.step).collect()
}

/// The typed input of `step`, if it was recorded.
fn step_input<T: serde::de::DeserializeOwned>(
    steps: &[StepRow],
    step: Step,
) -> Result<Option<T>, DocumentError> {
    steps
        .iter()
        .find(|row| row.step == step)
        .map(|row| serde_json::from_value(row.data.clone()))
        .transpose()
        .map_err(|e| DocumentError::Corrupt {
            case_id: None,
            reason: format!("{} step: {}", step.slug(), json_error_position(&e)),
        })
}

/// How the client's answer about the result is printed: unasked (blank, filled in by hand), no,
/// or yes with the channel and contact.
fn printed_answer(result: Option<Option<&ResultContact>>, english: bool) -> (Option<bool>, String) {
    match result {
        None => (None, String::new()),
        Some(None) => (Some(false), String::new()),
        Some(Some(contact)) => (Some(true), contact_line(contact, english)),
    }
}

/// How the answer about the result to be recorded at 22.¹3 stands against case `case_id`'s
/// authorisation: what is recorded must be what the client signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgainstPrint {
    /// The authorisation was never printed: nothing was signed yet.
    NotPrinted,
    /// The printed answer is this one, or was left blank to be filled in by hand.
    AsPrinted,
    /// The signed copy holds another answer.
    Differs,
}

/// Reads the authorisation once and says how `result` stands against it (see [`AgainstPrint`]).
pub(crate) async fn against_print(
    connection: &mut sqlx::PgConnection,
    case_id: CaseId,
    result: Option<&ResultContact>,
) -> Result<AgainstPrint, sqlx::Error> {
    let Some(existing) = store::document(connection, case_id).await? else {
        return Ok(AgainstPrint::NotPrinted);
    };
    let Some(value) = existing.snapshot else {
        return Ok(AgainstPrint::AsPrinted);
    };
    let snapshot: Snapshot =
        serde_json::from_value(value).map_err(|error| sqlx::Error::Decode(error.into()))?;
    let printed = &snapshot.content;
    let recorded = printed_answer(Some(result), snapshot.english);
    let same = (printed.result_wanted, printed.result_contact.as_str())
        == (recorded.0, recorded.1.as_str());
    Ok(if printed.result_wanted.is_none() || same {
        AgainstPrint::AsPrinted
    } else {
        AgainstPrint::Differs
    })
}

/// Who the controller of the client's personal data is (the centre's municipality) and how its
/// data protection officer is reached, in one language; the notice's own text follows it.
pub fn named_controller(t: &Documents, municipality: &str, contact: &CentreContact) -> String {
    let mut lines = vec![format!("{}: {municipality}", t.controller_is)];
    if !contact.data_protection_officer.is_empty() {
        lines.push(format!("{}: {}", t.dpo_is, contact.data_protection_officer));
    }
    lines.join("\n")
}

/// The centre as the client reaches it: its name and whichever contact details it keeps.
fn centre_contact(case: &CaseRow, english: bool) -> String {
    let contact = &case.centre_contact.0;
    let label = |pick: fn(&Documents) -> &'static str| {
        bilingual(pick(&Documents::LV), pick(&Documents::EN), english, " / ")
    };
    let labelled = [
        ("", contact.address.clone()),
        (label(|t| t.centre_phone).as_str(), contact.phone.clone()),
        (label(|t| t.centre_email).as_str(), contact.email.clone()),
        (
            label(|t| t.centre_hours).as_str(),
            contact.opening_hours.clone(),
        ),
    ]
    .map(|(label, value)| match (label, value.is_empty()) {
        (_, true) => None,
        ("", false) => Some(value),
        (label, false) => Some(format!("{label}: {value}")),
    });
    std::iter::once(Some(case.centre_name.clone()))
        .chain(labelled)
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
}

/// How the client will be told the result, as the receipt says it.
fn result_line(contact: Option<&ResultContact>, english: bool) -> String {
    let pick = |t: &Documents| (t.result_told_by, t.result_not_told);
    let (lv, en) = (pick(&Documents::LV), pick(&Documents::EN));
    match contact {
        Some(contact) => format!(
            "{}: {}",
            bilingual(lv.0, en.0, english, " / "),
            contact_line(contact, english)
        ),
        None => bilingual(lv.1, en.1, english, " / "),
    }
}

fn contact_line(contact: &ResultContact, english: bool) -> String {
    let channel = |t: &Documents| match contact {
        ResultContact::Phone { .. } => t.channel_phone,
        ResultContact::Email { .. } => t.channel_email,
        ResultContact::Post { .. } => t.channel_post,
        ResultContact::InPerson => t.channel_in_person,
    };
    let name = bilingual(
        channel(&Documents::LV),
        channel(&Documents::EN),
        english,
        " / ",
    );
    match contact.detail() {
        Some(detail) => format!("{name}: {detail}"),
        None => name,
    }
}

fn document_type_name(t: &Documents, doc_type: DocumentType) -> &'static str {
    match doc_type {
        DocumentType::LvPassport => t.doc_type_lv_passport,
        DocumentType::LvIdentityCard => t.doc_type_lv_identity_card,
        DocumentType::ResidencePermit => t.doc_type_residence_permit,
        DocumentType::NonCitizenPassport => t.doc_type_non_citizen_passport,
        DocumentType::StatelessOrRefugeeTravelDocument => {
            t.doc_type_stateless_or_refugee_travel_document
        }
        DocumentType::EuRegistrationCertificate => t.doc_type_eu_registration_certificate,
        DocumentType::ForeignPassport => t.doc_type_foreign_passport,
    }
}

/// Latvian, with the English after `separator` when the document is bilingual.
fn bilingual(lv: &str, en: &str, english: bool, separator: &str) -> String {
    if english && lv != en {
        format!("{lv}{separator}{en}")
    } else {
        lv.to_owned()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored value that could not be read. The reason is a fixed text or, for JSON, only the
/// error's category and position: serde's message can quote the stored value itself (a name, a
/// personal code), and this error ends up in the logs.
fn corrupt(case_id: Option<CaseId>, reason: impl Into<CorruptReason>) -> DocumentError {
    DocumentError::Corrupt {
        case_id,
        reason: reason.into().0,
    }
}

/// Why stored data could not be read, in words that never hold the data.
struct CorruptReason(String);

impl From<&'static str> for CorruptReason {
    fn from(reason: &'static str) -> Self {
        Self(reason.to_owned())
    }
}

impl From<serde_json::Error> for CorruptReason {
    fn from(error: serde_json::Error) -> Self {
        Self(json_error_position(&error))
    }
}

impl From<tokio::task::JoinError> for CorruptReason {
    fn from(error: tokio::task::JoinError) -> Self {
        // A panic's message could quote the document's content.
        Self(
            if error.is_panic() {
                "rendering panicked"
            } else {
                "rendering cancelled"
            }
            .to_owned(),
        )
    }
}

fn json_error_position(error: &serde_json::Error) -> String {
    format!(
        "JSON {:?} error at line {} column {}",
        error.classify(),
        error.line(),
        error.column()
    )
}
