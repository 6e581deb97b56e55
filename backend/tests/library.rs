//! The question library: roles, filters, search, pagination, detail visibility, admin management.
mod common;

use std::collections::HashSet;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn page(app: &TestApp, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/questions?{query}"), None).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn roles_list_with_counts() {
    let app = TestApp::spawn().await;
    let body: Value = app.get("/api/v1/roles", None).await.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert!(items.len() >= 12);
    let slugs: Vec<&str> = items.iter().map(|r| r["slug"].as_str().unwrap()).collect();
    for s in [
        "software-engineer-backend",
        "product-manager",
        "management-consultant",
        "general-behavioral",
    ] {
        assert!(slugs.contains(&s), "{s}");
    }
    assert!(
        items
            .iter()
            .all(|r| r["question_count"].as_i64().unwrap() >= 20),
        "{body}"
    );
}

#[tokio::test]
async fn filters_combine_and_pages_cover_everything_once() {
    let app = TestApp::spawn().await;
    let body = page(
        &app,
        "role=management-consultant&category=case&difficulty=hard",
    )
    .await;
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for q in items {
        assert_eq!(q["category"], "case");
        assert_eq!(q["difficulty"], "hard");
        assert!(
            q["roles"]
                .as_array()
                .unwrap()
                .contains(&json!("management-consultant"))
        );
        assert!(q["case_type"].is_string());
        assert!(q.get("model_answer").is_none() && q.get("key_points").is_none());
    }
    let body = page(&app, "industry=healthcare").await;
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["industry"] == "healthcare")
    );
    // Walk every page of one role with a small limit: no duplicates, nothing missing.
    let total = {
        let roles: Value = app.get("/api/v1/roles", None).await.json().await.unwrap();
        roles["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["slug"] == "data-analyst")
            .unwrap()["question_count"]
            .as_i64()
            .unwrap()
    };
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("role=data-analyst&limit=7&cursor={c}"),
            None => "role=data-analyst&limit=7".into(),
        };
        let body = page(&app, &q).await;
        for item in body["items"].as_array().unwrap() {
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_owned()),
                "duplicate"
            );
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, total);
}

#[tokio::test]
async fn topic_filter_and_full_text_search() {
    let app = TestApp::spawn().await;
    let all = page(&app, "limit=100").await;
    let topic = all["items"][0]["topics"][0].as_str().unwrap().to_owned();
    let body = page(&app, &format!("topic={topic}&limit=100")).await;
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["topics"].as_array().unwrap().contains(&json!(topic)))
    );
    // Search finds a word from a prompt, case-insensitively, and with stemming.
    let body = page(&app, "q=Profitability&limit=100").await;
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let body = page(&app, "q=zzzqqqxxnotaword").await;
    assert!(body["items"].as_array().unwrap().is_empty());
    // Hostile search syntax is just text.
    let body = page(&app, "q=%22%20OR%20*%20NEAR(").await;
    assert!(body["items"].is_array());
    // Search combines with filters.
    let body = page(&app, "q=market&category=case&limit=100").await;
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["category"] == "case")
    );
}

