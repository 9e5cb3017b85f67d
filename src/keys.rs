//! Server keys kept outside the database, in `$PILNVARA_DATA_DIR/keys/` (mode 0600), so that a
//! copy of the database alone reveals nothing they protect.
//!
//! - `personal-code.key`: the HMAC-SHA256 key under which personal codes are looked up
//!   (subject access, search) without searching clear text, and which keeps audit details free
//!   of raw personal codes.
//! - `anchor.key`: the Ed25519 seed that signs anchors (statements of the audit chain heads, see
//!   `audit::anchor`). Its public half is written beside it as `anchor.pub` (hex), so that an
//!   auditor can check anchors without the private key.

use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use ed25519_dalek::{SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::Sha256;

const KEY_BYTES: usize = 32;

pub struct Keys {
    personal_code: [u8; KEY_BYTES],
    anchor: SigningKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    /// Reads the keys under `data_dir/keys`, creating any that are missing.
    pub fn load_or_create(data_dir: &Path) -> io::Result<Keys> {
        let dir = data_dir.join("keys");
        fs::create_dir_all(&dir)?;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))?;
        let anchor = SigningKey::from_bytes(&key_file(&dir.join("anchor.key"))?);
        write_public_key(&dir.join("anchor.pub"), &anchor.verifying_key())?;
        Ok(Keys {
            personal_code: key_file(&dir.join("personal-code.key"))?,
            anchor,
        })
    }

    /// Fresh random keys that live only in memory: for tests.
    pub fn ephemeral() -> Keys {
        Keys {
            personal_code: random_key(),
            anchor: SigningKey::from_bytes(&random_key()),
        }
    }

    /// The keyed hash of a personal code's 11 digits.
    pub fn personal_code_hmac(&self, digits: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.personal_code).expect("any key length");
        mac.update(digits.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The keyed hash of a client's network address, for the sign-in limit per address: the
    /// address itself is never stored. Kept apart from the personal codes' hashes by a prefix
    /// no personal code's digits can begin with.
    pub fn client_address_hmac(&self, address: std::net::IpAddr) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.personal_code).expect("any key length");
        mac.update(b"client-address:");
        mac.update(address.to_string().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The keyed hash that links a staff account to a person (`domain::staff::person_key`):
    /// a personal code hashes as [`Keys::personal_code_hmac`] does, a subject with its prefix.
    pub fn person_hmac(&self, person_key: &str) -> Vec<u8> {
        self.personal_code_hmac(person_key)
    }

    /// The key that signs anchors.
    pub fn anchor_signing_key(&self) -> &SigningKey {
        &self.anchor
    }

    /// The public half of the anchor key, as `anchor.pub` holds it.
    pub fn anchor_public_key(&self) -> VerifyingKey {
        self.anchor.verifying_key()
    }
}

/// Reads a public anchor key: 64 hex digits (surrounding white space ignored).
pub fn read_public_key(path: &Path) -> io::Result<VerifyingKey> {
    let text = fs::read_to_string(path)?;
    parse_public_key(text.trim()).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} must hold an Ed25519 public key as 64 hex digits",
                path.display()
            ),
        )
    })
}

/// An Ed25519 public key from its 64 hex digits.
pub fn parse_public_key(hex_digits: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_digits).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Writes `anchor.pub` if it is missing; refuses one that belongs to another key.
fn write_public_key(path: &Path, key: &VerifyingKey) -> io::Result<()> {
    match read_public_key(path) {
        Ok(existing) if existing == *key => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} does not belong to anchor.key beside it: move it away to have it rewritten",
                path.display()
            ),
        )),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o644)
                .open(path)?;
            writeln!(file, "{}", hex::encode(key.as_bytes()))?;
            file.sync_all()
        }
        Err(error) => Err(error),
    }
}

fn random_key() -> [u8; KEY_BYTES] {
    let mut key = [0; KEY_BYTES];
    rand::rng().fill_bytes(&mut key);
    key
}

fn key_file(path: &Path) -> io::Result<[u8; KEY_BYTES]> {
    match fs::read(path) {
        Ok(bytes) => bytes.try_into().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} must hold {KEY_BYTES} bytes", path.display()),
            )
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let key = random_key();
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)?;
            file.write_all(&key)?;
            file.sync_all()?;
            Ok(key)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = Keys::load_or_create(dir.path()).unwrap();
        let again = Keys::load_or_create(dir.path()).unwrap();
        assert_eq!(
            first.personal_code_hmac("32345678901"),
            again.personal_code_hmac("32345678901")
        );
        let mode = fs::metadata(dir.path().join("keys/personal-code.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(first.anchor_public_key(), again.anchor_public_key());
        assert_eq!(
            read_public_key(&dir.path().join("keys/anchor.pub")).unwrap(),
            first.anchor_public_key(),
            "the public key is written for auditors"
        );
        assert_ne!(
            first.personal_code_hmac("32345678901"),
            Keys::ephemeral().personal_code_hmac("32345678901"),
            "another key, another hash"
        );
    }
}
