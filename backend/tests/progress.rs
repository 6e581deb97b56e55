//! The progress report, checked against hand-computed figures on a fixed dataset.
mod common;

use chrono::NaiveDate;
use common::*;
use interviewos::progress::{ProgressFilter, compute, record};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn dims(scores: &[(&str, f32)]) -> Vec<interviewos_grader::DimensionScore> {
    scores
        .iter()
        .map(|(k, s)| interviewos_grader::DimensionScore {
            key: (*k).into(),
            name: k.to_uppercase(),
            score: *s,
            comment: String::new(),
        })
        .collect()
}

#[tokio::test]
async fn an_empty_history_is_all_zeros_with_starter_recommendations() {
    let app = TestApp::spawn().await;
    let s = app.register("empty@example.com").await;
    let p: Value = app
        .get("/api/v1/progress", Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        p["totals"],
        json!({"sessions": 0, "answers": 0, "practice_seconds": 0})
    );
    assert!(p["average_score"].is_null());
    assert_eq!(p["streak"], json!({"current_days": 0, "longest_days": 0}));
    assert!(
        p["timeline"].as_array().unwrap().is_empty()
            && p["dimensions"].as_array().unwrap().is_empty()
    );
    let p: Value = app
        .get("/api/v1/progress?role=sales", Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !p["recommended_questions"].as_array().unwrap().is_empty(),
        "a starting point for the role"
    );
    assert_problem(
        app.get("/api/v1/progress?role=astronaut", Some(&s.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get(
            "/api/v1/progress?from=2026-02-01&to=2026-01-01",
            Some(&s.access),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get("/api/v1/progress?from=yesterday", Some(&s.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        app.get("/api/v1/progress", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn figures_match_a_hand_computed_dataset() {
    let app = TestApp::spawn().await;
    let s = app.register("fig@example.com").await;
    let uid: Uuid = s.user_id.parse().unwrap();
    let db = &app.state.db;
    let sales = interviewos::catalog::queries::role_by_slug(db, "sales")
        .await
        .unwrap()
        .unwrap();
    let pm = interviewos::catalog::queries::role_by_slug(db, "product-manager")
        .await
        .unwrap()
        .unwrap();
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    // Days (UTC): Mon 2 Nov, Tue 3 Nov, Wed 4 Nov, then Mon 16 Nov, Tue 17 Nov. 23:59 and 00:01 UTC
    // land on their own UTC dates whatever the user's time zone.
    let rows = [
        (
            d("2026-11-02"),
            sales.id,
            "situational",
            60,
            100,
            &[("structure", 6.0), ("impact", 4.0)][..],
        ),
        (
            d("2026-11-03"),
            sales.id,
            "behavioral",
            80,
            200,
            &[("structure", 8.0), ("impact", 6.0)][..],
        ),
        (
            d("2026-11-04"),
            pm.id,
            "product",
            40,
            300,
            &[("metrics", 2.0), ("structure", 5.0)][..],
        ),
        (
            d("2026-11-16"),
            pm.id,
            "product",
            70,
            150,
            &[("metrics", 6.0), ("structure", 7.0)][..],
        ),
        (
            d("2026-11-17"),
            sales.id,
            "situational",
            90,
            250,
            &[("structure", 9.0), ("impact", 8.0)][..],
        ),
    ];
    for (day, role, cat, score, secs, ds) in rows {
        record(db, uid, role, cat, day, score, secs, &dims(ds))
            .await
            .unwrap();
    }
    let today = d("2026-11-18");
    let p = compute(
        db,
        uid,
        &ProgressFilter {
            role: None,
            from: None,
            to: None,
        },
        today,
    )
    .await
    .unwrap();
    assert_eq!((p.totals.answers, p.totals.practice_seconds), (5, 1000));
    assert_eq!(p.average_score, Some(68.0)); // (60+80+40+70+90)/5
    assert_eq!((p.streak.current_days, p.streak.longest_days), (2, 3)); // 16–17 (yesterday counts); 2–4
    let weeks: Vec<(String, i64, Option<f64>)> = p
        .timeline
        .iter()
        .map(|w| (w.week.to_string(), w.answers, w.average_score))
        .collect();
    assert_eq!(
        weeks,
        vec![
            ("2026-11-02".into(), 3, Some(60.0)),
            ("2026-11-16".into(), 2, Some(80.0))
        ]
    );
    let dim = |k: &str| p.dimensions.iter().find(|x| x.key == k).unwrap();
    assert_eq!(dim("structure").average, 7.0); // (6+8+5+7+9)/5
    assert_eq!(dim("impact").average, 6.0); // (4+6+8)/3
    assert_eq!(dim("metrics").average, 4.0); // (2+6)/2
    // Every point is within the last 4 weeks of the 18th: no earlier window, so no trend.
    assert_eq!(dim("structure").trend, None);
    assert_eq!(
        p.weakest.iter().map(|w| w.key.as_str()).collect::<Vec<_>>(),
        vec!["metrics", "impact", "structure"]
    );
    let role = |k: &str| p.by_role.iter().find(|x| x.key == k).unwrap();
    assert_eq!(
        (role("sales").answers, role("sales").average_score),
        (3, Some(76.7))
    ); // (60+80+90)/3
    assert_eq!(
        (
            role("product-manager").answers,
            role("product-manager").average_score
        ),
        (2, Some(55.0))
    );
    let cat = |k: &str| p.by_category.iter().find(|x| x.key == k).unwrap();
    assert_eq!(
        (cat("situational").answers, cat("situational").average_score),
        (2, Some(75.0))
    );
    // Recommendations: unseen questions that exercise the weakest skills, in the most-practised role.
    assert!(!p.recommended_questions.is_empty() && p.recommended_questions.len() <= 5);
    assert!(
        p.recommended_questions[0]
            .reason
            .to_lowercase()
            .contains("metrics")
            || p.recommended_questions
                .iter()
                .any(|r| r.reason.starts_with("Practises your weakest skill: ")
                    && r.reason.to_lowercase().contains("impact")),
        "{:?}",
        p.recommended_questions
            .iter()
            .map(|r| &r.reason)
            .collect::<Vec<_>>()
    );
    assert!(
        p.recommended_questions
            .iter()
            .all(|r| r.question.roles.contains(&"sales".to_string()))
    );
    // A range and a role filter.
    let p = compute(
        db,
        uid,
        &ProgressFilter {
            role: Some("sales".into()),
            from: Some(d("2026-11-03")),
            to: Some(d("2026-11-17")),
        },
        today,
    )
    .await
    .unwrap();
    assert_eq!((p.totals.answers, p.average_score), (2, Some(85.0)));
    assert_eq!(
        p.streak.longest_days, 2,
        "streaks count every active day of the role (2–3 Nov)"
    );
    // Trend: 4 weeks ending 17 Dec vs the 4 before (18 Oct–19 Nov holds all of it): the later window
    // is empty, so null; add a later point and the trend appears.
    record(
        db,
        uid,
        sales.id,
        "situational",
        d("2026-12-10"),
        50,
        60,
        &dims(&[("structure", 3.0)]),
    )
    .await
    .unwrap();
    let p = compute(
        db,
        uid,
        &ProgressFilter {
            role: None,
            from: None,
            to: Some(d("2026-12-17")),
        },
        d("2026-12-17"),
    )
    .await
    .unwrap();
    let structure = p.dimensions.iter().find(|x| x.key == "structure").unwrap();
    assert_eq!(structure.trend, Some(-4.0)); // 3.0 (recent) − 7.0 (before)
    assert_eq!(p.streak.current_days, 0);
}

#[tokio::test]
async fn evaluations_feed_the_progress_report() {
    let app = TestApp::spawn().await;
    let s = app.register("feed@example.com").await;
    let ses: Value = app
        .post(
            "/api/v1/sessions",
            json!({"role": "data-analyst", "question_count": 2, "mode": "text"}),
            Some(&s.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let sid = ses["id"].as_str().unwrap();
    for q in ses["questions"].as_array().unwrap() {
        let a: Value = app
            .post(&format!("/api/v1/sessions/{sid}/answers"), json!({"question_id": q["question"]["id"], "text": "I would join the tables and group by week.", "duration_seconds": 75}), Some(&s.access))
            .await
            .json()
            .await
            .unwrap();
        let id = a["id"].as_str().unwrap();
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
    let p: Value = app
        .get("/api/v1/progress", Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["totals"]["sessions"], 1);
    assert_eq!(p["totals"]["answers"], 2);
    assert_eq!(p["totals"]["practice_seconds"], 150);
    assert_eq!(p["streak"]["current_days"], 1);
    assert!(p["average_score"].is_number());
    assert_eq!(p["by_role"][0]["key"], "data-analyst");
    assert!(!p["dimensions"].as_array().unwrap().is_empty());
    // One grader so far.
    assert_eq!(p["graders"].as_array().unwrap().len(), 1);
    assert_eq!(p["graders"][0]["evaluator"], "rubric-v2");
    assert_eq!(p["graders"][0]["evaluations"], 2);

    // An evaluation kept from an earlier grader version: the report says the scores mix versions,
    // oldest first, and the old score is not regraded.
    use interviewos::entities::evaluations;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let old = evaluations::Entity::find()
        .filter(evaluations::Column::Status.eq("completed"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let old_score = old.overall_score;
    let mut am: evaluations::ActiveModel = old.into();
    am.evaluator = Set(Some("rubric-v1".into()));
    am.completed_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(3)));
    let old = am.update(&app.state.db).await.unwrap();
    let p: Value = app
        .get("/api/v1/progress", Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    let graders = p["graders"].as_array().unwrap();
    assert_eq!(graders.len(), 2, "{graders:?}");
    assert_eq!(graders[0]["evaluator"], "rubric-v1");
    assert_eq!(graders[1]["evaluator"], "rubric-v2");
    assert!(graders[0]["last_at"].as_str().unwrap() < graders[1]["first_at"].as_str().unwrap());
    let kept = evaluations::Entity::find_by_id(old.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.overall_score, old_score);
    // The range filter applies: only this week's grader.
    let today = chrono::Utc::now().date_naive();
    let p: Value = app
        .get(&format!("/api/v1/progress?from={today}"), Some(&s.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["graders"].as_array().unwrap().len(), 1);
}
