//! The HTTP side: the router, the layers every request passes through, and serving.
//!
//! Handlers read like the request's story: extract who asks and what, ask `domain/` whether it
//! may happen, persist through `store/`, render a template. Rules live elsewhere.

pub mod error;
mod health;
mod home;
pub mod page;
mod security;
mod static_files;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::MatchedPath;
use axum::http::{HeaderName, Request, Response};
use axum::routing::get;
use sqlx::PgPool;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::config::Config;
use error::{ErrorKind, error_response};

/// The response header that carries the request's id, also logged with every line.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Forms are small; anything larger is refused with 413 before a handler sees it.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
}

/// The whole application, without a listener: tests drive it in-process.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::show))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/static/{file}", get(static_files::serve))
        .fallback(|| async { error_response(ErrorKind::NotFound) })
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            error_response(ErrorKind::Internal)
        }))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(page::localise))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
}

/// One span per request with the method, the matched route (never the raw path or query, which
/// could carry what a user typed) and the request id.
fn request_span<B>(request: &Request<B>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("-", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), route, request_id)
}

fn log_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
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
