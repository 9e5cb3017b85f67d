//! A real browser: Debian's Chromium, headless, driven through chromedriver, against the real
//! server on a port of its own. With `PILNVARA_REQUIRE_BROWSER=1` (as CI sets) a machine without
//! Chromium fails these tests; elsewhere they pass as skipped, saying so in one line.
//!
//! On failure the page's screenshot and HTML are saved under `target/e2e/`.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;

use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::harness::{TestApp, free_port, pdf_text};

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
        if !Self::available() {
            return None;
        }
        let address = app.serve().await;
        Self::open_on(address, name).await
    }

    /// Whether Chromium is here (else the test is skipped, or fails where it is required).
    fn available() -> bool {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            assert!(
                !required(),
                "browser tests are required here: apt-get install chromium chromium-driver"
            );
            say_skipped();
            return false;
        }
        true
    }

    /// A browser on a server already listening at `address`, or `None` (skipped).
    pub async fn open_on(address: std::net::SocketAddr, name: &'static str) -> Option<Browser> {
        if !Self::available() {
            return None;
        }
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

    /// Whether the page has an element `css` now (no waiting: for what must be absent).
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
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
        self.find("html:not([data-left])")
            .await
            .map(|_| ())
            .map_err(|_| {
                "the next page did not load (a form the browser refused to send?)".to_owned()
            })
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

    /// Runs `script` (a function body; `return` gives the result) in the page.
    pub async fn js(&self, script: &str) -> Result<Value, String> {
        self.client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("running a script: {e}"))
    }

    /// Presses `keys` one after the other on the real keyboard (WebDriver key actions, sent to
    /// whatever has focus).
    pub async fn press(&self, keys: &[Key]) -> Outcome {
        let mut actions = KeyActions::new("keyboard".into());
        for key in keys {
            let value = char::from(*key);
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .map_err(|e| format!("pressing {keys:?}: {e}"))
    }

    /// Shift+Tab: focus moves back.
    pub async fn shift_tab(&self) -> Outcome {
        let shift = char::from(Key::Shift);
        let tab = char::from(Key::Tab);
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab })
            .then(KeyAction::Up { value: shift });
        self.client
            .perform_actions(actions)
            .await
            .map_err(|e| format!("pressing Shift+Tab: {e}"))
    }

    /// Types `text` into the focused element, as a keyboard does.
    pub async fn type_text(&self, text: &str) -> Outcome {
        self.client
            .active_element()
            .await
            .map_err(|e| e.to_string())?
            .send_keys(text)
            .await
            .map_err(|e| format!("typing {text:?}: {e}"))
    }

    /// What has focus, as `tag#id` (or `tag.class`, `tag[name=value]`).
    pub async fn focused(&self) -> Result<String, String> {
        let described = self
            .js(r#"const e = document.activeElement;
                  if (!e) return 'none';
                  const tag = e.tagName.toLowerCase();
                  if (e.id) return tag + '#' + e.id;
                  if (e.name) return tag + '[' + e.name + '=' + e.value + ']';
                  if (e.className) return tag + '.' + e.className.split(' ')[0];
                  return tag;"#)
            .await?;
        Ok(described.as_str().unwrap_or_default().to_owned())
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_matches(&self, css: &str) -> Result<bool, String> {
        let matches = self
            .client
            .execute(
                "const e = document.activeElement; return !!e && e.matches(arguments[0]);",
                vec![json!(css)],
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(matches == json!(true))
    }

    /// Waits until the focused element matches `css`: `autofocus` is applied at the page's
    /// first rendering, which may come after the load, and the page says when (a `focusin`
    /// event). False if focus has not moved there within the driver's script timeout.
    pub async fn focus_settles_on(&self, css: &str) -> Result<bool, String> {
        let settled = self
            .client
            .execute_async(
                r#"const css = arguments[0], done = arguments[arguments.length - 1];
                   const matches = () => !!document.activeElement && document.activeElement.matches(css);
                   if (matches()) { done(true); }
                   else { document.addEventListener('focusin', () => { if (matches()) done(true); }); }"#,
                vec![json!(css)],
            )
            .await;
        match settled {
            Ok(matched) => Ok(matched == json!(true)),
            Err(fantoccini::error::CmdError::Standard(error))
                if error.error == fantoccini::error::ErrorStatus::ScriptTimeout =>
            {
                Ok(false)
            }
            Err(error) => Err(format!("waiting for focus on {css}: {error}")),
        }
    }

    /// The focused element shows a visible focus indicator: an outline or a box shadow.
    pub async fn focus_is_visible(&self) -> Outcome {
        let style = self
            .js(r#"const s = getComputedStyle(document.activeElement);
                  return [s.outlineStyle, s.outlineWidth, s.boxShadow];"#)
            .await?;
        let style: Vec<String> = serde_json::from_value(style).map_err(|e| e.to_string())?;
        let outline = style[0] != "none" && style[1] != "0px";
        let shadow = style[2] != "none";
        let focused = self.focused().await?;
        ensure!(
            outline || shadow,
            "{focused} has focus but no visible indicator: {style:?}"
        );
        Ok(())
    }

    /// Presses `key` (Enter on a link or button, say), which leaves the page, and waits for the
    /// next one.
    pub async fn press_leaving(&self, key: Key) -> Outcome {
        self.leaving_page(async || self.press(&[key]).await).await
    }

    /// Sends the form of submit button `css` to the button's `formaction`, as pressing it does
    /// (the form's fields, URL-encoded), without opening the new tab it targets: its status,
    /// content type and first five bytes.
    pub async fn press_to_fetch(&self, css: &str) -> Result<(u64, String, String), String> {
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const button = document.querySelector(arguments[0]);
                   const body = new URLSearchParams(new FormData(button.form));
                   fetch(button.formAction, { credentials: 'same-origin', method: 'POST', body })
                     .then(async response => {
                        const bytes = new Uint8Array(await response.arrayBuffer());
                        done([response.status, response.headers.get('content-type') || '',
                              String.fromCharCode(...bytes.slice(0, 5))]);
                     })
                     .catch(error => done([0, String(error), '']));"#,
                vec![json!(css)],
            )
            .await
            .map_err(|e| format!("pressing {css}: {e}"))?;
        serde_json::from_value(found).map_err(|e| e.to_string())
    }

    /// Sets the value of a date input (`yyyy-mm-dd`) as its date picker would: the picker's
    /// segments follow the browser's locale, which a test should not depend on.
    pub async fn set_date(&self, css: &str, value: &str) -> Outcome {
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                 e.dispatchEvent(new Event('change', { bubbles: true })); return e.value;",
                vec![json!(css), json!(value)],
            )
            .await
            .map_err(|e| format!("setting {css}: {e}"))?;
        Ok(())
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) -> Outcome {
        self.submit("header form[action='/logout'] button").await
    }

    /// Visits `path` and checks it with axe-core.
    pub async fn check(&self, path: &str) -> Outcome {
        self.visit(path).await?;
        self.assert_accessible(path).await
    }

    /// The page as Chromium prints it (its print style sheet applied), read back as text.
    pub async fn printed_text(&self) -> Result<String, String> {
        let pdf = self
            .client
            .print(fantoccini::wd::PrintConfiguration::default())
            .await
            .map_err(|e| e.to_string())?;
        Ok(pdf_text(&pdf))
    }

    /// Saves a screenshot of the whole page, `width` CSS pixels wide, to `file`.
    pub async fn screenshot_page(&self, width: u32, file: &Path) -> Outcome {
        self.client
            .set_window_size(width, 900)
            .await
            .map_err(|e| e.to_string())?;
        // The window is taller than its viewport by the browser's own frame.
        let height = self
            .js("return Math.ceil(document.documentElement.scrollHeight) \
                 + (window.outerHeight - window.innerHeight);")
            .await?
            .as_u64()
            .unwrap_or(900)
            .clamp(600, 8000);
        self.client
            .set_window_size(width, height as u32)
            .await
            .map_err(|e| e.to_string())?;
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e| format!("screenshot: {e}"))?;
        std::fs::write(file, png).map_err(|e| format!("writing {}: {e}", file.display()))?;
        self.client
            .set_window_size(1280, 900)
            .await
            .map_err(|e| e.to_string())
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
