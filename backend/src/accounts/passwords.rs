//! Password rules (8–72 UTF-8 bytes, no composition rules, common passwords refused) and bcrypt on
//! the blocking pool so hashing never stalls an async worker.
use actix_web::web;

use crate::error::ApiError;

/// Most common passwords from public breach corpora, lower-cased; refused at sign-up and reset.
const COMMON: &str = include_str!("common_passwords.txt");

pub fn check_rules(field: &str, password: &str) -> Result<(), ApiError> {
    let len = password.len();
    if password.chars().count() < 8 {
        return Err(ApiError::validation(field, "must be at least 8 characters"));
    }
    if len > 72 {
        return Err(ApiError::validation(
            field,
            "must be at most 72 bytes (bcrypt's limit)",
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|c| c.trim() == lower) {
        return Err(ApiError::validation(
            field,
            "is too common; choose a longer passphrase that isn't on breached-password lists",
        ));
    }
    Ok(())
}

pub async fn hash(password: String, cost: u32) -> Result<String, ApiError> {
    web::block(move || bcrypt::non_truncating_hash(password, cost))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking pool: {e}")))?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("bcrypt: {e}")))
}

/// Verifies against `hash`, or against a dummy hash when there is no account, so unknown emails take
/// the same time as wrong passwords.
pub async fn verify(
    password: String,
    hash: Option<String>,
    dummy: String,
) -> Result<bool, ApiError> {
    let known = hash.is_some();
    let target = hash.unwrap_or(dummy);
    let ok = web::block(move || bcrypt::non_truncating_verify(password, &target).unwrap_or(false))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking pool: {e}")))?;
    Ok(known && ok)
}

#[cfg(test)]
mod tests {
    use super::check_rules;

    #[test]
    fn password_rules() {
        assert!(check_rules("p", "abc1234").is_err(), "7 chars");
        assert!(check_rules("p", &"a".repeat(73)).is_err(), "73 bytes");
        assert!(
            check_rules("p", &"é".repeat(37)).is_err(),
            "74 bytes in 37 chars"
        );
        assert!(check_rules("p", "password123").is_err(), "common");
        assert!(check_rules("p", "Password123").is_err(), "common, any case");
        assert!(
            check_rules("p", &"correct horse battery staple ".repeat(3)[..64]).is_ok(),
            "64-char passphrase"
        );
        assert!(check_rules("p", "tangerine-orbit-42").is_ok());
    }
}
