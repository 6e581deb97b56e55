//! Evaluation: two graders behind one trait (the offline rubric grader, and OpenAI or any compatible
//! server), the durable job that runs them, live progress over SSE, and the training-data export.
pub mod job;
pub mod measure;
pub mod openai;
pub mod routes;
pub mod training;

use async_trait::async_trait;
use interviewos_grader::{
    ExpectedFigure, Grade, GradingInput, KeyPoint, Misconception, RubricGrader,
};

use crate::{
    catalog::{Category, dto as catalog_dto},
    entities::{answers, questions},
};

/// Everything a grader needs, owned (the job builds it from the database).
#[derive(Debug, Clone)]
pub struct GradingRequest {
    pub category: Category,
    pub prompt: String,
    pub key_points: Vec<KeyPoint>,
    pub misconceptions: Vec<Misconception>,
    pub rubric: std::collections::BTreeMap<String, String>,
    pub time_limit_seconds: Option<u32>,
    pub model_answer: String,
    pub follow_up: Option<String>,
    pub expected_figures: Vec<ExpectedFigure>,
    pub answer: String,
    pub duration_seconds: Option<u32>,
}

impl GradingRequest {
    pub fn new(q: &questions::Model, a: &answers::Model) -> Self {
        Self::for_spec(
            &catalog_dto::spec_of(q),
            a.text.clone(),
            Some(a.duration_seconds.max(0) as u32),
        )
    }

    /// The request for an answer to a question as the library describes it.
    pub fn for_spec(
        spec: &crate::catalog::QuestionSpec,
        answer: String,
        duration_seconds: Option<u32>,
    ) -> Self {
        GradingRequest {
            category: spec.category,
            prompt: spec.prompt.clone(),
            key_points: spec
                .key_points
                .iter()
                .map(|k| KeyPoint {
                    point: k.point.clone(),
                    keywords: k.keywords.clone(),
                    label: k.label.clone(),
                })
                .collect(),
            misconceptions: spec
                .misconceptions
                .iter()
                .map(|m| Misconception {
                    claim: m.claim.clone(),
                    correction: m.correction.clone(),
                    dimension: m.dimension.clone(),
                    contradicts: m.contradicts.clone(),
                    detect: m.detect.clone(),
                })
                .collect(),
            rubric: spec.rubric.clone(),
            time_limit_seconds: Some(spec.time_limit_seconds.max(0) as u32),
            model_answer: spec.model_answer.clone(),
            follow_up: spec.follow_up.clone(),
            expected_figures: spec.expected_figures(),
            answer,
            duration_seconds,
        }
    }

    pub fn input(&self) -> GradingInput<'_> {
        GradingInput {
            category: self.category.grader(),
            prompt: &self.prompt,
            key_points: &self.key_points,
            misconceptions: &self.misconceptions,
            rubric: &self.rubric,
            time_limit_seconds: self.time_limit_seconds,
            model_answer: &self.model_answer,
            follow_up: self.follow_up.as_deref(),
            expected_figures: &self.expected_figures,
            answer: &self.answer,
            duration_seconds: self.duration_seconds,
        }
    }
}

/// One grader version's share of a user's completed evaluations. Scores are stored as graded and
/// never regraded, so a chart spanning two versions mixes two scales; clients say so.
#[derive(
    Debug,
    Clone,
    PartialEq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    sea_orm::FromQueryResult,
)]
pub struct GraderPeriod {
    /// Grader name and version, e.g. `rubric-v2` or `openai:gpt-4o-mini`.
    pub evaluator: String,
    pub first_at: chrono::DateTime<chrono::Utc>,
    pub last_at: chrono::DateTime<chrono::Utc>,
    pub evaluations: i64,
}

/// The grader versions behind a user's completed evaluations in a time range, oldest first.
pub async fn graders_used(
    db: &impl sea_orm::ConnectionTrait,
    user_id: uuid::Uuid,
    from: Option<chrono::DateTime<chrono::Utc>>,
    to: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Vec<GraderPeriod>, sea_orm::DbErr> {
    use crate::entities::evaluations::{Column, Entity};
    use sea_orm::{
        ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
    };
    let mut q = Entity::find()
        .select_only()
        .column(Column::Evaluator)
        .column_as(Column::CompletedAt.min(), "first_at")
        .column_as(Column::CompletedAt.max(), "last_at")
        .column_as(Column::Id.count(), "evaluations")
        .filter(Column::UserId.eq(user_id))
        .filter(Column::Status.eq("completed"))
        .filter(Column::Evaluator.is_not_null())
        .filter(Column::CompletedAt.is_not_null());
    if let Some(from) = from {
        q = q.filter(Column::CompletedAt.gte(from));
    }
    if let Some(to) = to {
        q = q.filter(Column::CompletedAt.lt(to));
    }
    q.group_by(Column::Evaluator)
        .order_by_asc(Expr::col(sea_orm::sea_query::Alias::new("first_at")))
        .into_model::<GraderPeriod>()
        .all(db)
        .await
}

/// A finished evaluation and how it was produced.
#[derive(Debug, Clone)]
pub struct GradeOutcome {
    pub grade: Grade,
    pub evaluator: String,
    pub prompt_version: String,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
}

#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// Worth retrying later (rate limits, timeouts, provider errors, malformed output).
    #[error("{0}")]
    Temporary(String),
    /// Retrying the same request cannot help (bad API key, invalid request).
    #[error("{0}")]
    Permanent(String),
}

#[async_trait]
pub trait Grader: Send + Sync {
    fn name(&self) -> String;
    async fn grade(&self, req: &GradingRequest) -> Result<GradeOutcome, GradeError>;
}

/// The default grader: deterministic, offline, milliseconds.
pub struct OfflineGrader;

#[async_trait]
impl Grader for OfflineGrader {
    fn name(&self) -> String {
        RubricGrader::NAME.to_owned()
    }

    async fn grade(&self, req: &GradingRequest) -> Result<GradeOutcome, GradeError> {
        Ok(GradeOutcome {
            grade: RubricGrader.grade(&req.input()),
            evaluator: RubricGrader::NAME.to_owned(),
            prompt_version: "offline".to_owned(),
            prompt_tokens: None,
            completion_tokens: None,
        })
    }
}
