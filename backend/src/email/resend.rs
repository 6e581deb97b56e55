//! Delivery through Resend with the official `resend-rs` client. The base URL is configurable so tests
//! (and EU/self-hosted gateways) can point it elsewhere. Each send carries the email's id as its
//! `Idempotency-Key`, so a retry after a timeout never sends the message twice.
use async_trait::async_trait;
use resend_rs::{
    Resend,
    idempotent::IdempotentTrait,
    types::{CreateEmailBaseOptions, ErrorKind},
};

use super::{MailError, Mailer, OutgoingEmail};
use crate::config::ResendSettings;

pub struct ResendMailer {
    client: Resend,
}

impl ResendMailer {
    pub fn new(settings: &ResendSettings) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        let mut builder = resend_rs::Config::builder(settings.api_key.clone()).client(http);
        if let Some(url) = &settings.base_url {
            builder = builder.base_url(url.clone());
        }
        Self {
            client: Resend::with_config(builder.build()),
        }
    }
}

#[async_trait]
impl Mailer for ResendMailer {
    fn name(&self) -> &'static str {
        "resend"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let msg = CreateEmailBaseOptions::new(&email.from, [email.to.as_str()], &email.subject)
            .with_text(&email.text)
            .with_html(&email.html);
        let key = email.id.to_string();
        match self
            .client
            .batch
            .send(vec![msg].with_idempotency_key(&key))
            .await
        {
            Ok(mut ids) => Ok(ids.pop().map(|r| r.id.to_string()).unwrap_or_default()),
            Err(e) => Err(classify(e)),
        }
    }
}

fn classify(e: resend_rs::Error) -> MailError {
    match e {
        resend_rs::Error::Resend(resp) => {
            // 4xx other than rate limits and idempotency races cannot succeed on retry.
            let permanent = (400..500).contains(&resp.status_code)
                && resp.status_code != 429
                && !matches!(
                    resp.kind(),
                    ErrorKind::ConcurrentIdempotentRequests | ErrorKind::ResourceLocked
                );
            let msg = format!("resend rejected the email: {}", resp.message);
            if permanent {
                MailError::Permanent(msg)
            } else {
                MailError::Temporary(msg)
            }
        }
        resend_rs::Error::RateLimit { .. } => MailError::Temporary("resend rate limit".into()),
        other => MailError::Temporary(format!("resend: {other}")),
    }
}
