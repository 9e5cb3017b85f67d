//! The form behind each 22.¹ duty: raw strings as the browser posts them, and the typed, checked
//! input that gets stored (as JSON) when the step is recorded.
//!
//! Each `…Form::validate` returns either the typed input or every problem found, as
//! `(field name, FieldError)` pairs in form order; field names are the form structs' field names,
//! which the web layer uses as the HTML input names. Whether the step may be recorded *now* is the
//! workflow's decision, not this module's. No I/O: the caller passes "now" in Europe/Riga and any
//! catalogue data.

use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::identity_document::{DocumentError, DocumentType, IdentityDocument};
use super::messages::MessageChannel;
use super::personal_code::{PersonalCode, PersonalCodeError};
use super::retention;
use super::workflow::StopReason;

// The field limits: the checks below and the forms' `maxlength` both read these.
pub const NAME_MAX_CHARS: usize = 100;
const JUSTIFICATION_MIN_CHARS: usize = 10;
pub const JUSTIFICATION_MAX_CHARS: usize = 500;
pub const REGISTRATION_NUMBER_MAX_CHARS: usize = 50;
const EMAIL_MAX_CHARS: usize = 254;
const POSTAL_ADDRESS_MIN_CHARS: usize = 5;
const POSTAL_ADDRESS_MAX_CHARS: usize = 300;
/// The contact field holds a phone number, an e-mail address or a postal address.
pub const CONTACT_MAX_CHARS: usize = POSTAL_ADDRESS_MAX_CHARS;
pub const REFERENCE_MAX_CHARS: usize = 100;
pub const OUTCOME_TEXT_MAX_CHARS: usize = 500;
pub const STOP_REMARK_MAX_CHARS: usize = 500;
/// A date as typed: `dd.mm.gggg` or `gggg-mm-dd`.
pub const DATE_MAX_CHARS: usize = 10;
const PHONE_MIN_DIGITS: usize = 8;
const PHONE_MAX_DIGITS: usize = 15;
/// The employee signs in to latvija.lv at the desk, just before applying; a sign-in older than a
/// working day is not this visit's.
const EID_USE_MAX_AGE_HOURS: i64 = 12;

// ---------------------------------------------------------------------------------------------
// Errors

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FieldError {
    #[error("required")]
    Required,
    #[error("at least {min} characters")]
    TooShort { min: usize },
    #[error("at most {max} characters")]
    TooLong { max: usize },
    #[error("not a date (YYYY-MM-DD or DD.MM.YYYY)")]
    BadDate,
    #[error("not a date and time (YYYY-MM-DDTHH:MM)")]
    BadDateTime,
    #[error("date is in the past")]
    DateInPast,
    #[error("date or time is in the future")]
    DateInFuture,
    #[error("more than {hours} hours ago")]
    TooLongAgo { hours: i64 },
    #[error("not one of the allowed choices")]
    NotInList,
    #[error("names may hold only letters, spaces, hyphens and apostrophes")]
    BadName,
    #[error(transparent)]
    PersonalCode(PersonalCodeError),
    #[error(transparent)]
    Document(DocumentError),
    #[error("not an e-mail address")]
    BadEmail,
    #[error("not a phone number")]
    BadPhone,
    /// A checkbox that must be ticked (signed, copy handed over, purpose only).
    #[error("must be confirmed")]
    MustBeConfirmed,
    /// A NUL byte or another control character, which no one types (pasted from elsewhere).
    #[error("holds control characters")]
    ControlCharacters,
    /// "Signed" ticked at 22.¹3 before the authorisation was printed.
    #[error("the authorisation has not been printed yet")]
    NotYetPrinted,
    /// The answer about the result differs from the one printed on the signed authorisation.
    #[error("differs from the printed authorisation")]
    NotAsPrinted,
    /// The data-use notice was replaced after the form was shown: read the new one to the client.
    #[error("the data-use notice has changed")]
    NoticeChanged,
    /// A time of the case's duties before the case was opened.
    #[error("before the case was opened")]
    BeforeCaseOpened,
    /// The submission before the employee signed in to the portal (22.¹2).
    #[error("before the employee signed in with the eID means")]
    BeforeEidSignIn,
    /// No message text (template) for the e-service and language chosen.
    #[error("no message text")]
    NoMessageText,
    /// A message template holds a placeholder the product does not know.
    #[error("unknown placeholder")]
    UnknownPlaceholder,
}

