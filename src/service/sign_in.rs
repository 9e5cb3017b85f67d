//! Signing in: the throttle, the lock-out, the one-time password's expiry and the audit, in the
//! order that keeps the pool free during a morning rush. The failure is counted first, in a
//! short transaction of its own (so concurrent guesses each count); the password is checked
//! with no connection or row lock held (Argon2 waits for one of few permits); a success then
//! clears the count in a second short transaction.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::audit::Action;
use crate::audit::{self, Chain, Event};
use crate::domain::ids::StaffId;
use crate::domain::staff::{Lockout, ProviderKey, lockout_after, one_time_password_expired};
use crate::keys::Keys;
use crate::passwords::{Hasher, Secret};
use crate::store;

/// Sign-in attempts one client address may make at once (a centre's desks may share one
/// address, so the burst is generous; the per-account lock does the rest)…
pub const ADDRESS_BURST: i32 = 30;
/// …and how often it earns one more. Kept in the database, so the limit is the same however
/// many instances serve.
pub const ADDRESS_INTERVAL: TimeDelta = TimeDelta::seconds(2);

/// Whether one more sign-in attempt from `address` is within the address's limit; an admitted
/// attempt is counted.
pub async fn admit_address(
    db: impl sqlx::PgExecutor<'_>,
    keys: &Keys,
    address: IpAddr,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    store::staff::admit_sign_in_from(
        db,
        &keys.client_address_hmac(address),
        now,
        ADDRESS_INTERVAL,
        ADDRESS_INTERVAL * (ADDRESS_BURST - 1),
    )
    .await
}

/// What a sign-in attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Refused before the password was looked at: locked until an administrator unlocks it.
    HardLocked,
    /// Refused before the password was looked at: locked for this long yet.
    Wait(TimeDelta),
    /// The name or password is wrong, the account is disabled, or its one-time password
    /// expired (`expired`: only the holder of the right one-time password is told so); the
    /// lock-out this failure brought.
    Failed { lockout: Lockout, expired: bool },
    /// Signed in, with the random tag of the new session.
    SignedIn { staff_id: StaffId, tag: String },
}

/// What the person typed on the sign-in page.
#[derive(Debug)]
pub struct Typed<'a> {
    /// Trimmed, lower case.
    pub username: &'a str,
    pub password: Secret,
    /// The language chosen on the sign-in page, if any: it becomes the user's language.
    pub language: Option<&'a str>,
}

/// One attempt to sign in with what was `typed`. Every refusal is counted in the metrics.
pub async fn sign_in(
    db: &PgPool,
    hasher: &Hasher,
    now: DateTime<Utc>,
    typed: Typed<'_>,
) -> Result<SignIn, anyhow::Error> {
    let outcome = attempt(db, hasher, now, typed).await?;
    if !matches!(outcome, SignIn::SignedIn { .. }) {
        crate::metrics::sign_in_failed();
    }
    Ok(outcome)
}

