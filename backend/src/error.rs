//! One error type for the API and its single mapping to `application/problem+json` (RFC 9457).
//! The `code` strings are stable: clients and tests match on them.
use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What went wrong parsing JSON, without the JSON: serde's messages can quote the text
/// (`invalid type: string "…"`), and that text can be a candidate's answer or a job's payload.
pub(crate) fn json_error_kind(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    };
    format!("{kind} error at line {} column {}", e.line(), e.column())
}

/// A field-level validation failure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The request field, as a dotted path (`password`, `questions.0.prompt`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Problem details returned for every error.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "https://interviewos.dev/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "Some fields are invalid.", "code": "validation_failed", "errors": [{"field": "password", "message": "must be at least 8 characters"}]}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_url: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable error code.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For `quota_exceeded`: when the quota resets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("quota exceeded")]
    QuotaExceeded {
        limit: u32,
        resets_at: DateTime<Utc>,
    },
    #[error("payload too large")]
    PayloadTooLarge,
    /// A 413 whose limit is not the JSON body limit (e.g. audio uploads).
    #[error("{detail}")]
    TooLarge { detail: String },
    /// A 415 with its own code and explanation (e.g. an audio format that is not supported).
    #[error("{detail}")]
    Unsupported { code: &'static str, detail: String },
    /// A 422 with its own code (a rule the client can act on) and the fields it concerns.
    #[error("{detail}")]
    Unprocessable {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("{detail}")]
    Unavailable {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    fn is_db_unavailable(err: &sea_orm::DbErr) -> bool {
        is_db_unavailable(err)
    }
}

/// The database is down or unreachable (as opposed to a query being wrong): 503, and worth a retry.
pub fn is_db_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                sqlx_error::Io(_)
                    | sqlx_error::PoolTimedOut
                    | sqlx_error::PoolClosed
                    | sqlx_error::Tls(_)
            ) || is_sqlite_busy(e)
                || is_connection_lost(e)
        }
        _ => false,
    }
}

impl ApiError {
    /// (status, code, title, detail)
    fn parts(&self) -> (StatusCode, &'static str, &'static str, String) {
        use ApiError::*;
        match self {
            Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Validation failed",
                "Some fields are invalid; see `errors`.".into(),
            ),
            BadRequest { code, detail } => {
                (StatusCode::BAD_REQUEST, code, "Bad request", detail.clone())
            }
            Unauthorized(code) => (
                StatusCode::UNAUTHORIZED,
                code,
                "Unauthorized",
                match *code {
                    "invalid_credentials" => "The email or password is incorrect.".into(),
                    "invalid_token" => "The token is invalid, expired or already used.".into(),
                    "account_disabled" => "This account has been deleted.".into(),
                    _ => "Sign in to continue.".into(),
                },
            ),
            Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                "You do not have permission to do this.".into(),
            ),
            NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Not found",
                "The requested resource does not exist.".into(),
            ),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                "This method is not supported on this resource.".into(),
            ),
            Conflict { code, detail } => (StatusCode::CONFLICT, code, "Conflict", detail.clone()),
            QuotaExceeded { limit, resets_at } => (
                StatusCode::PAYMENT_REQUIRED,
                "quota_exceeded",
                "Quota exceeded",
                format!(
                    "Your plan allows {limit} evaluated answers per month; the quota resets on {}. Upgrade for unlimited practice.",
                    resets_at.format("%Y-%m-%d")
                ),
            ),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Payload too large",
                "The request body is too large.".into(),
            ),
            TooLarge { detail } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Payload too large",
                detail.clone(),
            ),
            Unsupported { code, detail } => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code,
                "Unsupported media type",
                detail.clone(),
            ),
            Unprocessable { code, detail, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                "Unprocessable request",
                detail.clone(),
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "Send the body as application/json.".into(),
            ),
            RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests",
                format!("Too many attempts; try again in {retry_after_secs} seconds."),
            ),
            Unavailable { code, detail, .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                "Service unavailable",
                detail.clone(),
            ),
            Db(e) if Self::is_db_unavailable(e) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "Service unavailable",
                "The database is temporarily unavailable; please retry.".into(),
            ),
            Db(_) | Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Internal server error",
                "Something went wrong on our side. It has been logged.".into(),
            ),
        }
    }

    pub fn problem(&self) -> Problem {
        let (status, code, title, detail) = self.parts();
        Problem {
            type_url: format!("https://interviewos.dev/problems/{code}"),
            title: title.into(),
            status: status.as_u16(),
            detail,
            code: code.into(),
            errors: match self {
                ApiError::Validation(errors) | ApiError::Unprocessable { errors, .. } => {
                    Some(errors.clone())
                }
                _ => None,
            },
            resets_at: match self {
                ApiError::QuotaExceeded { resets_at, .. } => Some(*resets_at),
                _ => None,
            },
        }
    }
}

