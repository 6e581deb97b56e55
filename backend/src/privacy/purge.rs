//! Erasure of deleted accounts. Access ends the moment an account is deleted; its personal data is
//! erased by this purge once `DELETION_GRACE_DAYS` have passed (the privacy policy promises within 30).
//! Practice data, activity, emails and tokens are deleted; security events are kept for the audit log
//! but anonymised; the user row becomes an anonymous tombstone so references stay valid and the email
//! address is free again. Idempotent and safe to run from several processes at once.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    audit,
    config::Settings,
    entities::{
        answers, auth_sessions, emails, evaluations, practice_sessions, progress_daily,
        progress_dimensions, refresh_tokens, security_events, usage_counters, user_tokens, users,
    },
    voice::storage::AudioStore,
};

/// Erases every account deleted before `now - grace_days`. Returns how many were purged.
pub async fn purge_due(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let cutoff = now - Duration::days(settings.deletion_grace_days as i64);
    let due: Vec<Uuid> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::DeletedAt.lte(cutoff))
        .filter(users::Column::PurgedAt.is_null())
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let mut purged = 0;
    for id in due {
        if purge_user(db, settings, id, now).await? {
            purged += 1;
        }
    }
    Ok(purged)
}

async fn purge_user(
    db: &DatabaseConnection,
    settings: &Settings,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let txn = crate::db::write_txn(db).await?;
    // Claim the purge: a concurrent run (another process) finds nothing left to do.
    let claimed = users::Entity::update_many()
        .col_expr(users::Column::PurgedAt, Expr::value(now))
        .filter(users::Column::Id.eq(id))
        .filter(users::Column::PurgedAt.is_null())
        .filter(users::Column::DeletedAt.is_not_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    // Children first (explicitly, rather than relying on cascades being enabled).
    evaluations::Entity::delete_many()
        .filter(evaluations::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    answers::Entity::delete_many()
        .filter(answers::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    practice_sessions::Entity::delete_many()
        .filter(practice_sessions::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    usage_counters::Entity::delete_many()
        .filter(usage_counters::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    progress_daily::Entity::delete_many()
        .filter(progress_daily::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    progress_dimensions::Entity::delete_many()
        .filter(progress_dimensions::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    emails::Entity::delete_many()
        .filter(emails::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    user_tokens::Entity::delete_many()
        .filter(user_tokens::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    auth_sessions::Entity::delete_many()
        .filter(auth_sessions::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    // The audit trail keeps what happened and when, but no longer to whom or from where.
    security_events::Entity::update_many()
        .col_expr(
            security_events::Column::UserId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            security_events::Column::Ip,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            security_events::Column::UserAgent,
            Expr::value(Option::<String>::None),
        )
        .filter(security_events::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    // Billing records are kept (bookkeeping) but no longer point at the person.
    let customers = crate::billing::anonymise_user_billing(&txn, id).await?;
    users::Entity::update_many()
        .col_expr(
            users::Column::Email,
            Expr::value(format!("deleted+{}@deleted.invalid", id.simple())),
        )
        .col_expr(users::Column::PasswordHash, Expr::value("!"))
        .col_expr(
            users::Column::DisplayName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            users::Column::StripeCustomerId,
            Expr::value(Option::<String>::None),
        )
        .col_expr(users::Column::TrainingOptOut, Expr::value(true))
        .col_expr(users::Column::Plan, Expr::value("free"))
        .col_expr(
            users::Column::PlanUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(&txn, None, "account_purged", None, None).await?;
    // The Stripe customer goes too (billing on). If Stripe is unreachable, nothing is committed and the
    // next run retries, so the customer id is never lost before it is deleted.
    for c in &customers {
        if let Err(e) = crate::billing::delete_customer(settings, c).await {
            tracing::warn!(error = %e, "could not delete the Stripe customer; the purge will retry");
            txn.rollback().await?;
            return Ok(false);
        }
    }
    // The recordings go last: deleting files cannot be rolled back, and a failure here keeps the rows
    // so the next run tries again.
    let store = AudioStore::new(settings.audio_storage_dir.clone());
    if let Err(e) = store.remove_user(id).await {
        tracing::warn!(error = %e, "could not remove the recordings of a purged account; the purge will retry");
        txn.rollback().await?;
        return Ok(false);
    }
    txn.commit().await?;
    Ok(true)
}

/// The retention rule for recordings: older than `AUDIO_RETENTION_DAYS`, the file is deleted and the
/// answer keeps its transcript, delivery feedback and evaluation (`audio.expired_at` says when).
/// Also removes uploads a crash left half-written. Returns how many recordings expired.
pub async fn expire_recordings(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let store = AudioStore::new(settings.audio_storage_dir.clone());
    if let Err(e) = store.sweep_temporary().await {
        tracing::warn!(error = %e, "could not sweep unfinished uploads");
    }
    if settings.audio_retention_days == 0 {
        return Ok(0);
    }
    let cutoff = now - Duration::days(i64::from(settings.audio_retention_days));
    let mut expired = 0;
    loop {
        let due = answers::Entity::find()
            .filter(answers::Column::AudioPath.is_not_null())
            .filter(answers::Column::SubmittedAt.lt(cutoff))
            .limit(200)
            .all(db)
            .await?;
        if due.is_empty() {
            return Ok(expired);
        }
        for a in due {
            let Some(key) = a.audio_path.as_deref() else {
                continue;
            };
            if let Err(e) = store.remove(key).await {
                tracing::warn!(error = %e, "could not delete an expired recording; will retry");
                return Ok(expired);
            }
            answers::Entity::update_many()
                .col_expr(
                    answers::Column::AudioPath,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(answers::Column::AudioExpiredAt, Expr::value(now))
                .filter(answers::Column::Id.eq(a.id))
                .exec(db)
                .await?;
            expired += 1;
        }
    }
}
