//! The few Stripe API calls billing makes (async-stripe 1.0 split crates): create a customer, a
//! Checkout Session, a customer-portal session, and delete a customer. Every call carries an
//! `Idempotency-Key` and is retried (same key) on network errors, 409, 429 and 5xx.
use std::{collections::HashMap, time::Duration};

use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_billing::billing_portal_session::CreateBillingPortalSession;
use stripe_checkout::{
    CheckoutSessionMode,
    checkout_session::{
        CreateCheckoutSession, CreateCheckoutSessionLineItems,
        CreateCheckoutSessionSubscriptionData,
    },
};
use stripe_core::customer::{CreateCustomer, DeleteCustomer};

use crate::config::StripeSettings;

const ATTEMPTS: u32 = 3;
const TIMEOUT: Duration = Duration::from_secs(20);

/// A failed Stripe call. Only the status and Stripe's error code are kept (never the request, which
/// may name the customer).
#[derive(Debug, thiserror::Error)]
pub enum StripeCallError {
    /// Stripe answered with an error status.
    #[error("stripe answered {status} ({code})")]
    Api { status: u16, code: String },
    /// Network trouble, a timeout or an unreadable answer.
    #[error("stripe unreachable: {0}")]
    Transport(String),
}

impl StripeCallError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StripeCallError::Api { status: 404, .. })
    }

    fn retryable(&self) -> bool {
        match self {
            StripeCallError::Api { status, .. } => matches!(status, 409 | 429) || *status >= 500,
            StripeCallError::Transport(_) => true,
        }
    }
}

impl From<StripeError> for StripeCallError {
    fn from(e: StripeError) -> Self {
        match e {
            StripeError::Stripe(err, status) => StripeCallError::Api {
                status,
                code: err
                    .code
                    .as_ref()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_else(|| "unknown".into()),
            },
            StripeError::Timeout => StripeCallError::Transport("timeout".into()),
            StripeError::ClientError(m) => StripeCallError::Transport(m),
            StripeError::JSONDeserialize(m) => {
                StripeCallError::Transport(format!("unreadable answer: {m}"))
            }
            StripeError::ConfigError(m) => StripeCallError::Transport(format!("config: {m}")),
        }
    }
}

/// A Stripe client for one request's calls.
pub struct StripeApi {
    client: Client,
}

impl StripeApi {
    pub fn new(settings: &StripeSettings) -> Result<Self, StripeCallError> {
        let mut builder = ClientBuilder::new(settings.secret_key.clone())
            .timeout(TIMEOUT)
            .app_info("InterviewOS", Some(env!("CARGO_PKG_VERSION").into()), None);
        if let Some(base) = &settings.api_base {
            // The client appends `v1/...` to the base, so it must end with a slash.
            let base = format!("{}/", base.trim_end_matches('/'));
            builder = builder.url(base);
        }
        Ok(Self {
            client: builder.build()?,
        })
    }

    /// Runs `call` with the idempotency key, retrying transient failures with the same key.
    async fn with_retries<T, F, Fut>(&self, key: &str, call: F) -> Result<T, StripeCallError>
    where
        F: Fn(RequestStrategy) -> Fut,
        Fut: std::future::Future<Output = Result<T, StripeError>>,
    {
        let key = IdempotencyKey::new(key)
            .map_err(|e| StripeCallError::Transport(format!("idempotency key: {e}")))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match call(RequestStrategy::Idempotent(key.clone()))
                .await
                .map_err(StripeCallError::from)
            {
                Err(e) if e.retryable() && attempt < ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, "stripe call failed; retrying");
                    tokio::time::sleep(Duration::from_millis(250 * 2u64.pow(attempt))).await;
                }
                other => return other,
            }
        }
    }

    /// Creates the Stripe customer for a user. The key is derived from the user id, so concurrent
    /// or repeated attempts within Stripe's idempotency window return the same customer.
    pub async fn create_customer(
        &self,
        user_id: uuid::Uuid,
        email: &str,
    ) -> Result<String, StripeCallError> {
        let metadata = HashMap::from([("user_id".to_owned(), user_id.to_string())]);
        let req = CreateCustomer::new().email(email).metadata(metadata);
        let key = format!("interviewos-customer-{user_id}");
        let customer = self
            .with_retries(&key, |s| {
                req.customize().request_strategy(s).send(&self.client)
            })
            .await?;
        Ok(customer.id.to_string())
    }

    /// Creates a Checkout Session in subscription mode and returns its URL.
    pub async fn create_checkout_session(
        &self,
        p: CheckoutParams<'_>,
    ) -> Result<String, StripeCallError> {
        let metadata = HashMap::from([("user_id".to_owned(), p.user_id.to_string())]);
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price = Some(p.price_id.to_owned());
        item.quantity = Some(1);
        let mut sub = CreateCheckoutSessionSubscriptionData::new();
        sub.metadata = Some(metadata.clone());
        let req = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .customer(p.customer_id)
            .client_reference_id(p.user_id.to_string())
            .line_items(vec![item])
            .subscription_data(sub)
            .metadata(metadata)
            .success_url(p.success_url)
            .cancel_url(p.cancel_url);
        let session = self
            .with_retries(p.idempotency_key, |s| {
                req.customize().request_strategy(s).send(&self.client)
            })
            .await?;
        session
            .url
            .ok_or_else(|| StripeCallError::Transport("checkout session without a url".into()))
    }

    /// Creates a customer-portal session and returns its URL.
    pub async fn create_portal_session(
        &self,
        customer_id: &str,
        return_url: &str,
        idempotency_key: &str,
    ) -> Result<String, StripeCallError> {
        let req = CreateBillingPortalSession::new()
            .customer(customer_id)
            .return_url(return_url);
        let session = self
            .with_retries(idempotency_key, |s| {
                req.customize().request_strategy(s).send(&self.client)
            })
            .await?;
        Ok(session.url)
    }

    /// Deletes a customer (which also cancels its subscriptions at once). Already gone is success.
    pub async fn delete_customer(&self, customer_id: &str) -> Result<(), StripeCallError> {
        let req = DeleteCustomer::new(customer_id);
        let key = format!("interviewos-delete-{customer_id}");
        match self
            .with_retries(&key, |s| {
                req.customize().request_strategy(s).send(&self.client)
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }
}

pub struct CheckoutParams<'a> {
    pub user_id: uuid::Uuid,
    pub customer_id: &'a str,
    pub price_id: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub idempotency_key: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_builds_for_stripe_and_for_a_configured_base() {
        crate::install_crypto_provider();
        for api_base in [None, Some("http://127.0.0.1:12111".to_owned())] {
            let settings = StripeSettings {
                secret_key: "sk_test_x".into(),
                api_base,
            };
            assert!(StripeApi::new(&settings).is_ok());
        }
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let api = |status| StripeCallError::Api {
            status,
            code: "x".into(),
        };
        assert!(api(500).retryable() && api(429).retryable() && api(409).retryable());
        assert!(!api(400).retryable() && !api(404).retryable());
        assert!(StripeCallError::Transport("timeout".into()).retryable());
        assert!(api(404).is_not_found());
    }
}
