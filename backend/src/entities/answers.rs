//! Every attempt at a question in a session; `is_current` marks the one that counts.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub question_id: Uuid,
    pub attempt: i32,
    pub is_current: bool,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub duration_seconds: i32,
    pub over_time: bool,
    pub mode: String,
    pub training_opt_out: bool,
    pub submitted_at: DateTimeUtc,
    /// Voice answers: the recording's path relative to `AUDIO_STORAGE_DIR` (NULL once expired or for text).
    pub audio_path: Option<String>,
    pub audio_content_type: Option<String>,
    pub audio_bytes: Option<i64>,
    /// When the retention sweep deleted the recording (the transcript stays).
    pub audio_expired_at: Option<DateTimeUtc>,
    /// Voice answers: `pending` (awaiting speech-to-text), `completed` or `failed`.
    pub transcript_status: Option<String>,
    /// `client` (browser speech recognition or typed), `openai` or `edited`.
    pub transcript_source: Option<String>,
    /// Word timings from speech-to-text, `[{word, start, end}]`.
    pub transcript_words: Option<Json>,
    pub transcript_error: Option<String>,
    /// Measured delivery: `{metrics, dimensions}`.
    pub delivery: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::evaluations::Entity")]
    Evaluation,
}

impl Related<super::evaluations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Evaluation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
