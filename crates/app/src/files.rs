//! Where attached files are kept: a directory on the local disk (the default) or a bucket of an
//! S3-compatible object store (AWS S3, MinIO, Ceph …, addressed path-style). The dossiers code
//! sees one [`FileStore`] with four operations — put, read back as a SHA-256, read, delete —
//! and never which one it is.
//!
//! The S3 requests are signed (AWS Signature Version 4, presigned URLs) by the `rusty-s3` crate
//! and sent with `ureq` (rustls with the `ring` provider, the system's root certificates) on
//! tokio's blocking pool.

use crate::error::{AppError, ErrorCode, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a signed request stays valid (it is sent at once).
const SIGNED_FOR: Duration = Duration::from_secs(15 * 60);

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The place attached files are kept.
#[derive(Debug, Clone)]
pub enum FileStore {
    /// Files under a directory, `<dir>/<key>` (directories created when needed).
    Disk(PathBuf),
    /// Objects in a bucket, `<prefix><key>`.
    S3(Box<S3Files>),
}

impl FileStore {
    /// What it is, for the log and messages (never the credentials).
    pub fn describe(&self) -> String {
        match self {
            FileStore::Disk(dir) => format!("thư mục {}", dir.display()),
            FileStore::S3(s3) => format!(
                "kho S3 {} (bucket «{}»{})",
                s3.endpoint,
                s3.bucket.name(),
                if s3.prefix.is_empty() {
                    String::new()
                } else {
                    format!(", tiền tố «{}»", s3.prefix)
                }
            ),
        }
    }

    /// Stores `bytes` under `key`, whole or not at all: on disk through a temporary name renamed
    /// into place, in S3 by one `PUT` (an object appears only once complete).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        match self {
            FileStore::Disk(dir) => write_file(&dir.join(key), bytes).await,
            FileStore::S3(s3) => s3.put(key, bytes).await,
        }
    }

    /// The bytes under `key`; `None` when there is none.
    pub async fn read(&self, key: &str) -> Result<Option<Vec<u8>>> {
        match self {
            FileStore::Disk(dir) => match tokio::fs::read(dir.join(key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(AppError::internal(format!("đọc tệp hồ sơ {key}: {e}"))),
            },
            FileStore::S3(s3) => s3.get(key).await,
        }
    }

    /// The SHA-256 of what is stored under `key` now (lowercase hexadecimal); `None` when
    /// nothing is.
    pub async fn sha256(&self, key: &str) -> Result<Option<String>> {
        Ok(self.read(key).await?.map(|bytes| sha256_hex(&bytes)))
    }

    /// Removes what is stored under `key` (nothing when there is none).
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self {
            FileStore::Disk(dir) => match tokio::fs::remove_file(dir.join(key)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(AppError::internal(format!("xoá tệp hồ sơ {key}: {e}"))),
            },
            FileStore::S3(s3) => s3.delete(key).await,
        }
    }
}

/// Writes `bytes` to `path` (its directory created), through a temporary file renamed into
/// place, so a half-written file never carries the name.
async fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| AppError::internal(format!("ghi tệp hồ sơ: {e}"));
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(fail)?;
    }
    let temporary = path.with_extension("part");
    tokio::fs::write(&temporary, bytes).await.map_err(fail)?;
    tokio::fs::rename(&temporary, path).await.map_err(fail)
}

/// How to reach a bucket of an S3-compatible store.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `https://s3.example.vn` or `http://127.0.0.1:9000` (path-style: `<endpoint>/<bucket>/<key>`).
    pub endpoint: String,
    pub bucket: String,
    /// `us-east-1` unless the store says otherwise (MinIO and most others accept any).
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Put before every key (`kiemdiem/` keeps the files apart in a shared bucket); may be empty.
    pub prefix: String,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// A bucket of an S3-compatible object store, and the HTTP client that reaches it.
