//! PDF/A-2a and PDF/UA-1 documents of a case: the two-copy written authorisation
//! (*pilnvarojums*, Cabinet Regulation No. 401, point 22.¹3), the data-use
//! notice, and the client's receipt after submission.
//!
//! Rendering is deterministic: the same input gives the same bytes. The
//! creation date comes from the input and krilla derives the file identifiers
//! from the content. Every render is checked by krilla's PDF/A-2a and PDF/UA-1
//! validators and fails with [`PdfError::Validation`] when the output would not
//! conform (for example, a character the embedded font does not have). The files
//! are tagged: every drawn item is structure content (headings, paragraphs,
//! label/value tables) or an artifact, in Latvian with the English marked `en`,
//! with an outline entry per copy.
//!
//! The inputs are plain, already formatted strings; the module knows nothing
//! about the database. All fixed wording lives in [`labels`].

pub mod labels;
mod layout;

use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::error::KrillaError;
use krilla::metadata::{DateTime, Metadata};
use krilla::{Document, SerializeSettings};

use labels::{Pick, Wording};
use layout::{Fonts, Footer, LANGUAGE, Lang, Layout, Style};

/// The version of the authorisation's layout. A reprint in the layout of its first print must
/// give the first print's bytes; one first printed in an earlier layout (which this code no
/// longer draws) is reprinted in this one, and its frozen content's verification code alone
/// says it is the same document. Bump it whenever a change moves a byte of the authorisation.
pub const AUTHORISATION_LAYOUT: u32 = 2;

/// The client's written authorisation, printed in two copies in one file.
#[derive(Debug, Clone)]
pub struct AuthorisationDoc {
    /// Print English beside/under the Latvian wording.
    pub english: bool,
    /// Registration number, e.g. `DEMO-2026-000123`.
    pub document_number: String,
    /// Short code to check the document against the case.
    pub verification_code: String,
    pub centre_name: String,
    pub municipality: String,
    pub employee_name: String,
    pub client_given_names: String,
    pub client_surname: String,
    pub client_personal_code: String,
    /// Type label of the identity document, e.g. "Pase".
    pub id_document_type: String,
    pub id_document_number: String,
    pub id_document_issuing_state: String,
    /// "dd.mm.yyyy".
    pub id_document_expiry: String,
    pub eservice_name: String,
    pub eservice_institution: String,
    /// Version of the data-use notice given to the client, e.g. "v3 (01.01.2026)".
    pub notice_version: String,
    /// A short summary of the notice; may be empty.
    pub notice_summary: String,
    /// Whether the client asked to be told the result (22.¹7); `None` before the answer is
    /// recorded: the document then has boxes and a blank line to complete by hand.
    pub result_wanted: Option<bool>,
    /// How and where, e.g. "e-pasts: janis@example.lv"; ignored unless wanted.
    pub result_contact: String,
    /// Date of signing, "dd.mm.yyyy"; also the PDF's creation date.
    pub date: String,
    pub place: String,
}

/// The data-use notice (GDPR Art. 13) printed on its own.
#[derive(Debug, Clone)]
pub struct NoticeDoc {
    pub english: bool,
    pub version: String,
    /// "dd.mm.yyyy"; also the PDF's creation date.
    pub effective_date: String,
    pub controller: String,
    pub purposes_and_legal_basis: String,
    pub recipients: String,
    pub retention: String,
    pub rights: String,
    pub complaint: String,
}

/// The client's receipt after the e-service was submitted on their behalf.
#[derive(Debug, Clone)]
pub struct ReceiptDoc {
    pub english: bool,
    /// The authorisation's registration number.
    pub authorisation_number: String,
    pub client_name: String,
    pub eservice_name: String,
    pub eservice_institution: String,
    /// When it was submitted, e.g. "14.03.2026 10:42".
    pub submitted_at: String,
    /// The portal's submission reference.
    pub portal_reference: String,
    /// Planned time of execution (22.¹6), if the portal gives one.
    pub planned_time: Option<String>,
    pub centre_name: String,
    /// Whom to contact and how (address, phone, e-mail, hours), free text.
    pub contact: String,
    /// Date the receipt is issued, "dd.mm.yyyy"; also the PDF's creation date.
    pub issued_date: String,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("invalid date {0:?}: expected dd.mm.yyyy")]
    InvalidDate(String),
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("page layout failed")]
    Layout,
    #[error("PDF/A-2a or PDF/UA-1 validation failed: {0}")]
    Validation(String),
    #[error("PDF generation failed: {0}")]
    Krilla(String),
}

