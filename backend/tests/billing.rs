//! Billing: plans, Checkout and the portal against a fake Stripe API, signed webhooks (fixtures in
//! Stripe's event shape under `tests/fixtures/stripe/`), the plan and quota that follow from them,
//! grants, anonymisation, and billing switched off.
mod common;

use std::{collections::HashMap, time::Duration};

use chrono::Utc;
use common::*;
use hmac::{Hmac, Mac};
use interviewos::entities::{billing_events, emails, subscriptions, users};
use reqwest::{Response, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{header, method, path},
};

const WHSEC: &str = "whsec_test_5f1c8a2b9d0e4f6a7b8c9d0e1f2a3b4c";
const SECRET_KEY: &str = "sk_test_51SK3a0LkdIwHu7ixInterviewOS";
const PRICE_MONTH: &str = "price_1SK3aPLkdIwHu7ixProMonth";
const PRICE_YEAR: &str = "price_1SK3aPLkdIwHu7ixProYearly";
const CUSTOMER: &str = "cus_TGd1yqRw3nKb8Z";
const SUBSCRIPTION: &str = "sub_1SK3fTLkdIwHu7ixQ9aB3cDe";
const PLACEHOLDER_USER: &str = "00000000-0000-0000-0000-000000000000";
const DAY: i64 = 86_400;

fn fixture_text(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/stripe/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

fn now() -> i64 {
    Utc::now().timestamp()
}

fn replace_user(v: &mut Value, user_id: &str) {
    match v {
        Value::String(s) if s == PLACEHOLDER_USER => *s = user_id.to_owned(),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_user(x, user_id)),
        Value::Object(o) => o.values_mut().for_each(|x| replace_user(x, user_id)),
        _ => {}
    }
}

/// A fixture event for `user_id`, created at `created`, with a fresh event id and the period
/// ending `period_end` (set wherever the fixture has one).
fn event_at(name: &str, user_id: &str, created: i64, period_end: i64) -> Value {
    let mut v = fixture(name);
    replace_user(&mut v, user_id);
    let id = v["id"].as_str().unwrap().to_owned();
    v["id"] = json!(format!(
        "{id}_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    ));
    v["created"] = json!(created);
    let obj = &mut v["data"]["object"];
    if obj["object"] == "subscription" {
        if obj.get("current_period_end").is_some() {
            obj["current_period_end"] = json!(period_end);
        }
        if let Some(items) = obj["items"]["data"].as_array_mut() {
            for it in items {
                if it.get("current_period_end").is_some() {
                    it["current_period_end"] = json!(period_end);
                }
            }
        }
        if !obj["cancel_at"].is_null() {
            obj["cancel_at"] = json!(period_end);
        }
    }
    v
}

fn event(name: &str, user_id: &str, created: i64) -> Value {
    event_at(name, user_id, created, now() + 30 * DAY)
}

/// The header Stripe sends, computed here independently of the server's code.
fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver(app: &TestApp, body: &[u8], signature: Option<String>) -> Response {
    let mut rb = app
        .client
        .post(app.url("/api/v1/billing/webhook"))
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "user-agent",
            "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        )
        .body(body.to_vec());
    if let Some(s) = signature {
        rb = rb.header("stripe-signature", s);
    }
    rb.send().await.unwrap()
}

/// Delivers an event signed now; asserts 200 and returns the outcome.
async fn send(app: &TestApp, ev: &Value) -> String {
    let body = serde_json::to_vec(ev).unwrap();
    let res = deliver(app, &body, Some(sign(WHSEC, now(), &body))).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", ev["type"]);
    let ack: Value = res.json().await.unwrap();
    assert_eq!(ack["received"], true);
    ack["outcome"].as_str().unwrap().to_owned()
}

fn billing_vars(stripe_base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("STRIPE_SECRET_KEY", SECRET_KEY.into()),
        ("STRIPE_PRICE_PRO_MONTHLY", PRICE_MONTH.into()),
        ("STRIPE_PRICE_PRO_YEARLY", PRICE_YEAR.into()),
        ("STRIPE_WEBHOOK_SECRET", WHSEC.into()),
        ("STRIPE_API_BASE", stripe_base.into()),
        ("FREE_MONTHLY_ANSWERS", "25".into()),
    ]
}

async fn billing_app_with(stripe_base: &str, extra: &[(&'static str, &str)]) -> TestApp {
    let mut vars = billing_vars(stripe_base);
    for (k, v) in extra {
        vars.retain(|(key, _)| key != k);
        vars.push((k, v.to_string()));
    }
    let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestApp::spawn_with(&refs).await
}

/// Billing on, with a Stripe API base nobody listens on (webhook-only tests).
async fn billing_app() -> TestApp {
    billing_app_with("http://127.0.0.1:9", &[]).await
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

async fn me(app: &TestApp, token: &str) -> Value {
    get_json(app, "/api/v1/me", token).await
}

async fn usage(app: &TestApp, token: &str) -> Value {
    get_json(app, "/api/v1/me/usage", token).await
}

async fn subscription(app: &TestApp, token: &str) -> Value {
    get_json(app, "/api/v1/billing/subscription", token).await
}

fn ts(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("timestamp {v}")))
        .unwrap()
        .timestamp()
}

fn count_emails(app: &TestApp, to: &str, template: &str) -> usize {
    app.emails()
        .iter()
        .filter(|m| m["to"] == to && m["template"] == template)
        .count()
}

async fn queued_emails(app: &TestApp, template: &str) -> u64 {
    emails::Entity::find()
        .filter(emails::Column::Template.eq(template))
        .count(&app.state.db)
        .await
        .unwrap()
}

fn form(req: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect()
}

fn header_of(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn stripe_json(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture_text(name), "application/json")
}

async fn fake_stripe() -> MockServer {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_KEY}").as_str(),
        ))
        .respond_with(stripe_json("api_customer.json"))
        .mount(&stripe)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_KEY}").as_str(),
        ))
        .respond_with(stripe_json("api_checkout_session.json"))
        .mount(&stripe)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/billing_portal/sessions"))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_KEY}").as_str(),
        ))
        .respond_with(stripe_json("api_billing_portal_session.json"))
        .mount(&stripe)
        .await;
    stripe
}

