//! HTTP routes for plans, subscriptions, Stripe Checkout, the customer portal and Stripe webhooks.
use actix_web::{HttpRequest, HttpResponse, web};

use super::{dto::*, service};
use crate::{
    accounts::auth::AuthUser,
    error::{ApiError, ApiResult, Problem},
    http::json::ApiJson,
    routing::resource,
    state::AppState,
};

/// Stripe events can be larger than the API's JSON limit (invoices with many lines).
pub const WEBHOOK_BODY_LIMIT: usize = 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/billing/plans").get(list_plans))
        .service(resource("/api/v1/billing/subscription").get(get_subscription))
        .service(resource("/api/v1/billing/checkout").post(checkout))
        .service(resource("/api/v1/billing/portal").post(portal))
        .service(resource("/api/v1/billing/webhook").post(webhook));
}

/// The plans, their limits and prices.
///
/// Public. Prices are integer minor units of `currency`. Listed even when billing is switched off
/// (`billing_enabled: false`).
#[utoipa::path(get, path = "/api/v1/billing/plans", tag = "billing",
    responses((status = 200, description = "Plans", body = PlansResponse)))]
pub async fn list_plans(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::plans(&state.settings)))
}

/// The signed-in user's plan and subscription.
#[utoipa::path(get, path = "/api/v1/billing/subscription", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "Plan and subscription", body = SubscriptionView)))]
pub async fn get_subscription(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::subscription(&state, &user.user).await?))
}

/// Start a Stripe Checkout for a paid plan.
///
/// Returns the URL of a Stripe-hosted Checkout page (subscription mode). The plan changes only when
/// Stripe confirms the payment through the webhook, never on the success redirect.
#[utoipa::path(post, path = "/api/v1/billing/checkout", tag = "billing", request_body = CheckoutRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Checkout page to redirect to", body = RedirectUrl),
        (status = 409, description = "The email is not verified yet (`email_not_verified`), or a subscription is already active (`already_subscribed`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Billing is switched off (`billing_disabled`) or Stripe is unreachable (`billing_unavailable`); see `Retry-After`", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ))]
pub async fn checkout(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<CheckoutRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::checkout(&state, &user.user, &body).await?))
}

/// Open the Stripe customer portal (update the card, switch interval, cancel).
#[utoipa::path(post, path = "/api/v1/billing/portal", tag = "billing", security(("bearer" = [])),
    responses(
        (status = 200, description = "Portal page to redirect to", body = RedirectUrl),
        (status = 409, description = "No billing account yet: subscribe first (`no_billing_account`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Billing is switched off (`billing_disabled`) or Stripe is unreachable (`billing_unavailable`); see `Retry-After`", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ))]
pub async fn portal(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::portal(&state, &user.user).await?))
}

/// Stripe webhook endpoint.
///
/// Called by Stripe, not by clients. The raw body must carry a valid `Stripe-Signature` (HMAC-SHA256,
/// 5-minute tolerance). Each event id is processed once; repeats, stale events and unknown types are
/// acknowledged with 200 and change nothing. Handles `checkout.session.completed`,
/// `customer.subscription.created|updated|deleted`, `invoice.paid` and `invoice.payment_failed`.
#[utoipa::path(post, path = "/api/v1/billing/webhook", tag = "billing",
    params(("Stripe-Signature" = String, Header, description = "`t=<unix time>,v1=<hex HMAC-SHA256>` (several `v1` allowed)")),
    request_body(content = Object, description = "A Stripe event object, verified on its exact bytes"),
    responses(
        (status = 200, description = "Event received (applied, duplicate, stale or ignored)", body = WebhookAck),
        (status = 400, description = "Missing, malformed, wrong or expired signature (`invalid_signature`), or an unreadable event (`invalid_payload`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 503, description = "Webhooks are not configured (`billing_disabled`) or the database is unavailable: Stripe retries", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ))]
pub async fn webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = raw_body(&req, payload).await?;
    let header = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    Ok(HttpResponse::Ok().json(service::webhook(&state, header, &body).await?))
}

/// The exact bytes Stripe signed, up to `WEBHOOK_BODY_LIMIT` (413 problem beyond).
async fn raw_body(req: &HttpRequest, mut payload: web::Payload) -> ApiResult<web::BytesMut> {
    use futures_util::StreamExt;
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > WEBHOOK_BODY_LIMIT) {
        return Err(ApiError::PayloadTooLarge);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::bad_request("invalid_payload", "The request body could not be read.")
        })?;
        if body.len() + chunk.len() > WEBHOOK_BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
