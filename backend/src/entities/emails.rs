//! Every transactional email, recorded with the action that causes it and delivered by a job.
//! Bodies never hold a one-time link (see `email::templates::ONE_TIME_LINK`); the export carries
//! only the metadata (template, subject, recipient, status, times).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "emails")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub to_address: String,
    pub template: String,
    pub subject: String,
    #[serde(skip_serializing)]
    pub text_body: String,
    #[serde(skip_serializing)]
    pub html_body: String,
    pub status: String,
    pub provider_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
