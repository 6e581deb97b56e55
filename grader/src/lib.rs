//! Offline rubric grader for InterviewOS answers.
//!
//! Deterministic, no network, well under 5 ms per answer. It scores an answer against the question's
//! key points, rubric and (for cases and estimates) expected figures, and writes feedback from what
//! it actually found and missed. The OpenAI grader reuses [`overall_score`] (the documented
//! weighting), [`dimensions_for`] and [`injection_markers`]; spoken answers add
//! [`delivery_dimensions`]. See `docs/evaluation.md` for the method and measured accuracy.
//!
//! ```
//! use std::collections::BTreeMap;
//! use interviewos_grader::{Category, GradingInput, KeyPoint, RubricGrader};
//!
//! let key_points = vec![KeyPoint { point: "Explains write overhead".into(), keywords: vec!["insert".into(), "overhead".into()], label: None }];
//! let rubric = BTreeMap::new();
//! let input = GradingInput {
//!     category: Category::Technical,
//!     prompt: "When would an index make things worse?",
//!     key_points: &key_points,
//!     misconceptions: &[],
//!     rubric: &rubric,
//!     time_limit_seconds: Some(120),
//!     model_answer: "Every insert must also update the index, so writes slow down.",
//!     follow_up: None,
//!     expected_figures: &[],
//!     answer: "Every insert has to update each index, which is extra write overhead.",
//!     duration_seconds: None,
//! };
//! let grade = RubricGrader.grade(&input);
//! assert!(grade.key_points[0].covered);
//! assert!(grade.overall_score <= 100);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod analysis;
mod claims;
mod coverage;
mod delivery;
mod feedback;
mod fluency;
mod injection;
mod numbers;
mod scoring;
mod structure;
mod text;

pub use delivery::{
    DeliveryMetrics, LONG_PAUSE_SECONDS, PACE_RANGE, TimedWord, delivery_dimensions,
    delivery_metrics,
};
pub use injection::{Sanitised, injection_markers, sanitise};
pub use scoring::{
    INJECTION_PENALTY, MISCONCEPTION_CAP, UNLISTED_CONTRADICTION_FACTOR, WRONG_CLAIM_FACTOR,
    misconception_ceiling, wrong_claim_scale,
};

/// Question category; decides the rubric dimensions and their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

    /// The snake_case name used in the library files and the API.
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

    /// Answer time assumed when a question has no `time_limit_seconds`.
    pub fn default_time_limit_seconds(self) -> u32 {
        match self {
            Category::Behavioral | Category::Situational | Category::Technical => 180,
            Category::Product | Category::Estimation => 300,
            Category::SystemDesign | Category::Case => 600,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown category name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseCategoryError(pub String);

impl fmt::Display for ParseCategoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown question category {:?}", self.0)
    }
}

impl std::error::Error for ParseCategoryError {}

impl FromStr for Category {
    type Err = ParseCategoryError;

    /// Accepts the snake_case names, case-insensitively, with `-` or space for `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == norm)
            .ok_or_else(|| ParseCategoryError(s.to_string()))
    }
}

/// A thing a strong answer covers, with words or phrases a covering answer would likely use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPoint {
    pub point: String,
    pub keywords: Vec<String>,
    /// A short name for feedback (the point itself is used when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl KeyPoint {
    /// The name feedback shows: the label, or the point itself.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.point).trim()
    }
}

/// A common wrong claim on a question, its correction, and the patterns that spot it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Misconception {
    pub claim: String,
    pub correction: String,
    /// The dimension key the claim costs.
    pub dimension: String,
    /// 1-based key points the claim contradicts.
    #[serde(default)]
    pub contradicts: Vec<u8>,
    /// Each pattern: 1–4 terms that must all appear, asserted, in one sentence.
    pub detect: Vec<Vec<String>>,
}

/// The part of the submitted answer a verdict rests on: character (Unicode scalar) offsets into the
/// answer exactly as submitted, and the quoted text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub start: u32,
    pub end: u32,
    pub quote: String,
}

/// What the grader concluded about a key point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    /// Asserted by the answer.
    Covered,
    /// Not found (the default for evaluations stored before statuses existed).
    #[default]
    Missed,
    /// The answer asserts the opposite, a misconception that contradicts it, or a figure far off.
    Contradicted,
}

/// A misconception the answer asserts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MisconceptionFound {
    pub claim: String,
    pub correction: String,
    pub dimension: String,
    pub evidence: Evidence,
}

/// How a stated figure compares with the one expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureVerdict {
    Correct,
    /// Estimation only: the right order of magnitude, but off.
    Close,
    Wrong,
    Missing,
}

