//! A user's paid access: one row per Stripe subscription (state confirmed by webhooks) or per admin
//! grant (`source = "grant"`). Kept in anonymised form (`user_id` NULL) after account deletion.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    /// `stripe` or `grant`.
    pub source: String,
    pub stripe_customer_id: Option<String>,
    #[sea_orm(unique)]
    pub stripe_subscription_id: Option<String>,
    pub price_id: Option<String>,
    pub plan: String,
    /// `month` or `year`.
    pub interval: Option<String>,
    /// Stripe's status (`active`, `trialing`, `past_due`, `canceled`, `unpaid`, …) or `granted`.
    pub status: String,
    pub current_period_end: Option<DateTimeUtc>,
    pub cancel_at_period_end: bool,
    pub past_due_since: Option<DateTimeUtc>,
    /// `created` of the newest Stripe event applied to this row; older events are ignored.
    pub last_event_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
