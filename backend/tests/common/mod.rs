//! Spawns the real application (`Application::build`) on a random port with a fresh database:
//! a temporary SQLite file, or — when `TEST_DATABASE_URL` is set — a new PostgreSQL database.
#![allow(dead_code)]
use std::{collections::HashMap, path::PathBuf, time::Duration};

use actix_web::web;
use interviewos::{Application, config::Settings, state::AppState};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub state: web::Data<AppState>,
    pub dir: TempDir,
    pub database_url: String,
    pub handle: actix_web::dev::ServerHandle,
}

pub fn is_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty())
}

/// A fresh database URL: a new PostgreSQL database, or a SQLite file in `dir`.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sea_orm::ConnectionTrait;
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&admin_url)
                .await
                .expect("connect TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("database url with a path");
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}/test.db?mode=rwc", dir.display()),
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(extra: &[(&str, &str)]) -> Self {
        interviewos::install_crypto_provider();
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = fresh_database(dir.path()).await;
        let mut vars: HashMap<String, String> = [
            ("APP_ENV", "test"),
            ("BIND_ADDR", "127.0.0.1:0"),
            ("BCRYPT_COST", "4"),
            ("RATE_LIMIT_AUTH_PER_MIN", "10000"),
            ("APP_BASE_URL", "http://localhost:8080"),
            ("FRONTEND_DIST_DIR", "/nonexistent"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        vars.insert("DATABASE_URL".into(), database_url.clone());
        vars.insert("DATA_DIR".into(), dir.path().display().to_string());
        vars.insert(
            "EMAIL_OUTBOX_DIR".into(),
            dir.path().join("outbox").display().to_string(),
        );
        for (k, v) in extra {
            vars.insert(k.to_string(), v.to_string());
        }
        let settings = Settings::from_lookup(&|k| vars.get(k).cloned()).expect("settings");
        let app = Application::build(settings).await.expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state();
        let handle = app.server_handle();
        tokio::spawn(app.run_until_stopped());
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            base,
            client,
            state,
            dir,
            database_url,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn outbox(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> Response {
        let mut rb = self.client.post(self.url(path)).json(&body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut rb = self.client.get(self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb.send().await.expect("request")
    }

    pub async fn patch(&self, path: &str, body: Value, token: &str) -> Response {
        self.client
            .patch(self.url(path))
            .json(&body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, body: Option<Value>, token: &str) -> Response {
        let mut rb = self.client.delete(self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        rb.send().await.expect("request")
    }

    /// Registers a user and returns (access, refresh, user id).
    pub async fn register(&self, email: &str) -> Session {
        let res = self
            .post(
                "/api/v1/auth/register",
                json!({"email": email, "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "register {email}");
        Session::from(res.json::<Value>().await.unwrap())
    }

    pub async fn login(&self, email: &str, password: &str) -> Session {
        let res = self
            .post(
                "/api/v1/auth/login",
                json!({"email": email, "password": password}),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login {email}");
        Session::from(res.json::<Value>().await.unwrap())
    }

    /// Registers and verifies a user.
    pub async fn verified_user(&self, email: &str) -> Session {
        let s = self.register(email).await;
        let token = self.email_token(email, "verify_email").await;
        let res = self
            .post("/api/v1/auth/verify-email", json!({"token": token}), None)
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        s
    }

    /// Waits for an email (delivered by the background worker) and returns the newest match.
    pub async fn wait_email(&self, to: &str, template: &str) -> Value {
        for _ in 0..100 {
            if let Some(m) = self
                .emails()
                .into_iter()
                .rfind(|m| m["to"] == to && m["template"] == template)
            {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {template} email to {to} arrived");
    }

    pub fn emails(&self) -> Vec<Value> {
        let mut files: Vec<_> = std::fs::read_dir(self.outbox())
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect()
    }

    /// The token in the newest email of this template to this address.
    pub async fn email_token(&self, to: &str, template: &str) -> String {
        let m = self.wait_email(to, template).await;
        let text = m["text"].as_str().unwrap();
        let i = text.find("token=").expect("token in email") + "token=".len();
        text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

pub const PASSWORD: &str = "violet-anchor-river-42";

#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
    pub body: Value,
}

impl From<Value> for Session {
    fn from(v: Value) -> Self {
        Session {
            access: v["access_token"].as_str().unwrap().to_owned(),
            refresh: v["refresh_token"].as_str().unwrap().to_owned(),
            user_id: v["user"]["id"].as_str().unwrap().to_owned(),
            body: v,
        }
    }
}

/// Asserts a problem+json response with this status and code; returns the body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "body {body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}
