//! Access tokens (HS256 JWT, algorithm pinned, `iss`/`aud`/`exp` checked) and opaque one-time tokens
//! (32 random bytes, only their SHA-256 stored).
use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const ISSUER: &str = "interviewos";
pub const AUDIENCE: &str = "interviewos-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    /// The signed-in device (auth session); revoking it kills this token at once.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// Always "access": no other token kind is ever signed with this key.
    pub typ: String,
}

#[derive(Clone)]
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
}

impl TokenService {
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
        }
    }

    pub fn issue_access(
        &self,
        user_id: Uuid,
        session_id: Uuid,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id,
            sid: session_id,
            iat: now,
            exp: now + self.access_ttl.as_secs() as i64,
            jti: Uuid::new_v4(),
            typ: "access".into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Verifies signature, algorithm, expiry, issuer, audience and token type.
    pub fn verify_access(&self, token: &str) -> Option<Claims> {
        let data = decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        (data.claims.typ == "access").then_some(data.claims)
    }
}

/// A fresh opaque token and the hash to store.
pub fn new_opaque_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc() -> TokenService {
        TokenService::new(&[7u8; 32], Duration::from_secs(900))
    }

    #[test]
    fn round_trip() {
        let s = svc();
        let (u, sid) = (Uuid::now_v7(), Uuid::now_v7());
        let t = s.issue_access(u, sid).unwrap();
        let c = s.verify_access(&t).unwrap();
        assert_eq!((c.sub, c.sid), (u, sid));
    }

    #[test]
    fn rejects_other_keys_algorithms_and_none() {
        let s = svc();
        let t = s.issue_access(Uuid::now_v7(), Uuid::now_v7()).unwrap();
        let other = TokenService::new(&[8u8; 32], Duration::from_secs(900));
        assert!(other.verify_access(&t).is_none(), "bad signature");
        // alg: none with the same claims.
        let parts: Vec<&str> = t.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(
            s.verify_access(&format!("{none_header}.{}.", parts[1]))
                .is_none()
        );
        // HS512 with the right secret is still refused: the algorithm is pinned.
        let claims: Claims =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )
        .unwrap();
        assert!(s.verify_access(&hs512).is_none());
    }

    #[test]
    fn rejects_expired_and_wrong_audience() {
        let s = svc();
        let now = Utc::now().timestamp();
        let mk = |aud: &str, exp: i64, typ: &str| {
            let c = Claims {
                iss: ISSUER.into(),
                aud: aud.into(),
                sub: Uuid::now_v7(),
                sid: Uuid::now_v7(),
                iat: now,
                exp,
                jti: Uuid::new_v4(),
                typ: typ.into(),
            };
            encode(
                &Header::new(Algorithm::HS256),
                &c,
                &EncodingKey::from_secret(&[7u8; 32]),
            )
            .unwrap()
        };
        assert!(
            s.verify_access(&mk(AUDIENCE, now - 60, "access")).is_none(),
            "expired"
        );
        assert!(
            s.verify_access(&mk("someone-else", now + 60, "access"))
                .is_none(),
            "audience"
        );
        assert!(
            s.verify_access(&mk(AUDIENCE, now + 60, "refresh"))
                .is_none(),
            "type"
        );
        assert!(s.verify_access(&mk(AUDIENCE, now + 60, "access")).is_some());
    }

    #[test]
    fn opaque_tokens_are_long_and_hashed() {
        let (t, h) = new_opaque_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&t).unwrap().len(), 32);
        assert_eq!(h, hash_token(&t));
        assert_ne!(t, h);
    }
}
