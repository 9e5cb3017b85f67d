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

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use pilnvara::config::Config;
use pilnvara::db::launcher::{Cluster, Durability};
use pilnvara::web::{self, AppState};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use tower::ServiceExt;

struct Shared {
    server: PgConnectOptions,
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
    let (server, stop_at_exit) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => (
            PgConnectOptions::from_str(&url).expect("DATABASE_URL"),
            None,
        ),
        _ => {
            let cluster = Cluster::start(&test_data_dir(), Durability::Throwaway)
                .unwrap_or_else(|error| panic!("starting the test cluster: {error}"));
            let stop = cluster.stop_when_process_exits().expect("cluster watcher");
            let options = PgConnectOptions::from_str(&cluster.url("postgres")).unwrap();
            (options, stop)
        }
    };
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
    let shared = shared();
    let name = format!("pilnvara_test_{}", uuid::Uuid::new_v4().simple());
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(shared.server.clone())
        .await
        .expect("connecting to the test server");
    admin
        .execute(format!("CREATE DATABASE {name} TEMPLATE {}", shared.template).as_str())
        .await
        .expect("creating a test database");
    admin.close().await;
    PgPoolOptions::new()
        .max_connections(5)
        .connect_with(shared.server.clone().database(&name))
        .await
        .expect("connecting to the test database")
}

/// The configuration a test server runs with.
pub fn test_config() -> Config {
    Config::from_lookup(|_| None).expect("default configuration")
}

/// The application on its own fresh database, driven in-process.
pub struct TestApp {
    pub pool: PgPool,
    pub router: Router,
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> Self {
        let pool = fresh_database().await;
        Self::on(pool)
    }

    pub fn on(pool: PgPool) -> Self {
        let state = AppState {
            db: pool.clone(),
            config: Arc::new(test_config()),
        };
        Self {
            pool,
            router: web::app(state),
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
}
