//! Billing use cases: the plan list, the user's subscription, Checkout and portal sessions, and
//! webhook delivery.
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    dto::*,
    signature,
    stripe_api::{CheckoutParams, StripeApi, StripeCallError},
    webhook,
};
use crate::{
    config::{Settings, StripeSettings},
    entities::{subscriptions, users},
    error::{ApiError, ApiResult},
    plans::{self, Access, status},
    state::AppState,
};

/// Where Checkout and the portal send the browser back to.
pub const BILLING_PAGE: &str = "/settings/billing";

pub fn billing_disabled() -> ApiError {
    ApiError::Unavailable {
        code: "billing_disabled",
        detail: "Billing is switched off on this server (no STRIPE_SECRET_KEY is configured). An administrator can grant plans with `interviewos grant-plan`.".into(),
        retry_after_secs: 3600,
    }
}

fn stripe_unavailable(e: StripeCallError) -> ApiError {
    // Status and Stripe's error code only: never the request or the secret.
    tracing::error!(error = %e, "stripe call failed");
    ApiError::Unavailable {
        code: "billing_unavailable",
        detail: "The payment provider could not be reached; please try again shortly.".into(),
        retry_after_secs: 30,
    }
}

fn stripe_settings(settings: &Settings) -> ApiResult<&StripeSettings> {
    settings
        .billing
        .stripe
        .as_ref()
        .ok_or_else(billing_disabled)
}

pub fn plans(settings: &Settings) -> PlansResponse {
    let b = &settings.billing;
    let enabled = b.stripe.is_some();
    let price = |interval, amount, id: &Option<String>| Price {
        interval,
        amount,
        currency: b.currency.clone(),
        stripe_price_id: if enabled { id.clone() } else { None },
    };
    let ai = settings.openai.is_some();
    PlansResponse {
        billing_enabled: enabled,
        plans: vec![
            Plan {
                id: PlanId::Free,
                name: "Free".into(),
                description: format!(
                    "{} evaluated answers per month with the rubric grader.",
                    settings.free_monthly_answers
                ),
                monthly_answer_limit: Some(settings.free_monthly_answers),
                ai_grader: ai && settings.openai_for_all_plans,
                prices: vec![],
            },
            Plan {
                id: PlanId::Pro,
                name: "Pro".into(),
                description: if ai {
                    "Unlimited practice, evaluated by the AI grader.".into()
                } else {
                    "Unlimited practice.".into()
                },
                monthly_answer_limit: None,
                ai_grader: ai,
                prices: vec![
                    price(Interval::Month, b.pro_monthly_amount, &b.price_pro_monthly),
                    price(Interval::Year, b.pro_yearly_amount, &b.price_pro_yearly),
                ],
            },
        ],
    }
}

async fn user_subscriptions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Vec<subscriptions::Model>> {
    Ok(subscriptions::Entity::find()
        .filter(subscriptions::Column::UserId.eq(user_id))
        .all(db)
        .await?)
}

pub async fn subscription(state: &AppState, user: &users::Model) -> ApiResult<SubscriptionView> {
    let grace = state.settings.billing.grace_days;
    let now = Utc::now();
    let rows = user_subscriptions(&state.db, user.id).await?;
    // The row that matters: the best access now, then the most recently updated.
    let main = rows
        .iter()
        .filter(|r| r.status != status::REVOKED)
        .max_by_key(|r| (plans::subscription_access(r, grace).at(now), r.updated_at));
    let plan = match plans::effective_plan(user) {
        plans::PRO => PlanId::Pro,
        _ => PlanId::Free,
    };
    Ok(SubscriptionView {
        plan,
        status: main.map_or_else(|| "none".to_owned(), |r| r.status.clone()),
        interval: main
            .and_then(|r| r.interval.as_deref())
            .and_then(Interval::parse),
        current_period_end: main.and_then(|r| r.current_period_end),
        cancel_at_period_end: main.is_some_and(|r| r.cancel_at_period_end),
        plan_until: if plan == PlanId::Pro {
            user.plan_until
        } else {
            None
        },
        has_billing_account: user.stripe_customer_id.is_some(),
        billing_enabled: state.settings.billing.stripe.is_some(),
    })
}

/// The user's Stripe customer, created once (concurrent first checkouts share one: the Stripe call
/// uses an idempotency key derived from the user id and only the first link is stored).
async fn ensure_customer(
    state: &AppState,
    api: &StripeApi,
    user: &users::Model,
) -> ApiResult<String> {
    if let Some(id) = &user.stripe_customer_id {
        return Ok(id.clone());
    }
    let created = api
        .create_customer(user.id, &user.email)
        .await
        .map_err(stripe_unavailable)?;
    crate::db::execute(
        &state.db,
        "UPDATE users SET stripe_customer_id = $1 WHERE id = $2 AND stripe_customer_id IS NULL",
        vec![created.clone().into(), user.id.into()],
    )
    .await?;
    let stored = users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .and_then(|u| u.stripe_customer_id)
        .unwrap_or(created);
    Ok(stored)
}