async fn attempt(
    db: &PgPool,
    hasher: &Hasher,
    now: DateTime<Utc>,
    Typed {
        username,
        password,
        language,
    }: Typed<'_>,
) -> Result<SignIn, anyhow::Error> {
    // 1. Count the failure before knowing it is one, and read the account.
    let mut tx = db.begin().await?;
    let mut throttle = store::staff::throttle(&mut tx, username).await?;
    if throttle.hard_locked {
        return Ok(SignIn::HardLocked);
    }
    if let Some(until) = throttle.locked_until.filter(|until| *until > now) {
        return Ok(SignIn::Wait(until - now));
    }
    throttle.failures += 1;
    let lockout = lockout_after(throttle.failures.unsigned_abs());
    match lockout {
        Lockout::None => {}
        Lockout::Wait(wait) => throttle.locked_until = Some(now + wait),
        Lockout::UntilUnlocked => throttle.hard_locked = true,
    }
    store::staff::save_throttle(&mut tx, username, &throttle, now).await?;
    let account = store::staff::credentials(&mut tx, username).await?;
    tx.commit().await?;

    // 2. The password, with nothing held.
    let password_ok = hasher
        .verify(password, account.as_ref().map(|a| a.password_hash.clone()))
        .await?;
    // A one-time password that was never replaced is accepted only for a short while.
    let expired = account.as_ref().is_some_and(|account| {
        account.must_change_password && one_time_password_expired(account.password_set_at, now)
    });

    // 3. Clear the count on success; audit either way.
    let mut tx = db.begin().await?;
    let outcome = match &account {
        Some(account) if password_ok && account.active && !expired => {
            store::staff::clear_throttle(&mut tx, username).await?;
            if let Some(language) = language {
                store::staff::set_language(&mut *tx, account.id, language).await?;
            }
            let tag = uuid::Uuid::new_v4().simple().to_string();
            let event = Event {
                chain: Chain::Centre(account.centre_id),
                centre_id: Some(account.centre_id),
                actor_id: Some(account.id),
                session_tag: Some(&tag),
                action: Action::SignedIn,
                details: json!({ "staff_id": account.id }),
            };
            audit::record(&mut tx, now, event).await?;
            SignIn::SignedIn {
                staff_id: account.id,
                tag,
            }
        }
        _ => {
            let (chain, centre_id, actor_id, reason) = match &account {
                Some(a) if !a.active => (
                    Chain::Centre(a.centre_id),
                    Some(a.centre_id),
                    Some(a.id),
                    "account-disabled",
                ),
                Some(a) if password_ok && expired => (
                    Chain::Centre(a.centre_id),
                    Some(a.centre_id),
                    Some(a.id),
                    "one-time-password-expired",
                ),
                Some(a) => (
                    Chain::Centre(a.centre_id),
                    Some(a.centre_id),
                    Some(a.id),
                    "wrong-password",
                ),
                None => (Chain::System, None, None, "unknown-account"),
            };
            let action = if lockout == Lockout::UntilUnlocked {
                Action::SignInLocked
            } else {
                Action::SignInFailed
            };
            let event = Event {
                chain,
                centre_id,
                actor_id,
                session_tag: None,
                action,
                details: json!({ "reason": reason, "failures": throttle.failures }),
            };
            audit::record(&mut tx, now, event).await?;
            SignIn::Failed {
                lockout,
                expired: password_ok && expired,
            }
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// What signing in through the identity provider came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderSignIn {
    /// Signed in, with the random tag of the new session.
    SignedIn { staff_id: StaffId, tag: String },
    /// No active account is linked to the person (unknown and disabled look the same).
    NoAccount,
}

/// Signs in the account linked, for signing in through the provider with key `provider`, to
/// `person`, whom that provider has just authenticated (`oidc::check` passed). Audited either
/// way; the refusal names no account.
pub async fn sign_in_as_person(
    db: &PgPool,
    keys: &crate::keys::Keys,
    now: DateTime<Utc>,
    provider: &ProviderKey,
    person: &str,
) -> Result<ProviderSignIn, anyhow::Error> {
    let hmac = crate::domain::staff::person_key(person).map(|key| keys.person_hmac(&key));
    let mut tx = db.begin().await?;
    let account = match &hmac {
        Some(hmac) => store::staff::linked_for_sign_in(&mut tx, provider, hmac).await?,
        None => None,
    };
    let outcome = match account {
        Some((staff_id, centre_id, true)) => {
            let tag = uuid::Uuid::new_v4().simple().to_string();
            let event = Event {
                chain: Chain::Centre(centre_id),
                centre_id: Some(centre_id),
                actor_id: Some(staff_id),
                session_tag: Some(&tag),
                action: Action::SignedIn,
                details: json!({
                    "staff_id": staff_id,
                    "via": "openid-connect",
                    "provider": provider.as_str(),
                }),
            };
            audit::record(&mut tx, now, event).await?;
            ProviderSignIn::SignedIn { staff_id, tag }
        }
        Some((staff_id, centre_id, false)) => {
            let event = Event {
                chain: Chain::Centre(centre_id),
                centre_id: Some(centre_id),
                actor_id: Some(staff_id),
                session_tag: None,
                action: Action::SignInFailed,
                details: json!({
                    "reason": "account-disabled",
                    "via": "openid-connect",
                    "provider": provider.as_str(),
                }),
            };
            audit::record(&mut tx, now, event).await?;
            ProviderSignIn::NoAccount
        }
        None => {
            provider_refused_event(&mut tx, now, Some(provider), "unknown-person").await?;
            ProviderSignIn::NoAccount
        }
    };
    tx.commit().await?;
    if outcome == ProviderSignIn::NoAccount {
        crate::metrics::sign_in_failed();
    }
    Ok(outcome)
}

/// Audits a sign-in through an identity provider that failed before any account was known
/// (the provider's answer refused: `reason` is an `oidc::Refusal` code); `provider`: the key
/// of the provider the request went to, where there was a request.
pub async fn provider_sign_in_refused(
    db: &PgPool,
    now: DateTime<Utc>,
    provider: Option<&ProviderKey>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    provider_refused_event(&mut tx, now, provider, reason).await?;
    tx.commit().await?;
    crate::metrics::sign_in_failed();
    Ok(())
}

async fn provider_refused_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    now: DateTime<Utc>,
    provider: Option<&ProviderKey>,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let event = Event {
        chain: Chain::System,
        centre_id: None,
        actor_id: None,
        session_tag: None,
        action: Action::SignInFailed,
        details: json!({
            "reason": reason,
            "via": "openid-connect",
            "provider": provider.map(ProviderKey::as_str),
        }),
    };
    audit::record(tx, now, event).await
}