/// One expected figure (case calculation or estimate) and what the answer said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureResult {
    pub label: String,
    /// The expected figure in its units, e.g. "£3.8m" or "2.6%".
    pub expected: String,
    pub status: FigureVerdict,
    /// The figure as the answer wrote it, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// A number the answer should reach, from a case's calculations (`label`, `value`, unit such as
/// "£m", "%", "$k", "x", "people"). For estimation questions it is a ballpark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectedFigure {
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
}

/// Everything the grader needs about one question and one answer.
#[derive(Debug, Clone, Copy)]
pub struct GradingInput<'a> {
    pub category: Category,
    pub prompt: &'a str,
    pub key_points: &'a [KeyPoint],
    /// The question's common wrong claims.
    pub misconceptions: &'a [Misconception],
    /// Rubric text per dimension key (what "excellent" looks like).
    pub rubric: &'a BTreeMap<String, String>,
    pub time_limit_seconds: Option<u32>,
    pub model_answer: &'a str,
    pub follow_up: Option<&'a str>,
    pub expected_figures: &'a [ExpectedFigure],
    /// The candidate's answer (typed, or the transcript of a spoken answer).
    pub answer: &'a str,
    /// Recording length for spoken answers.
    pub duration_seconds: Option<u32>,
}

/// One scored rubric dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub key: String,
    pub name: String,
    /// 0.0–10.0, one decimal.
    pub score: f32,
    pub comment: String,
}

/// Whether one key point was covered, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPointResult {
    pub point: String,
    pub covered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default)]
    pub status: PointStatus,
    /// Where the answer meets (or contradicts) the point; empty when missed.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Why a point was contradicted ("says 450 million; expected about 2.5–3 million").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The evaluation stored for an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    /// 0–100, the weighted mean of the dimensions (see [`overall_score`]).
    pub overall_score: u8,
    pub dimensions: Vec<DimensionScore>,
    pub summary: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub key_points: Vec<KeyPointResult>,
    /// Wrong claims the answer asserts, with their corrections.
    #[serde(default)]
    pub misconceptions: Vec<MisconceptionFound>,
    /// Expected figures (cases, estimates) and what the answer stated.
    #[serde(default)]
    pub figures: Vec<FigureResult>,
    pub sample_answer: String,
    pub follow_up_question: String,
}

/// A rubric dimension of a category and its weight in the overall score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DimensionSpec {
    pub key: &'static str,
    pub name: &'static str,
    pub weight: f32,
}

const fn spec(key: &'static str, name: &'static str, weight: f32) -> DimensionSpec {
    DimensionSpec { key, name, weight }
}

const BEHAVIORAL: [DimensionSpec; 6] = [
    spec("structure", "Structure / STAR", 0.20),
    spec("relevance", "Relevance", 0.20),
    spec("specificity", "Specificity", 0.20),
    spec("impact", "Impact", 0.15),
    spec("reflection", "Reflection", 0.10),
    spec("communication", "Communication", 0.15),
];
/// Hypothetical questions reward judgement (relevance, reflection on others' positions) more and a
/// past-tense STAR arc less.
const SITUATIONAL: [DimensionSpec; 6] = [
    spec("structure", "Structure / STAR", 0.15),
    spec("relevance", "Relevance", 0.25),
    spec("specificity", "Specificity", 0.20),
    spec("impact", "Impact", 0.10),
    spec("reflection", "Reflection", 0.15),
    spec("communication", "Communication", 0.15),
];
const TECHNICAL: [DimensionSpec; 4] = [
    spec("correctness", "Correctness", 0.40),
    spec("depth", "Depth", 0.25),
    spec("tradeoffs", "Trade-offs", 0.20),
    spec("clarity", "Clarity", 0.15),
];
/// Design answers are judged on their choices as much as on being right.
const SYSTEM_DESIGN: [DimensionSpec; 4] = [
    spec("correctness", "Correctness", 0.30),
    spec("depth", "Depth", 0.25),
    spec("tradeoffs", "Trade-offs", 0.30),
    spec("clarity", "Clarity", 0.15),
];
const PRODUCT: [DimensionSpec; 4] = [
    spec("user_focus", "User focus", 0.30),
    spec("prioritisation", "Prioritisation", 0.25),
    spec("metrics", "Metrics", 0.25),
    spec("structure", "Structure", 0.20),
];
const CASE: [DimensionSpec; 6] = [
    spec("structure", "Structure / issue tree", 0.20),
    spec("hypothesis", "Hypothesis", 0.10),
    spec("quantitative", "Quantitative accuracy", 0.25),
    spec("insight", "Insight", 0.20),
    spec("synthesis", "Synthesis", 0.15),
    spec("communication", "Communication", 0.10),
];
const ESTIMATION: [DimensionSpec; 3] = [
    spec("assumptions", "Assumptions", 0.40),
    spec("arithmetic", "Arithmetic", 0.35),
    spec("sanity_check", "Sanity check", 0.25),
];