/// Renders the written authorisation: copy 1 (municipality) and copy 2 (client),
/// each starting on its own page.
pub fn authorisation(doc: &AuthorisationDoc) -> Result<Vec<u8>, PdfError> {
    let date = parse_date(&doc.date)?;
    let fonts = Fonts::load()?;
    let w = Wording {
        english: doc.english,
    };
    let mut layout = Layout::new(&fonts, w);
    let client_name = format!("{} {}", doc.client_given_names, doc.client_surname);
    let mut footers = Vec::new();

    // The copy, its short name, and whether the municipality files it (and so fills in its
    // registration number and how long it keeps it).
    let copies: [(Pick, Pick, bool); 2] = [
        (|l| l.copy_1, |l| l.copy_1_short, true),
        (|l| l.copy_2, |l| l.copy_2_short, false),
    ];
    let statement = w.get(|l| l.statement);
    let name_employee = |text: &str| text.replace(labels::EMPLOYEE, &doc.employee_name);
    let statement_lv = name_employee(statement.lv);
    let statement_en = statement.en.map(name_employee);
    for (copy, short, filed) in copies {
        let number_line = format!(
            "{} {}",
            w.inline(|l| l.document_number),
            doc.document_number
        );
        layout.start_group(
            w.inline(copy),
            format!("{} — {}", w.inline(short), number_line),
        );
        footers.push(Footer {
            left: format!(
                "{} {} · {} {} · {}",
                labels::LV.document_number,
                doc.document_number,
                labels::LV.verification_code,
                doc.verification_code,
                w.inline(short)
            ),
        });

        layout.band(w.get(copy), &doc.document_number);
        layout.title(w.get(|l| l.authorisation_title));
        layout.row_pair(
            (w.get(|l| l.document_number), &doc.document_number),
            (w.get(|l| l.verification_code), &doc.verification_code),
        );
        if filed {
            layout.row_pair(
                (w.get(|l| l.registry_number), labels::BLANK_SHORT),
                (w.get(|l| l.keep_until), labels::BLANK_SHORT),
            );
        }

        layout.heading(w.get(|l| l.section_centre));
        layout.row(w.get(|l| l.centre), &doc.centre_name, None);
        layout.row(w.get(|l| l.municipality), &doc.municipality, None);
        layout.row(w.get(|l| l.employee), &doc.employee_name, None);

        layout.heading(w.get(|l| l.section_client));
        layout.row(w.get(|l| l.client_name), &client_name, None);
        layout.row(w.get(|l| l.personal_code), &doc.client_personal_code, None);
        layout.row(w.get(|l| l.id_document), &doc.id_document_type, None);
        layout.row_pair(
            (w.get(|l| l.id_number), &doc.id_document_number),
            (w.get(|l| l.id_expiry), &doc.id_document_expiry),
        );
        layout.row(
            w.get(|l| l.id_issuing_state),
            &doc.id_document_issuing_state,
            None,
        );

        layout.heading(w.get(|l| l.section_eservice));
        layout.row(w.get(|l| l.eservice), &doc.eservice_name, None);
        layout.row(w.get(|l| l.institution), &doc.eservice_institution, None);
        let scope = w.get(|l| l.scope_value);
        layout.row(w.get(|l| l.scope), scope.lv, scope.en);

        layout.heading(w.get(|l| l.section_notice));
        layout.bi_paragraph(w.get(|l| l.notice_given));
        layout.space(2.0);
        layout.row(w.get(|l| l.notice_version), &doc.notice_version, None);
        if !doc.notice_summary.trim().is_empty() {
            layout.space(4.0);
            layout.paragraph(&doc.notice_summary, Style::BODY, Lang::Lv);
        }

        layout.heading(w.get(|l| l.section_result));
        let answer = match doc.result_wanted {
            Some(true) => w.get(|l| l.yes),
            Some(false) => w.get(|l| l.no),
            None => w.get(|l| l.yes_no_by_hand),
        };
        layout.row(w.get(|l| l.result_wanted), answer.lv, answer.en);
        match doc.result_wanted {
            Some(true) => layout.row(w.get(|l| l.result_contact), &doc.result_contact, None),
            Some(false) => {}
            None => layout.row(w.get(|l| l.result_contact), labels::BLANK_LINE, None),
        }
        layout.space(2.0);
        let note = w.get(|l| l.result_note);
        layout.paragraph(note.lv, Style::BODY_EN, Lang::Lv);
        if let Some(en) = note.en {
            layout.paragraph(en, Style::BODY_EN, Lang::En);
        }

        // What the client signs stands right above the signatures, on the same page.
        layout.keep_together(|layout| {
            layout.heading(w.get(|l| l.section_statement));
            layout.bilingual(&statement_lv, statement_en.as_deref());
            layout.space(2.0);
            layout.bi_paragraph(w.get(|l| l.mandate_note));
            layout.space(8.0);
            layout.signatures(
                (w.get(|l| l.date), &doc.date),
                (w.get(|l| l.place), &doc.place),
                [
                    (w.get(|l| l.sign_client), client_name.as_str()),
                    (w.get(|l| l.sign_employee), doc.employee_name.as_str()),
                ],
            );
        });
    }

    let title = format!("{} {}", labels::LV.authorisation_title, doc.document_number);
    finish(layout, &footers, title, &doc.document_number, date)
}

