//! Data-rights routes: activity, export, account deletion, and the admins' audit log.
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    accounts::auth::{AdminUser, AuthUser},
    audit::{self, kind},
    email::{self, templates},
    entities::{auth_sessions, security_events, users},
    error::ApiResult,
    http::{
        client::ClientInfo,
        json::ApiJson,
        pagination::{Cursor, limit, max_chars},
    },
    routing::resource,
    state::AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/me/activity").get(activity))
        .service(resource("/api/v1/me/export").get(export))
        .service(resource("/api/v1/admin/audit").get(audit_log));
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActivityItem {
    pub id: Uuid,
    /// `login`, `login_failed`, `refresh_token_reused`, `password_changed`, `password_reset`,
    /// `data_exported`, `logout_all`, `email_verified`, …
    pub kind: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<ActivityItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[param(max_length = 512)]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditItem {
    pub id: Uuid,
    /// Null once the account was purged.
    pub user_id: Option<Uuid>,
    pub kind: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only events of this kind.
    #[param(max_length = 40)]
    pub kind: Option<String>,
    pub user_id: Option<Uuid>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

async fn events_page(
    state: &AppState,
    cond: Condition,
    cursor: Option<&str>,
    limit_param: Option<u64>,
) -> ApiResult<(Vec<security_events::Model>, Option<String>)> {
    let limit = limit(limit_param)?;
    let mut cond = cond;
    if let Some(c) = cursor {
        let c = Cursor::decode(c)?;
        cond = cond.add(
            Condition::any()
                .add(security_events::Column::CreatedAt.lt(c.t))
                .add(
                    Condition::all()
                        .add(security_events::Column::CreatedAt.eq(c.t))
                        .add(security_events::Column::Id.lt(c.id)),
                ),
        );
    }
    let mut rows = security_events::Entity::find()
        .filter(cond)
        .order_by_desc(security_events::Column::CreatedAt)
        .order_by_desc(security_events::Column::Id)
        .limit(limit + 1)
        .all(&state.db)
        .await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| {
            Cursor {
                t: r.created_at,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Sign-in activity and security events on this account, newest first.
#[utoipa::path(get, path = "/api/v1/me/activity", tag = "privacy", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, description = "A page of events", body = ActivityPage)))]
pub async fn activity(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let (rows, next_cursor) = events_page(
        &state,
        Condition::all().add(security_events::Column::UserId.eq(user.id())),
        q.cursor.as_deref(),
        q.limit,
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|e| ActivityItem {
            id: e.id,
            kind: e.kind,
            ip: e.ip,
            user_agent: e.user_agent,
            created_at: e.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ActivityPage { items, next_cursor }))
}

/// Download everything stored about you as one JSON document (streamed).
///
/// Sections: `format_version`, `exported_at`, `account`, `sessions`, `session_questions`, `answers`,
/// `evaluations`, `usage`, `progress_daily`, `progress_dimensions`, `activity`, `emails`, `devices`,
/// `refresh_tokens` and `email_tokens` (metadata only; secrets are never exported), `subscription`
/// and `billing_events`.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "The export (attachment)", content_type = "application/json", body = Object,
        headers(("Content-Disposition" = String, description = "attachment; filename=…")))))]
pub async fn export(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    audit::record(
        &state.db,
        Some(user.id()),
        kind::DATA_EXPORTED,
        Some(&client),
        None,
    )
    .await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    actix_web::rt::spawn(super::export::produce(
        state.db.clone(),
        state.audio.clone(),
        user.user.clone(),
        tx,
    ));
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let filename = format!("interviewos-export-{}.json", Utc::now().format("%Y%m%d"));
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(body))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    /// The current password, to confirm.
    #[schema(max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeletionScheduled {
    pub message: String,
    /// Personal data is erased by this time.
    pub purge_after: DateTime<Utc>,
}

/// Delete the account. Access ends at once (every session signed out, sign-in refused); personal
/// data is erased after the grace period (at most 30 days). A confirmation email is sent.
#[utoipa::path(delete, path = "/api/v1/me", tag = "privacy", request_body = DeleteAccountRequest, security(("bearer" = [])),
    responses((status = 202, description = "Deleted; erasure scheduled", body = DeletionScheduled),
        (status = 429, response = crate::openapi::RateLimited)))]
pub async fn delete_me(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    body: ApiJson<DeleteAccountRequest>,
) -> ApiResult<HttpResponse> {
    crate::accounts::service::recheck_password(
        &state,
        &user.user,
        body.into_inner().password,
        "password",
        &client,
    )
    .await?;
    let now = Utc::now();
    let grace = state.settings.deletion_grace_days;
    let txn = crate::db::write_txn(&state.db).await?;
    let mut am: users::ActiveModel = user.user.clone().into();
    am.deleted_at = Set(Some(now));
    am.updated_at = Set(now);
    am.update(&txn).await?;
    auth_sessions::Entity::update_many()
        .col_expr(
            auth_sessions::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(auth_sessions::Column::UserId.eq(user.id()))
        .filter(auth_sessions::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(user.id()),
        kind::ACCOUNT_DELETED,
        Some(&client),
        None,
    )
    .await?;
    email::queue(
        &txn,
        Some(user.id()),
        &user.user.email,
        templates::account_deleted(grace),
    )
    .await?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(HttpResponse::Accepted().json(DeletionScheduled {
        message:
            "Your account is deleted and you are signed out everywhere. Your data will be erased."
                .into(),
        purge_after: now + chrono::Duration::days(grace as i64),
    }))
}

/// The security audit log (admins): sign-ins, failures, password changes, exports, deletions.
/// It never holds answer text or secrets.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "A page of events", body = AuditPage)))]
pub async fn audit_log(
    state: web::Data<AppState>,
    _admin: AdminUser,
    q: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    max_chars("kind", q.kind.as_deref(), 40)?;
    max_chars("cursor", q.cursor.as_deref(), 512)?;
    let mut cond = Condition::all();
    if let Some(k) = &q.kind {
        cond = cond.add(security_events::Column::Kind.eq(k.as_str()));
    }
    if let Some(u) = q.user_id {
        cond = cond.add(security_events::Column::UserId.eq(u));
    }
    let (rows, next_cursor) = events_page(&state, cond, q.cursor.as_deref(), q.limit).await?;
    let items = rows
        .into_iter()
        .map(|e| AuditItem {
            id: e.id,
            user_id: e.user_id,
            kind: e.kind,
            ip: e.ip,
            created_at: e.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(AuditPage { items, next_cursor }))
}
