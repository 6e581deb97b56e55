//! Billing: plans and prices, Stripe Checkout and the customer portal, Stripe webhooks (the only way a
//! paid plan starts or ends), administrator grants, and anonymisation for account deletion.
//!
//! Access is derived from `subscriptions` rows (`plans::refresh_user_plan`), written only by verified
//! webhooks and grants. Without `STRIPE_SECRET_KEY` checkout and portal answer 503 `billing_disabled`.
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::config::Settings;

pub mod dto;
pub mod grant;
pub mod routes;
pub mod service;
pub mod signature;
pub mod stripe_api;
pub mod webhook;

use crate::db::execute as exec;

/// For account deletion: keeps the user's billing records (subscriptions, processed events) but
/// drops every link to the person: `user_id` and the Stripe customer id are cleared, on the records
/// and on the account. Run it inside the deletion/purge transaction; idempotent. Returns the Stripe
/// customer ids that were linked, for `delete_customer` after the transaction commits.
pub async fn anonymise_user_billing(
    txn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<String>, DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

    use crate::entities::{subscriptions, users};
    let mut customers: Vec<String> = users::Entity::find_by_id(user_id)
        .select_only()
        .column(users::Column::StripeCustomerId)
        .into_tuple::<Option<String>>()
        .one(txn)
        .await?
        .flatten()
        .into_iter()
        .collect();
    let linked: Vec<Option<String>> = subscriptions::Entity::find()
        .filter(subscriptions::Column::UserId.eq(user_id))
        .select_only()
        .column(subscriptions::Column::StripeCustomerId)
        .into_tuple()
        .all(txn)
        .await?;
    for c in linked.into_iter().flatten() {
        if !customers.contains(&c) {
            customers.push(c);
        }
    }
    exec(
        txn,
        "UPDATE subscriptions SET user_id = NULL, stripe_customer_id = NULL WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await?;
    exec(
        txn,
        "UPDATE billing_events SET user_id = NULL WHERE user_id = $1",
        vec![user_id.into()],
    )
    .await?;
    exec(
        txn,
        "UPDATE users SET stripe_customer_id = NULL WHERE id = $1",
        vec![user_id.into()],
    )
    .await?;
    Ok(customers)
}

/// Deletes a Stripe customer (cancelling its subscriptions at once). A no-op when billing is
/// switched off; a customer Stripe no longer has counts as deleted. Call after the transaction that
/// anonymised the records commits; on error, retry later (the call is idempotent).
pub async fn delete_customer(settings: &Settings, customer_id: &str) -> anyhow::Result<()> {
    let Some(stripe) = settings.billing.stripe.as_ref() else {
        return Ok(());
    };
    let api = stripe_api::StripeApi::new(stripe)?;
    api.delete_customer(customer_id).await?;
    Ok(())
}
