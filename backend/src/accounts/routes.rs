//! HTTP routes for authentication and the `/me` profile.
use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    web,
};

use super::{
    auth::AuthUser,
    dto::*,
    service::{self, Issued},
};
use crate::{
    error::{ApiResult, Problem},
    http::{client::ClientInfo, json::ApiJson},
    routing::resource,
    state::AppState,
};

pub const REFRESH_COOKIE: &str = "iv_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/auth/register").post(register))
        .service(resource("/api/v1/auth/login").post(login))
        .service(resource("/api/v1/auth/refresh").post(refresh))
        .service(resource("/api/v1/auth/logout").post(logout))
        .service(resource("/api/v1/auth/logout-all").post(logout_all))
        .service(resource("/api/v1/auth/verify-email").post(verify_email))
        .service(resource("/api/v1/auth/resend-verification").post(resend_verification))
        .service(resource("/api/v1/auth/forgot-password").post(forgot_password))
        .service(resource("/api/v1/auth/reset-password").post(reset_password))
        .service(
            resource("/api/v1/me")
                .get(get_me)
                .patch(patch_me)
                .delete(crate::privacy::routes::delete_me),
        )
        .service(resource("/api/v1/me/password").post(change_password));
}

fn refresh_cookie(state: &AppState, value: &str, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value.to_owned())
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish()
}

fn with_tokens(
    state: &AppState,
    mut res: actix_web::HttpResponseBuilder,
    issued: Issued,
) -> HttpResponse {
    let max_age = CookieDuration::seconds(state.settings.refresh_token_ttl.as_secs() as i64);
    res.cookie(refresh_cookie(state, &issued.body.refresh_token, max_age))
        .json(issued.body)
}

fn clear_cookie(state: &AppState) -> Cookie<'static> {
    refresh_cookie(state, "", CookieDuration::ZERO)
}

/// Create an account.
///
/// Sends a verification email and signs the new user in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = TokenResponse),
        (status = 409, description = "An account with this email exists (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let issued = service::register(&state, &body.email, body.password, &client).await?;
    let mut res = HttpResponse::Created();
    res.insert_header(("Location", "/api/v1/me"));
    Ok(with_tokens(&state, res, issued))
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`), identical for both", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let issued = service::login(&state, &body.email, body.password, &client).await?;
    Ok(with_tokens(&state, HttpResponse::Ok(), issued))
}

/// Exchange a refresh token for a new token pair.
///
/// The token comes from the body (API clients) or the httpOnly cookie (browsers). Each refresh token
/// works once; reusing a spent one revokes that device session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body(content = RefreshRequest, description = "May be `{}` when the cookie is sent"),
    responses(
        (status = 200, description = "New token pair", body = TokenResponse),
        (status = 401, description = "Missing, invalid, expired or reused refresh token (`invalid_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn refresh(
    state: web::Data<AppState>,
    client: ClientInfo,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body
        .into_inner()
        .into_token()?
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty())
        .ok_or(crate::error::ApiError::Unauthorized("invalid_token"))?;
    match service::refresh(&state, &token, &client).await {
        Ok(issued) => Ok(with_tokens(&state, HttpResponse::Ok(), issued)),
        Err(e) => Err(e),
    }
}

/// Sign out of this device.
///
/// Revokes the session of the access token in use and of the given (or cookie) refresh token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body(content = RefreshRequest, description = "May be `{}`"),
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out")))]
pub async fn logout(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body
        .into_inner()
        .into_token()?
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()));
    service::logout(&state, Some(user.session_id), token.as_deref()).await?;
    Ok(HttpResponse::NoContent()
        .cookie(clear_cookie(&state))
        .finish())
}

/// Sign out everywhere: every device session of this account ends now.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "All sessions revoked")))]
pub async fn logout_all(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    service::logout_all(&state, user.id(), &client).await?;
    Ok(HttpResponse::NoContent()
        .cookie(clear_cookie(&state))
        .finish())
}

/// Confirm an email address with the token from the verification email.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 204, description = "Email verified"),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn verify_email(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<TokenRequest>,
) -> ApiResult<HttpResponse> {
    service::verify_email(&state, &body.token, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send the verification email again.
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 202, description = "A new verification email is on its way (nothing happens if already verified)", body = Accepted),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn resend_verification(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
) -> ApiResult<HttpResponse> {
    service::resend_verification(&state, &user.user, &client).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If your email isn't verified yet, we've sent a new link.".into(),
    }))
}

/// Ask for a password reset link.
///
/// Always answers 202 for a well-formed address, whether or not an account exists for it; a malformed
/// one is refused with 422 (like registration).
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the account exists, a reset email is on its way", body = Accepted),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn forgot_password(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<ForgotPasswordRequest>,
) -> ApiResult<HttpResponse> {
    service::forgot_password(&state, &body.email, &client).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If an account exists for that address, we've sent a reset link.".into(),
    }))
}

/// Set a new password with the token from the reset email.
///
/// The token works once, for an hour. Every session of the account is signed out.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed; all sessions revoked"),
        (status = 429, response = crate::openapi::RateLimited),
    ))]
pub async fn reset_password(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<ResetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    service::reset_password(&state, &body.token, body.password, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "The account", body = Me)))]
pub async fn get_me(user: AuthUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::me(&user.user, user.payment_failing)))
}

/// Update profile, theme and training opt-out.
///
/// Only `display_name`, `theme` and `training_opt_out` can be changed; any other field is refused.
#[utoipa::path(patch, path = "/api/v1/me", tag = "account", security(("bearer" = [])), request_body = UpdateMeRequest,
    responses((status = 200, description = "The updated account", body = Me)))]
pub async fn patch_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::update_me(&state, &user, body.into_inner()).await?))
}

/// Change the password; other sessions are signed out and a notice is emailed.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 204, description = "Password changed"),
        (status = 429, response = crate::openapi::RateLimited)))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    client: ClientInfo,
    body: ApiJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    service::change_password(
        &state,
        &user.user,
        user.session_id,
        body.current_password,
        body.new_password,
        &client,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
