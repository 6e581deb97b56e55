//! Email delivery through Resend (against a local fake of its HTTP API) and durability when the
//! provider fails.
mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{header, header_exists, method, path},
};

async fn wait_for<F: Fn() -> bool>(what: &str, f: F) {
    for _ in 0..200 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

fn batch_emails(req: &Request) -> Vec<Value> {
    serde_json::from_slice::<Value>(&req.body)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_receives_the_real_request() {
    let resend = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/emails/batch"))
        .and(header("authorization", "Bearer re_test_key"))
        .and(header_exists("idempotency-key"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": "4ef9a417-02e9-4d39-ad75-9611e0fcc33c"}]})),
        )
        .mount(&resend)
        .await;
    let app = TestApp::spawn_with(&[
        ("RESEND_API_KEY", "re_test_key"),
        ("RESEND_BASE_URL", &resend.uri()),
        ("EMAIL_FROM", "InterviewOS <hello@mail.interviewos.dev>"),
    ])
    .await;
    app.register("uma@example.com").await;
    wait_for("the email at the fake Resend", || {
        futures_lite_ready(&resend).is_some_and(|r| !r.is_empty())
    })
    .await;
    let requests = resend.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    let emails = batch_emails(req);
    assert_eq!(emails.len(), 1);
    let e = &emails[0];
    assert_eq!(e["from"], "InterviewOS <hello@mail.interviewos.dev>");
    assert_eq!(e["to"], json!(["uma@example.com"]));
    assert!(e["subject"].as_str().unwrap().contains("Confirm"));
    assert!(
        e["text"]
            .as_str()
            .unwrap()
            .contains("http://localhost:8080/verify-email#token=")
    );
    assert!(e["html"].as_str().unwrap().contains("verify-email#token="));
    // The idempotency key is the email's id, so a retried send can never duplicate it.
    let key = req
        .headers
        .get("idempotency-key")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(uuid::Uuid::parse_str(key).is_ok());
    // Recorded as sent with the provider's id.
    use interviewos::entities::emails;
    use sea_orm::EntityTrait;
    let mut row = None;
    for _ in 0..100 {
        row = emails::Entity::find().one(&app.state.db).await.unwrap();
        if row.as_ref().is_some_and(|r| r.status == "sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = row.unwrap();
    assert_eq!(row.status, "sent");
    assert_eq!(
        row.provider_id.as_deref(),
        Some("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
    );
    assert_eq!(row.id.to_string(), key);
}

/// wiremock's `received_requests` is async; poll it from the sync closure via a blocking read.
fn futures_lite_ready(server: &MockServer) -> Option<Vec<Request>> {
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| handle.block_on(server.received_requests()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_provider_neither_fails_the_request_nor_loses_the_email() {
    let resend = MockServer::start().await;
    // First the provider is down…
    Mock::given(method("POST"))
        .and(path("/emails/batch"))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            json!({"statusCode": 500, "name": "internal_server_error", "message": "boom"}),
        ))
        .up_to_n_times(1)
        .mount(&resend)
        .await;
    // …then it recovers.
    Mock::given(method("POST"))
        .and(path("/emails/batch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "re_ok"}]})))
        .mount(&resend)
        .await;
    let app = TestApp::spawn_with(&[
        ("RESEND_API_KEY", "re_test_key"),
        ("RESEND_BASE_URL", &resend.uri()),
    ])
    .await;
    let started = std::time::Instant::now();
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "vic@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "the request succeeds while the provider fails"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    use interviewos::entities::{emails, jobs};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    // Wait for the failed first attempt, then make the retry due now instead of after its backoff.
    wait_for("a failed first attempt", || {
        futures_lite_ready(&resend).is_some_and(|r| !r.is_empty())
    })
    .await;
    let mut job = None;
    for _ in 0..100 {
        job = jobs::Entity::find().one(&app.state.db).await.unwrap();
        if job
            .as_ref()
            .is_some_and(|j| j.status == "queued" && j.attempts == 1)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let job = job.unwrap();
    assert_eq!(job.status, "queued", "scheduled for a retry");
    assert!(job.last_error.as_deref().unwrap_or("").contains("resend"));
    let mut am: jobs::ActiveModel = job.into();
    am.run_at = Set(chrono::Utc::now());
    am.update(&app.state.db).await.unwrap();
    app.state.jobs.notify();
    for _ in 0..100 {
        let row = emails::Entity::find()
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        if row.status == "sent" {
            assert_eq!(resend.received_requests().await.unwrap().len(), 2);
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("email was not delivered after the provider recovered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_email_fails_permanently_without_retrying() {
    let resend = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/emails/batch"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"statusCode": 422, "name": "validation_error", "message": "Invalid `to` field."})))
        .mount(&resend)
        .await;
    let app = TestApp::spawn_with(&[
        ("RESEND_API_KEY", "re_test_key"),
        ("RESEND_BASE_URL", &resend.uri()),
    ])
    .await;
    app.register("wyn@example.com").await;
    use interviewos::entities::{emails, jobs};
    use sea_orm::EntityTrait;
    for _ in 0..100 {
        let row = emails::Entity::find()
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap();
        if row.status == "failed" {
            let job = jobs::Entity::find()
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(job.status, "failed");
            assert_eq!(
                resend.received_requests().await.unwrap().len(),
                1,
                "no retry of a permanent failure"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job did not fail permanently");
}