async fn requests_to(stripe: &MockServer, p: &str) -> Vec<Request> {
    stripe
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Plans, billing switched off
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn plans_list_limits_and_prices_from_config() {
    let app = billing_app_with(
        "http://127.0.0.1:9",
        &[
            ("FREE_MONTHLY_ANSWERS", "10"),
            ("PRO_MONTHLY_AMOUNT", "1500"),
            ("PRO_YEARLY_AMOUNT", "15000"),
            ("BILLING_CURRENCY", "EUR"),
        ],
    )
    .await;
    let res = app.get("/api/v1/billing/plans", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["billing_enabled"], true);
    let plans = body["plans"].as_array().unwrap();
    assert_eq!(plans[0]["id"], "free");
    assert_eq!(plans[0]["monthly_answer_limit"], 10);
    assert_eq!(plans[0]["prices"], json!([]));
    assert_eq!(plans[1]["id"], "pro");
    assert!(plans[1]["monthly_answer_limit"].is_null());
    assert_eq!(plans[1]["ai_grader"], false, "no OpenAI key configured");
    assert_eq!(
        plans[1]["prices"],
        json!([
            {"interval": "month", "amount": 1500, "currency": "eur", "stripe_price_id": PRICE_MONTH},
            {"interval": "year", "amount": 15000, "currency": "eur", "stripe_price_id": PRICE_YEAR},
        ])
    );
}

#[tokio::test]
async fn without_a_stripe_key_billing_is_switched_off() {
    let app = TestApp::spawn().await;
    let body: Value = app
        .get("/api/v1/billing/plans", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["billing_enabled"], false);
    assert_eq!(body["plans"][1]["prices"][0]["amount"], 1200);
    assert_eq!(body["plans"][1]["prices"][1]["amount"], 12000);
    assert_eq!(body["plans"][1]["prices"][0]["currency"], "gbp");
    assert!(body["plans"][1]["prices"][0]["stripe_price_id"].is_null());

    let s = app.verified_user("off@example.com").await;
    for p in ["/api/v1/billing/checkout", "/api/v1/billing/portal"] {
        let res = app
            .post(
                p,
                json!({"plan": "pro", "interval": "month"}),
                Some(&s.access),
            )
            .await;
        assert!(res.headers().get("retry-after").is_some());
        let problem = assert_problem(res, 503, "billing_disabled").await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("STRIPE_SECRET_KEY")
        );
    }
    let body = b"{}";
    assert_problem(
        deliver(&app, body, Some(sign(WHSEC, now(), body))).await,
        503,
        "billing_disabled",
    )
    .await;
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["plan"], "free");
    assert_eq!(sub["status"], "none");
    assert_eq!(sub["billing_enabled"], false);
    assert_eq!(sub["has_billing_account"], false);
    // Billing routes need a token where they act for a user.
    assert_problem(
        app.get("/api/v1/billing/subscription", None).await,
        401,
        "unauthenticated",
    )
    .await;
    assert_problem(
        app.post("/api/v1/billing/checkout", json!({}), None).await,
        401,
        "unauthenticated",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Checkout and the portal against a fake Stripe
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn checkout_creates_the_customer_once_and_a_subscription_session() {
    let stripe = fake_stripe().await;
    let app = billing_app_with(&stripe.uri(), &[]).await;
    let s = app.verified_user("ada@example.com").await;

    let res = app
        .post(
            "/api/v1/billing/checkout",
            json!({"plan": "pro", "interval": "month"}),
            Some(&s.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let expected_url = fixture("api_checkout_session.json")["url"].clone();
    assert_eq!(body["url"], expected_url);

    let res = app
        .post(
            "/api/v1/billing/checkout",
            json!({"plan": "pro", "interval": "year"}),
            Some(&s.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // One customer, created with the user's email and id, under a key derived from the user.
    let customers = requests_to(&stripe, "/v1/customers").await;
    assert_eq!(
        customers.len(),
        1,
        "the customer is created once and reused"
    );
    let c = form(&customers[0]);
    assert_eq!(c["email"], "ada@example.com");
    assert_eq!(c["metadata[user_id]"], s.user_id);
    assert_eq!(
        header_of(&customers[0], "idempotency-key").as_deref(),
        Some(format!("interviewos-customer-{}", s.user_id).as_str())
    );
    assert_eq!(
        header_of(&customers[0], "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );

    let sessions = requests_to(&stripe, "/v1/checkout/sessions").await;
    assert_eq!(sessions.len(), 2);
    let mut keys = Vec::new();
    for (req, price) in sessions.iter().zip([PRICE_MONTH, PRICE_YEAR]) {
        let f = form(req);
        assert_eq!(f["mode"], "subscription");
        assert_eq!(f["customer"], CUSTOMER, "the stored customer is reused");
        assert_eq!(f["client_reference_id"], s.user_id);
        assert_eq!(f["line_items[0][price]"], price);
        assert_eq!(f["line_items[0][quantity]"], "1");
        assert_eq!(
            f["success_url"],
            "http://localhost:8080/settings/billing?checkout=success"
        );
        assert_eq!(
            f["cancel_url"],
            "http://localhost:8080/settings/billing?checkout=cancelled"
        );
        assert_eq!(f["subscription_data[metadata][user_id]"], s.user_id);
        assert_eq!(f["metadata[user_id]"], s.user_id);
        let key = header_of(req, "idempotency-key").expect("idempotency key");
        assert!(key.starts_with("interviewos-checkout-"));
        keys.push(key);
        assert!(header_of(req, "stripe-version").is_some());
    }
    assert_ne!(keys[0], keys[1], "each checkout is its own request");

    // The success redirect grants nothing: only a webhook does.
    assert_eq!(me(&app, &s.access).await["plan"], "free");
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["status"], "none");
    assert_eq!(sub["has_billing_account"], true);
    assert_eq!(usage(&app, &s.access).await["answers_limit"], 25);
}

#[tokio::test]
async fn checkout_requires_a_verified_email_and_a_valid_body() {
    let stripe = fake_stripe().await;
    let app = billing_app_with(&stripe.uri(), &[]).await;
    let unverified = app.register("una@example.com").await;
    let p = assert_problem(
        app.post(
            "/api/v1/billing/checkout",
            json!({"plan": "pro", "interval": "month"}),
            Some(&unverified.access),
        )
        .await,
        409,
        "email_not_verified",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("Verify"));
    assert!(stripe.received_requests().await.unwrap().is_empty());

    let s = app.verified_user("val@example.com").await;
    for (body, field) in [
        (json!({"plan": "free", "interval": "month"}), "plan"),
        (json!({"plan": "pro", "interval": "week"}), "interval"),
        (json!({"plan": "pro"}), "interval"),
        (
            json!({"plan": "pro", "interval": "month", "price": "price_cheap"}),
            "price",
        ),
    ] {
        let p = assert_problem(
            app.post("/api/v1/billing/checkout", body, Some(&s.access))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p["errors"][0]["field"], field);
    }
    assert!(stripe.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_portal_needs_a_customer_and_opens_for_it() {
    let stripe = fake_stripe().await;
    let app = billing_app_with(&stripe.uri(), &[]).await;
    let s = app.verified_user("pia@example.com").await;
    assert_problem(
        app.post("/api/v1/billing/portal", json!({}), Some(&s.access))
            .await,
        409,
        "no_billing_account",
    )
    .await;
    app.post(
        "/api/v1/billing/checkout",
        json!({"plan": "pro", "interval": "month"}),
        Some(&s.access),
    )
    .await;
    let res = app
        .client
        .post(app.url("/api/v1/billing/portal"))
        .bearer_auth(&s.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["url"],
        fixture("api_billing_portal_session.json")["url"]
    );
    let portal = requests_to(&stripe, "/v1/billing_portal/sessions").await;
    assert_eq!(portal.len(), 1);
    let f = form(&portal[0]);
    assert_eq!(f["customer"], CUSTOMER);
    assert_eq!(f["return_url"], "http://localhost:8080/settings/billing");
    assert!(header_of(&portal[0], "idempotency-key").is_some());
}

#[tokio::test]
async fn a_failing_stripe_is_retried_with_the_same_key_then_answers_503() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(fixture_text("api_error_500.json"), "application/json"),
        )
        .mount(&stripe)
        .await;
    let app = billing_app_with(&stripe.uri(), &[]).await;
    let s = app.verified_user("dan@example.com").await;
    let res = app
        .post(
            "/api/v1/billing/checkout",
            json!({"plan": "pro", "interval": "month"}),
            Some(&s.access),
        )
        .await;
    assert!(res.headers().get("retry-after").is_some());
    assert_problem(res, 503, "billing_unavailable").await;
    let attempts = requests_to(&stripe, "/v1/customers").await;
    assert_eq!(attempts.len(), 3, "bounded retries");
    let keys: std::collections::HashSet<_> = attempts
        .iter()
        .map(|r| header_of(r, "idempotency-key").unwrap())
        .collect();
    assert_eq!(keys.len(), 1, "every retry reuses the idempotency key");
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["has_billing_account"], false);
}

#[tokio::test]
async fn an_active_subscriber_is_sent_to_the_portal_instead_of_checkout() {
    let stripe = fake_stripe().await;
    let app = billing_app_with(&stripe.uri(), &[]).await;
    let s = app.verified_user("sam@example.com").await;
    assert_eq!(
        send(
            &app,
            &event("customer.subscription.created.json", &s.user_id, now() - 60)
        )
        .await,
        "applied"
    );
    assert_problem(
        app.post(
            "/api/v1/billing/checkout",
            json!({"plan": "pro", "interval": "year"}),
            Some(&s.access),
        )
        .await,
        409,
        "already_subscribed",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Webhook signatures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn webhook_signatures_are_verified_on_the_raw_body() {
    let app = billing_app().await;
    let s = app.verified_user("sig@example.com").await;
    let ev = event("customer.subscription.created.json", &s.user_id, now() - 30);
    let body = serde_json::to_vec(&ev).unwrap();

    // Missing, malformed, wrong secret, tampered body, stale and future timestamps.
    let missing = assert_problem(deliver(&app, &body, None).await, 400, "invalid_signature").await;
    assert!(missing["detail"].as_str().unwrap().contains("missing"));
    for bad in [
        "garbage".to_owned(),
        format!("t={}", now()),
        format!("v1={}", "ab".repeat(32)),
        sign("whsec_someone_else", now(), &body),
        sign(WHSEC, now() - 301, &body),
        sign(WHSEC, now() + 400, &body),
    ] {
        assert_problem(
            deliver(&app, &body, Some(bad.clone())).await,
            400,
            "invalid_signature",
        )
        .await;
    }
    let mut tampered = ev.clone();
    tampered["data"]["object"]["status"] = json!("active");
    tampered["data"]["object"]["metadata"]["user_id"] = json!(uuid::Uuid::now_v7().to_string());
    let tampered = serde_json::to_vec(&tampered).unwrap();
    assert_problem(
        deliver(&app, &tampered, Some(sign(WHSEC, now(), &body))).await,
        400,
        "invalid_signature",
    )
    .await;
    // Re-serialising the same JSON differently (whitespace) also breaks the signature.
    let pretty = serde_json::to_vec_pretty(&ev).unwrap();
    assert_problem(
        deliver(&app, &pretty, Some(sign(WHSEC, now(), &body))).await,
        400,
        "invalid_signature",
    )
    .await;
    // Nothing was recorded or applied.
    assert_eq!(
        billing_events::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(me(&app, &s.access).await["plan"], "free");

    // Within tolerance, with several v1 values (one per secret during a rotation), it is applied.
    let good = sign(WHSEC, now() - 120, &body);
    let multi = format!("{good},v1={},v0=deadbeef", "00".repeat(32));
    let res = deliver(&app, &body, Some(multi)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(me(&app, &s.access).await["plan"], "pro");

    // A body that verifies but is not an event is refused (Stripe retries; nothing recorded).
    let junk = b"[1,2,3]";
    assert_problem(
        deliver(&app, junk, Some(sign(WHSEC, now(), junk))).await,
        400,
        "invalid_payload",
    )
    .await;
    // Over the webhook's body limit.
    let huge = vec![b' '; 1024 * 1024 + 1];
    assert_problem(
        deliver(&app, &huge, Some(sign(WHSEC, now(), &huge))).await,
        413,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn a_rotated_secret_keeps_working_alongside_the_new_one() {
    let app = billing_app_with(
        "http://127.0.0.1:9",
        &[(
            "STRIPE_WEBHOOK_SECRET",
            "whsec_new_0a1b2c3d, whsec_old_4e5f6a7b",
        )],
    )
    .await;
    let s = app.verified_user("rot@example.com").await;
    for (secret, name) in [
        ("whsec_old_4e5f6a7b", "customer.subscription.created.json"),
        (
            "whsec_new_0a1b2c3d",
            "customer.subscription.updated.past_due.json",
        ),
    ] {
        let body = serde_json::to_vec(&event(name, &s.user_id, now() - 10)).unwrap();
        let res = deliver(&app, &body, Some(sign(secret, now(), &body))).await;
        assert_eq!(res.status(), StatusCode::OK, "signed with {secret}");
    }
    assert_eq!(me(&app, &s.access).await["billing_state"], "past_due");
    let login = app.login("rot@example.com", PASSWORD).await;
    assert_eq!(
        login.body["user"]["billing_state"], "past_due",
        "login answers with the account"
    );
    let body = serde_json::to_vec(&event(
        "customer.subscription.deleted.json",
        &s.user_id,
        now(),
    ))
    .unwrap();
    assert_problem(
        deliver(&app, &body, Some(sign(WHSEC, now(), &body))).await,
        400,
        "invalid_signature",
    )
    .await;
    assert_eq!(me(&app, &s.access).await["plan"], "pro");
}

// ---------------------------------------------------------------------------------------------
// Webhook effects
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_subscription_lifecycle_drives_plan_quota_banner_and_emails() {
    let app = billing_app().await;
    let s = app.verified_user("ada@example.com").await;
    let t = now() - 1000;
    assert_eq!(me(&app, &s.access).await["plan"], "free");
    assert_eq!(usage(&app, &s.access).await["answers_limit"], 25);

    // Checkout completes: Pro at once, the customer is linked.
    assert_eq!(
        send(
            &app,
            &event("checkout.session.completed.json", &s.user_id, t)
        )
        .await,
        "applied"
    );
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "pro");
    assert!(m["billing_state"].is_null());
    let u = usage(&app, &s.access).await;
    assert_eq!(u["plan"], "pro");
    assert!(u["answers_limit"].is_null(), "the quota is lifted");
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["has_billing_account"], true);

    // The subscription's own events fill in the details.
    let period_end = now() + 30 * DAY;
    assert_eq!(
        send(
            &app,
            &event_at(
                "customer.subscription.created.json",
                &s.user_id,
                t,
                period_end
            )
        )
        .await,
        "applied"
    );
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["plan"], "pro");
    assert_eq!(sub["interval"], "month");
    assert_eq!(ts(&sub["current_period_end"]), period_end);
    assert_eq!(sub["cancel_at_period_end"], false);
    assert!(sub["plan_until"].is_null());

    // A payment fails: past_due keeps Pro for the grace period and shows the banner.
    let failed_at = t + 100;
    send(
        &app,
        &event_at(
            "customer.subscription.updated.past_due.json",
            &s.user_id,
            failed_at,
            period_end,
        ),
    )
    .await;
    assert_eq!(
        send(
            &app,
            &event("invoice.payment_failed.json", &s.user_id, t + 101)
        )
        .await,
        "applied"
    );
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "pro");
    assert_eq!(m["billing_state"], "past_due");
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["status"], "past_due");
    assert_eq!(ts(&sub["plan_until"]), failed_at + 7 * DAY);
    let mail = app.wait_email("ada@example.com", "payment_failed").await;
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("http://localhost:8080/settings/billing")
    );

    // The retry succeeds.
    assert_eq!(
        send(&app, &event("invoice.paid.json", &s.user_id, t + 200)).await,
        "applied"
    );
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "pro");
    assert!(m["billing_state"].is_null());
    assert_eq!(subscription(&app, &s.access).await["status"], "active");

    // Cancelled in the portal: Pro until the period ends.
    send(
        &app,
        &event_at(
            "customer.subscription.updated.cancel_at_period_end.json",
            &s.user_id,
            t + 300,
            period_end,
        ),
    )
    .await;
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["plan"], "pro");
    assert_eq!(sub["cancel_at_period_end"], true);
    assert_eq!(ts(&sub["plan_until"]), period_end);
    assert!(usage(&app, &s.access).await["answers_limit"].is_null());

    // The period ends: the subscription is deleted, back to Free, with an email.
    send(
        &app,
        &event_at(
            "customer.subscription.deleted.json",
            &s.user_id,
            t + 400,
            period_end,
        ),
    )
    .await;
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "free");
    assert!(m["billing_state"].is_null());
    assert_eq!(usage(&app, &s.access).await["answers_limit"], 25);
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["status"], "canceled");
    assert_eq!(sub["plan"], "free");
    let mail = app
        .wait_email("ada@example.com", "subscription_ended")
        .await;
    assert!(mail["subject"].as_str().unwrap().contains("ended"));
    assert_eq!(
        count_emails(&app, "ada@example.com", "subscription_ended"),
        1
    );

    // Every event is recorded with its effect, linked to the user, without personal details.
    let events = billing_events::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 7);
    assert!(events.iter().all(|e| e.outcome == "applied"));
    assert!(
        events
            .iter()
            .all(|e| e.user_id.map(|u| u.to_string()) == Some(s.user_id.clone()))
    );
    for e in &events {
        let summary = e
            .summary
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default();
        assert!(!summary.contains("ada@example.com") && !summary.contains("Lovelace"));
    }
}

