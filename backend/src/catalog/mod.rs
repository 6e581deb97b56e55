//! The interview library: roles and questions (including consulting cases), seeded from versioned YAML
//! files in `backend/seed/`, searchable and filterable, managed by admins.
pub mod dto;
pub mod formula;
pub mod queries;
pub mod routes;
pub mod seed;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Behavioral,
    Technical,
    SystemDesign,
    Product,
    Case,
    Estimation,
    Situational,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Behavioral,
        Category::Technical,
        Category::SystemDesign,
        Category::Product,
        Category::Case,
        Category::Estimation,
        Category::Situational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Behavioral => "behavioral",
            Category::Technical => "technical",
            Category::SystemDesign => "system_design",
            Category::Product => "product",
            Category::Case => "case",
            Category::Estimation => "estimation",
            Category::Situational => "situational",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn grader(self) -> interviewos_grader::Category {
        use interviewos_grader::Category as G;
        match self {
            Category::Behavioral => G::Behavioral,
            Category::Technical => G::Technical,
            Category::SystemDesign => G::SystemDesign,
            Category::Product => G::Product,
            Category::Case => G::Case,
            Category::Estimation => G::Estimation,
            Category::Situational => G::Situational,
        }
    }

    /// The evaluation dimensions (and so the rubric keys) of this category; the grader owns the list.
    pub fn rubric_keys(self) -> Vec<&'static str> {
        interviewos_grader::dimensions_for(self.grader())
            .iter()
            .map(|d| d.key)
            .collect()
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPoint {
    pub point: String,
    /// A short name for the point (3–40 characters), shown in feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 3, max_length = 40)]
    pub label: Option<String>,
    /// Words and phrases (and synonyms) an answer covering the point would use.
    pub keywords: Vec<String>,
    /// What an interviewer asks to draw the point out of an answer that missed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 300)]
    pub probe: Option<String>,
}

/// A common wrong claim candidates make on a question, with its correction and how to spot it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Misconception {
    /// The wrong claim, as a candidate would assert it.
    pub claim: String,
    /// What is actually true.
    pub correction: String,
    /// The rubric dimension the claim costs (one of the category's rubric keys).
    pub dimension: String,
    /// 1-based numbers of the key points the claim contradicts: an answer asserting it never covers them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contradicts: Vec<u8>,
    /// Patterns, each a list of 1–4 terms that must all appear, asserted, in one sentence.
    pub detect: Vec<Vec<String>>,
    /// What an interviewer asks a candidate who made the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClarifyingFact {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Exhibit {
    pub title: String,
    pub columns: Vec<String>,
    /// Rows of cells, one per column.
    pub rows: Vec<Vec<ExhibitCell>>,
}

/// A table cell: text or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ExhibitCell {
    Number(f64),
    Text(String),
}

/// One branch of a case's expected issue tree: a line of text, or a `{branch: detail}` map whose
/// details are free-form (text or lists of sub-points).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StructureItem {
    Text(String),
    Branches(BTreeMap<String, serde_json::Value>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Calculation {
    pub id: String,
    pub label: String,
    pub formula: String,
    pub value: f64,
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    Profitability,
    MarketEntry,
    MAndA,
    Pricing,
    Growth,
    Operations,
    MarketSizing,
}

/// A consulting case's multi-part flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseData {
    pub case_type: CaseType,
    pub client: String,
    pub clarifying_facts: Vec<ClarifyingFact>,
    pub exhibits: Vec<Exhibit>,
    #[serde(default)]
    pub inputs: BTreeMap<String, f64>,
    #[serde(default)]
    pub calculations: Vec<Calculation>,
    /// The issue tree a strong candidate lays out (strings, or `{branch: detail}` maps).
    pub expected_structure: Vec<StructureItem>,
    pub synthesis: String,
}

/// A library question as written in the seed files (and accepted by the admin API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionSpec {
    /// Stable slug, e.g. `swe-be-012`.
    #[schema(pattern = "^[a-z0-9-]{1,64}$", max_length = 64)]
    pub id: String,
    #[serde(default = "one")]
    pub version: i32,
    pub roles: Vec<String>,
    pub category: Category,
    pub difficulty: Difficulty,
    pub topics: Vec<String>,
    #[serde(default)]
    pub industry: Option<String>,
    pub prompt: String,
    pub key_points: Vec<KeyPoint>,
    /// Common wrong claims on this question (library questions have at least two).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misconceptions: Vec<Misconception>,
    pub rubric: BTreeMap<String, String>,
    pub time_limit_seconds: i32,
    pub model_answer: String,
    #[serde(default)]
    pub follow_up: Option<String>,
    #[serde(default)]
    pub case: Option<CaseData>,
}

fn one() -> i32 {
    1
}

