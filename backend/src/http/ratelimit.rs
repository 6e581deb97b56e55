//! In-process rate limits (GCRA via `governor`), keyed by client address and by account.
//! State is per process: with N API replicas an attacker gets at most N× the configured budget; see
//! docs/decisions.md.
use std::{num::NonZeroU32, time::Duration};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
};

use crate::error::ApiError;

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

pub struct RateLimits {
    /// Per client address, shared by the auth endpoints (login, register, forgot, resend, refresh).
    auth_ip: Keyed,
    /// Per account (email) on login: slows password guessing against one account from many addresses.
    login_account: Keyed,
    /// Per account on emails we send (forgot-password, resend-verification): bounds email spend and
    /// keeps a victim able to reset even while their login is being attacked.
    email_account: Keyed,
    /// Per signed-in account on password re-checks (change password, delete account): a stolen
    /// access token must not allow online guessing of the password.
    password_recheck: Keyed,
    clock: DefaultClock,
}

impl RateLimits {
    pub fn new(auth_per_min: u32) -> Self {
        let per_min =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            auth_ip: RateLimiter::keyed(per_min(auth_per_min)),
            login_account: RateLimiter::keyed(per_min((auth_per_min / 2).max(5))),
            email_account: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(60))
                    .unwrap_or_else(|| per_min(1))
                    .allow_burst(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN)),
            ),
            password_recheck: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(60))
                    .unwrap_or_else(|| per_min(1))
                    .allow_burst(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN)),
            ),
            clock: DefaultClock::default(),
        }
    }

    fn check(&self, limiter: &Keyed, key: String) -> Result<(), ApiError> {
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    pub fn auth_ip(&self, ip_key: &str) -> Result<(), ApiError> {
        self.check(&self.auth_ip, ip_key.to_owned())
    }

    pub fn login_account(&self, email: &str) -> Result<(), ApiError> {
        self.check(&self.login_account, email.to_owned())
    }

    pub fn email_account(&self, email: &str) -> Result<(), ApiError> {
        self.check(&self.email_account, email.to_owned())
    }

    pub fn password_recheck(&self, user_id: uuid::Uuid) -> Result<(), ApiError> {
        self.check(&self.password_recheck, user_id.to_string())
    }

    /// Drops idle keys so memory stays bounded under address churn.
    pub fn housekeeping(&self) {
        self.auth_ip.retain_recent();
        self.login_account.retain_recent();
        self.email_account.retain_recent();
        self.password_recheck.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_key_and_reports_retry_after() {
        let l = RateLimits::new(3);
        for _ in 0..3 {
            l.auth_ip("1.1.1.1").unwrap();
        }
        match l.auth_ip("1.1.1.1") {
            Err(ApiError::RateLimited { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("expected rate limit, got {other:?}"),
        }
        // Another address is unaffected.
        l.auth_ip("2.2.2.2").unwrap();
    }
}
