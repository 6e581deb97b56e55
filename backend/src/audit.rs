//! The append-only security event log: what happened to an account, when, from where.
//! Never records answer text, passwords, tokens or email addresses.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::{entities::security_events, http::client::ClientInfo};

pub mod kind {
    pub const REGISTERED: &str = "registered";
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "login_failed";
    pub const LOGOUT: &str = "logout";
    pub const LOGOUT_ALL: &str = "logout_all";
    pub const REFRESH_REUSED: &str = "refresh_token_reused";
    pub const EMAIL_VERIFIED: &str = "email_verified";
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const PASSWORD_RESET_REQUESTED: &str = "password_reset_requested";
    pub const PASSWORD_RESET: &str = "password_reset";
    /// A wrong current password on a sensitive change (password change, account deletion).
    pub const PASSWORD_RECHECK_FAILED: &str = "password_recheck_failed";
    pub const DATA_EXPORTED: &str = "data_exported";
    pub const ACCOUNT_DELETED: &str = "account_deleted";
    pub const PLAN_CHANGED: &str = "plan_changed";
    pub const ADMIN_CREATED: &str = "admin_created";
}

pub async fn record(
    db: &impl ConnectionTrait,
    user_id: Option<Uuid>,
    kind: &str,
    client: Option<&ClientInfo>,
    detail: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    security_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(kind.to_owned()),
        ip: Set(client.and_then(|c| c.ip_string())),
        user_agent: Set(client.and_then(|c| c.user_agent.clone())),
        detail: Set(detail),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
