//! Pilnvara's integration tests: one binary (each extra binary would link the whole server
//! again), against a real PostgreSQL.

mod auth;
mod browser;
mod cli;
mod e2e;
mod foundation;
mod harness;
mod launcher;
mod review;
