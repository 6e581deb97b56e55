//! Durable background work. A job is inserted in the same transaction as the change that needs it,
//! claimed by a worker with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes never
//! run one job twice), retried with exponential backoff, and never lost when a process dies: an expired
//! lease makes the job claimable again.
use std::{sync::Arc, time::Duration};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr,
    FromQueryResult, Statement,
};
use serde_json::Value;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{db::is_postgres, entities::jobs};

pub mod worker;

pub const KIND_SEND_EMAIL: &str = "send_email";
pub const KIND_EVALUATE_ANSWER: &str = "evaluate_answer";
pub const KIND_PURGE_ACCOUNTS: &str = "purge_accounts";
pub const KIND_TRANSCRIBE_ANSWER: &str = "transcribe_answer";

/// How long a claimed job is leased before another worker may take it over.
pub const LEASE: Duration = Duration::from_secs(120);

/// Wakes workers at once when a job is enqueued by this process (no polling delay on the common path).
#[derive(Clone, Default)]
pub struct JobSignal(Arc<Notify>);

impl JobSignal {
    pub fn notify(&self) {
        self.0.notify_waiters();
        self.0.notify_one();
    }

    pub async fn notified(&self) {
        self.0.notified().await
    }
}

/// Records a job; call inside the transaction that makes the job necessary.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: &str,
    payload: Value,
    max_attempts: i32,
) -> Result<Uuid, DbErr> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    jobs::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_owned()),
        payload: Set(payload),
        status: Set("queued".into()),
        attempts: Set(0),
        max_attempts: Set(max_attempts),
        run_at: Set(now),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Claims the next due job (or one whose lease expired) for `worker_id`.
pub async fn claim(
    db: &DatabaseConnection,
    worker_id: &str,
    kinds: &[&str],
) -> Result<Option<jobs::Model>, DbErr> {
    let now = Utc::now();
    let lease_until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let pg = is_postgres(db);
    let kinds_sql = kinds
        .iter()
        .map(|k| format!("'{}'", k.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(",");
    let (p1, p2, p3, p4) = if pg {
        ("$1", "$2", "$3", "$4")
    } else {
        ("?", "?", "?", "?")
    };
    let lock = if pg { "FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = {p1}, locked_by = {p2}, updated_at = {p3} \
         WHERE id = (SELECT id FROM jobs WHERE kind IN ({kinds_sql}) AND \
           ((status = 'queued' AND run_at <= {p4}) OR (status = 'running' AND locked_until < {p4})) \
           ORDER BY run_at LIMIT 1 {lock}) \
         RETURNING *"
    );
    let values: Vec<sea_orm::Value> = if pg {
        vec![lease_until.into(), worker_id.into(), now.into(), now.into()]
    } else {
        vec![
            lease_until.into(),
            worker_id.into(),
            now.into(),
            now.into(),
            now.into(),
        ]
    };
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    jobs::Model::find_by_statement(stmt).one(db).await
}

pub async fn complete(db: &impl ConnectionTrait, job_id: Uuid) -> Result<(), DbErr> {
    let now = Utc::now();
    exec(
        db,
        "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = $1 WHERE id = $2",
        vec![now.into(), job_id.into()],
    )
    .await
}

/// Records a failure: retried later with exponential backoff and jitter, or `failed` after the last attempt.
/// Returns true when the job is now permanently failed.
pub async fn fail(
    db: &impl ConnectionTrait,
    job: &jobs::Model,
    error: &str,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let permanent = job.attempts >= job.max_attempts;
    let backoff = backoff_for(job.attempts);
    let (status, run_at) = if permanent {
        ("failed", now)
    } else {
        ("queued", now + backoff)
    };
    let error: String = error.chars().take(2000).collect();
    exec(
        db,
        "UPDATE jobs SET status = $1, run_at = $2, locked_until = NULL, locked_by = NULL, last_error = $3, updated_at = $4 WHERE id = $5",
        vec![status.into(), run_at.into(), error.into(), now.into(), job.id.into()],
    )
    .await?;
    Ok(permanent)
}

/// Puts a claimed job back at once (graceful shutdown), without counting the attempt.
pub async fn release(db: &impl ConnectionTrait, job_id: Uuid) -> Result<(), DbErr> {
    exec(
        db,
        "UPDATE jobs SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, locked_until = NULL, locked_by = NULL, run_at = $1, updated_at = $1 WHERE id = $2 AND status = 'running'",
        vec![Utc::now().into(), job_id.into()],
    )
    .await
}

pub fn backoff_for(attempts: i32) -> chrono::Duration {
    use rand::Rng;
    let base = 2i64.saturating_pow(attempts.clamp(0, 12) as u32).min(3600);
    let jitter = rand::rng().random_range(0..=base.max(1) / 2);
    chrono::Duration::seconds(base + jitter)
}

/// Runs a statement written with `$n` placeholders on either backend.
pub(crate) async fn exec(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = if backend == sea_orm::DatabaseBackend::Sqlite {
        dollar_to_question(sql)
    } else {
        sql.to_owned()
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

/// SQLite numbers `?n` placeholders; rewriting `$n` to `?n` keeps one SQL text for both backends.
pub(crate) fn dollar_to_question(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// Queue depth and the age of the oldest due job, for metrics and readiness.
#[derive(Debug, FromQueryResult)]
pub struct QueueStats {
    pub queued: i64,
    pub running: i64,
    pub failed: i64,
}

pub async fn stats(db: &DatabaseConnection) -> Result<QueueStats, DbErr> {
    let stmt = Statement::from_string(
        db.get_database_backend(),
        "SELECT \
           COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0) AS queued, \
           COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) AS running, \
           COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed \
         FROM jobs",
    );
    Ok(QueueStats::find_by_statement(stmt)
        .one(db)
        .await?
        .unwrap_or(QueueStats {
            queued: 0,
            running: 0,
            failed: 0,
        }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_rewritten_for_sqlite() {
        assert_eq!(
            super::dollar_to_question("a = $1 AND b = $12 AND c = '$x'"),
            "a = ?1 AND b = ?12 AND c = '$x'"
        );
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert!(super::backoff_for(1).num_seconds() >= 2);
        assert!(super::backoff_for(5).num_seconds() >= 32);
        assert!(super::backoff_for(50).num_seconds() <= 5400);
    }
}
