//! Identity documents seen at 22.¹1.
//!
//! An `IdentityDocument` that exists has a well-formed number and issuing state and was not expired
//! on the day it was checked. The register of invalid documents does not list merely expired
//! documents, so expiry is checked here. This module does no I/O.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const NUMBER_MIN_CHARS: usize = 5;
pub const NUMBER_MAX_CHARS: usize = 20;
/// An issuing state as typed: its two-letter ISO 3166-1 code.
pub const ISSUING_STATE_CHARS: usize = 2;
const LATVIA: &str = "LV";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentType {
    LvPassport,
    /// *Personas apliecība* (eID card).
    LvIdentityCard,
    ResidencePermit,
    NonCitizenPassport,
    StatelessOrRefugeeTravelDocument,
    EuRegistrationCertificate,
    ForeignPassport,
}

impl DocumentType {
    pub const ALL: [Self; 7] = [
        Self::LvPassport,
        Self::LvIdentityCard,
        Self::ResidencePermit,
        Self::NonCitizenPassport,
        Self::StatelessOrRefugeeTravelDocument,
        Self::EuRegistrationCertificate,
        Self::ForeignPassport,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Self::LvPassport => "lv-passport",
            Self::LvIdentityCard => "lv-identity-card",
            Self::ResidencePermit => "residence-permit",
            Self::NonCitizenPassport => "non-citizen-passport",
            Self::StatelessOrRefugeeTravelDocument => "stateless-or-refugee-travel-document",
            Self::EuRegistrationCertificate => "eu-registration-certificate",
            Self::ForeignPassport => "foreign-passport",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Documents that only Latvia issues; their issuing state must be "LV".
    pub fn issued_only_by_latvia(&self) -> bool {
        matches!(
            self,
            Self::LvPassport | Self::LvIdentityCard | Self::NonCitizenPassport
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum DocumentError {
    #[error("document number is required")]
    NumberRequired,
    #[error("document number must be {min}–{max} characters")]
    NumberLength { min: usize, max: usize },
    #[error("document number may hold only letters A–Z and digits")]
    NumberCharacters,
    #[error("issuing state is required")]
    IssuingStateRequired,
    #[error("issuing state must be a two-letter ISO 3166-1 code")]
    IssuingStateBadFormat,
    #[error("this document type is issued only by Latvia")]
    IssuingStateMustBeLatvia,
    #[error("document has expired")]
    Expired,
}

impl DocumentError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NumberRequired => "document-number-required",
            Self::NumberLength { .. } => "document-number-length",
            Self::NumberCharacters => "document-number-characters",
            Self::IssuingStateRequired => "document-issuing-state-required",
            Self::IssuingStateBadFormat => "document-issuing-state-bad-format",
            Self::IssuingStateMustBeLatvia => "document-issuing-state-must-be-latvia",
            Self::Expired => "document-expired",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredDocument")]
pub struct IdentityDocument {
    doc_type: DocumentType,
    number: String,
    issuing_state: String,
    expires_on: NaiveDate,
}

impl IdentityDocument {
    /// Checks a document as seen at the desk. `today` is the date in Europe/Riga; a document that
    /// expires today is still valid. Returns every problem found, not just the first.
    pub fn new(
        doc_type: DocumentType,
        number: &str,
        issuing_state: &str,
        expires_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, Vec<DocumentError>> {
        let mut errors = Vec::new();
        let number = normalised_number(number).map_err(|e| errors.push(e)).ok();
        let issuing_state = normalised_issuing_state(doc_type, issuing_state)
            .map_err(|e| errors.push(e))
            .ok();
        if expires_on < today {
            errors.push(DocumentError::Expired);
        }
        match (number, issuing_state) {
            (Some(number), Some(issuing_state)) if errors.is_empty() => Ok(Self {
                doc_type,
                number,
                issuing_state,
                expires_on,
            }),
            _ => Err(errors),
        }
    }

    pub fn doc_type(&self) -> DocumentType {
        self.doc_type
    }

    /// Uppercase A–Z and digits, 5–20 characters.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// Uppercase ISO 3166-1 alpha-2.
    pub fn issuing_state(&self) -> &str {
        &self.issuing_state
    }

    pub fn expires_on(&self) -> NaiveDate {
        self.expires_on
    }
}

fn normalised_number(input: &str) -> Result<String, DocumentError> {
    let number = input.trim().to_uppercase();
    let length = number.chars().count();
    if length == 0 {
        Err(DocumentError::NumberRequired)
    } else if !number
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        Err(DocumentError::NumberCharacters)
    } else if !(NUMBER_MIN_CHARS..=NUMBER_MAX_CHARS).contains(&length) {
        Err(DocumentError::NumberLength {
            min: NUMBER_MIN_CHARS,
            max: NUMBER_MAX_CHARS,
        })
    } else {
        Ok(number)
    }
}

fn normalised_issuing_state(doc_type: DocumentType, input: &str) -> Result<String, DocumentError> {
    let state = input.trim().to_uppercase();
    if state.is_empty() {
        return Err(DocumentError::IssuingStateRequired);
    }
    // Any two letters pass: keeping the full ISO list current is not worth it for a desk check.
    if state.len() != ISSUING_STATE_CHARS || !state.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(DocumentError::IssuingStateBadFormat);
    }
    if doc_type.issued_only_by_latvia() && state != LATVIA {
        return Err(DocumentError::IssuingStateMustBeLatvia);
    }
    Ok(state)
}

/// The stored shape. A stored document was valid on the day it was checked, so loading it
/// checks its form again but not its expiry.
#[derive(Deserialize)]
struct StoredDocument {
    doc_type: DocumentType,
    number: String,
    issuing_state: String,
    expires_on: NaiveDate,
}

impl TryFrom<StoredDocument> for IdentityDocument {
    type Error = String;

    fn try_from(stored: StoredDocument) -> Result<Self, Self::Error> {
        IdentityDocument::new(
            stored.doc_type,
            &stored.number,
            &stored.issuing_state,
            stored.expires_on,
            stored.expires_on,
        )
        .map_err(|errors| {
            let codes: Vec<_> = errors.iter().map(DocumentError::code).collect();
            format!("stored identity document is invalid: {}", codes.join(", "))
        })
    }
}

/// The number is personal data: it must not reach the logs.
impl fmt::Debug for IdentityDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityDocument")
            .field("doc_type", &self.doc_type)
            .field("number", &"<redacted>")
            .field("issuing_state", &self.issuing_state)
            .field("expires_on", &self.expires_on)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2025, 3, 10)
    }

