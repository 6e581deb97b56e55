//! The worker loop: claims jobs, runs the handler for their kind, and records the outcome.
use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::{JobSignal, claim, complete, fail, release};
use crate::entities::jobs;

/// How a job failed: retryable failures back off and run again; permanent ones stop at once.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    Retryable(String),
    #[error("{0}")]
    Permanent(String),
}

impl From<sea_orm::DbErr> for JobError {
    fn from(e: sea_orm::DbErr) -> Self {
        JobError::Retryable(format!("database: {e}"))
    }
}

#[async_trait]
pub trait JobHandler: Send + Sync {
    fn kind(&self) -> &'static str;
    async fn run(&self, job: &jobs::Model) -> Result<(), JobError>;
    /// Called once when the job has failed for good, so the owner can show the failure.
    async fn on_final_failure(
        &self,
        _job: &jobs::Model,
        _error: &str,
    ) -> Result<(), sea_orm::DbErr> {
        Ok(())
    }
}

#[derive(Clone)]
pub struct WorkerPool {
    db: DatabaseConnection,
    handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>>,
    signal: JobSignal,
    idle_poll: Duration,
}

impl WorkerPool {
    pub fn new(
        db: DatabaseConnection,
        signal: JobSignal,
        handlers: Vec<Arc<dyn JobHandler>>,
    ) -> Self {
        let handlers = handlers.into_iter().map(|h| (h.kind(), h)).collect();
        Self {
            db,
            handlers: Arc::new(handlers),
            signal,
            idle_poll: Duration::from_millis(1000),
        }
    }

    /// Starts `concurrency` workers that stop when `shutdown` turns true; a job in flight at shutdown
    /// is returned to the queue.
    pub fn spawn(
        &self,
        concurrency: usize,
        shutdown: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        (0..concurrency.max(1))
            .map(|i| {
                let me = self.clone();
                let shutdown = shutdown.clone();
                let id = format!("{}-{}-{i}", hostname(), std::process::id());
                tokio::spawn(async move { me.run(id, shutdown).await })
            })
            .collect()
    }

    async fn run(self, worker_id: String, mut shutdown: watch::Receiver<bool>) {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        loop {
            if *shutdown.borrow() {
                return;
            }
            match claim(&self.db, &worker_id, &kinds).await {
                Ok(Some(job)) => {
                    tokio::select! {
                        biased;
                        _ = shutdown.changed() => {
                            if let Err(e) = release(&self.db, job.id).await {
                                tracing::warn!(job_id = %job.id, error = %e, "could not release job at shutdown; its lease will expire");
                            }
                            return;
                        }
                        _ = self.execute(&job) => {}
                    }
                }
                Ok(None) => {
                    tokio::select! {
                        _ = shutdown.changed() => {}
                        _ = self.signal.notified() => {}
                        _ = tokio::time::sleep(self.idle_poll) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "job claim failed; backing off");
                    tokio::select! {
                        _ = shutdown.changed() => {}
                        _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    }
                }
            }
        }
    }

    /// Runs one claimed job to its recorded outcome.
    pub async fn execute(&self, job: &jobs::Model) {
        let Some(handler) = self.handlers.get(job.kind.as_str()) else {
            let _ = fail(&self.db, job, "no handler for this job kind").await;
            return;
        };
        let started = std::time::Instant::now();
        let result = handler.run(job).await;
        crate::ops::metrics::record_job(&job.kind, started.elapsed(), result.is_ok());
        // The outcome is recorded even across a database outage: retried while this worker still
        // holds the lease, so the job is back in the queue (or done) as soon as the database returns
        // instead of sitting `running` until the lease expires.
        let lease_ends = started + super::LEASE.saturating_sub(Duration::from_secs(10));
        match result {
            Ok(()) => {
                let done = persist(lease_ends, || complete(&self.db, job.id)).await;
                if let Err(e) = done {
                    tracing::warn!(job_id = %job.id, error = %e, "could not mark job done; it will run again after its lease");
                }
            }
            Err(err) => {
                let msg = err.to_string();
                let mut job_for_fail = job.clone();
                if matches!(err, JobError::Permanent(_)) {
                    job_for_fail.attempts = job_for_fail.max_attempts;
                }
                tracing::warn!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, error = %msg, "job failed");
                match persist(lease_ends, || fail(&self.db, &job_for_fail, &msg)).await {
                    Ok(true) => {
                        if let Err(e) = handler.on_final_failure(job, &msg).await {
                            tracing::warn!(job_id = %job.id, error = %e, "could not record final failure");
                        }
                    }
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(job_id = %job.id, error = %e, "could not record job failure")
                    }
                }
            }
        }
    }

    /// Runs every due job now, in this task (the CLI and tests use it).
    pub async fn drain(&self) -> Result<usize, sea_orm::DbErr> {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let mut n = 0;
        while let Some(job) = claim(&self.db, "drain", &kinds).await? {
            self.execute(&job).await;
            n += 1;
        }
        Ok(n)
    }
}

/// Runs `f` until it succeeds, retrying every second while the database is unreachable and the
/// deadline has not passed; any other error is returned at once.
async fn persist<T, F, Fut>(deadline: std::time::Instant, mut f: F) -> Result<T, sea_orm::DbErr>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, sea_orm::DbErr>>,
{
    loop {
        match f().await {
            Err(e)
                if crate::error::is_db_unavailable(&e) && std::time::Instant::now() < deadline =>
            {
                tracing::warn!(error = %e, "database unavailable; retrying the job outcome");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            other => return other,
        }
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into())
}