impl QuestionSpec {
    /// Every problem with this question, as `(field, message)`; empty when it is complete and consistent.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        let mut bad = |f: &str, m: String| p.push((f.to_owned(), m));
        let slug_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if !slug_ok(&self.id) {
            bad(
                "id",
                "must be 1–64 lowercase letters, digits or dashes".into(),
            );
        }
        if self.version < 1 {
            bad("version", "must be at least 1".into());
        }
        if self.roles.is_empty() {
            bad("roles", "must name at least one role".into());
        }
        if self.topics.is_empty()
            || self.topics.len() > 8
            || self.topics.iter().any(|t| !slug_ok(t))
        {
            bad("topics", "must be 1–8 lowercase kebab-case tags".into());
        }
        let len = self.prompt.trim().chars().count();
        if !(15..=4000).contains(&len) {
            bad("prompt", "must be 15–4000 characters".into());
        }
        if !(2..=8).contains(&self.key_points.len()) {
            bad("key_points", "must have 2–8 key points".into());
        }
        for (i, k) in self.key_points.iter().enumerate() {
            if k.point.trim().is_empty()
                || k.keywords.is_empty()
                || k.keywords.iter().any(|w| w.trim().is_empty())
            {
                bad(
                    &format!("key_points.{i}"),
                    "needs a point and at least one keyword".into(),
                );
            }
        }
        for (i, k) in self.key_points.iter().enumerate() {
            if k.label
                .as_deref()
                .is_some_and(|l| !(3..=40).contains(&l.trim().chars().count()))
            {
                bad(
                    &format!("key_points.{i}.label"),
                    "must be 3–40 characters".into(),
                );
            }
            if k.probe
                .as_deref()
                .is_some_and(|p| !(15..=300).contains(&p.trim().chars().count()))
            {
                bad(
                    &format!("key_points.{i}.probe"),
                    "must be 15–300 characters".into(),
                );
            }
        }
        for (i, m) in self.misconceptions.iter().enumerate() {
            let field = |f: &str| format!("misconceptions.{i}.{f}");
            for (name, text) in [("claim", &m.claim), ("correction", &m.correction)] {
                if !(15..=600).contains(&text.trim().chars().count()) {
                    bad(&field(name), "must be 15–600 characters".into());
                }
            }
            if m.probe
                .as_deref()
                .is_some_and(|p| !(15..=300).contains(&p.trim().chars().count()))
            {
                bad(&field("probe"), "must be 15–300 characters".into());
            }
            if !self.category.rubric_keys().contains(&m.dimension.as_str()) {
                bad(
                    &field("dimension"),
                    format!("must be one of {:?}", self.category.rubric_keys()),
                );
            }
            if m.contradicts
                .iter()
                .any(|&k| k == 0 || usize::from(k) > self.key_points.len())
            {
                bad(
                    &field("contradicts"),
                    format!("must name key points 1–{}", self.key_points.len()),
                );
            }
            if m.detect.is_empty() || m.detect.len() > 8 {
                bad(&field("detect"), "must have 1–8 patterns".into());
            }
            for (j, pattern) in m.detect.iter().enumerate() {
                let words = |t: &String| {
                    t.split(|c: char| c.is_whitespace() || c == '-')
                        .filter(|w| !w.is_empty())
                        .count()
                };
                let loose = pattern.len() == 1
                    && words(&pattern[0]) < 2
                    && !pattern[0].chars().any(|c| c.is_ascii_digit());
                if pattern.is_empty()
                    || pattern.len() > 4
                    || pattern.iter().any(|t| t.trim().is_empty())
                    || loose
                {
                    bad(
                        &format!("misconceptions.{i}.detect.{j}"),
                        "must be 1–4 non-empty terms, and a single term must be a phrase or a number"
                            .into(),
                    );
                }
            }
        }
        let want: Vec<&str> = self.category.rubric_keys();
        let have: Vec<&str> = self.rubric.keys().map(String::as_str).collect();
        let mut want_sorted = want.clone();
        want_sorted.sort_unstable();
        if have != want_sorted {
            bad(
                "rubric",
                format!(
                    "must have exactly the keys {want:?} for {}",
                    self.category.as_str()
                ),
            );
        }
        if self.rubric.values().any(|v| v.trim().len() < 10) {
            bad(
                "rubric",
                "every entry must describe what excellent looks like".into(),
            );
        }
        if !(30..=1800).contains(&self.time_limit_seconds) {
            bad("time_limit_seconds", "must be 30–1800".into());
        }
        if self.model_answer.trim().chars().count() < 80 {
            bad(
                "model_answer",
                "must be a full answer (at least 80 characters)".into(),
            );
        }
        match (&self.case, self.category) {
            (None, Category::Case) => bad("case", "a case question needs its case block".into()),
            (Some(_), c) if c != Category::Case => {
                bad("case", "only case questions have a case block".into())
            }
            (Some(case), _) => {
                for (i, x) in case.exhibits.iter().enumerate() {
                    if x.columns.is_empty() || x.rows.iter().any(|r| r.len() != x.columns.len()) {
                        bad(
                            &format!("case.exhibits.{i}"),
                            "every row needs one cell per column".into(),
                        );
                    }
                }
                let mut vars = case.inputs.clone();
                for c in &case.calculations {
                    match formula::eval(&c.formula, &vars) {
                        Ok(v) => {
                            let tolerance = (c.value.abs() * 0.005).max(0.01);
                            if (v - c.value).abs() > tolerance {
                                bad(
                                    &format!("case.calculations.{}", c.id),
                                    format!("{} evaluates to {v:.4}, not {}", c.formula, c.value),
                                );
                            }
                        }
                        Err(e) => bad(&format!("case.calculations.{}", c.id), e),
                    }
                    vars.insert(c.id.clone(), c.value);
                }
            }
            (None, _) => {}
        }
        p
    }

    /// The figures a quantitative answer is checked against.
    pub fn expected_figures(&self) -> Vec<interviewos_grader::ExpectedFigure> {
        self.case
            .as_ref()
            .map(|c| {
                c.calculations
                    .iter()
                    .map(|k| interviewos_grader::ExpectedFigure {
                        label: k.label.clone(),
                        value: k.value,
                        unit: k.unit.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
