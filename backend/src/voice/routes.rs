//! HTTP routes of voice answers: the multipart upload, owner-only playback (with `Range`), and the
//! candidate's transcript edit.
use actix_files::NamedFile;
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    mime, web,
};
use futures_util::StreamExt;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    MAX_AUDIO_BYTES,
    dto::{AudioAnswerForm, TranscriptUpdate},
    format::AudioFormat,
};
use crate::{
    accounts::auth::AuthUser,
    error::{ApiError, ApiResult, FieldError},
    http::json::ApiJson,
    interviews::{
        dto::Answer,
        service::{self, MAX_ANSWER_CHARS, NewAnswer, VoiceInput},
    },
    routing::resource,
    state::AppState,
};

/// Text parts are small; the transcript is at most 20,000 characters (≤ 80 KB of UTF-8).
const MAX_TEXT_PART: usize = 96 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/sessions/{id}/answers/audio").post(upload_audio_answer))
        .service(resource("/api/v1/answers/{id}/audio").get(get_answer_audio))
        .service(resource("/api/v1/answers/{id}/transcript").put(update_transcript));
}

fn too_large() -> ApiError {
    ApiError::TooLarge {
        detail: "The recording is larger than 25 MB; record a shorter answer.".into(),
    }
}

fn unsupported_audio() -> ApiError {
    ApiError::Unsupported {
        code: "unsupported_audio_format",
        detail: "The recording must be webm, ogg, mp3, wav or m4a audio.".into(),
    }
}

fn malformed(e: MultipartError) -> ApiError {
    ApiError::bad_request(
        "malformed_multipart",
        format!("The multipart body could not be read: {e}"),
    )
}

fn storage(e: std::io::Error) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("audio storage: {e}"))
}

async fn read_text(field: &mut Field, name: &str, max: usize) -> ApiResult<String> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed)?;
        if buf.len() + chunk.len() > max {
            return Err(ApiError::validation(name, "is too long"));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| ApiError::validation(name, "must be UTF-8 text"))
}

/// Submit a recorded answer; it is transcribed (when the server has speech-to-text) and evaluated in
/// the background.
///
/// A multipart form with the recording (`audio`: webm, ogg, mp3, wav or m4a, at most 25 MB),
/// `question_id`, `duration_seconds` and, optionally, the client's `transcript`. Without server
/// speech-to-text the transcript is required (422 `transcript_required`). Like a typed answer, a new
/// recording replaces the previous one while the session is in progress.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/answers/audio", tag = "sessions", params(("id" = Uuid, Path)),
    request_body(content = AudioAnswerForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; transcription and evaluation pending", body = Answer,
            headers(("Location" = String, description = "URL of the answer"))),
        (status = 402, description = "Monthly quota used up (`quota_exceeded`, with `resets_at`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session is completed (`session_completed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The recording is larger than 25 MB (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data (`unsupported_media_type`), or the recording is not webm/ogg/mp3/wav/m4a audio (`unsupported_audio_format`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`validation_failed`), or no transcript while the server has no speech-to-text (`transcript_required`)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn upload_audio_answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !content_type.starts_with("multipart/form-data") {
        return Err(ApiError::Unsupported {
            code: "unsupported_media_type",
            detail: "Send the recording as multipart/form-data with an `audio` file part.".into(),
        });
    }
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_length.is_some_and(|n| n > MAX_AUDIO_BYTES + 4 * MAX_TEXT_PART as u64) {
        return Err(too_large());
    }
    // Refuse what can be refused before reading 25 MB.
    service::ensure_in_progress(&service::find_session(&state.db, user.id(), *id).await?)?;

    let mut form = Multipart::new(req.headers(), payload);
    let mut audio = None;
    let (mut question_id, mut duration, mut transcript) = (None, None, None);
    while let Some(field) = form.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "audio" if audio.is_none() => {
                let declared = field.content_type().map(|m| m.essence_str().to_owned());
                if !AudioFormat::declared_ok(declared.as_deref()) {
                    return Err(unsupported_audio());
                }
                let mut pending = state.audio.begin().await.map_err(storage)?;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(malformed)?;
                    if pending.bytes + chunk.len() as u64 > MAX_AUDIO_BYTES {
                        return Err(too_large());
                    }
                    pending.write(&chunk).await.map_err(storage)?;
                }
                audio = Some(pending);
            }
            "question_id" if question_id.is_none() => {
                question_id = Some(read_text(&mut field, &name, 64).await?);
            }
            "duration_seconds" if duration.is_none() => {
                duration = Some(read_text(&mut field, &name, 32).await?);
            }
            "transcript" if transcript.is_none() => {
                transcript = Some(read_text(&mut field, &name, MAX_TEXT_PART).await?);
            }
            "audio" | "question_id" | "duration_seconds" | "transcript" => {
                return Err(ApiError::validation(&name, "must be sent once"));
            }
            _ => {
                let name = if name.is_empty() {
                    "(unnamed part)"
                } else {
                    &name
                };
                return Err(ApiError::validation(name, "unknown field"));
            }
        }
    }

    let mut errors = Vec::new();
    let question_id = match question_id.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(FieldError::new("question_id", "is required"));
            None
        }
        Some(v) => v.parse::<Uuid>().ok().or_else(|| {
            errors.push(FieldError::new("question_id", "must be a UUID"));
            None
        }),
    };
    let duration = match duration.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(FieldError::new("duration_seconds", "is required"));
            None
        }
        Some(v) => v.parse::<u32>().ok().filter(|d| *d <= 86_400).or_else(|| {
            errors.push(FieldError::new(
                "duration_seconds",
                "must be a whole number of seconds between 0 and 86400",
            ));
            None
        }),
    };
    let transcript = transcript.unwrap_or_default().trim().to_owned();
    if transcript.chars().count() > MAX_ANSWER_CHARS {
        errors.push(FieldError::new(
            "transcript",
            "must be at most 20,000 characters",
        ));
    }
    match &audio {
        None => errors.push(FieldError::new(
            "audio",
            "is required: attach the recording",
        )),
        Some(a) if a.bytes == 0 => errors.push(FieldError::new("audio", "is empty")),
        _ => {}
    }
    let (Some(question_id), Some(duration), Some(audio), true) =
        (question_id, duration, audio, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let format = AudioFormat::sniff(&audio.head).ok_or_else(unsupported_audio)?;
    let transcribe = state.settings.openai.is_some();
    if !transcribe && transcript.is_empty() {
        return Err(ApiError::Unprocessable {
            code: "transcript_required",
            detail: "Speech-to-text is not available on this server: type or edit the transcript of your recording and send it with the audio.".into(),
            errors: vec![FieldError::new("transcript", "is required without server speech-to-text")],
        });
    }
    let answer = service::submit(
        &state,
        &user.user,
        *id,
        NewAnswer {
            question_id,
            text: transcript,
            duration_seconds: duration,
            voice: Some(VoiceInput {
                audio,
                format,
                transcribe,
            }),
        },
    )
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/answers/{}", answer.id)))
        .json(answer))
}

