//! The server's periodic jobs: retention (daily), the transparency log's checkpoint (hourly)
//! and the removal of expired sessions and sign-in limits (every minute). Every instance ticks; a job runs on the
//! one instance whose claim in the `jobs` table wins (migration 0049), so with several
//! instances on one database each job still runs once a period. A failed job is logged and
//! recorded, and tried again when its period has passed again; it never stops the server.

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;

use crate::audit;
use crate::clock::Clock;
use crate::keys::Keys;
use crate::service::erasure;

/// A periodic job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Erases personal data past their retention date; first, so that the erasures' events are
    /// in the checkpoint that follows.
    Retention,
    Checkpoint,
    ExpiredSessions,
    /// The daily reminder e-mail to each centre's address: run by the outbox's worker, which
    /// holds the SMTP relay (`service::outbox::Worker::digest_if_due`), not by [`run_due`].
    ReminderDigest,
}

impl Job {
    /// In the order they run at a tick.
    pub const ALL: [Job; 3] = [Job::Retention, Job::Checkpoint, Job::ExpiredSessions];

    /// Its row in `jobs`.
    pub fn name(self) -> &'static str {
        match self {
            Job::Retention => "retention",
            Job::Checkpoint => "checkpoint",
            Job::ExpiredSessions => "expired-sessions",
            Job::ReminderDigest => "reminder-digest",
        }
    }

    pub fn period(self) -> TimeDelta {
        match self {
            Job::Retention => TimeDelta::days(1),
            Job::Checkpoint => TimeDelta::hours(1),
            Job::ExpiredSessions => TimeDelta::minutes(1),
            Job::ReminderDigest => TimeDelta::days(1),
        }
    }
}

/// How often every instance looks for due jobs.
pub const TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// Claims `job` if its period has passed since it last started (on any instance): whether this
/// caller is to run it now. A few seconds of slack keep a job that is due on the minute from
/// slipping a whole tick.
pub async fn claim(pool: &PgPool, job: Job, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let due_before = now - job.period() + TimeDelta::seconds(5);
    sqlx::query_scalar!(
        r#"SELECT claim_job($1, $2, $3) AS "claimed!""#,
        job.name(),
        due_before as _,
        now as _
    )
    .fetch_one(pool)
    .await
}

/// Runs every job that is due and this instance claims; the jobs it ran.
pub async fn run_due(pool: &PgPool, clock: &dyn Clock, keys: &Keys, data_dir: &Path) -> Vec<Job> {
    let mut ran = Vec::new();
    for job in Job::ALL {
        match claim(pool, job, clock.now()).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::error!(job = job.name(), %error, "claiming a job failed");
                continue;
            }
        }
        let started = std::time::Instant::now();
        let outcome = run(pool, clock, keys, data_dir, job).await;
        if let Err(error) = &outcome {
            tracing::error!(job = job.name(), %error, "job failed");
        }
        crate::metrics::job_ran(job.name(), outcome.is_ok(), started.elapsed());
        let recorded = outcome.as_ref().map_or("failed", |()| "ok");
        if let Err(error) = finish(pool, job, clock.now(), recorded).await {
            tracing::error!(job = job.name(), %error, "recording a job's end failed");
        }
        ran.push(job);
    }
    ran
}

async fn run(
    pool: &PgPool,
    clock: &dyn Clock,
    keys: &Keys,
    data_dir: &Path,
    job: Job,
) -> anyhow::Result<()> {
    match job {
        Job::Retention => {
            let run = erasure::run(pool, clock).await?;
            tracing::info!(erased = run.erased.len(), "retention run");
        }
        Job::Checkpoint => {
            let dir = audit::log::directory(data_dir);
            let written = audit::log::checkpoint(pool, keys, clock.now(), &dir).await?;
            tracing::info!(path = %written.path.display(), size = written.size, "checkpoint written");
            crate::metrics::checkpoint_written();
        }
        Job::ExpiredSessions => {
            crate::store::staff::delete_expired_sessions(pool).await?;
            crate::store::staff::forget_sign_in_addresses(pool, clock.now()).await?;
        }
        Job::ReminderDigest => {}
    }
    Ok(())
}

pub(crate) async fn finish(
    pool: &PgPool,
    job: Job,
    at: DateTime<Utc>,
    outcome: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT finish_job($1, $2, $3)",
        job.name(),
        at as _,
        outcome
    )
    .execute(pool)
    .await?;
    Ok(())
}
