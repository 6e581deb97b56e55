use actix_web::{HttpResponse, web};

use super::{Progress, ProgressFilter, compute, today};
use crate::{accounts::auth::AuthUser, error::ApiResult, routing::resource, state::AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/progress").get(get_progress));
}

/// Progress over time: totals, streaks, weekly trend, dimension averages and trends, breakdowns by role
/// and category, the weakest skills and questions recommended to work on them.
#[utoipa::path(get, path = "/api/v1/progress", tag = "progress", params(ProgressFilter), security(("bearer" = [])),
    responses((status = 200, description = "The progress report", body = Progress)))]
pub async fn get_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    filter: web::Query<ProgressFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(compute(&state.db, user.id(), &filter, today()).await?))
}
