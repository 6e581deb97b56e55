//! Account logic. Handlers parse and authorize; these functions do the work in one transaction each.
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, SqlErr, sea_query::Expr,
};
use unicode_properties::UnicodeGeneralCategory;
use uuid::Uuid;

use super::{
    dto::{Me, TokenResponse},
    passwords,
    tokens::{hash_token, new_opaque_token},
};
use crate::{
    accounts::auth::AuthUser,
    audit::{self, kind},
    email::{self, templates},
    entities::{auth_sessions, refresh_tokens, user_tokens, users},
    error::{ApiError, ApiResult},
    http::client::ClientInfo,
    plans,
    state::AppState,
};

pub const VERIFY_TOKEN_TTL_HOURS: i64 = 24;
pub const RESET_TOKEN_TTL_MINUTES: i64 = 60;
const KIND_VERIFY: &str = "verify_email";
const KIND_RESET: &str = "reset_password";

pub struct Issued {
    pub body: TokenResponse,
}

/// The account as `GET /me` shows it (authentication already knows whether a payment is failing).
pub fn me(user: &users::Model, payment_failing: bool) -> Me {
    Me::from_model(
        user,
        plans::effective_plan(user),
        plans::billing_state(payment_failing),
    )
}

/// Starts a device session and returns its first token pair.
async fn start_session(
    state: &AppState,
    txn: &DatabaseTransaction,
    user: &users::Model,
    client: &ClientInfo,
) -> ApiResult<(Uuid, String, String)> {
    let now = Utc::now();
    let session_id = Uuid::now_v7();
    auth_sessions::ActiveModel {
        id: Set(session_id),
        user_id: Set(user.id),
        created_at: Set(now),
        last_used_at: Set(now),
        revoked_at: Set(None),
        ip: Set(client.ip_string()),
        user_agent: Set(client.user_agent.clone()),
    }
    .insert(txn)
    .await?;
    let refresh = insert_refresh_token(state, txn, session_id, now, user.id).await?;
    let access = state
        .tokens
        .issue_access(user.id, session_id)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((session_id, access, refresh))
}

async fn insert_refresh_token(
    state: &AppState,
    txn: &DatabaseTransaction,
    session_id: Uuid,
    session_started: chrono::DateTime<Utc>,
    user_id: Uuid,
) -> ApiResult<String> {
    let (token, hash) = new_opaque_token();
    let now = Utc::now();
    let ttl = Duration::from_std(state.settings.refresh_token_ttl).unwrap_or(Duration::days(30));
    refresh_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        user_id: Set(user_id),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set((now + ttl).min(state.settings.session_ends_at(session_started))),
        used_at: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(token)
}

async fn token_response(
    state: &AppState,
    user: &users::Model,
    access: String,
    refresh: String,
) -> ApiResult<Issued> {
    Ok(Issued {
        body: TokenResponse {
            user: me(user, plans::payment_failing_for(&state.db, user.id).await?),
            access_token: access,
            refresh_token: refresh,
            token_type: "Bearer".into(),
            expires_in: state.tokens.access_ttl.as_secs(),
        },
    })
}

/// Issues the one-time link that an email template carries, at the moment the email is sent: the
/// token lives only in memory and in the delivered message (the database keeps its hash). `None`
/// when the template carries no such link or the account is gone.
pub async fn issue_email_link(
    db: &DatabaseConnection,
    settings: &crate::config::Settings,
    user_id: Uuid,
    template: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    let (kind, ttl, path) = match template {
        "verify_email" => (
            KIND_VERIFY,
            Duration::hours(VERIFY_TOKEN_TTL_HOURS),
            "/verify-email#token=",
        ),
        "password_reset" => (
            KIND_RESET,
            Duration::minutes(RESET_TOKEN_TTL_MINUTES),
            "/reset-password#token=",
        ),
        _ => return Ok(None),
    };
    let txn = crate::db::write_txn(db).await?;
    if active_user(&txn, user_id).await?.is_none() {
        return Ok(None);
    }
    let token = create_user_token(&txn, user_id, kind, ttl).await?;
    txn.commit().await?;
    Ok(Some(settings.app_link(&format!("{path}{token}"))))
}

