//! Pilnvara's integration tests: one binary (each extra binary would link the whole server
//! again), against a real PostgreSQL.

mod auth;
mod cases;
mod cli;
mod foundation;
mod harness;
mod launcher;
