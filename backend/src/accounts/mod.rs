//! Accounts and authentication: sign-up, sign-in, rotating refresh tokens, email verification,
//! password reset and change, and the `/me` profile.
pub mod auth;
pub mod dto;
pub mod passwords;
pub mod routes;
pub mod service;
pub mod tokens;

/// The canonical form of an address (trimmed, Unicode-normalised, lower-cased, IDNA domain), so
/// one address is one account whatever its spelling.
pub fn normalize_email(email: &str) -> String {
    migration::canonical::canonical_email(email)
}

/// A pragmatic address check: one `@`, a dotted domain, no spaces, ≤ 254 bytes.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
        assert!(is_valid_email("ada@example.com"));
        assert!(is_valid_email("a.b+tag@sub.example.co.uk"));
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "ada@exa..mple.com",
            "a@b@c.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
