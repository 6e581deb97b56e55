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

/// Hashes a password already checked to be at most 72 bytes. bcrypt keys on the password plus a NUL
/// terminator truncated to 72 bytes, so a 72-byte password loses only the terminator; the crate's
/// `non_truncating_*` functions count the terminator and would refuse it, hence the explicit bound here.
pub async fn hash(password: String, cost: u32) -> Result<String, ApiError> {
    if password.len() > 72 {
        return Err(ApiError::validation(
            "password",
            "must be at most 72 bytes (bcrypt's limit)",
        ));
    }
    web::block(move || bcrypt::hash(password, cost))
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
    // Longer input can never match (we never hash it), but still costs one verification.
    let too_long = password.len() > 72;
    let ok = web::block(move || {
        let candidate = if too_long { "" } else { password.as_str() };
        bcrypt::verify(candidate, &target).unwrap_or(false) && !too_long
    })
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
        assert!(
            check_rules("p", &"b".repeat(72)).is_ok(),
            "72 bytes is the limit, inclusive"
        );
    }
}
