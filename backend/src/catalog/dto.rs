//! API shapes of the library.
use sea_orm::DerivePartialModel;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{CaseType, Category, ClarifyingFact, Difficulty, Exhibit, KeyPoint};
use crate::entities::questions;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Role {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Active questions in this role.
    pub question_count: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RoleList {
    pub items: Vec<Role>,
}

/// A question as listed in the library (no solution material).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionSummary {
    pub id: Uuid,
    /// Stable library id, e.g. `swe-be-012`.
    pub slug: String,
    pub version: i32,
    pub category: Category,
    pub difficulty: Difficulty,
    pub industry: Option<String>,
    pub topics: Vec<String>,
    /// Role slugs this question belongs to.
    pub roles: Vec<String>,
    pub prompt: String,
    /// Suggested answer time.
    pub time_limit_seconds: i32,
    /// For cases: the case type.
    pub case_type: Option<CaseType>,
    /// True when the question was retired from the library (still shown in history).
    pub retired: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QuestionPage {
    pub items: Vec<QuestionSummary>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// What a candidate sees of a case before answering.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseBrief {
    pub case_type: CaseType,
    pub client: String,
    /// Facts the interviewer reveals when asked.
    pub clarifying_facts: Vec<ClarifyingFact>,
    pub exhibits: Vec<Exhibit>,
}

/// The worked solution of a case, shown once the user has answered it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseSolution {
    pub calculations: Vec<super::Calculation>,
    pub expected_structure: Vec<super::StructureItem>,
    pub synthesis: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QuestionDetail {
    #[serde(flatten)]
    pub summary: QuestionSummary,
    pub case: Option<CaseBrief>,
    /// Whether the signed-in user has answered this question in a session.
    pub answered: bool,
    /// Shown only after the user has answered the question.
    pub key_points: Option<Vec<KeyPoint>>,
    /// Shown only after the user has answered the question.
    pub model_answer: Option<String>,
    /// Shown only after the user has answered the question.
    pub solution: Option<CaseSolution>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuestionFilter {
    /// Role slug.
    #[param(max_length = 64)]
    pub role: Option<String>,
    pub category: Option<Category>,
    pub difficulty: Option<Difficulty>,
    #[param(max_length = 64)]
    pub industry: Option<String>,
    #[param(max_length = 64)]
    pub topic: Option<String>,
    /// Full-text search over the prompt, topics and industry.
    #[param(max_length = 200)]
    pub q: Option<String>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// The columns a [`QuestionSummary`] shows. Library pages select only these: the rubric, key points,
/// model answer and search text are most of a question's bytes and stay in the database.
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "questions::Entity")]
pub struct SummaryColumns {
    pub id: Uuid,
    pub slug: String,
    pub version: i32,
    pub category: String,
    pub difficulty: String,
    pub industry: Option<String>,
    pub prompt: String,
    pub topics: serde_json::Value,
    pub role_slugs: serde_json::Value,
    pub time_limit_seconds: i32,
    pub case_data: Option<serde_json::Value>,
    pub retired_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn summary(q: &questions::Model) -> QuestionSummary {
    summary_of(SummaryColumns {
        id: q.id,
        slug: q.slug.clone(),
        version: q.version,
        category: q.category.clone(),
        difficulty: q.difficulty.clone(),
        industry: q.industry.clone(),
        prompt: q.prompt.clone(),
        topics: q.topics.clone(),
        role_slugs: q.role_slugs.clone(),
        time_limit_seconds: q.time_limit_seconds,
        case_data: q.case_data.clone(),
        retired_at: q.retired_at,
    })
}

pub fn summary_of(q: SummaryColumns) -> QuestionSummary {
    let strings = |v: serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::Array(items) => items
                .into_iter()
                .filter_map(|x| match x {
                    serde_json::Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    QuestionSummary {
        id: q.id,
        category: Category::parse(&q.category).unwrap_or(Category::Behavioral),
        difficulty: Difficulty::parse(&q.difficulty).unwrap_or(Difficulty::Medium),
        case_type: q
            .case_data
            .as_ref()
            .and_then(|c| c.get("case_type"))
            .and_then(|t| CaseType::deserialize(t).ok()),
        slug: q.slug,
        version: q.version,
        industry: q.industry,
        topics: strings(q.topics),
        roles: strings(q.role_slugs),
        prompt: q.prompt,
        time_limit_seconds: q.time_limit_seconds,
        retired: q.retired_at.is_some(),
    }
}

pub fn case_data(q: &questions::Model) -> Option<super::CaseData> {
    q.case_data
        .as_ref()
        .and_then(|c| serde_json::from_value(c.clone()).ok())
}

pub fn key_points(q: &questions::Model) -> Vec<KeyPoint> {
    serde_json::from_value(q.key_points.clone()).unwrap_or_default()
}

pub fn detail(q: &questions::Model, answered: bool) -> QuestionDetail {
    let case = case_data(q);
    QuestionDetail {
        summary: summary(q),
        case: case.as_ref().map(|c| CaseBrief {
            case_type: c.case_type,
            client: c.client.clone(),
            clarifying_facts: c.clarifying_facts.clone(),
            exhibits: c.exhibits.clone(),
        }),
        answered,
        key_points: answered.then(|| key_points(q)),
        model_answer: answered.then(|| q.model_answer.clone()),
        solution: if answered {
            case.map(|c| CaseSolution {
                calculations: c.calculations,
                expected_structure: c.expected_structure,
                synthesis: c.synthesis,
            })
        } else {
            None
        },
    }
}

/// Rebuilds the spec of a stored question (for admin edits).
pub fn spec_of(q: &questions::Model) -> super::QuestionSpec {
    let s = summary(q);
    super::QuestionSpec {
        id: q.slug.clone(),
        version: q.version,
        roles: s.roles,
        category: s.category,
        difficulty: s.difficulty,
        topics: s.topics,
        industry: q.industry.clone(),
        prompt: q.prompt.clone(),
        key_points: key_points(q),
        misconceptions: q
            .misconceptions
            .as_ref()
            .and_then(|m| serde_json::from_value(m.clone()).ok())
            .unwrap_or_default(),
        rubric: serde_json::from_value(q.rubric.clone()).unwrap_or_default(),
        time_limit_seconds: q.time_limit_seconds,
        model_answer: q.model_answer.clone(),
        follow_up: q.follow_up.clone(),
        case: case_data(q),
    }
}