#[tokio::test]
async fn bad_filters_are_validation_errors() {
    let app = TestApp::spawn().await;
    for q in [
        "category=poetry",
        "difficulty=extreme",
        "limit=0",
        "limit=101",
        "cursor=%%%",
        "role=astronaut",
        "unknown=1",
    ] {
        let res = app.get(&format!("/api/v1/questions?{q}"), None).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    // Longer than the documented maxLength (64, 64, 64, 200, 512): refused, not silently searched.
    let long = |n: usize| "a".repeat(n);
    for (field, q) in [
        ("role", format!("role={}", long(65))),
        ("industry", format!("industry={}", long(65))),
        ("topic", format!("topic={}", long(65))),
        ("q", format!("q={}", long(201))),
        ("cursor", format!("cursor={}", long(513))),
    ] {
        let res = app.get(&format!("/api/v1/questions?{q}"), None).await;
        let body = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    // At the limit they are ordinary filters.
    for q in [format!("topic={}", long(64)), format!("q={}", long(200))] {
        let res = app.get(&format!("/api/v1/questions?{q}"), None).await;
        assert_eq!(res.status(), StatusCode::OK, "{q}");
    }
    for q in ["unknown=1"] {
        let res = app.get(&format!("/api/v1/questions?{q}"), None).await;
        assert_problem(res, 422, "validation_failed").await;
    }
    assert_problem(
        app.get("/api/v1/questions/not-a-uuid", None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/questions/{}", uuid::Uuid::now_v7()), None)
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn solution_is_hidden_until_the_user_answered() {
    let app = TestApp::spawn().await;
    let s = app.register("lib@example.com").await;
    let session: Value = app
        .post("/api/v1/sessions", json!({"role": "management-consultant", "category": "case", "question_count": 1, "mode": "text"}), Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    let qid = session["questions"][0]["question"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before: Value = app
        .get(&format!("/api/v1/questions/{qid}"), Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["answered"], false);
    assert!(
        before["key_points"].is_null()
            && before["model_answer"].is_null()
            && before["solution"].is_null()
    );
    assert!(
        !before["case"]["exhibits"].as_array().unwrap().is_empty(),
        "exhibits are shown"
    );
    assert!(before["case"].get("calculations").is_none());
    let sid = session["id"].as_str().unwrap();
    let res = app
        .post(&format!("/api/v1/sessions/{sid}/answers"), json!({"question_id": qid, "text": "I would structure this by revenue and costs.", "duration_seconds": 60}), Some(&s.access))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let after: Value = app
        .get(&format!("/api/v1/questions/{qid}"), Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["answered"], true);
    assert!(after["key_points"].as_array().unwrap().len() >= 2);
    assert!(after["model_answer"].as_str().unwrap().len() > 80);
    assert!(after["solution"]["calculations"].as_array().is_some());
    // Anonymous and other users still don't see it.
    let anon: Value = app
        .get(&format!("/api/v1/questions/{qid}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(anon["model_answer"].is_null());
    let other = app.register("other-lib@example.com").await;
    let theirs: Value = app
        .get(&format!("/api/v1/questions/{qid}"), Some(&other.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["model_answer"].is_null());
    // A bad token on an optional-auth route is refused, not ignored.
    assert_eq!(
        app.get(&format!("/api/v1/questions/{qid}"), Some("garbage"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

fn new_question(id: &str) -> Value {
    json!({
        "id": id,
        "roles": ["software-engineer-backend"],
        "category": "technical",
        "difficulty": "medium",
        "topics": ["caching"],
        "prompt": "How would you choose a cache eviction policy for a read-heavy API?",
        "key_points": [
            {"point": "Explains LRU and LFU", "keywords": ["lru", "lfu", "least recently used"]},
            {"point": "Measures hit ratio", "keywords": ["hit ratio", "hit rate"]}
        ],
        "rubric": {
            "correctness": "Describes eviction policies accurately.",
            "depth": "Connects the policy to the access pattern.",
            "tradeoffs": "Weighs memory, complexity and hit ratio.",
            "clarity": "Explains the choice in a clear order."
        },
        "time_limit_seconds": 180,
        "model_answer": "I would start from the access pattern. For a read-heavy API with a skewed popularity distribution, LRU is a good default because recently read keys are likely to be read again, and I would measure the hit ratio before tuning."
    })
}

#[tokio::test]
async fn admins_manage_questions_and_others_are_forbidden() {
    let app = TestApp::spawn().await;
    let user = app.register("plain@example.com").await;
    let res = app
        .post(
            "/api/v1/admin/questions",
            new_question("adm-001"),
            Some(&user.access),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let admin_id = interviewos::accounts::service::create_admin(
        &app.state,
        "admin@example.com",
        "admin-passphrase-long".into(),
    )
    .await
    .unwrap();
    assert!(!admin_id.is_nil());
    let admin = app
        .login("admin@example.com", "admin-passphrase-long")
        .await;
    // Validation: rubric keys must match the category.
    let mut bad = new_question("adm-002");
    bad["rubric"] = json!({"structure": "nope nope nope"});
    let body = assert_problem(
        app.post("/api/v1/admin/questions", bad, Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "rubric")
    );
    let mut bad_role = new_question("adm-003");
    bad_role["roles"] = json!(["astronaut"]);
    assert_problem(
        app.post("/api/v1/admin/questions", bad_role, Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    // Create.
    let res = app
        .post(
            "/api/v1/admin/questions",
            new_question("adm-001"),
            Some(&admin.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_problem(
        app.post(
            "/api/v1/admin/questions",
            new_question("adm-001"),
            Some(&admin.access),
        )
        .await,
        409,
        "question_exists",
    )
    .await;
    let found = page(&app, "topic=caching").await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["id"] == id.as_str())
    );
    // Patch (unanswered: in place).
    let res = app
        .patch(
            &format!("/api/v1/admin/questions/{id}"),
            json!({"difficulty": "hard"}),
            &admin.access,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let patched: Value = res.json().await.unwrap();
    assert_eq!(
        (patched["id"].as_str(), patched["difficulty"].as_str()),
        (Some(id.as_str()), Some("hard"))
    );
    let res = app
        .patch(
            &format!("/api/v1/admin/questions/{id}"),
            json!({"time_limit_seconds": 5}),
            &admin.access,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    let res = app
        .patch(
            &format!("/api/v1/admin/questions/{id}"),
            json!({"role": "admin"}),
            &admin.access,
        )
        .await;
    assert_problem(res, 422, "validation_failed").await;
    // Answered, then patched: a new version; the old one stays for history.
    let s: Value = app
        .post(
            "/api/v1/sessions",
            json!({"role": "software-engineer-backend", "question_ids": [id], "mode": "text"}),
            Some(&user.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let sid = s["id"].as_str().unwrap();
    let res = app
        .post(&format!("/api/v1/sessions/{sid}/answers"), json!({"question_id": id, "text": "LRU, measured by hit ratio.", "duration_seconds": 30}), Some(&user.access))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = app.patch(&format!("/api/v1/admin/questions/{id}"), json!({"prompt": "How would you choose and tune a cache eviction policy for a read-heavy API?"}), &admin.access).await;
    let v2: Value = res.json().await.unwrap();
    assert_ne!(v2["id"], id.as_str());
    assert_eq!(v2["version"], 2);
    let old: Value = app
        .get(&format!("/api/v1/questions/{id}"), Some(&user.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(old["retired"], true);
    assert!(
        old["prompt"]
            .as_str()
            .unwrap()
            .starts_with("How would you choose a cache")
    );
    let session: Value = app
        .get(&format!("/api/v1/sessions/{sid}"), Some(&user.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        session["questions"][0]["question"]["id"],
        id.as_str(),
        "history keeps the answered version"
    );
    // Delete: the answered old version is gone from the library already; deleting v2 (unanswered) removes it.
    let v2id = v2["id"].as_str().unwrap();
    assert_eq!(
        app.delete(
            &format!("/api/v1/admin/questions/{v2id}"),
            None,
            &admin.access
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.get(&format!("/api/v1/questions/{v2id}"), None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.delete(
            &format!("/api/v1/admin/questions/{v2id}"),
            None,
            &admin.access,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn deleting_an_answered_question_retires_it() {
    let app = TestApp::spawn().await;
    interviewos::accounts::service::create_admin(
        &app.state,
        "admin2@example.com",
        "admin-passphrase-long".into(),
    )
    .await
    .unwrap();
    let admin = app
        .login("admin2@example.com", "admin-passphrase-long")
        .await;
    let user = app.register("u2@example.com").await;
    let s: Value = app
        .post(
            "/api/v1/sessions",
            json!({"role": "sales", "question_count": 1, "mode": "text"}),
            Some(&user.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let qid = s["questions"][0]["question"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sid = s["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/sessions/{sid}/answers"),
        json!({"question_id": qid, "text": "My answer.", "duration_seconds": 20}),
        Some(&user.access),
    )
    .await;
    assert_eq!(
        app.delete(
            &format!("/api/v1/admin/questions/{qid}"),
            None,
            &admin.access
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    let q: Value = app
        .get(&format!("/api/v1/questions/{qid}"), Some(&user.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["retired"], true);
    let listed = page(&app, "role=sales&limit=100").await;
    assert!(
        !listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == qid.as_str())
    );
}

#[tokio::test]
async fn the_library_sync_is_idempotent() {
    let app = TestApp::spawn().await;
    let report = interviewos::seed_library(&app.state.db).await.unwrap();
    assert_eq!(
        report.inserted + report.updated + report.versioned + report.retired,
        0,
        "{report:?}"
    );
    assert!(report.unchanged >= 440);
}

/// A case's `expected_structure` holds lines of text or `{branch: detail}` maps: the schema says so
/// (an item is a string or an object, not "an object"), and the admin API accepts exactly that.
#[tokio::test]
async fn case_expected_structure_is_text_or_branch_maps() {
    let app = TestApp::spawn().await;
    let spec: Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let schemas = &spec["components"]["schemas"];
    for owner in ["CaseData", "CaseSolution"] {
        let items = &schemas[owner]["properties"]["expected_structure"]["items"];
        let name = items["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next();
        let item = &schemas[name.unwrap_or_default()];
        let types: Vec<&Value> = item["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{owner}.expected_structure items: {items} {item}"))
            .iter()
            .map(|v| &v["type"])
            .collect();
        assert_eq!(types, vec![&json!("string"), &json!("object")], "{owner}");
    }

    interviewos::accounts::service::create_admin(
        &app.state,
        "cases@example.com",
        "admin-passphrase-long".into(),
    )
    .await
    .unwrap();
    let admin = app
        .login("cases@example.com", "admin-passphrase-long")
        .await;
    let id = page(&app, "category=case&limit=1").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut case: Value = app
        .get(
            &format!("/api/v1/admin/questions/{id}"),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    case["id"] = json!("case-structure-1");
    case["case"]["expected_structure"] = json!(["Costs", {"Revenue": ["price", "volume"]}]);
    let res = app
        .post("/api/v1/admin/questions", case.clone(), Some(&admin.access))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let stored: Value = app
        .get(
            &format!(
                "/api/v1/admin/questions/{}",
                created["id"].as_str().unwrap()
            ),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        stored["case"]["expected_structure"],
        json!(["Costs", {"Revenue": ["price", "volume"]}])
    );
    case["id"] = json!("case-structure-2");
    case["case"]["expected_structure"] = json!(["Costs", 42]);
    assert_problem(
        app.post("/api/v1/admin/questions", case, Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
}
