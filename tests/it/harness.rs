//! The test harness: one PostgreSQL per test run, a fresh database per test, and the real
//! application driven in-process or served on port 0.
//!
//! Without `DATABASE_URL` the run uses a private cluster of its own under `target/tmp`, started
//! by the same launcher the server uses and stopped when the test process exits. Each test
//! gets a database copied from a template that has every migration applied.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use pilnvara::clock::ManualClock;
use pilnvara::config::Config;
use pilnvara::db::launcher::{Cluster, Durability};
use pilnvara::domain::ids::{CaseId, CentreId, StaffId};
use pilnvara::domain::staff::{CentreKind, Role};
use pilnvara::keys::Keys;
use pilnvara::passwords::{Hasher, Secret};
use pilnvara::service::accounts::{self, CentreInput, UserInput};
use pilnvara::service::demo::{self, ClientDetails, Goes};
use pilnvara::service::{Actor, Staff};
use pilnvara::web::{self, AppState};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use tower::ServiceExt;

struct Shared {
    server: PgConnectOptions,
    /// The server's URL, to name a test database in (for the command-line tests).
    server_url: String,
    template: String,
    /// Held open for the life of the process; its closing stops the private cluster.
    _stop_at_exit: Option<std::process::ChildStdin>,
}

static SHARED: OnceLock<Shared> = OnceLock::new();

fn shared() -> &'static Shared {
    // Set-up runs on its own thread with its own runtime: each test has a runtime of its own,
    // and a connection may not outlive the runtime that opened it.
    SHARED.get_or_init(|| {
        std::thread::spawn(set_up)
            .join()
            .expect("setting up the test database")
    })
}

fn set_up() -> Shared {
    let (server_url, stop_at_exit) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => (url, None),
        _ => {
            let cluster = Cluster::start(&test_data_dir(), Durability::Throwaway)
                .unwrap_or_else(|error| panic!("starting the test cluster: {error}"));
            let stop = cluster.stop_when_process_exits().expect("cluster watcher");
            (cluster.url("postgres"), stop)
        }
    };
    let server = PgConnectOptions::from_str(&server_url).expect("the test server's URL");
    let template = format!("pilnvara_template_{}", std::process::id());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(server.clone())
            .await
            .expect("connecting to the test server");
        drop_leftovers(&admin).await;
        admin
            .execute(format!("CREATE DATABASE {template}").as_str())
            .await
            .expect("creating the template database");
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(server.clone().database(&template))
            .await
            .unwrap();
        pilnvara::db::migrate(&pool)
            .await
            .expect("migrating the template");
        pool.close().await;
        admin.close().await;
    });
    Shared {
        server,
        server_url,
        template,
        _stop_at_exit: stop_at_exit,
    }
}

/// Databases of earlier runs that were killed before they could clean up.
async fn drop_leftovers(admin: &PgPool) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'pilnvara\\_template\\_%' OR datname LIKE 'pilnvara\\_test\\_%'",
    )
    .fetch_all(admin)
    .await
    .unwrap();
    for name in names {
        let _ = admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
    }
}

pub fn test_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pilnvara-test")
}

/// A new, migrated, empty database for one test.
pub async fn fresh_database() -> PgPool {
    fresh_named_database().await.0
}

