//! Secrets: passwords hashed with argon2id (PHC strings), random session and token secrets
//! stored only as their SHA-256, one-time passwords, and the password policy. Nothing here
//! touches the store.

use crate::audit::hex;
use crate::error::{AppError, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// How hard a password hash is to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// OWASP's argon2id recommendation (19 MiB, 2 passes): about 20–40 ms here.
    Standard,
    /// The smallest parameters argon2 accepts: for tests only, where hundreds of accounts are made.
    Cheap,
}

impl PasswordCost {
    fn params(self) -> Params {
        let built = match self {
            PasswordCost::Standard => Params::new(19 * 1024, 2, 1, None),
            PasswordCost::Cheap => Params::new(Params::MIN_M_COST, 1, 1, None),
        };
        built.unwrap_or_default()
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks a new password against the policy; `field` names the input in the refusal.
pub fn check_password_policy(password: &str, login: &str, field: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            field,
            format!("Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự (hiện có {chars})"),
        ));
    }
    if chars > 256 {
        return Err(AppError::invalid(field, "Mật khẩu dài quá 256 ký tự"));
    }
    if password.trim().to_lowercase() == login {
        return Err(AppError::invalid(
            field,
            "Mật khẩu không được trùng với tên đăng nhập",
        ));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err(AppError::invalid(
            field,
            "Mật khẩu quá đơn giản: hãy dùng ít nhất 4 ký tự khác nhau",
        ));
    }
    Ok(())
}

/// Hashes a password (argon2id, random salt) off the async threads.
pub async fn hash_password(password: String, cost: PasswordCost) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = salt()?;
        Argon2::new(Algorithm::Argon2id, Version::V0x13, cost.params())
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(format!("không băm được mật khẩu: {e}")))
    })
    .await
    .map_err(|e| AppError::internal(format!("tiến trình băm mật khẩu dừng: {e}")))?
}

/// Whether `password` matches the stored PHC string (`None`: the account has no password, and a
/// dummy hash is checked so that the answer takes as long). Runs off the async threads.
pub async fn verify_password(password: String, stored: Option<String>, cost: PasswordCost) -> bool {
    let result = tokio::task::spawn_blocking(move || {
        let stored = match stored {
            Some(stored) => stored,
            None => {
                // Same work as a real check, then "no".
                if let Ok(salt) = salt() {
                    let _ = Argon2::new(Algorithm::Argon2id, Version::V0x13, cost.params())
                        .hash_password(password.as_bytes(), &salt);
                }
                return false;
            }
        };
        let Ok(parsed) = PasswordHash::new(&stored) else {
            tracing::error!("a stored password hash is not a PHC string");
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await;
    result.unwrap_or(false)
}

/// Fills `buffer` from the operating system's random source. A machine without one cannot
/// keep secrets at all: that is a fault of the installation, so it stops the process.
fn fill_random(buffer: &mut [u8]) {
    if let Err(error) = getrandom::fill(buffer) {
        panic!("the operating system gave no random bytes: {error}");
    }
}

/// A fresh random salt for a password hash.
fn salt() -> Result<SaltString> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    SaltString::encode_b64(&bytes).map_err(|e| AppError::internal(format!("muối mật khẩu: {e}")))
}

/// `n` random bytes from the operating system, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    fill_random(&mut buffer);
    hex(&buffer)
}

/// The SHA-256 of a secret, hex-encoded: what the database keeps of a session or a token.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A one-time password for a new account or a reset: 14 characters without look-alikes
/// (no 0/o, 1/l/i), about 70 bits.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    // Bytes at or above the largest multiple of the alphabet's size are drawn again, so that
    // every character is equally likely.
    let limit = 256 - 256 % ALPHABET.len();
    let mut out = String::with_capacity(14);
    let mut buffer = [0u8; 32];
    while out.len() < 14 {
        fill_random(&mut buffer);
        for byte in buffer
            .iter()
            .map(|b| usize::from(*b))
            .filter(|b| *b < limit)
        {
            if out.len() < 14 {
                out.push(ALPHABET[byte % ALPHABET.len()] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("một mật khẩu dài".into(), PasswordCost::Cheap)
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("một mật khẩu"));
        assert!(
            verify_password(
                "một mật khẩu dài".into(),
                Some(hash.clone()),
                PasswordCost::Cheap
            )
            .await
        );
        assert!(!verify_password("mot mat khau dai".into(), Some(hash), PasswordCost::Cheap).await);
        assert!(!verify_password("bất kỳ".into(), None, PasswordCost::Cheap).await);
    }

    #[test]
    fn the_policy_refuses_short_simple_and_login_passwords() {
        assert_eq!(
            check_password_policy("ngắn", "an", "password")
                .unwrap_err()
                .field(),
            Some("password")
        );
        assert!(check_password_policy("aaaaaaaaaaaa", "an", "password").is_err());
        assert!(check_password_policy("bithu.chibo", "bithu.chibo", "password").is_err());
        assert!(check_password_policy("Hội nghị 2025!", "an", "password").is_ok());
    }

    #[test]
    fn secrets_are_random_and_digests_fixed() {
        assert_ne!(random_hex(32), random_hex(32));
        assert_eq!(random_hex(32).len(), 64);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let otp = one_time_password();
        assert_eq!(otp.chars().count(), 14);
        assert!(
            otp.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"01ilo".contains(c))
        );
    }
}
