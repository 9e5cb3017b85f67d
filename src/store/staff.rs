//! Staff accounts, the centres supervisors supervise, and sign-in throttling.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgConnection;
use sqlx::PgExecutor;

use crate::domain::ids::{CentreId, StaffId};
use crate::domain::staff::{PersonLink, ProviderKey, Role};

pub const USERNAME_KEY: &str = "staff_username_key";

/// What an administrator enters for a staff member.
#[derive(Debug, Clone)]
pub struct StaffFields<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub roles: Vec<Role>,
    pub centre_id: CentreId,
}

/// A staff member as lists and edit forms show them.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub centre_id: CentreId,
    pub centre_code: String,
    pub active: bool,
    pub must_change_password: bool,
    pub hard_locked: bool,
    pub supervises: Vec<CentreId>,
    /// Whether a person is linked for the qualified eID (never which: only that one is).
    pub eid_linked: bool,
    /// The keys of the sign-in providers through which a person is linked (never who).
    pub sign_in_links: Vec<String>,
}

/// What signing in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: StaffId,
    pub centre_id: CentreId,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub password_set_at: DateTime<Utc>,
}

/// The signed-in user as every request sees them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub centre_id: CentreId,
    pub language: String,
    pub active: bool,
    pub must_change_password: bool,
    pub session_generation: i32,
    /// The home centre and every supervised centre.
    pub centres: Vec<CentreId>,
}

pub async fn insert(
    connection: &mut PgConnection,
    fields: &StaffFields<'_>,
    password_hash: &str,
    must_change_password: bool,
    at: DateTime<Utc>,
) -> Result<StaffId, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO staff (username, full_name, roles, centre_id, password_hash, must_change_password,
                            password_set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id AS \"id: StaffId\"",
        fields.username,
        fields.full_name,
        &fields.roles as &[Role],
        fields.centre_id as _,
        password_hash,
        must_change_password,
        at as _,
    )
    .fetch_one(connection)
    .await
}

pub async fn update(
    connection: &mut PgConnection,
    id: StaffId,
    fields: &StaffFields<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff SET full_name = $2, roles = $3, centre_id = $4 WHERE id = $1",
        id as _,
        fields.full_name,
        &fields.roles as &[Role],
        fields.centre_id as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// Replaces the centres `staff_id` supervises.
pub async fn set_supervised(
    connection: &mut PgConnection,
    staff_id: StaffId,
    centres: &[CentreId],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM supervised_centres WHERE staff_id = $1",
        staff_id as _
    )
    .execute(&mut *connection)
    .await?;
    sqlx::query!(
        "INSERT INTO supervised_centres (staff_id, centre_id) SELECT $1, unnest($2::bigint[])",
        staff_id as _,
        centres as _
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// Sets a new password hash and ends every session of the account.
pub async fn set_password(
    connection: &mut PgConnection,
    id: StaffId,
    password_hash: &str,
    must_change_password: bool,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff SET password_hash = $2, must_change_password = $3, password_set_at = $4,
                session_generation = session_generation + 1
         WHERE id = $1",
        id as _,
        password_hash,
        must_change_password,
        at as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// The keyed hash of the person account `id` is linked to for the qualified eID, if any.
pub async fn eid_person_hmac(
    db: impl PgExecutor<'_>,
    id: StaffId,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!("SELECT eid_person_hmac FROM staff WHERE id = $1", id as _)
        .fetch_optional(db)
        .await
        .map(Option::flatten)
}

/// Links account `id` to the person of `hmac` for `link` (or unlinks it). `false`: another
/// account is linked to that person already (for sign-in: at the same provider).
pub async fn set_person_link(
    connection: &mut PgConnection,
    id: StaffId,
    link: &PersonLink,
    hmac: Option<&[u8]>,
) -> Result<bool, sqlx::Error> {
    let taken = match link {
        PersonLink::Eid => {
            sqlx::query_scalar!(
                "SELECT EXISTS (SELECT 1 FROM staff WHERE eid_person_hmac = $1 AND id <> $2)",
                hmac,
                id as _,
            )
            .fetch_one(&mut *connection)
            .await?
        }
        PersonLink::SignIn(provider) => {
            sqlx::query_scalar!(
                "SELECT EXISTS (SELECT 1 FROM staff_sign_in_links
                                 WHERE provider = $1 AND person_hmac = $2 AND staff_id <> $3)",
                provider.as_str(),
                hmac,
                id as _,
            )
            .fetch_one(&mut *connection)
            .await?
        }
    };
    if taken.unwrap_or(false) {
        return Ok(false);
    }
    match (link, hmac) {
        (PersonLink::Eid, hmac) => {
            sqlx::query!(
                "UPDATE staff SET eid_person_hmac = $2 WHERE id = $1",
                id as _,
                hmac
            )
            .execute(connection)
            .await?
        }
        (PersonLink::SignIn(provider), Some(hmac)) => {
            sqlx::query!(
                "INSERT INTO staff_sign_in_links (staff_id, provider, person_hmac)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (staff_id, provider) DO UPDATE SET person_hmac = EXCLUDED.person_hmac",
                id as _,
                provider.as_str(),
                hmac
            )
            .execute(connection)
            .await?
        }
        (PersonLink::SignIn(provider), None) => {
            sqlx::query!(
                "DELETE FROM staff_sign_in_links WHERE staff_id = $1 AND provider = $2",
                id as _,
                provider.as_str(),
            )
            .execute(connection)
            .await?
        }
    };
    Ok(true)
}

/// The account linked, for signing in through `provider`, to the person of `hmac`: (id, home
/// centre, active). A link made for another provider never matches.
pub async fn linked_for_sign_in(
    connection: &mut PgConnection,
    provider: &ProviderKey,
    hmac: &[u8],
) -> Result<Option<(StaffId, CentreId, bool)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT s.id AS "id: StaffId", s.centre_id AS "centre_id: CentreId", s.active
             FROM staff_sign_in_links l JOIN staff s ON s.id = l.staff_id
            WHERE l.provider = $1 AND l.person_hmac = $2"#,
        provider.as_str(),
        hmac,
    )
    .fetch_optional(connection)
    .await?;
    Ok(row.map(|row| (row.id, row.centre_id, row.active)))
}

