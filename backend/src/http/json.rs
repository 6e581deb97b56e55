//! `ApiJson<T>`: the JSON body extractor. Like `web::Json`, but errors name the exact field
//! (`questions.0.prompt`, `mode`) via `serde_path_to_error`, and every failure is a problem+json:
//! 415 wrong content type, 413 too large, 400 malformed, 422 unknown/missing/invalid fields.
use std::{ops::Deref, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, error::PayloadError, http::header, web};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Maximum JSON body size.
pub const JSON_LIMIT: usize = 64 * 1024;

#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let too_long = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > JSON_LIMIT);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if too_long {
                return Err(ApiError::PayloadTooLarge);
            }
            let bytes = body.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
                _ => ApiError::bad_request("malformed_json", "The request body could not be read."),
            })?;
            if bytes.len() > JSON_LIMIT {
                return Err(ApiError::PayloadTooLarge);
            }
            parse(&bytes).map(ApiJson)
        })
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => return Err(describe(e)),
    };
    de.end().map_err(|e| {
        ApiError::bad_request(
            "malformed_json",
            format!("The body is not valid JSON: {}", strip_position(&e)),
        )
    })?;
    Ok(value)
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

fn describe(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = e.inner();
    if !matches!(inner.classify(), serde_json::error::Category::Data) {
        return ApiError::bad_request(
            "malformed_json",
            format!("The body is not valid JSON: {}", strip_position(inner)),
        );
    }
    let path = e.path().to_string().replace('[', ".").replace(']', "");
    let path = if path == "." { String::new() } else { path };
    let msg = strip_position(inner);
    let join = |field: &str| {
        if path.is_empty() {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        }
    };
    let (field, message) = if let Some(rest) = msg.strip_prefix("unknown field `") {
        // The path already ends with the unknown field's name.
        let name = rest.split('`').next().unwrap_or("");
        let field = if path.is_empty() || !path.ends_with(name) {
            join(name)
        } else {
            path.clone()
        };
        (field, "is not an accepted field".to_owned())
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        (
            join(rest.split('`').next().unwrap_or("")),
            "is required".to_owned(),
        )
    } else {
        (
            if path.is_empty() {
                "body".to_owned()
            } else {
                path.clone()
            },
            msg,
        )
    };
    ApiError::Validation(vec![FieldError::new(field, message)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        point: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        mode: Mode,
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        Text,
    }

    fn field(body: &str) -> String {
        match parse::<Outer>(body.as_bytes()) {
            Err(ApiError::Validation(e)) => e[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field_path() {
        assert_eq!(field(r#"{"mode":"singing","items":[]}"#), "mode");
        assert_eq!(
            field(r#"{"mode":"text","items":[{"point":1}]}"#),
            "items.0.point"
        );
        assert_eq!(
            field(r#"{"mode":"text","items":[{"point":"a","x":1}]}"#),
            "items.0.x"
        );
        assert_eq!(field(r#"{"mode":"text"}"#), "items");
        assert_eq!(
            field(r#"{"mode":"text","items":[],"role":"admin"}"#),
            "role"
        );
        assert!(matches!(
            parse::<Outer>(b"{\"mode\":"),
            Err(ApiError::BadRequest { .. })
        ));
        assert!(matches!(
            parse::<Outer>(br#"{"mode":"text","items":[]} trailing"#),
            Err(ApiError::BadRequest { .. })
        ));
    }
}
