//! Settings read from the environment, with defaults for a local start.
//!
//! An invalid value stops start-up with a message that names the variable. Nothing here reads
//! files or opens connections.

mod messaging;

pub use messaging::{Messaging, SmsSettings, SmtpSecurity, SmtpSettings};

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem} (got {value:?})")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub problem: &'static str,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL; `Debug` hides it, as it may carry a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(…)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `PILNVARA_BIND`: the address to listen on.
    pub bind: SocketAddr,
    /// `DATABASE_URL`: an existing PostgreSQL server; without it, a private cluster is started.
    pub database_url: Option<DatabaseUrl>,
    /// `DATABASE_REPLICA_URL`: a read-only replica of that database for the reports (figures
    /// and CSV exports); optional. Reports fall back to the primary when it does not answer.
    pub database_replica_url: Option<DatabaseUrl>,
    /// `PILNVARA_DATA_DIR`: where the private cluster and other server files live.
    pub data_dir: PathBuf,
    /// `PILNVARA_SECURE_COOKIES`: send cookies only over TLS.
    pub secure_cookies: bool,
    /// `PILNVARA_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `PILNVARA_METRICS_BIND`: where `/metrics` (Prometheus) listens; off when unset.
    pub metrics_bind: Option<SocketAddr>,
    /// `PILNVARA_SMTP_*` and `PILNVARA_SMS_*`: the relays that tell the client (22.¹6, 22.¹7).
    pub messaging: Messaging,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so that parsing can be tested without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind: SocketAddr = match lookup("PILNVARA_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(value) => value.parse().map_err(|_| ConfigError {
                variable: "PILNVARA_BIND",
                value,
                problem: "expected an address and port such as 127.0.0.1:8080",
            })?,
        };
        let database_url = postgres_url(&lookup, "DATABASE_URL")?;
        let database_replica_url = postgres_url(&lookup, "DATABASE_REPLICA_URL")?;
        let data_dir = match lookup("PILNVARA_DATA_DIR") {
            None => PathBuf::from("data"),
            Some(value) if value.trim().is_empty() => {
                return Err(ConfigError {
                    variable: "PILNVARA_DATA_DIR",
                    value,
                    problem: "expected a directory path",
                });
            }
            Some(value) => PathBuf::from(value),
        };
        let secure_cookies = match lookup("PILNVARA_SECURE_COOKIES") {
            None => !bind.ip().is_loopback(),
            Some(value) => parse_switch(&value).ok_or(ConfigError {
                variable: "PILNVARA_SECURE_COOKIES",
                value,
                problem: "expected true or false",
            })?,
        };
        let log_format = match lookup("PILNVARA_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    variable: "PILNVARA_LOG_FORMAT",
                    value: other.to_owned(),
                    problem: "expected text or json",
                });
            }
        };
        let metrics_bind = match lookup("PILNVARA_METRICS_BIND") {
            None => None,
            Some(value) if value.trim().is_empty() => None,
            Some(value) => Some(value.parse().map_err(|_| ConfigError {
                variable: "PILNVARA_METRICS_BIND",
                value,
                problem: "expected an address and port such as 127.0.0.1:9090",
            })?),
        };
        let messaging = Messaging::from_lookup(&lookup)?;
        Ok(Self {
            messaging,
            bind,
            database_url,
            database_replica_url,
            data_dir,
            secure_cookies,
            log_format,
            metrics_bind,
        })
    }
}

/// A PostgreSQL URL from `variable`, if set (empty counts as unset).
fn postgres_url(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<Option<DatabaseUrl>, ConfigError> {
    match lookup(variable) {
        None => Ok(None),
        Some(value) if value.trim().is_empty() => Ok(None),
        Some(value) if value.starts_with("postgres://") || value.starts_with("postgresql://") => {
            Ok(Some(DatabaseUrl(value)))
        }
        Some(_) => Err(ConfigError {
            variable,
            value: "…".into(),
            problem: "expected a postgres:// or postgresql:// URL",
        }),
    }
}

fn parse_switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn defaults_suit_a_local_start() {
        let config = config(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert!(config.database_url.is_none());
        assert!(config.database_replica_url.is_none());
        assert_eq!(config.data_dir, PathBuf::from("data"));
        assert!(
            !config.secure_cookies,
            "plain HTTP on loopback needs cookies without Secure"
        );
        assert_eq!(config.log_format, LogFormat::Text);
    }

    #[test]
    fn secure_cookies_default_on_when_not_on_loopback() {
        assert!(
            config(&[("PILNVARA_BIND", "0.0.0.0:8080")])
                .unwrap()
                .secure_cookies
        );
        assert!(
            !config(&[
                ("PILNVARA_BIND", "0.0.0.0:8080"),
                ("PILNVARA_SECURE_COOKIES", "off")
            ])
            .unwrap()
            .secure_cookies
        );
    }

    #[test]
    fn invalid_values_name_the_variable() {
        for (variable, value) in [
            ("PILNVARA_BIND", "localhost"),
            ("PILNVARA_SECURE_COOKIES", "maybe"),
            ("PILNVARA_LOG_FORMAT", "xml"),
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_REPLICA_URL", "replica:5432"),
            ("PILNVARA_DATA_DIR", " "),
        ] {
            let error = config(&[(variable, value)]).unwrap_err();
            assert_eq!(error.variable, variable);
            assert!(error.to_string().starts_with(variable));
        }
    }

    #[test]
    fn database_url_is_not_printed_by_debug() {
        let config = config(&[
            ("DATABASE_URL", "postgres://u:secret@h/db"),
            ("DATABASE_REPLICA_URL", "postgres://u:secret@replica/db"),
        ])
        .unwrap();
        assert!(config.database_replica_url.is_some());
        assert!(!format!("{config:?}").contains("secret"));
    }
}