/// The rubric dimensions of a category, in display order; weights sum to 1.0.
pub fn dimensions_for(category: Category) -> &'static [DimensionSpec] {
    match category {
        Category::Behavioral => &BEHAVIORAL,
        Category::Situational => &SITUATIONAL,
        Category::Technical => &TECHNICAL,
        Category::SystemDesign => &SYSTEM_DESIGN,
        Category::Product => &PRODUCT,
        Category::Case => &CASE,
        Category::Estimation => &ESTIMATION,
    }
}

/// The overall 0–100 score: the weighted mean of the category's dimensions (0–10) times ten.
///
/// Dimensions with other keys (for example delivery dimensions) are ignored; if some of the
/// category's dimensions are missing, the weights of those present are renormalised. Scores outside
/// 0–10 are clamped and non-finite scores count as 0. No matching dimension gives 0.
pub fn overall_score(category: Category, dims: &[DimensionScore]) -> u8 {
    let mut sum = 0.0f32;
    let mut weight = 0.0f32;
    for spec in dimensions_for(category) {
        if let Some(d) = dims.iter().find(|d| d.key == spec.key) {
            let s = if d.score.is_finite() {
                d.score.clamp(0.0, 10.0)
            } else {
                0.0
            };
            sum += spec.weight * s;
            weight += spec.weight;
        }
    }
    if weight <= 0.0 {
        return 0;
    }
    (sum / weight * 10.0).round().clamp(0.0, 100.0) as u8
}

/// Which of `items` the text asserts, as the grader detects them: each index with the sentence that
/// asserts it. For library checks and tools that show a candidate their wrong claims.
pub fn asserted_misconceptions(items: &[Misconception], text: &str) -> Vec<(usize, String)> {
    let sanitised = injection::sanitise(text);
    let doc = text::Doc::new(analysis::bounded(&sanitised.text));
    let mentions = numbers::extract(&doc);
    claims::find_misconceptions(items, &doc, &mentions)
        .into_iter()
        .map(|a| {
            let (s, e) = doc.sentences[a.sentence];
            (a.index, doc.text[s..e].to_string())
        })
        .collect()
}

/// Where `quote` is in `text`: [`Evidence`] with character (Unicode scalar) offsets into `text` and
/// the quoted words exactly as `text` has them, so `text.chars().skip(start).take(end - start)` is
/// the evidence's `quote`. `None` when the quote is not in the text, or is blank.
///
/// An exact occurrence is preferred (the first one). Failing that, the quote is matched leniently:
/// runs of whitespace are equal to a single space, curly and straight quotes and apostrophes are
/// equal, and invisible characters (zero-width spaces, soft hyphens, bidi controls — what
/// [`sanitise`] strips) are ignored; the span then covers the text's own characters.
pub fn locate_quote(text: &str, quote: &str) -> Option<Evidence> {
    let quote = quote.trim();
    if quote.is_empty() {
        return None;
    }
    if let Some(at) = text.find(quote) {
        let start = text[..at].chars().count();
        let len = quote.chars().count();
        return Some(Evidence {
            start: start as u32,
            end: (start + len) as u32,
            quote: quote.to_string(),
        });
    }
    // Lenient: fold both sides, remembering which character of `text` each folded one came from.
    let (folded_text, origin) = fold_for_quotes(text);
    let (folded_quote, _) = fold_for_quotes(quote);
    let folded_quote = folded_quote.trim();
    if folded_quote.is_empty() {
        return None;
    }
    let at = folded_text.find(folded_quote)?;
    let first = origin.partition_point(|&(byte, _)| byte < at);
    let last = origin.partition_point(|&(byte, _)| byte < at + folded_quote.len()) - 1;
    let (start, end) = (origin[first].1, origin[last].1 + 1);
    Some(Evidence {
        start: start as u32,
        end: end as u32,
        quote: text.chars().skip(start).take(end - start).collect(),
    })
}

/// `s` with whitespace runs collapsed to one space, curly quotes straightened and invisible
/// characters dropped, and for each kept character its byte offset in the folded text and its
/// character index in `s`.
fn fold_for_quotes(s: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(s.len());
    let mut origin = Vec::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let f = match c {
            '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{202A}'..='\u{202E}' => continue,
            c if c.is_whitespace() => {
                if out.ends_with(' ') {
                    continue;
                }
                ' '
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            c => c,
        };
        origin.push((out.len(), i));
        out.push(f);
    }
    (out, origin)
}

/// Rounds to one decimal.
pub(crate) fn round1(x: f32) -> f32 {
    if x.is_finite() {
        (x * 10.0).round() / 10.0
    } else {
        0.0
    }
}

/// The offline, deterministic rubric grader.
#[derive(Debug, Clone, Copy, Default)]
pub struct RubricGrader;

