//! Centres.

use sqlx::PgConnection;
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::ids::CentreId;
use crate::domain::staff::{CentreContact, CentreKind};

#[derive(Debug, Clone)]
pub struct Centre {
    pub id: CentreId,
    pub code: String,
    pub name: String,
    pub municipality: String,
    pub kind: CentreKind,
    pub retention_years: i16,
    pub active: bool,
    pub contact: Json<CentreContact>,
}

/// What an administrator enters for a centre.
#[derive(Debug, Clone)]
pub struct CentreFields<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub municipality: &'a str,
    pub kind: CentreKind,
    pub retention_years: i16,
    pub active: bool,
    pub contact: CentreContact,
}

pub const CODE_KEY: &str = "centres_code_key";

pub async fn insert(
    connection: &mut PgConnection,
    fields: &CentreFields<'_>,
) -> Result<CentreId, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO centres (code, name, municipality, kind, retention_years, active, contact)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id AS \"id: CentreId\"",
        fields.code,
        fields.name,
        fields.municipality,
        fields.kind as CentreKind,
        fields.retention_years,
        fields.active,
        Json(&fields.contact) as _,
    )
    .fetch_one(connection)
    .await
}

pub async fn update(
    connection: &mut PgConnection,
    id: CentreId,
    fields: &CentreFields<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE centres SET code = $2, name = $3, municipality = $4, kind = $5,
                retention_years = $6, active = $7, contact = $8
         WHERE id = $1",
        id as _,
        fields.code,
        fields.name,
        fields.municipality,
        fields.kind as CentreKind,
        fields.retention_years,
        fields.active,
        Json(&fields.contact) as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

pub async fn by_code(
    connection: &mut PgConnection,
    code: &str,
) -> Result<Option<Centre>, sqlx::Error> {
    sqlx::query_as!(
        Centre,
        r#"SELECT id, code, name, municipality, kind AS "kind: CentreKind", retention_years, active,
                  contact AS "contact: Json<CentreContact>"
           FROM centres WHERE code = $1"#,
        code
    )
    .fetch_optional(connection)
    .await
}

/// The centre `id`, if it is among `scope`.
pub async fn get(
    db: impl PgExecutor<'_>,
    id: CentreId,
    scope: &[CentreId],
) -> Result<Option<Centre>, sqlx::Error> {
    sqlx::query_as!(
        Centre,
        r#"SELECT id, code, name, municipality, kind AS "kind: CentreKind", retention_years, active,
                  contact AS "contact: Json<CentreContact>"
           FROM centres WHERE id = $1 AND id = ANY($2)"#,
        id as _,
        scope as _
    )
    .fetch_optional(db)
    .await
}

/// The centres among `scope`, by code.
pub async fn list(db: impl PgExecutor<'_>, scope: &[CentreId]) -> Result<Vec<Centre>, sqlx::Error> {
    sqlx::query_as!(
        Centre,
        r#"SELECT id, code, name, municipality, kind AS "kind: CentreKind", retention_years, active,
                  contact AS "contact: Json<CentreContact>"
           FROM centres WHERE id = ANY($1) ORDER BY code"#,
        scope as _
    )
    .fetch_all(db)
    .await
}

/// Centre `id`'s municipality and contact details.
pub async fn contact(
    connection: &mut PgConnection,
    id: CentreId,
) -> Result<(String, CentreContact), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT municipality, contact AS "contact: Json<CentreContact>" FROM centres WHERE id = $1"#,
        id as _
    )
    .fetch_one(connection)
    .await?;
    Ok((row.municipality, row.contact.0))
}

/// Whether any centre exists (an empty database gets the demo centre on first start).
pub async fn any(connection: &mut PgConnection) -> Result<bool, sqlx::Error> {
    let exists = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM centres) AS "exists!""#)
        .fetch_one(connection)
        .await?;
    Ok(exists)
}
