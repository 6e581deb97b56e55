//! InterviewOS: the API server as a library. `Application::build` is the one place the app is
//! assembled; `main` and the tests both use it.
pub mod accounts;
pub mod audit;
pub mod billing;
pub mod catalog;
pub mod config;
pub mod db;
pub mod email;
pub mod entities;
pub mod error;
pub mod evaluation;
pub mod http;
pub mod interviews;
pub mod jobs;
pub mod live;
pub mod openapi;
pub mod ops;
pub mod plans;
pub mod privacy;
pub mod progress;
pub mod routing;
pub mod state;
pub mod telemetry;
pub mod voice;

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_web::{App, HttpResponse, HttpServer, dev::Server, middleware::from_fn, web};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tracing_actix_web::TracingLogger;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    accounts::tokens::TokenService,
    config::Settings,
    email::{Mailer, OutboxMailer, ResendMailer, SendEmailJob},
    http::ratelimit::RateLimits,
    jobs::{
        JobSignal,
        worker::{JobHandler, WorkerPool},
    },
    live::LiveEvents,
    state::AppState,
};

/// Loads the embedded question library into the database (idempotent; cheap when unchanged).
pub async fn seed_library(db: &DatabaseConnection) -> anyhow::Result<catalog::seed::SyncReport> {
    let lib =
        catalog::seed::Library::embedded().map_err(|e| anyhow::anyhow!("question library: {e}"))?;
    let report = catalog::seed::sync(db, &lib).await?;
    if report != catalog::seed::SyncReport::default() {
        tracing::info!(?report, "question library synchronised");
    }
    Ok(report)
}

/// Installs the process-wide rustls crypto provider (two get compiled in; pick one explicitly).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// Builds the shared state for a connected, migrated database.
pub async fn build_state(settings: Settings, db: DatabaseConnection) -> anyhow::Result<AppState> {
    let cost = settings.bcrypt_cost;
    let dummy_hash = tokio::task::spawn_blocking(move || {
        use rand::RngCore;
        let mut pw = [0u8; 24];
        rand::rng().fill_bytes(&mut pw);
        bcrypt::non_truncating_hash(hex::encode(pw), cost)
    })
    .await??;
    Ok(AppState {
        tokens: TokenService::new(&settings.jwt_secret, settings.access_token_ttl),
        limits: Arc::new(RateLimits::new(settings.rate_limit_auth_per_min)),
        jobs: JobSignal::default(),
        dummy_hash: Arc::new(dummy_hash),
        live: LiveEvents::default(),
        audio: voice::storage::AudioStore::new(settings.audio_storage_dir.clone()),
        settings: Arc::new(settings),
        db,
    })
}

pub fn mailer(settings: &Settings) -> Arc<dyn Mailer> {
    match &settings.resend {
        Some(resend) => Arc::new(ResendMailer::new(resend)),
        None => Arc::new(OutboxMailer::new(settings.email_outbox_dir.clone())),
    }
}

/// Every job handler, wired to its dependencies.
pub fn job_handlers(state: &AppState) -> Vec<Arc<dyn JobHandler>> {
    vec![
        Arc::new(SendEmailJob {
            db: state.db.clone(),
            mailer: mailer(&state.settings),
            settings: state.settings.clone(),
        }),
        Arc::new(evaluation::job::EvaluateAnswerJob {
            db: state.db.clone(),
            offline: Arc::new(evaluation::OfflineGrader),
            openai: state.settings.openai.as_ref().map(|o| {
                Arc::new(evaluation::openai::OpenAiGrader::new(o)) as Arc<dyn evaluation::Grader>
            }),
            openai_for_all_plans: state.settings.openai_for_all_plans,
            live: state.live.clone(),
        }),
        Arc::new(voice::job::TranscribeAnswerJob {
            db: state.db.clone(),
            transcriber: state.settings.openai.as_ref().map(|o| {
                Arc::new(voice::transcribe::OpenAiTranscriber::new(o))
                    as Arc<dyn voice::transcribe::Transcriber>
            }),
            store: state.audio.clone(),
            live: state.live.clone(),
            signal: state.jobs.clone(),
        }),
    ]
}

/// The grader `interviewos eval` measures: OpenAI (or a compatible server) when configured, else the
/// offline rubric grader.
pub fn evaluation_grader(settings: &Settings) -> Arc<dyn evaluation::Grader> {
    match &settings.openai {
        Some(o) => Arc::new(evaluation::openai::OpenAiGrader::new(o)),
        None => Arc::new(evaluation::OfflineGrader),
    }
}

pub fn worker_pool(state: &AppState) -> WorkerPool {
    WorkerPool::new(state.db.clone(), state.jobs.clone(), job_handlers(state))
}