pub async fn checkout(
    state: &AppState,
    user: &users::Model,
    req: &CheckoutRequest,
) -> ApiResult<RedirectUrl> {
    let stripe = stripe_settings(&state.settings)?;
    if user.email_verified_at.is_none() {
        return Err(ApiError::conflict(
            "email_not_verified",
            "Verify your email address before subscribing.",
        ));
    }
    let grace = state.settings.billing.grace_days;
    let now = Utc::now();
    let subscribed = user_subscriptions(&state.db, user.id)
        .await?
        .iter()
        .any(|r| {
            r.source == "stripe"
                && matches!(
                    r.status.as_str(),
                    status::ACTIVE | status::TRIALING | status::PAST_DUE
                )
                && plans::subscription_access(r, grace).at(now) != Access::None
        });
    if subscribed {
        return Err(ApiError::conflict(
            "already_subscribed",
            "You already have a subscription; change or cancel it in the billing portal.",
        ));
    }
    let b = &state.settings.billing;
    let PaidPlan::Pro = req.plan;
    let price_id = match req.interval {
        Interval::Month => b.price_pro_monthly.as_deref(),
        Interval::Year => b.price_pro_yearly.as_deref(),
    }
    .ok_or_else(billing_disabled)?;
    let api = StripeApi::new(stripe).map_err(stripe_unavailable)?;
    let customer_id = ensure_customer(state, &api, user).await?;
    let success = state
        .settings
        .app_link(&format!("{BILLING_PAGE}?checkout=success"));
    let cancel = state
        .settings
        .app_link(&format!("{BILLING_PAGE}?checkout=cancelled"));
    let key = format!("interviewos-checkout-{}", Uuid::new_v4());
    let url = api
        .create_checkout_session(CheckoutParams {
            user_id: user.id,
            customer_id: &customer_id,
            price_id,
            success_url: &success,
            cancel_url: &cancel,
            idempotency_key: &key,
        })
        .await
        .map_err(stripe_unavailable)?;
    Ok(RedirectUrl { url })
}

pub async fn portal(state: &AppState, user: &users::Model) -> ApiResult<RedirectUrl> {
    let stripe = stripe_settings(&state.settings)?;
    let Some(customer_id) = &user.stripe_customer_id else {
        return Err(ApiError::conflict(
            "no_billing_account",
            "There is no billing account yet: subscribe through checkout first.",
        ));
    };
    let api = StripeApi::new(stripe).map_err(stripe_unavailable)?;
    let key = format!("interviewos-portal-{}", Uuid::new_v4());
    let url = api
        .create_portal_session(customer_id, &state.settings.app_link(BILLING_PAGE), &key)
        .await
        .map_err(stripe_unavailable)?;
    Ok(RedirectUrl { url })
}

/// Verifies, deduplicates and applies one webhook delivery.
pub async fn webhook(
    state: &AppState,
    signature_header: Option<&str>,
    body: &[u8],
) -> ApiResult<WebhookAck> {
    let billing = &state.settings.billing;
    if billing.webhook_secrets.is_empty() {
        return Err(billing_disabled());
    }
    signature::verify(
        signature_header,
        body,
        &billing.webhook_secrets,
        Utc::now().timestamp(),
    )
    .map_err(|e| {
        tracing::warn!(reason = %e, "stripe webhook refused");
        ApiError::bad_request(
            "invalid_signature",
            format!("Signature verification failed: {e}."),
        )
    })?;
    let event = webhook::parse_event(body)?;
    let ctx = webhook::Context {
        billing,
        billing_link: state.settings.app_link(BILLING_PAGE),
    };
    let txn = crate::db::write_txn(&state.db).await?;
    if !webhook::claim(&txn, &event).await? {
        txn.rollback().await?;
        tracing::info!(event = %event.id, kind = %event.kind, "duplicate stripe event acknowledged");
        return Ok(WebhookAck {
            received: true,
            outcome: webhook::outcome::DUPLICATE.into(),
        });
    }
    let effect = webhook::apply(&txn, &ctx, &event).await?;
    webhook::record(&txn, &event, &effect).await?;
    txn.commit().await?;
    if effect.emailed {
        state.jobs.notify();
    }
    tracing::info!(event = %event.id, kind = %event.kind, outcome = effect.outcome, "stripe event processed");
    Ok(WebhookAck {
        received: true,
        outcome: effect.outcome.into(),
    })
}