/// Enables or disables an account; disabling ends every session of it.
pub async fn set_active(
    connection: &mut PgConnection,
    id: StaffId,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff SET active = $2,
                session_generation = session_generation + CASE WHEN $2 THEN 0 ELSE 1 END
         WHERE id = $1",
        id as _,
        active,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// Ends every session of the account: each session carries the generation it began in.
pub async fn end_sessions(connection: &mut PgConnection, id: StaffId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff SET session_generation = session_generation + 1 WHERE id = $1",
        id as _
    )
    .execute(connection)
    .await?;
    Ok(())
}

pub async fn set_language(
    executor: impl sqlx::PgExecutor<'_>,
    id: StaffId,
    language: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE staff SET language = $2 WHERE id = $1",
        id as _,
        language
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn id_by_username(
    connection: &mut PgConnection,
    username: &str,
) -> Result<Option<(StaffId, CentreId)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: StaffId", centre_id AS "centre_id: CentreId" FROM staff WHERE username = $1"#,
        username
    )
    .fetch_optional(connection)
    .await?;
    Ok(row.map(|row| (row.id, row.centre_id)))
}

/// Who an account is, for an administrator's change to it.
#[derive(Debug, Clone)]
pub struct Account {
    pub username: String,
    pub centre_id: CentreId,
}

/// Account `id`, its row locked until the transaction ends.
pub async fn account_for_update(
    connection: &mut PgConnection,
    id: StaffId,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        "SELECT username, centre_id FROM staff WHERE id = $1 FOR UPDATE",
        id as _
    )
    .fetch_optional(connection)
    .await
}

/// The centres `staff_id` supervises.
pub async fn supervised(
    connection: &mut PgConnection,
    staff_id: StaffId,
) -> Result<Vec<CentreId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT centre_id AS "centre_id: CentreId" FROM supervised_centres WHERE staff_id = $1 ORDER BY centre_id"#,
        staff_id as _
    )
    .fetch_all(connection)
    .await
}

pub async fn credentials(
    connection: &mut PgConnection,
    username: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as!(
        Credentials,
        r#"SELECT id, centre_id, password_hash, active, must_change_password,
                  password_set_at AS "password_set_at: DateTime<Utc>"
           FROM staff WHERE username = $1"#,
        username
    )
    .fetch_optional(connection)
    .await
}

pub async fn password_hash(db: impl PgExecutor<'_>, id: StaffId) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT password_hash FROM staff WHERE id = $1", id as _)
        .fetch_one(db)
        .await
}

pub async fn session_user(
    db: impl PgExecutor<'_>,
    id: StaffId,
) -> Result<Option<SessionUser>, sqlx::Error> {
    sqlx::query_as!(
        SessionUser,
        r#"SELECT s.id, s.username, s.full_name, s.roles AS "roles: Vec<Role>", s.centre_id, s.language,
                  s.active, s.must_change_password, s.session_generation,
                  array_prepend(s.centre_id, coalesce(
                      array_agg(sc.centre_id) FILTER (WHERE sc.centre_id <> s.centre_id),
                      '{}'::bigint[])) AS "centres!: Vec<CentreId>"
           FROM staff s LEFT JOIN supervised_centres sc ON sc.staff_id = s.id
           WHERE s.id = $1
           GROUP BY s.id"#,
        id as _
    )
    .fetch_optional(db)
    .await
}

