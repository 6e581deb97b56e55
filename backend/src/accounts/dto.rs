//! Request and response bodies of the accounts API. Unknown fields are rejected everywhere, so a
//! client can never mass-assign `role`, `plan` or `email_verified`.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entities::users;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(format = "email", max_length = 254, example = "ada@example.com")]
    pub email: String,
    /// 8–72 bytes; common passwords are refused.
    #[schema(
        min_length = 8,
        max_length = 72,
        example = "correct horse battery staple"
    )]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 254, example = "ada@example.com")]
    pub email: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// For API clients; browsers send the httpOnly cookie instead.
    #[schema(max_length = 256)]
    pub refresh_token: Option<String>,
}

/// Longest refresh token a client can send (issued ones are 43 characters).
pub const REFRESH_TOKEN_MAX_CHARS: usize = 256;

impl RefreshRequest {
    /// The body's refresh token; one longer than the documented limit is refused (422), never looked up.
    pub fn into_token(self) -> crate::error::ApiResult<Option<String>> {
        match self.refresh_token {
            Some(t) if t.chars().count() > REFRESH_TOKEN_MAX_CHARS => {
                Err(crate::error::ApiError::validation(
                    "refresh_token",
                    format!("must be at most {REFRESH_TOKEN_MAX_CHARS} characters"),
                ))
            }
            t => Ok(t),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(min_length = 1, max_length = 256)]
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    #[schema(format = "email", max_length = 254, example = "ada@example.com")]
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    #[schema(min_length = 1, max_length = 256)]
    pub token: String,
    #[schema(min_length = 8, max_length = 72)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(max_length = 1024)]
    pub current_password: String,
    #[schema(min_length = 8, max_length = 72)]
    pub new_password: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// An empty string clears the name.
    #[schema(max_length = 100)]
    pub display_name: Option<String>,
    pub theme: Option<Theme>,
    pub training_opt_out: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
/// The account's role.
pub enum UserRole {
    User,
    Admin,
}

/// The signed-in user's own account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    #[schema(format = "email")]
    pub email: String,
    pub email_verified: bool,
    pub display_name: Option<String>,
    pub role: UserRole,
    /// The plan in effect now (`free` or `pro`).
    #[schema(example = "free")]
    pub plan: String,
    pub theme: Theme,
    pub training_opt_out: bool,
    pub created_at: DateTime<Utc>,
    /// `past_due` while a payment is failing (access kept for a grace period); otherwise null.
    pub billing_state: Option<String>,
}

impl Me {
    pub fn from_model(
        u: &users::Model,
        effective_plan: &str,
        billing_state: Option<String>,
    ) -> Self {
        Me {
            id: u.id,
            email: u.email.clone(),
            email_verified: u.email_verified_at.is_some(),
            display_name: u.display_name.clone(),
            role: if u.role == "admin" {
                UserRole::Admin
            } else {
                UserRole::User
            },
            plan: effective_plan.to_owned(),
            theme: match u.theme.as_str() {
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                _ => Theme::System,
            },
            training_opt_out: u.training_opt_out,
            created_at: u.created_at,
            billing_state,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub user: Me,
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Single-use refresh token (also set as an httpOnly cookie for browsers).
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    #[schema(example = "If an account exists for that address, we've sent an email.")]
    pub message: String,
}
