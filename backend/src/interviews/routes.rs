//! HTTP routes of practice sessions and answers.
use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{dto::*, service, usage};
use crate::{
    accounts::auth::AuthUser, error::ApiResult, http::json::ApiJson, routing::resource,
    state::AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/api/v1/sessions")
            .post(create_session)
            .get(list_sessions),
    )
    .service(
        resource("/api/v1/sessions/{id}")
            .get(get_session)
            .delete(delete_session),
    )
    .service(resource("/api/v1/sessions/{id}/answers").post(submit_answer))
    .service(resource("/api/v1/sessions/{id}/complete").post(complete_session))
    .service(resource("/api/v1/answers/{id}").get(get_answer))
    .service(resource("/api/v1/me/usage").get(get_usage));
}

/// Start a practice session.
///
/// Questions are picked from the role (filtered by category and difficulty), least-seen first and mixed
/// across categories, unless `question_ids` hand-picks them.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = CreateSessionRequest, security(("bearer" = [])),
    responses((status = 201, description = "Session started", body = Session,
        headers(("Location" = String, description = "URL of the new session")))))]
pub async fn create_session(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<CreateSessionRequest>,
) -> ApiResult<HttpResponse> {
    let s = service::create(&state, &user.user, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/sessions/{}", s.id)))
        .json(s))
}

/// Session history, newest first, with score summaries.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", params(SessionFilter), security(("bearer" = [])),
    responses((status = 200, description = "A page of sessions", body = SessionPage)))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    user: AuthUser,
    filter: web::Query<SessionFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state, user.id(), &filter).await?))
}

/// A session with every question, its current answer and evaluation status, and the summary.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The session", body = Session)))]
pub async fn get_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::load(&state.db, user.id(), *id).await?))
}

/// Delete a session with its answers and evaluations.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::delete(&state, user.id(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Submit an answer; it is evaluated in the background.
///
/// A second answer to the same question replaces the first while the session is in progress (all
/// attempts are kept). Sending the same answer again returns the existing one.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/answers", tag = "sessions", params(("id" = Uuid, Path)), request_body = SubmitAnswerRequest,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Accepted; evaluation pending", body = Answer),
        (status = 402, description = "Monthly quota used up (`quota_exceeded`, with `resets_at`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session is completed (`session_completed`)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn submit_answer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: ApiJson<SubmitAnswerRequest>,
) -> ApiResult<HttpResponse> {
    let a = service::submit_answer(&state, &user.user, *id, body.into_inner()).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/answers/{}", a.id)))
        .json(a))
}

/// Finish the session (unanswered questions count as skipped). Idempotent.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/complete", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The completed session with its summary", body = Session)))]
pub async fn complete_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::complete(&state, user.id(), *id).await?))
}

/// One answer with its evaluation.
#[utoipa::path(get, path = "/api/v1/answers/{id}", tag = "sessions", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The answer", body = Answer)))]
pub async fn get_answer(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::get_answer(&state, user.id(), *id).await?))
}

/// This month's usage against the plan's quota.
#[utoipa::path(get, path = "/api/v1/me/usage", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Usage", body = Usage)))]
pub async fn get_usage(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(usage::usage(&state, &user.user).await?))
}
