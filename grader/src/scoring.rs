//! Dimension formulas. Every dimension mixes a category-specific signal (STAR parts, trade-off
//! language, correct figures…) with key-point coverage, then the whole set is scaled by the
//! on-topic gate, so a well-structured answer to a different question still scores low everywhere.

use crate::analysis::Analysis;
use crate::numbers::FigureStatus;
use crate::{Category, dimensions_for, round1};

/// A scored dimension before feedback is written.
#[derive(Debug, Clone)]
pub(crate) struct Scored {
    pub key: &'static str,
    pub name: &'static str,
    pub score: f32,
}

/// Points taken from the presentation dimension when an injection attempt was removed.
pub const INJECTION_PENALTY: f32 = 1.5;

/// Saturating ratio: `x / n`, capped at 1.
fn sat(x: usize, n: usize) -> f32 {
    if n == 0 {
        1.0
    } else {
        (x as f32 / n as f32).min(1.0)
    }
}

fn flag(b: bool) -> f32 {
    if b { 1.0 } else { 0.0 }
}

/// The dimension that carries presentation (and takes the injection penalty) in each category.
pub(crate) fn presentation_key(c: Category) -> &'static str {
    match c {
        Category::Behavioral | Category::Situational | Category::Case => "communication",
        Category::Technical | Category::SystemDesign => "clarity",
        Category::Product => "structure",
        Category::Estimation => "assumptions",
    }
}

/// Ceiling on every dimension when a question has key points and the answer covers none of them;
/// keeps such answers below 25 overall whatever else they do well.
pub(crate) const NO_COVERAGE_CAP: f32 = 2.4;

/// Ceiling on a dimension the answer asserts one of the question's misconceptions against (a cap,
/// not a nudge: fluent wrong claims must not outscore brief right ones); two or more cap it lower.
pub const MISCONCEPTION_CAP: [f32; 2] = [4.0, 2.5];

/// Every dimension is scaled by this when the answer asserts misconceptions (by how many): a fluent,
/// well-structured answer that states wrong facts is a weak answer, whatever its polish.
pub const WRONG_CLAIM_FACTOR: [f32; 3] = [1.0, 0.65, 0.45];

/// Each key point an answer contradicts in its own words (no listed misconception explains it)
/// scales every dimension by this, on top of [`WRONG_CLAIM_FACTOR`].
pub const UNLISTED_CONTRADICTION_FACTOR: f32 = 0.9;

/// The scale applied to every dimension for an answer's stated wrong claims: `listed` asserted
/// misconceptions (see [`WRONG_CLAIM_FACTOR`]) and `unlisted` key points it contradicts without a
/// listed misconception (its own wording of a wrong claim). 1.0 when there are none.
pub fn wrong_claim_scale(listed: usize, unlisted: usize) -> f32 {
    let base = WRONG_CLAIM_FACTOR[listed.min(WRONG_CLAIM_FACTOR.len() - 1)];
    base * UNLISTED_CONTRADICTION_FACTOR.powi(unlisted.min(i32::MAX as usize) as i32)
}

/// The ceiling on a dimension that `asserted` of the answer's misconceptions count against
/// (see [`MISCONCEPTION_CAP`]); 10 when none do.
pub fn misconception_ceiling(asserted: usize) -> f32 {
    match asserted {
        0 => 10.0,
        1 => MISCONCEPTION_CAP[0],
        _ => MISCONCEPTION_CAP[1],
    }
}

/// The scale for an answer's stated wrong claims: asserted misconceptions, and key points it
/// contradicts without a listed misconception (its own wording of a wrong claim).
fn wrong_claim_factor(a: &Analysis) -> f32 {
    let listed = a.misconceptions.len();
    let other = a
        .coverage
        .iter()
        .filter(|c| c.contradicted && c.note.is_none())
        .count();
    wrong_claim_scale(listed, other)
}

fn misconception_cap(a: &Analysis, key: &str) -> f32 {
    let n = a
        .misconceptions
        .iter()
        .filter(|f| a.input.misconceptions[f.index].dimension == key)
        .count();
    misconception_ceiling(n)
}

/// Scores all dimensions of the answer's category.
pub(crate) fn score(a: &Analysis) -> Vec<Scored> {
    let cap = if !a.coverage.is_empty() && a.covered == 0 {
        NO_COVERAGE_CAP
    } else {
        10.0
    };
    // Clearly on-topic answers (gate ≥ 0.75) keep their raw scores; below that every dimension is
    // scaled down towards 10%, so an off-topic answer cannot score on structure or fluency alone.
    let gate = 0.1 + 0.9 * (a.relevance / 0.75).min(1.0);
    let wrong = wrong_claim_factor(a);
    dimensions_for(a.category)
        .iter()
        .map(|spec| {
            let raw = raw_score(a, spec.key).clamp(0.0, 10.0);
            // The rubric's own words are a small bonus: the answer speaks to what "excellent" means.
            let with_rubric = (raw + 0.8 * a.rubric_overlap(spec.key)).min(10.0);
            let mut s = if a.words() == 0 {
                0.0
            } else {
                (with_rubric * gate * wrong)
                    .min(cap)
                    .min(misconception_cap(a, spec.key))
            };
            if !a.injection.is_empty() && spec.key == presentation_key(a.category) {
                s -= INJECTION_PENALTY;
            }
            Scored {
                key: spec.key,
                name: spec.name,
                score: round1(s.clamp(0.0, 10.0)),
            }
        })
        .collect()
}