/// Retires every unused one-time token of a kind (a new password ends all reset links).
async fn retire_user_tokens(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    kind: &str,
) -> Result<(), sea_orm::DbErr> {
    user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(Utc::now()))
        .filter(user_tokens::Column::UserId.eq(user_id))
        .filter(user_tokens::Column::Kind.eq(kind))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

async fn create_user_token(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    kind: &str,
    ttl: Duration,
) -> Result<String, sea_orm::DbErr> {
    // Only the newest link of a kind works: older unused ones are retired.
    retire_user_tokens(txn, user_id, kind).await?;
    let (token, hash) = new_opaque_token();
    let now = Utc::now();
    user_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(kind.to_owned()),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(token)
}

/// Consumes a one-time token atomically; a second use (even concurrent) fails.
async fn consume_user_token(txn: &DatabaseTransaction, token: &str, kind: &str) -> ApiResult<Uuid> {
    let invalid = || {
        ApiError::bad_request(
            "invalid_token",
            "This link is invalid, expired or already used.",
        )
    };
    let row = user_tokens::Entity::find()
        .filter(user_tokens::Column::TokenHash.eq(hash_token(token)))
        .filter(user_tokens::Column::Kind.eq(kind))
        .one(txn)
        .await?
        .ok_or_else(invalid)?;
    let now = Utc::now();
    if row.used_at.is_some() || row.expires_at < now {
        return Err(invalid());
    }
    let res = user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(now))
        .filter(user_tokens::Column::Id.eq(row.id))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(invalid());
    }
    Ok(row.user_id)
}

async fn active_user(
    txn: &impl sea_orm::ConnectionTrait,
    id: Uuid,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    users::Entity::find_by_id(id)
        .filter(users::Column::DeletedAt.is_null())
        .one(txn)
        .await
}

async fn revoke_sessions(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    except: Option<Uuid>,
) -> ApiResult<()> {
    let mut q = auth_sessions::Entity::update_many()
        .col_expr(auth_sessions::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(auth_sessions::Column::UserId.eq(user_id))
        .filter(auth_sessions::Column::RevokedAt.is_null());
    if let Some(keep) = except {
        q = q.filter(auth_sessions::Column::Id.ne(keep));
    }
    q.exec(txn).await?;
    Ok(())
}

pub async fn register(
    state: &AppState,
    email: &str,
    password: String,
    client: &ClientInfo,
) -> ApiResult<Issued> {
    let email = super::normalize_email(email);
    let mut errors = Vec::new();
    if !super::is_valid_email(&email) {
        errors.push(crate::error::FieldError::new(
            "email",
            "must be a valid email address",
        ));
    }
    if let Err(ApiError::Validation(mut e)) = passwords::check_rules("password", &password) {
        errors.append(&mut e);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    state.limits.auth_ip(&client.ip_key())?;
    let taken = || {
        ApiError::conflict(
            "email_taken",
            "An account with this email already exists. Sign in or reset your password.",
        )
    };
    if users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(&state.db)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let hash = passwords::hash(password, state.settings.bcrypt_cost).await?;
    let now = Utc::now();
    let txn = crate::db::write_txn(&state.db).await?;
    let user = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.clone()),
        password_hash: Set(hash),
        email_verified_at: Set(None),
        display_name: Set(None),
        role: Set("user".into()),
        plan: Set("free".into()),
        plan_until: Set(None),
        theme: Set("system".into()),
        training_opt_out: Set(false),
        stripe_customer_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        purged_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => taken(),
        _ => e.into(),
    })?;
    email::queue(&txn, Some(user.id), &user.email, templates::verify_email()).await?;
    let (_, access, refresh) = start_session(state, &txn, &user, client).await?;
    audit::record(&txn, Some(user.id), kind::REGISTERED, Some(client), None).await?;
    txn.commit().await?;
    state.jobs.notify();
    token_response(state, &user, access, refresh).await
}

