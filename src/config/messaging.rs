//! The relay settings for telling the client (`PILNVARA_SMTP_*`, `PILNVARA_SMS_*`): without them
//! the desk is not offered "send by e-mail" or "send by SMS" and tells the client itself.

use std::time::Duration;

use super::ConfigError;
use crate::passwords::Secret;

/// How the connection to the SMTP relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required; port 587 by default).
    StartTls,
    /// TLS from the first byte (port 465 by default).
    Tls,
    /// No TLS: only to a relay on this machine's loopback address (port 25 by default).
    Plain,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password for SMTP AUTH, when the relay wants them.
    pub credentials: Option<(String, Secret)>,
    /// The sender: `Name <address>` or an address.
    pub from: String,
    /// The domain of the sender's address, for the messages' Message-IDs.
    pub domain: String,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct SmsSettings {
    /// Where a message is POSTed.
    pub url: String,
    /// `Authorization: Bearer …` when set.
    pub token: Option<Secret>,
    /// The request body; `{to}`, `{text}`, `{sender}` and `{reference}` are replaced by JSON
    /// string contents (escaped).
    pub body: String,
    pub sender: String,
    /// A JSON pointer to the provider's message id in its answer.
    pub id_field: String,
    /// The shared secret of the delivery reports' HMAC-SHA256 signature; without it every
    /// report is refused.
    pub report_secret: Option<Secret>,
    /// The header that carries the signature (hex, optionally `sha256=`-prefixed).
    pub signature_header: String,
    pub timeout: Duration,
}

/// Both relays; either may be missing.
#[derive(Debug, Clone, Default)]
pub struct Messaging {
    pub smtp: Option<SmtpSettings>,
    pub sms: Option<SmsSettings>,
}

const DEFAULT_SMS_BODY: &str =
    r#"{"to":"{to}","text":"{text}","from":"{sender}","reference":"{reference}"}"#;

impl Messaging {
    pub(super) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let smtp = match set("PILNVARA_SMTP_HOST") {
            None => None,
            Some(host) => Some(smtp(&set, host)?),
        };
        let sms = match set("PILNVARA_SMS_URL") {
            None => None,
            Some(url) => {
                let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                    .iter()
                    .any(|prefix| url.starts_with(prefix));
                if !(url.starts_with("https://") || loopback) {
                    return Err(ConfigError {
                        variable: "PILNVARA_SMS_URL".into(),
                        value: url,
                        problem: "expected an https:// URL (http:// only on this machine's loopback)",
                    });
                }
                let body = set("PILNVARA_SMS_BODY").unwrap_or_else(|| DEFAULT_SMS_BODY.into());
                if !body.contains("{to}") || !body.contains("{text}") {
                    return Err(ConfigError {
                        variable: "PILNVARA_SMS_BODY".into(),
                        value: body,
                        problem: "expected a body holding {to} and {text}",
                    });
                }
                Some(SmsSettings {
                    url,
                    token: set("PILNVARA_SMS_TOKEN").map(Secret::new),
                    body,
                    sender: set("PILNVARA_SMS_SENDER").unwrap_or_else(|| "VPVKAC".into()),
                    id_field: set("PILNVARA_SMS_ID_FIELD").unwrap_or_else(|| "/id".into()),
                    report_secret: set("PILNVARA_SMS_REPORT_SECRET").map(Secret::new),
                    signature_header: set("PILNVARA_SMS_SIGNATURE_HEADER")
                        .unwrap_or_else(|| "x-signature".into())
                        .to_ascii_lowercase(),
                    timeout: Duration::from_secs(20),
                })
            }
        };
        Ok(Self { smtp, sms })
    }
}

fn smtp(set: &impl Fn(&str) -> Option<String>, host: String) -> Result<SmtpSettings, ConfigError> {
    let security = match set("PILNVARA_SMTP_TLS").as_deref() {
        None | Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") => SmtpSecurity::Tls,
        Some("none") => SmtpSecurity::Plain,
        Some(other) => {
            return Err(ConfigError {
                variable: "PILNVARA_SMTP_TLS".into(),
                value: other.to_owned(),
                problem: "expected starttls, tls or none",
            });
        }
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if security == SmtpSecurity::Plain && !loopback {
        return Err(ConfigError {
            variable: "PILNVARA_SMTP_TLS".into(),
            value: "none".into(),
            problem: "a relay without TLS must be on this machine (127.0.0.1, ::1 or localhost)",
        });
    }
    let port = match set("PILNVARA_SMTP_PORT") {
        None => match security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        },
        Some(value) => value.trim().parse().map_err(|_| ConfigError {
            variable: "PILNVARA_SMTP_PORT".into(),
            value,
            problem: "expected a port number",
        })?,
    };
    let from = set("PILNVARA_SMTP_FROM").ok_or(ConfigError {
        variable: "PILNVARA_SMTP_FROM".into(),
        value: String::new(),
        problem: "expected the sender's address, e.g. VPVKAC <vpvkac@example.lv>",
    })?;
    let mailbox: lettre::message::Mailbox = from.parse().map_err(|_| ConfigError {
        variable: "PILNVARA_SMTP_FROM".into(),
        value: from.clone(),
        problem: "expected an address such as vpvkac@example.lv or VPVKAC <vpvkac@example.lv>",
    })?;
    let credentials = match (set("PILNVARA_SMTP_USERNAME"), set("PILNVARA_SMTP_PASSWORD")) {
        (Some(user), Some(password)) => Some((user, Secret::new(password))),
        (None, None) => None,
        _ => {
            return Err(ConfigError {
                variable: "PILNVARA_SMTP_USERNAME".into(),
                value: String::new(),
                problem: "set both PILNVARA_SMTP_USERNAME and PILNVARA_SMTP_PASSWORD, or neither",
            });
        }
    };
    Ok(SmtpSettings {
        host,
        port,
        security,
        credentials,
        domain: mailbox.email.domain().to_owned(),
        from,
        timeout: Duration::from_secs(30),
    })
}