/// Deductions for hedging, fillers, thin length and running over, out of 10.
pub(crate) fn delivery_deductions(a: &Analysis) -> f32 {
    let hedges = (a.hedge_rate() * 0.8).min(3.0);
    let fillers = (a.filler_rate() * 0.6).min(2.5);
    let short = (1.0 - a.length.factor) * 5.0;
    let over = if a.length.over_time { 1.5 } else { 0.0 };
    hedges + fillers + short + over
}

/// Communication in an interview includes answering the question that was asked: fluent text that
/// covers little of it keeps only part of the credit.
fn communication(a: &Analysis) -> f32 {
    let signposted = a.cues.sequence.distinct >= 2 || a.cues.enumeration.any();
    let on_question = 0.5 + 0.5 * (a.coverage_frac / 0.5).min(1.0);
    (10.0 - delivery_deductions(a) - if signposted { 0.0 } else { 0.5 }) * on_question
}

fn raw_score(a: &Analysis, key: &str) -> f32 {
    let cov = a.coverage_frac;
    let lf = a.length.factor;
    let len_scale = 0.6 + 0.4 * lf;
    let c = &a.cues;
    let vocab = ((a.topic_precision - 0.1) / 0.35).clamp(0.0, 1.0);
    match (a.category, key) {
        // Behavioral: a told story.
        (Category::Behavioral, "structure") => {
            let [s, t, _, r] = c.star();
            let action = sat(c.action.count, 3);
            10.0 * (0.2 * flag(s) + 0.15 * flag(t) + 0.35 * action + 0.3 * flag(r)) * len_scale
        }
        (Category::Behavioral | Category::Situational, "relevance") => {
            10.0 * (0.75 * cov + 0.25 * vocab)
        }
        (Category::Behavioral, "specificity") => {
            let total = c.i_count + c.we_count;
            let i_share = if total == 0 {
                0.0
            } else {
                c.i_count as f32 / total as f32
            };
            10.0 * (0.3 * sat(a.numbers_used, 4)
                + 0.25 * sat(c.action.count, 4)
                + 0.15 * i_share
                + 0.3 * cov)
                * len_scale
        }
        (Category::Behavioral, "impact") => {
            let quantified = if a.quantified_result {
                1.0
            } else {
                0.4 * sat(a.numbers_used, 3)
            };
            10.0 * (0.35 * flag(c.result.any()) + 0.35 * quantified + 0.3 * cov)
        }
        (Category::Behavioral, "reflection") => {
            let level = match c.reflection.distinct {
                0 => 0.0,
                1 => 0.75,
                _ => 1.0,
            };
            10.0 * (0.7 * level + 0.3 * cov)
        }
        // Situational: a plan for a hypothetical.
        (Category::Situational, "structure") => {
            10.0 * (0.5 * sat(c.sequence.distinct, 3) + 0.2 * sat(c.plan.count, 3) + 0.3 * cov)
                * len_scale
        }
        (Category::Situational, "specificity") => {
            10.0 * (0.3 * sat(c.plan.count + c.action.count, 4)
                + 0.2 * sat(c.example.count + a.numbers_used, 2)
                + 0.5 * cov)
                * len_scale
        }
        (Category::Situational, "impact") => {
            10.0 * (0.4 * sat(c.outcome_aim.distinct, 2) + 0.6 * cov)
        }
        (Category::Situational, "reflection") => {
            10.0 * (0.45 * sat(c.perspective.distinct, 2)
                + 0.15 * flag(c.reflection.any())
                + 0.4 * cov)
        }
        (Category::Behavioral | Category::Situational | Category::Case, "communication") => {
            communication(a)
        }
        // Technical and system design.
        (Category::Technical | Category::SystemDesign, "correctness") => {
            let unsure = (a.fluency.strong_hedges as f32).min(2.0);
            10.0 * (0.1 + 0.7 * cov + 0.2 * vocab) - unsure
        }
        (Category::Technical | Category::SystemDesign, "depth") => {
            let terms = if a.category == Category::SystemDesign {
                40
            } else {
                30
            };
            10.0 * (0.35 * sat(a.topic_terms, terms)
                + 0.3 * cov
                + 0.2 * lf
                + 0.15 * sat(c.example.count + a.numbers_used, 3))
        }
        (Category::Technical | Category::SystemDesign, "tradeoffs") => {
            10.0 * (0.7 * sat(c.tradeoff.distinct, 3) + 0.3 * cov)
        }
        (Category::Technical | Category::SystemDesign, "clarity") => communication(a) + 0.5,
        // Product.
        (Category::Product, "user_focus") => 10.0 * (0.45 * sat(c.user.distinct, 4) + 0.55 * cov),
        (Category::Product, "prioritisation") => {
            10.0 * (0.45 * sat(c.priority.distinct, 3) + 0.55 * cov)
        }
        (Category::Product, "metrics") => {
            10.0 * (0.45 * sat(c.metric.distinct, 4) + 0.15 * sat(a.numbers_used, 2) + 0.4 * cov)
        }
        (Category::Product, "structure") => {
            10.0 * (0.35 * sat(c.sequence.distinct, 3)
                + 0.15 * flag(c.hypothesis.any())
                + 0.15 * flag(c.conclusion.any() || c.enumeration.any())
                + 0.35 * cov)
                * len_scale
                - 0.5 * (delivery_deductions(a) - (1.0 - lf) * 5.0)
        }
        // Case.
        (Category::Case, "structure") => {
            10.0 * (0.3 * sat(c.enumeration.count + c.sequence.distinct, 4)
                + 0.3 * sat(c.issue_tree.distinct, 5)
                + 0.4 * cov)
                * len_scale
        }
        (Category::Case, "hypothesis") => {
            let early = c
                .hypothesis
                .first()
                .is_some_and(|at| at * 2 <= a.doc.text.len());
            10.0 * (0.65 * flag(c.hypothesis.any()) + 0.1 * flag(early) + 0.25 * cov)
        }
        (Category::Case, "quantitative") => quantitative(a),
        (Category::Case, "insight") => 10.0 * (0.7 * cov + 0.3 * sat(c.insight.distinct, 2)),
        (Category::Case, "synthesis") => {
            10.0 * (0.45 * flag(c.conclusion.any())
                + 0.2 * flag(a.number_in_conclusion)
                + 0.15 * flag(c.next_steps.any())
                + 0.2 * cov)
        }
        // Estimation.
        (Category::Estimation, "assumptions") => {
            10.0 * (0.45 * sat(a.assumption_statements, 4)
                + 0.2 * sat(a.numbers_used, 6)
                + 0.35 * cov)
                * len_scale
                - 0.5 * (delivery_deductions(a) - (1.0 - lf) * 5.0)
        }
        (Category::Estimation, "arithmetic") => arithmetic(a),
        (Category::Estimation, "sanity_check") => {
            let level = match c.sanity.distinct {
                0 => 0.0,
                1 => 0.8,
                _ => 1.0,
            };
            10.0 * (0.65 * level + 0.1 * flag(c.conclusion.any()) + 0.25 * cov)
        }
        _ => 10.0 * cov,
    }
}