/// Renders the data-use notice on its own.
pub fn notice(doc: &NoticeDoc) -> Result<Vec<u8>, PdfError> {
    let date = parse_date(&doc.effective_date)?;
    let fonts = Fonts::load()?;
    let w = Wording {
        english: doc.english,
    };
    let mut layout = Layout::new(&fonts, w);
    let version_line = format!("{} {}", w.inline(|l| l.notice_version_label), doc.version);
    layout.start_group(w.inline(|l| l.notice_title), version_line.clone());

    layout.title(w.get(|l| l.notice_title));
    layout.row(w.get(|l| l.notice_version_label), &doc.version, None);
    layout.row(w.get(|l| l.notice_effective), &doc.effective_date, None);

    let sections: [(Pick, &str); 6] = [
        (|l| l.notice_controller, &doc.controller),
        (|l| l.notice_purposes, &doc.purposes_and_legal_basis),
        (|l| l.notice_recipients, &doc.recipients),
        (|l| l.notice_retention, &doc.retention),
        (|l| l.notice_rights, &doc.rights),
        (|l| l.notice_complaint, &doc.complaint),
    ];
    for (heading, text) in sections {
        layout.heading(w.get(heading));
        layout.paragraph(text, Style::BODY, Lang::Lv);
    }

    let footers = [Footer {
        left: format!(
            "{} · {} {}",
            version_line,
            w.inline(|l| l.notice_effective),
            doc.effective_date
        ),
    }];
    let title = format!("{} ({})", labels::LV.notice_title, doc.version);
    let id = format!("notice-{}", doc.version);
    finish(layout, &footers, title, &id, date)
}

