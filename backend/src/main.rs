//! The `interviewos` command: serve (default), worker, migrate, create-admin, export-openapi, healthcheck.
use std::io::Read;

use anyhow::Context;
use clap::{Parser, Subcommand};
use interviewos::{Application, config::Settings, db, install_crypto_provider, openapi, telemetry};

// Requests allocate many small short-lived objects (rows, JSON values, response buffers); mimalloc
// serves them with far less contention and fragmentation than glibc malloc (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "interviewos",
    version,
    about = "InterviewOS — AI interview practice API server"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run pending migrations, then serve the API (and the SPA from FRONTEND_DIST_DIR). The default.
    Serve,
    /// Run background workers only (evaluations, emails, purges), no HTTP server.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator (or promote an existing account); the password is read from stdin.
    CreateAdmin {
        #[arg(long)]
        email: String,
    },
    /// Print the OpenAPI document as YAML.
    ExportOpenapi,
    /// Write answers and evaluations as JSON lines for improving the grader (opted-out users excluded).
    ExportTrainingData {
        /// Output file (default: stdout).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Load the embedded question library into the database (also done by `serve`).
    Seed,
    /// Erase the personal data of accounts deleted more than DELETION_GRACE_DAYS ago (idempotent; the
    /// worker also runs it hourly).
    Purge,
    /// Give an account a plan without Stripe (self-hosting, support); `--plan free` removes the grant.
    GrantPlan {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["pro", "free"])]
        plan: String,
        /// Last day of access (2026-12-31, inclusive) or an RFC 3339 time; omit for no end.
        #[arg(long)]
        until: Option<String>,
    },
    /// Exit 0 when GET /health/live on BIND_ADDR answers 200 (for container health checks).
    Healthcheck,
    /// Measure grading accuracy on the labelled answer pairs (`make eval`): the offline grader, or
    /// the OpenAI-compatible server configured by OPENAI_API_KEY/OPENAI_BASE_URL/OPENAI_MODEL.
    Eval {
        /// Folder holding `pairs/` (tuning) and `holdout/` (held out).
        #[arg(long, default_value = "grader/eval")]
        dir: std::path::PathBuf,
        /// Print every grade of the tuning pairs of this question instead of the report.
        #[arg(long)]
        explain: Option<String>,
    },
    /// Check a library folder on disk without rebuilding: structure, misconception detection (each
    /// claim detected, no model answer asserting one), false alarms on the tuning pairs' better
    /// answers, and how many confidently wrong tuning answers are caught. Exit 1 on problems.
    CheckLibrary {
        #[arg(long, default_value = "backend/seed")]
        seed: std::path::PathBuf,
        #[arg(long, default_value = "grader/eval")]
        pairs: std::path::PathBuf,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    install_crypto_provider();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::ExportOpenapi = command {
        print!("{}", openapi::yaml());
        return Ok(());
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    telemetry::init(settings.json_log);
    match command {
        Command::ExportOpenapi => unreachable!("handled above"),
        Command::Serve => {
            let app = Application::build(settings.clone()).await?;
            tracing::info!(addr = %settings.bind_addr, port = app.port(), env = ?settings.app_env, "serving InterviewOS");
            app.run_until_stopped().await?;
        }
        Command::Worker => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let state = interviewos::build_state(settings, db).await?;
            let (tx, rx) = tokio::sync::watch::channel(false);
            let handles = interviewos::worker_pool(&state).spawn(4, rx);
            let (db, purge_settings) = (state.db.clone(), state.settings.clone());
            tokio::spawn(async move {
                loop {
                    interviewos::run_purge(&db, &purge_settings).await;
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
            });
            tracing::info!("worker started");
            interviewos::shutdown_signal().await;
            tracing::info!("worker stopping; returning claimed jobs");
            let _ = tx.send(true);
            for h in handles {
                let _ = h.await;
            }
        }
        Command::Migrate => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            println!("migrations applied");
        }
        Command::CreateAdmin { email } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let state = interviewos::build_state(settings, db).await?;
            let id = interviewos::accounts::service::create_admin(&state, &email, password).await?;
            println!("administrator ready: {id}");
        }
        Command::ExportTrainingData { out } => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let n = match out {
                Some(path) => {
                    let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
                    interviewos::evaluation::training::export(&db, &mut f).await?
                }
                None => {
                    interviewos::evaluation::training::export(&db, &mut std::io::stdout().lock())
                        .await?
                }
            };
            eprintln!("exported {n} answers");
        }
        Command::GrantPlan { email, plan, until } => {
            let until = until
                .as_deref()
                .map(interviewos::billing::grant::parse_until)
                .transpose()?;
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let outcome = interviewos::billing::grant::grant_plan(
                &db,
                settings.billing.grace_days,
                &email,
                &plan,
                until,
            )
            .await?;
            match outcome.plan_until {
                Some(t) => println!(
                    "{} is on {} until {}",
                    email,
                    outcome.effective_plan,
                    t.to_rfc3339()
                ),
                None => println!("{} is on {}", email, outcome.effective_plan),
            }
        }
        Command::Purge => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let n =
                interviewos::privacy::purge::purge_due(&db, &settings, chrono::Utc::now()).await?;
            println!("purged {n} accounts");
        }
        Command::Seed => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let report = interviewos::seed_library(&db).await?;
            println!("{report:?}");
        }
        Command::Eval { dir, explain } => {
            let grader = interviewos::evaluation_grader(&settings);
            let report = interviewos::evaluation::measure::evaluate(
                grader.as_ref(),
                &dir,
                explain.as_deref(),
            )
            .await?;
            println!("{report}");
        }
        Command::CheckLibrary { seed, pairs } => {
            let (report, clean) = interviewos::evaluation::measure::check_library(&seed, &pairs)?;
            print!("{report}");
            std::process::exit(if clean { 0 } else { 1 });
        }
        Command::Healthcheck => {
            let addr = settings.bind_addr.replace("0.0.0.0", "127.0.0.1");
            let url = format!("http://{addr}/health/live");
            let ok = reqwest::Client::new()
                .get(&url)
                .timeout(std::time::Duration::from_secs(3))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            std::process::exit(if ok { 0 } else { 1 });
        }
    }
    Ok(())
}
