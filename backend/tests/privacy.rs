//! Data rights: activity, export completeness, account deletion and the purge (with a fake clock),
//! the training opt-out, and the admin audit log.
mod common;

use std::collections::{BTreeSet, HashMap};

use common::*;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

async fn practise(app: &TestApp, s: &Session, n: u32) -> Vec<String> {
    let ses: Value = app
        .post(
            "/api/v1/sessions",
            json!({"role": "sales", "question_count": n, "mode": "text"}),
            Some(&s.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let sid = ses["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for q in ses["questions"].as_array().unwrap() {
        let a: Value = app
            .post(&format!("/api/v1/sessions/{sid}/answers"), json!({"question_id": q["question"]["id"], "text": "I would ask what success looks like for them, then quantify the value.", "duration_seconds": 90}), Some(&s.access))
            .await
            .json()
            .await
            .unwrap();
        ids.push(a["id"].as_str().unwrap().to_owned());
    }
    for id in &ids {
        for _ in 0..200 {
            let e: Value = app
                .get(&format!("/api/v1/answers/{id}/evaluation"), Some(&s.access))
                .await
                .json()
                .await
                .unwrap();
            if e["status"] == "completed" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }
    app.post(
        &format!("/api/v1/sessions/{sid}/complete"),
        json!({}),
        Some(&s.access),
    )
    .await;
    ids
}

/// Every table with a `user_id` column, from the live schema.
async fn user_tables(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let sql = if is_postgres() {
        "SELECT table_name AS name FROM information_schema.columns WHERE column_name = 'user_id' AND table_schema = current_schema() ORDER BY 1"
    } else {
        "SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'user_id' ORDER BY 1"
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect()
}

async fn count_rows(app: &TestApp, table: &str, user_id: &str) -> i64 {
    let db = &app.state.db;
    let uid: uuid::Uuid = user_id.parse().unwrap();
    let sql = if is_postgres() {
        format!("SELECT COUNT(*) AS n FROM {table} WHERE user_id = $1")
    } else {
        format!("SELECT COUNT(*) AS n FROM {table} WHERE user_id = ?")
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [uid.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn the_export_holds_every_row_of_the_user_and_nothing_of_anyone_else() {
    let app = TestApp::spawn().await;
    let me = app.verified_user("me@example.com").await;
    let other = app.verified_user("other@example.com").await;
    practise(&app, &me, 2).await;
    practise(&app, &other, 2).await;
    app.post(
        "/api/v1/auth/login",
        json!({"email": "me@example.com", "password": "wrong-one-123"}),
        None,
    )
    .await;
    let res = app.get("/api/v1/me/export", Some(&me.access)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cd = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cd.starts_with("attachment; filename=\"interviewos-export-"),
        "{cd}"
    );
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["account"]["email"], "me@example.com");
    assert!(doc["account"].get("password_hash").is_none());
    let text = doc.to_string();
    assert!(
        !text.contains("other@example.com") && !text.contains(&other.user_id),
        "nothing of anyone else"
    );
    assert!(!text.contains("token_hash") && !text.contains("password_hash"));
    // Completeness: every table with a user_id is exported in full.
    let sections: HashMap<&str, &str> = interviewos::privacy::export::EXPORT_TABLES
        .iter()
        .copied()
        .collect();
    let tables = user_tables(&app).await;
    assert!(tables.len() >= 11, "{tables:?}");
    for table in &tables {
        let section = sections
            .get(table.as_str())
            .unwrap_or_else(|| panic!("table {table} has user data but no export section"));
        let rows = doc[*section]
            .as_array()
            .unwrap_or_else(|| panic!("section {section} missing"));
        let expected = count_rows(&app, table, &me.user_id).await;
        assert_eq!(rows.len() as i64, expected, "{table} → {section}");
        assert!(
            rows.iter().all(|r| r["user_id"] == me.user_id.as_str()),
            "{section} holds only my rows"
        );
    }
    assert!(doc["answers"].as_array().unwrap().len() >= 2);
    assert_eq!(doc["session_questions"].as_array().unwrap().len(), 2);
    // The export itself is recorded.
    let act: Value = app
        .get("/api/v1/me/activity", Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = act["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "data_exported");
    assert!(kinds.contains(&"login_failed") && kinds.contains(&"registered"));
    assert!(act["items"][0]["ip"].is_string() && act["items"][0]["created_at"].is_string());
}

#[tokio::test]
async fn activity_is_paginated_and_private() {
    let app = TestApp::spawn().await;
    let me = app.register("act@example.com").await;
    for _ in 0..5 {
        app.login("act@example.com", PASSWORD).await;
    }
    let first: Value = app
        .get("/api/v1/me/activity?limit=4", Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let c = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/api/v1/me/activity?limit=4&cursor={c}"),
            Some(&me.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        second["items"].as_array().unwrap().len(),
        2,
        "6 events: registered + 5 logins"
    );
    assert!(second["next_cursor"].is_null());
    let other = app.register("act2@example.com").await;
    let theirs: Value = app
        .get("/api/v1/me/activity", Some(&other.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn deletion_ends_access_at_once_and_the_purge_erases_after_the_grace_period() {
    let app = TestApp::spawn_with(&[("DELETION_GRACE_DAYS", "7")]).await;
    let me = app.verified_user("gone@example.com").await;
    let keep = app.verified_user("stay@example.com").await;
    practise(&app, &me, 2).await;
    practise(&app, &keep, 1).await;
    let other_device = app.login("gone@example.com", PASSWORD).await;
    // Wrong password: nothing happens.
    let res = app
        .delete(
            "/api/v1/me",
            Some(json!({"password": "not-my-password"})),
            &me.access,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .delete(
            "/api/v1/me",
            Some(json!({"password": PASSWORD})),
            &me.access,
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert!(body["purge_after"].is_string());
    // Every token dead, sign-in refused, email not yet free.
    for s in [&me, &other_device] {
        assert_eq!(
            app.get("/api/v1/me", Some(&s.access)).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.post(
                "/api/v1/auth/refresh",
                json!({"refresh_token": s.refresh}),
                None
            )
            .await
            .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_problem(
        app.post(
            "/api/v1/auth/login",
            json!({"email": "gone@example.com", "password": PASSWORD}),
            None,
        )
        .await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/register",
            json!({"email": "gone@example.com", "password": PASSWORD}),
            None,
        )
        .await,
        409,
        "email_taken",
    )
    .await;
    app.wait_email("gone@example.com", "account_deleted").await;

    let db = &app.state.db;
    let now = chrono::Utc::now();
    // Before the grace period ends: nothing is purged.
    assert_eq!(
        interviewos::privacy::purge::purge_due(
            db,
            &app.state.settings,
            now + chrono::Duration::days(6)
        )
        .await
        .unwrap(),
        0
    );
    assert!(count_rows(&app, "answers", &me.user_id).await > 0);
    // After it: no personal data of the user remains in any table.
    let before_other: HashMap<String, i64> = {
        let mut m = HashMap::new();
        for t in user_tables(&app).await {
            let n = count_rows(&app, &t, &keep.user_id).await;
            m.insert(t, n);
        }
        m
    };
    assert_eq!(
        interviewos::privacy::purge::purge_due(
            db,
            &app.state.settings,
            now + chrono::Duration::days(8)
        )
        .await
        .unwrap(),
        1
    );
    for t in user_tables(&app).await {
        assert_eq!(
            count_rows(&app, &t, &me.user_id).await,
            0,
            "{t} still holds the user's rows"
        );
        assert_eq!(
            count_rows(&app, &t, &keep.user_id).await,
            before_other[&t],
            "{t}: other users untouched"
        );
    }
    let uid: uuid::Uuid = me.user_id.parse().unwrap();
    let row = interviewos::entities::users::Entity::find_by_id(uid);
    use sea_orm::EntityTrait;
    let u = row.one(db).await.unwrap().unwrap();
    assert!(
        u.email.ends_with("@deleted.invalid") && u.display_name.is_none() && u.purged_at.is_some()
    );
    let dump = format!("{u:?}");
    assert!(!dump.contains("gone@example.com"));
    // No email address or IP of the user anywhere in the emails or events tables.
    for t in ["emails", "security_events"] {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {t} WHERE {} LIKE '%gone@example.com%'",
            if t == "emails" { "to_address" } else { "kind" }
        );
        let n = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(n, 0);
    }
    // Re-runnable; the address is free again.
    assert_eq!(
        interviewos::privacy::purge::purge_due(
            db,
            &app.state.settings,
            now + chrono::Duration::days(9)
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(
        app.post(
            "/api/v1/auth/register",
            json!({"email": "gone@example.com", "password": PASSWORD}),
            None
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    // The other user still works.
    assert_eq!(
        app.get("/api/v1/me", Some(&keep.access)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn admins_read_the_audit_log_and_others_cannot() {
    let app = TestApp::spawn().await;
    let user = app.register("aud@example.com").await;
    assert_problem(
        app.get("/api/v1/admin/audit", Some(&user.access)).await,
        403,
        "forbidden",
    )
    .await;
    interviewos::accounts::service::create_admin(
        &app.state,
        "root@example.com",
        "admin-passphrase-long".into(),
    )
    .await
    .unwrap();
    let admin = app.login("root@example.com", "admin-passphrase-long").await;
    let page: Value = app
        .get("/api/v1/admin/audit?kind=registered", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["user_id"] == user.user_id.as_str()));
    assert!(items.iter().all(|i| i["kind"] == "registered"));
    // A filter longer than its documented maxLength (kind 40, cursor 512) is refused.
    for (field, q) in [
        ("kind", format!("kind={}", "k".repeat(41))),
        ("cursor", format!("cursor={}", "c".repeat(513))),
    ] {
        let body = assert_problem(
            app.get(&format!("/api/v1/admin/audit?{q}"), Some(&admin.access))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    let kinds: BTreeSet<String> = {
        let all: Value = app
            .get("/api/v1/admin/audit?limit=100", Some(&admin.access))
            .await
            .json()
            .await
            .unwrap();
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(kinds.contains("login") && kinds.contains("admin_created"));
}
