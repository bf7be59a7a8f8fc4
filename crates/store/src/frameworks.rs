//! The criteria frameworks issuing committees make (khung tiêu chí của cấp ủy): immutable
//! versions of a framework definition, by organisation and name. The store keeps the JSON the
//! app checked against the rules crate; it never reads it.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::OffsetDateTime;
use uuid::Uuid;

/// One version of a committee's framework.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrgFrameworkRow {
    /// `ORG_CODE:name@version`.
    pub id: String,
    pub org_id: Uuid,
    pub name: String,
    pub version: i64,
    /// The framework it was derived from, or the version it changes.
    pub base_id: String,
    /// The rules crate's framework, as JSON.
    pub definition: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

const COLUMNS: &str = "id, org_id, name, version, base_id, definition, changed_by, changed_at";

impl Tx {
    /// Records a version; `changed_by`/`changed_at` are the transaction's stamp. A version taken
    /// meanwhile by another is refused as a duplicate.
    pub async fn insert_org_framework(&mut self, row: &OrgFrameworkRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO org_frameworks (id, org_id, name, version, base_id, definition, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&row.id).bind(row.org_id).bind(&row.name).bind(row.version).bind(&row.base_id)
        .bind(&row.definition).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("org_frameworks", row.id.clone(), "insert");
        Ok(())
    }

    pub async fn org_framework(&mut self, id: &str) -> Result<Option<OrgFrameworkRow>> {
        let sql = format!("SELECT {COLUMNS} FROM org_frameworks WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    /// Every version of an organisation's frameworks, by name then version.
    pub async fn org_frameworks(&mut self, org: Uuid) -> Result<Vec<OrgFrameworkRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM org_frameworks WHERE org_id = $1 ORDER BY name, version"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org).fetch_all(c).await?),
        )
    }

    /// The latest version number of an organisation's framework `name` (0 when none).
    pub async fn org_framework_version(&mut self, org: Uuid, name: &str) -> Result<i64> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM org_frameworks WHERE org_id = $1 AND name = $2",
        ).bind(org).bind(name).fetch_one(c).await?))
    }
}
