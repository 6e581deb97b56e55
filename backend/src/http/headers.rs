//! Security headers on every response, request ids, and the CORS allow-list.
use actix_cors::Cors;
use actix_web::{
    Error, HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
};
use tracing_actix_web::RequestId;

use crate::config::Settings;

/// The SPA's Content-Security-Policy: same-origin scripts only, no framing.
const SPA_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let is_api = req.path().starts_with("/api/")
        || req.path().starts_with("/health")
        || req.path() == "/metrics";
    let is_docs = req.path().starts_with("/docs");
    let hsts = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .is_some_and(|s| s.settings.secure_cookies());
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if is_api {
        if !h.contains_key(header::CACHE_CONTROL) {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    } else if !is_docs {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SPA_CSP),
        );
    }
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        h.insert(header::HeaderName::from_static("x-request-id"), id);
    }
    Ok(res)
}

/// CORS from the configured allow-list plus the app's own origin (and Vite's dev server outside
/// production). Never permissive; `Origin: null` matches nothing.
pub fn cors(settings: &Settings) -> Cors {
    let mut origins: Vec<String> = settings.cors_origins.clone();
    origins.push(settings.app_base_url.origin().ascii_serialization());
    if !settings.is_production() {
        origins.push("http://localhost:5173".into());
        origins.push("http://127.0.0.1:5173".into());
    }
    origins.sort();
    origins.dedup();
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::LOCATION,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("x-request-id"),
        ])
        .supports_credentials()
        // Browsers enforce CORS; the server just withholds the headers from unknown origins.
        .block_on_origin_mismatch(false)
        .max_age(600);
    for o in &origins {
        cors = cors.allowed_origin(o);
    }
    cors
}
