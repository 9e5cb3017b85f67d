//! Forms as the browser posts them, and form fields as the templates show them.
//!
//! A posted form is read as name/value pairs (so that checkbox groups arrive whole), handed to a
//! `domain::steps` form for checking, and, when something is wrong, shown again with the values
//! kept and each message beside its field (`templates/partials/field.html`, the one field partial
//! of every form).

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use crate::domain::identity_document::DocumentError;
use crate::domain::personal_code::PersonalCodeError;
use crate::domain::steps::{FieldError, FieldErrors};
use crate::i18n::Texts;

/// A posted `application/x-www-form-urlencoded` body as name/value pairs.
#[derive(Debug, Default, Clone)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Every value of `name` (a group of checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// Whether checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(key, value)| key == name && !value.is_empty())
    }

    /// Whether `name` was posted at all, whatever its value. The admin forms read their
    /// checkboxes this way (kept as it was when they had their own parser).
    pub fn present(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }

    pub fn version(&self) -> Option<i32> {
        self.get("version").trim().parse().ok()
    }
}

impl<S: Send + Sync> FromRequest<S> for Posted {
    type Rejection = <axum::Form<Vec<(String, String)>> as FromRequest<S>>::Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) = axum::Form::from_request(request, state).await?;
        Ok(Posted(pairs))
    }
}

/// What is wrong with a form: each problem by the id of the element it is about (a field, or a
/// group's first option), in form order. The error summary (`templates/partials/errors.html`)
/// links to each; each field shows its own message. The one shape of every form's errors.
#[derive(Debug, Default, Clone)]
pub struct Errors(Vec<(String, String)>);

impl Errors {
    /// A form with one problem.
    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.push(field, message);
        errors
    }

    /// Adds the problem of `field`, unless it already has one (the first is the one shown).
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }
}

impl<F: AsRef<str>, M: Into<String>> FromIterator<(F, M)> for Errors {
    fn from_iter<I: IntoIterator<Item = (F, M)>>(problems: I) -> Self {
        let mut errors = Self::default();
        for (field, message) in problems {
            errors.push(field.as_ref(), message);
        }
        errors
    }
}

/// One option of a select, radio group or checkbox group.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// How a field is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    Input(&'static str),
    TextArea,
    Select,
    Radios,
    Checkbox,
    Checkboxes,
}

/// A field with its label, value, hint and error, ready for `partials/field.html`.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub widget: Widget,
    pub value: String,
    pub choices: Vec<Choice>,
    pub required: bool,
    pub maxlength: usize,
    pub autocomplete: &'static str,
    pub error: Option<String>,
    /// The language of the text typed (a notice's Latvian or English wording).
    pub lang: Option<&'static str>,
}

impl Field {
    pub fn input(
        name: &'static str,
        label: &'static str,
        kind: &'static str,
        value: String,
    ) -> Self {
        Self {
            name,
            label,
            hint: None,
            widget: Widget::Input(kind),
            value,
            choices: Vec::new(),
            required: true,
            maxlength: 200,
            autocomplete: "off",
            error: None,
            lang: None,
        }
    }

    pub fn text(name: &'static str, label: &'static str, value: String) -> Self {
        Self::input(name, label, "text", value)
    }

    pub fn area(name: &'static str, label: &'static str, value: String) -> Self {
        Self {
            widget: Widget::TextArea,
            maxlength: 500,
            ..Self::text(name, label, value)
        }
    }

    pub fn checkbox(name: &'static str, label: &'static str, checked: bool) -> Self {
        Self {
            widget: Widget::Checkbox,
            ..Self::text(
                name,
                label,
                if checked { "on".into() } else { String::new() },
            )
        }
    }

    /// A select, radio group (`Widget::Radios`) or checkbox group (`Widget::Checkboxes`);
    /// `selected` are the chosen values.
    pub fn choose(
        name: &'static str,
        label: &'static str,
        widget: Widget,
        options: Vec<(String, String)>,
        selected: &[String],
    ) -> Self {
        let choices = options
            .into_iter()
            .map(|(value, label)| Choice {
                selected: selected.contains(&value),
                value,
                label,
            })
            .collect();
        Self {
            widget,
            choices,
            ..Self::text(name, label, String::new())
        }
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The field's message from `errors`, if it has one.
    pub fn errors(mut self, errors: &Errors) -> Self {
        self.error = errors.get(self.name).map(str::to_owned);
        self
    }

    pub fn lang(mut self, lang: &'static str) -> Self {
        self.lang = Some(lang);
        self
    }

    pub fn max(mut self, maxlength: usize) -> Self {
        self.maxlength = maxlength;
        self
    }

    /// The ids of the hint and error that describe the field, for `aria-describedby`.
    pub fn described(&self) -> String {
        let mut ids = Vec::new();
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        ids.join(" ")
    }

    pub fn is_checked(&self) -> bool {
        !self.value.is_empty()
    }

    pub fn is_checkbox(&self) -> bool {
        self.widget == Widget::Checkbox
    }

    pub fn is_select(&self) -> bool {
        self.widget == Widget::Select
    }

    pub fn is_area(&self) -> bool {
        self.widget == Widget::TextArea
    }

    pub fn is_input(&self) -> bool {
        matches!(self.widget, Widget::Input(_))
    }

    pub fn input_type(&self) -> &'static str {
        match self.widget {
            Widget::Input(kind) => kind,
            _ => "text",
        }
    }

