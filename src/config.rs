//! Settings read from the environment, with defaults for a local start.
//!
//! An invalid value stops start-up with a message that names the variable. Nothing here opens
//! connections; the only files read are an OpenID client's secret (`…_CLIENT_SECRET_FILE`).

mod messaging;

pub use messaging::{Messaging, SmsSettings, SmtpSecurity, SmtpSettings};

use std::net::SocketAddr;

use crate::domain::staff::ProviderKey;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem} (got {value:?})")]
pub struct ConfigError {
    /// The variable's name (a provider's own names it: `PILNVARA_OIDC_<KEY>_ISSUER`).
    pub variable: String,
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

/// A secret (an OpenID client's); `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSecret(String);

impl ClientSecret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret(…)")
    }
}

/// One OpenID Connect provider Pilnvara is registered with as a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    /// The issuer: `https://…`, or `http://` on a loopback address only (for tests).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: ClientSecret,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The claim that identifies the person (`sub`, or one carrying a personal code).
    pub person_claim: String,
    /// The `acr` values asked for; a token's `acr` must be one of them (none: any).
    pub acr_values: Vec<String>,
    /// The claim that names the means used (`amr` by default).
    pub means_claim: String,
}

/// The prefix of the qualified eID provider's variables (22.¹2): `PILNVARA_EID_ISSUER`, …
const EID: &str = "PILNVARA_EID";

/// The prefix of staff sign-in providers' variables: `PILNVARA_OIDC_ISSUER`, … for the one with
/// the key [`DEFAULT_SIGN_IN_KEY`], `PILNVARA_OIDC_<KEY>_ISSUER`, … for each key listed in
/// `PILNVARA_OIDC_PROVIDERS`.
const SIGN_IN: &str = "PILNVARA_OIDC";

/// The key of the sign-in provider set by `PILNVARA_OIDC_ISSUER` (and of the account links
/// made for it).
pub const DEFAULT_SIGN_IN_KEY: &str = ProviderKey::DEFAULT;

/// The longest display name of a sign-in provider (its button).
const PROVIDER_NAME_MAX_CHARS: usize = 100;

/// One identity provider staff may sign in with (a municipality's Keycloak, Entra ID, ADFS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInProvider {
    /// [`DEFAULT_SIGN_IN_KEY`], or its key in `PILNVARA_OIDC_PROVIDERS`.
    pub key: ProviderKey,
    /// What its button names it (`…_NAME`); without one, the default provider's button says
    /// "the municipality's account" and a listed one's its key.
    pub name: Option<String>,
    pub settings: OidcProvider,
}

/// eIDAS level high, as the eIDAS nodes and most national providers name it.
pub const EIDAS_HIGH: &str = "http://eidas.europa.eu/LoA/high";

#[derive(Debug, Clone)]
pub struct Config {
    /// `PILNVARA_BIND`: the address to listen on.
    pub bind: SocketAddr,
    /// `DATABASE_URL`: an existing PostgreSQL server; without it, a private cluster is started.
    pub database_url: Option<DatabaseUrl>,
    /// `DATABASE_REPLICA_URL`: a read-only replica of that database for the reports (figures
    /// and CSV exports); optional. Reports fall back to the primary when it does not answer.
    pub database_replica_url: Option<DatabaseUrl>,
    /// `PILNVARA_DB_POOL_SIZE`: the most connections this instance holds to the database (and
    /// to the replica). By default two per core of this machine, at least four.
    pub db_pool_size: u32,
    /// `PILNVARA_DATA_DIR`: where the private cluster and other server files live.
    pub data_dir: PathBuf,
    /// `PILNVARA_SECURE_COOKIES`: send cookies only over TLS.
    pub secure_cookies: bool,
    /// `PILNVARA_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `PILNVARA_METRICS_BIND`: where `/metrics` (Prometheus) listens; off when unset.
    pub metrics_bind: Option<SocketAddr>,
    /// `PILNVARA_PUBLIC_URL`: the address staff reach Pilnvara at (the providers' redirect
    /// URIs are built from it); required when a provider is configured.
    pub public_url: Option<String>,
    /// `PILNVARA_EID_*`: the qualified eID provider that confirms 22.¹2, if any.
    pub eid: Option<OidcProvider>,
    /// `PILNVARA_EID_MANUAL_FALLBACK`: with an eID provider, whether 22.¹2 may still be
    /// recorded from the list (marked *declared*), e.g. while the provider is away.
    pub eid_manual_fallback: bool,
    /// `PILNVARA_OIDC_*` and `PILNVARA_OIDC_PROVIDERS`: the identity providers staff may sign
    /// in with, if any; keys are unique.
    pub sign_in_providers: Vec<SignInProvider>,
    /// `PILNVARA_PASSWORD_SIGN_IN`: whether staff may sign in with a password.
    pub password_sign_in: bool,
    /// `PILNVARA_SMTP_*` and `PILNVARA_SMS_*`: the relays that tell the client (22.¹6, 22.¹7).
    pub messaging: Messaging,
}

