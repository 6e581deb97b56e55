//! Typed settings read from the environment (and an optional `.env`), validated once at start.
//! Every default runs offline with no keys; production refuses unsafe defaults.
use std::{net::IpAddr, path::PathBuf, time::Duration};

use rand::RngCore;
use url::Url;

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
    Test,
}

/// Settings for the OpenAI (or OpenAI-compatible) grader; absent means the offline grader.
#[derive(Clone)]
pub struct OpenAiSettings {
    pub api_key: String,
    pub base_url: String,
    pub model: String,
    /// Speech-to-text model for voice answers (`OPENAI_TRANSCRIBE_MODEL`; word timestamps need
    /// `whisper-1`'s `verbose_json`).
    pub transcribe_model: String,
    pub timeout: Duration,
    pub max_attempts: u32,
}

impl std::fmt::Debug for OpenAiSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiSettings")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct ResendSettings {
    pub api_key: String,
    pub base_url: Option<Url>,
}

impl std::fmt::Debug for ResendSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResendSettings")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Stripe API access; absent (no `STRIPE_SECRET_KEY`) means billing is switched off.
#[derive(Clone)]
pub struct StripeSettings {
    pub secret_key: String,
    /// `STRIPE_API_BASE`, for tests and proxies; Stripe's own when unset.
    pub api_base: Option<String>,
}

impl std::fmt::Debug for StripeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSettings")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// Plans, prices and Stripe configuration for the billing feature.
#[derive(Clone)]
pub struct BillingSettings {
    pub stripe: Option<StripeSettings>,
    /// `STRIPE_WEBHOOK_SECRET`, comma-separated so a secret can be rotated without downtime.
    pub webhook_secrets: Vec<String>,
    pub price_pro_monthly: Option<String>,
    pub price_pro_yearly: Option<String>,
    /// Display prices in minor units of `currency`.
    pub pro_monthly_amount: i64,
    pub pro_yearly_amount: i64,
    pub currency: String,
    /// Days a `past_due` subscription keeps Pro access.
    pub grace_days: u32,
}

impl std::fmt::Debug for BillingSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BillingSettings")
            .field("stripe", &self.stripe)
            .field("webhook_secrets", &self.webhook_secrets.len())
            .field("price_pro_monthly", &self.price_pro_monthly)
            .field("price_pro_yearly", &self.price_pro_yearly)
            .field("currency", &self.currency)
            .finish_non_exhaustive()
    }
}

fn billing_settings(lookup: &Lookup) -> Result<BillingSettings, ConfigError> {
    let api_base = get(lookup, "STRIPE_API_BASE")
        .map(|u| -> Result<String, ConfigError> {
            let parsed = Url::parse(&u).map_err(|e| bad("STRIPE_API_BASE", e.to_string()))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(bad("STRIPE_API_BASE", "must be an http(s) URL"));
            }
            Ok(u)
        })
        .transpose()?;
    let stripe = get(lookup, "STRIPE_SECRET_KEY").map(|secret_key| StripeSettings {
        secret_key,
        api_base,
    });
    let webhook_secrets: Vec<String> = get(lookup, "STRIPE_WEBHOOK_SECRET")
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let price_pro_monthly = get(lookup, "STRIPE_PRICE_PRO_MONTHLY");
    let price_pro_yearly = get(lookup, "STRIPE_PRICE_PRO_YEARLY");
    if stripe.is_some() {
        if price_pro_monthly.is_none() {
            return Err(bad(
                "STRIPE_PRICE_PRO_MONTHLY",
                "required when STRIPE_SECRET_KEY is set (a Stripe price id, price_…)",
            ));
        }
        if price_pro_yearly.is_none() {
            return Err(bad(
                "STRIPE_PRICE_PRO_YEARLY",
                "required when STRIPE_SECRET_KEY is set (a Stripe price id, price_…)",
            ));
        }
        if webhook_secrets.is_empty() {
            return Err(bad(
                "STRIPE_WEBHOOK_SECRET",
                "required when STRIPE_SECRET_KEY is set: plans change only through webhooks",
            ));
        }
    }
    let currency = get(lookup, "BILLING_CURRENCY")
        .unwrap_or_else(|| "gbp".into())
        .to_ascii_lowercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(bad(
            "BILLING_CURRENCY",
            format!("expected an ISO 4217 code such as gbp, got {currency:?}"),
        ));
    }
    let amount = |var: &'static str, default: i64| -> Result<i64, ConfigError> {
        let v = parse_num(lookup, var, default)?;
        if v < 0 {
            return Err(bad(
                var,
                "must not be negative (minor units, e.g. 1200 = 12.00)",
            ));
        }
        Ok(v)
    };
    let grace_days = parse_num(lookup, "BILLING_GRACE_DAYS", 7u32)?;
    if grace_days > 60 {
        return Err(bad("BILLING_GRACE_DAYS", "must be at most 60"));
    }
    Ok(BillingSettings {
        stripe,
        webhook_secrets,
        price_pro_monthly,
        price_pro_yearly,
        pro_monthly_amount: amount("PRO_MONTHLY_AMOUNT", 1200)?,
        pro_yearly_amount: amount("PRO_YEARLY_AMOUNT", 12000)?,
        currency,
        grace_days,
    })
}

