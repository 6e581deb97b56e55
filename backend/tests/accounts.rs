//! Accounts and authentication, black-box over HTTP, on SQLite or PostgreSQL.
mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn register_signs_in_and_sends_a_verification_link() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "  Ada@Example.COM ", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["location"], "/api/v1/me");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("iv_refresh="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/api/v1/auth")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ada@example.com", "normalised");
    assert_eq!(body["user"]["email_verified"], false);
    assert_eq!(body["user"]["role"], "user");
    assert_eq!(body["user"]["plan"], "free");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["user"].get("password_hash").is_none());
    let mail = app.wait_email("ada@example.com", "verify_email").await;
    let text = mail["text"].as_str().unwrap();
    assert!(
        text.contains("http://localhost:8080/verify-email#token="),
        "link from APP_BASE_URL: {text}"
    );
    assert!(
        mail["html"]
            .as_str()
            .unwrap()
            .contains("verify-email#token=")
    );
    assert!(mail["subject"].as_str().unwrap().contains("Confirm"));

    let me = app
        .get("/api/v1/me", Some(body["access_token"].as_str().unwrap()))
        .await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn duplicate_email_is_a_conflict_even_with_other_case() {
    let app = TestApp::spawn().await;
    app.register("ben@example.com").await;
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "BEN@example.com ", "password": "another-long-pass"}),
            None,
        )
        .await;
    assert_problem(res, 409, "email_taken").await;
}

#[tokio::test]
async fn password_and_email_rules() {
    let app = TestApp::spawn().await;
    for (pw, why) in [
        ("abc1234", "7 chars"),
        (&"a".repeat(73)[..], "73 bytes"),
        ("password123", "common"),
    ] {
        let res = app
            .post(
                "/api/v1/auth/register",
                json!({"email": "c@example.com", "password": pw}),
                None,
            )
            .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "password", "{why}: {body}");
    }
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "not-an-email", "password": PASSWORD}),
            None,
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "email");
    let passphrase = "the quiet harbour lights flicker over seven grey stones at dusk!";
    assert_eq!(passphrase.len(), 64);
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "c@example.com", "password": passphrase}),
            None,
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "64-char passphrase accepted"
    );
    // Exactly 72 bytes (bcrypt's limit) works end to end: register, then sign in.
    let max = "x".repeat(72);
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "max@example.com", "password": max}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login("max@example.com", &max).await;
    let res = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "max@example.com", "password": "x".repeat(73)}),
            None,
        )
        .await;
    assert_problem(res, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn bad_requests_are_problems_and_write_nothing() {
    let app = TestApp::spawn().await;
    let url = app.url("/api/v1/auth/register");
    // Malformed JSON.
    let res = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"email\":")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "malformed_json").await;
    // Wrong content type.
    let res = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
    // Too large.
    let big = json!({"email": "d@example.com", "password": "x".repeat(70_000)});
    let res = app.client.post(&url).json(&big).send().await.unwrap();
    assert_problem(res, 413, "payload_too_large").await;
    // Unknown field (mass assignment).
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "d@example.com", "password": PASSWORD, "role": "admin"}),
            None,
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "role");
    // Missing field.
    let res = app
        .post(
            "/api/v1/auth/register",
            json!({"email": "d@example.com"}),
            None,
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "password");
    // Nothing was created by any of these.
    let res = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "d@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_problem(res, 401, "invalid_credentials").await;
    // Unknown route and wrong method.
    assert_problem(app.get("/api/v1/nope", None).await, 404, "not_found").await;
    assert_problem(
        app.get("/api/v1/auth/login", None).await,
        405,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn login_failures_are_identical_for_unknown_email_and_wrong_password() {
    let app = TestApp::spawn().await;
    app.register("erin@example.com").await;
    let wrong_pw = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "erin@example.com", "password": "nope-nope-nope"}),
            None,
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "nobody@example.com", "password": "nope-nope-nope"}),
            None,
        )
        .await;
    let a = assert_problem(wrong_pw, 401, "invalid_credentials").await;
    let b = assert_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(a, b);
    let ok = app.login("ERIN@example.com", PASSWORD).await;
    assert_eq!(ok.body["user"]["email"], "erin@example.com");
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let s = app.register("fay@example.com").await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let s2 = Session::from(res.json::<Value>().await.unwrap());
    assert_ne!(s2.refresh, s.refresh);
    // The old token is spent: reusing it fails and kills the whole family.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
            None,
        )
        .await;
    assert_problem(res, 401, "invalid_token").await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s2.refresh}),
            None,
        )
        .await;
    assert_problem(res, 401, "invalid_token").await;
    assert_problem(
        app.get("/api/v1/me", Some(&s2.access)).await,
        401,
        "invalid_token",
    )
    .await;
    // Garbage and empty.
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": "garbage"}),
            None,
        )
        .await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.post("/api/v1/auth/refresh", json!({}), None).await,
        401,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn refresh_works_from_the_cookie() {
    let app = TestApp::spawn().await;
    app.register("gil@example.com").await;
    let jar = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = jar
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "gil@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = jar
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = jar
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the cookie was rotated too");
}

