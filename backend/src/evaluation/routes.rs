//! Evaluation routes: read one, retry a failed one, and stream a session's progress (SSE).
use std::{collections::HashMap, time::Duration};

use actix_web::{HttpResponse, Responder, web};
use actix_web_lab::sse;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde::Serialize;
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{RefOr, schema::Schema},
};
use uuid::Uuid;

use crate::{
    accounts::auth::AuthUser,
    entities::{answers, evaluations},
    error::{ApiError, ApiResult},
    interviews::{
        dto::Evaluation,
        service::{self, answer_dto, evaluation_dto},
    },
    jobs::AnswerWork,
    live::LiveEvent,
    routing::resource,
    state::AppState,
    voice::transcript_status,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/answers/{id}/evaluation").get(get_evaluation))
        .service(resource("/api/v1/answers/{id}/evaluation/retry").post(retry_evaluation))
        .service(resource("/api/v1/sessions/{id}/events").get(session_events));
}

/// The evaluation of one answer.
#[utoipa::path(get, path = "/api/v1/answers/{id}/evaluation", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The evaluation (pending, running, completed or failed)", body = Evaluation)))]
pub async fn get_evaluation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::owned_answer(&state.db, user.id(), *id).await?;
    let e = evaluations::Entity::find()
        .filter(evaluations::Column::AnswerId.eq(a.id))
        .one(&state.db)
        .await?;
    Ok(HttpResponse::Ok().json(evaluation_dto(e.as_ref())))
}

/// Retry a failed evaluation (a voice answer whose speech-to-text failed is transcribed again first).
/// It does not count against the quota again.
#[utoipa::path(post, path = "/api/v1/answers/{id}/evaluation/retry", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued again", body = Evaluation),
        (status = 409, description = "Only a failed evaluation can be retried (`evaluation_not_failed`); a recording that cannot be transcribed here needs a typed transcript (`transcript_required`)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn retry_evaluation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::owned_answer(&state.db, user.id(), *id).await?;
    let txn = crate::db::write_txn(&state.db).await?;
    let e = evaluations::Entity::find()
        .filter(evaluations::Column::AnswerId.eq(a.id))
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if e.status != "failed" {
        return Err(ApiError::conflict(
            "evaluation_not_failed",
            "Only a failed evaluation can be retried.",
        ));
    }
    // A voice answer whose speech-to-text failed is transcribed again first.
    let retranscribe = a.transcript_status.as_deref() == Some(transcript_status::FAILED);
    if retranscribe {
        if state.settings.openai.is_none() || a.audio_path.is_none() {
            return Err(ApiError::conflict(
                "transcript_required",
                "This recording cannot be transcribed here; type its transcript instead.",
            ));
        }
        answers::Entity::update_many()
            .col_expr(
                answers::Column::TranscriptStatus,
                Expr::value(transcript_status::PENDING),
            )
            .col_expr(
                answers::Column::TranscriptError,
                Expr::value(None::<String>),
            )
            .filter(answers::Column::Id.eq(a.id))
            .exec(&txn)
            .await?;
    }
    let e = service::requeue_evaluation(
        &txn,
        e,
        if retranscribe {
            AnswerWork::Transcribe
        } else {
            AnswerWork::Evaluate
        },
    )
    .await?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(HttpResponse::Accepted().json(evaluation_dto(Some(&e))))
}

/// Live evaluation progress for a session (Server-Sent Events).
///
/// Sends an `evaluation` event (`{answer_id, question_id, evaluation}`) for every current answer at
/// once and whenever one changes, and a `session` event with the session when it is completed and
/// every evaluation has finished (then the stream ends). Authenticate with the `Authorization` header.
/// The stream also ends when the access token expires (reconnect with a fresh one) and as soon as
/// its device session is signed out or the account deleted. At most five streams per account.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/events", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "An event stream; each event is described by `SessionStreamEvent`", content_type = "text/event-stream", body = SessionStreamEvent),
        (status = 429, response = crate::openapi::RateLimited)))]