#[derive(Clone)]
pub struct Settings {
    pub app_env: AppEnv,
    pub bind_addr: String,
    pub database_url: String,
    pub app_base_url: Url,
    pub data_dir: PathBuf,
    pub jwt_secret: Vec<u8>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Absolute lifetime of a device session: refreshing never extends it past this (ASVS 7.3.2).
    pub session_max_age: Duration,
    pub bcrypt_cost: u32,
    pub email_outbox_dir: PathBuf,
    /// Where voice recordings are stored (`AUDIO_STORAGE_DIR`, default `data/audio`).
    pub audio_storage_dir: PathBuf,
    /// Recordings older than this are deleted (transcripts stay); 0 keeps them until the answer or
    /// account is deleted.
    pub audio_retention_days: u32,
    pub email_from: String,
    pub resend: Option<ResendSettings>,
    pub openai: Option<OpenAiSettings>,
    pub rate_limit_auth_per_min: u32,
    pub cors_origins: Vec<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub frontend_dist_dir: PathBuf,
    pub workers_enabled: bool,
    /// Use the OpenAI grader for every plan (default: Pro only).
    pub openai_for_all_plans: bool,
    pub free_monthly_answers: u32,
    /// Days between account deletion and the purge of its personal data (1–30).
    pub deletion_grace_days: u32,
    pub db_acquire_timeout: Duration,
    pub db_max_connections: u32,
    pub json_log: bool,
    pub metrics_token: Option<String>,
    pub billing: BillingSettings,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets are deliberately left out.
        f.debug_struct("Settings")
            .field("app_env", &self.app_env)
            .field("bind_addr", &self.bind_addr)
            .field("app_base_url", &self.app_base_url.as_str())
            .field("resend", &self.resend)
            .field("openai", &self.openai)
            .field("billing", &self.billing)
            .finish_non_exhaustive()
    }
}

/// Reads one variable; empty counts as unset.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

fn get(lookup: &Lookup, var: &str) -> Option<String> {
    lookup(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn parse_num<T: std::str::FromStr>(
    lookup: &Lookup,
    var: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match get(lookup, var) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| bad(var, format!("expected a number, got {v:?}"))),
    }
}

fn parse_bool(lookup: &Lookup, var: &'static str, default: bool) -> Result<bool, ConfigError> {
    match get(lookup, var).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(v) => Err(bad(var, format!("expected true or false, got {v:?}"))),
    }
}

