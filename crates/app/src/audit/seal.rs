//! The installation's audit key and what it signs. The key (32 random bytes, hex in a file
//! created at first run with owner-only permissions, or given in `KIEMDIEM_AUDIT_KEY`) is
//! never stored in the database: each audit entry carries `seal = HMAC-SHA-256(key,
//! "kiemdiem-audit-seal\n" ‖ hash)`, and each anchor line is signed the same way. Someone who
//! can write the database but has not the key cannot re-hash the chain without breaking the
//! seals. This module does no I/O but reading and creating the key file.

use crate::audit::hex;
use crate::error::{AppError, Result};
use kiemdiem_store::AuditKeyBytes;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The audit key (its `Debug` shows no byte of it).
#[derive(Clone)]
pub struct AuditKey(AuditKeyBytes);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

const KEY_BYTES: usize = 32;

impl AuditKey {
    /// A key from its hex text (64 digits).
    pub fn from_hex(text: &str) -> Result<AuditKey> {
        let text = text.trim();
        let bytes = unhex(text)
            .filter(|b| b.len() == KEY_BYTES)
            .ok_or_else(|| {
                AppError::invalid(
                    "audit_key",
                    "Khoá nhật ký phải là 64 chữ số thập lục phân (32 byte)",
                )
            })?;
        Ok(AuditKey(AuditKeyBytes::new(&bytes)))
    }

    /// Reads the key file, or creates it (owner-only permissions, new random key) when it does
    /// not exist; `true` when it was created. A key file others can read is refused.
    pub fn load_or_create(path: &Path) -> Result<(AuditKey, bool)> {
        let io = |e: std::io::Error| {
            AppError::internal(format!(
                "không đọc/ghi được tệp khoá nhật ký «{}»: {e}",
                path.display()
            ))
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_private(path)?;
                Ok((AuditKey::from_hex(&text)?, false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let mut bytes = [0u8; KEY_BYTES];
                getrandom::fill(&mut bytes)
                    .map_err(|e| AppError::internal(format!("không sinh được khoá: {e}")))?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(io)?;
                std::io::Write::write_all(&mut file, format!("{}\n", hex(&bytes)).as_bytes())
                    .map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok((AuditKey(AuditKeyBytes::new(&bytes)), true))
            }
            Err(e) => Err(io(e)),
        }
    }

    pub(crate) fn bytes(&self) -> &AuditKeyBytes {
        &self.0
    }

    pub(crate) fn from_bytes(bytes: &AuditKeyBytes) -> AuditKey {
        AuditKey(bytes.clone())
    }

    /// The seal of an entry's hash.
    pub fn seal(&self, hash: &str) -> String {
        self.sign(&["kiemdiem-audit-seal", hash])
    }

    /// HMAC-SHA-256 of the parts joined by line breaks, hex.
    pub(crate) fn sign(&self, parts: &[&str]) -> String {
        hex(&hmac_sha256(self.0.bytes(), parts.join("\n").as_bytes()))
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| AppError::internal(format!("«{}»: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(AppError::invalid(
            "audit_key",
            format!(
                "Tệp khoá nhật ký «{}» để người khác đọc được (quyền {:o}): hãy chạy chmod 600",
                path.display(),
                mode & 0o777
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<()> {
    Ok(())
}

/// HMAC (RFC 2104) over SHA-256.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&outer);
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("audit.key");
        let (key, created) = AuditKey::load_or_create(&path).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, created) = AuditKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(key.seal("abc"), again.seal("abc"));
        assert_ne!(key.seal("abc"), key.seal("abd"));
        assert!(!format!("{key:?}").contains(&key.seal("x")[..4]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(
                AuditKey::load_or_create(&path).is_err(),
                "readable by others"
            );
        }
        assert!(AuditKey::from_hex("00ff").is_err());
    }
}
