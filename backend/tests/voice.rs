//! Voice answers end to end: multipart upload limits and formats, owner-only playback with ranges,
//! the offline path (client transcript), speech-to-text through a local fake OpenAI server (success,
//! retry, failure, then a typed transcript), delivery feedback, and recordings in the export, session
//! deletion, retention and the account purge.
mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use base64::Engine;
use common::*;
use reqwest::{StatusCode, multipart};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, Request, Respond, ResponseTemplate,
    matchers::{header, method, path},
};

/// A small WebM file's worth of bytes: the EBML magic, then filler.
fn webm(len: usize) -> Vec<u8> {
    let mut v = vec![0x1A, 0x45, 0xDF, 0xA3];
    v.extend((0..len.saturating_sub(4)).map(|i| (i % 251) as u8));
    v
}

async fn voice_session(app: &TestApp, token: &str) -> (String, String) {
    let res = app
        .post(
            "/api/v1/sessions",
            json!({"role": "general-behavioral", "question_count": 2, "mode": "voice"}),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let s: Value = res.json().await.unwrap();
    (
        s["id"].as_str().unwrap().to_owned(),
        s["questions"][0]["question"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

struct Upload<'a> {
    audio: Option<(Vec<u8>, &'a str)>,
    question_id: Option<&'a str>,
    duration: Option<&'a str>,
    transcript: Option<&'a str>,
}

async fn upload(app: &TestApp, token: &str, sid: &str, u: Upload<'_>) -> reqwest::Response {
    let mut form = multipart::Form::new();
    if let Some((bytes, mime)) = u.audio {
        form = form.part(
            "audio",
            multipart::Part::bytes(bytes)
                .file_name("answer.webm")
                .mime_str(mime)
                .unwrap(),
        );
    }
    if let Some(q) = u.question_id {
        form = form.text("question_id", q.to_owned());
    }
    if let Some(d) = u.duration {
        form = form.text("duration_seconds", d.to_owned());
    }
    if let Some(t) = u.transcript {
        form = form.text("transcript", t.to_owned());
    }
    app.client
        .post(app.url(&format!("/api/v1/sessions/{sid}/answers/audio")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn answer(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(&format!("/api/v1/answers/{id}"), Some(token))
        .await
        .json()
        .await
        .unwrap()
}

async fn wait_answer(app: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..300 {
        last = answer(app, token, id).await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("answer never reached the expected state: {last}");
}

/// Files under the storage dir (recursively), excluding directories.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.state.settings.audio_storage_dir, &mut out);
    out
}

const SPOKEN: &str = "Um so in my last role I led the migration of our billing system. Uh the situation \
was that invoices failed every month, like, you know, for a tenth of customers. I set up a small team, \
we found the root cause in retries, and we cut failures by ninety percent within a quarter.";

#[tokio::test]
async fn offline_voice_answer_uses_the_client_transcript_and_measures_delivery() {
    let app = TestApp::spawn().await;
    let me = app.register("voice1@example.com").await;
    let other = app.register("voice1-other@example.com").await;
    let (sid, qid) = voice_session(&app, &me.access).await;
    let audio = webm(4096);
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            audio: Some((audio.clone(), "audio/webm;codecs=opus")),
            question_id: Some(&qid),
            duration: Some("30"),
            transcript: Some(SPOKEN),
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let a: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/answers/{}", a["id"].as_str().unwrap())
    );
    assert_eq!(a["mode"], "voice");
    assert_eq!(a["text"], SPOKEN);
    assert_eq!(a["transcript"]["status"], "completed");
    assert_eq!(a["transcript"]["source"], "client");
    assert_eq!(a["transcript"]["timed_words"], 0);
    assert_eq!(a["audio"]["content_type"], "audio/webm");
    assert_eq!(a["audio"]["bytes"], 4096);
    // Delivery from the transcript over the recording's 30 seconds.
    let words = SPOKEN.split_whitespace().count() as f64;
    let d = &a["delivery"];
    assert_eq!(d["metrics"]["words"], words as u64);
    assert!(
        (d["metrics"]["words_per_minute"].as_f64().unwrap() - (words * 2.0)).abs() < 0.11,
        "{d}"
    );
    assert!(d["metrics"]["filler_count"].as_u64().unwrap() >= 4, "{d}");
    assert_eq!(d["metrics"]["timed"], false);
    assert_eq!(d["metrics"]["longest_pause_seconds"], Value::Null);
    let keys: Vec<&str> = d["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"pace") && keys.contains(&"fillers"),
        "{keys:?}"
    );
    assert!(
        !keys.contains(&"pauses"),
        "no timestamps, no pause score: {keys:?}"
    );

    // The content evaluation runs from the transcript.
    let aid = a["id"].as_str().unwrap();
    let done = wait_answer(&app, &me.access, aid, |v| {
        v["evaluation"]["status"] == "completed"
    })
    .await;
    assert!(done["evaluation"]["overall_score"].as_i64().is_some());
    assert!(done["delivery"]["average"].as_f64().is_some());

    // Playback: the owner gets the bytes, and ranges for seeking; nobody else does.
    let url = a["audio"]["url"].as_str().unwrap();
    let res = app.get(url, Some(&me.access)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "audio/webm");
    assert_eq!(res.headers()["accept-ranges"], "bytes");
    assert_eq!(res.bytes().await.unwrap().to_vec(), audio);
    let res = app
        .client
        .get(app.url(url))
        .bearer_auth(&me.access)
        .header("Range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(res.headers()["content-range"], "bytes 100-199/4096");
    assert_eq!(
        res.bytes().await.unwrap().to_vec(),
        audio[100..200].to_vec()
    );
    let res = app
        .client
        .get(app.url(url))
        .bearer_auth(&me.access)
        .header("Range", "bytes=5000-6000")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_problem(app.get(url, Some(&other.access)).await, 404, "not_found").await;
    assert_problem(app.get(url, None).await, 401, "unauthenticated").await;
    assert_problem(
        app.get(&format!("/api/v1/answers/{aid}"), Some(&other.access))
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let me = app.register("voice2@example.com").await;
    let (sid, qid) = voice_session(&app, &me.access).await;
    let ok = |audio: Vec<u8>, mime: &'static str| Upload {
        audio: Some((audio, mime)),
        question_id: None,
        duration: Some("20"),
        transcript: Some("I would start by clarifying the goal."),
    };

    // Offline, without a transcript: the user is asked to type one.
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            transcript: None,
            question_id: Some(&qid),
            ..ok(webm(512), "audio/webm")
        },
    )
    .await;
    let p = assert_problem(res, 422, "transcript_required").await;
    assert_eq!(p["errors"][0]["field"], "transcript");
    // Whitespace is no transcript either.
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            transcript: Some("   "),
            question_id: Some(&qid),
            ..ok(webm(512), "audio/webm")
        },
    )
    .await;
    assert_problem(res, 422, "transcript_required").await;

    // Not audio: a PNG, whatever it claims to be, and a declared image type.
    let png = b"\x89PNG\r\n\x1a\n0000000000000000".to_vec();
    for (bytes, mime) in [
        (png.clone(), "audio/webm"),
        (png, "image/png"),
        (webm(64), "text/plain"),
    ] {
        let res = upload(
            &app,
            &me.access,
            &sid,
            Upload {
                question_id: Some(&qid),
                ..ok(bytes, mime)
            },
        )
        .await;
        assert_problem(res, 415, "unsupported_audio_format").await;
    }
    // Not multipart at all.
    let res = app
        .post(
            &format!("/api/v1/sessions/{sid}/answers/audio"),
            json!({"question_id": qid}),
            Some(&me.access),
        )
        .await;
    assert_problem(res, 415, "unsupported_media_type").await;

    // Field errors, all reported at once.
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            audio: Some((Vec::new(), "audio/webm")),
            question_id: Some("not-a-uuid"),
            duration: Some("-3"),
            transcript: Some("x"),
        },
    )
    .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["question_id", "duration_seconds", "audio"]);
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            audio: None,
            question_id: Some(&qid),
            duration: None,
            transcript: None,
        },
    )
    .await;
    let p = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");
    // A question that is not in the session.
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            question_id: Some("00000000-0000-7000-8000-000000000000"),
            ..ok(webm(512), "audio/webm")
        },
    )
    .await;
    assert_problem(res, 422, "validation_failed").await;

    // Over 25 MB.
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            question_id: Some(&qid),
            ..ok(webm(25 * 1024 * 1024 + 1), "audio/webm")
        },
    )
    .await;
    assert_problem(res, 413, "payload_too_large").await;

    // Nothing was recorded: no answer, no file, no usage.
    let s: Value = app
        .get(&format!("/api/v1/sessions/{sid}"), Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        s["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["answer"].is_null())
    );
    assert_eq!(stored_files(&app), Vec::<std::path::PathBuf>::new());
    let usage: Value = app
        .get("/api/v1/me/usage", Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(usage["answers_used"], 0);

    // A completed session takes no more recordings.
    app.post(
        &format!("/api/v1/sessions/{sid}/complete"),
        json!({}),
        Some(&me.access),
    )
    .await;
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            question_id: Some(&qid),
            ..ok(webm(512), "audio/webm")
        },
    )
    .await;
    assert_problem(res, 409, "session_completed").await;
}

