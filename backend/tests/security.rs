//! Fixes from the security review: no live tokens at rest or in exports, event streams that end with
//! their session or token, reset links that die with a password change, limited password re-checks,
//! canonical email addresses, an absolute session lifetime, and safe display names.
mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn export(app: &TestApp, token: &str) -> Value {
    let res = app.get("/api/v1/me/export", Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    serde_json::from_slice(&res.bytes().await.unwrap()).expect("export is JSON")
}

#[tokio::test]
async fn no_export_and_no_stored_email_holds_a_usable_token() {
    use interviewos::entities::emails;
    let app = TestApp::spawn().await;
    let s = app.register("owner@example.com").await;
    let res = app
        .post(
            "/api/v1/auth/forgot-password",
            json!({"email": "owner@example.com"}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    // The delivered messages carry the links.
    let reset = app.email_token("owner@example.com", "password_reset").await;
    let verify = app.email_token("owner@example.com", "verify_email").await;
    assert!(reset.len() >= 40 && verify.len() >= 40);

    // Nothing stored carries them, nor any other link with a token.
    let rows = emails::Entity::find().all(&app.state.db).await.unwrap();
    assert!(rows.len() >= 2);
    for r in &rows {
        for body in [&r.text_body, &r.html_body] {
            assert!(
                !body.contains(&reset) && !body.contains(&verify),
                "{}",
                r.template
            );
            assert!(!body.contains("token="), "{}: {body}", r.template);
        }
    }

    // The export lists emails as metadata only and holds neither token.
    let doc = export(&app, &s.access).await;
    let text = doc.to_string();
    assert!(!text.contains(&reset) && !text.contains(&verify));
    assert!(
        !text.contains("token="),
        "no link with a token in the export"
    );
    let emails = doc["emails"].as_array().unwrap();
    assert!(emails.len() >= 2);
    for e in emails {
        assert!(
            e.get("text_body").is_none() && e.get("html_body").is_none(),
            "{e}"
        );
        assert!(e["template"].is_string() && e["subject"].is_string() && e["status"].is_string());
    }

    // Whatever an export holds cannot reset the password: try every string in it as a token.
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let mut candidates = Vec::new();
    strings(&doc, &mut candidates);
    for c in candidates
        .iter()
        .filter(|c| c.len() >= 20 && c.len() <= 200)
    {
        let res = app
            .post(
                "/api/v1/auth/reset-password",
                json!({"token": c, "password": "attacker-chosen-pass-1"}),
                None,
            )
            .await;
        assert_ne!(
            res.status(),
            StatusCode::NO_CONTENT,
            "export string reset the password"
        );
    }
    app.login("owner@example.com", PASSWORD).await;
    // The delivered link still works for its owner.
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": reset, "password": "owner-new-passphrase"}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_password_change_ends_every_outstanding_reset_link() {
    let app = TestApp::spawn().await;
    let s = app.register("lin@example.com").await;
    app.post(
        "/api/v1/auth/forgot-password",
        json!({"email": "lin@example.com"}),
        None,
    )
    .await;
    let token = app.email_token("lin@example.com", "password_reset").await;
    let res = app
        .post(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "changed-by-owner-1"}),
            Some(&s.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .post(
            "/api/v1/auth/reset-password",
            json!({"token": token, "password": "attacker-chosen-pass-1"}),
            None,
        )
        .await;
    assert_problem(res, 400, "invalid_token").await;
    app.login("lin@example.com", "changed-by-owner-1").await;
}

#[tokio::test]
async fn password_rechecks_are_limited_per_account_and_audited() {
    use interviewos::entities::security_events;
    let app = TestApp::spawn().await;
    let s = app.register("guess@example.com").await;
    let mut limited = None;
    for i in 0..8 {
        let res = app
            .post(
                "/api/v1/me/password",
                json!({"current_password": format!("wrong-guess-{i}"), "new_password": "whatever-new-pass-1"}),
                Some(&s.access),
            )
            .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(res.headers().contains_key("retry-after"));
            limited = Some(i);
            break;
        }
        assert_problem(res, 422, "validation_failed").await;
    }
    assert_eq!(limited, Some(5), "five guesses, then 429");
    // Deleting the account re-checks the password under the same limit.
    let res = app
        .delete("/api/v1/me", Some(json!({"password": PASSWORD})), &s.access)
        .await;
    assert_problem(res, 429, "rate_limited").await;
    let failures = security_events::Entity::find()
        .filter(security_events::Column::Kind.eq("password_recheck_failed"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(failures.len(), 5);
    assert!(!format!("{failures:?}").contains("wrong-guess"));
    // Another account is not affected.
    let other = app.register("other@example.com").await;
    let res = app
        .post(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "whatever-new-pass-1"}),
            Some(&other.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn unicode_twins_of_an_address_are_one_account() {
    let app = TestApp::spawn().await;
    let s = app.register("josé@example.com").await;
    assert_eq!(s.body["user"]["email"], "josé@example.com");
    for twin in [
        "jose\u{301}@example.com",
        "JOSÉ@EXAMPLE.COM",
        "josé@ex\u{ff41}mple.com",
    ] {
        let res = app
            .post(
                "/api/v1/auth/register",
                json!({"email": twin, "password": PASSWORD}),
                None,
            )
            .await;
        assert_problem(res, 409, "email_taken").await;
        // Sign-in accepts every spelling of the one address.
        app.login(twin, PASSWORD).await;
    }
}

#[tokio::test]
async fn device_sessions_have_an_absolute_lifetime() {
    use interviewos::entities::auth_sessions;
    let app = TestApp::spawn_with(&[("SESSION_MAX_AGE_DAYS", "1")]).await;
    let s = app.register("old@example.com").await;
    // Fresh sessions refresh as usual.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": s.refresh}),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let fresh = Session::from(res.json::<Value>().await.unwrap());
    // The refresh token never outlives the session.
    let rows = interviewos::entities::refresh_tokens::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    let session = auth_sessions::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    for r in &rows {
        assert!(r.expires_at <= session.created_at + chrono::Duration::days(1));
    }
    // A day later the session is over, however often it was refreshed.
    let mut am: auth_sessions::ActiveModel = session.into();
    am.created_at = Set(chrono::Utc::now() - chrono::Duration::hours(25));
    am.update(&app.state.db).await.unwrap();
    let res = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": fresh.refresh}),
            None,
        )
        .await;
    assert_problem(res, 401, "invalid_token").await;
    assert_problem(
        app.get("/api/v1/me", Some(&fresh.access)).await,
        401,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn display_names_refuse_formatting_characters() {
    let app = TestApp::spawn().await;
    let s = app.register("bidi@example.com").await;
    for name in ["Ada\u{202E}nimda", "Ada\u{200B}", "\u{2066}Ada"] {
        let res = app
            .patch("/api/v1/me", json!({"display_name": name}), &s.access)
            .await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "display_name");
    }
    let res = app
        .patch("/api/v1/me", json!({"display_name": "José Ærø"}), &s.access)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn open_stream(app: &TestApp, token: &str, sid: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/sessions/{sid}/events")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn new_session(app: &TestApp, token: &str) -> (String, String) {
    let res = app
        .post(
            "/api/v1/sessions",
            json!({"role": "sales", "category": "situational", "question_count": 2, "mode": "text"}),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    (
        v["id"].as_str().unwrap().to_owned(),
        v["questions"][0]["question"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// Reads a stream until it ends; returns the event names seen, or `None` if it was still open at the
/// deadline.
async fn until_closed(mut res: reqwest::Response, within: Duration) -> Option<Vec<String>> {
    let deadline = tokio::time::Instant::now() + within;
    let mut names = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, res.chunk()).await {
            Err(_) => return None,
            Ok(Ok(Some(chunk))) => {
                let text = String::from_utf8_lossy(&chunk);
                names.extend(
                    text.lines()
                        .filter_map(|l| l.strip_prefix("event: "))
                        .map(str::to_owned),
                );
            }
            Ok(_) => return Some(names),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_stream_ends_when_its_session_is_revoked() {
    for revoke in ["password", "logout_all", "delete"] {
        let app = TestApp::spawn().await;
        let email = format!("{revoke}@example.com");
        let t1 = app.register(&email).await;
        let t2 = app.login(&email, PASSWORD).await;
        let (sid, qid) = new_session(&app, &t1.access).await;
        let stream = open_stream(&app, &t1.access, &sid).await;
        assert_eq!(stream.status(), StatusCode::OK);
        let res = match revoke {
            "password" => {
                app.post(
                    "/api/v1/me/password",
                    json!({"current_password": PASSWORD, "new_password": "new-secret-for-t2"}),
                    Some(&t2.access),
                )
                .await
            }
            "logout_all" => {
                app.post("/api/v1/auth/logout-all", json!({}), Some(&t2.access))
                    .await
            }
            _ => {
                app.delete(
                    "/api/v1/me",
                    Some(json!({"password": PASSWORD})),
                    &t2.access,
                )
                .await
            }
        };
        assert!(res.status().is_success(), "{revoke}: {}", res.status());
        // A new answer from the still-valid device would be evaluated; the revoked stream must not
        // carry it.
        if revoke == "password" {
            let res = app
                .post(
                    &format!("/api/v1/sessions/{sid}/answers"),
                    json!({"question_id": qid, "text": "I would ask what the customer needs first.", "duration_seconds": 60}),
                    Some(&t2.access),
                )
                .await;
            assert_eq!(res.status(), StatusCode::ACCEPTED);
        }
        let names = until_closed(stream, Duration::from_secs(8))
            .await
            .unwrap_or_else(|| panic!("{revoke}: the stream stayed open"));
        assert!(
            !names.iter().any(|n| n == "evaluation"),
            "{revoke}: no evaluation after revocation: {names:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_ends_when_its_access_token_expires() {
    let app = TestApp::spawn_with(&[("ACCESS_TOKEN_TTL_SECS", "2")]).await;
    let s = app.register("short@example.com").await;
    let (sid, _) = new_session(&app, &s.access).await;
    let stream = open_stream(&app, &s.access, &sid).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        until_closed(stream, Duration::from_secs(10))
            .await
            .is_some(),
        "the stream outlived its token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_streams_are_capped_per_account() {
    let app = TestApp::spawn().await;
    let s = app.register("tabs@example.com").await;
    let (sid, _) = new_session(&app, &s.access).await;
    let mut open = Vec::new();
    for _ in 0..5 {
        let res = open_stream(&app, &s.access, &sid).await;
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    assert_problem(
        open_stream(&app, &s.access, &sid).await,
        429,
        "rate_limited",
    )
    .await;
    // Another account is unaffected; closing one stream frees a slot.
    let other = app.register("tabs2@example.com").await;
    let (sid2, _) = new_session(&app, &other.access).await;
    assert_eq!(
        open_stream(&app, &other.access, &sid2).await.status(),
        StatusCode::OK
    );
    drop(open.pop());
    let mut reopened = None;
    // The server notices a closed connection on a write (the 5 s keep-alive), within two of them.
    for _ in 0..150 {
        let res = open_stream(&app, &s.access, &sid).await;
        if res.status() == StatusCode::OK {
            reopened = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed stream frees its slot");
}
