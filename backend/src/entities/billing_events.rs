//! Every Stripe webhook event processed, once per event id, with a summary of its effect (never card
//! data or personal details). Kept in anonymised form (`user_id` NULL) after account deletion.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "billing_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub stripe_event_id: String,
    pub event_type: String,
    pub user_id: Option<Uuid>,
    pub stripe_object_id: Option<String>,
    /// The event's `created` time at Stripe.
    pub created: DateTimeUtc,
    pub processed_at: DateTimeUtc,
    /// `applied`, `stale`, `ignored` (unknown type or no matching subscription) or `processing`.
    pub outcome: String,
    pub summary: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