/// Replies with the listed responses in turn (the last one repeats).
struct Sequence(Vec<ResponseTemplate>, Arc<AtomicUsize>);

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.1.fetch_add(1, Ordering::SeqCst);
        self.0[i.min(self.0.len() - 1)].clone()
    }
}

/// The transcription API's `verbose_json` body with word timestamps (a 3-second pause after "role").
fn transcription_body() -> Value {
    let words = [
        ("In", 0.0, 0.2),
        ("my", 0.2, 0.4),
        ("last", 0.4, 0.7),
        ("role", 0.7, 1.0),
        ("um", 4.0, 4.3),
        ("I", 4.3, 4.4),
        ("led", 4.4, 4.7),
        ("a", 4.7, 4.8),
        ("migration", 4.8, 5.4),
        ("that", 5.4, 5.6),
        ("cut", 5.6, 5.9),
        ("failures", 5.9, 6.5),
    ];
    json!({
        "task": "transcribe",
        "language": "english",
        "duration": 6.8,
        "text": "In my last role, um, I led a migration that cut failures.",
        "words": words.iter().map(|(w, s, e)| json!({"word": w, "start": s, "end": e})).collect::<Vec<_>>(),
        "segments": [],
        "usage": {"type": "duration", "seconds": 7}
    })
}

