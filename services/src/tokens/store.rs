//! The `api_tokens` table: issuing, listing and revoking tokens, and authenticating requests
//! through the in-memory look-up cache.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use shaobao_domain::org::Organisation;
use shaobao_domain::{Actor, Role};

use super::cache::{LookupCache, StoredToken};
use super::{check_scope, columns, hash, random_hex, stored_role, TokenError, TOKEN_PREFIX};
use crate::store::{Store, StoreError};
use crate::with_pool;

/// Random bytes behind each token.
const TOKEN_BYTES: usize = 32;

/// `last_used_at` is written at most this often per token: a busy client costs no write per
/// request, and the operator still sees which tokens are in use.
const LAST_USED_EVERY: Duration = Duration::minutes(1);

/// A token just created: the bearer secret (shown once) and the actor it stands for.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub actor: Actor,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token as `token list` shows it (never the secret, which is not stored).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    pub id: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    /// The scope code (street, department, member), if the role has one.
    pub fn scope(&self) -> Option<&str> {
        columns(&self.role).1
    }
}

type InfoRow = (
    String,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// The `api_tokens` table. Clones share one look-up cache.
#[derive(Clone)]
pub struct TokenStore {
    store: Store,
    cache: Arc<LookupCache>,
}

impl std::fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenStore").finish_non_exhaustive()
    }
}

impl TokenStore {
    /// How often this node's look-up cache answered without the store (`/metrics`).
    pub fn cache_counts(&self) -> super::CacheCounts {
        self.cache.counts()
    }

    pub fn new(store: Store) -> Self {
        TokenStore {
            store,
            cache: Arc::default(),
        }
    }

    /// Stores a new token for `role` that never expires; see [`Self::create_until`].
    pub async fn create(
        &self,
        role: Role,
        org: &Organisation,
        created_at: DateTime<Utc>,
    ) -> Result<IssuedToken, TokenError> {
        self.create_until(role, org, created_at, None).await
    }

    /// Stores a new token for `role`, whose scope must name a street or department of `org`,
    /// refused from `expires_at` on. The actor id is the token's id, so every event records which
    /// token acted.
    pub async fn create_until(
        &self,
        role: Role,
        org: &Organisation,
        created_at: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<IssuedToken, TokenError> {
        check_scope(&role, org)?;
        let token = format!("{TOKEN_PREFIX}{}", random_hex(TOKEN_BYTES));
        let id = format!("tok-{}", random_hex(6));
        let (role_name, scope) = columns(&role);
        let sql = "INSERT INTO api_tokens (id, token_hash, role, scope, created_at, expires_at)
                   VALUES ($1, $2, $3, $4, $5, $6)";
        with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(&id)
                .bind(hash(&token))
                .bind(role_name)
                .bind(scope)
                .bind(created_at)
                .bind(expires_at)
                .execute(pool)
                .await
                .map(drop)
                .map_err(StoreError::from)?
        });
        Ok(IssuedToken {
            token,
            actor: Actor::new(role, id),
            expires_at,
        })
    }

    /// Every token, oldest first.
    pub async fn list(&self) -> Result<Vec<TokenInfo>, TokenError> {
        let sql = "SELECT id, role, scope, created_at, expires_at, last_used_at, revoked_at
                   FROM api_tokens ORDER BY created_at, id";
        let rows: Vec<InfoRow> = with_pool!(&self.store, pool => {
            sqlx::query_as(sql).fetch_all(pool).await.map_err(StoreError::from)?
        });
        rows.into_iter().map(info).collect()
    }

    /// Revokes token `id` (idempotent: the first revocation's time stays). It is refused on this
    /// node at once and on every other within [`super::LOOKUP_TTL`].
    pub async fn revoke(&self, id: &str, now: DateTime<Utc>) -> Result<TokenInfo, TokenError> {
        let sql = "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1";
        let updated = with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(id)
                .bind(now)
                .execute(pool)
                .await
                .map_err(StoreError::from)?
                .rows_affected()
        });
        self.cache.forget(id);
        if updated == 0 {
            return Err(TokenError::UnknownToken(id.to_string()));
        }
        self.list()
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| TokenError::UnknownToken(id.to_string()))
    }

    /// The actor a bearer token stands for at `now`; `None` for a token never issued, revoked,
    /// or expired (the caller answers 401 alike).
    pub async fn authenticate(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Actor>, StoreError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let token_hash = hash(token);
        let found = match self.cache.get(&token_hash) {
            Some(found) => found,
            None => {
                let fetched = Instant::now();
                let found = self.fetch(&token_hash).await?;
                self.cache.put(token_hash.clone(), found.clone(), fetched);
                found
            }
        };
        let Some(found) = found.filter(|t| !t.revoked && t.expires_at.is_none_or(|e| now < e))
        else {
            return Ok(None);
        };
        if found
            .last_used_at
            .is_none_or(|last| now - last >= LAST_USED_EVERY)
        {
            self.mark_used(&found.id, &token_hash, now).await;
        }
        Ok(Some(Actor::new(found.role, found.id)))
    }

    async fn fetch(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError> {
        let sql = "SELECT id, role, scope, expires_at, revoked_at IS NOT NULL, last_used_at
                   FROM api_tokens WHERE token_hash = $1";
        type Row = (
            String,
            String,
            Option<String>,
            Option<DateTime<Utc>>,
            bool,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = with_pool!(&self.store, pool => {
            sqlx::query_as(sql).bind(token_hash).fetch_optional(pool).await?
        });
        let Some((id, role, scope, expires_at, revoked, last_used_at)) = row else {
            return Ok(None);
        };
        let role = stored_role(&role, scope)
            .ok_or_else(|| StoreError::Corrupt(format!("token {id}: unknown role {role:?}")))?;
        Ok(Some(StoredToken {
            id,
            role,
            expires_at,
            revoked,
            last_used_at,
        }))
    }

    /// Records that the token was used at `now`, unless a node did so in the last minute. A
    /// failure is logged, never the request's: the mark is for the operator's eyes.
    async fn mark_used(&self, id: &str, token_hash: &str, now: DateTime<Utc>) {
        self.cache.used(token_hash, now);
        let sql = "UPDATE api_tokens SET last_used_at = $2
                   WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)";
        let marked = with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(id)
                .bind(now)
                .bind(now - LAST_USED_EVERY)
                .execute(pool)
                .await
                .map(drop)
        });
        if let Err(err) = marked {
            tracing::warn!(token = id, error = %err, "could not record the token's last use");
        }
    }
}

fn info(row: InfoRow) -> Result<TokenInfo, TokenError> {
    let (id, role, scope, created_at, expires_at, last_used_at, revoked_at) = row;
    let role = stored_role(&role, scope)
        .ok_or_else(|| StoreError::Corrupt(format!("token {id}: unknown role {role:?}")))?;
    Ok(TokenInfo {
        id,
        role,
        created_at,
        expires_at,
        last_used_at,
        revoked_at,
    })
}