/// Share of arithmetic statements that are right; `None` when there are none.
fn arithmetic_share(a: &Analysis) -> Option<f32> {
    if a.arithmetic.is_empty() {
        return None;
    }
    Some(a.arithmetic.iter().filter(|c| c.ok).count() as f32 / a.arithmetic.len() as f32)
}

fn wrong_arithmetic(a: &Analysis) -> usize {
    a.arithmetic.iter().filter(|c| !c.ok).count()
}

/// Figure credit: matched 1, close 0.5 (estimates only), otherwise 0.
fn figure_credit(a: &Analysis) -> Option<(f32, usize)> {
    if a.figures.is_empty() {
        return None;
    }
    let mut credit = 0.0;
    let mut wrong = 0;
    for f in &a.figures {
        match f.status {
            FigureStatus::Matched(_) => credit += 1.0,
            FigureStatus::Close(_) => credit += 0.5,
            FigureStatus::Wrong(_) => wrong += 1,
            FigureStatus::Missing => {}
        }
    }
    Some((credit / a.figures.len() as f32, wrong))
}

/// Case quantitative accuracy: right figures reward, wrong figures and wrong sums penalise.
fn quantitative(a: &Analysis) -> f32 {
    let bad = wrong_arithmetic(a) as f32;
    let ok = a.arithmetic.len() as f32 - bad;
    match figure_credit(a) {
        Some((share, wrong)) => {
            10.0 * (0.1 + 0.9 * share) - 2.0 * wrong as f32 - 1.5 * bad + 0.5 * ok.min(2.0)
        }
        None => {
            let arith = arithmetic_share(a).unwrap_or(0.0);
            10.0 * (0.25 * sat(a.numbers_used, 6) + 0.35 * arith + 0.4 * a.coverage_frac)
                - 1.5 * bad
        }
    }
}

/// Estimation arithmetic: the ballpark of the final figure plus the correctness of shown working.
fn arithmetic(a: &Analysis) -> f32 {
    let bad = wrong_arithmetic(a) as f32;
    let working = arithmetic_share(a).unwrap_or(if a.numbers_used >= 3 { 0.5 } else { 0.0 });
    match figure_credit(a) {
        Some((share, wrong)) => {
            10.0 * (0.45 * share + 0.25 * working + 0.3 * a.coverage_frac)
                - 1.5 * bad
                - 1.0 * wrong as f32
        }
        None => {
            10.0 * (0.45 * working + 0.2 * sat(a.numbers_used, 5) + 0.35 * a.coverage_frac)
                - 1.5 * bad
        }
    }
}
