//! The services: each public function is one thing a user (or the operator's command, or a daily
//! job) does, carried out in one transaction that locks, asks the domain, stores and audits. The
//! web handlers and the command line call these; they never open transactions themselves.

pub mod accounts;
pub mod actor;
pub mod cases;
pub mod catalogue;
pub mod demo;
pub mod documents;
pub mod eid;
pub mod erasure;
pub mod evidence;
pub mod jobs;
pub mod outbox;
pub mod review;
pub mod sign_in;
pub mod subject_access;

pub use actor::{Actor, Staff};
