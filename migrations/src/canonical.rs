//! The canonical form of an email address. It lives here, not in the app, because a migration
//! rewrites stored addresses into it and the app must look addresses up with exactly the same
//! function (`accounts::normalize_email` calls this one).
use unicode_normalization::UnicodeNormalization;

/// Trimmed, NFKC-normalised and lower-cased, with the domain mapped by IDNA/UTS-46 (Unicode form):
/// `JOSÉ@Exａmple.COM`, `jose\u{301}@example.com` and `josé@example.com` are one address.
pub fn canonical_email(email: &str) -> String {
    let folded: String = email
        .trim()
        .nfkc()
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect();
    match folded.rsplit_once('@') {
        Some((local, domain)) => match idna::domain_to_unicode(domain) {
            (domain, Ok(())) => format!("{local}@{domain}"),
            // Not a valid domain: left as folded; address validation rejects it.
            (_, Err(_)) => folded,
        },
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_email;

    #[test]
    fn twins_meet_in_one_form() {
        let plain = canonical_email("josé@example.com");
        assert_eq!(canonical_email("jose\u{301}@example.com"), plain);
        assert_eq!(canonical_email("  JOSÉ@Example.COM "), plain);
        assert_eq!(canonical_email("ada@ex\u{ff41}mple.com"), "ada@example.com");
        assert_eq!(canonical_email("ada@EXAMPLE.com"), "ada@example.com");
        assert_eq!(
            canonical_email("Ada@bücher.de"),
            canonical_email("ada@BÜCHER.de")
        );
        assert_ne!(
            canonical_email("ada@example.com"),
            canonical_email("ada2@example.com")
        );
    }
}
