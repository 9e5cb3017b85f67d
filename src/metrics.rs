//! What an operator's Prometheus scrapes at `/metrics` on `PILNVARA_METRICS_BIND` (a listener
//! of its own, off when unset): requests by route and status with their latency, the
//! database pool, the periodic jobs, audit checkpoints and sign-in failures. Labels hold route
//! templates (`/cases/{id}`), methods, status codes and job names only: never an id, a name or
//! anything a person typed.

use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sqlx::PgPool;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct JobLabels {
    job: String,
    outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReportLabels {
    served_by: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct MessageLabels {
    channel: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    jobs: Family<JobLabels, Counter>,
    job_seconds: Family<JobLabels, Histogram, fn() -> Histogram>,
    checkpoints: Counter,
    sign_in_failures: Counter,
    reports: Family<ReportLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    messages: Family<MessageLabels, Counter>,
}

static METRICS: LazyLock<Mutex<Metrics>> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("pilnvara");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register(
        "http_requests",
        "Requests answered, by route template, method and status",
        requests.clone(),
    );
    let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
    registry.register(
        "http_request_duration_seconds",
        "Time from request to response, by route template and method",
        latency.clone(),
    );
    let jobs = Family::<JobLabels, Counter>::default();
    registry.register(
        "job_runs",
        "Periodic jobs this instance ran, by job and outcome",
        jobs.clone(),
    );
    let job_seconds = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
    registry.register(
        "job_duration_seconds",
        "How long each periodic job took",
        job_seconds.clone(),
    );
    let checkpoints = Counter::default();
    registry.register(
        "audit_checkpoints",
        "Signed checkpoints of the transparency log this instance wrote",
        checkpoints.clone(),
    );
    let sign_in_failures = Counter::default();
    registry.register(
        "sign_in_failures",
        "Sign-ins refused (wrong password, unknown or locked account)",
        sign_in_failures.clone(),
    );
    let reports = Family::<ReportLabels, Counter>::default();
    registry.register(
        "report_reads",
        "Reports (figures, CSV exports) read, by the database that served them: replica or primary",
        reports.clone(),
    );
    let pool = Family::<PoolLabels, Gauge>::default();
    registry.register(
        "db_pool_connections",
        "The database pool's connections, in use and idle (read at each scrape)",
        pool.clone(),
    );
    let messages = Family::<MessageLabels, Counter>::default();
    registry.register(
        "message_attempts",
        "Attempts to hand a message to the client's relay (e-mail) or SMS provider, by channel",
        messages.clone(),
    );
    Mutex::new(Metrics {
        messages,
        registry,
        requests,
        latency,
        jobs,
        job_seconds,
        checkpoints,
        sign_in_failures,
        reports,
        pool,
    })
});

fn with<T>(use_metrics: impl FnOnce(&Metrics) -> T) -> T {
    let metrics = METRICS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    use_metrics(&metrics)
}

/// The route template a request matched, put on its response for [`track`] and the request's
/// log line (set inside the router, where the match is known).
#[derive(Debug, Clone)]
pub struct Route(String);

impl Route {
    /// The route template a response answered, if a route did (not the fallback's 404).
    pub fn of<B>(response: &axum::http::Response<B>) -> Option<&str> {
        response
            .extensions()
            .get::<Route>()
            .map(|route| route.0.as_str())
    }
}

/// Inside the router (a route layer): notes the matched route template on the response.
pub async fn note_route(path: MatchedPath, request: Request, next: Next) -> Response {
    let route = path.as_str().to_owned();
    let mut response = next.run(request).await;
    response.extensions_mut().insert(Route(route));
    response
}

/// Around the whole application: counts the request and its latency under its route template
/// (`unmatched` for a path no route has).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let route = Route::of(&response).unwrap_or("unmatched").to_owned();
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    with(|m| {
        m.requests
            .get_or_create(&RequestLabels {
                route: route.clone(),
                method: method.clone(),
                status,
            })
            .inc();
        m.latency
            .get_or_create(&RouteLabels { route, method })
            .observe(seconds);
    });
    response
}

/// A periodic job's run.
pub fn job_ran(job: &str, ok: bool, took: Duration) {
    let labels = JobLabels {
        job: job.to_owned(),
        outcome: if ok { "ok" } else { "failed" }.to_owned(),
    };
    with(|m| {
        m.jobs.get_or_create(&labels).inc();
        m.job_seconds
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    });
}

/// The outbox worker tried to hand a message over.
pub fn message_attempted(channel: &'static str) {
    with(|m| m.messages.get_or_create(&MessageLabels { channel }).inc());
}

pub fn checkpoint_written() {
    with(|m| m.checkpoints.inc());
}

pub fn sign_in_failed() {
    with(|m| m.sign_in_failures.inc());
}

/// A report was read from the replica (`true`) or the primary.
pub fn report_read(on_replica: bool) {
    let served_by = if on_replica { "replica" } else { "primary" };
    with(|m| m.reports.get_or_create(&ReportLabels { served_by }).inc());
}

/// Everything, in Prometheus' text format, with the pool read now.
pub fn render(pool: &PgPool) -> String {
    let size = i64::from(pool.size());
    let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
    with(|m| {
        m.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(idle);
        m.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(size - idle);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &m.registry);
        text
    })
}

async fn metrics_page(State(pool): State<PgPool>) -> impl IntoResponse {
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        render(&pool),
    )
}

/// Serves `/metrics` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, pool: PgPool) -> anyhow::Result<()> {
    tracing::info!(address = %listener.local_addr()?, "metrics are served");
    let app = axum::Router::new()
        .route("/metrics", get(metrics_page))
        .with_state(pool);
    axum::serve(listener, app).await?;
    Ok(())
}