/// `sqlx::query_as!` for [`StaffMember`]s within `scope` (always `$1`): accounts whose home
/// centre and every supervised centre are within it. An account that reaches further is
/// managed by someone whose scope covers it, so that an administrator can never take over
/// (reset, edit) an account with wider access. The caller adds its conditions and order.
macro_rules! select_staff_in_scope {
    ($rest:tt, $($argument:tt)*) => {
        sqlx::query_as!(
            StaffMember,
            r#"SELECT s.id, s.username, s.full_name, s.roles AS "roles: Vec<Role>", s.centre_id,
                      c.code AS centre_code, s.active, s.must_change_password,
                      coalesce(t.hard_locked, false) AS "hard_locked!",
                      coalesce((SELECT array_agg(centre_id ORDER BY centre_id) FROM supervised_centres
                                WHERE staff_id = s.id), '{}') AS "supervises!: Vec<CentreId>",
                      s.eid_person_hmac IS NOT NULL AS "eid_linked!",
                      ARRAY(SELECT provider FROM staff_sign_in_links
                            WHERE staff_id = s.id ORDER BY provider) AS "sign_in_links!"
               FROM staff s
               JOIN centres c ON c.id = s.centre_id
               LEFT JOIN sign_in_throttle t ON t.username = s.username
               WHERE s.centre_id = ANY($1)
                 AND NOT EXISTS (SELECT 1 FROM supervised_centres sc
                                 WHERE sc.staff_id = s.id AND sc.centre_id <> ALL($1))
               "# + $rest,
            $($argument)*
        )
    };
}

/// The staff of the centres in `scope` (see `select_staff_in_scope`).
pub async fn list(
    db: impl PgExecutor<'_>,
    scope: &[CentreId],
) -> Result<Vec<StaffMember>, sqlx::Error> {
    select_staff_in_scope!("ORDER BY c.code, s.full_name", scope as _)
        .fetch_all(db)
        .await
}

/// The staff member `id`, if their home centre and every centre they supervise are in `scope`.
pub async fn get(
    db: impl PgExecutor<'_>,
    id: StaffId,
    scope: &[CentreId],
) -> Result<Option<StaffMember>, sqlx::Error> {
    select_staff_in_scope!("AND s.id = $2", scope as _, id as _)
        .fetch_optional(db)
        .await
}

/// Failed sign-ins under one username.
#[derive(Debug, Clone, Default)]
pub struct Throttle {
    pub failures: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub hard_locked: bool,
}

/// The failures under `username`, its row locked until the transaction ends. The row is made
/// first if missing, so that concurrent attempts on a username that never failed also take
/// turns and each failure counts.
pub async fn throttle(
    connection: &mut PgConnection,
    username: &str,
) -> Result<Throttle, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sign_in_throttle (username, failures, last_failure) VALUES ($1, 0, now())
         ON CONFLICT (username) DO NOTHING",
        username
    )
    .execute(&mut *connection)
    .await?;
    let row = sqlx::query_as!(
        Throttle,
        r#"SELECT failures, locked_until AS "locked_until: DateTime<Utc>", hard_locked
           FROM sign_in_throttle WHERE username = $1 FOR UPDATE"#,
        username
    )
    .fetch_optional(connection)
    .await?;
    Ok(row.unwrap_or_default())
}

pub async fn save_throttle(
    connection: &mut PgConnection,
    username: &str,
    throttle: &Throttle,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sign_in_throttle (username, failures, locked_until, hard_locked, last_failure)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE
         SET failures = $2, locked_until = $3, hard_locked = $4, last_failure = $5",
        username,
        throttle.failures,
        throttle.locked_until as _,
        throttle.hard_locked,
        at as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// Forgets the failures under `username` (a successful sign-in, or an administrator's unlock).
pub async fn clear_throttle(
    connection: &mut PgConnection,
    username: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM sign_in_throttle WHERE username = $1", username)
        .execute(connection)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Counts one sign-in attempt from the address whose keyed hash is `address_hash`, unless it is
/// over its limit: each admitted attempt moves the address's time on by `interval`, and an
/// attempt is refused while that time lies more than `tolerance` ahead of `now`. One statement,
/// so concurrent attempts from one address (on any instance) are each counted. Whether it was
/// admitted.
pub async fn admit_sign_in_from(
    db: impl PgExecutor<'_>,
    address_hash: &[u8],
    now: DateTime<Utc>,
    interval: TimeDelta,
    tolerance: TimeDelta,
) -> Result<bool, sqlx::Error> {
    let admitted = sqlx::query_scalar!(
        r#"INSERT INTO sign_in_address_limits AS l (address_hash, theoretical_arrival)
           VALUES ($1, $2::timestamptz + $3::interval)
           ON CONFLICT (address_hash) DO UPDATE
              SET theoretical_arrival = greatest(l.theoretical_arrival, $2) + $3
            WHERE greatest(l.theoretical_arrival, $2) <= $2::timestamptz + $4::interval
           RETURNING true AS "admitted!""#,
        address_hash,
        now as _,
        interval as _,
        tolerance as _
    )
    .fetch_optional(db)
    .await?;
    Ok(admitted.is_some())
}

/// Removes the sessions past their expiry (`tower_sessions.session`, see
/// `web::session_store`).
pub async fn delete_expired_sessions(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!("DELETE FROM tower_sessions.session WHERE expiry_date < now()")
        .execute(db)
        .await?;
    Ok(deleted.rows_affected())
}

/// Forgets the addresses whose limit has run out by `now` (no row means the same).
pub async fn forget_sign_in_addresses(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "DELETE FROM sign_in_address_limits WHERE theoretical_arrival < $1",
        now as _
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}
