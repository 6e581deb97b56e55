//! The `AuthUser` extractor: a valid access token whose device session is live and whose account is
//! active. Logout, password changes and deletion revoke sessions, so old tokens fail at once.
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use crate::{
    entities::{auth_sessions, users},
    error::ApiError,
    plans,
    state::AppState,
};

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: users::Model,
    pub session_id: Uuid,
    /// When the access token expires (Unix seconds): long-lived responses (event streams) end then.
    pub token_expires_at: i64,
    /// A subscription of this user is `past_due` (the SPA shows a payment banner).
    pub payment_failing: bool,
}

impl AuthUser {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == "admin"
    }
}

/// An authenticated administrator; everyone else gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

#[derive(Debug, FromQueryResult)]
struct AuthRow {
    #[sea_orm(nested)]
    user: users::Model,
    payment_failing: bool,
}

/// Every authenticated request runs this, so it is one statement: the live device session, its
/// active account and whether a payment is failing (which `GET /me` shows) in a single round trip.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = state
        .tokens
        .verify_access(token)
        .ok_or(ApiError::Unauthorized("invalid_token"))?;
    let found = users::Entity::find()
        .join(
            JoinType::InnerJoin,
            auth_sessions::Relation::User.def().rev(),
        )
        .filter(auth_sessions::Column::Id.eq(claims.sid))
        .filter(auth_sessions::Column::UserId.eq(claims.sub))
        .filter(auth_sessions::Column::RevokedAt.is_null())
        .filter(users::Column::DeletedAt.is_null())
        .column_as(plans::payment_failing(), "payment_failing")
        .into_model::<AuthRow>()
        .one(&state.db)
        .await?;
    match found {
        Some(row) => Ok(AuthUser {
            user: row.user,
            session_id: claims.sid,
            token_expires_at: claims.exp,
            payment_failing: row.payment_failing,
        }),
        None => Err(ApiError::Unauthorized("invalid_token")),
    }
}

/// Whether a device session still grants access: not signed out (alone, everywhere, or by a password
/// change) and its account not deleted. Long-lived responses re-check it while they run.
pub async fn session_is_live(
    db: &sea_orm::DatabaseConnection,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<bool, sea_orm::DbErr> {
    Ok(auth_sessions::Entity::find()
        .join(JoinType::InnerJoin, auth_sessions::Relation::User.def())
        .filter(auth_sessions::Column::Id.eq(session_id))
        .filter(auth_sessions::Column::UserId.eq(user_id))
        .filter(auth_sessions::Column::RevokedAt.is_null())
        .filter(users::Column::DeletedAt.is_null())
        .count(db)
        .await?
        > 0)
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("state missing")))?;
            let token = token.ok_or(ApiError::Unauthorized("unauthenticated"))?;
            authenticate(&state, &token).await
        })
    }
}

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fut = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = fut.await?;
            if user.is_admin() {
                Ok(AdminUser(user))
            } else {
                Err(ApiError::Forbidden)
            }
        })
    }
}

/// Optional authentication for public routes that show more to a signed-in user. A token that is
/// present but invalid is still refused (401), never silently ignored.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().get(header::AUTHORIZATION).is_none() {
            return Box::pin(async { Ok(MaybeAuthUser(None)) });
        }
        let fut = AuthUser::from_request(req, payload);
        Box::pin(async move { Ok(MaybeAuthUser(Some(fut.await?))) })
    }
}