impl FieldError {
    /// Stable kebab-case code; wrapped errors give their own (`personal-code-…`, `document-…`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooShort { .. } => "too-short",
            Self::TooLong { .. } => "too-long",
            Self::BadDate => "bad-date",
            Self::BadDateTime => "bad-datetime",
            Self::DateInPast => "date-in-past",
            Self::DateInFuture => "date-in-future",
            Self::TooLongAgo { .. } => "too-long-ago",
            Self::NotInList => "not-in-list",
            Self::BadName => "bad-name",
            Self::PersonalCode(error) => error.code(),
            Self::Document(error) => error.code(),
            Self::BadEmail => "bad-email",
            Self::BadPhone => "bad-phone",
            Self::MustBeConfirmed => "must-be-confirmed",
            Self::NotYetPrinted => "not-yet-printed",
            Self::NotAsPrinted => "not-as-printed",
            Self::ControlCharacters => "control-characters",
            Self::NoticeChanged => "notice-changed",
            Self::BeforeCaseOpened => "before-case-opened",
            Self::BeforeEidSignIn => "before-eid-sign-in",
            Self::NoMessageText => "no-message-text",
            Self::UnknownPlaceholder => "unknown-placeholder",
        }
    }
}

/// Every problem of one form, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, FieldError)>);

impl FieldErrors {
    pub fn push(&mut self, field: &'static str, error: FieldError) {
        self.0.push((field, error));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, FieldError)> {
        self.0.iter()
    }

