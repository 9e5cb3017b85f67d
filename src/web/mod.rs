//! The HTTP side: the router, the layers every request passes through, and serving.
//!
//! Handlers read like the request's story: extract who asks and what, ask `domain/` whether it
//! may happen, persist through `store/`, render a template. Rules live elsewhere.

mod account;
mod admin;
pub mod auth;
mod cases;
mod csrf;
pub mod db;
mod documents;
mod download;
pub mod error;
mod figures;
mod form;
mod health;
mod home;
mod labels;
mod openid;
pub mod page;
mod review;
mod security;
pub mod session;
mod session_store;
mod sms;
mod static_files;
mod subject_access;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::handler::Handler as _;
use axum::http::{HeaderName, Request, Response};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::routing::{get, post};
use sqlx::{PgConnection, PgPool};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::{Instrument as _, Span};

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::staff::Role;
use crate::keys::Keys;
use crate::passwords::Hasher;
pub use figures::FiguresCache;
use session::{ADMINS, EVERYONE, Guard, guard};

/// The desk: only employees open and continue cases.
const EMPLOYEES: &[Role] = &[Role::Employee];
use error::{ErrorKind, error_response};

/// The response header that carries the request's id, also logged with every line.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Forms are small; anything larger is refused with 413 before a handler sees it.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The name of the session cookie; with `Secure`, the `__Host-` prefix pins it to this host.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-pilnvara"
    } else {
        "pilnvara"
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// The read-only replica the reports read from (`DATABASE_REPLICA_URL`), if any.
    pub replica: Option<PgPool>,
    pub config: Arc<Config>,
    /// The OpenID providers: the qualified eID one of 22.¹2 (`PILNVARA_EID_*`) and staff
    /// sign-in's (`PILNVARA_OIDC_*`), each if configured.
    pub providers: crate::oidc::Providers,
    pub clock: Arc<dyn Clock>,
    pub hasher: Hasher,
    pub keys: Arc<Keys>,
    /// The figures' tables already laid out (`web::figures`).
    pub figures: Arc<FiguresCache>,
}

/// A report's reads on one connection, as [`AppState::report`] runs them.
pub type Reading<'c, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, sqlx::Error>> + Send + 'c>>;

impl AppState {
    /// Runs a report's reads (the figures, the CSV exports) on the read replica when there is
    /// one, and on the request's connection to the primary when there is none or it does not
    /// answer: a report never fails because the replica is away. A replica shows what the
    /// primary committed a moment ago. `read` gets what it reads by (`by`) beside the
    /// connection.
    pub async fn report<B: Sync + ?Sized, T>(
        &self,
        db: &db::Db,
        by: &B,
        read: impl for<'c> Fn(&'c mut PgConnection, &'c B) -> Reading<'c, T>,
    ) -> Result<T, sqlx::Error> {
        if let Some(replica) = &self.replica {
            let on_replica = async { read(&mut *replica.acquire().await?, by).await };
            match on_replica.await {
                Ok(value) => {
                    crate::metrics::report_read(true);
                    return Ok(value);
                }
                // The error names the server and what failed, never a value of a query.
                Err(error) => {
                    tracing::warn!(%error, "the read replica did not answer; reading the report from the primary")
                }
            }
        }
        crate::metrics::report_read(false);
        read(&mut *db.connection().await?, by).await
    }

    fn only(&self, roles: &'static [Role]) -> Guard {
        Guard {
            state: self.clone(),
            roles,
            before_password_change: false,
        }
    }
}

