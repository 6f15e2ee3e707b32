//! Passwords: argon2id with the crate's default parameters, stored as PHC strings; hashing runs on
//! the blocking pool, off the async workers.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{Error as HashError, PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use rand::seq::SliceRandom;

use super::AccountError;
use crate::store::StoreError;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Characters of generated passwords: no 0/O/o, 1/l/I.
const UNAMBIGUOUS: &[u8] = b"23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const GENERATED_CHARS: usize = 16;

pub(crate) fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    Ok(())
}

/// A random password of 16 characters from an unambiguous alphabet (about 93 bits).
pub fn generate_password() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..GENERATED_CHARS)
        .map(|_| char::from(*UNAMBIGUOUS.choose(&mut rng).expect("non-empty alphabet")))
        .collect()
}

/// The PHC string (`$argon2id$v=19$…`) of `password` with a fresh salt.
pub(crate) async fn hash(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .expect("password hashing panicked")
        .map_err(|err| AccountError::Hashing(err.to_string()))
}

fn hash_now(password: &str) -> Result<String, HashError> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Whether `password` is the one behind `phc`; `None` stands for an unknown login and is checked
/// against a dummy hash, so that an unknown login takes as long as a known one.
pub(crate) async fn verify(password: &str, phc: Option<String>) -> Result<bool, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let phc = phc.as_deref().unwrap_or_else(|| dummy_hash());
        let parsed = PasswordHash::new(phc)
            .map_err(|err| StoreError::Corrupt(format!("stored password hash: {err}")))?;
        match Argon2::default().verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(HashError::PasswordInvalid) => Ok(false),
            Err(err) => Err(StoreError::Corrupt(format!("stored password hash: {err}"))),
        }
    })
    .await
    .expect("password verification panicked")
}

/// A hash of a random password, made once per process with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&generate_password()).expect("hash the dummy password"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_enough_and_unambiguous() {
        let password = generate_password();
        assert_eq!(password.chars().count(), GENERATED_CHARS);
        assert!(check_password(&password).is_ok());
        assert!(
            !password.contains(['0', 'O', 'o', '1', 'l', 'I']),
            "{password}"
        );
        assert_ne!(password, generate_password());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let phc = hash("correct horse").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(verify("correct horse", Some(phc.clone())).await.unwrap());
        assert!(!verify("wrong horse!", Some(phc)).await.unwrap());
        assert!(!verify("correct horse", None).await.unwrap());
        assert!(verify("x", Some("not a hash".into())).await.is_err());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(
            check_password("123456789"),
            Err(AccountError::WeakPassword)
        ));
        assert!(check_password("一二三四五六七八九十").is_ok());
    }
}
