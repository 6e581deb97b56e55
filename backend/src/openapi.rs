//! The OpenAPI document, generated from the code. `interviewos export-openapi` writes it to
//! `openapi.yaml`, and a test fails when the committed file drifts.
use utoipa::{
    Modify, OpenApi, ToResponse,
    openapi::{
        self, RefOr,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::error::Problem;

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Malformed JSON (`malformed_json`) or a bad request",
    content_type = "application/problem+json"
)]
pub struct BadRequest(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Missing, invalid, expired or revoked access token",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Not allowed for this account (`forbidden`)",
    content_type = "application/problem+json"
)]
pub struct Forbidden(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "No such resource, or it belongs to someone else (`not_found`)",
    content_type = "application/problem+json"
)]
pub struct NotFound(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Body larger than the limit (`payload_too_large`)",
    content_type = "application/problem+json"
)]
pub struct PayloadTooLarge(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Body is not application/json (`unsupported_media_type`)",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Invalid fields, unknown fields or bad query parameters (`validation_failed`, with `errors`)",
    content_type = "application/problem+json"
)]
pub struct ValidationFailed(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(description = "Too many requests (`rate_limited`)", content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before retrying")))]
pub struct RateLimited(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(
    description = "Unexpected server error (`internal_error`); no internals are exposed",
    content_type = "application/problem+json"
)]
pub struct InternalError(Problem);

#[allow(dead_code)]
#[derive(ToResponse)]
#[response(description = "A dependency (database, billing, grader) is unavailable; retry later", content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before retrying")))]
pub struct Unavailable(Problem);

#[derive(OpenApi)]
#[openapi(
    info(
        title = "InterviewOS API",
        version = "1.0.0",
        description = "AI interview practice: accounts, the question library, practice sessions, evaluations, progress, billing and data rights.\n\nErrors are `application/problem+json` with a stable `code`. Lists are paginated with an opaque `cursor`.",
        license(name = "MIT")
    ),
    paths(
        crate::ops::health::live,
        crate::ops::health::ready,
        crate::accounts::routes::register,
        crate::accounts::routes::login,
        crate::accounts::routes::refresh,
        crate::accounts::routes::logout,
        crate::accounts::routes::logout_all,
        crate::accounts::routes::verify_email,
        crate::accounts::routes::resend_verification,
        crate::accounts::routes::forgot_password,
        crate::accounts::routes::reset_password,
        crate::accounts::routes::get_me,
        crate::accounts::routes::patch_me,
        crate::accounts::routes::change_password,
        crate::interviews::routes::get_usage,
        crate::catalog::routes::list_roles,
        crate::catalog::routes::list_questions,
        crate::catalog::routes::get_question,
        crate::catalog::routes::get_question_spec,
        crate::catalog::routes::create_question,
        crate::catalog::routes::update_question,
        crate::catalog::routes::delete_question,
        crate::interviews::routes::create_session,
        crate::interviews::routes::list_sessions,
        crate::interviews::routes::get_session,
        crate::interviews::routes::delete_session,
        crate::interviews::routes::submit_answer,
        crate::interviews::routes::complete_session,
        crate::interviews::routes::get_answer,
        crate::voice::routes::upload_audio_answer,
        crate::voice::routes::get_answer_audio,
        crate::voice::routes::update_transcript,
        crate::evaluation::routes::get_evaluation,
        crate::evaluation::routes::retry_evaluation,
        crate::evaluation::routes::session_events,
        crate::billing::routes::list_plans,
        crate::billing::routes::get_subscription,
        crate::billing::routes::checkout,
        crate::billing::routes::portal,
        crate::billing::routes::webhook,
        crate::progress::routes::get_progress,
        crate::privacy::routes::activity,
        crate::privacy::routes::export,
        crate::privacy::routes::delete_me,
        crate::privacy::routes::audit_log,
    ),
    components(
        schemas(Problem, crate::error::FieldError),
        responses(BadRequest, Unauthorized, Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed, RateLimited, InternalError, Unavailable)
    ),
    modifiers(&CommonResponses),
    tags(
        (name = "auth", description = "Sign-up, sign-in, tokens, email verification, password reset"),
        (name = "account", description = "The signed-in user's profile and settings"),
        (name = "library", description = "Interview roles, questions and consulting cases"),
        (name = "sessions", description = "Practice sessions, answers and evaluations"),
        (name = "progress", description = "Progress over time and recommendations"),
        (name = "privacy", description = "Your data: activity, export, deletion"),
        (name = "billing", description = "Plans, subscriptions, Stripe Checkout, the customer portal and Stripe webhooks"),
        (name = "admin", description = "Administration (role admin)"),
        (name = "ops", description = "Health checks"),
    )
)]
pub struct ApiDoc;

/// Operations that read their body as raw bytes rather than through `ApiJson` (the Stripe webhook
/// verifies a signature over the exact bytes): they answer no 415/422, and document their own 400/413.
const RAW_BODY_OPERATIONS: &[&str] = &["webhook"];

/// Adds the bearer scheme and the error responses every operation can produce, so each route
/// documents only what is specific to it and none can forget the shared ones.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        let r = |name: &str| RefOr::Ref(openapi::Ref::from_response_name(name));
        for (path, item) in doc.paths.paths.iter_mut() {
            let is_api = path.starts_with("/api/");
            for op in operations(item) {
                let add = |op: &mut openapi::path::Operation, code: &str, name: &str| {
                    op.responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| r(name));
                };
                let raw_body = op
                    .operation_id
                    .as_deref()
                    .is_some_and(|id| RAW_BODY_OPERATIONS.contains(&id));
                if op.request_body.is_some() && !raw_body {
                    add(op, "400", "BadRequest");
                    add(op, "413", "PayloadTooLarge");
                    add(op, "415", "UnsupportedMediaType");
                    add(op, "422", "ValidationFailed");
                }
                // Only query parameters are validated into a 422: a malformed path id can name no
                // resource (404), and header parameters are checked by the operation itself.
                let has_query = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == openapi::path::ParameterIn::Query))
                });
                if has_query {
                    add(op, "422", "ValidationFailed");
                }
                if path.contains('{') {
                    add(op, "404", "NotFound");
                }
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                if secured {
                    add(op, "401", "Unauthorized");
                }
                if path.starts_with("/api/v1/admin") {
                    add(op, "403", "Forbidden");
                }
                if is_api {
                    add(op, "500", "InternalError");
                    add(op, "503", "Unavailable");
                }
            }
        }
    }
}

fn operations(
    item: &mut openapi::path::PathItem,
) -> impl Iterator<Item = &mut openapi::path::Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

pub fn spec() -> openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn yaml() -> String {
    spec().to_yaml().unwrap_or_default()
}
