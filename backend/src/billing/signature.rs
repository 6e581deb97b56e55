//! `Stripe-Signature` verification: HMAC-SHA256 over `"{t}." + raw body` with each configured
//! secret (several during a rotation), compared in constant time against every `v1` value, and a
//! timestamp within the tolerance (replays of old deliveries are refused).
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Stripe's default tolerance: five minutes either way.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("no v1 signature matches the body")]
    Mismatch,
    #[error("the signature timestamp is outside the tolerance")]
    Stale,
}

/// Verifies `header` for `body`; returns the signed timestamp.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secrets: &[String],
    now_unix: i64,
) -> Result<i64, SignatureError> {
    let header = header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(SignatureError::Missing)?;
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => timestamp = Some(value),
            "v1" => {
                if let Ok(sig) = hex::decode(value) {
                    signatures.push(sig);
                }
            }
            _ => {}
        }
    }
    let t_str = timestamp.ok_or(SignatureError::Malformed)?;
    let t: i64 = t_str.parse().map_err(|_| SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let matched = secrets.iter().any(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(t_str.as_bytes());
        mac.update(b".");
        mac.update(body);
        // `verify_slice` compares in constant time.
        signatures
            .iter()
            .any(|sig| mac.clone().verify_slice(sig).is_ok())
    });
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    if (now_unix - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    Ok(t)
}

/// The header Stripe would send for `body` at `t` (used by tests and local tooling).
pub fn header_for(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;

    fn secrets(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn accepts_any_matching_secret_and_any_v1() {
        let now = 1_760_000_000;
        let good = header_for("whsec_a", now, BODY);
        assert_eq!(
            verify(Some(&good), BODY, &secrets(&["whsec_a"]), now),
            Ok(now)
        );
        // Rotation: the new secret first, the old one still accepted.
        assert!(verify(Some(&good), BODY, &secrets(&["whsec_b", "whsec_a"]), now).is_ok());
        // Several v1 values (Stripe sends one per active secret) and a v0 scheme are fine.
        let sig = good.split("v1=").nth(1).unwrap();
        let multi = format!("t={now},v1={},v1={sig},v0=abc", "00".repeat(32));
        assert!(verify(Some(&multi), BODY, &secrets(&["whsec_a"]), now).is_ok());
    }

    #[test]
    fn refuses_tampering_staleness_and_garbage() {
        let now = 1_760_000_000;
        let good = header_for("whsec_a", now, BODY);
        let s = secrets(&["whsec_a"]);
        assert_eq!(
            verify(Some(&good), b"{\"id\":\"evt_2\"}", &s, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&good), BODY, &secrets(&["whsec_other"]), now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&good), BODY, &s, now + TOLERANCE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(verify(Some(&good), BODY, &s, now + TOLERANCE_SECS), Ok(now));
        assert_eq!(verify(None, BODY, &s, now), Err(SignatureError::Missing));
        assert_eq!(
            verify(Some("v1=abcd"), BODY, &s, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(Some(&format!("t={now}")), BODY, &s, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(Some(&format!("t=x,v1={}", "0".repeat(64))), BODY, &s, now),
            Err(SignatureError::Malformed)
        );
        // A re-timestamped header does not verify: the timestamp is part of the signed payload.
        let forged = good.replace(&format!("t={now}"), &format!("t={}", now + 1000));
        assert_eq!(
            verify(Some(&forged), BODY, &s, now + 1000),
            Err(SignatureError::Mismatch)
        );
    }
}
