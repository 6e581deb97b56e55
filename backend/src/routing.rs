//! Route helpers: every resource answers an unsupported method with a 405 problem, and unknown paths
//! with a 404 problem.
use actix_web::{HttpResponse, Resource, web};

use crate::error::ApiError;

pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed)
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