/// The URL of database `name` on the test server.
pub fn database_url(name: &str) -> String {
    let url = &shared().server_url;
    let (base, query) = url
        .split_once('?')
        .map_or((url.as_str(), None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').expect("a database URL with a path");
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// A new, migrated, empty database for one test, and its name.
pub async fn fresh_named_database() -> (PgPool, String) {
    copy_of_database(&shared().template).await
}

/// A new database copied from database `source`, and its name. The caller has closed its
/// pools of `source`; a connection such a pool still leaves behind is ended first, since a
/// copy needs its source to itself. Like every test database, it is dropped at the start of
/// the next run.
pub async fn copy_of_database(source: &str) -> (PgPool, String) {
    let shared = shared();
    let name = format!("pilnvara_test_{}", uuid::Uuid::new_v4().simple());
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(shared.server.clone())
        .await
        .expect("connecting to the test server");
    sqlx::query(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(source)
    .execute(&admin)
    .await
    .expect("ending the sessions left on the source");
    admin
        .execute(format!("CREATE DATABASE {name} TEMPLATE {source}").as_str())
        .await
        .expect("creating a test database");
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(shared.server.clone().database(&name))
        .await
        .expect("connecting to the test database");
    (pool, name)
}

/// A new, migrated, empty database for one test, behind the pool the server itself makes
/// (its size, its timeouts, the session settings of `pilnvara::db::connect`).
pub async fn production_pool() -> PgPool {
    let (pool, name) = fresh_named_database().await;
    pool.close().await;
    pilnvara::db::connect(
        &database_url(&name),
        crate::harness::test_config().db_pool_size,
    )
    .await
    .expect("connecting to the test database")
}

/// A loopback port nothing listens on (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The configuration a test server runs with.
pub fn test_config() -> Config {
    Config::from_lookup(|_| None).expect("default configuration")
}

/// The real `pilnvara` on the database at `url`, its data (keys) in `data_dir`; run it with
/// [`serving`] or add to its configuration first.
pub fn pilnvara_on(url: &str, data_dir: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_pilnvara"));
    command
        .env("DATABASE_URL", url)
        .env("PILNVARA_DATA_DIR", data_dir);
    command
}

/// `command` (a `pilnvara` configured by the caller) run as `serve` on a port of its own on
/// loopback, once it has printed its address: the process (killed when dropped) and the address
/// (`host:port`).
pub async fn serving(command: tokio::process::Command) -> (tokio::process::Child, String) {
    serving_with(command, std::process::Stdio::inherit(), "warn").await
}

/// As [`serving`], its log lines (at `level`) written to the file `log`.
pub async fn serving_logged_to(
    command: tokio::process::Command,
    log: &std::path::Path,
    level: &str,
) -> (tokio::process::Child, String) {
    let file = std::fs::File::create(log).unwrap();
    serving_with(command, file.into(), level).await
}

async fn serving_with(
    mut command: tokio::process::Command,
    stderr: std::process::Stdio,
    level: &str,
) -> (tokio::process::Child, String) {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let mut server = command
        .arg("serve")
        .env("PILNVARA_BIND", "127.0.0.1:0")
        .env("RUST_LOG", level)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .expect("starting pilnvara");
    let mut stdout = BufReader::new(server.stdout.take().unwrap()).lines();
    // The first start prints the administrator's one-time password before the address.
    let read_address = async {
        while let Some(line) = stdout.next_line().await.unwrap() {
            if let Some(rest) = line.strip_prefix("Pilnvara: http://") {
                return rest.split('/').next().unwrap().to_owned();
            }
        }
        panic!("pilnvara ended without printing its address");
    };
    let address = tokio::time::timeout(std::time::Duration::from_secs(120), read_address)
        .await
        .expect("the server starts");
    (server, address)
}

/// Sends SIGTERM to `server` and waits until it has stopped; whether it exited cleanly.
pub async fn terminate(server: &mut tokio::process::Child) -> bool {
    let pid = nix::unistd::Pid::from_raw(server.id().expect("a running server") as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(60), server.wait())
        .await
        .expect("the server stops on SIGTERM")
        .unwrap()
        .success()
}

/// A client for cases whose client does not matter to the test.
pub const CLIENT: ClientDetails = ClientDetails {
    given_names: "Ilze",
    surnames: "Ozola",
    personal_code: "321201-10001",
    doc_number: "PA7654321",
    told_result: None,
    registration_number: "ADN/2026/1",
    portal_reference: "LV-EP-2026-0000001",
    planned_in: chrono::Months::new(1),
    result_note: "",
};

/// The password every test account gets.
pub const TEST_PASSWORD: &str = "mežs upe kalns pļava";

/// The application on its own fresh database, driven in-process or on a port of its own.
pub struct TestApp {
    pub pool: PgPool,
    pub router: Router,
    pub clock: Arc<ManualClock>,
    pub hasher: Hasher,
    /// The server keys the application runs with (for keyed hashes of personal codes).
    pub keys: Arc<Keys>,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// A response whose body is binary.
#[derive(Debug)]
pub struct BytesResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl BytesResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

impl TestApp {
    pub async fn new() -> Self {
        let pool = fresh_database().await;
        Self::on(pool)
    }

    pub fn on(pool: PgPool) -> Self {
        Self::with_config(pool, test_config())
    }

    pub fn with_config(pool: PgPool, config: Config) -> Self {
        Self::with_replica(pool, None, config)
    }

    /// The application on `pool`, reading its reports from `replica` when given.
    pub fn with_replica(pool: PgPool, replica: Option<PgPool>, config: Config) -> Self {
        let clock = Arc::new(ManualClock::starting_now());
        Self::assemble(pool, replica, config, clock, Arc::new(Keys::ephemeral()))
    }

    /// A second instance of the application on this one's database, as a second server
    /// process would be: its own router and memory, the same keys, the same time.
    pub fn another_instance(&self) -> Self {
        Self::assemble(
            self.pool.clone(),
            None,
            test_config(),
            self.clock.clone(),
            self.keys.clone(),
        )
    }

    fn assemble(
        pool: PgPool,
        replica: Option<PgPool>,
        config: Config,
        clock: Arc<ManualClock>,
        keys: Arc<Keys>,
    ) -> Self {
        let hasher = Hasher::new(2);
        let state = AppState {
            db: pool.clone(),
            replica,
            providers: pilnvara::oidc::Providers::from_config(&config)
                .expect("the OpenID providers' settings"),
            config: Arc::new(config),
            clock: clock.clone(),
            hasher: hasher.clone(),
            keys: keys.clone(),
            figures: Default::default(),
        };
        // In-process requests have no socket: give them a client address, as a real
        // connection would (the sign-in rate limit is per address).
        let router = web::app(state).layer(Extension(ConnectInfo(SocketAddr::from((
            [127, 0, 0, 1],
            50_000,
        )))));
        Self {
            pool,
            router,
            clock,
            hasher,
            keys,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Serves the application on a port of its own, for clients that need a real socket.
    pub async fn serve(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(web::serve(listener, router, std::future::pending()));
        address
    }

    /// A centre with `code`.
    /// Centre RIX with employee `anna`.
    pub async fn with_employee() -> Self {
        let app = Self::new().await;
        app.centre("RIX").await;
        app.user("anna", Role::Employee, "RIX", &[]).await;
        app
    }

    /// Moves the application's clock to `at`.
    pub fn set_clock(&self, at: chrono::DateTime<chrono::Utc>) {
        use pilnvara::clock::Clock;
        let now = self.clock.now();
        self.clock.advance(at - now);
    }

    pub async fn centre(&self, code: &str) -> CentreId {
        let input = CentreInput {
            code: code.to_owned(),
            name: format!("Centrs {code}"),
            municipality: "Ādažu novads".to_owned(),
            kind: CentreKind::Local,
            retention_years: 10,
            active: true,
            contact: Default::default(),
        };
        accounts::add_centre(&self.pool, self.clock.as_ref(), Actor::Operator, &input)
            .await
            .unwrap()
    }

    /// A case of e-service `example-family-benefit` that `staff` of `centre` opens at the desk
    /// now (by the application's clock) and carries as far as `goes` for `client`, through the
    /// desk's own forms and services, as the demo makes its cases: its audit trail is real.
    pub async fn desk_case(
        &self,
        centre: CentreId,
        staff: StaffId,
        client: &ClientDetails<'_>,
        goes: Goes,
    ) -> CaseId {
        let centres = [centre];
        let desk = acting(staff, &centres);
        let eservice: i64 =
            sqlx::query_scalar("SELECT id FROM eservices WHERE code = 'example-family-benefit'")
                .fetch_one(&self.pool)
                .await
                .unwrap();
        let clock = self.clock.as_ref();
        demo::make_case(
            &self.pool,
            clock,
            &self.keys,
            (desk, eservice),
            client,
            goes,
        )
        .await
        .unwrap()
    }

    /// An account with [`TEST_PASSWORD`] that need not be changed.
    pub async fn user(
        &self,
        username: &str,
        role: Role,
        centre: &str,
        supervises: &[&str],
    ) -> StaffId {
        self.user_with_roles(username, &[role], centre, supervises)
            .await
    }

    /// As [`TestApp::user`], holding each of `roles`.
    pub async fn user_with_roles(
        &self,
        username: &str,
        roles: &[Role],
        centre: &str,
        supervises: &[&str],
    ) -> StaffId {
        let input = UserInput {
            username: username.to_owned(),
            full_name: format!("Darbinieks {username}"),
            roles: roles.to_vec(),
            centre_code: centre.to_owned(),
            supervises: supervises.iter().map(|code| (*code).to_owned()).collect(),
        };
        let password = Some(Secret::new(TEST_PASSWORD));
        accounts::add_user(
            &self.pool,
            &self.hasher,
            self.clock.as_ref(),
            Actor::Operator,
            &input,
            password,
        )
        .await
        .unwrap()
        .id
    }

    /// A new employee of `centre` as an administrator makes one: no password of their own yet,
    /// only the one-time password this returns.
    pub async fn user_with_one_time_password(&self, username: &str, centre: &str) -> String {
        let input = UserInput {
            username: username.to_owned(),
            full_name: "Ilze Ābele".to_owned(),
            roles: vec![Role::Employee],
            centre_code: centre.to_owned(),
            supervises: Vec::new(),
        };
        let created = accounts::add_user(
            &self.pool,
            &self.hasher,
            self.clock.as_ref(),
            Actor::Operator,
            &input,
            None,
        )
        .await
        .unwrap();
        created
            .one_time_password
            .expect("a generated one-time password")
            .expose()
            .to_owned()
    }

    /// A browser-like client of a real server: it keeps cookies, does not follow redirects,
    /// and sends the `Origin` a browser sends with a form.
    pub async fn client(&self) -> Client {
        let address = self.serve().await;
        Client::new(format!("http://{address}"))
    }

    /// A client already signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> Client {
        let client = self.client().await;
        let response = client.sign_in(username, TEST_PASSWORD).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "signing in as {username}: {}",
            response.body
        );
        client
    }
}

/// Staff member `id` acting in a session at the first of `centres` (their home), reaching each.
pub fn acting(id: StaffId, centres: &[CentreId]) -> Staff<'_> {
    Staff {
        id,
        centre_id: centres[0],
        session_tag: "test",
        centres,
    }
}

/// A cookie-keeping HTTP client of one test server.
pub struct Client {
    pub base: String,
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Client {
    pub fn new(base: String) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("origin", base.parse().unwrap());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        Self { base, http, jar }
    }

    /// The `Cookie` header this client would send.
    pub fn cookies(&self) -> String {
        use reqwest::cookie::CookieStore;
        self.jar
            .cookies(&self.base.parse().unwrap())
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// Replaces every cookie with `cookie` (`name=value`).
    pub fn set_cookie(&self, cookie: &str) {
        self.jar.add_cookie_str(cookie, &self.base.parse().unwrap());
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.try_get(path)
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// As [`Client::get`], with the transport's error (a server that is gone) instead of a panic.
    pub async fn try_get(&self, path: &str) -> Result<TestResponse, reqwest::Error> {
        let response = self.http.get(format!("{}{path}", self.base)).send().await?;
        read(response).await
    }

    /// A GET whose body is kept as bytes (a PDF).
    pub async fn get_bytes(&self, path: &str) -> BytesResponse {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        BytesResponse {
            status,
            headers,
            body,
        }
    }

    /// A POST whose answer is kept as bytes (a PDF printed by a form's button).
    pub async fn post_bytes(&self, path: &str, form: &[(&str, &str)]) -> BytesResponse {
        self.try_post_bytes(path, form)
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// As [`Client::post_bytes`], with the transport's error instead of a panic.
    pub async fn try_post_bytes(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<BytesResponse, reqwest::Error> {
        let response = self.send_form(path, form).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(BytesResponse {
            status,
            headers,
            body,
        })
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        self.try_post(path, form)
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// As [`Client::post`], with the transport's error instead of a panic.
    pub async fn try_post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<TestResponse, reqwest::Error> {
        read(self.send_form(path, form).await?).await
    }

    async fn send_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
    }

    /// The one-time token of a fresh "new case" form, as the page gives it.
    pub async fn open_token(&self) -> String {
        let page = self.get("/cases/new").await;
        let (_, rest) = page
            .body
            .split_once(r#"name="open_token" value=""#)
            .expect("the form's token");
        rest.split('"').next().unwrap().to_owned()
    }

    /// Sends a request and gives up on it after `after`, dropping the connection as a browser
    /// that is closed mid-request does. The status, if the answer came first.
    pub async fn cut_off(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(String, String)],
        after: std::time::Duration,
    ) -> Option<StatusCode> {
        let request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .form(form)
            .timeout(after);
        match request.send().await {
            Ok(response) => Some(response.status()),
            Err(error) if error.is_timeout() => None,
            Err(error) => panic!("{path}: {error}"),
        }
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> TestResponse {
        self.post("/login", &[("username", username), ("password", password)])
            .await
    }
}

/// The number `sql` answers with `$1` bound to `id` (a count of rows about one case, say).
/// The one number `sql` counts.
pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

pub async fn scalar(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn read(response: reqwest::Response) -> Result<TestResponse, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await?;
    Ok(TestResponse {
        status,
        headers,
        body,
    })
}

/// The text of a PDF, as poppler's `pdftotext` reads it, with whitespace collapsed.
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success(), "pdftotext failed");
    let text = String::from_utf8(output.stdout).unwrap();
    // pdftotext may break lines anywhere; compare with whitespace collapsed.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