/// A recording, as stored (binary).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Documents the body; the handler streams the file.
pub struct Recording(Vec<u8>);

/// Play back a voice answer's recording (owner only). Supports `Range` requests for seeking.
#[utoipa::path(get, path = "/api/v1/answers/{id}/audio", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The recording", content(
            (Recording = "audio/webm"), (Recording = "audio/ogg"), (Recording = "audio/mpeg"),
            (Recording = "audio/wav"), (Recording = "audio/mp4"))),
        (status = 206, description = "The requested byte range of the recording", content(
            (Recording = "audio/webm"), (Recording = "audio/ogg"), (Recording = "audio/mpeg"),
            (Recording = "audio/wav"), (Recording = "audio/mp4"))),
        (status = 416, description = "The requested range is outside the recording")))]
pub async fn get_answer_audio(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let answer = service::owned_answer(&state.db, user.id(), *id).await?;
    // Text answers and expired recordings have nothing to play.
    let key = answer.audio_path.ok_or(ApiError::NotFound)?;
    let path = state.audio.path_of(&key).map_err(|_| ApiError::NotFound)?;
    let file = NamedFile::open_async(&path).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ApiError::NotFound
        } else {
            storage(e)
        }
    })?;
    let mime_type: mime::Mime = answer
        .audio_content_type
        .as_deref()
        .and_then(|ct| ct.parse().ok())
        .unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let extension = key.rsplit('.').next().unwrap_or("audio");
    let mut res = file
        .set_content_type(mime_type)
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Inline,
            parameters: vec![DispositionParam::Filename(format!(
                "answer-{}.{extension}",
                answer.id
            ))],
        })
        .into_response(&req);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-cache"),
    );
    Ok(res)
}

/// Type or correct a voice answer's transcript (when speech-to-text failed or is still running); the
/// answer is then evaluated from it. A transcript already evaluated (or being evaluated) is final.
#[utoipa::path(put, path = "/api/v1/answers/{id}/transcript", tag = "sessions", params(("id" = Uuid, Path)),
    request_body = TranscriptUpdate, security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; evaluation pending", body = Answer),
        (status = 409, description = "Not a voice answer (`not_a_voice_answer`), or the transcript is final (`transcript_final`)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn update_transcript(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: ApiJson<TranscriptUpdate>,
) -> ApiResult<HttpResponse> {
    let answer = service::update_transcript(&state, user.id(), *id, &body.text).await?;
    Ok(HttpResponse::Accepted().json(answer))
}
