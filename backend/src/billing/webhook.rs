//! Stripe webhook processing. Each event id is claimed in `billing_events` and its effects are
//! written in the same transaction, so a repeat (or a concurrent duplicate) does nothing; an event
//! older than the subscription state it would overwrite is recorded as `stale` and changes nothing.
//!
//! Event objects are read with small tolerant structs rather than async-stripe's full types, so
//! fields Stripe moves between API versions (`current_period_end` moved onto subscription items and
//! `invoice.subscription` under `invoice.parent` in 2025) are read from either place.
use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QuerySelect,
};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    audit,
    config::BillingSettings,
    email,
    entities::{billing_events, subscriptions, users},
    error::{ApiError, ApiResult},
    plans::{self, status},
};

pub mod kind {
    pub const CHECKOUT_COMPLETED: &str = "checkout.session.completed";
    pub const SUBSCRIPTION_CREATED: &str = "customer.subscription.created";
    pub const SUBSCRIPTION_UPDATED: &str = "customer.subscription.updated";
    pub const SUBSCRIPTION_DELETED: &str = "customer.subscription.deleted";
    pub const INVOICE_PAID: &str = "invoice.paid";
    pub const INVOICE_PAYMENT_FAILED: &str = "invoice.payment_failed";
}

pub mod outcome {
    pub const PROCESSING: &str = "processing";
    pub const APPLIED: &str = "applied";
    pub const STALE: &str = "stale";
    pub const IGNORED: &str = "ignored";
    pub const DUPLICATE: &str = "duplicate";
}

#[derive(Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub data: EventData,
}

#[derive(Debug, Deserialize)]
pub struct EventData {
    pub object: Value,
}

/// An id, or the object it names when expanded.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum IdOrObject {
    Id(String),
    Object { id: String },
}

impl IdOrObject {
    fn id(&self) -> &str {
        match self {
            IdOrObject::Id(id) | IdOrObject::Object { id } => id,
        }
    }
}

#[derive(Debug, Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct Subscription {
    id: String,
    customer: Option<IdOrObject>,
    status: String,
    #[serde(default)]
    cancel_at_period_end: bool,
    cancel_at: Option<i64>,
    /// Before API version 2025-03-31 the period lived on the subscription…
    current_period_end: Option<i64>,
    items: Option<List<SubscriptionItem>>,
    metadata: Option<HashMap<String, Value>>,
}

