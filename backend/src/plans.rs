//! Which plan a user is on right now. Billing (Stripe webhooks) and `grant-plan` record access in
//! `subscriptions` and derive `users.plan` / `users.plan_until` from it (`refresh_user_plan`);
//! everything else asks here.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use crate::entities::{subscriptions, users};

pub const FREE: &str = "free";
pub const PRO: &str = "pro";

/// Subscription statuses (Stripe's, plus `granted`/`revoked` for admin grants).
pub mod status {
    pub const ACTIVE: &str = "active";
    pub const TRIALING: &str = "trialing";
    pub const PAST_DUE: &str = "past_due";
    pub const INCOMPLETE: &str = "incomplete";
    pub const CANCELED: &str = "canceled";
    pub const UNPAID: &str = "unpaid";
    pub const INCOMPLETE_EXPIRED: &str = "incomplete_expired";
    pub const GRANTED: &str = "granted";
    pub const REVOKED: &str = "revoked";
}

pub fn effective_plan(user: &users::Model) -> &'static str {
    match user.plan.as_str() {
        PRO if user.plan_until.is_none_or(|until| until > Utc::now()) => PRO,
        _ => FREE,
    }
}

/// `EXISTS` a `past_due` subscription of the `users` row in the surrounding query: the SPA shows a
/// payment banner while it is true. An expression, so authentication selects it with the account.
pub fn payment_failing() -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(subscriptions::Entity)
            .and_where(
                Expr::col((subscriptions::Entity, subscriptions::Column::UserId))
                    .equals((users::Entity, users::Column::Id)),
            )
            .and_where(
                Expr::col((subscriptions::Entity, subscriptions::Column::Status))
                    .eq(status::PAST_DUE),
            )
            .to_owned(),
    )
}

/// `billing_state` of `GET /me`: `past_due` while a payment is failing, otherwise `None`.
pub fn billing_state(payment_failing: bool) -> Option<String> {
    payment_failing.then(|| status::PAST_DUE.to_owned())
}

/// [`payment_failing`] for one user, outside authentication (login answers with the account).
pub async fn payment_failing_for(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .select_only()
        .column_as(payment_failing(), "payment_failing")
        .into_tuple::<bool>()
        .one(db)
        .await?
        .unwrap_or(false))
}

/// What one subscription row grants. Ordered: `None < Until(earlier) < Until(later) < Unlimited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Until(DateTime<Utc>),
    Unlimited,
}

impl Access {
    /// `Until` a time already past grants nothing.
    pub fn at(self, now: DateTime<Utc>) -> Access {
        match self {
            Access::Until(t) if t <= now => Access::None,
            other => other,
        }
    }
}

/// The access a subscription row grants, from its last webhook-confirmed state:
/// active/trialing → Pro (until the period ends when cancelling at period end); past_due → Pro for
/// `grace_days` after the payment started failing; a grant → Pro until its end; anything else
/// (canceled, unpaid, incomplete, paused, revoked) → nothing.
pub fn subscription_access(row: &subscriptions::Model, grace_days: u32) -> Access {
    if row.plan != PRO {
        return Access::None;
    }
    match row.status.as_str() {
        status::ACTIVE | status::TRIALING if row.cancel_at_period_end => row
            .current_period_end
            .map_or(Access::Unlimited, Access::Until),
        status::ACTIVE | status::TRIALING => Access::Unlimited,
        status::PAST_DUE => Access::Until(
            row.past_due_since.unwrap_or(row.updated_at) + Duration::days(i64::from(grace_days)),
        ),
        status::GRANTED => row
            .current_period_end
            .map_or(Access::Unlimited, Access::Until),
        _ => Access::None,
    }
}

/// The plan change `refresh_user_plan` made: effective plan before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanChange {
    pub before: &'static str,
    pub after: &'static str,
}

impl PlanChange {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// Recomputes `users.plan` / `users.plan_until` from all of the user's subscription rows (the best
/// access wins). Call inside the transaction that changed a row. `None` when the user is gone.
pub async fn refresh_user_plan(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    grace_days: u32,
) -> Result<Option<PlanChange>, DbErr> {
    let mut q = users::Entity::find_by_id(user_id);
    if crate::db::is_postgres(db) {
        // Serialises concurrent webhooks for one user's subscriptions.
        q = q.lock_exclusive();
    }
    let Some(user) = q.one(db).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let rows = subscriptions::Entity::find()
        .filter(subscriptions::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let best = rows
        .iter()
        .map(|r| subscription_access(r, grace_days).at(now))
        .max()
        .unwrap_or(Access::None);
    let (plan, until) = match best {
        Access::None => (FREE, None),
        Access::Until(t) => (PRO, Some(t)),
        Access::Unlimited => (PRO, None),
    };
    let before = effective_plan(&user);
    if user.plan != plan || user.plan_until != until {
        let mut am: users::ActiveModel = user.into();
        am.plan = Set(plan.to_owned());
        am.plan_until = Set(until);
        am.updated_at = Set(now);
        am.update(db).await?;
    }
    Ok(Some(PlanChange {
        before,
        after: plan,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, cancel: bool, end: Option<DateTime<Utc>>) -> subscriptions::Model {
        let now = Utc::now();
        subscriptions::Model {
            id: Uuid::now_v7(),
            user_id: None,
            source: "stripe".into(),
            stripe_customer_id: None,
            stripe_subscription_id: None,
            price_id: None,
            plan: PRO.into(),
            interval: None,
            status: status.into(),
            current_period_end: end,
            cancel_at_period_end: cancel,
            past_due_since: Some(now - Duration::days(2)),
            last_event_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn access_follows_the_confirmed_state() {
        let now = Utc::now();
        let end = now + Duration::days(10);
        assert_eq!(
            subscription_access(&row("active", false, Some(end)), 7),
            Access::Unlimited
        );
        assert_eq!(
            subscription_access(&row("trialing", true, Some(end)), 7),
            Access::Until(end)
        );
        let past_due = row("past_due", false, Some(end));
        assert_eq!(
            subscription_access(&past_due, 7),
            Access::Until(past_due.past_due_since.unwrap() + Duration::days(7))
        );
        assert_eq!(subscription_access(&past_due, 1).at(now), Access::None);
        for s in [
            "canceled",
            "unpaid",
            "incomplete",
            "incomplete_expired",
            "paused",
            "revoked",
        ] {
            assert_eq!(
                subscription_access(&row(s, false, Some(end)), 7),
                Access::None
            );
        }
        assert_eq!(
            subscription_access(&row("granted", false, None), 7),
            Access::Unlimited
        );
        assert!(Access::Unlimited > Access::Until(end));
        assert!(Access::Until(end) > Access::Until(now));
        assert!(Access::Until(now) > Access::None);
    }
}