/// Renders the client's receipt after submission.
pub fn receipt(doc: &ReceiptDoc) -> Result<Vec<u8>, PdfError> {
    let date = parse_date(&doc.issued_date)?;
    let fonts = Fonts::load()?;
    let w = Wording {
        english: doc.english,
    };
    let mut layout = Layout::new(&fonts, w);
    let number_line = format!(
        "{} {}",
        w.inline(|l| l.authorisation_number),
        doc.authorisation_number
    );
    layout.start_group(w.inline(|l| l.receipt_title), number_line.clone());

    layout.title(w.get(|l| l.receipt_title));
    layout.bi_paragraph(w.get(|l| l.receipt_intro));
    layout.space(6.0);
    layout.row(w.get(|l| l.client), &doc.client_name, None);
    layout.row(
        w.get(|l| l.authorisation_number),
        &doc.authorisation_number,
        None,
    );

    layout.heading(w.get(|l| l.section_submission));
    layout.row(w.get(|l| l.eservice), &doc.eservice_name, None);
    layout.row(w.get(|l| l.institution), &doc.eservice_institution, None);
    layout.row(w.get(|l| l.submitted_at), &doc.submitted_at, None);
    layout.row(w.get(|l| l.portal_reference), &doc.portal_reference, None);
    match &doc.planned_time {
        Some(planned) => layout.row(w.get(|l| l.planned_time), planned, None),
        None => {
            let unknown = w.get(|l| l.planned_unknown);
            layout.row(w.get(|l| l.planned_time), unknown.lv, unknown.en);
        }
    }

    layout.heading(w.get(|l| l.section_contact));
    layout.bi_paragraph(w.get(|l| l.contact_intro));
    layout.space(6.0);
    layout.row(w.get(|l| l.centre), &doc.centre_name, None);
    layout.row(w.get(|l| l.contact), &doc.contact, None);
    layout.space(10.0);
    layout.row(w.get(|l| l.issued), &doc.issued_date, None);

    let footers = [Footer { left: number_line }];
    let title = format!("{} {}", labels::LV.receipt_title, doc.authorisation_number);
    let id = format!(
        "receipt-{}-{}",
        doc.authorisation_number, doc.portal_reference
    );
    finish(layout, &footers, title, &id, date)
}

/// Creates the PDF/A-2a + PDF/UA-1 document, draws the layout and serialises it.
fn finish(
    layout: Layout<'_>,
    footers: &[Footer],
    title: String,
    document_id: &str,
    date: DateTime,
) -> Result<Vec<u8>, PdfError> {
    // A2_A rather than A2_B: the files are fully tagged (checked by the tests with `pdfua`),
    // so the archive copy also says that its text has structure, Unicode and a language.
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_A)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Krilla(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language(LANGUAGE.to_string())
            .creator("Pilnvara".to_string())
            .creation_date(date)
            .document_id(document_id.to_string()),
    );
    layout.render(&mut document, footers)?;
    document.finish().map_err(|e| match e {
        KrillaError::Validation(errors) => PdfError::Validation(
            errors
                .iter()
                .map(|(error, _)| format!("{error:?}"))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => PdfError::Krilla(format!("{other:?}")),
    })
}

/// Parses the leading "dd.mm.yyyy" (an optional " hh:mm" may follow) into a PDF date.
fn parse_date(text: &str) -> Result<DateTime, PdfError> {
    let invalid = || PdfError::InvalidDate(text.to_string());
    let mut parts = text.trim().splitn(2, ' ');
    let date = parts.next().unwrap_or_default();
    let time = parts.next().map(str::trim);
    let fields: Vec<&str> = date.split('.').collect();
    let [day, month, year] = fields.as_slice() else {
        return Err(invalid());
    };
    let day: u8 = day.parse().map_err(|_| invalid())?;
    let month: u8 = month.parse().map_err(|_| invalid())?;
    let year: u16 = year.parse().map_err(|_| invalid())?;
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
        return Err(invalid());
    }
    let mut result = DateTime::new(year).month(month).day(day);
    if let Some(time) = time.filter(|t| !t.is_empty()) {
        let (hour, minute) = time.split_once(':').ok_or_else(invalid)?;
        let hour: u8 = hour.parse().map_err(|_| invalid())?;
        let minute: u8 = minute.parse().map_err(|_| invalid())?;
        if hour > 23 || minute > 59 {
            return Err(invalid());
        }
        result = result.hour(hour).minute(minute);
    }
    Ok(result)
}

#[cfg(test)]
mod tests;
