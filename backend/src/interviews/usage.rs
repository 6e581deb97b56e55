//! Plan quotas: evaluated answers per calendar month (UTC). Counted atomically at submission, so two
//! concurrent submissions can never both take the last slot; never decremented by deletions.
use chrono::{DateTime, Datelike, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::dto::Usage;
use crate::{
    db::execute as exec,
    entities::{usage_counters, users},
    error::{ApiError, ApiResult},
    plans,
    state::AppState,
};

pub fn period_of(t: DateTime<Utc>) -> (String, DateTime<Utc>, DateTime<Utc>) {
    let start = Utc
        .with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(t);
    let (y, m) = if t.month() == 12 {
        (t.year() + 1, 1)
    } else {
        (t.year(), t.month() + 1)
    };
    let end = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap_or(t);
    (format!("{:04}-{:02}", t.year(), t.month()), start, end)
}

pub fn limit_for(state: &AppState, user: &users::Model) -> Option<i32> {
    match plans::effective_plan(user) {
        plans::PRO => None,
        _ => Some(state.settings.free_monthly_answers as i32),
    }
}

/// Takes one slot of this month's quota inside `txn`, or fails with 402 `quota_exceeded`.
pub async fn consume(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    limit: Option<i32>,
) -> ApiResult<()> {
    let now = Utc::now();
    let (period, _, end) = period_of(now);
    let insert = if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        "INSERT INTO usage_counters (user_id, period, answers_used, updated_at) VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING"
    } else {
        "INSERT OR IGNORE INTO usage_counters (user_id, period, answers_used, updated_at) VALUES ($1, $2, 0, $3)"
    };
    exec(
        db,
        insert,
        vec![user_id.into(), period.clone().into(), now.into()],
    )
    .await?;
    let (sql, values): (&str, Vec<sea_orm::Value>) = match limit {
        Some(l) => (
            "UPDATE usage_counters SET answers_used = answers_used + 1, updated_at = $1 WHERE user_id = $2 AND period = $3 AND answers_used < $4",
            vec![now.into(), user_id.into(), period.into(), l.into()],
        ),
        None => (
            "UPDATE usage_counters SET answers_used = answers_used + 1, updated_at = $1 WHERE user_id = $2 AND period = $3",
            vec![now.into(), user_id.into(), period.into()],
        ),
    };
    if exec(db, sql, values).await? == 0 {
        return Err(ApiError::QuotaExceeded {
            limit: limit.unwrap_or(0) as u32,
            resets_at: end,
        });
    }
    Ok(())
}

pub async fn used(db: &impl ConnectionTrait, user_id: Uuid, period: &str) -> Result<i32, DbErr> {
    Ok(
        usage_counters::Entity::find_by_id((user_id, period.to_owned()))
            .one(db)
            .await?
            .map(|c| c.answers_used)
            .unwrap_or(0),
    )
}

pub async fn usage(state: &AppState, user: &users::Model) -> ApiResult<Usage> {
    let (period, start, end) = period_of(Utc::now());
    Ok(Usage {
        plan: plans::effective_plan(user).to_owned(),
        period_start: start,
        period_end: end,
        answers_used: used(&state.db, user.id, &period).await?,
        answers_limit: limit_for(state, user),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months() {
        let t = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap();
        let (p, s, e) = period_of(t);
        assert_eq!(p, "2026-12");
        assert_eq!(s, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(e, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
    }
}