/// Registers every route. Unknown paths get a 404 problem (or the SPA, for browser routes).
pub fn configure_routes(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.configure(ops::health::configure)
        .configure(ops::metrics::configure)
        .configure(accounts::routes::configure)
        .configure(catalog::routes::configure)
        .configure(interviews::routes::configure)
        .configure(voice::routes::configure)
        .configure(evaluation::routes::configure)
        .configure(billing::routes::configure)
        .configure(progress::routes::configure)
        .configure(privacy::routes::configure)
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi::spec()))
        .service(web::redirect("/docs", "/docs/"));
    let dist = settings.frontend_dist_dir.clone();
    if dist.join("index.html").is_file() {
        let index = dist.join("index.html");
        cfg.service(
            actix_files::Files::new("/", dist)
                .index_file("index.html")
                .prefer_utf8(true)
                .default_handler(web::to(move |req: actix_web::HttpRequest| {
                    let index = index.clone();
                    async move { spa_fallback(req, index).await }
                })),
        );
    } else {
        cfg.default_service(web::to(routing::not_found));
    }
}

/// Browser routes (`/dashboard`, `/practice/…`) get the SPA's index.html; API paths get a 404 problem.
async fn spa_fallback(
    req: actix_web::HttpRequest,
    index: std::path::PathBuf,
) -> actix_web::Result<HttpResponse> {
    let path = req.path();
    let is_api = path.starts_with("/api/") || path.starts_with("/health") || path == "/metrics";
    if is_api || req.method() != actix_web::http::Method::GET {
        return Err(error::ApiError::NotFound.into());
    }
    let html = tokio::fs::read(index)
        .await
        .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-cache"))
        .body(html))
}

pub struct Application {
    server: Server,
    port: u16,
    state: web::Data<AppState>,
    shutdown: watch::Sender<bool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Connects, migrates, and binds; workers start when `WORKERS_ENABLED` (the default).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        seed_library(&db).await?;
        Self::build_with_db(settings, db).await
    }

    pub async fn build_with_db(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind_addr)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
        let workers_enabled = settings.workers_enabled;
        let state = web::Data::new(build_state(settings, db).await?);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let workers = if workers_enabled {
            warm_up_grader();
            worker_pool(&state).spawn(2, shutdown_rx.clone())
        } else {
            Vec::new()
        };
        spawn_housekeeping(state.clone(), workers_enabled, shutdown_rx);
        let server = Self::server(state.clone(), listener)?;
        Ok(Self {
            server,
            port,
            state,
            shutdown,
            workers,
        })
    }

    fn server(state: web::Data<AppState>, listener: TcpListener) -> anyhow::Result<Server> {
        let server = HttpServer::new(move || {
            let settings = state.settings.clone();
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(http::json::JSON_LIMIT))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .wrap(http::headers::cors(&settings))
                .wrap(from_fn(ops::metrics::track))
                .wrap(from_fn(http::headers::security_headers))
                .wrap(TracingLogger::default())
                .configure(|cfg| configure_routes(cfg, &settings))
        })
        .listen(listener)?
        // SIGTERM: stop accepting, give in-flight requests time to finish. The signals are handled in
        // `run_until_stopped`, which first ends the open event streams.
        .shutdown_timeout(30)
        .disable_signals()
        .run();
        Ok(server)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// A handle that stops the server gracefully (tests use it; SIGTERM does the same).
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (or a stop through the handle), then lets workers put back what
    /// they hold. On a signal: stop accepting, end open event streams (they would otherwise hold the
    /// shutdown for the whole timeout), and let in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let live = self.state.live.clone();
        let on_signal = tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing in-flight requests, ending event streams");
            live.close();
            handle.stop(true).await;
        });
        let result = self.server.await;
        on_signal.abort();
        let _ = self.shutdown.send(true);
        for w in self.workers {
            let _ = tokio::time::timeout(Duration::from_secs(10), w).await;
        }
        result
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// The first grade in a process compiles the grader's regexes (~100 ms); do it off the request path.
fn warm_up_grader() {
    tokio::task::spawn_blocking(|| {
        let rubric = std::collections::BTreeMap::new();
        let _ = interviewos_grader::RubricGrader.grade(&interviewos_grader::GradingInput {
            category: interviewos_grader::Category::Behavioral,
            prompt: "Tell me about a time you led a project.",
            key_points: &[],
            misconceptions: &[],
            rubric: &rubric,
            time_limit_seconds: Some(120),
            model_answer: "",
            follow_up: None,
            expected_figures: &[],
            answer: "I led a migration and we cut costs by 20%.",
            duration_seconds: Some(60),
        });
    });
}

/// Periodic chores: rate-limiter memory, and (where workers run) the hourly purge of deleted accounts.
fn spawn_housekeeping(
    state: web::Data<AppState>,
    workers: bool,
    mut shutdown: watch::Receiver<bool>,
) {
    tokio::spawn(async move {
        let mut minutes = 0u64;
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            }
            state.limits.housekeeping();
            minutes += 1;
            if workers && minutes % 60 == 1 {
                run_purge(&state.db, &state.settings).await;
            }
        }
    });
}

pub async fn run_purge(db: &DatabaseConnection, settings: &Settings) {
    match privacy::purge::purge_due(db, settings, chrono::Utc::now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(accounts = n, "purged deleted accounts"),
        Err(e) => tracing::warn!(error = %e, "account purge failed; will retry"),
    }
    match privacy::purge::expire_recordings(db, settings, chrono::Utc::now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(recordings = n, "deleted recordings past their retention"),
        Err(e) => tracing::warn!(error = %e, "recording retention sweep failed; will retry"),
    }
}