#[derive(Debug, Deserialize)]
struct SubscriptionItem {
    price: Option<Price>,
    /// …since then on each item.
    current_period_end: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Price {
    id: String,
    recurring: Option<Recurring>,
}

#[derive(Debug, Deserialize)]
struct Recurring {
    interval: String,
}

#[derive(Debug, Deserialize)]
struct CheckoutSession {
    id: String,
    mode: Option<String>,
    client_reference_id: Option<String>,
    customer: Option<IdOrObject>,
    subscription: Option<IdOrObject>,
    payment_status: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Invoice {
    id: String,
    customer: Option<IdOrObject>,
    /// Before API version 2025-03-31.
    subscription: Option<IdOrObject>,
    parent: Option<InvoiceParent>,
    amount_due: Option<i64>,
    amount_paid: Option<i64>,
    currency: Option<String>,
    billing_reason: Option<String>,
    status: Option<String>,
    attempt_count: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct InvoiceParent {
    subscription_details: Option<InvoiceSubscriptionDetails>,
}

#[derive(Debug, Deserialize)]
struct InvoiceSubscriptionDetails {
    subscription: Option<IdOrObject>,
}

/// What processing an event did, recorded on its `billing_events` row.
#[derive(Debug)]
pub struct Effect {
    pub outcome: &'static str,
    pub user_id: Option<Uuid>,
    pub object_id: Option<String>,
    pub summary: Option<Value>,
    /// Emails were queued: wake the workers after commit.
    pub emailed: bool,
}

impl Effect {
    fn new(outcome: &'static str, object_id: Option<String>) -> Self {
        Effect {
            outcome,
            user_id: None,
            object_id,
            summary: None,
            emailed: false,
        }
    }
}

pub struct Context<'a> {
    pub billing: &'a BillingSettings,
    /// Link for billing emails (the settings page, from `APP_BASE_URL`).
    pub billing_link: String,
}

fn invalid_payload(detail: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_payload",
        format!("The event could not be read: {detail}"),
    )
}

pub fn parse_event(body: &[u8]) -> ApiResult<Event> {
    let event: Event = serde_json::from_slice(body).map_err(invalid_payload)?;
    if event.id.is_empty() || event.id.len() > 255 || event.kind.len() > 100 {
        return Err(invalid_payload("bad id or type"));
    }
    Ok(event)
}

fn object<T: DeserializeOwned>(event: &Event) -> ApiResult<T> {
    T::deserialize(&event.data.object).map_err(invalid_payload)
}

fn ts(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_else(Utc::now)
}

async fn execute(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> ApiResult<u64> {
    Ok(crate::db::execute(db, sql, values).await?)
}

/// Claims the event id inside `txn`. `false` when it was already processed (or is being processed
/// by a concurrent delivery, which this call waits for on PostgreSQL's unique index).
pub async fn claim(txn: &DatabaseTransaction, event: &Event) -> ApiResult<bool> {
    let now = Utc::now();
    let n = execute(
        txn,
        "INSERT INTO billing_events (id, stripe_event_id, event_type, user_id, stripe_object_id, created, processed_at, outcome, summary) \
         VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6, NULL) ON CONFLICT (stripe_event_id) DO NOTHING",
        vec![
            Uuid::now_v7().into(),
            event.id.clone().into(),
            event.kind.clone().into(),
            ts(event.created).into(),
            now.into(),
            outcome::PROCESSING.into(),
        ],
    )
    .await?;
    Ok(n == 1)
}

/// Records what the event did on its claimed row.
pub async fn record(txn: &DatabaseTransaction, event: &Event, effect: &Effect) -> ApiResult<()> {
    let Some(row) = billing_events::Entity::find()
        .filter(billing_events::Column::StripeEventId.eq(&event.id))
        .one(txn)
        .await?
    else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "claimed event row vanished"
        )));
    };
    let mut am: billing_events::ActiveModel = row.into();
    am.outcome = Set(effect.outcome.to_owned());
    am.user_id = Set(effect.user_id);
    am.stripe_object_id = Set(effect.object_id.clone());
    am.summary = Set(effect.summary.clone());
    am.processed_at = Set(Utc::now());
    am.update(txn).await?;
    Ok(())
}

/// Applies one verified, newly claimed event.
pub async fn apply(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    event: &Event,
) -> ApiResult<Effect> {
    match event.kind.as_str() {
        kind::SUBSCRIPTION_CREATED | kind::SUBSCRIPTION_UPDATED | kind::SUBSCRIPTION_DELETED => {
            subscription_event(txn, ctx, event).await
        }
        kind::CHECKOUT_COMPLETED => checkout_completed(txn, ctx, event).await,
        kind::INVOICE_PAID | kind::INVOICE_PAYMENT_FAILED => invoice_event(txn, ctx, event).await,
        _ => {
            let id = event
                .data
                .object
                .get("id")
                .and_then(Value::as_str)
                .map(|s| s.chars().take(255).collect());
            Ok(Effect::new(outcome::IGNORED, id))
        }
    }
}

async fn find_subscription(
    txn: &DatabaseTransaction,
    stripe_id: &str,
) -> ApiResult<Option<subscriptions::Model>> {
    let mut q = subscriptions::Entity::find()
        .filter(subscriptions::Column::StripeSubscriptionId.eq(stripe_id));
    if crate::db::is_postgres(txn) {
        // Concurrent events for one subscription apply one after the other, each seeing the other's
        // `last_event_at`.
        q = q.lock_exclusive();
    }
    Ok(q.one(txn).await?)
}

/// A live account with this id (a deleted account is never linked to billing again).
async fn active_user(txn: &DatabaseTransaction, id: Uuid) -> ApiResult<bool> {
    Ok(users::Entity::find_by_id(id)
        .one(txn)
        .await?
        .is_some_and(|u| u.deleted_at.is_none()))
}