impl RubricGrader {
    /// Stored with each evaluation so results can be traced to the grader version.
    pub const NAME: &'static str = "rubric-v2";

    /// Grades one answer. Never panics; empty or off-topic answers score low everywhere.
    pub fn grade(&self, input: &GradingInput) -> Grade {
        let sanitised = injection::sanitise(input.answer);
        let text = analysis::bounded(&sanitised.text);
        let a = analysis::Analysis::new(input, text, sanitised.markers);
        let scores = scoring::score(&a);
        feedback::build(&a, &scores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one_and_keys_are_unique() {
        for c in Category::ALL {
            let dims = dimensions_for(c);
            let total: f32 = dims.iter().map(|d| d.weight).sum();
            assert!((total - 1.0).abs() < 1e-5, "{c}: {total}");
            let mut keys: Vec<_> = dims.iter().map(|d| d.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), dims.len());
        }
    }

    #[test]
    fn category_round_trips_through_str_and_serde() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            let json = serde_json::to_string(&c).expect("serialise");
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(
            "System-Design".parse::<Category>(),
            Ok(Category::SystemDesign)
        );
        assert!("poetry".parse::<Category>().is_err());
    }

    fn slice(text: &str, e: &Evidence) -> String {
        text.chars()
            .skip(e.start as usize)
            .take((e.end - e.start) as usize)
            .collect()
    }

    #[test]
    fn quotes_are_located_by_character_offsets() {
        let text = "Zoë said “p = 0.03” means   a 97%\nchance. It’s wrong.";
        let e = locate_quote(text, "“p = 0.03” means").expect("exact");
        assert_eq!((e.start, e.end), (9, 25));
        assert_eq!(slice(text, &e), e.quote);
        // Straight for curly quotes, one space for a run of whitespace and a newline.
        let e = locate_quote(text, " \"p = 0.03\" means a 97% chance. ").expect("lenient");
        assert_eq!(e.quote, "“p = 0.03” means   a 97%\nchance.");
        assert_eq!(slice(text, &e), e.quote);
        let e = locate_quote(text, "It's wrong").expect("apostrophe");
        assert_eq!(e.quote, "It’s wrong");
        assert_eq!(slice(text, &e), e.quote);
        // Invisible characters in the text do not hide a quote.
        let hidden = "the null\u{200B} hypothesis";
        let e = locate_quote(hidden, "null hypothesis").expect("invisible");
        assert_eq!(slice(hidden, &e), e.quote);
        assert_eq!(locate_quote(text, "a 98% chance"), None);
        assert_eq!(locate_quote(text, "zoë said"), None, "case matters");
        assert_eq!(locate_quote(text, "  \n "), None);
    }

    #[test]
    fn wrong_claim_helpers_follow_the_constants() {
        assert_eq!(misconception_ceiling(0), 10.0);
        assert_eq!(misconception_ceiling(1), MISCONCEPTION_CAP[0]);
        assert_eq!(misconception_ceiling(5), MISCONCEPTION_CAP[1]);
        assert_eq!(wrong_claim_scale(0, 0), 1.0);
        assert_eq!(wrong_claim_scale(1, 0), WRONG_CLAIM_FACTOR[1]);
        assert_eq!(wrong_claim_scale(9, 0), WRONG_CLAIM_FACTOR[2]);
        assert!((wrong_claim_scale(0, 2) - 0.81).abs() < 1e-6);
    }

    fn d(key: &str, score: f32) -> DimensionScore {
        DimensionScore {
            key: key.into(),
            name: key.into(),
            score,
            comment: String::new(),
        }
    }

    #[test]
    fn overall_score_uses_documented_weights() {
        // Technical: correctness 0.40, depth 0.25, tradeoffs 0.20, clarity 0.15.
        let dims = [
            d("correctness", 10.0),
            d("depth", 5.0),
            d("tradeoffs", 0.0),
            d("clarity", 10.0),
        ];
        assert_eq!(overall_score(Category::Technical, &dims), 68); // 4 + 1.25 + 0 + 1.5 = 6.75
        // System design weighs trade-offs more, so the same scores give less.
        assert_eq!(overall_score(Category::SystemDesign, &dims), 58); // 3 + 1.25 + 0 + 1.5 = 5.75
        // Unknown keys are ignored, missing ones renormalised, bad values clamped.
        let partial = [
            d("correctness", 8.0),
            d("pace", 0.0),
            d("clarity", f32::NAN),
        ];
        assert_eq!(overall_score(Category::Technical, &partial), 58); // 3.2 / 0.55
        assert_eq!(
            overall_score(Category::Technical, &[d("correctness", 42.0)]),
            100
        );
        assert_eq!(overall_score(Category::Estimation, &[]), 0);
    }
}