    pub fn is_group(&self) -> bool {
        matches!(self.widget, Widget::Radios | Widget::Checkboxes)
    }

    pub fn group_type(&self) -> &'static str {
        if self.widget == Widget::Radios {
            "radio"
        } else {
            "checkbox"
        }
    }
}

/// Puts each error's message beside its field; errors of fields not on the form are returned
/// for the summary alone.
pub fn attach_errors(t: &Texts, fields: &mut [Field], errors: &FieldErrors) {
    for (name, error) in errors.iter() {
        if let Some(field) = fields.iter_mut().find(|field| field.name == *name)
            && field.error.is_none()
        {
            field.error = Some(message(t, error));
        }
    }
}

/// A typed value without its surrounding spaces, cut to its first `max` characters.
pub fn trimmed_to(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

/// The status of a form page: 409 when the form was for an older state of its record, 422 when
/// it is shown again with errors, 200 otherwise.
pub fn form_status(errors: &FieldErrors, stale: bool) -> StatusCode {
    if stale {
        StatusCode::CONFLICT
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The translated message of a field error.
pub fn message(texts: &Texts, error: &FieldError) -> String {
    let t = texts.cases;
    let count = |n: usize, one: &str, other: &str| texts.counted(n as u64, one, other);
    match error {
        FieldError::Required => t.err_required.into(),
        FieldError::TooShort { min } => count(*min, t.err_too_short_one, t.err_too_short),
        FieldError::TooLong { max } => count(*max, t.err_too_long_one, t.err_too_long),
        FieldError::BadDate => t.err_bad_date.into(),
        FieldError::BadDateTime => t.err_bad_datetime.into(),
        FieldError::DateInPast => t.err_date_in_past.into(),
        FieldError::DateInFuture => t.err_date_in_future.into(),
        FieldError::TooLongAgo { hours } => texts.counted(
            hours.unsigned_abs(),
            t.err_too_long_ago_one,
            t.err_too_long_ago,
        ),
        FieldError::NotInList => t.err_not_in_list.into(),
        FieldError::BadName => t.err_bad_name.into(),
        FieldError::PersonalCode(error) => match error {
            PersonalCodeError::Empty => t.err_required.into(),
            PersonalCodeError::BadFormat => t.err_personal_code_bad_format.into(),
            PersonalCodeError::BadDate => t.err_personal_code_bad_date.into(),
            PersonalCodeError::CheckDigit => t.err_personal_code_check_digit.into(),
        },
        FieldError::Document(error) => match error {
            DocumentError::NumberRequired | DocumentError::IssuingStateRequired => {
                t.err_required.into()
            }
            DocumentError::NumberLength { .. } => t.err_document_number_length.into(),
            DocumentError::NumberCharacters => t.err_document_number_characters.into(),
            DocumentError::IssuingStateBadFormat => t.err_issuing_state_bad_format.into(),
            DocumentError::IssuingStateMustBeLatvia => t.err_issuing_state_must_be_latvia.into(),
            DocumentError::Expired => t.err_document_expired.into(),
        },
        FieldError::BadEmail => t.err_bad_email.into(),
        FieldError::BadPhone => t.err_bad_phone.into(),
        FieldError::MustBeConfirmed => t.err_must_be_confirmed.into(),
        FieldError::NotYetPrinted => t.err_not_yet_printed.into(),
        FieldError::NotAsPrinted => t.err_not_as_printed.into(),
        FieldError::ControlCharacters => t.err_control_characters.into(),
        FieldError::NoticeChanged => t.err_notice_changed.into(),
        FieldError::BeforeCaseOpened => t.err_before_case_opened.into(),
        FieldError::BeforeEidSignIn => t.err_before_eid_sign_in.into(),
        FieldError::NoMessageText => texts.messages.no_template.into(),
        FieldError::UnknownPlaceholder => texts.messages.err_unknown_placeholder.into(),
    }
}

/// The fields that have an error, in form order, for the error summary, each named by its
/// label ("Dokumenta veids: izvēlieties …"): the summary is read away from the fields.
pub fn summary(fields: &[Field]) -> Errors {
    let mut errors = Errors::default();
    for field in fields {
        if let Some(message) = &field.error {
            errors.push(&field_anchor(field), format!("{}: {message}", field.label));
        }
    }
    errors
}

/// The element the summary links to: the input, or a group's first option.
fn field_anchor(field: &Field) -> String {
    if field.is_group() {
        format!("{}-0", field.name)
    } else {
        field.name.to_owned()
    }
}