    /// The first error of a field, to show next to it.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, e)| e)
    }

    /// Keeps the value of a field that checked out; records the error of one that did not.
    pub(crate) fn take<T>(
        &mut self,
        field: &'static str,
        checked: Result<T, FieldError>,
    ) -> Option<T> {
        checked.map_err(|error| self.push(field, error)).ok()
    }

    fn confirm(&mut self, field: &'static str, ticked: bool) {
        if !ticked {
            self.push(field, FieldError::MustBeConfirmed);
        }
    }

    pub(crate) fn into_result<T>(self, input: Option<T>) -> Result<T, FieldErrors> {
        match input {
            Some(input) if self.is_empty() => Ok(input),
            _ => Err(self),
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .iter()
            .map(|(field, error)| format!("{field}: {}", error.code()))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

impl IntoIterator for FieldErrors {
    type Item = (&'static str, FieldError);
    type IntoIter = std::vec::IntoIter<Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

// ---------------------------------------------------------------------------------------------
// Choices shared by several steps

/// How the client is told the planned time or the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum ContactChannel {
    Phone,
    Email,
    Post,
    InPerson,
}

impl ContactChannel {
    pub const ALL: [Self; 4] = [Self::Phone, Self::Email, Self::Post, Self::InPerson];

    pub fn code(&self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Post => "post",
            Self::InPerson => "in-person",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Where to tell the client the result (asked at 22.¹3). Personal data: `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "kebab-case")]
pub enum ResultContact {
    /// Spaces removed, optional leading `+` kept.
    Phone {
        number: String,
    },
    Email {
        address: String,
    },
    Post {
        address: String,
    },
    InPerson,
}

impl ResultContact {
    pub fn channel(&self) -> ContactChannel {
        match self {
            Self::Phone { .. } => ContactChannel::Phone,
            Self::Email { .. } => ContactChannel::Email,
            Self::Post { .. } => ContactChannel::Post,
            Self::InPerson => ContactChannel::InPerson,
        }
    }

    /// The phone number, e-mail or postal address; `None` for in person.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Phone { number } => Some(number),
            Self::Email { address } | Self::Post { address } => Some(address),
            Self::InPerson => None,
        }
    }
}

impl fmt::Debug for ResultContact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResultContact({}, <redacted>)", self.channel().code())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Granted,
    Refused,
    Other,
}

impl Outcome {
    pub const ALL: [Self; 3] = [Self::Granted, Self::Refused, Self::Other];

    pub fn code(&self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Refused => "refused",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹1 identity

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityForm {
    /// A `DocumentType` code.
    pub doc_type: String,
    pub doc_number: String,
    pub issuing_state: String,
    pub expires_on: String,
    pub personal_code: String,
    /// Accept an old-format code whose check digit does not match.
    pub check_digit_override: bool,
    pub override_justification: String,
    pub given_names: String,
    pub surnames: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityInput {
    pub document: IdentityDocument,
    pub personal_code: PersonalCode,
    /// Present exactly when the check digit was overridden.
    pub override_justification: Option<String>,
    pub given_names: String,
    pub surnames: String,
}

impl IdentityForm {
    /// `today` is the date in Europe/Riga; a document expiring today is accepted.
    pub fn validate(&self, today: NaiveDate) -> Result<IdentityInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let doc_type = errors.take("doc_type", choice(&self.doc_type, DocumentType::from_code));
        let expires_on = errors.take("expires_on", date(&self.expires_on));
        let document = self.document(doc_type, expires_on, today, &mut errors);
        let personal_code = errors.take(
            "personal_code",
            personal_code(&self.personal_code, self.check_digit_override),
        );
        let override_justification = personal_code
            .as_ref()
            .filter(|code| code.check_digit_overridden())
            .and_then(|_| {
                errors.take(
                    "override_justification",
                    text_between(
                        &self.override_justification,
                        JUSTIFICATION_MIN_CHARS,
                        JUSTIFICATION_MAX_CHARS,
                    ),
                )
            });
        let given_names = errors.take("given_names", person_name(&self.given_names));
        let surnames = errors.take("surnames", person_name(&self.surnames));
        let input = (|| {
            Some(IdentityInput {
                document: document?,
                personal_code: personal_code?,
                override_justification,
                given_names: given_names?,
                surnames: surnames?,
            })
        })();
        errors.into_result(input)
    }

    /// Checks the document even when its type or date is missing, so every field gets its error.
    fn document(
        &self,
        doc_type: Option<DocumentType>,
        expires_on: Option<NaiveDate>,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<IdentityDocument> {
        // Stand-ins that add no error of their own: the least restrictive type, a date not expired.
        let checked = IdentityDocument::new(
            doc_type.unwrap_or(DocumentType::ForeignPassport),
            &self.doc_number,
            &self.issuing_state,
            expires_on.unwrap_or(today),
            today,
        );
        match checked {
            Ok(document) if doc_type.is_some() && expires_on.is_some() => Some(document),
            Ok(_) => None,
            Err(document_errors) => {
                for error in document_errors {
                    errors.push(document_field(error), FieldError::Document(error));
                }
                None
            }
        }
    }
}

fn document_field(error: DocumentError) -> &'static str {
    match error {
        DocumentError::NumberRequired
        | DocumentError::NumberLength { .. }
        | DocumentError::NumberCharacters => "doc_number",
        DocumentError::IssuingStateRequired
        | DocumentError::IssuingStateBadFormat
        | DocumentError::IssuingStateMustBeLatvia => "issuing_state",
        DocumentError::Expired => "expires_on",
    }
}

fn personal_code(input: &str, allow_override: bool) -> Result<PersonalCode, FieldError> {
    PersonalCode::parse(input, allow_override).map_err(|error| match error {
        PersonalCodeError::Empty => FieldError::Required,
        other => FieldError::PersonalCode(other),
    })
}

/// Given names or surnames: letters of any alphabet (Latvian diacritics included), spaces,
/// hyphens and apostrophes; runs of spaces are collapsed.
fn person_name(input: &str) -> Result<String, FieldError> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(FieldError::Required);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(FieldError::TooLong {
            max: NAME_MAX_CHARS,
        });
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’');
    if name.chars().all(allowed) && name.chars().any(char::is_alphabetic) {
        Ok(name)
    } else {
        Err(FieldError::BadName)
    }
}

/// Names and document number are personal data: `Debug` hides them.
impl fmt::Debug for IdentityInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityInput")
            .field("document", &self.document)
            .field("personal_code", &self.personal_code)
            .field(
                "override_justification",
                &self.override_justification.as_ref().map(|_| "<redacted>"),
            )
            .field("given_names", &"<redacted>")
            .field("surnames", &"<redacted>")
            .finish()
    }
}

/// The reason to stop the case for when the identity check failed on the document or the
/// person rather than on a slip of the keyboard: an expired document, or a personal code that
/// cannot be the client's (no real birth date, a check digit that does not match). 22.¹1: a
/// failed check stops the case with the reason; the employee is offered it, not forced.
pub fn identity_stop_reason(errors: &FieldErrors) -> Option<StopReason> {
    let failed = |wanted: fn(&FieldError) -> bool| errors.iter().any(|(_, error)| wanted(error));
    if failed(|error| matches!(error, FieldError::Document(DocumentError::Expired))) {
        Some(StopReason::DocumentExpired)
    } else if failed(|error| {
        matches!(
            error,
            FieldError::PersonalCode(PersonalCodeError::BadDate | PersonalCodeError::CheckDigit)
        )
    }) {
        Some(StopReason::IdentityNotVerified)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹2 employee eID

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmployeeEidForm {
    /// The code of a qualified eID means from the administrator's list.
    pub means_code: String,
    /// HTML `datetime-local`, Europe/Riga.
    pub used_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeEidInput {
    pub means_code: String,
    pub used_at: NaiveDateTime,
    /// Steps recorded before this field existed were chosen from the list: declared.
    #[serde(default)]
    pub confirmation: Confirmation,
    /// What proves a verified confirmation: the signed ID token and the key set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EidEvidence>,
}

/// How 22.¹2 came to be recorded (also kept in the case, `cases.employee_eid_confirmation`,
/// for the figures).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum Confirmation {
    /// The employee chose the means and time from the list: nothing proves it.
    #[default]
    Declared,
    /// A qualified eID provider's signed ID token proves it (kept in [`EidEvidence`]).
    Verified,
}

impl Confirmation {
    pub const ALL: [Confirmation; 2] = [Self::Declared, Self::Verified];

    pub fn code(self) -> &'static str {
        match self {
            Self::Declared => "declared",
            Self::Verified => "verified",
        }
    }
}

/// The evidence of a verified 22.¹2, as kept in the step (and so committed in the case's
/// chain): the provider's signed ID token, and the key set its signature was checked against,
/// so that it can be checked again offline years later (`oidc::verify_evidence`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EidEvidence {
    pub issuer: String,
    pub client_id: String,
    pub acr: Option<String>,
    /// The means as the provider named it (`amr` or the configured claim).
    pub amr: Vec<String>,
    /// When the employee authenticated (the token's `auth_time`), UTC.
    pub authenticated_at: chrono::DateTime<chrono::Utc>,
    /// The compact JWS as received.
    pub id_token: String,
    pub jwks: serde_json::Value,
}

/// How 22.¹2 was confirmed, as its stored `data` says (declared when it does not say).
pub fn confirmation_of(data: &serde_json::Value) -> Confirmation {
    match data.get("confirmation").and_then(serde_json::Value::as_str) {
        Some("verified") => Confirmation::Verified,
        _ => Confirmation::Declared,
    }
}

/// 22.¹2's stored `data` as a person reads it: how it was confirmed always said, and the
/// evidence's token and key set (long, base64) replaced by `"kept": true`.
pub fn eid_data_for_reading(data: &serde_json::Value) -> serde_json::Value {
    let mut data = data.clone();
    if let Some(object) = data.as_object_mut() {
        object.insert(
            "confirmation".into(),
            confirmation_of(&serde_json::Value::Object(object.clone()))
                .code()
                .into(),
        );
        if let Some(evidence) = object.get_mut("evidence").and_then(|e| e.as_object_mut()) {
            let kept = evidence.remove("id_token").is_some();
            evidence.remove("jwks");
            evidence.remove("client_id");
            evidence.insert("kept".into(), kept.into());
        }
    }
    data
}

impl EmployeeEidInput {
    /// 22.¹2 as a qualified eID provider proved it: means `means_code`, at `used_at` (Riga).
    pub fn verified(means_code: String, used_at: NaiveDateTime, evidence: EidEvidence) -> Self {
        Self {
            means_code,
            used_at,
            confirmation: Confirmation::Verified,
            evidence: Some(evidence),
        }
    }
}

impl EmployeeEidForm {
    /// `allowed_means` are the codes of the qualified means in force; `now_riga` is local time.
    pub fn validate(
        &self,
        allowed_means: &[&str],
        now_riga: NaiveDateTime,
    ) -> Result<EmployeeEidInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let means_code = errors.take(
            "means_code",
            choice(&self.means_code, |code| {
                allowed_means.contains(&code).then(|| code.to_owned())
            }),
        );
        let used_at = errors.take(
            "used_at",
            date_time(&self.used_at).and_then(|at| recent(at, now_riga, EID_USE_MAX_AGE_HOURS)),
        );
        let input = (|| {
            Some(EmployeeEidInput {
                means_code: means_code?,
                used_at: used_at?,
                confirmation: Confirmation::Declared,
                evidence: None,
            })
        })();
        errors.into_result(input)
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹3 data-use notice and written authorisation

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorisationForm {
    /// The version of the data-use notice that the form showed (a hidden field).
    pub notice_version: String,
    pub wants_result: bool,
    /// A `ContactChannel` code; read only when `wants_result`.
    pub channel: String,
    /// Phone, e-mail or postal address, per channel; ignored for in person.
    pub contact: String,
    pub signed: bool,
    pub registration_number: String,
    pub copy_handed_over: bool,
}

/// The client was read notice `notice_version`, signed the authorisation in two copies and took
/// copy 2: a value of this type exists only when all of that was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorisationInput {
    pub notice_version: i32,
    /// `Some` exactly when the client wants to be told the result.
    pub result_contact: Option<ResultContact>,
    pub registration_number: String,
    pub signed_on: NaiveDate,
    /// Until when the municipality keeps copy 1 (see `retention::keep_until`).
    pub copy1_keep_until: NaiveDate,
}

impl AuthorisationInput {
    /// The 22.¹3 answer the workflow needs.
    pub fn wants_result(&self) -> bool {
        self.result_contact.is_some()
    }
}

impl AuthorisationForm {
    /// `current_notice_version` is the notice in force; `retention_years` the centre's retention
    /// period for authorisations; `today` the date in Europe/Riga (the signing date).
    pub fn validate(
        &self,
        today: NaiveDate,
        current_notice_version: i32,
        retention_years: u16,
    ) -> Result<AuthorisationInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let notice_version = errors.take(
            "notice_version",
            match self.notice_version.trim().parse::<i32>() {
                Ok(version) if version == current_notice_version => Ok(version),
                _ => Err(FieldError::NoticeChanged),
            },
        );
        let result_contact = if self.wants_result {
            self.result_contact(&mut errors).map(Some)
        } else {
            Some(None)
        };
        errors.confirm("signed", self.signed);
        let registration_number = errors.take(
            "registration_number",
            text_between(&self.registration_number, 1, REGISTRATION_NUMBER_MAX_CHARS),
        );
        errors.confirm("copy_handed_over", self.copy_handed_over);
        let input = (|| {
            Some(AuthorisationInput {
                notice_version: notice_version?,
                result_contact: result_contact?,
                registration_number: registration_number?,
                signed_on: today,
                copy1_keep_until: retention::keep_until(today, retention_years),
            })
        })();
        errors.into_result(input)
    }

    /// The client's answer whether (and how) to be told the result, asked before the first print
    /// so that it is printed on the authorisation: `None` when it is not (yet) a valid answer,
    /// and the document then leaves it blank to be filled in by hand.
    pub fn answer_before_print(&self) -> Option<Option<ResultContact>> {
        if !self.wants_result {
            return Some(None);
        }
        let mut errors = FieldErrors::default();
        self.result_contact(&mut errors).map(Some)
    }

    fn result_contact(&self, errors: &mut FieldErrors) -> Option<ResultContact> {
        let channel = errors.take("channel", choice(&self.channel, ContactChannel::from_code))?;
        let contact = match channel {
            ContactChannel::Phone => {
                phone(&self.contact).map(|number| ResultContact::Phone { number })
            }
            ContactChannel::Email => {
                email(&self.contact).map(|address| ResultContact::Email { address })
            }
            ContactChannel::Post => text_between(
                &self.contact,
                POSTAL_ADDRESS_MIN_CHARS,
                POSTAL_ADDRESS_MAX_CHARS,
            )
            .map(|address| ResultContact::Post { address }),
            // Whatever was typed before switching to "in person" is not needed, so not kept.
            ContactChannel::InPerson => Ok(ResultContact::InPerson),
        };
        errors.take("contact", contact)
    }
}

/// Optional `+`, then 8–15 digits; spaces are removed. Eight digits without `+` are a Latvian
/// number and must start with 2 (mobile) or 6 (landline).
pub(crate) fn phone(input: &str) -> Result<String, FieldError> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(FieldError::Required);
    }
    let (international, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let well_formed = digits.bytes().all(|b| b.is_ascii_digit())
        && (PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits.len());
    let latvian_prefix_ok =
        international || digits.len() != PHONE_MIN_DIGITS || digits.starts_with(['2', '6']);
    if well_formed && latvian_prefix_ok {
        Ok(compact)
    } else {
        Err(FieldError::BadPhone)
    }
}

/// Deliberately simple: one `@`, a local part, a dotted domain, no spaces. The real check is
/// whether the client gets the message.
pub(crate) fn email(input: &str) -> Result<String, FieldError> {
    let address = input.trim();
    if address.is_empty() {
        return Err(FieldError::Required);
    }
    if address.chars().count() > EMAIL_MAX_CHARS {
        return Err(FieldError::TooLong {
            max: EMAIL_MAX_CHARS,
        });
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(FieldError::BadEmail);
    };
    let domain_ok = domain.contains('.') && domain.split('.').all(|label| !label.is_empty());
    if !local.is_empty()
        && domain_ok
        && !domain.contains('@')
        && !address.contains(char::is_whitespace)
    {
        Ok(address.to_owned())
    } else {
        Err(FieldError::BadEmail)
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹4 data processing

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataProcessingForm {
    /// Checked category codes (the checkboxes).
    pub categories: Vec<String>,
    /// The data were used for this e-service only.
    pub purpose_only: bool,
}

/// The categories used, in catalogue order; its existence records the purpose-only confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataProcessingInput {
    pub categories: Vec<String>,
}

impl DataProcessingForm {
    /// `service_categories` are the codes the e-service's catalogue entry needs, in its order.
    pub fn validate(
        &self,
        service_categories: &[&str],
    ) -> Result<DataProcessingInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let chosen: Vec<&str> = self
            .categories
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let categories = errors.take("categories", {
            if chosen.is_empty() {
                Err(FieldError::Required)
            } else if chosen.iter().any(|c| !service_categories.contains(c)) {
                Err(FieldError::NotInList)
            } else {
                Ok(service_categories
                    .iter()
                    .filter(|c| chosen.contains(c))
                    .map(|c| (*c).to_owned())
                    .collect())
            }
        });
        errors.confirm("purpose_only", self.purpose_only);
        let input = categories.map(|categories| DataProcessingInput { categories });
        errors.into_result(input)
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹5 submission

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmissionForm {
    /// The portal's submission reference.
    pub reference: String,
    /// HTML `datetime-local`; empty means now.
    pub submitted_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionInput {
    pub reference: String,
    pub submitted_at: NaiveDateTime,
}

impl SubmissionForm {
    /// Times in Europe/Riga: `opened_riga` when the case was opened, `eid_used_at` when the
    /// employee signed in to the portal at 22.¹2 (the submission cannot come before either).
    pub fn validate(
        &self,
        now_riga: NaiveDateTime,
        opened_riga: NaiveDateTime,
        eid_used_at: Option<NaiveDateTime>,
    ) -> Result<SubmissionInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reference = errors.take(
            "reference",
            text_between(&self.reference, 1, REFERENCE_MAX_CHARS),
        );
        let submitted_at = errors.take(
            "submitted_at",
            in_case(&self.submitted_at, now_riga, opened_riga).and_then(|at| match eid_used_at {
                Some(signed_in) if at < to_the_minute(signed_in) => {
                    Err(FieldError::BeforeEidSignIn)
                }
                _ => Ok(at),
            }),
        );
        let input = (|| {
            Some(SubmissionInput {
                reference: reference?,
                submitted_at: submitted_at?,
            })
        })();
        errors.into_result(input)
    }
}

// ---------------------------------------------------------------------------------------------
// How the client is told (22.¹6 and 22.¹7)

/// How the client was, or is to be, told: by the employee (a channel and a time), or by a
/// message the product sends now, which needs no channel or time typed (the channel is the
/// client's contact, the time is now).
struct Telling<'a> {
    told_via: &'a str,
    told_at: &'a str,
    send: &'a str,
}

impl Telling<'_> {
    fn check(
        &self,
        errors: &mut FieldErrors,
        offered: Option<MessageChannel>,
        now_riga: NaiveDateTime,
        opened_riga: NaiveDateTime,
    ) -> Option<(ContactChannel, NaiveDateTime, Option<MessageChannel>)> {
        if !self.send.is_empty() {
            let channel = errors.take(
                "send",
                MessageChannel::from_code(self.send)
                    .filter(|channel| Some(*channel) == offered)
                    .ok_or(FieldError::NotInList),
            )?;
            let via = match channel {
                MessageChannel::Email => ContactChannel::Email,
                MessageChannel::Sms => ContactChannel::Phone,
            };
            return Some((via, to_the_minute(now_riga), Some(channel)));
        }
        let told_via = errors.take("told_via", choice(self.told_via, ContactChannel::from_code));
        let told_at = errors.take("told_at", in_case(self.told_at, now_riga, opened_riga));
        Some((told_via?, told_at?, None))
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹6 planned time

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlannedTimeForm {
    pub planned_on: String,
    /// A `ContactChannel` code.
    pub told_via: String,
    /// HTML `datetime-local`; empty means now.
    pub told_at: String,
    /// A `MessageChannel` code: the product sends the message now (see [`Telling`]).
    pub send: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedTimeInput {
    pub planned_on: NaiveDate,
    pub told_via: ContactChannel,
    pub told_at: NaiveDateTime,
    /// The product sent the message itself (its outbox row, `client_messages`, holds it):
    /// `told_at` is when it was queued, and the duty counts as done once the relay accepts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_by: Option<MessageChannel>,
}

impl PlannedTimeForm {
    /// Times in Europe/Riga; `opened_riga` is when the case was opened.
    /// `offered`: the channel the product may send by (the client's contact at 22.¹3 and a
    /// configured relay), if any.
    pub fn validate(
        &self,
        now_riga: NaiveDateTime,
        opened_riga: NaiveDateTime,
        offered: Option<MessageChannel>,
    ) -> Result<PlannedTimeInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let planned_on = errors.take(
            "planned_on",
            date(&self.planned_on).and_then(|on| not_before(on, now_riga.date())),
        );
        let telling = Telling {
            told_via: &self.told_via,
            told_at: &self.told_at,
            send: &self.send,
        };
        let told = telling.check(&mut errors, offered, now_riga, opened_riga);
        let input = (|| {
            let (told_via, told_at, sent_by) = told?;
            Some(PlannedTimeInput {
                planned_on: planned_on?,
                told_via,
                told_at,
                sent_by,
            })
        })();
        errors.into_result(input)
    }
}

// ---------------------------------------------------------------------------------------------
// 22.¹7 result

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultForm {
    /// An `Outcome` code.
    pub outcome: String,
    /// Required for "other"; an optional note otherwise.
    pub outcome_text: String,
    /// A `ContactChannel` code.
    pub told_via: String,
    /// HTML `datetime-local`; empty means now.
    pub told_at: String,
    /// A `MessageChannel` code: the product sends the message now (see [`Telling`]).
    pub send: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultInput {
    pub outcome: Outcome,
    pub outcome_text: Option<String>,
    pub told_via: ContactChannel,
    pub told_at: NaiveDateTime,
    /// As [`PlannedTimeInput::sent_by`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_by: Option<MessageChannel>,
}

impl ResultForm {
    /// Times in Europe/Riga; `opened_riga` is when the case was opened.
    /// `offered` as in [`PlannedTimeForm::validate`].
    pub fn validate(
        &self,
        now_riga: NaiveDateTime,
        opened_riga: NaiveDateTime,
        offered: Option<MessageChannel>,
    ) -> Result<ResultInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let outcome = errors.take("outcome", choice(&self.outcome, Outcome::from_code));
        let outcome_text = errors.take("outcome_text", {
            let text = optional_text(&self.outcome_text, OUTCOME_TEXT_MAX_CHARS);
            match (outcome, text) {
                (Some(Outcome::Other), Ok(None)) => Err(FieldError::Required),
                (_, text) => text,
            }
        });
        let telling = Telling {
            told_via: &self.told_via,
            told_at: &self.told_at,
            send: &self.send,
        };
        let told = telling.check(&mut errors, offered, now_riga, opened_riga);
        let input = (|| {
            let (told_via, told_at, sent_by) = told?;
            Some(ResultInput {
                outcome: outcome?,
                outcome_text: outcome_text?,
                told_via,
                told_at,
                sent_by,
            })
        })();
        errors.into_result(input)
    }
}

// ---------------------------------------------------------------------------------------------
// Stopping a case

/// The stop form as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StopForm {
    /// A `StopReason` code.
    pub reason: String,
    /// Required for "other"; an optional note otherwise.
    pub remark: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopInput {
    pub reason: StopReason,
    pub remark: Option<String>,
}

impl StopForm {
    pub fn validate(&self) -> Result<StopInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reason = errors.take("reason", choice(&self.reason, StopReason::from_code));
        let remark = errors.take("remark", {
            match (reason, optional_text(&self.remark, STOP_REMARK_MAX_CHARS)) {
                (Some(StopReason::Other), Ok(None)) => Err(FieldError::Required),
                (_, remark) => remark,
            }
        });
        let input = (|| {
            Some(StopInput {
                reason: reason?,
                remark: remark?,
            })
        })();
        errors.into_result(input)
    }
}

// ---------------------------------------------------------------------------------------------
// Field checks shared by the forms

/// A code from a fixed list: empty is `Required`, anything unknown `NotInList`.
fn choice<T>(input: &str, lookup: impl FnOnce(&str) -> Option<T>) -> Result<T, FieldError> {
    let code = input.trim();
    if code.is_empty() {
        return Err(FieldError::Required);
    }
    lookup(code).ok_or(FieldError::NotInList)
}

/// Trimmed text of `min..=max` characters (`min` ≥ 1, so empty is `Required`), without control
/// characters.
pub fn text_between(input: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let text = input.trim();
    let length = text.chars().count();
    if super::has_control_characters(text) {
        Err(FieldError::ControlCharacters)
    } else if length == 0 {
        Err(FieldError::Required)
    } else if length < min {
        Err(FieldError::TooShort { min })
    } else if length > max {
        Err(FieldError::TooLong { max })
    } else {
        Ok(text.to_owned())
    }
}

/// Trimmed text of at most `max` characters without control characters, or `None` if empty.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, FieldError> {
    match text_between(input, 1, max) {
        Ok(text) => Ok(Some(text)),
        Err(FieldError::Required) => Ok(None),
        Err(error) => Err(error),
    }
}

/// "YYYY-MM-DD" (HTML date input) or "DD.MM.YYYY" (as Latvians write it, trailing dot allowed).
fn date(input: &str) -> Result<NaiveDate, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::Required);
    }
    iso_date(text)
        .or_else(|| latvian_date(text))
        .ok_or(FieldError::BadDate)
}

fn iso_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    ymd(year, month, day)
}

fn latvian_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.strip_suffix('.').unwrap_or(text).split('.');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let short = |part: &str| (1..=2).contains(&part.len());
    if parts.next().is_some() || year.len() != 4 || !short(month) || !short(day) {
        return None;
    }
    ymd(year, month, day)
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    let all_digits = [year, month, day]
        .iter()
        .all(|part| part.bytes().all(|b| b.is_ascii_digit()));
    if !all_digits {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// HTML `datetime-local` ("YYYY-MM-DDTHH:MM", seconds optional); a space or "DD.MM.YYYY" date
/// part is accepted too, for hand-typed values.
fn date_time(input: &str) -> Result<NaiveDateTime, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::Required);
    }
    let (date_part, time_part) = text.split_once(['T', ' ']).ok_or(FieldError::BadDateTime)?;
    let day = date(date_part).map_err(|_| FieldError::BadDateTime)?;
    let time = NaiveTime::parse_from_str(time_part.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time_part.trim(), "%H:%M:%S"))
        .map_err(|_| FieldError::BadDateTime)?;
    Ok(day.and_time(time))
}

/// Empty means now; otherwise a time not in the future.
fn past_or_now(input: &str, now: NaiveDateTime) -> Result<NaiveDateTime, FieldError> {
    if input.trim().is_empty() {
        return Ok(now);
    }
    date_time(input).and_then(|at| not_after(at, now))
}

/// Empty means now; otherwise a time not in the future and not before the case was opened.
/// The forms take whole minutes, so the minute the case was opened in counts as after it.
fn in_case(
    input: &str,
    now: NaiveDateTime,
    opened: NaiveDateTime,
) -> Result<NaiveDateTime, FieldError> {
    let at = past_or_now(input, now)?;
    if at < to_the_minute(opened) {
        Err(FieldError::BeforeCaseOpened)
    } else {
        Ok(at)
    }
}

pub fn to_the_minute(at: NaiveDateTime) -> NaiveDateTime {
    at.with_second(0)
        .and_then(|at| at.with_nanosecond(0))
        .unwrap_or(at)
}

fn not_after(at: NaiveDateTime, now: NaiveDateTime) -> Result<NaiveDateTime, FieldError> {
    if at > now {
        Err(FieldError::DateInFuture)
    } else {
        Ok(at)
    }
}

fn not_before(on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if on < today {
        Err(FieldError::DateInPast)
    } else {
        Ok(on)
    }
}

/// Not in the future and at most `hours` ago.
fn recent(at: NaiveDateTime, now: NaiveDateTime, hours: i64) -> Result<NaiveDateTime, FieldError> {
    let at = not_after(at, now)?;
    if now - at > Duration::hours(hours) {
        Err(FieldError::TooLongAgo { hours })
    } else {
        Ok(at)
    }
}

#[cfg(test)]
mod tests;
