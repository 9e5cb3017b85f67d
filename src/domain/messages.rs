//! Telling the client by e-mail or SMS (22.¹6 the planned time, 22.¹7 the result): the message
//! texts and their placeholders, an SMS's segments, the outbox's statuses and reasons, and how
//! long a failed attempt waits before the next.
//!
//! Pure rules: the sending itself is `service::outbox`, the texts' storage `store::messages`.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::steps::{FieldError, FieldErrors, text_between};

/// How the product itself sends a message to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum MessageChannel {
    Email,
    Sms,
}

impl MessageChannel {
    pub const ALL: [Self; 2] = [Self::Email, Self::Sms];

    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Where a message is. `Sending` is the worker's claim while it talks to the relay; the desk
/// sees it as queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum MessageStatus {
    Queued,
    Sending,
    /// The relay or the SMS provider accepted it: the duty to inform counts as done.
    Sent,
    /// A delivery report said it reached the client's phone.
    Delivered,
    Failed,
}

impl MessageStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// Whether the client counts as informed by this message.
    pub fn informed(self) -> bool {
        matches!(self, Self::Sent | Self::Delivered)
    }
}

/// Why a message failed (or why its last attempt did not get through).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum FailureReason {
    /// The relay or provider could not be reached or answered "try later", every attempt.
    Unreachable,
    /// The relay or provider refused the message for good (a bad address or number, say).
    Rejected,
    /// A delivery report said it could not be delivered.
    Undelivered,
    /// The server stopped while handing the message over, or the SMS provider took the request
    /// and never answered: it may or may not have left. It is not sent again, so that the client
    /// never gets it twice.
    OutcomeUnknown,
    /// No relay (or provider) is configured any more for its channel.
    NotConfigured,
}

impl FailureReason {
    pub const ALL: [Self; 5] = [
        Self::Unreachable,
        Self::Rejected,
        Self::Undelivered,
        Self::OutcomeUnknown,
        Self::NotConfigured,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Unreachable => "unreachable",
            Self::Rejected => "rejected",
            Self::Undelivered => "undelivered",
            Self::OutcomeUnknown => "outcome-unknown",
            Self::NotConfigured => "not-configured",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Attempts before a message that keeps meeting a closed door fails.
pub const MAX_ATTEMPTS: i32 = 5;

/// How long after failed attempt number `attempts` (1, 2, …) the next one is made: 10 s, 1 min,
/// 5 min, 15 min, then every 30 min; `None` once [`MAX_ATTEMPTS`] were made.
pub fn retry_after(attempts: i32) -> Option<TimeDelta> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    Some(match attempts {
        ..=1 => TimeDelta::seconds(10),
        2 => TimeDelta::minutes(1),
        3 => TimeDelta::minutes(5),
        4 => TimeDelta::minutes(15),
        _ => TimeDelta::minutes(30),
    })
}

/// A worker that claimed a message and has not noted the outcome after this long has stopped
/// (the relay's and provider's timeouts are far shorter).
pub const SENDING_LEASE: TimeDelta = TimeDelta::minutes(5);

// ---------------------------------------------------------------------------------------------
// Templates

/// The placeholders a message template may hold; anything else in braces is refused when the
/// template is saved. None of them is the client's name, personal code or portal reference.
pub const PLACEHOLDERS: [&str; 7] = [
    "eservice",
    "planned_on",
    "result",
    "case",
    "centre",
    "centre_phone",
    "centre_email",
];

/// Whatever a template says in braces that is not a placeholder, in order, each once.
pub fn unknown_placeholders(template: &str) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            unknown.push(after.chars().take(20).collect());
            break;
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) && !unknown.iter().any(|u| u == name) {
            unknown.push(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    unknown
}

/// The longest subject and text of a template (the table's limits).
pub const SUBJECT_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = 2000;

/// A template as an administrator saves it: both parts present, within their limits, and no
/// placeholder the product does not know; the checked (trimmed) subject and text.
pub fn check_template(subject: &str, body: &str) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let known = |text: String| {
        if unknown_placeholders(&text).is_empty() {
            Ok(text)
        } else {
            Err(FieldError::UnknownPlaceholder)
        }
    };
    let subject = errors.take(
        "subject",
        text_between(subject, 1, SUBJECT_MAX_CHARS).and_then(known),
    );
    let body = errors.take(
        "body",
        text_between(body, 1, BODY_MAX_CHARS).and_then(known),
    );
    let checked = subject.zip(body);
    errors.into_result(checked)
}