/// Two connections per core, at least four: the database does its best with about as many
/// statements running as it has cores, and a request's connection also waits on the network
/// and on this server between its statements. More only adds backends that take turns with each
/// other and contend for the same rows (docs/performance.md, "The pool's size"). One of them
/// is the outbox's, held to listen for queued messages.
fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    u32::try_from(cores * 2).unwrap_or(u32::MAX).max(4)
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
                variable: "PILNVARA_BIND".into(),
                value,
                problem: "expected an address and port such as 127.0.0.1:8080",
            })?,
        };
        let database_url = postgres_url(&lookup, "DATABASE_URL")?;
        let database_replica_url = postgres_url(&lookup, "DATABASE_REPLICA_URL")?;
        let db_pool_size = match lookup("PILNVARA_DB_POOL_SIZE") {
            None => default_pool_size(),
            Some(value) => match value.trim().parse::<u32>() {
                Ok(size @ 2..=1000) => size,
                _ => {
                    return Err(ConfigError {
                        variable: "PILNVARA_DB_POOL_SIZE".into(),
                        value,
                        problem: "expected a number of connections from 2 to 1000",
                    });
                }
            },
        };
        let data_dir = match lookup("PILNVARA_DATA_DIR") {
            None => PathBuf::from("data"),
            Some(value) if value.trim().is_empty() => {
                return Err(ConfigError {
                    variable: "PILNVARA_DATA_DIR".into(),
                    value,
                    problem: "expected a directory path",
                });
            }
            Some(value) => PathBuf::from(value),
        };
        let secure_cookies = match lookup("PILNVARA_SECURE_COOKIES") {
            None => !bind.ip().is_loopback(),
            Some(value) => parse_switch(&value).ok_or(ConfigError {
                variable: "PILNVARA_SECURE_COOKIES".into(),
                value,
                problem: "expected true or false",
            })?,
        };
        let log_format = match lookup("PILNVARA_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    variable: "PILNVARA_LOG_FORMAT".into(),
                    value: other.to_owned(),
                    problem: "expected text or json",
                });
            }
        };
        let metrics_bind = match lookup("PILNVARA_METRICS_BIND") {
            None => None,
            Some(value) if value.trim().is_empty() => None,
            Some(value) => Some(value.parse().map_err(|_| ConfigError {
                variable: "PILNVARA_METRICS_BIND".into(),
                value,
                problem: "expected an address and port such as 127.0.0.1:9090",
            })?),
        };
        let eid = provider(&lookup, EID, EIDAS_HIGH)?;
        let sign_in_providers = sign_in_providers(&lookup)?;
        let password_sign_in = match lookup("PILNVARA_PASSWORD_SIGN_IN") {
            None => true,
            Some(value) => parse_switch(&value).ok_or(ConfigError {
                variable: "PILNVARA_PASSWORD_SIGN_IN".into(),
                value: value.clone(),
                problem: "expected true or false",
            })?,
        };
        if !password_sign_in && sign_in_providers.is_empty() {
            return Err(ConfigError {
                variable: "PILNVARA_PASSWORD_SIGN_IN".into(),
                value: "false".into(),
                problem: "nobody could sign in: set PILNVARA_OIDC_ISSUER or PILNVARA_OIDC_PROVIDERS too",
            });
        }
        let public_url = match lookup("PILNVARA_PUBLIC_URL") {
            None => None,
            Some(value) if value.trim().is_empty() => None,
            // The redirect URIs are built by appending paths: no trailing slash.
            Some(value) => Some(web_address(value.trim().trim_end_matches('/')).ok_or(
                ConfigError {
                    variable: "PILNVARA_PUBLIC_URL".into(),
                    value,
                    problem: "expected https://host[:port] (http:// only on a loopback address)",
                },
            )?),
        };
        if (eid.is_some() || !sign_in_providers.is_empty()) && public_url.is_none() {
            return Err(ConfigError {
                variable: "PILNVARA_PUBLIC_URL".into(),
                value: String::new(),
                problem: "required with an OpenID provider: the redirect URIs are built from it",
            });
        }
        let eid_manual_fallback = match lookup("PILNVARA_EID_MANUAL_FALLBACK") {
            None => true,
            Some(value) => parse_switch(&value).ok_or(ConfigError {
                variable: "PILNVARA_EID_MANUAL_FALLBACK".into(),
                value,
                problem: "expected true or false",
            })?,
        };
        let messaging = Messaging::from_lookup(&lookup)?;
        Ok(Self {
            messaging,
            bind,
            database_url,
            database_replica_url,
            db_pool_size,
            data_dir,
            secure_cookies,
            log_format,
            metrics_bind,
            public_url,
            eid,
            eid_manual_fallback,
            sign_in_providers,
            password_sign_in,
        })
    }

    /// The sign-in provider an account may be linked for: `key` when it is configured, or is
    /// the default one (whose links may be made before it is).
    pub fn sign_in_link_key(&self, key: &str) -> Option<ProviderKey> {
        let key = ProviderKey::parse(key.trim())?;
        let known = key.as_str() == DEFAULT_SIGN_IN_KEY
            || self
                .sign_in_providers
                .iter()
                .any(|provider| provider.key == key);
        known.then_some(key)
    }

    /// The callback of staff sign-in through an identity provider (every one: the request in
    /// flight in the session says which), as registered with each.
    pub fn sign_in_redirect_uri(&self) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|base| format!("{base}/login/oidc/callback"))
    }

    /// Where the sign-in provider sends the browser after ending its session (RP-initiated
    /// logout), as registered with it.
    pub fn post_logout_redirect_uri(&self) -> Option<String> {
        self.public_url.as_ref().map(|base| format!("{base}/login"))
    }

    /// The callback of the qualified eID confirmation, as registered with the provider.
    pub fn eid_redirect_uri(&self) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|base| format!("{base}/eid/callback"))
    }
}

