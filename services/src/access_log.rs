//! The access log of personal data (DESIGN §1): each time a street or a department reads a
//! requester's name and phone unmasked ([`RequesterAccess::ShownAndLogged`]), one row says who,
//! which case, when and through which route. Auditors page through it, newest last.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::case::RequesterAccess;
use shaobao_domain::{Actor, Case};

use crate::store::{Store, StoreError};
use crate::tokens::columns;
use crate::with_pool;

/// One unmasked read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalDataRead {
    /// Position in the log; page with `after`.
    pub id: i64,
    pub read_at: DateTime<Utc>,
    pub actor_id: String,
    pub actor_name: Option<String>,
    /// `dispatcher` or `department` (the roles whose reads are logged).
    pub role: String,
    /// The street or department.
    pub scope: Option<String>,
    pub case_id: String,
    /// The route that showed the data, e.g. `GET /api/v1/cases/{id}` or `console /cases/{id}`.
    pub route: String,
}

/// Which reads an auditor asks for.
#[derive(Debug, Clone, Default)]
pub struct ReadFilter {
    pub case_id: Option<String>,
    pub actor_id: Option<String>,
    /// Only reads after this log position.
    pub after: Option<i64>,
    pub limit: i64,
}

type ReadRow = (
    i64,
    DateTime<Utc>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
);

/// The `personal_data_reads` table.
#[derive(Clone)]
pub struct AccessLog {
    store: Store,
}

impl AccessLog {
    pub fn new(store: Store) -> Self {
        AccessLog { store }
    }

    /// Decides how `actor` sees `case`'s requester and, when the read must be logged, logs it
    /// (before the data is shown: a read that cannot be logged is not served).
    pub async fn requester_access(
        &self,
        case_id: &str,
        case: &Case,
        actor: &Actor,
        route: &str,
        at: DateTime<Utc>,
    ) -> Result<RequesterAccess, StoreError> {
        let access = case.requester_access(actor);
        let has_requester = case.intake().is_some_and(|i| i.requester.is_some());
        if access == RequesterAccess::ShownAndLogged && has_requester {
            self.record(case_id, actor, route, at).await?;
        }
        Ok(access)
    }

    async fn record(
        &self,
        case_id: &str,
        actor: &Actor,
        route: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (role, scope) = columns(&actor.role);
        let sql = "INSERT INTO personal_data_reads \
                   (read_at, actor_id, actor_name, role, scope, case_id, route) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7)";
        with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(at)
                .bind(&actor.id)
                .bind(actor.name.as_deref())
                .bind(role)
                .bind(scope)
                .bind(case_id)
                .bind(route)
                .execute(pool)
                .await
                .map(drop)?
        });
        Ok(())
    }

    /// A page of reads in log order.
    pub async fn reads(&self, filter: &ReadFilter) -> Result<Vec<PersonalDataRead>, StoreError> {
        let sql = "SELECT id, read_at, actor_id, actor_name, role, scope, case_id, route \
                   FROM personal_data_reads \
                   WHERE id > $1 AND ($2 IS NULL OR case_id = $2) AND ($3 IS NULL OR actor_id = $3) \
                   ORDER BY id LIMIT $4";
        let rows: Vec<ReadRow> = with_pool!(&self.store, pool => {
            sqlx::query_as(sql)
                .bind(filter.after.unwrap_or(0))
                .bind(filter.case_id.as_deref())
                .bind(filter.actor_id.as_deref())
                .bind(filter.limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, read_at, actor_id, actor_name, role, scope, case_id, route)| {
                    PersonalDataRead {
                        id,
                        read_at,
                        actor_id,
                        actor_name,
                        role,
                        scope,
                        case_id,
                        route,
                    }
                },
            )
            .collect())
    }
}
