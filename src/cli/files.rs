//! Where the attached dossier files are kept, for `serve` and `dossier verify`: a directory
//! (`--files-dir`, the default) or a bucket of an S3-compatible object store
//! (`--files-s3-endpoint` and `--files-s3-bucket`; the keys from the environment only, never
//! the command line, where other users of the machine could read them).

use clap::Args;
use kiemdiem_app::files::{FileStore, S3Config, S3Files};
use std::path::PathBuf;

/// The environment variables holding the S3 keys.
pub const S3_ACCESS_KEY_ENV: &str = "KIEMDIEM_FILES_S3_ACCESS_KEY_ID";
pub const S3_SECRET_KEY_ENV: &str = "KIEMDIEM_FILES_S3_SECRET_ACCESS_KEY";

#[derive(Debug, Clone, Args)]
pub struct FilesArgs {
    /// Where files attached to dossiers are kept [default: ./kiemdiem-files; `serve --demo`:
    /// beside the temporary database].
    #[arg(long, env = "KIEMDIEM_FILES_DIR", conflicts_with = "files_s3_endpoint")]
    pub files_dir: Option<PathBuf>,
    /// Keep the files in this S3-compatible object store instead (AWS S3, MinIO …; addressed
    /// path-style, http(s)://host[:port]/bucket/key). The keys are read from
    /// KIEMDIEM_FILES_S3_ACCESS_KEY_ID and KIEMDIEM_FILES_S3_SECRET_ACCESS_KEY.
    #[arg(long, env = "KIEMDIEM_FILES_S3_ENDPOINT", requires = "files_s3_bucket")]
    pub files_s3_endpoint: Option<String>,
    /// The bucket (it must exist).
    #[arg(long, env = "KIEMDIEM_FILES_S3_BUCKET", requires = "files_s3_endpoint")]
    pub files_s3_bucket: Option<String>,
    /// The store's region.
    #[arg(long, env = "KIEMDIEM_FILES_S3_REGION", default_value = "us-east-1")]
    pub files_s3_region: String,
    /// Put before every object's key (e.g. `kiemdiem/` in a shared bucket).
    #[arg(long, env = "KIEMDIEM_FILES_S3_PREFIX", default_value = "")]
    pub files_s3_prefix: String,
}

impl FilesArgs {
    /// The store these arguments name; `default_dir` when none is.
    pub fn store(&self, default_dir: PathBuf) -> Result<FileStore, String> {
        let (Some(endpoint), Some(bucket)) = (&self.files_s3_endpoint, &self.files_s3_bucket)
        else {
            return Ok(FileStore::Disk(
                self.files_dir.clone().unwrap_or(default_dir),
            ));
        };
        let key = |name: &str| std::env::var(name).unwrap_or_default();
        let config = S3Config {
            endpoint: endpoint.clone(),
            bucket: bucket.clone(),
            region: self.files_s3_region.clone(),
            access_key_id: key(S3_ACCESS_KEY_ENV),
            secret_access_key: key(S3_SECRET_KEY_ENV),
            prefix: self.files_s3_prefix.clone(),
        };
        S3Files::new(&config)
            .map(|s3| FileStore::S3(Box::new(s3)))
            .map_err(|e| e.message().to_owned())
    }
}
