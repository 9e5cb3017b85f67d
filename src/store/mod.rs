//! The SQL, one module per table family. Functions take a connection or pool and plain values;
//! rules are decided in `domain/` before anything reaches here.

pub mod cases;
pub mod catalogue;
pub mod centres;
pub mod documents;
pub mod figures;
pub mod messages;
pub mod review;
pub mod staff;
pub mod subject_access;

/// Whether `error` is a violation of the unique constraint or index `name`.
pub fn violates(error: &sqlx::Error, name: &str) -> bool {
    error
        .as_database_error()
        .is_some_and(|db| db.is_unique_violation() && db.constraint() == Some(name))
}

/// A statement with its arguments bound, ready to run. The list queries are built as one, so
/// the plan tests can `EXPLAIN` exactly what the application runs, with the same arguments.
pub type Statement<F> = sqlx::query::Map<'static, sqlx::Postgres, F, sqlx::postgres::PgArguments>;