/// The whole application, without a listener: tests drive it in-process.
pub fn app(state: AppState) -> Router {
    let public = Router::new()
        .route(
            "/login",
            get(auth::show_sign_in).post(
                auth::sign_in.layer(from_fn_with_state(state.clone(), auth::limit_per_address)),
            ),
        )
        .route("/language", post(account::choose_language))
        .route("/eid/callback", get(cases::eid_callback))
        .route(
            "/login/oidc",
            post(
                auth::start_provider_sign_in
                    .layer(from_fn_with_state(state.clone(), auth::limit_per_address)),
            ),
        )
        .route("/login/oidc/callback", get(auth::provider_callback))
        .route("/login/oidc/return", get(auth::finish_provider_sign_in))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/static/{file}", get(static_files::serve))
        .route(sms::REPORTS_PATH, post(sms::report));
    let everyone = Router::new()
        .route("/", get(home::show))
        .route("/notices/{file}", get(documents::notice))
        .route_layer(from_fn_with_state(state.only(EVERYONE), guard));
    let administration = admin::routes().route_layer(from_fn_with_state(state.only(ADMINS), guard));
    let subject_access = Router::new()
        .route(
            "/admin/subject-access",
            get(subject_access::show).post(subject_access::search),
        )
        .route("/admin/subject-access/export", post(subject_access::export))
        .route_layer(from_fn_with_state(state.only(ADMINS), guard));
    let employees = Router::new()
        .route("/cases", get(cases::list))
        .route("/cases/new", get(cases::show_new).post(cases::open))
        .route("/cases/search", get(cases::show_search).post(cases::search))
        .route("/cases/{id}", get(cases::overview))
        .route(
            "/cases/{id}/steps/{step}",
            get(cases::show_step).post(cases::record_step),
        )
        .route("/cases/{id}/stop", get(cases::show_stop).post(cases::stop))
        .route("/cases/{id}/eid", post(cases::eid_start))
        .route("/eid/return", get(cases::eid_finish))
        .route(
            "/cases/{id}/messages/{message}/told",
            post(cases::told_instead),
        )
        .route(
            "/cases/{id}/authorisation.pdf",
            get(documents::authorisation).post(documents::print_authorisation),
        )
        .route("/cases/{id}/receipt.pdf", get(documents::receipt))
        .route_layer(from_fn_with_state(state.only(EMPLOYEES), guard));
    let verifiers = Router::new()
        .route(
            "/documents/verify",
            get(documents::show_verify).post(documents::verify),
        )
        .route_layer(from_fn_with_state(
            state.only(&[Role::Employee, Role::Supervisor]),
            guard,
        ));
    let supervisors = Router::new()
        .route("/review", get(review::queue))
        .route("/review.csv", get(review::queue_csv))
        .route("/review/samples", get(review::samples).post(review::draw))
        .route("/review/samples/{id}", get(review::sample))
        .route("/review/{id}", get(review::show).post(review::mark))
        .route(
            "/review/{id}/evidence.json",
            get(documents::review_evidence),
        )
        .route(
            "/review/{id}/authorisation.pdf",
            get(documents::review_authorisation),
        )
        .route("/figures", get(figures::show))
        .route("/figures.csv", get(figures::csv))
        .route_layer(from_fn_with_state(state.only(&[Role::Supervisor]), guard));
    let before_password_change = Router::new()
        .route(
            "/account/password",
            get(account::show_password).post(account::change_password),
        )
        .route("/logout", post(auth::sign_out))
        .route_layer(from_fn_with_state(
            Guard {
                before_password_change: true,
                ..state.only(EVERYONE)
            },
            guard,
        ));
    let secure = state.config.secure_cookies;
    let sessions = SessionManagerLayer::new(session_store::Store::new(state.db.clone()))
        .with_name(session_cookie_name(secure))
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(session::IDLE_TIMEOUT.num_minutes()),
        ));
    let routes = Router::new()
        .merge(public)
        .merge(everyone)
        .merge(administration)
        .merge(subject_access)
        .merge(employees)
        .merge(verifiers)
        .merge(supervisors)
        .merge(before_password_change)
        .route_layer(from_fn(crate::metrics::note_route))
        .fallback(|| async { error_response(ErrorKind::NotFound) })
        .with_state(state.clone());
    // Around the router as one service, outermost first. (`Router::layer` would wrap every
    // route's own stack, which each layer then clones, boxes included, on every request.)
    let around = ServiceBuilder::new()
        .layer(from_fn(crate::metrics::track))
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(from_fn_with_state(
            security::SecurityHeaders { hsts: secure },
            security::headers,
        ))
        .layer(from_fn(run_to_completion))
        .layer(from_fn_with_state(state.db.clone(), db::lease))
        .layer(sessions)
        .layer(from_fn_with_state(state, session::identify))
        .layer(from_fn(page::localise))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .map_request(|request: Request<_>| request.map(axum::body::Body::new))
        .layer(CatchPanicLayer::custom(|_| {
            error_response(ErrorKind::Internal)
        }))
        .layer(from_fn(csrf::same_origin_only));
    Router::new().fallback_service(around.service(routes))
}

/// Runs the rest of the request (session, handler, the session's save) in a task of its own, so
/// that a client who goes away mid-request cannot cut its work off half-way: a transaction that
/// began is committed or rolled back by the code that began it, never abandoned at an `.await`.
/// Only the answer is lost, and the client's retry meets the work already done.
async fn run_to_completion(
    request: Request<axum::body::Body>,
    next: Next,
) -> axum::response::Response {
    let work = next.run(request).instrument(Span::current());
    match tokio::spawn(work).await {
        Ok(response) => response,
        // A panic is answered inside (CatchPanicLayer); this is the task itself failing.
        Err(_) => error_response(ErrorKind::Internal),
    }
}

/// One span per request with the method, the request id and, once answered, the route template
/// the router matched ([`log_response`]; never the raw path or query, which could carry what a
/// user typed).
fn request_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = tracing::field::Empty,
        request_id
    )
}

fn log_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    if let Some(route) = crate::metrics::Route::of(response) {
        span.record("route", route);
    }
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "served"
    );
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
