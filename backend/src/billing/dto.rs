//! Request and response bodies of the billing API.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PlanId {
    Free,
    Pro,
}

/// A plan that can be bought.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PaidPlan {
    Pro,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Interval::Month),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }
}

/// A price in integer minor units (1200 = 12.00).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Price {
    pub interval: Interval,
    #[schema(example = 1200, minimum = 0)]
    pub amount: i64,
    /// ISO 4217, lower case.
    #[schema(example = "gbp")]
    pub currency: String,
    /// The Stripe price checked out for this interval; null when billing is switched off.
    #[schema(example = "price_1QxPro0Monthly")]
    pub stripe_price_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub id: PlanId,
    #[schema(example = "Pro")]
    pub name: String,
    pub description: String,
    /// Evaluated answers per calendar month; null means unlimited.
    #[schema(example = 25)]
    pub monthly_answer_limit: Option<u32>,
    /// Answers are evaluated by the AI grader (OpenAI) rather than the offline rubric grader.
    pub ai_grader: bool,
    /// Empty for the free plan.
    pub prices: Vec<Price>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlansResponse {
    /// False when the server has no Stripe key: plans are listed but cannot be bought.
    pub billing_enabled: bool,
    pub plans: Vec<Plan>,
}

/// The signed-in user's plan and subscription.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionView {
    /// The plan in effect now.
    pub plan: PlanId,
    /// `none` (never subscribed), Stripe's status (`active`, `trialing`, `past_due`, `incomplete`,
    /// `canceled`, `unpaid`, `incomplete_expired`, `paused`), or `granted` for an administrator's grant.
    #[schema(example = "active")]
    pub status: String,
    pub interval: Option<Interval>,
    /// End of the paid period (or of a grant); null when unknown or unlimited.
    pub current_period_end: Option<DateTime<Utc>>,
    /// The subscription ends at `current_period_end` instead of renewing.
    pub cancel_at_period_end: bool,
    /// Pro access ends at this time unless renewed (grace period, cancellation, grant end).
    pub plan_until: Option<DateTime<Utc>>,
    /// A Stripe customer exists, so `POST /billing/portal` works.
    pub has_billing_account: bool,
    pub billing_enabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    pub plan: PaidPlan,
    pub interval: Interval,
}

/// A Stripe-hosted page to send the browser to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RedirectUrl {
    #[schema(example = "https://checkout.stripe.com/c/pay/cs_test_a1b2c3")]
    pub url: String,
}

/// The webhook acknowledgement.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookAck {
    pub received: bool,
    /// `applied`, `stale` (older than the stored state), `ignored` (unknown type or no matching
    /// account) or `duplicate` (already processed).
    #[schema(example = "applied")]
    pub outcome: String,
}
