use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{routing::resource, state::AppState};

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health/live").get(live))
        .service(resource("/health/ready").get(ready));
}

/// Liveness: the process is up and serving.
#[utoipa::path(get, path = "/health/live", tag = "ops", responses((status = 200, description = "Alive", body = Health)))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers. 503 (with `Retry-After`) otherwise.
#[utoipa::path(get, path = "/health/ready", tag = "ops", responses(
    (status = 200, description = "Ready", body = Health),
    (status = 503, response = crate::openapi::Unavailable)))]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    match crate::db::ping(&state.db).await {
        Ok(()) => HttpResponse::Ok().json(Health {
            status: "ok".into(),
        }),
        Err(_) => HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "5"))
            .content_type("application/problem+json")
            .json(
                crate::error::ApiError::Unavailable {
                    code: "database_unavailable",
                    detail: "The database is not reachable.".into(),
                    retry_after_secs: 5,
                }
                .problem(),
            ),
    }
}
