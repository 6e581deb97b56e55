//! Administrator grants (`interviewos grant-plan`): paid features without Stripe, for self-hosters and
//! support. A grant is a `subscriptions` row with `source = "grant"`, so it combines with Stripe
//! subscriptions (the best access wins) and is exported and anonymised like them.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    accounts::normalize_email,
    audit,
    entities::{subscriptions, users},
    plans::{self, status},
};

pub const SOURCE: &str = "grant";

/// Parses `--until`: a date means "through the end of that day (UTC)"; RFC 3339 is taken as is.
pub fn parse_until(s: &str) -> anyhow::Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let next = date
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| anyhow::anyhow!("date out of range: {s}"))?;
        return Ok(next.and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| anyhow::anyhow!("expected a date (2026-12-31) or an RFC 3339 time, got {s:?}"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantOutcome {
    pub user_id: Uuid,
    /// The plan in effect after the grant (Stripe subscriptions may still give Pro after `free`).
    pub effective_plan: &'static str,
    pub plan_until: Option<DateTime<Utc>>,
}

/// Grants `pro` (until `until`, or indefinitely) or, with `free`, revokes the user's grant.
pub async fn grant_plan(
    db: &DatabaseConnection,
    grace_days: u32,
    email: &str,
    plan: &str,
    until: Option<DateTime<Utc>>,
) -> anyhow::Result<GrantOutcome> {
    anyhow::ensure!(
        plan == plans::PRO || plan == plans::FREE,
        "plan must be `pro` or `free`"
    );
    let now = Utc::now();
    if let Some(t) = until {
        anyhow::ensure!(t > now, "--until must be in the future");
    }
    let email = normalize_email(email);
    let txn = crate::db::write_txn(db).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(|| anyhow::anyhow!("no active account with that email"))?;
    let existing = subscriptions::Entity::find()
        .filter(subscriptions::Column::UserId.eq(user.id))
        .filter(subscriptions::Column::Source.eq(SOURCE))
        .one(&txn)
        .await?;
    let new_status = if plan == plans::PRO {
        status::GRANTED
    } else {
        status::REVOKED
    };
    match existing {
        Some(row) => {
            let mut am: subscriptions::ActiveModel = row.into();
            am.plan = Set(plans::PRO.into());
            am.status = Set(new_status.into());
            am.current_period_end = Set(until.filter(|_| plan == plans::PRO));
            am.updated_at = Set(now);
            am.update(&txn).await?;
        }
        None if plan == plans::PRO => {
            subscriptions::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(Some(user.id)),
                source: Set(SOURCE.into()),
                stripe_customer_id: Set(None),
                stripe_subscription_id: Set(None),
                price_id: Set(None),
                plan: Set(plans::PRO.into()),
                interval: Set(None),
                status: Set(new_status.into()),
                current_period_end: Set(until),
                cancel_at_period_end: Set(false),
                past_due_since: Set(None),
                last_event_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        None => {}
    }
    let change = plans::refresh_user_plan(&txn, user.id, grace_days)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account vanished"))?;
    audit::record(
        &txn,
        Some(user.id),
        audit::kind::PLAN_CHANGED,
        None,
        Some(json!({
            "from": change.before,
            "to": change.after,
            "source": SOURCE,
            "granted": plan,
            "until": until,
        })),
    )
    .await?;
    let user = users::Entity::find_by_id(user.id)
        .one(&txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account vanished"))?;
    txn.commit().await?;
    Ok(GrantOutcome {
        user_id: user.id,
        effective_plan: plans::effective_plan(&user),
        plan_until: user.plan_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_accepts_dates_and_times() {
        assert_eq!(
            parse_until("2026-12-31").unwrap().to_rfc3339(),
            "2027-01-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_until("2026-06-01T12:00:00+02:00")
                .unwrap()
                .to_rfc3339(),
            "2026-06-01T10:00:00+00:00"
        );
        assert!(parse_until("next tuesday").is_err());
    }
}
