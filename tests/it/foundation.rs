//! The skeleton every page relies on: language, error pages, security headers, health checks,
//! the request id, and recovery from a database outage.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use pilnvara::db::launcher::{Cluster, Durability};
use pilnvara::domain::staff::Role;

use crate::faults::wait_for;
use crate::harness::{Client, TEST_PASSWORD, TestApp};

#[tokio::test]
async fn pages_speak_latvian_by_default_and_english_when_asked() {
    let app = TestApp::new().await;
    let latvian = app.get("/login").await;
    assert_eq!(latvian.status, StatusCode::OK);
    assert!(latvian.body.contains(r#"<html lang="lv">"#));
    assert!(latvian.body.contains("Pieteikšanās"));

    let english = app
        .send(
            Request::get("/login")
                .header("accept-language", "en-GB,en;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(english.body.contains(r#"<html lang="en">"#));
    assert!(english.body.contains("Sign in"));
}

#[tokio::test]
async fn layout_has_a_skip_link_to_the_main_content() {
    let app = TestApp::new().await;
    let page = app.get("/login").await;
    assert!(
        page.body
            .contains(r##"<a class="skip-link" href="#main">"##)
    );
    assert!(page.body.contains(r#"<main id="main""#));
}

#[tokio::test]
async fn unknown_route_shows_the_not_found_page_in_the_users_language() {
    let app = TestApp::new().await;
    let latvian = app.get("/no/such/page").await;
    assert_eq!(latvian.status, StatusCode::NOT_FOUND);
    assert!(latvian.body.contains("Lapa nav atrasta"));
    let english = app
        .send(
            Request::get("/no/such/page")
                .header("accept-language", "en")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(english.body.contains("Page not found"));
    assert!(
        app.get("/static/secret.txt")
            .await
            .body
            .contains("Lapa nav atrasta")
    );
}

#[tokio::test]
async fn wrong_method_shows_the_method_page_and_keeps_allow() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::delete("/login")
                .header("sec-fetch-site", "same-origin")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.body.contains("Darbība nav atļauta"));
    assert!(
        response
            .header("allow")
            .is_some_and(|allow| allow.contains("GET"))
    );
}

#[tokio::test]
async fn oversized_body_is_refused_with_the_too_large_page() {
    let app = TestApp::new().await;
    let body = "x".repeat(pilnvara::web::BODY_LIMIT_BYTES + 1);
    let response = app
        .send(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("content-length", body.len())
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.body.contains("Pārāk liels pieprasījums"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in ["/login", "/", "/healthz", "/static/style.css", "/missing"] {
        let response = app.get(path).await;
        let csp = response
            .header("content-security-policy")
            .unwrap_or_default();
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(response.header("referrer-policy").is_some(), "{path}");
        assert!(response.header("permissions-policy").is_some(), "{path}");
    }
}

#[tokio::test]
async fn html_pages_are_never_stored_but_the_stylesheet_may_be() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get("/login").await.header("cache-control"),
        Some("no-store")
    );
    assert_eq!(
        app.get("/missing").await.header("cache-control"),
        Some("no-store")
    );
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(
        css.body.contains("@media print"),
        "print styles are in the one stylesheet"
    );
    assert_ne!(css.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn every_response_names_its_request_id() {
    let app = TestApp::new().await;
    let first = app.get("/login").await;
    let second = app.get("/login").await;
    let id = first.header("x-request-id").expect("request id header");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_ne!(Some(id), second.header("x-request-id"));
}

#[tokio::test]
async fn health_checks_answer_small_json() {
    let app = TestApp::new().await;
    let live = app.get("/healthz").await;
    assert_eq!(live.status, StatusCode::OK);
    assert_eq!(live.body, r#"{"status":"ok"}"#);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body, r#"{"status":"ready"}"#);
}

#[tokio::test]
async fn a_real_server_on_port_zero_serves_pages() {
    let app = TestApp::new().await;
    let address = app.serve().await;
    let response = reqwest::get(format!("http://{address}/login"))
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Pilnvara"));
}

#[tokio::test]
async fn a_database_outage_answers_503_and_the_server_recovers_by_itself() {
    let data = tempfile::Builder::new()
        .prefix("pilnvara-outage-")
        .tempdir()
        .unwrap();
    let cluster = Cluster::start(data.path(), Durability::Throwaway).unwrap();
    let pool = pilnvara::db::connect(
        &cluster.url("postgres"),
        crate::harness::test_config().db_pool_size,
    )
    .await
    .unwrap();
    let app = TestApp::on(pool);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

    cluster.stop().unwrap();
    let down = app.get("/readyz").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.body.contains("unavailable"));
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::OK,
        "the process itself is up"
    );

    let restarted = Cluster::start(data.path(), Durability::Throwaway).unwrap();
    let mut ready = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status == StatusCode::OK {
            ready = true;
            break;
        }
    }
    assert!(ready, "the pool reconnects once the database is back");
    restarted.stop().unwrap();
    std::fs::remove_dir_all(restarted.dir()).unwrap();
}

#[tokio::test]
async fn each_test_database_has_every_migration_applied() {
    let app = TestApp::new().await;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(applied as usize, pilnvara::db::MIGRATOR.migrations.len());
}

#[tokio::test]
async fn secure_cookies_use_the_host_prefix() {
    let pool = crate::harness::fresh_database().await;
    let config = pilnvara::config::Config::from_lookup(|name| {
        (name == "PILNVARA_SECURE_COOKIES").then(|| "true".to_owned())
    })
    .unwrap();
    let app = TestApp::with_config(pool, config);
    app.centre("RIX").await;
    app.user("anna", pilnvara::domain::staff::Role::Employee, "RIX", &[])
        .await;
    let response = app
        .send(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(format!(
                    "username=anna&password={}",
                    crate::harness::TEST_PASSWORD.replace(' ', "+")
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let cookie = response.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-pilnvara="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

async fn refuses_connections(address: SocketAddr) -> bool {
    matches!(
        tokio::net::TcpStream::connect(address).await,
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused
    )
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_request_in_flight_and_refuses_new_connections() {
    let app = TestApp::new().await;
    app.centre("RIX").await;
    app.user("anna", Role::Employee, "RIX", &[]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (shut_down, shutdown) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pilnvara::web::serve(
        listener,
        app.router.clone(),
        async move {
            let _ = shutdown.await;
        },
    ));
    let client = Client::new(format!("http://{address}"));
    let signed_in = client.sign_in("anna", TEST_PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );

    // Holding the sessions table keeps the next request of a signed-in user in its handling
    // (loading the session) for as long as this test wants.
    let mut lock = app.pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE tower_sessions.session IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let in_flight = tokio::spawn(async move { client.get("/cases").await });
    wait_for(
        Duration::from_secs(30),
        "the request waits for the sessions table",
        || async {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM pg_locks
                            WHERE NOT granted AND relation = 'tower_sessions.session'::regclass
                              AND database = (SELECT oid FROM pg_database
                                              WHERE datname = current_database()))",
            )
            .fetch_one(&app.pool)
            .await
            .unwrap()
        },
    )
    .await;

    shut_down.send(()).unwrap();
    wait_for(
        Duration::from_secs(30),
        "new connections are refused",
        || refuses_connections(address),
    )
    .await;
    assert!(!in_flight.is_finished(), "the request is still in flight");
    assert!(!server.is_finished(), "the server waits for it");

    lock.rollback().await.unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .expect("the request in flight completes")
        .unwrap();
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert!(response.body.contains("<main"), "a whole page");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap()
        .unwrap();
    assert!(refuses_connections(address).await);
}

/// One rule maps every stored code to its enum: the code a value is written with (`code()`,
/// `slug()`) reads back, through the sqlx type, as that same value, for text columns and
/// PostgreSQL enums alike.
#[tokio::test]
async fn every_stored_code_reads_back_as_its_own_value() {
    use pilnvara::domain::review::Verdict;
    use pilnvara::domain::workflow::{
        CaseStatus, NotApplicableReason, Step, StepOutcome, StopReason,
    };
    let app = TestApp::new().await;
    async fn read<T>(pool: &sqlx::PgPool, sql: &str, code: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
    {
        sqlx::query_scalar(sql)
            .bind(code)
            .fetch_one(pool)
            .await
            .unwrap_or_else(|error| panic!("{code}: {error}"))
    }
    const TEXT: &str = "SELECT $1::text";
    for step in Step::ALL {
        assert_eq!(read::<Step>(&app.pool, TEXT, step.slug()).await, step);
    }
    for outcome in [StepOutcome::Recorded, StepOutcome::NotApplicable] {
        assert_eq!(
            read::<StepOutcome>(&app.pool, TEXT, outcome.code()).await,
            outcome
        );
    }
    for reason in NotApplicableReason::ALL {
        assert_eq!(
            read::<NotApplicableReason>(&app.pool, TEXT, reason.code()).await,
            reason
        );
    }
    for reason in StopReason::ALL {
        assert_eq!(
            read::<StopReason>(&app.pool, TEXT, reason.code()).await,
            reason
        );
    }
    for verdict in Verdict::ALL {
        assert_eq!(
            read::<Verdict>(&app.pool, TEXT, verdict.code()).await,
            verdict
        );
    }
    for status in CaseStatus::ALL {
        let sql = "SELECT $1::text::case_status";
        assert_eq!(
            read::<CaseStatus>(&app.pool, sql, status.code()).await,
            status
        );
    }
}

#[tokio::test]
async fn the_databases_sketch_bucket_is_the_domains() {
    use pilnvara::domain::figures::sketch_bucket;
    let app = TestApp::new().await;
    let seconds = [
        -30.0,
        0.0,
        0.5,
        863.9,
        864.0,
        3_600.0,
        86_400.0,
        172_799.0,
        172_800.0,
        172_801.0,
        604_800.0,
        2_592_000.0,
        31_536_000.0,
    ];
    for value in seconds {
        let stored: i32 = sqlx::query_scalar("SELECT figures_bucket($1)")
            .bind(value)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(stored, sketch_bucket(value), "{value} s");
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_hold_no_typed_text() {
    let app = TestApp::with_employee().await;
    let client = app.client().await;
    client.get("/login").await;
    client.sign_in("anna", "nepareiza parole Ķ").await;
    client.get("/cases/424242").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(pilnvara::metrics::serve(listener, app.pool.clone()));

    let scraped = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap();

    assert_eq!(scraped.status(), reqwest::StatusCode::OK);
    assert!(
        scraped.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = scraped.text().await.unwrap();
    for expected in [
        r#"pilnvara_http_requests_total{route="/login",method="GET",status="200"}"#,
        r#"pilnvara_http_requests_total{route="/login",method="POST",status="200"}"#,
        r#"route="/cases/{id}""#,
        "pilnvara_http_request_duration_seconds_bucket",
        "pilnvara_sign_in_failures_total",
        r#"pilnvara_db_pool_connections{state="idle"}"#,
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    for never in ["424242", "anna", "nepareiza"] {
        assert!(!text.contains(never), "{never} in the metrics");
    }
}

#[tokio::test]
async fn each_request_is_logged_under_its_route_template_never_its_path() {
    let (_, name) = crate::harness::fresh_named_database().await;
    for format in ["text", "json"] {
        let log = tempfile::NamedTempFile::new().unwrap();
        let data = tempfile::tempdir().unwrap();
        let mut command =
            crate::harness::pilnvara_on(&crate::harness::database_url(&name), data.path());
        command.env("PILNVARA_LOG_FORMAT", format);
        let (mut server, address) =
            crate::harness::serving_logged_to(command, log.path(), "info").await;
        let client = Client::new(format!("http://{address}"));
        let served = client.get("/static/style.css?from=Šķēle").await;
        assert_eq!(served.status, StatusCode::OK);
        let id = served.header("x-request-id").unwrap().to_owned();
        assert!(crate::harness::terminate(&mut server).await);
        let logged = std::fs::read_to_string(log.path()).unwrap();
        let line = logged
            .lines()
            .find(|line| line.contains(&id) && line.contains("served"))
            .unwrap_or_else(|| panic!("no line of request {id} in {logged}"));
        let route = match format {
            "text" => r#"route="/static/{file}""#,
            _ => r#""route":"/static/{file}""#,
        };
        assert!(line.contains(route), "{format}: {line}");
        assert!(!logged.contains('\x1b'), "colour codes in a file: {logged}");
        assert!(!logged.contains("style.css"), "{format}: {logged}");
        assert!(!logged.contains("from="), "{format}: {logged}");
    }
}