fn api_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(
        json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}}),
    )
}

async fn stt_app(fake: &MockServer) -> TestApp {
    let uri = format!("{}/v1", fake.uri());
    TestApp::spawn_with(&[
        ("OPENAI_API_KEY", "sk-test-key"),
        ("OPENAI_BASE_URL", uri.as_str()),
        ("OPENAI_TRANSCRIBE_MODEL", "whisper-test"),
        ("OPENAI_TIMEOUT_SECS", "2"),
        ("OPENAI_MAX_ATTEMPTS", "3"),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speech_to_text_transcribes_with_word_timings_after_a_retry() {
    let fake = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(header("authorization", "Bearer sk-test-key"))
        .respond_with(Sequence(
            vec![
                api_error(503, "overloaded"),
                ResponseTemplate::new(200).set_body_json(transcription_body()),
            ],
            calls.clone(),
        ))
        .mount(&fake)
        .await;
    let app = stt_app(&fake).await;
    let me = app.register("voice3@example.com").await;
    let (sid, qid) = voice_session(&app, &me.access).await;
    let audio = webm(2048);
    // No client transcript needed: the server transcribes.
    let res = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            audio: Some((audio.clone(), "audio/webm")),
            question_id: Some(&qid),
            duration: Some("7"),
            transcript: None,
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["transcript"]["status"], "pending");
    assert_eq!(a["evaluation"]["status"], "pending");
    let aid = a["id"].as_str().unwrap();
    let done = wait_answer(&app, &me.access, aid, |v| {
        v["evaluation"]["status"] == "completed"
    })
    .await;
    assert_eq!(
        done["text"],
        "In my last role, um, I led a migration that cut failures."
    );
    assert_eq!(done["transcript"]["status"], "completed");
    assert_eq!(done["transcript"]["source"], "openai");
    assert_eq!(done["transcript"]["timed_words"], 12);
    let m = &done["delivery"]["metrics"];
    assert_eq!(m["timed"], true);
    assert_eq!(m["long_pauses"], 1);
    assert_eq!(m["longest_pause_seconds"], 3.0);
    assert_eq!(m["talk_seconds"], 6.5);
    assert_eq!(m["filler_count"], 1);
    assert!(
        done["delivery"]["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == "pauses")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one 503, then success");

    // The request: multipart with the recording, the model, verbose JSON and word timestamps.
    let requests = fake.received_requests().await.unwrap();
    let last = requests.last().unwrap();
    let ct = last.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let body = String::from_utf8_lossy(&last.body);
    for needle in [
        "name=\"model\"\r\n\r\nwhisper-test",
        "name=\"response_format\"\r\n\r\nverbose_json",
        "name=\"timestamp_granularities[]\"\r\n\r\nword",
        "filename=\"answer.webm\"",
    ] {
        assert!(body.contains(needle), "request lacks {needle:?}");
    }
    assert!(
        last.body
            .windows(audio.len())
            .any(|w| w == audio.as_slice()),
        "the recording is sent as is"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_speech_to_text_asks_for_a_transcript_and_can_be_retried() {
    let fake = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(api_error(
            400,
            "Audio file might be corrupted or unsupported",
        ))
        .up_to_n_times(1)
        .mount(&fake)
        .await;
    let app = stt_app(&fake).await;
    let me = app.register("voice4@example.com").await;
    let (sid, qid) = voice_session(&app, &me.access).await;
    let mk = |q: &'static str| (webm(1024), q);
    let a: Value = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            audio: Some(mk("audio/webm")),
            question_id: Some(&qid),
            duration: Some("40"),
            transcript: None,
        },
    )
    .await
    .json()
    .await
    .unwrap();
    let aid = a["id"].as_str().unwrap().to_owned();
    // A 400 is not retried: the transcript fails visibly, and so does the evaluation, with what to do.
    let failed = wait_answer(&app, &me.access, &aid, |v| {
        v["transcript"]["status"] == "failed"
    })
    .await;
    assert!(
        failed["transcript"]["error"]
            .as_str()
            .unwrap()
            .contains("corrupted"),
        "{failed}"
    );
    let failed = wait_answer(&app, &me.access, &aid, |v| {
        v["evaluation"]["status"] == "failed"
    })
    .await;
    assert!(
        failed["evaluation"]["error"]
            .as_str()
            .unwrap()
            .contains("transcript"),
        "{failed}"
    );
    assert_eq!(fake.received_requests().await.unwrap().len(), 1);

    // Retrying runs speech-to-text again (the fake now answers).
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(transcription_body()))
        .mount(&fake)
        .await;
    let res = app
        .post(
            &format!("/api/v1/answers/{aid}/evaluation/retry"),
            json!({}),
            Some(&me.access),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let done = wait_answer(&app, &me.access, &aid, |v| {
        v["evaluation"]["status"] == "completed"
    })
    .await;
    assert_eq!(done["transcript"]["source"], "openai");
    // An evaluated transcript is final.
    let res = app
        .client
        .put(app.url(&format!("/api/v1/answers/{aid}/transcript")))
        .bearer_auth(&me.access)
        .json(&json!({"text": "something else"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "transcript_final").await;

    // Second question: speech-to-text fails for good, the candidate types the transcript instead.
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(api_error(400, "unsupported"))
        .with_priority(1)
        .mount(&fake)
        .await;
    let s: Value = app
        .get(&format!("/api/v1/sessions/{sid}"), Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    let q2 = s["questions"][1]["question"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a2: Value = upload(
        &app,
        &me.access,
        &sid,
        Upload {
            audio: Some(mk("audio/ogg")),
            question_id: Some(&q2),
            duration: Some("40"),
            transcript: None,
        },
    )
    .await
    .json()
    .await
    .unwrap();
    let a2id = a2["id"].as_str().unwrap().to_owned();
    wait_answer(&app, &me.access, &a2id, |v| {
        v["evaluation"]["status"] == "failed"
    })
    .await;
    let put = |text: &'static str| {
        app.client
            .put(app.url(&format!("/api/v1/answers/{a2id}/transcript")))
            .bearer_auth(&me.access)
            .json(&json!({"text": text}))
            .send()
    };
    assert_problem(put("   ").await.unwrap(), 422, "validation_failed").await;
    let res = put("In my last role I led a migration that cut failures by ninety percent.")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["transcript"]["source"], "edited");
    assert_eq!(edited["transcript"]["status"], "completed");
    assert_eq!(edited["delivery"]["metrics"]["words"], 14);
    let done = wait_answer(&app, &me.access, &a2id, |v| {
        v["evaluation"]["status"] == "completed"
    })
    .await;
    assert!(done["evaluation"]["overall_score"].as_i64().is_some());

    // Typed answers have no transcript to edit; other users' answers do not exist.
    let other = app.register("voice4-other@example.com").await;
    let res = app
        .client
        .put(app.url(&format!("/api/v1/answers/{a2id}/transcript")))
        .bearer_auth(&other.access)
        .json(&json!({"text": "mine now"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn recordings_follow_export_session_deletion_retention_and_purge() {
    let app = TestApp::spawn().await;
    let me = app.register("voice5@example.com").await;
    let keep = app.register("voice5-keep@example.com").await;
    let (sid, qid) = voice_session(&app, &me.access).await;
    let audio = webm(100_003);
    let send = |token: String, sid: String, qid: String, audio: Vec<u8>| {
        let app = &app;
        async move {
            let res = upload(
                app,
                &token,
                &sid,
                Upload {
                    audio: Some((audio, "audio/webm")),
                    question_id: Some(&qid),
                    duration: Some("25"),
                    transcript: Some("I would segment the market first."),
                },
            )
            .await;
            assert_eq!(res.status(), StatusCode::ACCEPTED);
            res.json::<Value>().await.unwrap()
        }
    };
    let a = send(me.access.clone(), sid.clone(), qid.clone(), audio.clone()).await;
    let (ksid, kqid) = voice_session(&app, &keep.access).await;
    send(keep.access.clone(), ksid, kqid, webm(900)).await;

    // The export carries the recording itself (base64) and the transcript.
    let export: Value = app
        .get("/api/v1/me/export", Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    let recs = export["recordings"].as_array().unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["answer_id"], a["id"]);
    assert_eq!(recs[0]["content_type"], "audio/webm");
    let data = base64::engine::general_purpose::STANDARD
        .decode(recs[0]["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(data, audio);
    assert_eq!(
        export["answers"][0]["text"],
        "I would segment the market first."
    );

    // Deleting the session deletes its recording.
    let key_path = |a: &Value| {
        app.state
            .settings
            .audio_storage_dir
            .join(&me.user_id)
            .join(format!("{}.webm", a["id"].as_str().unwrap()))
    };
    assert!(key_path(&a).is_file());
    let res = app
        .delete(&format!("/api/v1/sessions/{sid}"), None, &me.access)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(!key_path(&a).exists());

    // Retention: a recording older than AUDIO_RETENTION_DAYS goes, its transcript stays.
    let (sid, qid) = voice_session(&app, &me.access).await;
    let old = send(me.access.clone(), sid.clone(), qid, webm(700)).await;
    assert!(key_path(&old).is_file());
    let now = chrono::Utc::now();
    let settings = &app.state.settings;
    assert_eq!(
        interviewos::privacy::purge::expire_recordings(&app.state.db, settings, now)
            .await
            .unwrap(),
        0,
        "nothing is due yet"
    );
    let later = now + chrono::Duration::days(i64::from(settings.audio_retention_days) + 1);
    let expired = interviewos::privacy::purge::expire_recordings(&app.state.db, settings, later)
        .await
        .unwrap();
    assert_eq!(expired, 2, "this user's and the other user's recording");
    assert!(!key_path(&old).exists());
    let after = answer(&app, &me.access, old["id"].as_str().unwrap()).await;
    assert_eq!(after["audio"]["url"], Value::Null);
    assert!(after["audio"]["expired_at"].is_string());
    assert_eq!(after["text"], "I would segment the market first.");
    assert_problem(
        app.get(
            &format!("/api/v1/answers/{}/audio", old["id"].as_str().unwrap()),
            Some(&me.access),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // The account purge removes every recording of the user, and only theirs.
    let (sid, qid) = voice_session(&app, &me.access).await;
    let last = send(me.access.clone(), sid, qid, webm(800)).await;
    assert!(key_path(&last).is_file());
    let (ksid, kqid) = voice_session(&app, &keep.access).await;
    let kept = send(keep.access.clone(), ksid, kqid, webm(800)).await;
    let res = app
        .delete(
            "/api/v1/me",
            Some(json!({"password": PASSWORD})),
            &me.access,
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let purged = interviewos::privacy::purge::purge_due(
        &app.state.db,
        settings,
        now + chrono::Duration::days(i64::from(settings.deletion_grace_days) + 1),
    )
    .await
    .unwrap();
    assert_eq!(purged, 1);
    assert!(!settings.audio_storage_dir.join(&me.user_id).exists());
    assert!(
        settings
            .audio_storage_dir
            .join(&keep.user_id)
            .join(format!("{}.webm", kept["id"].as_str().unwrap()))
            .is_file()
    );
}
