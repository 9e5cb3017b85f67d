//! Password hashing with Argon2id (the crate's defaults: m = 19 MiB, t = 2, p = 1, which
//! OWASP ASVS accepts), the dummy verification for unknown accounts, and one-time passwords.
//!
//! Hashing is slow on purpose, so it runs on the blocking pool behind a small semaphore: a
//! flood of sign-ins waits its turn instead of starving every other page.

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng as _;
use tokio::sync::Semaphore;

/// A password as typed; `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Runs Argon2 on the blocking pool, at most `permits` at a time.
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Hasher {
    pub fn new(permits: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// An Argon2id PHC string for `password`, with a fresh random salt.
    pub async fn hash(&self, password: Secret) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || hash_now(password.expose())).await?
    }

    /// Whether `password` matches `stored`. Without a stored hash (no such account) a dummy
    /// hash is verified instead, so that the answer takes as long either way.
    pub async fn verify(&self, password: Secret, stored: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let (hash, real) = match &stored {
                Some(hash) => (hash.as_str(), true),
                None => (DUMMY_HASH.as_str(), false),
            };
            let parsed =
                PasswordHash::new(hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            let matches = Argon2::default()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok();
            Ok(real && matches)
        })
        .await?
    }
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now(&one_time_password().0).expect("hashing the dummy password"));

/// A strong one-time password: 16 characters from an alphabet without look-alikes, in groups
/// of four (about 80 bits), for an administrator to hand over.
pub fn one_time_password() -> Secret {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let groups: Vec<String> = chars
        .chunks(4)
        .map(|group| group.iter().collect())
        .collect();
    Secret(groups.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = Hasher::new(1);
        let hash = hasher
            .hash(Secret::new("correct horse battery"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify(Secret::new("correct horse battery"), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(Secret::new("wrong horse battery"), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = Hasher::new(1);
        assert!(
            !hasher
                .verify(Secret::new("anything at all"), None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn one_time_passwords_are_long_and_pass_the_policy() {
        let first = one_time_password();
        assert_eq!(first.expose().len(), 19);
        assert!(crate::domain::staff::check_new_password(first.expose()).is_ok());
        assert_ne!(first.expose(), one_time_password().expose());
        assert_eq!(format!("{first:?}"), "Secret(…)");
    }
}
