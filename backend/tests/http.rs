//! Cross-cutting HTTP behaviour: health, headers, CORS, the spec and the docs.
mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn health_endpoints() {
    let app = TestApp::spawn().await;
    let res = app.get("/health/live", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.get("/health/ready", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn security_headers_and_request_ids() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/me", None).await;
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    let id = h["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "request id {id}");
    let other = app.get("/api/v1/me", None).await;
    assert_ne!(other.headers()["x-request-id"], id);
}

#[tokio::test]
async fn hsts_when_served_over_https() {
    let app = TestApp::spawn_with(&[("APP_BASE_URL", "https://app.example.com")]).await;
    let res = app.get("/health/live", None).await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(&[
        ("CORS_ORIGINS", "https://partner.example.com"),
        ("APP_ENV", "production"),
        ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ("BCRYPT_COST", "12"),
    ])
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/auth/login"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight("https://partner.example.com").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://partner.example.com"
    );
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    for bad in ["https://evil.example.com", "null", "http://localhost:5173"] {
        let res = preflight(bad).await.unwrap();
        assert!(
            res.headers().get("access-control-allow-origin").is_none(),
            "{bad} must get nothing"
        );
    }
    let res = app
        .client
        .get(app.url("/health/live"))
        .header("origin", "null")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn spec_and_docs_are_served() {
    let app = TestApp::spawn().await;
    let spec: Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(spec["info"]["title"], "InterviewOS API");
    assert!(spec["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "vendored Swagger UI"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern() {
    let app = TestApp::spawn().await;
    app.get("/health/live", None).await;
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        text.contains("http_requests_total{method=\"GET\",route=\"/health/live\",status=\"200\"}"),
        "{text}"
    );
    assert!(text.contains("job_queue_depth"));
}

#[tokio::test]
async fn metrics_need_the_token_when_configured() {
    let app = TestApp::spawn_with(&[("METRICS_TOKEN", "s3cret-metrics")]).await;
    assert_eq!(
        app.get("/metrics", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/metrics", Some("s3cret-metrics")).await.status(),
        StatusCode::OK
    );
}

/// A 405 names the methods the resource does support (RFC 9110 §15.5.6), for every resource.
#[tokio::test]
async fn unsupported_methods_answer_405_with_an_allow_header() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        ("GET", "/api/v1/auth/login", "POST"),
        ("PUT", "/api/v1/me", "GET, PATCH, DELETE"),
        ("TRACE", "/health/live", "GET"),
        (
            "POST",
            "/api/v1/questions/00000000-0000-0000-0000-000000000000",
            "GET",
        ),
        ("PUT", "/api/v1/sessions", "POST, GET"),
        ("PATCH", "/api/v1/admin/questions", "POST"),
    ] {
        let res = app
            .client
            .request(method.parse().unwrap(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(
            res.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
        assert_problem(res, 405, "method_not_allowed").await;
    }
}