#[tokio::test]
async fn a_repeated_delivery_is_acknowledged_and_does_nothing() {
    let app = billing_app().await;
    let s = app.verified_user("rep@example.com").await;
    send(
        &app,
        &event(
            "customer.subscription.created.json",
            &s.user_id,
            now() - 100,
        ),
    )
    .await;
    let failed = event("invoice.payment_failed.json", &s.user_id, now() - 50);
    assert_eq!(send(&app, &failed).await, "applied");
    app.wait_email("rep@example.com", "payment_failed").await;
    // Stripe redelivers the same event (new signature, same id).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(send(&app, &failed).await, "duplicate");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(queued_emails(&app, "payment_failed").await, 1);
    assert_eq!(count_emails(&app, "rep@example.com", "payment_failed"), 1);
    assert_eq!(
        billing_events::Entity::find()
            .filter(billing_events::Column::StripeEventId.eq(failed["id"].as_str().unwrap()))
            .count(&app.state.db)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_deliveries_apply_once() {
    let app = billing_app().await;
    let s = app.verified_user("con@example.com").await;
    send(
        &app,
        &event(
            "customer.subscription.created.json",
            &s.user_id,
            now() - 100,
        ),
    )
    .await;
    let ended = event("customer.subscription.deleted.json", &s.user_id, now() - 50);
    let body = serde_json::to_vec(&ended).unwrap();
    let sig = sign(WHSEC, now(), &body);
    let outcomes = futures_util::future::join_all((0..8).map(|_| {
        let (app, body, sig) = (&app, body.clone(), sig.clone());
        async move {
            let res = deliver(app, &body, Some(sig)).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()["outcome"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    }))
    .await;
    assert_eq!(
        outcomes.iter().filter(|o| *o == "applied").count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(outcomes.iter().filter(|o| *o == "duplicate").count(), 7);
    assert_eq!(queued_emails(&app, "subscription_ended").await, 1);
    assert_eq!(me(&app, &s.access).await["plan"], "free");
}

#[tokio::test]
async fn an_older_event_never_overwrites_newer_state() {
    let app = billing_app().await;
    let s = app.verified_user("ooo@example.com").await;
    let t = now() - 1000;
    send(
        &app,
        &event("customer.subscription.created.json", &s.user_id, t),
    )
    .await;
    // The deletion (t+300) overtakes the past_due update (t+200) in delivery.
    assert_eq!(
        send(
            &app,
            &event("customer.subscription.deleted.json", &s.user_id, t + 300)
        )
        .await,
        "applied"
    );
    assert_eq!(
        send(
            &app,
            &event(
                "customer.subscription.updated.past_due.json",
                &s.user_id,
                t + 200
            )
        )
        .await,
        "stale"
    );
    // And a late `created` cannot resurrect it either.
    assert_eq!(
        send(
            &app,
            &event("customer.subscription.created.json", &s.user_id, t + 1)
        )
        .await,
        "stale"
    );
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "free");
    assert!(m["billing_state"].is_null());
    assert_eq!(subscription(&app, &s.access).await["status"], "canceled");
    // Same-second events apply in arrival order (Stripe timestamps have second resolution).
    let s2 = app.verified_user("ooo2@example.com").await;
    let mut ev = event("customer.subscription.created.json", &s2.user_id, t);
    ev["data"]["object"]["id"] = json!("sub_1SK3fTLkdIwHu7ixSecondOne");
    send(&app, &ev).await;
    let mut pd = event(
        "customer.subscription.updated.past_due.json",
        &s2.user_id,
        t,
    );
    pd["data"]["object"]["id"] = json!("sub_1SK3fTLkdIwHu7ixSecondOne");
    assert_eq!(send(&app, &pd).await, "applied");
    assert_eq!(me(&app, &s2.access).await["billing_state"], "past_due");
}

#[tokio::test]
async fn unknown_event_types_are_acknowledged_and_ignored() {
    let app = billing_app().await;
    let s = app.verified_user("unk@example.com").await;
    let ev = event("product.updated.json", &s.user_id, now());
    assert_eq!(send(&app, &ev).await, "ignored");
    assert_eq!(me(&app, &s.access).await["plan"], "free");
    let row = billing_events::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.event_type, "product.updated");
    assert_eq!(row.outcome, "ignored");
    assert!(row.user_id.is_none());
    // A checkout for a one-off payment is not ours to act on either.
    let mut one_off = event("checkout.session.completed.json", &s.user_id, now());
    one_off["data"]["object"]["mode"] = json!("payment");
    assert_eq!(send(&app, &one_off).await, "ignored");
    assert_eq!(me(&app, &s.access).await["plan"], "free");
}

#[tokio::test]
async fn past_due_beyond_the_grace_period_and_unpaid_drop_to_free() {
    let app = billing_app_with("http://127.0.0.1:9", &[("BILLING_GRACE_DAYS", "3")]).await;
    let s = app.verified_user("late@example.com").await;
    let t = now() - 10 * DAY;
    send(
        &app,
        &event("customer.subscription.created.json", &s.user_id, t),
    )
    .await;
    send(
        &app,
        &event(
            "customer.subscription.updated.past_due.json",
            &s.user_id,
            now() - 4 * DAY,
        ),
    )
    .await;
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "free", "the 3-day grace period is over");
    assert_eq!(m["billing_state"], "past_due", "the banner stays");
    assert_eq!(usage(&app, &s.access).await["answers_limit"], 25);

    let mut unpaid = event(
        "customer.subscription.updated.past_due.json",
        &s.user_id,
        now() - 60,
    );
    unpaid["data"]["object"]["status"] = json!("unpaid");
    assert_eq!(send(&app, &unpaid).await, "applied");
    let m = me(&app, &s.access).await;
    assert_eq!(m["plan"], "free");
    assert!(m["billing_state"].is_null());
    assert_eq!(subscription(&app, &s.access).await["status"], "unpaid");
    app.wait_email("late@example.com", "subscription_ended")
        .await;
}

#[tokio::test]
async fn the_pre_2025_subscription_layout_is_read_too() {
    let app = billing_app().await;
    let s = app.verified_user("old@example.com").await;
    let end = now() + 365 * DAY;
    send(
        &app,
        &event_at(
            "customer.subscription.updated.legacy.json",
            &s.user_id,
            now() - 5,
            end,
        ),
    )
    .await;
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["plan"], "pro");
    assert_eq!(sub["interval"], "year");
    assert_eq!(ts(&sub["current_period_end"]), end);
}

#[tokio::test]
async fn a_database_failure_answers_5xx_so_stripe_retries() {
    let app = billing_app().await;
    let s = app.verified_user("dbf@example.com").await;
    let ev = event("customer.subscription.created.json", &s.user_id, now());
    let body = serde_json::to_vec(&ev).unwrap();
    // Break the schema under the running server: the claim cannot be written.
    app.state
        .db
        .execute_unprepared("ALTER TABLE billing_events RENAME TO billing_events_moved")
        .await
        .unwrap();
    let res = deliver(&app, &body, Some(sign(WHSEC, now(), &body))).await;
    assert!(res.status().is_server_error(), "{}", res.status());
    app.state
        .db
        .execute_unprepared("ALTER TABLE billing_events_moved RENAME TO billing_events")
        .await
        .unwrap();
    // Nothing was half-applied, and Stripe's retry goes through.
    assert_eq!(me(&app, &s.access).await["plan"], "free");
    let res = deliver(&app, &body, Some(sign(WHSEC, now(), &body))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(me(&app, &s.access).await["plan"], "pro");
}

// ---------------------------------------------------------------------------------------------
// Grants and account deletion
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn grant_plan_gives_and_removes_pro_without_stripe() {
    use interviewos::billing::grant::{grant_plan, parse_until};
    let app = TestApp::spawn().await;
    let s = app.verified_user("gus@example.com").await;
    let until = parse_until(
        &(Utc::now() + chrono::Duration::days(10))
            .format("%Y-%m-%d")
            .to_string(),
    )
    .unwrap();
    let out = grant_plan(&app.state.db, 7, " Gus@Example.com ", "pro", Some(until))
        .await
        .unwrap();
    assert_eq!(out.effective_plan, "pro");
    assert_eq!(out.plan_until, Some(until));
    assert_eq!(me(&app, &s.access).await["plan"], "pro");
    assert!(usage(&app, &s.access).await["answers_limit"].is_null());
    let sub = subscription(&app, &s.access).await;
    assert_eq!(sub["status"], "granted");
    assert_eq!(ts(&sub["plan_until"]), until.timestamp());

    // Indefinitely, then revoked.
    grant_plan(&app.state.db, 7, "gus@example.com", "pro", None)
        .await
        .unwrap();
    assert!(subscription(&app, &s.access).await["plan_until"].is_null());
    let out = grant_plan(&app.state.db, 7, "gus@example.com", "free", None)
        .await
        .unwrap();
    assert_eq!(out.effective_plan, "free");
    assert_eq!(me(&app, &s.access).await["plan"], "free");

    assert!(
        grant_plan(&app.state.db, 7, "nobody@example.com", "pro", None)
            .await
            .is_err()
    );
    assert!(
        grant_plan(
            &app.state.db,
            7,
            "gus@example.com",
            "pro",
            Some(Utc::now() - chrono::Duration::days(1))
        )
        .await
        .is_err()
    );
    assert!(
        grant_plan(&app.state.db, 7, "gus@example.com", "enterprise", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_grant_outlives_a_stripe_subscription_ending() {
    let app = billing_app().await;
    let s = app.verified_user("both@example.com").await;
    interviewos::billing::grant::grant_plan(&app.state.db, 7, "both@example.com", "pro", None)
        .await
        .unwrap();
    let t = now() - 100;
    send(
        &app,
        &event("customer.subscription.created.json", &s.user_id, t),
    )
    .await;
    send(
        &app,
        &event("customer.subscription.deleted.json", &s.user_id, t + 10),
    )
    .await;
    assert_eq!(me(&app, &s.access).await["plan"], "pro");
    assert_eq!(subscription(&app, &s.access).await["status"], "granted");
    // Pro never ended, so no "subscription ended" email.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(queued_emails(&app, "subscription_ended").await, 0);
}

#[tokio::test]
async fn deletion_anonymises_billing_records_and_deletes_the_stripe_customer() {
    let stripe = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/customers/{CUSTOMER}")))
        .respond_with(stripe_json("api_customer_deleted.json"))
        .up_to_n_times(1)
        .mount(&stripe)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/customers/{CUSTOMER}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {
            "code": "resource_missing", "message": "No such customer: 'cus_TGd1yqRw3nKb8Z'",
            "param": "id", "type": "invalid_request_error"}})))
        .mount(&stripe)
        .await;
    let app = billing_app_with(&stripe.uri(), &[]).await;
    let s = app.verified_user("del@example.com").await;
    let uid: uuid::Uuid = s.user_id.parse().unwrap();
    let t = now() - 100;
    send(
        &app,
        &event("checkout.session.completed.json", &s.user_id, t),
    )
    .await;
    send(
        &app,
        &event("customer.subscription.created.json", &s.user_id, t),
    )
    .await;
    send(&app, &event("invoice.paid.json", &s.user_id, t + 1)).await;

    // The account is deleted (the privacy feature's job), then billing is anonymised in its purge.
    app.state
        .db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            app.state.db.get_database_backend(),
            if is_postgres() {
                "UPDATE users SET deleted_at = $1 WHERE id = $2"
            } else {
                "UPDATE users SET deleted_at = ?1 WHERE id = ?2"
            },
            vec![Utc::now().into(), uid.into()],
        ))
        .await
        .unwrap();
    let customers = interviewos::billing::anonymise_user_billing(&app.state.db, uid)
        .await
        .unwrap();
    assert_eq!(customers, vec![CUSTOMER.to_owned()]);
    // Idempotent.
    assert!(
        interviewos::billing::anonymise_user_billing(&app.state.db, uid)
            .await
            .unwrap()
            .is_empty()
    );
    let subs = subscriptions::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(subs.len(), 1, "the record is kept");
    assert!(subs[0].user_id.is_none() && subs[0].stripe_customer_id.is_none());
    assert_eq!(
        subs[0].stripe_subscription_id.as_deref(),
        Some(SUBSCRIPTION)
    );
    let events = billing_events::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.user_id.is_none()));
    let user = users::Entity::find_by_id(uid)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(user.stripe_customer_id.is_none());

    // Deleting the customer at Stripe; a second attempt (already gone) still succeeds.
    interviewos::billing::delete_customer(&app.state.settings, CUSTOMER)
        .await
        .unwrap();
    interviewos::billing::delete_customer(&app.state.settings, CUSTOMER)
        .await
        .unwrap();
    let deletes = requests_to(&stripe, &format!("/v1/customers/{CUSTOMER}")).await;
    assert_eq!(deletes.len(), 2);
    assert!(header_of(&deletes[0], "idempotency-key").is_some());

    // Stripe then cancels the subscription: recorded, but linked to nobody and no email.
    assert_eq!(
        send(
            &app,
            &event("customer.subscription.deleted.json", &s.user_id, t + 50)
        )
        .await,
        "ignored"
    );
    let subs = subscriptions::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(subs[0].user_id.is_none());
    assert_eq!(subs[0].status, "canceled");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(queued_emails(&app, "subscription_ended").await, 0);

    // Without billing configured, deleting a customer is a no-op.
    let off = TestApp::spawn().await;
    interviewos::billing::delete_customer(&off.state.settings, CUSTOMER)
        .await
        .unwrap();
}
