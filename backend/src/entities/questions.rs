//! Library questions. Versioned: a changed question that has answers is retired and a new version inserted, so history keeps the text that was answered.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub version: i32,
    pub category: String,
    pub difficulty: String,
    pub industry: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub prompt: String,
    pub topics: Json,
    pub role_slugs: Json,
    pub key_points: Json,
    /// The question's common wrong claims (`catalog::Misconception`s); null when it has none.
    pub misconceptions: Option<Json>,
    pub rubric: Json,
    pub time_limit_seconds: i32,
    #[sea_orm(column_type = "Text")]
    pub model_answer: String,
    pub follow_up: Option<String>,
    pub case_data: Option<Json>,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub source: String,
    pub content_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::question_roles::Entity")]
    QuestionRoles,
}

impl Related<super::question_roles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::QuestionRoles.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