/// The values of the placeholders for one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub eservice: String,
    /// dd.mm.gggg, or empty for the result's message.
    pub planned_on: String,
    /// The result in words, or empty for the planned time's message.
    pub result: String,
    pub case: String,
    pub centre: String,
    pub centre_phone: String,
    pub centre_email: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "eservice" => &self.eservice,
            "planned_on" => &self.planned_on,
            "result" => &self.result,
            "case" => &self.case,
            "centre" => &self.centre,
            "centre_phone" => &self.centre_phone,
            "centre_email" => &self.centre_email,
            _ => return None,
        })
    }
}

/// `template` with its placeholders filled in (an unknown one, which saving refuses, is left as
/// it is written).
pub fn render(template: &str, values: &Values) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| values.get(&after[..close]).map(|v| (close, v)))
        {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // Empty values leave no dangling separators at the end ("…, ").
    out.trim_end_matches([',', ' ']).to_owned()
}

// ---------------------------------------------------------------------------------------------
// SMS segments

/// How many SMS a text takes and in which alphabet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    pub count: usize,
    /// GSM 03.38's 7-bit alphabet; otherwise UCS-2 (Latvian letters with marks need it).
    pub gsm7: bool,
}

/// The GSM 03.38 basic alphabet (each one septet).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Its extension table (each two septets: escape and the character).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{000C}";

/// The segments `text` needs: 160 septets in one SMS, 153 a part when concatenated (GSM-7); 70
/// characters, 67 a part (UCS-2, counted in UTF-16 units).
pub fn sms_segments(text: &str) -> Segments {
    let septets: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (units, single, part, gsm7) = match septets {
        Some(septets) => (septets, 160, 153, true),
        None => (text.encode_utf16().count(), 70, 67, false),
    };
    let count = if units <= single {
        1
    } else {
        units.div_ceil(part)
    };
    Segments { count, gsm7 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_placeholders_are_named_once_each() {
        assert!(unknown_placeholders("{eservice} until {planned_on}").is_empty());
        assert_eq!(
            unknown_placeholders("{name} {personal_code} {name} {case}"),
            vec!["name".to_owned(), "personal_code".to_owned()]
        );
        assert_eq!(
            unknown_placeholders("open {brace"),
            vec!["brace".to_owned()]
        );
    }

    #[test]
    fn a_template_with_an_unknown_placeholder_is_refused_where_it_is() {
        assert!(check_template("{eservice}", "Līdz {planned_on}. {centre_phone}").is_ok());
        let errors = check_template("Rezultāts", "Sveiki, {client_name}!").unwrap_err();
        let found: Vec<_> = errors.into_iter().collect();
        assert_eq!(found, vec![("body", FieldError::UnknownPlaceholder)]);
        let errors = check_template("", "{personal_code}").unwrap_err();
        let found: Vec<_> = errors.into_iter().map(|(field, _)| field).collect();
        assert_eq!(found, vec!["subject", "body"]);
    }

    #[test]
    fn render_fills_every_placeholder() {
        let values = Values {
            eservice: "Pabalsts".into(),
            planned_on: "01.02.2027".into(),
            case: "12".into(),
            centre: "Centrs".into(),
            centre_phone: String::new(),
            ..Values::default()
        };
        assert_eq!(
            render(
                "{eservice} ({case}) {planned_on}. {centre}, {centre_phone}",
                &values
            ),
            "Pabalsts (12) 01.02.2027. Centrs"
        );
        assert_eq!(render("{x} {", &values), "{x} {");
    }

    #[test]
    fn sms_segments_follow_the_alphabet() {
        assert_eq!(
            sms_segments(&"a".repeat(160)),
            Segments {
                count: 1,
                gsm7: true
            }
        );
        assert_eq!(sms_segments(&"a".repeat(161)).count, 2);
        assert_eq!(sms_segments(&"a".repeat(306)).count, 2);
        assert_eq!(sms_segments(&"a".repeat(307)).count, 3);
        // The euro sign takes two septets.
        assert_eq!(sms_segments(&"€".repeat(80)).count, 1);
        assert_eq!(sms_segments(&"€".repeat(81)).count, 2);
        let latvian = sms_segments(&"ā".repeat(70));
        assert_eq!((latvian.count, latvian.gsm7), (1, false));
        assert_eq!(sms_segments(&"ā".repeat(71)).count, 2);
        assert_eq!(sms_segments(&"ā".repeat(135)).count, 3);
    }

    #[test]
    fn retries_back_off_then_stop() {
        assert_eq!(retry_after(1), Some(TimeDelta::seconds(10)));
        assert!(retry_after(2) < retry_after(3));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
    }
}
