//! Pilnvara: the desk application of Latvia's unified customer service centres (VPVKAC) for
//! applying for an authorised e-service on a client's behalf, as Cabinet Regulation No. 401,
//! point 22.¹, lays down.
//!
//! `main.rs` only reads the command line; everything it runs lives here, so that tests build the
//! same application.

#![forbid(unsafe_code)]

pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod i18n;
pub mod keys;
pub mod metrics;
pub mod oidc;
pub mod passwords;
pub mod pdf;
pub mod present;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod web;