use sea_orm::sqlx::Error as sqlx_error;

fn is_sqlite_busy(e: &sqlx_error) -> bool {
    match e {
        sqlx_error::Database(db) => db.code().is_some_and(|c| c == "5" || c == "6"),
        _ => false,
    }
}

/// PostgreSQL ended the connection or cannot take it: class 08 (connection exception) or 57P0x
/// (`admin_shutdown`, `crash_shutdown`, `cannot_connect_now`, `database_dropped`) — what a pooled
/// connection sees when the server is stopped or restarting. The database is down, not the query wrong.
fn is_connection_lost(e: &sqlx_error) -> bool {
    match e {
        sqlx_error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P0")),
        _ => false,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, ..) = self.parts();
        if status.is_server_error() {
            // The cause goes to the log (never to the client); it carries no request data.
            tracing::error!(error = %self, debug = ?self, "request failed");
        }
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            ApiError::RateLimited { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unavailable {
                retry_after_secs, ..
            } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Db(e) if Self::is_db_unavailable(e) => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Converts `validator` output into our field errors (field names as the client sent them).
impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        let mut out = Vec::new();
        collect_validation_errors(&errs, "", &mut out);
        out.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Validation(out)
    }
}

fn collect_validation_errors(
    errs: &validator::ValidationErrors,
    prefix: &str,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let msg = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe_validation(e));
                    out.push(FieldError::new(path.clone(), msg));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(inner, &path, out),
            ValidationErrorsKind::List(map) => {
                for (i, inner) in map {
                    collect_validation_errors(inner, &format!("{path}.{i}"), out);
                }
            }
        }
    }
}

fn describe_validation(e: &validator::ValidationError) -> String {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max} characters"),
            (Some(min), None) => format!("must be at least {min} characters"),
            (None, Some(max)) => format!("must be at most {max} characters"),
            _ => "has an invalid length".into(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "is out of range".into(),
        },
        "email" => "must be a valid email address".into(),
        "url" => "must be a valid URL".into(),
        other => format!("is invalid ({other})"),
    }
}

pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let msg = err.to_string();
    let msg = msg
        .strip_prefix("Query deserialize error: ")
        .unwrap_or(&msg)
        .to_owned();
    ApiError::Validation(vec![FieldError::new("query", msg)]).into()
}

pub fn path_error(
    _err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    // A malformed id can never name an existing resource.
    ApiError::NotFound.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let p = ApiError::Internal(anyhow::anyhow!("secret connection string")).problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret"));
    }

    #[test]
    fn a_terminated_connection_is_unavailable_not_internal() {
        #[derive(Debug)]
        struct Pg(&'static str);
        impl std::fmt::Display for Pg {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("terminating connection due to administrator command")
            }
        }
        impl std::error::Error for Pg {}
        impl sea_orm::sqlx::error::DatabaseError for Pg {
            fn message(&self) -> &str {
                "terminating connection due to administrator command"
            }
            fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
                Some(self.0.into())
            }
            fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
                self
            }
            fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
                self
            }
            fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
                self
            }
            fn kind(&self) -> sea_orm::sqlx::error::ErrorKind {
                sea_orm::sqlx::error::ErrorKind::Other
            }
        }
        let err = |code| {
            ApiError::Db(sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(
                std::sync::Arc::new(sqlx_error::Database(Box::new(Pg(code)))),
            )))
        };
        for code in ["57P01", "57P03", "08006"] {
            let res = err(code).error_response();
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{code}");
            assert!(res.headers().contains_key(header::RETRY_AFTER), "{code}");
        }
        // A real query error (unique violation) stays a 500.
        assert_eq!(
            err("23505").status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