pub async fn login(
    state: &AppState,
    email: &str,
    password: String,
    client: &ClientInfo,
) -> ApiResult<Issued> {
    let email = super::normalize_email(email);
    state.limits.auth_ip(&client.ip_key())?;
    state.limits.login_account(&email)?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .filter(users::Column::DeletedAt.is_null())
        .one(&state.db)
        .await?;
    let ok = passwords::verify(
        password,
        user.as_ref().map(|u| u.password_hash.clone()),
        state.dummy_hash.to_string(),
    )
    .await?;
    let Some(user) = user.filter(|_| ok) else {
        audit::record(&state.db, None, kind::LOGIN_FAILED, Some(client), None).await?;
        // Record against the account too when it exists, so its owner sees the attempt.
        if let Some(u) = users::Entity::find()
            .filter(users::Column::Email.eq(&email))
            .filter(users::Column::DeletedAt.is_null())
            .one(&state.db)
            .await?
        {
            audit::record(
                &state.db,
                Some(u.id),
                kind::LOGIN_FAILED,
                Some(client),
                None,
            )
            .await?;
        }
        return Err(ApiError::Unauthorized("invalid_credentials"));
    };
    let txn = crate::db::write_txn(&state.db).await?;
    let (_, access, refresh) = start_session(state, &txn, &user, client).await?;
    audit::record(&txn, Some(user.id), kind::LOGIN, Some(client), None).await?;
    txn.commit().await?;
    token_response(state, &user, access, refresh).await
}