async fn user_by_customer(txn: &DatabaseTransaction, customer: &str) -> ApiResult<Option<Uuid>> {
    Ok(users::Entity::find()
        .filter(users::Column::StripeCustomerId.eq(customer))
        .one(txn)
        .await?
        .map(|u| u.id))
}

/// The user a subscription belongs to: the row's link, our `user_id` metadata, or the customer.
async fn resolve_user(
    txn: &DatabaseTransaction,
    existing: Option<&subscriptions::Model>,
    metadata_user: Option<&str>,
    customer: Option<&str>,
) -> ApiResult<Option<Uuid>> {
    if let Some(id) = existing.and_then(|r| r.user_id) {
        return Ok(Some(id));
    }
    if let Some(id) = metadata_user.and_then(|s| s.parse::<Uuid>().ok())
        && active_user(txn, id).await?
    {
        return Ok(Some(id));
    }
    match customer {
        Some(c) => user_by_customer(txn, c).await,
        None => Ok(None),
    }
}

fn grants_access(status: &str) -> bool {
    matches!(status, status::ACTIVE | status::TRIALING | status::PAST_DUE)
}

fn is_terminal(status: &str) -> bool {
    matches!(
        status,
        status::CANCELED | status::UNPAID | status::INCOMPLETE_EXPIRED
    )
}

/// After a row changed: recompute the user's plan, audit a change, and email when Pro ended.
async fn after_change(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    user_id: Uuid,
    ended: bool,
    source_event: &Event,
) -> ApiResult<bool> {
    let Some(change) = plans::refresh_user_plan(txn, user_id, ctx.billing.grace_days).await? else {
        return Ok(false);
    };
    if change.changed() {
        audit::record(
            txn,
            Some(user_id),
            audit::kind::PLAN_CHANGED,
            None,
            Some(json!({
                "from": change.before,
                "to": change.after,
                "source": "stripe",
                "event": source_event.id,
            })),
        )
        .await?;
    }
    if ended && change.after == plans::FREE {
        return queue_email(
            txn,
            user_id,
            email::templates::subscription_ended(&ctx.billing_link),
        )
        .await;
    }
    Ok(false)
}

