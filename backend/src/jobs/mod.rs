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
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{
    db::{execute as exec, is_postgres},
    entities::jobs,
};

pub mod worker;

/// A kind of durable work and its payload: each kind is a type, so a payload is never assembled or
/// parsed by hand (`jobs::enqueue(&txn, &EvaluateAnswer { answer_id })`, `jobs::payload::<SendEmail>(job)`).
pub trait Job: Serialize + DeserializeOwned {
    /// Stored in `jobs.kind`; a worker's handler claims this kind.
    const KIND: &'static str;
    const MAX_ATTEMPTS: i32;
}

/// Deliver a recorded email.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SendEmail {
    pub email_id: Uuid,
}

impl Job for SendEmail {
    const KIND: &'static str = "send_email";
    const MAX_ATTEMPTS: i32 = 8;
}

/// Grade an answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EvaluateAnswer {
    pub answer_id: Uuid,
}

impl Job for EvaluateAnswer {
    const KIND: &'static str = "evaluate_answer";
    const MAX_ATTEMPTS: i32 = 4;
}

/// Turn a recorded answer into text, then queue its evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TranscribeAnswer {
    pub answer_id: Uuid,
}

impl Job for TranscribeAnswer {
    const KIND: &'static str = "transcribe_answer";
    const MAX_ATTEMPTS: i32 = 4;
}

/// What runs first for an answer: its evaluation, or speech-to-text and then the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerWork {
    Evaluate,
    Transcribe,
}

impl AnswerWork {
    pub async fn enqueue(self, db: &impl ConnectionTrait, answer_id: Uuid) -> Result<Uuid, DbErr> {
        match self {
            AnswerWork::Evaluate => enqueue(db, &EvaluateAnswer { answer_id }).await,
            AnswerWork::Transcribe => enqueue(db, &TranscribeAnswer { answer_id }).await,
        }
    }
}

/// A claimed job's payload as its type; a payload that does not parse can never succeed.
pub fn payload<J: Job>(job: &jobs::Model) -> Result<J, worker::JobError> {
    serde_json::from_value(job.payload.clone()).map_err(|e| {
        worker::JobError::Permanent(format!(
            "unreadable {} payload: {}",
            J::KIND,
            crate::error::json_error_kind(&e)
        ))
    })
}

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
pub async fn enqueue<J: Job>(db: &impl ConnectionTrait, job: &J) -> Result<Uuid, DbErr> {
    let payload = serde_json::to_value(job).map_err(|e| DbErr::Custom(e.to_string()))?;
    insert(db, J::KIND, payload, J::MAX_ATTEMPTS).await
}

async fn insert(
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
    .await?;
    Ok(())
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
    .await?;
    Ok(())
}

pub fn backoff_for(attempts: i32) -> chrono::Duration {
    use rand::Rng;
    let base = 2i64.saturating_pow(attempts.clamp(0, 12) as u32).min(3600);
    let jitter = rand::rng().random_range(0..=base.max(1) / 2);
    chrono::Duration::seconds(base + jitter)
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
mod typed_tests {
    use super::*;

    #[test]
    fn payloads_keep_their_stored_shape_and_bad_ones_fail_for_good() {
        let id = Uuid::now_v7();
        // The JSON shape of jobs already queued before typed jobs: it must still parse.
        let model = |payload: Value| jobs::Model {
            id: Uuid::now_v7(),
            kind: EvaluateAnswer::KIND.into(),
            payload,
            status: "running".into(),
            attempts: 1,
            max_attempts: 4,
            run_at: Utc::now(),
            locked_until: None,
            locked_by: None,
            last_error: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(
            serde_json::to_value(EvaluateAnswer { answer_id: id }).unwrap(),
            serde_json::json!({ "answer_id": id.to_string() })
        );
        let job = model(serde_json::json!({ "answer_id": id.to_string() }));
        assert_eq!(
            payload::<EvaluateAnswer>(&job).unwrap(),
            EvaluateAnswer { answer_id: id }
        );
        let bad = model(serde_json::json!({ "email_id": "not a uuid" }));
        assert!(matches!(
            payload::<EvaluateAnswer>(&bad),
            Err(worker::JobError::Permanent(e)) if !e.contains("not a uuid")
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_bounded() {
        assert!(super::backoff_for(1).num_seconds() >= 2);
        assert!(super::backoff_for(5).num_seconds() >= 32);
        assert!(super::backoff_for(50).num_seconds() <= 5400);
    }
}