#[derive(Clone)]
pub struct S3Files {
    endpoint: String,
    bucket: rusty_s3::Bucket,
    credentials: rusty_s3::Credentials,
    prefix: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for S3Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Files")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket.name())
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn unavailable(what: &str, error: impl std::fmt::Display) -> AppError {
    AppError::new(
        ErrorCode::Busy,
        format!("Không kết nối được kho tệp S3 khi {what}: {error}; hãy thử lại sau"),
    )
}

impl S3Files {
    /// A handle on the bucket (nothing is sent yet; [`S3Files::check`] asks the bucket).
    pub fn new(config: &S3Config) -> Result<S3Files> {
        let bad = |field: &str, message: String| AppError::invalid(field, message);
        let endpoint: url::Url = config.endpoint.trim().parse().map_err(|e| {
            bad(
                "files_s3_endpoint",
                format!("Địa chỉ kho S3 «{}» không hợp lệ: {e}", config.endpoint),
            )
        })?;
        if config.bucket.trim().is_empty() {
            return Err(bad("files_s3_bucket", "Thiếu tên bucket S3".to_owned()));
        }
        if config.access_key_id.is_empty() || config.secret_access_key.is_empty() {
            return Err(bad(
                "files_s3_access_key_id",
                "Thiếu khoá truy cập kho S3 (KIEMDIEM_FILES_S3_ACCESS_KEY_ID, KIEMDIEM_FILES_S3_SECRET_ACCESS_KEY)"
                    .to_owned(),
            ));
        }
        let region = match config.region.trim() {
            "" => "us-east-1".to_owned(),
            region => region.to_owned(),
        };
        let bucket = rusty_s3::Bucket::new(
            endpoint,
            rusty_s3::UrlStyle::Path,
            config.bucket.trim().to_owned(),
            region,
        )
        .map_err(|e| {
            bad(
                "files_s3_endpoint",
                format!(
                    "Không dùng được kho S3 «{}», bucket «{}»: {e:?}",
                    config.endpoint, config.bucket
                ),
            )
        })?;
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(120)))
            // Statuses are read here (404 is "no such object"), not turned into errors.
            .http_status_as_error(false)
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .new_agent();
        Ok(S3Files {
            endpoint: config.endpoint.trim().trim_end_matches('/').to_owned(),
            bucket,
            credentials: rusty_s3::Credentials::new(
                config.access_key_id.clone(),
                config.secret_access_key.clone(),
            ),
            prefix: config.prefix.clone(),
            agent,
        })
    }

    fn object(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Sends one signed request on the blocking pool: its status and body (at most the largest
    /// file and a little more).
    async fn send(
        &self,
        what: &str,
        method: rusty_s3::Method,
        url: url::Url,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, Vec<u8>)> {
        let agent = self.agent.clone();
        let sent = tokio::task::spawn_blocking(move || {
            use rusty_s3::Method;
            let url = url.as_str();
            let response = match (method, body) {
                (Method::Put, body) => agent.put(url).send(&body.unwrap_or_default()[..]),
                (Method::Head, _) => agent.head(url).call(),
                (Method::Delete, _) => agent.delete(url).call(),
                _ => agent.get(url).call(),
            };
            let mut response = response?;
            let status = response.status().as_u16();
            let bytes = response
                .body_mut()
                .with_config()
                .limit(crate::dossiers::MAX_FILE_BYTES as u64 + 1024 * 1024)
                .read_to_vec()?;
            Ok::<_, ureq::Error>((status, bytes))
        })
        .await
        .map_err(|e| AppError::internal(format!("kho tệp S3 khi {what}: {e}")))?;
        sent.map_err(|e| unavailable(what, e))
    }

    /// An answer that is neither success nor "no such key": the store refused (credentials,
    /// policy) or failed.
    fn refused(what: &str, status: u16, body: &[u8]) -> AppError {
        let body = String::from_utf8_lossy(body);
        // S3's error document names the refusal in its one `<Code>` element.
        let code = body
            .split_once("<Code>")
            .and_then(|(_, rest)| rest.split_once("</Code>"))
            .map_or("", |(code, _)| code);
        if status >= 500 {
            unavailable(what, format!("HTTP {status} {code}"))
        } else {
            AppError::internal(format!(
                "Kho tệp S3 từ chối khi {what}: HTTP {status} {code}"
            ))
        }
    }

    /// Asks the bucket whether it is there and may be used.
    pub async fn check(&self) -> Result<()> {
        use rusty_s3::S3Action;
        let what = "kiểm tra bucket";
        let url = self
            .bucket
            .head_bucket(Some(&self.credentials))
            .sign(SIGNED_FOR);
        match self.send(what, rusty_s3::Method::Head, url, None).await? {
            (200..=299, _) => Ok(()),
            (404, _) => Err(AppError::conflict(format!(
                "Kho tệp S3 {} không có bucket «{}»",
                self.endpoint,
                self.bucket.name()
            ))),
            (status, body) => Err(Self::refused(what, status, &body)),
        }
    }

    /// Creates the bucket when it is not there yet (a first installation, the tests).
    pub async fn create_bucket(&self) -> Result<()> {
        use rusty_s3::S3Action;
        if self.check().await.is_ok() {
            return Ok(());
        }
        let what = "tạo bucket";
        // Outside us-east-1 the body names the region (the location constraint).
        let action = self.bucket.create_bucket(&self.credentials);
        let body = action.body();
        let url = action.sign(SIGNED_FOR);
        match self
            .send(what, rusty_s3::Method::Put, url, Some(body.into_bytes()))
            .await?
        {
            (200..=299, _) => Ok(()),
            (status, body) => Err(Self::refused(what, status, &body)),
        }
    }

    async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        use rusty_s3::S3Action;
        let what = "lưu tệp";
        let object = self.object(key);
        let url = self
            .bucket
            .put_object(Some(&self.credentials), &object)
            .sign(SIGNED_FOR);
        match self
            .send(what, rusty_s3::Method::Put, url, Some(bytes.to_vec()))
            .await?
        {
            (200..=299, _) => Ok(()),
            (status, body) => Err(Self::refused(what, status, &body)),
        }
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        use rusty_s3::S3Action;
        let what = "đọc tệp";
        let object = self.object(key);
        let url = self
            .bucket
            .get_object(Some(&self.credentials), &object)
            .sign(SIGNED_FOR);
        match self.send(what, rusty_s3::Method::Get, url, None).await? {
            (200..=299, bytes) => Ok(Some(bytes)),
            (404, _) => Ok(None),
            (status, body) => Err(Self::refused(what, status, &body)),
        }
    }

    async fn delete(&self, key: &str) -> Result<()> {
        use rusty_s3::S3Action;
        let what = "xoá tệp";
        let object = self.object(key);
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), &object)
            .sign(SIGNED_FOR);
        // S3 answers 204 whether or not there was an object.
        match self.send(what, rusty_s3::Method::Delete, url, None).await? {
            (200..=299 | 404, _) => Ok(()),
            (status, body) => Err(Self::refused(what, status, &body)),
        }
    }

    /// The keys stored under the prefix (the prefix taken off), in the store's order (ListObjectsV2,
    /// page after page).
    pub async fn keys(&self) -> Result<Vec<String>> {
        use rusty_s3::S3Action;
        use rusty_s3::actions::ListObjectsV2;
        let what = "liệt kê tệp";
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut list = self.bucket.list_objects_v2(Some(&self.credentials));
            if !self.prefix.is_empty() {
                list.with_prefix(self.prefix.as_str());
            }
            if let Some(token) = &token {
                list.with_continuation_token(token.as_str());
            }
            let url = list.sign(SIGNED_FOR);
            let body = match self.send(what, rusty_s3::Method::Get, url, None).await? {
                (200..=299, body) => String::from_utf8_lossy(&body).into_owned(),
                (status, body) => return Err(Self::refused(what, status, &body)),
            };
            let page = ListObjectsV2::parse_response(&body).map_err(|e| {
                AppError::internal(format!(
                    "Kho tệp S3 trả lời việc {what} bằng một danh sách không đọc được ({e})"
                ))
            })?;
            for object in page.contents {
                let key = object.key;
                keys.push(key.strip_prefix(&self.prefix).unwrap_or(&key).to_owned());
            }
            match page.next_continuation_token {
                Some(next) => token = Some(next),
                None => return Ok(keys),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_s3_store_needs_its_bucket_and_keys() {
        let config = S3Config {
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "hoso".into(),
            region: String::new(),
            access_key_id: "ak".into(),
            secret_access_key: "sk".into(),
            prefix: "kiemdiem/".into(),
        };
        let store = FileStore::S3(Box::new(S3Files::new(&config).unwrap()));
        assert_eq!(
            store.describe(),
            "kho S3 http://127.0.0.1:9000 (bucket «hoso», tiền tố «kiemdiem/»)"
        );
        let no_key = S3Config {
            secret_access_key: String::new(),
            ..config.clone()
        };
        assert_eq!(
            S3Files::new(&no_key).unwrap_err().field(),
            Some("files_s3_access_key_id")
        );
        let bad = S3Config {
            endpoint: "ftp://example.vn".into(),
            ..config
        };
        assert_eq!(
            S3Files::new(&bad).unwrap_err().field(),
            Some("files_s3_endpoint")
        );
        // The secret never shows in a debug print.
        assert!(!format!("{:?}", S3Files::new(&no_key_ok()).unwrap()).contains("sk-secret"));
    }

    fn no_key_ok() -> S3Config {
        S3Config {
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "hoso".into(),
            region: "ap-southeast-1".into(),
            access_key_id: "ak".into(),
            secret_access_key: "sk-secret".into(),
            prefix: String::new(),
        }
    }
}
