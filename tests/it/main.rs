//! Pilnvara's integration tests: one binary (each extra binary would link the whole server
//! again), against a real PostgreSQL.

mod admin;
mod auth;
mod browser;
mod cases;
mod cli;
mod commitments;
mod connections;
mod documents;
mod e2e;
mod eid;
mod evidence;
mod faults;
mod foundation;
mod harness;
mod instances;
mod launcher;
mod locale;
mod log;
mod messages;
mod oidc;
mod pgbouncer;
mod plans;
mod review;
mod scale;
mod sso;