impl Settings {
    /// Reads the process environment (after loading `.env` if present).
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(&|k| std::env::var(k).ok())
    }

    pub fn from_lookup(lookup: &Lookup) -> Result<Self, ConfigError> {
        let app_env = match get(lookup, "APP_ENV").as_deref() {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some("test") => AppEnv::Test,
            Some(v) => {
                return Err(bad(
                    "APP_ENV",
                    format!("expected development, production or test, got {v:?}"),
                ));
            }
        };
        let production = app_env == AppEnv::Production;
        let data_dir = PathBuf::from(get(lookup, "DATA_DIR").unwrap_or_else(|| "data".into()));

        let bind_addr = get(lookup, "BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        if bind_addr.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad(
                "BIND_ADDR",
                format!("expected host:port such as 127.0.0.1:8080, got {bind_addr:?}"),
            ));
        }
        let database_url = get(lookup, "DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/interviewos.db?mode=rwc", data_dir.display()));
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(bad(
                "DATABASE_URL",
                "expected a sqlite:// or postgres:// URL",
            ));
        }
        let app_base_url_raw =
            get(lookup, "APP_BASE_URL").unwrap_or_else(|| "http://localhost:8080".into());
        let app_base_url = Url::parse(&app_base_url_raw)
            .map_err(|e| bad("APP_BASE_URL", format!("not a URL: {e}")))?;
        if !matches!(app_base_url.scheme(), "http" | "https") {
            return Err(bad("APP_BASE_URL", "must be an http(s) URL"));
        }
        // Over http the refresh cookie loses `Secure` and HSTS is off: production needs https
        // (loopback stays allowed for a local trial of a production build).
        let loopback = match app_base_url.host() {
            Some(url::Host::Domain(d)) => d == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if production && app_base_url.scheme() != "https" && !loopback {
            return Err(bad(
                "APP_BASE_URL",
                "must be an https URL when APP_ENV=production (http only for localhost)",
            ));
        }

        let jwt_secret = match get(lookup, "JWT_SECRET") {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(_) => return Err(bad("JWT_SECRET", "must be at least 32 bytes")),
            None if production => {
                return Err(bad(
                    "JWT_SECRET",
                    "required when APP_ENV=production (at least 32 random bytes)",
                ));
            }
            None if app_env == AppEnv::Test => {
                let mut b = vec![0u8; 32];
                rand::rng().fill_bytes(&mut b);
                b
            }
            None => dev_jwt_secret(&data_dir)?,
        };

        let bcrypt_cost = parse_num(lookup, "BCRYPT_COST", 12u32)?;
        if !(4..=31).contains(&bcrypt_cost) || (production && bcrypt_cost < 12) {
            return Err(bad(
                "BCRYPT_COST",
                "must be 4–31, and at least 12 in production",
            ));
        }

        let resend = get(lookup, "RESEND_API_KEY")
            .map(|api_key| -> Result<_, ConfigError> {
                let base_url = get(lookup, "RESEND_BASE_URL")
                    .map(|u| Url::parse(&u).map_err(|e| bad("RESEND_BASE_URL", e.to_string())))
                    .transpose()?;
                Ok(ResendSettings { api_key, base_url })
            })
            .transpose()?;
        let email_from = get(lookup, "EMAIL_FROM")
            .unwrap_or_else(|| "InterviewOS <no-reply@interviewos.local>".into());
        if resend.is_some() && production && email_from.contains(".local") {
            return Err(bad(
                "EMAIL_FROM",
                "set a sender on your verified Resend domain",
            ));
        }

        let openai = get(lookup, "OPENAI_API_KEY")
            .map(|api_key| -> Result<_, ConfigError> {
                let base_url = get(lookup, "OPENAI_BASE_URL")
                    .unwrap_or_else(|| "https://api.openai.com/v1".into());
                Url::parse(&base_url).map_err(|e| bad("OPENAI_BASE_URL", e.to_string()))?;
                Ok(OpenAiSettings {
                    api_key,
                    base_url,
                    model: get(lookup, "OPENAI_MODEL").unwrap_or_else(|| "gpt-4o-mini".into()),
                    transcribe_model: get(lookup, "OPENAI_TRANSCRIBE_MODEL")
                        .unwrap_or_else(|| "whisper-1".into()),
                    timeout: Duration::from_secs(parse_num(lookup, "OPENAI_TIMEOUT_SECS", 30u64)?),
                    max_attempts: parse_num(lookup, "OPENAI_MAX_ATTEMPTS", 3u32)?.clamp(1, 10),
                })
            })
            .transpose()?;

        let rate_limit_auth_per_min = parse_num(lookup, "RATE_LIMIT_AUTH_PER_MIN", 20u32)?;
        if rate_limit_auth_per_min == 0 {
            return Err(bad("RATE_LIMIT_AUTH_PER_MIN", "must be at least 1"));
        }
        let cors_origins = get(lookup, "CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().trim_end_matches('/').to_owned())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for o in &cors_origins {
            let u =
                Url::parse(o).map_err(|_| bad("CORS_ORIGINS", format!("not an origin: {o}")))?;
            if o == "null" || u.host().is_none() {
                return Err(bad("CORS_ORIGINS", format!("not an origin: {o}")));
            }
        }
        let trusted_proxies = get(lookup, "TRUSTED_PROXIES")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<IpAddr>()
                            .map_err(|_| bad("TRUSTED_PROXIES", format!("not an IP address: {s}")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();

        Ok(Settings {
            app_env,
            bind_addr,
            database_url,
            app_base_url,
            jwt_secret,
            access_token_ttl: Duration::from_secs(parse_num(
                lookup,
                "ACCESS_TOKEN_TTL_SECS",
                900u64,
            )?),
            refresh_token_ttl: Duration::from_secs(
                parse_num(lookup, "REFRESH_TOKEN_TTL_DAYS", 30u64)? * 86_400,
            ),
            session_max_age: Duration::from_secs(
                match parse_num(lookup, "SESSION_MAX_AGE_DAYS", 90u64)? {
                    d @ 1..=365 => d * 86_400,
                    _ => return Err(bad("SESSION_MAX_AGE_DAYS", "must be 1–365")),
                },
            ),
            bcrypt_cost,
            email_outbox_dir: get(lookup, "EMAIL_OUTBOX_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("outbox")),
            audio_storage_dir: get(lookup, "AUDIO_STORAGE_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("audio")),
            audio_retention_days: {
                let d = parse_num(lookup, "AUDIO_RETENTION_DAYS", 180u32)?;
                if d > 3650 {
                    return Err(bad(
                        "AUDIO_RETENTION_DAYS",
                        "must be at most 3650 (0 keeps recordings until deleted)",
                    ));
                }
                d
            },
            email_from,
            resend,
            openai,
            rate_limit_auth_per_min,
            cors_origins,
            trusted_proxies,
            frontend_dist_dir: PathBuf::from(
                get(lookup, "FRONTEND_DIST_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            workers_enabled: parse_bool(lookup, "WORKERS_ENABLED", true)?,
            openai_for_all_plans: parse_bool(lookup, "OPENAI_FOR_ALL_PLANS", false)?,
            free_monthly_answers: parse_num(lookup, "FREE_MONTHLY_ANSWERS", 25u32)?,
            deletion_grace_days: {
                let d = parse_num(lookup, "DELETION_GRACE_DAYS", 7u32)?;
                if !(1..=30).contains(&d) {
                    return Err(bad(
                        "DELETION_GRACE_DAYS",
                        "must be between 1 and 30 (erasure within 30 days)",
                    ));
                }
                d
            },
            db_acquire_timeout: Duration::from_millis(parse_num(
                lookup,
                "DB_ACQUIRE_TIMEOUT_MS",
                3000u64,
            )?),
            db_max_connections: parse_num(lookup, "DB_MAX_CONNECTIONS", 20u32)?.max(1),
            json_log: parse_bool(lookup, "LOG_JSON", production)?,
            metrics_token: get(lookup, "METRICS_TOKEN"),
            billing: billing_settings(lookup)?,
            data_dir,
        })
    }

    pub fn is_production(&self) -> bool {
        self.app_env == AppEnv::Production
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Builds a link into the SPA from the configured base URL, never from request headers.
    /// When a device session that started at `started` ends, however often it is refreshed.
    pub fn session_ends_at(
        &self,
        started: chrono::DateTime<chrono::Utc>,
    ) -> chrono::DateTime<chrono::Utc> {
        started
            + chrono::Duration::from_std(self.session_max_age).unwrap_or(chrono::Duration::days(90))
    }

    pub fn app_link(&self, path_and_fragment: &str) -> String {
        format!(
            "{}{}",
            self.app_base_url.as_str().trim_end_matches('/'),
            path_and_fragment
        )
    }

    /// Cookies are `Secure` whenever the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.app_base_url.scheme() == "https"
    }
}

/// Development only: a JWT secret generated once and kept under the data dir, so restarts keep sessions.
fn dev_jwt_secret(data_dir: &std::path::Path) -> Result<Vec<u8>, ConfigError> {
    let path = data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(data_dir).map_err(|e| {
        bad(
            "DATA_DIR",
            format!("cannot create {}: {e}", data_dir.display()),
        )
    })?;
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    let secret = hex::encode(b);
    write_private(&path, &secret)
        .map_err(|e| bad("DATA_DIR", format!("cannot write {}: {e}", path.display())))?;
    Ok(secret.into_bytes())
}

fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(content.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(&|k| map.get(k).cloned())
    }

    #[test]
    fn production_requires_a_long_jwt_secret() {
        let err = settings(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(err.var, "JWT_SECRET");
        let err = settings(&[("APP_ENV", "production"), ("JWT_SECRET", "short")]).unwrap_err();
        assert_eq!(err.var, "JWT_SECRET");
        let ok = settings(&[("APP_ENV", "production"), ("JWT_SECRET", &"x".repeat(32))]).unwrap();
        assert!(ok.is_production());
    }

    #[test]
    fn production_needs_an_https_base_url_except_on_loopback() {
        let secret = "x".repeat(32);
        let prod = |url: &str| {
            settings(&[
                ("APP_ENV", "production"),
                ("JWT_SECRET", &secret),
                ("APP_BASE_URL", url),
            ])
        };
        let err = prod("http://interviewos.example.com").unwrap_err();
        assert_eq!(err.var, "APP_BASE_URL");
        assert!(prod("https://interviewos.example.com").is_ok());
        for local in [
            "http://localhost:8080",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert!(prod(local).is_ok(), "{local}");
        }
        // Development keeps plain http.
        assert!(
            settings(&[
                ("APP_ENV", "test"),
                ("APP_BASE_URL", "http://dev.example.com")
            ])
            .is_ok()
        );
    }

    #[test]
    fn session_max_age_defaults_to_90_days_and_is_bounded() {
        let s = settings(&[("APP_ENV", "test")]).unwrap();
        assert_eq!(s.session_max_age, Duration::from_secs(90 * 86_400));
        for bad in ["0", "366", "forever"] {
            let err = settings(&[("APP_ENV", "test"), ("SESSION_MAX_AGE_DAYS", bad)]).unwrap_err();
            assert_eq!(err.var, "SESSION_MAX_AGE_DAYS");
        }
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(
            settings(&[("APP_ENV", "test"), ("BIND_ADDR", "nope")])
                .unwrap_err()
                .var,
            "BIND_ADDR"
        );
        assert_eq!(
            settings(&[("APP_ENV", "test"), ("RATE_LIMIT_AUTH_PER_MIN", "many")])
                .unwrap_err()
                .var,
            "RATE_LIMIT_AUTH_PER_MIN"
        );
        assert_eq!(
            settings(&[("APP_ENV", "test"), ("CORS_ORIGINS", "null")])
                .unwrap_err()
                .var,
            "CORS_ORIGINS"
        );
        assert_eq!(
            settings(&[("APP_ENV", "test"), ("DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .var,
            "DATABASE_URL"
        );
        assert_eq!(
            settings(&[
                ("APP_ENV", "production"),
                ("JWT_SECRET", &"x".repeat(32)),
                ("BCRYPT_COST", "4")
            ])
            .unwrap_err()
            .var,
            "BCRYPT_COST"
        );
    }

    #[test]
    fn defaults_run_offline() {
        let s = settings(&[("APP_ENV", "test")]).unwrap();
        assert_eq!(s.bind_addr, "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://data/interviewos.db?mode=rwc");
        assert_eq!(s.app_base_url.as_str(), "http://localhost:8080/");
        assert_eq!(s.rate_limit_auth_per_min, 20);
        assert!(s.resend.is_none() && s.openai.is_none());
        assert_eq!(s.email_outbox_dir, PathBuf::from("data/outbox"));
        assert_eq!(
            s.app_link("/verify-email#token=abc"),
            "http://localhost:8080/verify-email#token=abc"
        );
    }

    #[test]
    fn billing_is_off_without_a_key_and_complete_with_one() {
        let s = settings(&[("APP_ENV", "test")]).unwrap();
        assert!(s.billing.stripe.is_none());
        assert_eq!(s.billing.currency, "gbp");
        assert_eq!(
            (s.billing.pro_monthly_amount, s.billing.pro_yearly_amount),
            (1200, 12000)
        );
        assert_eq!(s.billing.grace_days, 7);
        let err = settings(&[("APP_ENV", "test"), ("STRIPE_SECRET_KEY", "sk_test_x")]).unwrap_err();
        assert_eq!(err.var, "STRIPE_PRICE_PRO_MONTHLY");
        let full = [
            ("APP_ENV", "test"),
            ("STRIPE_SECRET_KEY", "sk_test_x"),
            ("STRIPE_PRICE_PRO_MONTHLY", "price_m"),
            ("STRIPE_PRICE_PRO_YEARLY", "price_y"),
        ];
        assert_eq!(settings(&full).unwrap_err().var, "STRIPE_WEBHOOK_SECRET");
        let mut vars = full.to_vec();
        vars.push(("STRIPE_WEBHOOK_SECRET", "whsec_new, whsec_old"));
        vars.push(("BILLING_CURRENCY", "EUR"));
        let s = settings(&vars).unwrap();
        assert_eq!(s.billing.webhook_secrets, vec!["whsec_new", "whsec_old"]);
        assert_eq!(s.billing.currency, "eur");
        assert!(!format!("{s:?}").contains("sk_test_x"));
        assert!(!format!("{s:?}").contains("whsec_"));
        for (var, value) in [
            ("BILLING_CURRENCY", "pounds"),
            ("PRO_MONTHLY_AMOUNT", "-1"),
            ("STRIPE_API_BASE", "ftp://x"),
            ("BILLING_GRACE_DAYS", "365"),
        ] {
            assert_eq!(
                settings(&[("APP_ENV", "test"), (var, value)])
                    .unwrap_err()
                    .var,
                var
            );
        }
    }

    #[test]
    fn dev_secret_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let a = settings(&[("DATA_DIR", d)]).unwrap();
        let b = settings(&[("DATA_DIR", d)]).unwrap();
        assert_eq!(a.jwt_secret, b.jwt_secret);
        assert!(a.jwt_secret.len() >= 32);
    }
}