/// `value` when it is an https URL, or an http URL on a loopback address (tests), with nothing
/// after the host and port but a path. Kept as written: an issuer must match the tokens' `iss`
/// exactly, trailing slash and all.
fn web_address(value: &str) -> Option<String> {
    let value = value.trim();
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://").filter(|rest| loopback(rest)))?;
    let host = rest.split('/').next().unwrap_or_default();
    let ok = !host.is_empty()
        && !rest.contains(['?', '#', '@', ' '])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    ok.then(|| value.to_owned())
}

/// Whether `rest` (what follows `http://`) names a loopback address.
fn loopback(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The settings of the provider whose variables begin with `prefix` (`PILNVARA_EID`,
/// `PILNVARA_OIDC`, `PILNVARA_OIDC_<KEY>`), when its issuer is set; `acr_default`: the `acr`
/// values asked for when `…_ACR_VALUES` is unset.
fn provider(
    lookup: &impl Fn(&str) -> Option<String>,
    prefix: &str,
    acr_default: &str,
) -> Result<Option<OidcProvider>, ConfigError> {
    let name = |suffix: &str| format!("{prefix}_{suffix}");
    let set = |suffix: &str| lookup(&name(suffix)).filter(|value| !value.trim().is_empty());
    let Some(issuer) = set("ISSUER") else {
        return Ok(None);
    };
    let issuer = web_address(&issuer).ok_or_else(|| ConfigError {
        variable: name("ISSUER"),
        value: issuer,
        problem: "expected https://… (http:// only on a loopback address, for tests)",
    })?;
    let client_id = set("CLIENT_ID").ok_or_else(|| ConfigError {
        variable: name("CLIENT_ID"),
        value: String::new(),
        problem: "required with an issuer",
    })?;
    let client_secret = match (set("CLIENT_SECRET"), set("CLIENT_SECRET_FILE")) {
        (Some(secret), None) => secret,
        (None, Some(path)) => std::fs::read_to_string(&path)
            .map(|secret| secret.trim().to_owned())
            .map_err(|_| ConfigError {
                variable: name("CLIENT_SECRET_FILE"),
                value: path,
                problem: "cannot read the file",
            })?,
        (Some(_), Some(_)) => {
            return Err(ConfigError {
                variable: name("CLIENT_SECRET"),
                value: "…".into(),
                problem: "set the secret or its file, not both",
            });
        }
        (None, None) => {
            return Err(ConfigError {
                variable: name("CLIENT_SECRET"),
                value: String::new(),
                problem: "required with an issuer (or the _FILE variable)",
            });
        }
    };
    let words = |suffix: &str, default: &str| -> Vec<String> {
        set(suffix)
            .unwrap_or_else(|| default.to_owned())
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let claim = |suffix: &str, default: &str| -> Result<String, ConfigError> {
        let value = set(suffix).unwrap_or_else(|| default.to_owned());
        let value = value.trim().to_owned();
        if value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/".contains(c))
        {
            Ok(value)
        } else {
            Err(ConfigError {
                variable: name(suffix),
                value,
                problem: "expected a claim name",
            })
        }
    };
    Ok(Some(OidcProvider {
        issuer,
        client_id,
        client_secret: ClientSecret(client_secret),
        scopes: words("SCOPES", "openid"),
        person_claim: claim("PERSON_CLAIM", "sub")?,
        acr_values: words("ACR_VALUES", acr_default),
        means_claim: claim("MEANS_CLAIM", "amr")?,
    }))
}

/// The staff sign-in providers: the default one (`PILNVARA_OIDC_ISSUER`, …), then each key of
/// `PILNVARA_OIDC_PROVIDERS` (`PILNVARA_OIDC_<KEY>_ISSUER`, …), in that order.
fn sign_in_providers(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<SignInProvider>, ConfigError> {
    let named = |key: ProviderKey, prefix: &str| -> Result<Option<SignInProvider>, ConfigError> {
        let Some(settings) = provider(lookup, prefix, "")? else {
            return Ok(None);
        };
        let variable = format!("{prefix}_NAME");
        let name = match lookup(&variable).map(|name| name.trim().to_owned()) {
            None => None,
            Some(name) if name.is_empty() => None,
            Some(name)
                if name.chars().count() > PROVIDER_NAME_MAX_CHARS
                    || name.chars().any(char::is_control) =>
            {
                return Err(ConfigError {
                    variable,
                    value: name,
                    problem: "expected a name of at most 100 characters, on one line",
                });
            }
            Some(name) => Some(name),
        };
        Ok(Some(SignInProvider {
            key,
            name,
            settings,
        }))
    };
    let mut providers: Vec<SignInProvider> = named(ProviderKey::default_provider(), SIGN_IN)?
        .into_iter()
        .collect();
    let list = format!("{SIGN_IN}_PROVIDERS");
    let keys = lookup(&list).unwrap_or_default();
    for key in keys.split(',').map(str::trim).filter(|key| !key.is_empty()) {
        let refused = |problem: &'static str| ConfigError {
            variable: list.clone(),
            value: key.to_owned(),
            problem,
        };
        let Some(parsed) = ProviderKey::parse(key) else {
            return Err(refused(
                "expected keys of lowercase letters and digits (at most 32), separated by commas",
            ));
        };
        if key == DEFAULT_SIGN_IN_KEY {
            return Err(refused(
                "\"default\" is the provider of PILNVARA_OIDC_ISSUER: give this one another key",
            ));
        }
        if providers.iter().any(|provider| provider.key == parsed) {
            return Err(refused("listed twice"));
        }
        let prefix = format!("{SIGN_IN}_{}", key.to_ascii_uppercase());
        let provider = named(parsed, &prefix)?.ok_or_else(|| ConfigError {
            variable: format!("{prefix}_ISSUER"),
            value: String::new(),
            problem: "required for each provider listed in PILNVARA_OIDC_PROVIDERS",
        })?;
        providers.push(provider);
    }
    Ok(providers)
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
            variable: variable.into(),
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
        let cores = std::thread::available_parallelism().unwrap().get() as u32;
        assert_eq!(config.db_pool_size, (2 * cores).max(4));
    }

    #[test]
    fn the_pool_size_is_a_number_of_connections() {
        let size = |value| config(&[("PILNVARA_DB_POOL_SIZE", value)]);
        assert_eq!(size("12").unwrap().db_pool_size, 12);
        assert_eq!(size(" 2 ").unwrap().db_pool_size, 2);
        for refused in ["0", "1", "1001", "-4", "many", ""] {
            assert_eq!(
                size(refused).unwrap_err().variable,
                "PILNVARA_DB_POOL_SIZE",
                "{refused:?}"
            );
        }
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
            ("PILNVARA_DB_POOL_SIZE", "0"),
            ("PILNVARA_PUBLIC_URL", "http://desk.example.lv"),
            ("PILNVARA_EID_MANUAL_FALLBACK", "perhaps"),
            ("PILNVARA_PASSWORD_SIGN_IN", "false"),
            ("PILNVARA_OIDC_ISSUER", "http://sso.example.lv"),
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

    #[test]
    fn a_plain_http_issuer_is_accepted_on_loopback_only() {
        let eid = |issuer: &str| {
            config(&[
                ("PILNVARA_PUBLIC_URL", "https://desk.example.lv/"),
                ("PILNVARA_EID_ISSUER", issuer),
                ("PILNVARA_EID_CLIENT_ID", "pilnvara"),
                ("PILNVARA_EID_CLIENT_SECRET", "s3cret"),
            ])
        };
        let loopback = eid("http://127.0.0.1:4000").unwrap();
        let provider = loopback.eid.as_ref().unwrap();
        assert_eq!(provider.issuer, "http://127.0.0.1:4000");
        assert_eq!(provider.acr_values, [EIDAS_HIGH]);
        assert_eq!(provider.person_claim, "sub");
        assert_eq!(
            loopback.eid_redirect_uri().as_deref(),
            Some("https://desk.example.lv/eid/callback")
        );
        assert!(eid("https://eid.example.lv/oidc").is_ok());
        // An issuer is kept as written: it must equal the tokens' `iss`, slash and all.
        let slashed = eid("https://tenant.example.eu/").unwrap();
        assert_eq!(slashed.eid.unwrap().issuer, "https://tenant.example.eu/");
        for refused in [
            "http://eid.example.lv",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
        ] {
            assert_eq!(eid(refused).unwrap_err().variable, "PILNVARA_EID_ISSUER");
        }
        assert!(!format!("{loopback:?}").contains("s3cret"));
    }

    #[test]
    fn an_eid_provider_needs_its_client_and_the_public_url() {
        let error = config(&[("PILNVARA_EID_ISSUER", "https://eid.example.lv")]).unwrap_err();
        assert_eq!(error.variable, "PILNVARA_EID_CLIENT_ID");
        let error = config(&[
            ("PILNVARA_EID_ISSUER", "https://eid.example.lv"),
            ("PILNVARA_EID_CLIENT_ID", "pilnvara"),
            ("PILNVARA_EID_CLIENT_SECRET", "s3cret"),
        ])
        .unwrap_err();
        assert_eq!(error.variable, "PILNVARA_PUBLIC_URL");
    }

    /// A desk with the default sign-in provider and the two listed, plus `more`.
    fn several(more: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut pairs = vec![
            ("PILNVARA_PUBLIC_URL", "https://desk.example.lv"),
            ("PILNVARA_OIDC_ISSUER", "https://sso.example.lv"),
            ("PILNVARA_OIDC_CLIENT_ID", "pilnvara"),
            ("PILNVARA_OIDC_CLIENT_SECRET", "s3cret"),
            ("PILNVARA_OIDC_PROVIDERS", "riga, entra2"),
            (
                "PILNVARA_OIDC_RIGA_ISSUER",
                "https://id.riga.lv/realms/staff",
            ),
            ("PILNVARA_OIDC_RIGA_CLIENT_ID", "pilnvara-riga"),
            ("PILNVARA_OIDC_RIGA_CLIENT_SECRET", "riga-s3cret"),
            ("PILNVARA_OIDC_RIGA_PERSON_CLAIM", "personal_code"),
            ("PILNVARA_OIDC_RIGA_SCOPES", "openid personal_code"),
            ("PILNVARA_OIDC_RIGA_NAME", "Rīgas valstspilsētas pašvaldība"),
            ("PILNVARA_OIDC_ENTRA2_ISSUER", "http://127.0.0.1:9000/v2.0"),
            ("PILNVARA_OIDC_ENTRA2_CLIENT_ID", "pilnvara-entra"),
            ("PILNVARA_OIDC_ENTRA2_CLIENT_SECRET", "entra-s3cret"),
        ];
        for (name, value) in more {
            pairs.retain(|(key, _)| key != name);
            pairs.push((name, value));
        }
        config(&pairs)
    }

    #[test]
    fn several_sign_in_providers_are_read_each_from_its_own_variables() {
        let config = several(&[]).unwrap();
        let keys: Vec<&str> = config
            .sign_in_providers
            .iter()
            .map(|provider| provider.key.as_str())
            .collect();
        assert_eq!(keys, ["default", "riga", "entra2"]);
        let [default, riga, entra] = &config.sign_in_providers[..] else {
            panic!("three providers");
        };
        assert_eq!(default.settings.issuer, "https://sso.example.lv");
        assert_eq!(default.name, None);
        assert_eq!(riga.settings.issuer, "https://id.riga.lv/realms/staff");
        assert_eq!(riga.settings.client_id, "pilnvara-riga");
        assert_eq!(riga.settings.client_secret.expose(), "riga-s3cret");
        assert_eq!(riga.settings.person_claim, "personal_code");
        assert_eq!(riga.settings.scopes, ["openid", "personal_code"]);
        assert_eq!(
            riga.name.as_deref(),
            Some("Rīgas valstspilsētas pašvaldība")
        );
        assert_eq!(entra.settings.person_claim, "sub");
        assert!(entra.settings.acr_values.is_empty());
        assert!(!format!("{config:?}").contains("s3cret"));
        // Listed providers alone, without the default one, are enough to turn passwords off.
        let only_listed = several(&[
            ("PILNVARA_OIDC_ISSUER", ""),
            ("PILNVARA_PASSWORD_SIGN_IN", "false"),
        ])
        .unwrap();
        assert_eq!(only_listed.sign_in_providers.len(), 2);
        assert!(!only_listed.password_sign_in);
    }

    #[test]
    fn a_listed_providers_error_names_its_own_variable() {
        for (more, variable) in [
            (
                ("PILNVARA_OIDC_RIGA_ISSUER", "http://id.riga.lv"),
                "PILNVARA_OIDC_RIGA_ISSUER",
            ),
            (
                ("PILNVARA_OIDC_ENTRA2_ISSUER", ""),
                "PILNVARA_OIDC_ENTRA2_ISSUER",
            ),
            (
                ("PILNVARA_OIDC_RIGA_CLIENT_ID", ""),
                "PILNVARA_OIDC_RIGA_CLIENT_ID",
            ),
            (
                ("PILNVARA_OIDC_ENTRA2_CLIENT_SECRET_FILE", "/nonexistent"),
                "PILNVARA_OIDC_ENTRA2_CLIENT_SECRET",
            ),
            (
                ("PILNVARA_OIDC_RIGA_PERSON_CLAIM", "personal code"),
                "PILNVARA_OIDC_RIGA_PERSON_CLAIM",
            ),
            (
                ("PILNVARA_OIDC_RIGA_NAME", "Rīga\nsecond line"),
                "PILNVARA_OIDC_RIGA_NAME",
            ),
            (
                ("PILNVARA_OIDC_PROVIDERS", "riga,Entra"),
                "PILNVARA_OIDC_PROVIDERS",
            ),
            (
                ("PILNVARA_OIDC_PROVIDERS", "riga,riga"),
                "PILNVARA_OIDC_PROVIDERS",
            ),
            (
                ("PILNVARA_OIDC_PROVIDERS", "default"),
                "PILNVARA_OIDC_PROVIDERS",
            ),
            (
                ("PILNVARA_OIDC_PROVIDERS", "riga,unknown"),
                "PILNVARA_OIDC_UNKNOWN_ISSUER",
            ),
        ] {
            let error = several(&[more]).unwrap_err();
            assert_eq!(error.variable, variable, "{more:?}: {error}");
            assert!(error.to_string().starts_with(variable), "{error}");
            assert!(!error.to_string().contains("s3cret"), "{error}");
        }
    }
}
