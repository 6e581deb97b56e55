//! The evaluation of one answer.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub answer_id: Uuid,
    pub user_id: Uuid,
    pub status: String,
    pub overall_score: Option<i32>,
    pub dimensions: Option<Json>,
    pub summary: Option<String>,
    pub strengths: Option<Json>,
    pub improvements: Option<Json>,
    pub sample_answer: Option<String>,
    pub follow_up_question: Option<String>,
    pub key_points: Option<Json>,
    /// What the grader found beyond the key points: `{misconceptions: [...], figures: [...]}`.
    pub findings: Option<Json>,
    pub evaluator: Option<String>,
    pub prompt_version: Option<String>,
    pub latency_ms: Option<i32>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub error: Option<String>,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::answers::Entity",
        from = "Column::AnswerId",
        to = "super::answers::Column::Id"
    )]
    Answer,
}

impl Related<super::answers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Answer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
