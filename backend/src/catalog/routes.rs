//! HTTP routes of the library: roles, question search, question detail, and admin management.
use actix_web::{HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{QuestionSpec, dto::*, queries, seed};
use crate::{
    accounts::auth::{AdminUser, MaybeAuthUser},
    entities::{answers, questions, roles},
    error::{ApiError, ApiResult, FieldError},
    http::json::ApiJson,
    routing::resource,
    state::AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/roles").get(list_roles))
        .service(resource("/api/v1/questions").get(list_questions))
        .service(resource("/api/v1/questions/{id}").get(get_question))
        .service(resource("/api/v1/admin/questions").post(create_question))
        .service(
            resource("/api/v1/admin/questions/{id}")
                .get(get_question_spec)
                .patch(update_question)
                .delete(delete_question),
        );
}

/// Interview roles with their question counts.
#[utoipa::path(get, path = "/api/v1/roles", tag = "library", responses((status = 200, description = "All roles", body = RoleList)))]
pub async fn list_roles(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let counts: std::collections::HashMap<Uuid, i64> = queries::counts_by_role(&state.db)
        .await?
        .into_iter()
        .collect();
    let items = roles::Entity::find()
        .order_by_asc(roles::Column::Position)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| Role {
            question_count: counts.get(&r.id).copied().unwrap_or(0),
            id: r.id,
            slug: r.slug,
            name: r.name,
            description: r.description,
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(RoleList { items }))
}

/// Browse and search the library. Filters combine; `q` is full-text.
#[utoipa::path(get, path = "/api/v1/questions", tag = "library", params(QuestionFilter),
    responses((status = 200, description = "A page of questions", body = QuestionPage)))]
pub async fn list_questions(
    state: web::Data<AppState>,
    filter: web::Query<QuestionFilter>,
) -> ApiResult<HttpResponse> {
    let (rows, next_cursor) = queries::list(&state.db, &filter).await?;
    Ok(HttpResponse::Ok().json(QuestionPage {
        items: rows.into_iter().map(summary_of).collect(),
        next_cursor,
    }))
}

/// One question with its case brief. Key points, the model answer and a case's worked solution are
/// included only once the signed-in user has answered the question.
#[utoipa::path(get, path = "/api/v1/questions/{id}", tag = "library", params(("id" = Uuid, Path)),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The question", body = QuestionDetail)))]
pub async fn get_question(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let q = questions::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let answered = match &user.0 {
        Some(u) => {
            answers::Entity::find()
                .filter(answers::Column::UserId.eq(u.id()))
                .filter(answers::Column::QuestionId.eq(q.id))
                .count(&state.db)
                .await?
                > 0
        }
        None => false,
    };
    Ok(HttpResponse::Ok().json(detail(&q, answered)))
}

fn validate(
    spec: &QuestionSpec,
    known_roles: &std::collections::HashMap<String, Uuid>,
) -> ApiResult<()> {
    let mut errors: Vec<FieldError> = spec
        .problems()
        .into_iter()
        .map(|(f, m)| FieldError::new(f, m))
        .collect();
    for (i, r) in spec.roles.iter().enumerate() {
        if !known_roles.contains_key(r) {
            errors.push(FieldError::new(
                format!("roles.{i}"),
                "is not a known role slug",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The full definition of a question, for editing (admin): key points, rubric, model answer, case.
#[utoipa::path(get, path = "/api/v1/admin/questions/{id}", tag = "admin", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The question's spec", body = QuestionSpec)))]
pub async fn get_question_spec(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let q = questions::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(spec_of(&q)))
}

/// Add a question to the library (admin).
#[utoipa::path(post, path = "/api/v1/admin/questions", tag = "admin", request_body = QuestionSpec, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = QuestionDetail),
        (status = 409, description = "A question with this id exists (`question_exists`)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create_question(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: ApiJson<QuestionSpec>,
) -> ApiResult<HttpResponse> {
    let spec = body.into_inner();
    let role_ids = seed::role_ids(&state.db).await?;
    validate(&spec, &role_ids)?;
    let txn = crate::db::write_txn(&state.db).await?;
    let exists = questions::Entity::find()
        .filter(questions::Column::Slug.eq(&spec.id))
        .count(&txn)
        .await?
        > 0;
    if exists {
        return Err(ApiError::conflict(
            "question_exists",
            "A question with this id already exists; choose another id.",
        ));
    }
    let id = seed::insert_question(&txn, &spec, spec.version, "admin", &role_ids).await?;
    txn.commit().await?;
    let q = questions::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/questions/{id}")))
        .json(detail(&q, true)))
}

/// Edit a question (admin). Send only the fields to change; the result is validated as a whole.
/// A question that has answers is versioned: the old version is retired and a new one created.
#[utoipa::path(patch, path = "/api/v1/admin/questions/{id}", tag = "admin", params(("id" = Uuid, Path)),
    request_body(content = Object, description = "Any subset of the QuestionSpec fields except `id`"), security(("bearer" = [])),
    responses((status = 200, description = "The updated (possibly new version of the) question", body = QuestionDetail)))]
pub async fn update_question(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<Uuid>,
    body: ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<HttpResponse> {
    let q = questions::Entity::find_by_id(*id)
        .filter(questions::Column::RetiredAt.is_null())
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let patch = body.into_inner();
    if patch.contains_key("id") {
        return Err(ApiError::validation("id", "cannot be changed"));
    }
    let mut merged = serde_json::to_value(spec_of(&q)).map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(obj) = merged.as_object_mut() {
        for (k, v) in patch {
            obj.insert(k, v);
        }
    }
    let spec: QuestionSpec = serde_json::from_value(merged).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).unwrap_or("body").to_owned();
        ApiError::Validation(vec![FieldError::new(field, msg)])
    })?;
    let role_ids = seed::role_ids(&state.db).await?;
    validate(&spec, &role_ids)?;
    let txn = crate::db::write_txn(&state.db).await?;
    let answered = answers::Entity::find()
        .filter(answers::Column::QuestionId.eq(q.id))
        .count(&txn)
        .await?
        > 0;
    let new_id = if answered {
        seed::retire(&txn, q.id).await?;
        seed::insert_question(&txn, &spec, q.version + 1, &q.source, &role_ids).await?
    } else {
        seed::update_question(&txn, q.id, &spec, &role_ids).await?;
        q.id
    };
    txn.commit().await?;
    let q = questions::Entity::find_by_id(new_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(detail(&q, true)))
}

/// Remove a question (admin). One that has answers is retired instead, so history stays intact.
#[utoipa::path(delete, path = "/api/v1/admin/questions/{id}", tag = "admin", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Deleted or retired")))]
pub async fn delete_question(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let txn = crate::db::write_txn(&state.db).await?;
    let q = questions::Entity::find_by_id(*id)
        .filter(questions::Column::RetiredAt.is_null())
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let used = answers::Entity::find()
        .filter(answers::Column::QuestionId.eq(q.id))
        .count(&txn)
        .await?
        > 0
        || crate::entities::session_questions::Entity::find()
            .filter(crate::entities::session_questions::Column::QuestionId.eq(q.id))
            .count(&txn)
            .await?
            > 0;
    seed::retire(&txn, q.id).await?;
    if !used {
        questions::Entity::delete_by_id(q.id).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
