//! Prometheus metrics: requests per route, latency histograms, jobs, emails, evaluations, DB pool.
//! `GET /metrics` is protected by `METRICS_TOKEN` (required in production).
use std::{sync::LazyLock, time::Duration};

use actix_web::{
    Error, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::{error::ApiError, routing::resource, state::AppState};

pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

fn register<T: prometheus::core::Collector + Clone + 'static>(c: T) -> T {
    let _ = REGISTRY.register(Box::new(c.clone()));
    c
}

static HTTP_REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("metric"),
    )
});
static HTTP_LATENCY: LazyLock<HistogramVec> = LazyLock::new(|| {
    register(
        HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route", "method"],
        )
        .expect("metric"),
    )
});
static JOBS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new("jobs_total", "Jobs run by kind and outcome"),
            &["kind", "outcome"],
        )
        .expect("metric"),
    )
});
static JOB_LATENCY: LazyLock<HistogramVec> = LazyLock::new(|| {
    register(
        HistogramVec::new(
            HistogramOpts::new("job_duration_seconds", "Job run time by kind"),
            &["kind"],
        )
        .expect("metric"),
    )
});
static EMAILS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new("emails_total", "Emails by mailer and outcome"),
            &["mailer", "outcome"],
        )
        .expect("metric"),
    )
});
static EVAL_LATENCY: LazyLock<HistogramVec> = LazyLock::new(|| {
    register(
        HistogramVec::new(
            HistogramOpts::new(
                "evaluation_duration_seconds",
                "Evaluation latency by grader",
            )
            .buckets(vec![
                0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["grader"],
        )
        .expect("metric"),
    )
});
static QUEUE: LazyLock<IntGaugeVec> = LazyLock::new(|| {
    register(
        IntGaugeVec::new(Opts::new("job_queue_depth", "Jobs by status"), &["status"])
            .expect("metric"),
    )
});
static POOL_SIZE: LazyLock<IntGauge> = LazyLock::new(|| {
    register(IntGauge::new("db_pool_connections", "Open database connections").expect("metric"))
});
static POOL_IDLE: LazyLock<IntGauge> = LazyLock::new(|| {
    register(
        IntGauge::new("db_pool_idle_connections", "Idle database connections").expect("metric"),
    )
});

pub fn record_job(kind: &str, took: Duration, ok: bool) {
    JOBS.with_label_values(&[kind, if ok { "ok" } else { "error" }])
        .inc();
    JOB_LATENCY
        .with_label_values(&[kind])
        .observe(took.as_secs_f64());
}

pub fn record_email(mailer: &str, ok: bool) {
    EMAILS
        .with_label_values(&[mailer, if ok { "sent" } else { "failed" }])
        .inc();
}

pub fn record_evaluation(grader: &str, took: Duration) {
    EVAL_LATENCY
        .with_label_values(&[grader])
        .observe(took.as_secs_f64());
}

/// Counts every request by its route *pattern* (never the raw path, which would carry ids).
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = std::time::Instant::now();
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16().to_string();
    HTTP_REQUESTS
        .with_label_values(&[&route, &method, &status])
        .inc();
    HTTP_LATENCY
        .with_label_values(&[&route, &method])
        .observe(started.elapsed().as_secs_f64());
    Ok(res)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/metrics").get(metrics));
}

async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    match &state.settings.metrics_token {
        Some(token) => {
            let given = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            if given.map(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) != Some(true) {
                return Err(ApiError::Unauthorized("unauthenticated"));
            }
        }
        None if state.settings.is_production() => return Err(ApiError::NotFound),
        None => {}
    }
    if let Ok(stats) = crate::jobs::stats(&state.db).await {
        QUEUE.with_label_values(&["queued"]).set(stats.queued);
        QUEUE.with_label_values(&["running"]).set(stats.running);
        QUEUE.with_label_values(&["failed"]).set(stats.failed);
    }
    if let Some(pool) = pool_stats(&state.db) {
        POOL_SIZE.set(pool.0);
        POOL_IDLE.set(pool.1);
    }
    let mut buf = Vec::new();
    TextEncoder::new()
        .encode(&REGISTRY.gather(), &mut buf)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(buf))
}

fn pool_stats(db: &sea_orm::DatabaseConnection) -> Option<(i64, i64)> {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some((pool.size() as i64, pool.num_idle() as i64))
        }
        sea_orm::DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some((pool.size() as i64, pool.num_idle() as i64))
        }
        _ => None,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