    fn passport_expiring_today() -> IdentityDocument {
        IdentityDocument::new(
            DocumentType::LvPassport,
            "LV1234567",
            "LV",
            today(),
            today(),
        )
        .unwrap()
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        for doc_type in DocumentType::ALL {
            assert_eq!(DocumentType::from_code(doc_type.code()), Some(doc_type));
            let json = serde_json::to_string(&doc_type).unwrap();
            assert_eq!(json, format!("\"{}\"", doc_type.code()));
        }
        assert_eq!(
            DocumentType::from_code("lv-passport"),
            Some(DocumentType::LvPassport)
        );
        assert_eq!(DocumentType::from_code("LV-PASSPORT"), None);
    }

    #[test]
    fn valid_document_is_normalised() {
        let doc = IdentityDocument::new(
            DocumentType::LvPassport,
            "  lv1234567 ",
            "lv",
            date(2030, 1, 1),
            today(),
        )
        .unwrap();
        assert_eq!(doc.number(), "LV1234567");
        assert_eq!(doc.issuing_state(), "LV");
        assert_eq!(doc.doc_type(), DocumentType::LvPassport);
        assert_eq!(doc.expires_on(), date(2030, 1, 1));
    }

    #[test]
    fn document_expiring_today_is_still_valid() {
        let doc = IdentityDocument::new(
            DocumentType::LvIdentityCard,
            "PA12345",
            "LV",
            today(),
            today(),
        );
        assert!(doc.is_ok());
    }

