//! Password rules (8–72 UTF-8 bytes, no composition rules, common passwords refused) and bcrypt on a
//! pool of its own, so hashing never stalls an async worker.
use std::sync::{Arc, Mutex, mpsc};

use once_cell::sync::Lazy;

use crate::error::ApiError;

type Job = Box<dyn FnOnce() + Send>;

/// bcrypt runs on its own pool: one thread per core, at the lowest CPU priority (`SCHED_IDLE` on
/// Linux). A burst of sign-ins then queues here instead of crowding out request handling (on the
/// shared blocking pool, 16 concurrent logins meant 16 runnable bcrypt threads against 2 cores and
/// `GET /me` p99 at 6×), yet uses every idle cycle, so login throughput stays at the
/// cores ÷ bcrypt-time bound.
struct HashPool {
    jobs: Mutex<mpsc::Sender<Job>>,
}

static POOL: Lazy<HashPool> = Lazy::new(HashPool::start);

impl HashPool {
    fn start() -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("bcrypt-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let next = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = next else { return };
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Self {
            jobs: Mutex::new(tx),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("password pool poisoned")))?
            .send(job)
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("password pool stopped")))?;
        result
            .await
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("password hashing failed")))
    }
}

/// `SCHED_IDLE` for the calling thread (Linux scheduling policies are per thread): any request handler
/// or database backend that wakes up preempts hashing at once. With only a lower nice value (10) the
/// scheduler let a hashing thread finish its time slice first, which showed as `GET /me` p99 of
/// 1.1–2.8× its unloaded value during sign-in bursts. Elsewhere: nice 10.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
            thread_native_id,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        match set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle) {
            Ok(()) => return,
            Err(e) => tracing::debug!(error = ?e, "SCHED_IDLE refused; lowering the nice value"),
        }
    }
    let below_normal = ThreadPriorityValue::try_from(22u8).map(ThreadPriority::Crossplatform);
    if let Ok(p) = below_normal
        && let Err(e) = set_current_thread_priority(p)
    {
        tracing::debug!(error = ?e, "could not lower the password hashing threads' priority");
    }
}

/// Most common passwords from public breach corpora, lower-cased; refused at sign-up and reset.
const COMMON: &str = include_str!("common_passwords.txt");

pub fn check_rules(field: &str, password: &str) -> Result<(), ApiError> {
    let len = password.len();
    if password.chars().count() < 8 {
        return Err(ApiError::validation(field, "must be at least 8 characters"));
    }
    if len > 72 {
        return Err(ApiError::validation(
            field,
            "must be at most 72 bytes (bcrypt's limit)",
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|c| c.trim() == lower) {
        return Err(ApiError::validation(
            field,
            "is too common; choose a longer passphrase that isn't on breached-password lists",
        ));
    }
    Ok(())
}

/// Hashes a password already checked to be at most 72 bytes. bcrypt keys on the password plus a NUL
/// terminator truncated to 72 bytes, so a 72-byte password loses only the terminator; the crate's
/// `non_truncating_*` functions count the terminator and would refuse it, hence the explicit bound here.
pub async fn hash(password: String, cost: u32) -> Result<String, ApiError> {
    if password.len() > 72 {
        return Err(ApiError::validation(
            "password",
            "must be at most 72 bytes (bcrypt's limit)",
        ));
    }
    POOL.run(move || bcrypt::hash(password, cost))
        .await?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("bcrypt: {e}")))
}

/// Verifies against `hash`, or against a dummy hash when there is no account, so unknown emails take
/// the same time as wrong passwords.
pub async fn verify(
    password: String,
    hash: Option<String>,
    dummy: String,
) -> Result<bool, ApiError> {
    let known = hash.is_some();
    let target = hash.unwrap_or(dummy);
    // Longer input can never match (we never hash it), but still costs one verification.
    let too_long = password.len() > 72;
    let ok = POOL
        .run(move || {
            let candidate = if too_long { "" } else { password.as_str() };
            bcrypt::verify(candidate, &target).unwrap_or(false) && !too_long
        })
        .await?;
    Ok(known && ok)
}

#[cfg(test)]
mod tests {
    use super::{POOL, check_rules, hash, verify};

    #[tokio::test]
    async fn hashing_runs_on_idle_priority_threads_and_round_trips() {
        let h = hash("correct horse battery".into(), 4).await.unwrap();
        assert!(
            verify("correct horse battery".into(), Some(h.clone()), h.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".into(), Some(h.clone()), h)
                .await
                .unwrap()
        );
        #[cfg(target_os = "linux")]
        {
            // Field 41 of /proc/thread-self/stat is the thread's scheduling policy (5 = SCHED_IDLE).
            let policy = || -> i32 {
                let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
                let after_name = &stat[stat.rfind(')').unwrap() + 2..];
                after_name.split(' ').nth(38).unwrap().parse().unwrap()
            };
            let (name, pool_policy) = POOL
                .run(move || (std::thread::current().name().map(str::to_owned), policy()))
                .await
                .unwrap();
            assert!(name.unwrap().starts_with("bcrypt-"));
            assert_eq!(policy(), 0, "request threads stay SCHED_OTHER");
            assert_eq!(pool_policy, 5, "hashing threads run SCHED_IDLE");
        }
    }

    #[test]
    fn password_rules() {
        assert!(check_rules("p", "abc1234").is_err(), "7 chars");
        assert!(check_rules("p", &"a".repeat(73)).is_err(), "73 bytes");
        assert!(
            check_rules("p", &"é".repeat(37)).is_err(),
            "74 bytes in 37 chars"
        );
        assert!(check_rules("p", "password123").is_err(), "common");
        assert!(check_rules("p", "Password123").is_err(), "common, any case");
        assert!(
            check_rules("p", &"correct horse battery staple ".repeat(3)[..64]).is_ok(),
            "64-char passphrase"
        );
        assert!(check_rules("p", "tangerine-orbit-42").is_ok());
        assert!(
            check_rules("p", &"b".repeat(72)).is_ok(),
            "72 bytes is the limit, inclusive"
        );
    }
}
