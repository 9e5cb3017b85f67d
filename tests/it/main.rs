//! Pilnvara's integration tests: one binary (each extra binary would link the whole server
//! again), against a real PostgreSQL.

mod auth;
mod cli;
mod evidence;
mod foundation;
mod harness;
mod launcher;
