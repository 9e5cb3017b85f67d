//! A real OpenID Connect provider for the tests: panva's `oidc-provider` (OpenID Certified) under
//! node, installed once into `target/oidc-provider` from the npm registry by the first test that
//! needs it (as `browser.rs` installs axe-core), configured by the committed
//! `tests/oidc/provider.mjs`: test people, the levels `low`/`substantial`/`high` as `acr`, the
//! means as `amr`, one client with our redirect URIs, and signing keys of its own. It listens
//! on a loopback port this module chooses and says `ready` when it serves.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use pilnvara::config::Config;

use crate::harness::{Client, TestResponse};

/// The client the provider knows us as.
pub const CLIENT_ID: &str = "pilnvara";
pub const CLIENT_SECRET: &str = "pilnvara-test-secret";

/// A test person of `provider.mjs`, with the personal code their eID carries.
pub const ANNA_CODE: &str = "32000000001";

/// How long the provider may take to start (node and a 2048-bit key pair or two).
const START_DEADLINE: Duration = Duration::from_secs(60);

/// The folder the provider is installed in, installing it the first time.
fn installed() -> &'static PathBuf {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../oidc-provider");
        let source = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc"));
        std::fs::create_dir_all(&prefix).unwrap();
        // The script is copied every run (it may have changed); node resolves its import from
        // the node_modules beside it.
        for file in ["package.json", "provider.mjs"] {
            std::fs::copy(source.join(file), prefix.join(file)).unwrap();
        }
        let module = prefix.join("node_modules/oidc-provider/package.json");
        let wanted = r#""version": "9.13.3""#;
        let current = std::fs::read_to_string(&module).unwrap_or_default();
        if !current.contains(wanted) {
            let status = std::process::Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&prefix)
                .status()
                .expect("npm, to install oidc-provider (apt-get install npm)");
            assert!(status.success(), "installing oidc-provider with npm failed");
        }
        prefix
    })
}

/// A running provider; stopped when dropped.
pub struct Provider {
    pub issuer: String,
    /// Holds `signing.pem` (the key the provider signs with and publishes) and `other.pem` (a
    /// key it never publishes), for tests that forge what the provider would not issue.
    pub keys: tempfile::TempDir,
    _process: Child,
}

impl Provider {
    /// Starts a provider whose client `pilnvara` may be redirected to `redirect_uris`.
    pub async fn start(redirect_uris: &[String]) -> Self {
        let prefix = installed();
        let keys = tempfile::tempdir().unwrap();
        let port = crate::harness::free_port();
        let mut process = Command::new("node")
            .arg(prefix.join("provider.mjs"))
            .arg(port.to_string())
            .arg(keys.path())
            .args(redirect_uris)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node, to run the OpenID provider (apt-get install nodejs)");
        let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(START_DEADLINE, async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(issuer) = line.strip_prefix("ready ") {
                    return Some(issuer.to_owned());
                }
            }
            None
        })
        .await;
        let issuer = match ready {
            Ok(Some(issuer)) => issuer,
            Ok(None) => panic!("the OpenID provider stopped before it was ready"),
            Err(_) => panic!("the OpenID provider was not ready within {START_DEADLINE:?}"),
        };
        Self {
            issuer,
            keys,
            _process: process,
        }
    }

    /// A private key of the provider's test folder (`signing.pem` or `other.pem`).
    pub fn key_pem(&self, name: &str) -> String {
        std::fs::read_to_string(self.keys.path().join(name)).unwrap()
    }

    /// Walks a browser through the provider from `authorization_url`: signs in as `person` with
    /// `means` at `level` on the provider's page, and returns where the provider sends the
    /// browser back (our redirect URI with `code` and `state`).
    pub async fn sign_in(
        &self,
        authorization_url: &str,
        person: &str,
        means: &str,
        level: &str,
    ) -> String {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut url = authorization_url.to_owned();
        for _ in 0..10 {
            if !url.starts_with(&self.issuer) {
                return url;
            }
            let response = browser.get(&url).send().await.unwrap();
            if response.status().is_redirection() {
                url = self.absolute(response.headers()["location"].to_str().unwrap());
                continue;
            }
            let status = response.status();
            let body = response.text().await.unwrap();
            assert!(
                status.is_success(),
                "the provider answered {status}: {body}"
            );
            // The provider's sign-in page: choose the person, the means and the level.
            let response = browser
                .post(&url)
                .form(&[("person", person), ("means", means), ("level", level)])
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_redirection(),
                "signing in at the provider: {}",
                response.status()
            );
            url = self.absolute(response.headers()["location"].to_str().unwrap());
        }
        panic!("the provider did not send the browser back")
    }

    fn absolute(&self, location: &str) -> String {
        if location.starts_with('/') {
            format!("{}{location}", self.issuer)
        } else {
            location.to_owned()
        }
    }
}

/// The browser comes back from the provider at `callback` (one of our redirect URIs): our page
/// passes the answer on from our own origin, and the desk's answer to that is returned.
pub async fn come_back(client: &Client, callback: &str) -> TestResponse {
    let path = callback
        .strip_prefix(&client.base)
        .expect("the provider sends the browser to our redirect URI");
    assert!(path.contains("/callback?"), "{path}");
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let next = continue_link(&page.body);
    client.get(&next).await
}

/// Where the "continuing" page sends the browser on (its link, as a browser reads it).
pub fn continue_link(body: &str) -> String {
    let (_, rest) = body
        .split_once(r#"id="continue" class="button" href=""#)
        .expect("the continue link");
    rest.split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The settings of a desk at `base` whose provider `prefix` (`PILNVARA_EID` or `PILNVARA_OIDC`)
/// is the test provider at `issuer`, identifying people by their personal code; and `more`.
pub fn provider_config(base: &str, prefix: &str, issuer: &str, more: &[(&str, &str)]) -> Config {
    let mut pairs: Vec<(String, String)> = vec![
        ("PILNVARA_PUBLIC_URL".into(), base.into()),
        (format!("{prefix}_ISSUER"), issuer.into()),
        (format!("{prefix}_CLIENT_ID"), CLIENT_ID.into()),
        (format!("{prefix}_CLIENT_SECRET"), CLIENT_SECRET.into()),
        (format!("{prefix}_SCOPES"), "openid personal_code".into()),
        (format!("{prefix}_PERSON_CLAIM"), "personal_code".into()),
    ];
    pairs.extend(more.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Config::from_lookup(|name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap()
}