/// Rotates a refresh token. A token used twice means it leaked: the whole device session dies.
pub async fn refresh(state: &AppState, token: &str, client: &ClientInfo) -> ApiResult<Issued> {
    state.limits.auth_ip(&client.ip_key())?;
    let invalid = ApiError::Unauthorized("invalid_token");
    let hash = hash_token(token);
    let txn = crate::db::write_txn(&state.db).await?;
    let Some(row) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .one(&txn)
        .await?
    else {
        return Err(invalid);
    };
    let now = Utc::now();
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        // Reuse of a spent token: revoke the family and tell the owner.
        auth_sessions::Entity::update_many()
            .col_expr(auth_sessions::Column::RevokedAt, Expr::value(now))
            .filter(auth_sessions::Column::Id.eq(row.session_id))
            .filter(auth_sessions::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            Some(row.user_id),
            kind::REFRESH_REUSED,
            Some(client),
            None,
        )
        .await?;
        txn.commit().await?;
        return Err(invalid);
    }
    if row.expires_at < now {
        return Err(invalid);
    }
    let session = auth_sessions::Entity::find_by_id(row.session_id)
        .filter(auth_sessions::Column::RevokedAt.is_null())
        .one(&txn)
        .await?;
    let user = active_user(&txn, row.user_id).await?;
    let (Some(session), Some(user)) = (session, user) else {
        return Err(invalid);
    };
    // Each refresh extends the refresh token, never the device session: past its absolute
    // lifetime the session ends and the user signs in again.
    if state.settings.session_ends_at(session.created_at) <= now {
        auth_sessions::Entity::update_many()
            .col_expr(auth_sessions::Column::RevokedAt, Expr::value(now))
            .filter(auth_sessions::Column::Id.eq(session.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        return Err(invalid);
    }
    let new_refresh =
        insert_refresh_token(state, &txn, session.id, session.created_at, user.id).await?;
    let mut s: auth_sessions::ActiveModel = session.clone().into();
    s.last_used_at = Set(now);
    s.ip = Set(client.ip_string());
    s.update(&txn).await?;
    txn.commit().await?;
    let access = state
        .tokens
        .issue_access(user.id, session.id)
        .map_err(|e| ApiError::Internal(e.into()))?;
    token_response(state, &user, access, new_refresh).await
}

/// Ends the current device session (and the one a given refresh token belongs to, if any).
pub async fn logout(
    state: &AppState,
    session_id: Option<Uuid>,
    refresh_token: Option<&str>,
) -> ApiResult<()> {
    let txn = crate::db::write_txn(&state.db).await?;
    let mut sessions = Vec::new();
    if let Some(sid) = session_id {
        sessions.push(sid);
    }
    if let Some(t) = refresh_token
        && let Some(row) = refresh_tokens::Entity::find()
            .filter(refresh_tokens::Column::TokenHash.eq(hash_token(t)))
            .one(&txn)
            .await?
    {
        sessions.push(row.session_id);
    }
    if !sessions.is_empty() {
        auth_sessions::Entity::update_many()
            .col_expr(auth_sessions::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(auth_sessions::Column::Id.is_in(sessions))
            .filter(auth_sessions::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn logout_all(state: &AppState, user_id: Uuid, client: &ClientInfo) -> ApiResult<()> {
    let txn = crate::db::write_txn(&state.db).await?;
    revoke_sessions(&txn, user_id, None).await?;
    audit::record(&txn, Some(user_id), kind::LOGOUT_ALL, Some(client), None).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn verify_email(state: &AppState, token: &str, client: &ClientInfo) -> ApiResult<()> {
    state.limits.auth_ip(&client.ip_key())?;
    let txn = crate::db::write_txn(&state.db).await?;
    let user_id = consume_user_token(&txn, token, KIND_VERIFY).await?;
    let Some(user) = active_user(&txn, user_id).await? else {
        return Err(ApiError::bad_request(
            "invalid_token",
            "This link is invalid, expired or already used.",
        ));
    };
    if user.email_verified_at.is_none() {
        let mut am: users::ActiveModel = user.into();
        am.email_verified_at = Set(Some(Utc::now()));
        am.updated_at = Set(Utc::now());
        am.update(&txn).await?;
        audit::record(
            &txn,
            Some(user_id),
            kind::EMAIL_VERIFIED,
            Some(client),
            None,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn resend_verification(
    state: &AppState,
    user: &users::Model,
    client: &ClientInfo,
) -> ApiResult<()> {
    state.limits.auth_ip(&client.ip_key())?;
    state.limits.email_account(&user.email)?;
    if user.email_verified_at.is_some() {
        return Ok(());
    }
    let txn = crate::db::write_txn(&state.db).await?;
    email::queue(&txn, Some(user.id), &user.email, templates::verify_email()).await?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(())
}

/// Always succeeds from the caller's point of view, so it never reveals whether an account exists.
pub async fn forgot_password(state: &AppState, email: &str, client: &ClientInfo) -> ApiResult<()> {
    let email = super::normalize_email(email);
    // Validated like registration: a malformed address can never have an account, and saying so
    // reveals nothing about which addresses do.
    if !super::is_valid_email(&email) {
        return Err(ApiError::validation(
            "email",
            "must be a valid email address",
        ));
    }
    state.limits.auth_ip(&client.ip_key())?;
    if state.limits.email_account(&email).is_err() {
        // Per-account limit: silently drop, so the response still says nothing about the account.
        return Ok(());
    }
    let Some(user) = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .filter(users::Column::DeletedAt.is_null())
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    let txn = crate::db::write_txn(&state.db).await?;
    email::queue(
        &txn,
        Some(user.id),
        &user.email,
        templates::password_reset(),
    )
    .await?;
    audit::record(
        &txn,
        Some(user.id),
        kind::PASSWORD_RESET_REQUESTED,
        Some(client),
        None,
    )
    .await?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(())
}

pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: String,
    client: &ClientInfo,
) -> ApiResult<()> {
    passwords::check_rules("password", &password)?;
    state.limits.auth_ip(&client.ip_key())?;
    let hash = passwords::hash(password, state.settings.bcrypt_cost).await?;
    let txn = crate::db::write_txn(&state.db).await?;
    let user_id = consume_user_token(&txn, token, KIND_RESET).await?;
    let Some(user) = active_user(&txn, user_id).await? else {
        return Err(ApiError::bad_request(
            "invalid_token",
            "This link is invalid, expired or already used.",
        ));
    };
    let to = user.email.clone();
    let mut am: users::ActiveModel = user.into();
    am.password_hash = Set(hash);
    // Receiving the link proves control of the address.
    if am.email_verified_at.as_ref().is_none() {
        am.email_verified_at = Set(Some(Utc::now()));
    }
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    revoke_sessions(&txn, user_id, None).await?;
    retire_user_tokens(&txn, user_id, KIND_RESET).await?;
    audit::record(
        &txn,
        Some(user_id),
        kind::PASSWORD_RESET,
        Some(client),
        None,
    )
    .await?;
    email::queue(
        &txn,
        Some(user_id),
        &to,
        templates::password_changed(&state.settings.app_link("/forgot-password")),
    )
    .await?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(())
}

/// Re-checks the signed-in user's password before a sensitive change (new password, deletion).
/// Limited per account, so a stolen access token cannot be used to guess the password online; each
/// failure is audited.
pub async fn recheck_password(
    state: &AppState,
    user: &users::Model,
    password: String,
    field: &str,
    client: &ClientInfo,
) -> ApiResult<()> {
    state.limits.password_recheck(user.id)?;
    let ok = passwords::verify(
        password,
        Some(user.password_hash.clone()),
        state.dummy_hash.to_string(),
    )
    .await?;
    if ok {
        return Ok(());
    }
    audit::record(
        &state.db,
        Some(user.id),
        kind::PASSWORD_RECHECK_FAILED,
        Some(client),
        Some(serde_json::json!({ "field": field })),
    )
    .await?;
    Err(ApiError::validation(field, "is incorrect"))
}

pub async fn change_password(
    state: &AppState,
    user: &users::Model,
    session_id: Uuid,
    current: String,
    new: String,
    client: &ClientInfo,
) -> ApiResult<()> {
    passwords::check_rules("new_password", &new)?;
    recheck_password(state, user, current, "current_password", client).await?;
    let hash = passwords::hash(new, state.settings.bcrypt_cost).await?;
    let txn = crate::db::write_txn(&state.db).await?;
    let mut am: users::ActiveModel = user.clone().into();
    am.password_hash = Set(hash);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    revoke_sessions(&txn, user.id, Some(session_id)).await?;
    retire_user_tokens(&txn, user.id, KIND_RESET).await?;
    audit::record(
        &txn,
        Some(user.id),
        kind::PASSWORD_CHANGED,
        Some(client),
        None,
    )
    .await?;
    email::queue(
        &txn,
        Some(user.id),
        &user.email,
        templates::password_changed(&state.settings.app_link("/forgot-password")),
    )
    .await?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(())
}

pub async fn update_me(
    state: &AppState,
    user: &AuthUser,
    req: super::dto::UpdateMeRequest,
) -> ApiResult<Me> {
    let mut am: users::ActiveModel = user.user.clone().into();
    if let Some(name) = req.display_name {
        let name = name.trim().to_owned();
        if name.chars().count() > 100 {
            return Err(ApiError::validation(
                "display_name",
                "must be at most 100 characters",
            ));
        }
        // Control and format characters (bidirectional overrides such as U+202E, zero-width
        // joiners) can make a name display as something else.
        if name.chars().any(|c| {
            c.is_control() || c.general_category() == unicode_properties::GeneralCategory::Format
        }) {
            return Err(ApiError::validation(
                "display_name",
                "must not contain control or formatting characters",
            ));
        }
        am.display_name = Set((!name.is_empty()).then_some(name));
    }
    if let Some(theme) = req.theme {
        am.theme = Set(theme.as_str().to_owned());
    }
    if let Some(opt_out) = req.training_opt_out {
        am.training_opt_out = Set(opt_out);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(&state.db).await?;
    Ok(me(&updated, user.payment_failing))
}

/// Creates (or promotes) an administrator; used by the `create-admin` command.
pub async fn create_admin(state: &AppState, email: &str, password: String) -> anyhow::Result<Uuid> {
    let email = super::normalize_email(email);
    anyhow::ensure!(super::is_valid_email(&email), "not a valid email address");
    if let Err(ApiError::Validation(e)) = passwords::check_rules("password", &password) {
        anyhow::bail!(
            "password {}",
            e.first().map(|f| f.message.clone()).unwrap_or_default()
        );
    }
    let hash = bcrypt::hash(password, state.settings.bcrypt_cost)?;
    let now = Utc::now();
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(&state.db)
        .await?;
    let id = match existing {
        Some(u) => {
            let id = u.id;
            let mut am: users::ActiveModel = u.into();
            am.role = Set("admin".into());
            am.password_hash = Set(hash);
            am.email_verified_at = Set(Some(now));
            am.updated_at = Set(now);
            am.update(&state.db).await?;
            id
        }
        None => {
            users::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email),
                password_hash: Set(hash),
                email_verified_at: Set(Some(now)),
                display_name: Set(None),
                role: Set("admin".into()),
                plan: Set("free".into()),
                plan_until: Set(None),
                theme: Set("system".into()),
                training_opt_out: Set(false),
                stripe_customer_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                deleted_at: Set(None),
                purged_at: Set(None),
            }
            .insert(&state.db)
            .await?
            .id
        }
    };
    audit::record(&state.db, Some(id), kind::ADMIN_CREATED, None, None).await?;
    Ok(id)
}
