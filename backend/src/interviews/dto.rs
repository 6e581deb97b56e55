//! API shapes of practice sessions, answers and evaluations.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::catalog::{Category, Difficulty, dto::QuestionSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Text,
    Voice,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Text => "text",
            Mode::Voice => "voice",
        }
    }

    /// The stored column value (`text` unless `voice`).
    pub fn from_column(value: &str) -> Mode {
        if value == Mode::Voice.as_str() {
            Mode::Voice
        } else {
            Mode::Text
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    InProgress,
    Completed,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::InProgress => "in_progress",
            SessionStatus::Completed => "completed",
        }
    }

    /// The stored column value (`in_progress` unless `completed`).
    pub fn from_column(value: &str) -> SessionStatus {
        if value == SessionStatus::Completed.as_str() {
            SessionStatus::Completed
        } else {
            SessionStatus::InProgress
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    /// Role slug, e.g. `product-manager`.
    #[schema(max_length = 64, example = "product-manager")]
    pub role: String,
    pub category: Option<Category>,
    pub difficulty: Option<Difficulty>,
    /// 1–20, default 5 (ignored when `question_ids` is given).
    #[schema(minimum = 1, maximum = 20)]
    pub question_count: Option<u32>,
    /// Hand-picked questions, in order (1–20).
    #[schema(min_items = 1, max_items = 20)]
    pub question_ids: Option<Vec<Uuid>>,
    pub mode: Mode,
    /// Per-question time limit in seconds (30–1800); default: each question's suggested time.
    #[schema(minimum = 30, maximum = 1800)]
    pub time_limit_seconds: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitAnswerRequest {
    pub question_id: Uuid,
    /// The answer (non-blank, at most 20,000 characters).
    #[schema(min_length = 1, max_length = 20000)]
    pub text: String,
    /// Time spent answering, in seconds.
    #[schema(minimum = 0, maximum = 86400)]
    pub duration_seconds: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationStatus {
    Pending,
    Running,
    Completed,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DimensionScore {
    pub key: String,
    pub name: String,
    /// 0–10.
    pub score: f32,
    pub comment: String,
}

/// The part of the submitted answer (the transcript, for voice answers) a verdict rests on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// Start, in characters (Unicode code points) from the beginning of the answer text.
    pub start: u32,
    /// End (exclusive), in characters.
    pub end: u32,
    /// The quoted text, `answer[start..end]`.
    pub quote: String,
}

/// What the grader concluded about a key point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum KeyPointStatus {
    /// The answer asserts it.
    Covered,
    /// Not found in the answer.
    #[default]
    Missed,
    /// The answer asserts the opposite, a listed misconception that contradicts it, or a figure far
    /// from the one it names.
    Contradicted,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeyPointResult {
    pub point: String,
    /// A short name for the point (absent for questions written without labels).
    #[serde(default)]
    pub label: Option<String>,
    pub covered: bool,
    #[serde(default)]
    pub status: KeyPointStatus,
    /// Where the answer meets the point (covered) or contradicts it; empty when missed.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Why the point is contradicted, e.g. the correction of the claim made.
    #[serde(default)]
    pub note: Option<String>,
}

/// A common wrong claim about the question that the answer makes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MisconceptionFinding {
    /// The wrong claim, as the library states it.
    pub claim: String,
    /// What is actually true.
    pub correction: String,
    /// The dimension key it costs.
    pub dimension: String,
    /// The sentence of the answer that makes the claim.
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureStatus {
    Correct,
    /// Estimation only: the right order of magnitude but more than 1.5× off.
    Close,
    Wrong,
    Missing,
}

/// An expected figure (case calculation or estimate) and what the answer stated.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FigureFinding {
    pub label: String,
    /// The expected figure in its units, e.g. "£3.8m" or "2.6%".
    pub expected: String,
    pub status: FigureStatus,
    /// The figure as the answer wrote it.
    #[serde(default)]
    pub stated: Option<String>,
    #[serde(default)]
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub status: EvaluationStatus,
    /// 0–100, a documented weighting of the dimensions.
    pub overall_score: Option<i32>,
    pub dimensions: Vec<DimensionScore>,
    pub summary: Option<String>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub sample_answer: Option<String>,
    pub follow_up_question: Option<String>,
    pub key_points: Vec<KeyPointResult>,
    /// Wrong claims the answer makes, each with its correction and the sentence that makes it.
    pub misconceptions: Vec<MisconceptionFinding>,
    /// Case and estimation figures: expected against stated.
    pub figures: Vec<FigureFinding>,
    /// Grader name and version, e.g. `rubric-v2` or `openai:gpt-4o-mini`. Scores from different
    /// versions are not strictly comparable; stored scores are never regraded.
    pub evaluator: Option<String>,
    pub prompt_version: Option<String>,
    pub latency_ms: Option<i32>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Why the evaluation failed (status `failed`); retry with POST …/evaluation/retry.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Answer {
    pub id: Uuid,
    pub session_id: Uuid,
    pub question_id: Uuid,
    pub text: String,
    pub duration_seconds: i32,
    pub submitted_at: DateTime<Utc>,
    /// Longer than the question's time limit.
    pub over_time: bool,
    /// 1 for the first attempt; a new attempt replaces the previous one while the session is open.
    pub attempt: i32,
    pub mode: Mode,
    pub evaluation: Evaluation,
    /// Voice answers: the recording.
    pub audio: Option<crate::voice::dto::AnswerAudio>,
    /// Voice answers: where `text` (the transcript) came from and its state.
    pub transcript: Option<crate::voice::dto::Transcript>,
    /// Voice answers: delivery feedback (pace, fillers, pauses, timing), once the transcript is known.
    pub delivery: Option<crate::voice::dto::Delivery>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoleRef {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionQuestion {
    pub position: i32,
    pub question: QuestionSummary,
    /// The time limit that applies to this question in this session.
    pub time_limit_seconds: i32,
    /// The current answer, if any.
    pub answer: Option<Answer>,
    /// How many times it was answered in this session.
    pub attempts: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DimensionAverage {
    pub key: String,
    pub name: String,
    pub average: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnswerRef {
    pub answer_id: Uuid,
    pub question_id: Uuid,
    pub overall_score: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionSummary {
    pub questions: i32,
    pub answered: i32,
    pub skipped: i32,
    /// Evaluations still pending or running.
    pub pending_evaluations: i32,
    pub failed_evaluations: i32,
    /// Average overall score of completed evaluations.
    pub average_score: Option<f32>,
    pub dimensions: Vec<DimensionAverage>,
    pub best: Option<AnswerRef>,
    pub weakest: Option<AnswerRef>,
    pub practice_seconds: i64,
    /// True once every answer's evaluation has finished.
    pub all_evaluated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    pub role: RoleRef,
    pub mode: Mode,
    pub status: SessionStatus,
    pub category: Option<Category>,
    pub difficulty: Option<Difficulty>,
    /// The session-wide per-question limit, if one was set.
    pub time_limit_seconds: Option<i32>,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub questions: Vec<SessionQuestion>,
    pub summary: SessionSummary,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionListItem {
    pub id: Uuid,
    pub role: RoleRef,
    pub mode: Mode,
    pub status: SessionStatus,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub question_count: i32,
    pub answered_count: i32,
    pub average_score: Option<f32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionPage {
    pub items: Vec<SessionListItem>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    /// Role slug.
    #[param(max_length = 64)]
    pub role: Option<String>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Usage {
    pub plan: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub answers_used: i32,
    /// Null means unlimited.
    pub answers_limit: Option<i32>,
}