/// Queues a billing email to an active account; `true` when one was queued.
async fn queue_email(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    rendered: email::templates::Rendered,
) -> ApiResult<bool> {
    match users::Entity::find_by_id(user_id).one(txn).await? {
        Some(user) if user.deleted_at.is_none() => {
            email::queue(txn, Some(user_id), &user.email, rendered).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

async fn subscription_event(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    event: &Event,
) -> ApiResult<Effect> {
    let sub: Subscription = object(event)?;
    let created = ts(event.created);
    let existing = find_subscription(txn, &sub.id).await?;
    let mut effect = Effect::new(outcome::APPLIED, Some(sub.id.clone()));
    if let Some(row) = &existing
        && row.last_event_at.is_some_and(|last| last > created)
    {
        effect.outcome = outcome::STALE;
        effect.user_id = row.user_id;
        effect.summary = Some(json!({ "status": sub.status, "stale_against": row.last_event_at }));
        return Ok(effect);
    }
    let customer = sub.customer.as_ref().map(|c| c.id().to_owned());
    let metadata_user = sub
        .metadata
        .as_ref()
        .and_then(|m| m.get("user_id"))
        .and_then(Value::as_str);
    let user_id = resolve_user(txn, existing.as_ref(), metadata_user, customer.as_deref()).await?;

    let items = sub
        .items
        .as_ref()
        .map(|l| l.data.as_slice())
        .unwrap_or_default();
    let price = items.iter().find_map(|i| i.price.as_ref());
    let price_id = price.map(|p| p.id.clone());
    let interval = price
        .and_then(|p| p.recurring.as_ref())
        .map(|r| r.interval.clone())
        .or_else(|| {
            let id = price_id.as_deref()?;
            if Some(id) == ctx.billing.price_pro_monthly.as_deref() {
                Some("month".into())
            } else if Some(id) == ctx.billing.price_pro_yearly.as_deref() {
                Some("year".into())
            } else {
                None
            }
        })
        .filter(|i| i.len() <= 16);
    if let Some(id) = price_id.as_deref()
        && Some(id) != ctx.billing.price_pro_monthly.as_deref()
        && Some(id) != ctx.billing.price_pro_yearly.as_deref()
    {
        // Pro is the only paid plan; a retired price still means Pro.
        tracing::warn!(
            price_id = id,
            "subscription on a price that is not configured; treating it as pro"
        );
    }
    let period_end = sub
        .current_period_end
        .or_else(|| items.iter().filter_map(|i| i.current_period_end).max())
        .map(ts);
    let status_now = sub.status.chars().take(32).collect::<String>();
    let cancel_at_period_end = sub.cancel_at_period_end || sub.cancel_at.is_some();
    let previous_status = existing.as_ref().map(|r| r.status.clone());
    let past_due_since = if status_now == status::PAST_DUE {
        existing
            .as_ref()
            .filter(|r| r.status == status::PAST_DUE)
            .and_then(|r| r.past_due_since)
            .or(Some(created))
    } else {
        None
    };
    let now = Utc::now();
    let is_new = existing.is_none();
    let mut am: subscriptions::ActiveModel = match existing {
        Some(row) => row.into(),
        None => subscriptions::ActiveModel {
            id: Set(Uuid::now_v7()),
            source: Set("stripe".into()),
            stripe_subscription_id: Set(Some(sub.id.clone())),
            created_at: Set(now),
            ..Default::default()
        },
    };
    am.user_id = Set(user_id);
    am.stripe_customer_id = Set(customer.filter(|_| user_id.is_some()));
    am.price_id = Set(price_id.clone());
    am.plan = Set(plans::PRO.into());
    am.interval = Set(interval.clone());
    am.status = Set(status_now.clone());
    am.current_period_end = Set(period_end);
    am.cancel_at_period_end = Set(cancel_at_period_end);
    am.past_due_since = Set(past_due_since);
    am.last_event_at = Set(Some(created));
    am.updated_at = Set(now);
    if is_new {
        am.insert(txn).await?;
    } else {
        am.update(txn).await?;
    }

    effect.user_id = user_id;
    effect.summary = Some(json!({
        "status": status_now,
        "previous_status": previous_status,
        "price_id": price_id,
        "interval": interval,
        "current_period_end": period_end,
        "cancel_at_period_end": cancel_at_period_end,
    }));
    if let Some(uid) = user_id {
        let ended =
            previous_status.as_deref().is_some_and(grants_access) && is_terminal(&status_now);
        effect.emailed = after_change(txn, ctx, uid, ended, event).await?;
    } else {
        effect.outcome = outcome::IGNORED;
    }
    Ok(effect)
}

async fn checkout_completed(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    event: &Event,
) -> ApiResult<Effect> {
    let session: CheckoutSession = object(event)?;
    let mut effect = Effect::new(outcome::IGNORED, Some(session.id.clone()));
    if session.mode.as_deref() != Some("subscription") {
        return Ok(effect);
    }
    let created = ts(event.created);
    let customer = session.customer.as_ref().map(|c| c.id().to_owned());
    let mut user_id = None;
    if let Some(id) = session
        .client_reference_id
        .as_deref()
        .and_then(|s| s.parse::<Uuid>().ok())
        && active_user(txn, id).await?
    {
        user_id = Some(id);
    }
    if user_id.is_none()
        && let Some(c) = customer.as_deref()
    {
        user_id = user_by_customer(txn, c).await?;
    }
    let Some(uid) = user_id else {
        return Ok(effect);
    };
    effect.user_id = Some(uid);
    // Link the customer when the session created it (we normally create it first).
    if let Some(c) = customer.as_deref() {
        execute(
            txn,
            "UPDATE users SET stripe_customer_id = $1 WHERE id = $2 AND stripe_customer_id IS NULL",
            vec![c.to_owned().into(), uid.into()],
        )
        .await?;
    }
    let paid = session.payment_status.as_deref() == Some("paid");
    let Some(sub_id) = session.subscription.as_ref().map(|s| s.id().to_owned()) else {
        return Ok(effect);
    };
    let now = Utc::now();
    let existing = find_subscription(txn, &sub_id).await?;
    match existing {
        None => {
            // The subscription events may still be on their way: record a placeholder so access
            // starts now; their fuller state (same or later `created`) overwrites it.
            subscriptions::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(Some(uid)),
                source: Set("stripe".into()),
                stripe_customer_id: Set(customer.clone()),
                stripe_subscription_id: Set(Some(sub_id.clone())),
                price_id: Set(None),
                plan: Set(plans::PRO.into()),
                interval: Set(None),
                status: Set(if paid {
                    status::ACTIVE
                } else {
                    status::INCOMPLETE
                }
                .into()),
                current_period_end: Set(None),
                cancel_at_period_end: Set(false),
                past_due_since: Set(None),
                last_event_at: Set(Some(created)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        Some(row) => {
            let upgrade = paid
                && row.status == status::INCOMPLETE
                && row.last_event_at.is_none_or(|last| last <= created);
            let link = row.user_id.is_none();
            if upgrade || link {
                let mut am: subscriptions::ActiveModel = row.into();
                if link {
                    am.user_id = Set(Some(uid));
                    am.stripe_customer_id = Set(customer.clone());
                }
                if upgrade {
                    am.status = Set(status::ACTIVE.into());
                    am.last_event_at = Set(Some(created));
                }
                am.updated_at = Set(now);
                am.update(txn).await?;
            }
        }
    }
    effect.outcome = outcome::APPLIED;
    effect.summary =
        Some(json!({ "subscription": sub_id, "payment_status": session.payment_status }));
    effect.emailed = after_change(txn, ctx, uid, false, event).await?;
    Ok(effect)
}

async fn invoice_event(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    event: &Event,
) -> ApiResult<Effect> {
    let invoice: Invoice = object(event)?;
    let created = ts(event.created);
    let mut effect = Effect::new(outcome::IGNORED, Some(invoice.id.clone()));
    effect.summary = Some(json!({
        "amount_due": invoice.amount_due,
        "amount_paid": invoice.amount_paid,
        "currency": invoice.currency,
        "billing_reason": invoice.billing_reason,
        "status": invoice.status,
        "attempt_count": invoice.attempt_count,
    }));
    let sub_id = invoice
        .parent
        .as_ref()
        .and_then(|p| p.subscription_details.as_ref())
        .and_then(|d| d.subscription.as_ref())
        .or(invoice.subscription.as_ref())
        .map(|s| s.id().to_owned());
    let row = match sub_id.as_deref() {
        Some(id) => find_subscription(txn, id).await?,
        None => None,
    };
    let customer = invoice.customer.as_ref().map(|c| c.id().to_owned());
    let user_id = match row.as_ref().and_then(|r| r.user_id) {
        Some(id) => Some(id),
        None => match customer.as_deref() {
            Some(c) => user_by_customer(txn, c).await?,
            None => None,
        },
    };
    let Some(uid) = user_id else {
        return Ok(effect);
    };
    effect.user_id = Some(uid);
    effect.outcome = outcome::APPLIED;
    if event.kind == kind::INVOICE_PAYMENT_FAILED {
        effect.emailed = queue_email(
            txn,
            uid,
            email::templates::payment_failed(&ctx.billing_link),
        )
        .await?;
        return Ok(effect);
    }
    // invoice.paid: a paid invoice ends a payment failure.
    if let Some(row) = row
        && matches!(row.status.as_str(), status::PAST_DUE | status::UNPAID)
        && row.last_event_at.is_none_or(|last| last <= created)
    {
        let mut am: subscriptions::ActiveModel = row.into();
        am.status = Set(status::ACTIVE.into());
        am.past_due_since = Set(None);
        am.last_event_at = Set(Some(created));
        am.updated_at = Set(Utc::now());
        am.update(txn).await?;
        effect.emailed = after_change(txn, ctx, uid, false, event).await?;
    }
    Ok(effect)
}