pub async fn session_events(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<impl Responder> {
    let session_id = *id;
    let user_id = user.id();
    let device = user.session_id;
    service::find_session(&state.db, user_id, session_id).await?;
    let slot = state
        .live
        .open_stream(user_id)
        .ok_or(ApiError::RateLimited {
            retry_after_secs: 5,
        })?;
    // The stream ends when the access token does; the client reconnects with a fresh one.
    let expires_in = (user.token_expires_at - Utc::now().timestamp()).max(0) as u64;
    let token_expiry = tokio::time::Instant::now() + Duration::from_secs(expires_in);
    let (tx, rx) = tokio::sync::mpsc::channel::<sse::Event>(32);
    let mut live = state.live.subscribe();
    let mut closing = state.live.closing();
    let state = state.clone();
    actix_web::rt::spawn(async move {
        let _slot = slot;
        // What each answer's evaluation looked like when last sent: (status, completed_at).
        let mut sent: HashMap<Uuid, (String, Option<chrono::DateTime<Utc>>)> = HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            // Signed out (here or everywhere), password changed or account deleted: stop at once.
            if !matches!(
                crate::accounts::auth::session_is_live(&state.db, user_id, device).await,
                Ok(true)
            ) {
                return;
            }
            // Snapshot from the database: the first time, and on every tick (catches other processes).
            let Ok(current) = service::current_answers(&state.db, session_id).await else {
                break;
            };
            for (a, e) in &current {
                let key = e
                    .as_ref()
                    .map(|e| (e.status.clone(), e.completed_at))
                    .unwrap_or_default();
                if sent.get(&a.id) != Some(&key) {
                    sent.insert(a.id, key);
                    if tx.send(evaluation_event(a, e.as_ref())).await.is_err() {
                        return;
                    }
                }
            }
            match service::load(&state.db, user_id, session_id).await {
                Ok(s)
                    if s.status == crate::interviews::dto::SessionStatus::Completed
                        && s.summary.all_evaluated =>
                {
                    if let Ok(ev) = sse::Data::new_json(&s) {
                        let _ = tx.send(ev.event("session").into()).await;
                    }
                    return;
                }
                Ok(_) => {}
                Err(_) => return,
            }
            // Wait for a reason to look again: the tick or news about this session. Other sessions'
            // events are skipped here, without another round of queries.
            loop {
                tokio::select! {
                    _ = tick.tick() => break,
                    msg = live.recv() => match msg {
                        Ok(LiveEvent { session_id: sid, .. }) if sid != session_id => {}
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    },
                    _ = tx.closed() => return,
                    _ = tokio::time::sleep_until(token_expiry) => return,
                    // Shutdown: end the stream cleanly (the client's EventSource reconnects elsewhere).
                    _ = closing.wait_for(|closing| *closing) => return,
                }
            }
        }
    });
    Ok(sse::Sse::from_infallible_receiver(rx)
        // Short keep-alive: a write is how a dropped connection is noticed, and that frees its slot.
        .with_keep_alive(Duration::from_secs(5))
        .with_retry_duration(Duration::from_secs(3)))
}

fn evaluation_event(a: &answers::Model, e: Option<&evaluations::Model>) -> sse::Event {
    let data = EvaluationEvent {
        answer_id: a.id,
        question_id: a.question_id,
        evaluation: answer_dto(a, e).evaluation,
    };
    sse::Data::new(serde_json::to_string(&data).unwrap_or_default())
        .event("evaluation")
        .into()
}

/// The JSON payload of an `evaluation` event: one answer's evaluation, as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationEvent {
    pub answer_id: Uuid,
    pub question_id: Uuid,
    pub evaluation: Evaluation,
}

/// One Server-Sent Event of `GET /api/v1/sessions/{id}/events`, as an SSE client parses it.
///
/// In OpenAPI 3.1 the schema of a `text/event-stream` response describes each event (the object
/// OpenAPI 3.2 calls an SSE item: `event`, `data`, `id`, `retry`); `data` is a JSON string whose own
/// schema is given by `contentSchema`. Two kinds: `evaluation` (an [`EvaluationEvent`]) and, last,
/// `session` (the completed [`Session`](crate::interviews::dto::Session)). Keep-alive comments and the
/// initial `retry:` field carry no data and are not events.
pub struct SessionStreamEvent;

impl SessionStreamEvent {
    fn kind<T: ToSchema>(event: &str, description: &str) -> Schema {
        use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
        let data = ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/json")
            .content_schema(Some(Ref::from_schema_name(T::name())));
        ObjectBuilder::new()
            .description(Some(description))
            .property(
                "event",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([event])),
            )
            .required("event")
            .property("data", data)
            .required("data")
            .property("id", ObjectBuilder::new().schema_type(Type::String))
            .property(
                "retry",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            )
            .into()
    }
}

impl PartialSchema for SessionStreamEvent {
    fn schema() -> RefOr<Schema> {
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(Self::kind::<EvaluationEvent>(
                "evaluation",
                "An answer's evaluation changed (or its current state, when the stream opens)",
            ))
            .item(Self::kind::<crate::interviews::dto::Session>(
                "session",
                "The session is completed and every evaluation has finished; the stream ends",
            ))
            .into()
    }
}

impl ToSchema for SessionStreamEvent {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            EvaluationEvent::name().into(),
            <EvaluationEvent as PartialSchema>::schema(),
        ));
        <EvaluationEvent as ToSchema>::schemas(schemas);
        schemas.push((
            crate::interviews::dto::Session::name().into(),
            <crate::interviews::dto::Session as PartialSchema>::schema(),
        ));
        <crate::interviews::dto::Session as ToSchema>::schemas(schemas);
    }
}