    #[test]
    fn document_expired_yesterday_is_refused() {
        let errors = IdentityDocument::new(
            DocumentType::LvIdentityCard,
            "PA12345",
            "LV",
            date(2025, 3, 9),
            today(),
        )
        .unwrap_err();
        assert_eq!(errors, vec![DocumentError::Expired]);
    }

    #[test]
    fn number_length_and_characters_are_checked() {
        let check = |number: &str| {
            IdentityDocument::new(
                DocumentType::ForeignPassport,
                number,
                "DE",
                today(),
                today(),
            )
            .unwrap_err()
        };
        assert_eq!(check("  "), vec![DocumentError::NumberRequired]);
        assert_eq!(
            check("1234"),
            vec![DocumentError::NumberLength { min: 5, max: 20 }]
        );
        assert_eq!(
            check("123456789012345678901"),
            vec![DocumentError::NumberLength { min: 5, max: 20 }]
        );
        assert_eq!(check("AB 12345"), vec![DocumentError::NumberCharacters]);
        assert_eq!(check("AB-12345"), vec![DocumentError::NumberCharacters]);
        assert_eq!(check("ĀB12345"), vec![DocumentError::NumberCharacters]);
        assert!(
            IdentityDocument::new(
                DocumentType::ForeignPassport,
                "12345",
                "DE",
                today(),
                today()
            )
            .is_ok()
        );
        assert!(
            IdentityDocument::new(
                DocumentType::ForeignPassport,
                "ABCDEFGHIJ0123456789",
                "DE",
                today(),
                today()
            )
            .is_ok()
        );
    }

    #[test]
    fn issuing_state_must_be_two_letters() {
        for (input, error) in [
            ("", DocumentError::IssuingStateRequired),
            ("LVA", DocumentError::IssuingStateBadFormat),
            ("L", DocumentError::IssuingStateBadFormat),
            ("1V", DocumentError::IssuingStateBadFormat),
            ("ŁV", DocumentError::IssuingStateBadFormat),
        ] {
            let errors = IdentityDocument::new(
                DocumentType::ForeignPassport,
                "X12345",
                input,
                today(),
                today(),
            )
            .unwrap_err();
            assert_eq!(errors, vec![error], "{input:?}");
        }
    }

    #[test]
    fn latvian_documents_must_be_issued_by_latvia() {
        for doc_type in DocumentType::ALL {
            let result = IdentityDocument::new(doc_type, "X12345", "ee", today(), today());
            if doc_type.issued_only_by_latvia() {
                assert_eq!(
                    result.unwrap_err(),
                    vec![DocumentError::IssuingStateMustBeLatvia]
                );
            } else {
                assert_eq!(result.unwrap().issuing_state(), "EE");
            }
        }
    }

    #[test]
    fn all_problems_are_reported_together() {
        let errors = IdentityDocument::new(
            DocumentType::NonCitizenPassport,
            "x",
            "EE",
            date(2020, 1, 1),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                DocumentError::NumberLength { min: 5, max: 20 },
                DocumentError::IssuingStateMustBeLatvia,
                DocumentError::Expired,
            ]
        );
    }

    #[test]
    fn stored_document_loads_after_it_has_expired() {
        let doc = passport_expiring_today();
        let json = serde_json::to_string(&doc).unwrap();
        let back: IdentityDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
        let tampered = json.replace("LV1234567", "LV 1");
        assert!(serde_json::from_str::<IdentityDocument>(&tampered).is_err());
    }

    #[test]
    fn debug_does_not_show_the_number() {
        let doc = passport_expiring_today();
        assert!(!format!("{doc:?}").contains("1234567"));
    }
}
