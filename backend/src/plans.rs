//! Which plan a user is on right now. Billing (Stripe webhooks) and `grant-plan` set `users.plan` and
//! `users.plan_until`; everything else asks here.
use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use crate::entities::users;

pub const FREE: &str = "free";
pub const PRO: &str = "pro";

pub fn effective_plan(user: &users::Model) -> &'static str {
    match user.plan.as_str() {
        PRO if user.plan_until.is_none_or(|until| until > Utc::now()) => PRO,
        _ => FREE,
    }
}

/// `past_due` while a payment is failing; the billing feature fills this in.
pub async fn billing_state(
    _db: &DatabaseConnection,
    _user_id: Uuid,
) -> Result<Option<String>, DbErr> {
    Ok(None)
}
