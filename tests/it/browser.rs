//! A real browser: Debian's Chromium, headless, driven through chromedriver, against the real
//! server on a port of its own. With `PILNVARA_REQUIRE_BROWSER=1` (as CI sets) a machine without
//! Chromium fails these tests; elsewhere they pass as skipped, saying so in one line.
//!
//! On failure the page's screenshot and HTML are saved under `target/e2e/`.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::harness::TestApp;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What a failed browser check says.
pub type Outcome = Result<(), String>;

/// Fails the browser test with `message` unless `condition` holds.
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}

/// A headless Chromium with its own profile, driven by its own chromedriver.
pub struct Browser {
    pub client: Client,
    pub base: String,
    name: &'static str,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn required() -> bool {
    std::env::var_os("PILNVARA_REQUIRE_BROWSER").is_some_and(|value| value != "0")
}

fn say_skipped() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Straight to the process's standard error: the test harness captures only the print
        // macros, and this line must be seen.
        let _ = std::io::stderr().write_all(
            b"browser tests skipped: Chromium not found. Enable them with `apt-get install chromium chromium-driver` (and npm for axe-core).\n",
        );
    });
}

impl Browser {
    /// A browser on the application's own server, or `None` (skipped) without Chromium.
    pub async fn open(app: &TestApp, name: &'static str) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            assert!(
                !required(),
                "browser tests are required here: apt-get install chromium chromium-driver"
            );
            say_skipped();
            return None;
        }
        let address = app.serve().await;
        let port = free_port();
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let stdout = driver.stdout.take().expect("chromedriver's output");
        let ready = tokio::task::spawn_blocking(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .any(|line| line.contains("started successfully"))
        })
        .await
        .unwrap();
        assert!(ready, "chromedriver did not start");
        let profile = tempfile::tempdir().unwrap();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--lang=lv",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": "lv,en" },
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a chromedriver session");
        Some(Browser {
            client,
            base: format!("http://{address}"),
            name,
            driver,
            _profile: profile,
        })
    }

    /// Runs a scenario; on failure saves the screenshot and HTML, then fails the test.
    pub async fn run(self, scenario: impl AsyncFnOnce(&Browser) -> Outcome) {
        let outcome = scenario(&self).await;
        if let Err(message) = outcome {
            let saved = self.save_evidence().await;
            let _ = self.client.clone().close().await;
            panic!(
                "{}: {message} (screenshot and HTML: {})",
                self.name,
                saved.display()
            );
        }
        self.client
            .clone()
            .close()
            .await
            .expect("closing the browser");
    }

    async fn save_evidence(&self) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../e2e");
        std::fs::create_dir_all(&dir).unwrap();
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{}.png", self.name)), png);
        }
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(dir.join(format!("{}.html", self.name)), html);
        }
        dir
    }

    pub async fn visit(&self, path: &str) -> Outcome {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .map_err(|e| format!("opening {path}: {e}"))
    }

    pub async fn find(&self, css: &str) -> Result<Element, String> {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element {css}: {e}"))
    }

    pub async fn fill(&self, css: &str, text: &str) -> Outcome {
        let field = self.find(css).await?;
        field.clear().await.map_err(|e| e.to_string())?;
        field
            .send_keys(text)
            .await
            .map_err(|e| format!("typing into {css}: {e}"))
    }

    pub async fn click(&self, css: &str) -> Outcome {
        self.find(css)
            .await?
            .click()
            .await
            .map_err(|e| format!("clicking {css}: {e}"))
    }

    /// Does `action`, which leaves the page (a form submit), and waits until the next page has
    /// loaded: the current document is marked first, and the next one has no mark.
    pub async fn leaving_page(&self, action: impl AsyncFnOnce() -> Outcome) -> Outcome {
        self.client
            .execute(
                "document.documentElement.dataset.left = 'yes'; return true;",
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        action().await?;
        self.find("html:not([data-left])").await.map(|_| ())
    }

    /// Clicks `css` (a submit button or link) and waits for the next page.
    pub async fn submit(&self, css: &str) -> Outcome {
        self.leaving_page(async || self.click(css).await).await
    }

    /// Presses Enter in the field `css` (submitting its form) and waits for the next page.
    pub async fn enter_in(&self, css: &str) -> Outcome {
        let field = self.find(css).await?;
        self.leaving_page(async || {
            field
                .send_keys(&char::from(fantoccini::key::Key::Enter).to_string())
                .await
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// The visible text of the page's main region.
    pub async fn main_text(&self) -> Result<String, String> {
        self.find("main")
            .await?
            .text()
            .await
            .map_err(|e| e.to_string())
    }

    pub async fn path(&self) -> Result<String, String> {
        let url = self.client.current_url().await.map_err(|e| e.to_string())?;
        Ok(url.path().to_owned())
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Outcome {
        self.visit("/login").await?;
        self.fill("#username", username).await?;
        self.fill("#password", password).await?;
        self.submit("form.form button[type=submit]").await
    }

    /// Runs axe-core with the WCAG 2.1 A and AA rules on the current page: no violations.
    pub async fn assert_accessible(&self, what: &str) -> Outcome {
        let source = axe_source();
        self.client
            .execute(&format!("{source}\n;return true;"), vec![])
            .await
            .map_err(|e| format!("loading axe-core: {e}"))?;
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                      .then(result => done(result.violations.map(v =>
                          v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                      .catch(error => done(['axe failed: ' + error]));"#,
                vec![],
            )
            .await
            .map_err(|e| format!("running axe-core: {e}"))?;
        let violations: Vec<String> = serde_json::from_value(found).map_err(|e| e.to_string())?;
        ensure!(
            violations.is_empty(),
            "{what}: accessibility violations: {violations:#?}"
        );
        Ok(())
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// axe-core's source, installed once into `target/axe` from the npm registry (never a CDN).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let prefix = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../axe");
        let file = prefix.join("node_modules/axe-core/axe.min.js");
        if !file.exists() {
            std::fs::create_dir_all(&prefix).unwrap();
            std::fs::copy(
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/axe/package.json"),
                prefix.join("package.json"),
            )
            .unwrap();
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&prefix)
                .status()
                .expect("npm, to install axe-core (apt-get install npm)");
            assert!(status.success(), "installing axe-core with npm failed");
        }
        std::fs::read_to_string(file).expect("axe-core's axe.min.js")
    })
}
