//! The request's one pooled connection.
//!
//! A page reads the session, the user and what it shows, and may record a view or a duty: all of
//! it on one connection, taken from the pool when the request first needs the database and given
//! back when its answer (the session's save included) is ready. Taking a connection has a cost of
//! its own (the pool's bookkeeping, and a round trip to check it when it sat idle a while), so a
//! page pays that once, not once per reader.
//!
//! Handlers reach it through the [`Db`] extractor; the session store, which tower-sessions calls
//! without the request, through the task-local the [`lease`] middleware sets. A handler that does
//! slow work (Argon2, a PDF, a call to an identity provider) gives the connection back first with
//! [`Db::release`], so that no pooled connection waits on it.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

use super::error::AppError;

type Slot = Option<PoolConnection<Postgres>>;

/// The request's connection while one piece of code uses it.
pub type Connection = OwnedMappedMutexGuard<Slot, PgConnection>;

/// The request's connection, taken when first asked for.
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
    held: Arc<Mutex<Slot>>,
}

tokio::task_local! {
    /// The request being served, for the session store.
    static REQUEST: Db;
}

impl Db {
    fn new(pool: PgPool) -> Self {
        Self {
            pool,
            held: Arc::default(),
        }
    }

    /// The request's connection, taken from the pool if the request holds none yet. Statements
    /// run on it in order; drop it before asking again. Asking while it is in use (a guard kept
    /// alive, say in a `match` on a call that borrowed it) is a bug in the request's code: it is
    /// refused at once, where waiting would wait forever on itself.
    pub async fn connection(&self) -> Result<Connection, sqlx::Error> {
        let slot = self.held.clone().try_lock_owned().map_err(|_| {
            sqlx::Error::Protocol("the request's connection is already in use".to_owned())
        })?;
        fill(slot, &self.pool).await
    }

    /// Gives the connection back to the pool before slow work; the next [`Db::connection`]
    /// takes one again.
    pub fn release(&self) {
        // In use, it goes back when the request ends (and no slow work should run meanwhile).
        if let Ok(mut slot) = self.held.try_lock() {
            slot.take();
        }
    }
}

async fn fill(mut slot: OwnedMutexGuard<Slot>, pool: &PgPool) -> Result<Connection, sqlx::Error> {
    let connection = match slot.take() {
        Some(connection) => connection,
        None => pool.acquire().await?,
    };
    Ok(OwnedMutexGuard::map(slot, |slot| {
        &mut **slot.insert(connection)
    }))
}

/// A connection for code that tower-sessions calls without the request (the session store).
pub enum Borrowed {
    /// The request's own.
    Request(Connection),
    /// Outside a request (a job), or while the request's handler is using its connection: one
    /// of its own, rather than wait on itself.
    Own(PoolConnection<Postgres>),
}

/// The connection of the request being served, or one from `pool`.
pub async fn current_or(pool: &PgPool) -> Result<Borrowed, sqlx::Error> {
    let request = REQUEST
        .try_with(Db::clone)
        .ok()
        .and_then(|db| Some((db.held.clone().try_lock_owned().ok()?, db.pool)));
    match request {
        Some((slot, pool)) => Ok(Borrowed::Request(fill(slot, &pool).await?)),
        None => Ok(Borrowed::Own(pool.acquire().await?)),
    }
}

impl Deref for Borrowed {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            Borrowed::Request(connection) => connection,
            Borrowed::Own(connection) => connection,
        }
    }
}

impl DerefMut for Borrowed {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Borrowed::Request(connection) => connection,
            Borrowed::Own(connection) => connection,
        }
    }
}

/// Gives every request a [`Db`] and serves it; the connection, if one was taken, goes back to
/// the pool when the answer is ready.
pub async fn lease(State(pool): State<PgPool>, mut request: Request, next: Next) -> Response {
    let db = Db::new(pool);
    request.extensions_mut().insert(db.clone());
    REQUEST.scope(db, next.run(request)).await
}

/// For a handler whose work is slow (a document laid out, a call to an identity provider):
/// the request's connection goes back to the pool before the handler runs, so that none waits
/// on that work. What the handler reads, it reads through the pool, a connection at a time.
pub struct Released;

impl<S: Send + Sync> FromRequestParts<S> for Released {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Db::from_request_parts(parts, state).await?.release();
        Ok(Self)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Db {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Db>().cloned().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("a route outside the connection's lease"))
        })
    }
}
