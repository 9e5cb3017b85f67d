//! Server keys kept outside the database, in `$PILNVARA_DATA_DIR/keys/` (mode 0600), so that a
//! copy of the database alone reveals nothing they protect.
//!
//! - `personal-code.key`: the HMAC-SHA256 key under which personal codes are looked up
//!   (subject access, search) without searching clear text, and which keeps audit details free
//!   of raw personal codes.

use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::Sha256;

const KEY_BYTES: usize = 32;

pub struct Keys {
    personal_code: [u8; KEY_BYTES],
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
        Ok(Keys {
            personal_code: key_file(&dir.join("personal-code.key"))?,
        })
    }

    /// Fresh random keys that live only in memory: for tests.
    pub fn ephemeral() -> Keys {
        Keys {
            personal_code: random_key(),
        }
    }

    /// The keyed hash of a personal code's 11 digits.
    pub fn personal_code_hmac(&self, digits: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.personal_code).expect("any key length");
        mac.update(digits.as_bytes());
        mac.finalize().into_bytes().to_vec()
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
        assert_ne!(
            first.personal_code_hmac("32345678901"),
            Keys::ephemeral().personal_code_hmac("32345678901"),
            "another key, another hash"
        );
    }
}
