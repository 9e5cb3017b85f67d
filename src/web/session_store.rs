//! Where tower-sessions keeps sessions: the table `tower_sessions.session` (migration 0003), read
//! and written on the request's own connection (see [`super::db`]).
//!
//! tower-sessions-sqlx-store kept this table before, taking a pooled connection of its own for
//! every read and write: a page took two connections where one does. The layout and the record's
//! encoding (MessagePack) are that store's, so sessions live on across the change.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::db;

#[derive(Debug, Clone)]
pub struct Store {
    /// For a session read or written outside a request, or while the handler uses the
    /// request's connection (signing out).
    pool: PgPool,
}

impl Store {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The request's connection, or one of the store's own (see [`db::current_or`]).
    async fn connection(&self) -> session_store::Result<db::Borrowed> {
        db::current_or(&self.pool).await.map_err(backend)
    }
}

fn backend(error: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn expiry(record: &Record) -> DateTime<Utc> {
    let at = record.expiry_date;
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or(DateTime::UNIX_EPOCH)
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    rmp_serde::to_vec(record).map_err(|error| session_store::Error::Encode(error.to_string()))
}

#[async_trait::async_trait]
impl SessionStore for Store {
    /// A new session under an id no other session has: a clash (of 128 random bits) draws again.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut connection = self.connection().await?;
        loop {
            let inserted = sqlx::query!(
                "INSERT INTO tower_sessions.session (id, data, expiry_date) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO NOTHING",
                record.id.to_string(),
                encode(record)?,
                expiry(record),
            )
            .execute(&mut *connection)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut connection = self.connection().await?;
        sqlx::query!(
            "INSERT INTO tower_sessions.session (id, data, expiry_date) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
            record.id.to_string(),
            encode(record)?,
            expiry(record),
        )
        .execute(&mut *connection)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut connection = self.connection().await?;
        let data = sqlx::query_scalar!(
            "SELECT data FROM tower_sessions.session WHERE id = $1 AND expiry_date > now()",
            id.to_string(),
        )
        .fetch_optional(&mut *connection)
        .await
        .map_err(backend)?;
        data.map(|data: Vec<u8>| rmp_serde::from_slice(&data))
            .transpose()
            .map_err(|error| session_store::Error::Decode(error.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let mut connection = self.connection().await?;
        sqlx::query!(
            "DELETE FROM tower_sessions.session WHERE id = $1",
            id.to_string()
        )
        .execute(&mut *connection)
        .await
        .map_err(backend)?;
        Ok(())
    }
}