#[tokio::test]
async fn logout_kills_the_access_and_refresh_tokens_at_once() {
    let app = TestApp::spawn().await;
    let s = app.register("hal@example.com").await;
    let other = app.login("hal@example.com", PASSWORD).await;
    let res = app
        .post(
            "/api/v1/auth/logout",
            json!({"refresh_token": s.refresh}),
            Some(&s.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/api/v1/me", Some(&s.access)).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
            None,
        )
        .await,
        401,
        "invalid_token",
    )
    .await;
    // Other devices stay signed in.
    assert_eq!(
        app.get("/api/v1/me", Some(&other.access)).await.status(),
        StatusCode::OK
    );
    // Logout everywhere.
    let third = app.login("hal@example.com", PASSWORD).await;
    let res = app
        .post("/api/v1/auth/logout-all", json!({}), Some(&third.access))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for sess in [&other, &third] {
        assert_problem(
            app.get("/api/v1/me", Some(&sess.access)).await,
            401,
            "invalid_token",
        )
        .await;
        assert_problem(
            app.post(
                "/api/v1/auth/refresh",
                json!({"refresh_token": sess.refresh}),
                None,
            )
            .await,
            401,
            "invalid_token",
        )
        .await;
    }
    // Unauthenticated logout is refused.
    assert_problem(
        app.post("/api/v1/auth/logout", json!({}), None).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn email_verification_is_single_use() {
    let app = TestApp::spawn().await;
    let s = app.register("ida@example.com").await;
    let token = app.email_token("ida@example.com", "verify_email").await;
    let res = app
        .post("/api/v1/auth/verify-email", json!({"token": token}), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let me: Value = app
        .get("/api/v1/me", Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email_verified"], true);
    let res = app
        .post("/api/v1/auth/verify-email", json!({"token": token}), None)
        .await;
    assert_problem(res, 400, "invalid_token").await;
    let res = app
        .post(
            "/api/v1/auth/verify-email",
            json!({"token": "made-up"}),
            None,
        )
        .await;
    assert_problem(res, 400, "invalid_token").await;
}

#[tokio::test]
async fn resend_verification_replaces_the_old_link() {
    let app = TestApp::spawn().await;
    let s = app.register("jo@example.com").await;
    let first = app.email_token("jo@example.com", "verify_email").await;
    let res = app
        .post(
            "/api/v1/auth/resend-verification",
            json!({}),
            Some(&s.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mut second = first.clone();
    for _ in 0..100 {
        second = app.email_token("jo@example.com", "verify_email").await;
        if second != first {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_ne!(first, second);
    assert_problem(
        app.post("/api/v1/auth/verify-email", json!({"token": first}), None)
            .await,
        400,
        "invalid_token",
    )
    .await;
    assert_eq!(
        app.post("/api/v1/auth/verify-email", json!({"token": second}), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn password_reset_flow() {
    let app = TestApp::spawn().await;
    let s = app.register("kim@example.com").await;
    // Unknown and known addresses get the same answer.
    let a = app
        .post(
            "/api/v1/auth/forgot-password",
            json!({"email": "nobody@example.com"}),
            None,
        )
        .await;
    let b = app
        .post(
            "/api/v1/auth/forgot-password",
            json!({"email": "KIM@example.com"}),
            None,
        )
        .await;
    assert_eq!(a.status(), StatusCode::ACCEPTED);
    assert_eq!(b.status(), StatusCode::ACCEPTED);
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
    let token = app.email_token("kim@example.com", "password_reset").await;
    let mail = app.wait_email("kim@example.com", "password_reset").await;
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("http://localhost:8080/reset-password#token=")
    );
    // Rules apply.
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": "short"}),
            None,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": "brand-new-secret-9"}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Single use; every session revoked; a notice is emailed; the new password works.
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": "another-secret-10"}),
            None,
        )
        .await;
    assert_problem(res, 400, "invalid_token").await;
    assert_problem(
        app.get("/api/v1/me", Some(&s.access)).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
            None,
        )
        .await,
        401,
        "invalid_token",
    )
    .await;
    app.wait_email("kim@example.com", "password_changed").await;
    app.login("kim@example.com", "brand-new-secret-9").await;
    let res = app
        .post(
            "/api/v1/auth/login",
            json!({"email": "kim@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_problem(res, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn expired_reset_links_are_refused() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    app.register("lou@example.com").await;
    app.post(
        "/api/v1/auth/forgot-password",
        json!({"email": "lou@example.com"}),
        None,
    )
    .await;
    let token = app.email_token("lou@example.com", "password_reset").await;
    let db = &app.state.db;
    let past = chrono::Utc::now() - chrono::Duration::minutes(61);
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        if common::is_postgres() {
            "UPDATE user_tokens SET expires_at = $1"
        } else {
            "UPDATE user_tokens SET expires_at = ?"
        },
        [past.into()],
    ))
    .await
    .unwrap();
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": "brand-new-secret-9"}),
            None,
        )
        .await;
    assert_problem(res, 400, "invalid_token").await;
}

#[tokio::test]
async fn profile_updates_and_mass_assignment_is_refused() {
    let app = TestApp::spawn().await;
    let s = app.register("mia@example.com").await;
    let res = app
        .patch(
            "/api/v1/me",
            json!({"display_name": "Mia", "theme": "dark", "training_opt_out": true}),
            &s.access,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(
        (
            me["display_name"].as_str(),
            me["theme"].as_str(),
            me["training_opt_out"].as_bool()
        ),
        (Some("Mia"), Some("dark"), Some(true))
    );
    for field in [
        json!({"role": "admin"}),
        json!({"plan": "pro"}),
        json!({"email_verified": true}),
        json!({"stripe_customer_id": "cus_x"}),
        json!({"email": "x@example.com"}),
    ] {
        let res = app.patch("/api/v1/me", field.clone(), &s.access).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    let res = app
        .patch("/api/v1/me", json!({"theme": "neon"}), &s.access)
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .patch(
            "/api/v1/me",
            json!({"display_name": "x".repeat(101)}),
            &s.access,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let me: Value = app
        .get("/api/v1/me", Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "user");
    assert_eq!(me["plan"], "free");
    assert_eq!(me["email_verified"], false);
    assert_eq!(me["email"], "mia@example.com");
    assert_eq!(me["display_name"], "Mia");
    // Clearing the name.
    let me: Value = app
        .patch("/api/v1/me", json!({"display_name": ""}), &s.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(me["display_name"].is_null());
}

#[tokio::test]
async fn each_user_sees_only_their_own_account() {
    let app = TestApp::spawn().await;
    let a = app.register("nia@example.com").await;
    let b = app.register("oli@example.com").await;
    let me_a: Value = app
        .get("/api/v1/me", Some(&a.access))
        .await
        .json()
        .await
        .unwrap();
    let me_b: Value = app
        .get("/api/v1/me", Some(&b.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me_a["email"], "nia@example.com");
    assert_eq!(me_b["email"], "oli@example.com");
    app.patch("/api/v1/me", json!({"display_name": "Nia"}), &a.access)
        .await;
    let me_b: Value = app
        .get("/api/v1/me", Some(&b.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(me_b["display_name"].is_null());
}

#[tokio::test]
async fn change_password_revokes_other_sessions() {
    let app = TestApp::spawn().await;
    let s = app.register("pat@example.com").await;
    let other = app.login("pat@example.com", PASSWORD).await;
    let res = app
        .post(
            "/api/v1/me/password",
            json!({"current_password": "wrong-one-here", "new_password": "fresh-secret-22"}),
            Some(&s.access),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "current_password");
    let res = app
        .post(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "fresh-secret-22"}),
            Some(&s.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&s.access)).await.status(),
        StatusCode::OK,
        "current session kept"
    );
    assert_problem(
        app.get("/api/v1/me", Some(&other.access)).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": other.refresh}),
            None,
        )
        .await,
        401,
        "invalid_token",
    )
    .await;
    app.wait_email("pat@example.com", "password_changed").await;
    app.login("pat@example.com", "fresh-secret-22").await;
}

#[tokio::test]
async fn tampered_tokens_are_refused() {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let app = TestApp::spawn().await;
    let s = app.register("quin@example.com").await;
    let parts: Vec<&str> = s.access.split('.').collect();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    let mut forged_claims = claims.clone();
    forged_claims["sub"] = json!(uuid::Uuid::now_v7());
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged_claims.to_string()),
        parts[2]
    );
    let wrong_key = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"not-the-server-secret-not-the-server"),
    )
    .unwrap();
    for (token, why) in [
        (none.as_str(), "alg none"),
        (forged.as_str(), "bad signature"),
        (wrong_key.as_str(), "wrong key"),
        (s.refresh.as_str(), "refresh token as access token"),
        ("", "empty"),
        ("a.b.c", "garbage"),
    ] {
        let res = app.get("/api/v1/me", Some(token)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{why}");
    }
    // A reset token used as an access token.
    app.post(
        "/api/v1/auth/forgot-password",
        json!({"email": "quin@example.com"}),
        None,
    )
    .await;
    let reset = app.email_token("quin@example.com", "password_reset").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&reset)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // No token at all.
    assert_problem(app.get("/api/v1/me", None).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn rate_limits_per_address_and_per_account_without_locking_out_resets() {
    let app = TestApp::spawn_with(&[
        ("RATE_LIMIT_AUTH_PER_MIN", "6"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    app.register("ray@example.com").await;
    let attempt = |ip: &'static str| {
        let req = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", ip)
            .json(&json!({"email": "ray@example.com", "password": "wrong-guess-123"}));
        async move { req.send().await.unwrap() }
    };
    // Per address: the 7th attempt from one address is refused with Retry-After.
    let mut last = None;
    for _ in 0..7 {
        last = Some(attempt("203.0.113.1").await);
    }
    let res = last.unwrap();
    assert!(res.headers().get("retry-after").is_some());
    assert_problem(res, 429, "rate_limited").await;
    // Per account: spreading guesses over addresses still hits the account limit.
    let ips = [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
        "198.51.100.5",
        "198.51.100.6",
    ];
    let mut limited = false;
    for ip in ips {
        if attempt(ip).await.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
        }
    }
    assert!(limited, "per-account limit applies across addresses");
    // The victim can still ask for a reset from their own address.
    let res = app
        .client
        .post(app.url("/api/v1/auth/forgot-password"))
        .header("x-forwarded-for", "192.0.2.50")
        .json(&json!({"email": "ray@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    app.wait_email("ray@example.com", "password_reset").await;
}

#[tokio::test]
async fn spoofed_forwarded_for_does_not_bypass_limits() {
    let app = TestApp::spawn_with(&[("RATE_LIMIT_AUTH_PER_MIN", "3")]).await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let res = app
            .client
            .post(app.url("/api/v1/auth/forgot-password"))
            .header("x-forwarded-for", format!("10.9.9.{i}"))
            .json(&json!({"email": "x@example.com"}))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, vec![202, 202, 202, 429, 429]);
}

#[tokio::test]
async fn security_events_are_recorded_without_secrets() {
    use interviewos::entities::security_events;
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    app.register("sam@example.com").await;
    app.post(
        "/api/v1/auth/login",
        json!({"email": "sam@example.com", "password": "bad-password-1"}),
        None,
    )
    .await;
    app.login("sam@example.com", PASSWORD).await;
    let events = security_events::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    for k in ["registered", "login_failed", "login"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let dump = format!("{events:?}");
    assert!(
        !dump.contains("sam@example.com")
            && !dump.contains(PASSWORD)
            && !dump.contains("bad-password-1")
    );
    assert!(events.iter().all(|e| e.ip.as_deref() == Some("127.0.0.1")));
}

/// Logout and refresh refuse a body refresh token longer than the documented 256 characters with 422
/// (it can never be a token this API issued), and nothing is revoked.
#[tokio::test]
async fn an_overlong_refresh_token_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let s = app.register("longtoken@example.com").await;
    let long = "x".repeat(257);
    for path in ["/api/v1/auth/logout", "/api/v1/auth/refresh"] {
        let body = assert_problem(
            app.post(path, json!({"refresh_token": long}), Some(&s.access))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(
            body["errors"][0]["field"], "refresh_token",
            "{path}: {body}"
        );
    }
    // The session is untouched: the access and refresh tokens still work.
    assert_eq!(
        app.get("/api/v1/me", Some(&s.access)).await.status(),
        StatusCode::OK
    );
    let res = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// Forgot-password checks the address like registration does: malformed or over-long addresses are
/// 422 (no account can have them, so this reveals nothing), well-formed ones always 202.
#[tokio::test]
async fn forgot_password_validates_the_email_like_register() {
    let app = TestApp::spawn().await;
    let too_long = format!("{}@example.com", "a".repeat(250));
    for email in ["not-an-email", "", "a b@example.com", too_long.as_str()] {
        let body = assert_problem(
            app.post(
                "/api/v1/auth/forgot-password",
                json!({"email": email}),
                None,
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "email", "{email:?}: {body}");
    }
    let res = app
        .post(
            "/api/v1/auth/forgot-password",
            json!({"email": "nobody-here@example.com"}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
}
