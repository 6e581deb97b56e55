//! Feedback written from the evidence: which key points were covered and missed, which figures were
//! right or wrong, which STAR part is absent, which hedges were used. No canned paragraphs: every
//! sentence is assembled from what the analysis found in this answer.

use crate::analysis::Analysis;
use crate::numbers::FigureStatus;
use crate::scoring::{INJECTION_PENALTY, Scored, presentation_key};
use crate::structure::{Hits, STAR_NAMES};
use crate::text::truncate_chars;
use crate::{
    Category, DimensionScore, Evidence, FigureResult, FigureVerdict, Grade, KeyPointResult,
    MisconceptionFound, PointStatus, overall_score,
};

/// Longest quote an evidence span carries; longer sentences are cut around the evidence.
const MAX_EVIDENCE_BYTES: usize = 280;

/// Evidence for the byte range `start..end` of the analysed text, located in the answer as
/// submitted (injection removal and the length bound change the analysed text, not the words).
fn evidence(a: &Analysis, start: usize, end: usize) -> Option<Evidence> {
    crate::locate_quote(a.input.answer, a.doc.text.get(start..end)?)
}

/// The sentence around token `i`, cut to [`MAX_EVIDENCE_BYTES`] around the token when long.
fn sentence_span(a: &Analysis, i: usize) -> Option<(usize, usize)> {
    let t = a.doc.tokens.get(i)?;
    let (s, e) = *a.doc.sentences.get(t.sentence)?;
    if e - s <= MAX_EVIDENCE_BYTES {
        return Some((s, e));
    }
    let text = a.doc.text;
    let half = MAX_EVIDENCE_BYTES / 2;
    let mut lo = t.start.saturating_sub(half).max(s);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    // Start and end on word boundaries.
    lo = text[lo..t.start]
        .find(' ')
        .map_or(lo, |k| lo + k + 1)
        .min(t.start);
    let mut hi = (t.end + half).min(e);
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    hi = text[t.end..hi].rfind(' ').map_or(hi, |k| t.end + k);
    Some((lo, hi))
}

/// One evidence span per sentence the point is met in (at most three).
fn point_evidence(a: &Analysis, places: &[usize]) -> Vec<Evidence> {
    let mut seen = std::collections::HashSet::new();
    places
        .iter()
        .filter(|&&p| a.doc.tokens.get(p).is_some_and(|t| seen.insert(t.sentence)))
        .filter_map(|&p| sentence_span(a, p).and_then(|(s, e)| evidence(a, s, e)))
        .take(3)
        .collect()
}

fn figure_result(a: &Analysis, f: &crate::numbers::FigureCheck) -> FigureResult {
    let (status, stated) = match &f.status {
        FigureStatus::Matched(t) => (FigureVerdict::Correct, Some(t.clone())),
        FigureStatus::Close(t) => (FigureVerdict::Close, Some(t.clone())),
        FigureStatus::Wrong(t) => (FigureVerdict::Wrong, Some(t.clone())),
        FigureStatus::Missing => (FigureVerdict::Missing, None),
    };
    let evidence = stated.as_deref().and_then(|t| {
        let at = a.doc.text.find(t)?;
        let i = a.doc.tokens.partition_point(|tok| tok.start < at);
        sentence_span(a, i.min(a.doc.tokens.len().saturating_sub(1)))
            .and_then(|(s, e)| evidence(a, s, e))
    });
    FigureResult {
        label: f.label.clone(),
        expected: f.expected.clone(),
        status,
        stated,
        evidence,
    }
}

/// Dimensions at or above this are called strengths.
const STRENGTH_AT: f32 = 7.0;
/// Dimensions below this get an improvement.
const IMPROVE_BELOW: f32 = 6.5;

/// Assembles the stored grade.
pub(crate) fn build(a: &Analysis, scores: &[Scored]) -> Grade {
    let dimensions: Vec<DimensionScore> = scores
        .iter()
        .map(|s| DimensionScore {
            key: s.key.into(),
            name: s.name.into(),
            score: s.score,
            comment: comment(a, s),
        })
        .collect();
    let overall = overall_score(a.category, &dimensions);
    let misconceptions: Vec<MisconceptionFound> = a
        .misconceptions
        .iter()
        .filter_map(|f| {
            let m = &a.input.misconceptions[f.index];
            let (s, e) = *a.doc.sentences.get(f.sentence)?;
            Some(MisconceptionFound {
                claim: m.claim.trim().to_string(),
                correction: m.correction.trim().to_string(),
                dimension: m.dimension.clone(),
                evidence: evidence(a, s, e)?,
            })
        })
        .collect();
    // Wrong claims come first: they are what the candidate most needs to hear.
    let mut improvements_list: Vec<String> = misconceptions
        .iter()
        .map(|m| format!("You said \"{}\" — {}", m.evidence.quote, m.correction))
        .collect();
    for c in a.coverage.iter().filter(|c| c.contradicted) {
        // Misconception corrections are already listed above.
        if let Some(note) = &c.note
            && !improvements_list.iter().any(|i| i.ends_with(note.as_str()))
        {
            improvements_list.push(note.clone());
        }
    }
    improvements_list.extend(improvements(a, scores));
    improvements_list.dedup();
    Grade {
        overall_score: overall,
        summary: summary(a, scores),
        strengths: strengths(a, scores),
        improvements: improvements_list,
        key_points: a
            .coverage
            .iter()
            .zip(a.input.key_points)
            .map(|(c, kp)| KeyPointResult {
                point: c.point.clone(),
                covered: c.covered,
                label: kp.label.clone(),
                status: if c.covered {
                    PointStatus::Covered
                } else if c.contradicted {
                    PointStatus::Contradicted
                } else {
                    PointStatus::Missed
                },
                evidence: if c.covered || c.contradicted {
                    point_evidence(a, &c.places)
                } else {
                    Vec::new()
                },
                note: c.note.clone().filter(|_| c.contradicted),
            })
            .collect(),
        misconceptions,
        figures: a.figures.iter().map(|f| figure_result(a, f)).collect(),
        sample_answer: a.input.model_answer.trim().to_string(),
        follow_up_question: follow_up(a),
        dimensions,
    }
}

fn quote(a: &Analysis, at: usize) -> String {
    format!("\"{}\"", a.doc.quote_at(at, 70))
}

/// The quoted evidence of a covered key point about the recommendation, if there is one.
fn recommendation_point(a: &Analysis) -> Option<String> {
    a.coverage
        .iter()
        .zip(a.input.key_points)
        .find(|(c, k)| c.covered && k.point.to_lowercase().contains("recommend"))
        .and_then(|(c, _)| c.places.first().map(|&at| quote(a, a.doc.tokens[at].start)))
}

fn first_quote(a: &Analysis, h: &Hits) -> Option<String> {
    h.first().map(|at| quote(a, at))
}

fn short(p: &str) -> String {
    truncate_chars(p, 80)
}

fn join_points<'p>(points: impl Iterator<Item = &'p str>, max: usize) -> String {
    let v: Vec<String> = points.map(short).collect();
    let n = v.len();
    let mut s = v.into_iter().take(max).collect::<Vec<_>>().join("; ");
    if n > max {
        s.push_str(&format!("; and {} more", n - max));
    }
    s
}

/// Covered points by their short names (labels where the library has them).
fn covered_points<'a>(a: &'a Analysis) -> Vec<&'a str> {
    a.coverage
        .iter()
        .zip(a.input.key_points)
        .filter(|(c, _)| c.covered)
        .map(|(_, k)| k.name())
        .collect()
}

/// Missed points by their short names, weakest evidence first.
fn missed_points<'a>(a: &'a Analysis) -> Vec<&'a str> {
    let mut m: Vec<_> = a
        .coverage
        .iter()
        .zip(a.input.key_points)
        .filter(|(c, _)| !c.covered)
        .collect();
    m.sort_by(|x, y| x.0.strength.total_cmp(&y.0.strength));
    m.into_iter().map(|(_, k)| k.name()).collect()
}

fn quoted_samples(h: &Hits, n: usize) -> String {
    h.samples
        .iter()
        .take(n)
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn coverage_sentence(a: &Analysis) -> String {
    let n = a.coverage.len();
    if n == 0 {
        return format!(
            "{:.0}% of the answer's vocabulary belongs to the question.",
            a.topic_precision * 100.0
        );
    }
    let covered = covered_points(a);
    let missed = missed_points(a);
    let mut s = format!("Covers {} of {n} key points", covered.len());
    if !covered.is_empty() {
        s.push_str(&format!(": {}", join_points(covered.iter().copied(), 3)));
    }
    s.push('.');
    if !missed.is_empty() {
        s.push_str(&format!(
            " Missed: {}.",
            join_points(missed.iter().copied(), 3)
        ));
    }
    s
}

fn figures_sentence(a: &Analysis) -> Option<String> {
    if a.figures.is_empty() {
        return None;
    }
    let mut right = Vec::new();
    let mut close = Vec::new();
    let mut wrong = Vec::new();
    let mut missing = Vec::new();
    for f in &a.figures {
        match &f.status {
            FigureStatus::Matched(t) => right.push(format!("{t} ({})", f.label)),
            FigureStatus::Close(t) => close.push(format!(
                "{t} for {} (expected about {})",
                f.label, f.expected
            )),
            FigureStatus::Wrong(t) => {
                wrong.push(format!("{t} for {} (expected {})", f.label, f.expected))
            }
            FigureStatus::Missing => missing.push(format!("{} ({})", f.label, f.expected)),
        }
    }
    let mut parts = Vec::new();
    if !right.is_empty() {
        parts.push(format!("Correct: {}.", right.join(", ")));
    }
    if !close.is_empty() {
        parts.push(format!("In the right range but off: {}.", close.join(", ")));
    }
    if !wrong.is_empty() {
        parts.push(format!("Wrong: {}.", wrong.join(", ")));
    }
    if !missing.is_empty() {
        parts.push(format!("Not reached: {}.", missing.join(", ")));
    }
    Some(parts.join(" "))
}

fn arithmetic_sentence(a: &Analysis) -> Option<String> {
    if a.arithmetic.is_empty() {
        return None;
    }
    let bad: Vec<String> = a
        .arithmetic
        .iter()
        .filter(|c| !c.ok)
        .map(|c| {
            format!(
                "\"{}\" (the inputs give {}, not {})",
                truncate_chars(&c.text, 60),
                c.computed,
                c.stated
            )
        })
        .collect();
    let n = a.arithmetic.len();
    Some(match (bad.len(), n) {
        (0, 1) => "The calculation you stated checks out.".to_string(),
        (0, _) => format!("All {n} calculations you stated check out."),
        (b, _) => format!(
            "{b} of {} you stated {} wrong: {}.",
            count(n, "calculation"),
            if b == 1 { "is" } else { "are" },
            bad.join("; ")
        ),
    })
}

fn star_parts(a: &Analysis) -> (Vec<&'static str>, Vec<&'static str>) {
    let star = a.cues.star();
    let found = STAR_NAMES
        .iter()
        .zip(star)
        .filter(|(_, f)| *f)
        .map(|(n, _)| *n)
        .collect();
    let missing = STAR_NAMES
        .iter()
        .zip(star)
        .filter(|(_, f)| !*f)
        .map(|(n, _)| *n)
        .collect();
    (found, missing)
}

fn star_hint(part: &str) -> &'static str {
    match part {
        "situation" => "open with where and when this happened",
        "task" => "say what you were responsible for",
        "action" => "say what you personally did, in the first person",
        _ => "finish with how it ended, ideally with a number",
    }
}

/// "a", "a and b", "a, b and c".
fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            format!(
                "{} and {}",
                init.iter()
                    .map(|s| s.as_ref())
                    .collect::<Vec<_>>()
                    .join(", "),
                last.as_ref()
            )
        }
    }
}

/// "1 calculation", "3 calculations".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn mmss(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

fn presentation_comment(a: &Analysis) -> String {
    let l = &a.length;
    let mut parts = vec![format!(
        "{} words for a {} answer",
        l.words,
        mmss(l.limit_seconds)
    )];
    if l.factor < 0.8 {
        parts[0].push_str(&format!(
            " (too short; about {:.0} words would cover it)",
            l.full_credit_words
        ));
    } else if l.over_time {
        parts[0].push_str(&format!(
            " (more than fits: about {:.0} words at 130 per minute)",
            l.budget_words
        ));
    }
    let hedges = crate::fluency::Fluency::top(&a.fluency.hedges, 3);
    if hedges.is_empty() {
        parts.push("no hedging".into());
    } else {
        parts.push(format!(
            "hedges: {}",
            hedges
                .iter()
                .map(|(h, n)| format!("\"{h}\" ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut fillers: Vec<(String, u32)> = crate::fluency::Fluency::top(&a.fluency.fillers, 5);
    fillers.retain(|(f, _)| !a.fluency.hedges.contains_key(f));
    fillers.truncate(3);
    if !fillers.is_empty() {
        parts.push(format!(
            "fillers: {}",
            fillers
                .iter()
                .map(|(f, n)| format!("\"{f}\" ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if a.cues.sequence.distinct >= 2 || a.cues.enumeration.any() {
        parts.push(format!(
            "signposted with {}",
            quoted_samples(
                if a.cues.enumeration.any() {
                    &a.cues.enumeration
                } else {
                    &a.cues.sequence
                },
                3
            )
        ));
    } else {
        parts.push("no signposting".into());
    }
    let mut s = format!("{}.", parts.join("; "));
    if !a.injection.is_empty() {
        s.push_str(&format!(
            " Text addressed to the grader was removed and cost {INJECTION_PENALTY} points here."
        ));
    }
    s
}

/// The comment for one dimension.
fn comment(a: &Analysis, s: &Scored) -> String {
    if a.words() == 0 {
        return "No answer was given.".into();
    }
    let c = &a.cues;
    let mut text = match (a.category, s.key) {
        (Category::Behavioral, "structure") => {
            let (found, missing) = star_parts(a);
            if missing.is_empty() {
                let result = first_quote(a, &c.result).unwrap_or_default();
                format!("All four STAR parts are there; the result is explicit: {result}.")
            } else if found.is_empty() {
                "No STAR arc: describe the situation, your task, what you did and how it ended.".into()
            } else {
                format!(
                    "STAR: {} present; {} missing, so {}.",
                    and_list(&found),
                    and_list(&missing),
                    star_hint(missing[0])
                )
            }
        }
        (Category::Situational, "structure") => {
            if c.sequence.distinct >= 2 {
                format!("Steps are sequenced ({}).", quoted_samples(&c.sequence, 4))
            } else {
                "No clear sequence: say what you'd do first, what next, and how you'd close it out.".into()
            }
        }
        (Category::Behavioral | Category::Situational, "relevance") => coverage_sentence(a),
        (Category::Behavioral, "specificity") => {
            let nums: Vec<&str> = a.mentions.iter().filter(|m| !m.year_like).take(4).map(|m| m.text.as_str()).collect();
            let mut s = if nums.is_empty() {
                "No numbers (sizes, dates, percentages) to make the story concrete".to_string()
            } else {
                format!("{} such as {}", count(a.numbers_used, "figure"), nums.join(", "))
            };
            s.push_str(&format!("; \"I\" ×{} vs \"we\" ×{}", c.i_count, c.we_count));
            if c.we_count > c.i_count {
                s.push_str(", so your own part is hard to see");
            }
            s.push_str(&format!("; {}.", count(c.action.count, "first-person action")));
            s
        }
        (Category::Situational, "specificity") => format!(
            "{} in the first person and {} or figures.",
            count(c.plan.count + c.action.count, "concrete step"),
            count(c.example.count + a.numbers_used, "example")
        ),
        (Category::Behavioral, "impact") => {
            let result_quote = first_quote(a, &c.result);
            match (a.quantified_result, result_quote) {
                (true, _) => {
                    let at = c.result.at.iter().copied().find(|&at| {
                        let sentence = a.doc.sentence_of(at);
                        a.mentions.iter().any(|m| a.doc.sentence_of(m.start) == sentence)
                    });
                    format!("The outcome is quantified: {}.", at.map(|at| quote(a, at)).unwrap_or_default())
                }
                (false, Some(q)) => format!("An outcome is stated ({q}) but not quantified; add the number that changed."),
                (false, None) => "No outcome stated: say what happened as a result of your actions.".into(),
            }
        }
        (Category::Situational, "impact") => match first_quote(a, &c.outcome_aim) {
            Some(q) => format!("Names the outcome you're aiming for: {q}."),
            None => "Doesn't say what a good outcome looks like for the people involved.".into(),
        },
        (Category::Behavioral, "reflection") => match first_quote(a, &c.reflection) {
            Some(q) => format!("Reflects on the experience: {q}."),
            None => "No lesson: end with what you learned and what you now do differently.".into(),
        },
        (Category::Situational, "reflection") => match first_quote(a, &c.perspective) {
            Some(q) => format!("Considers the other side's position: {q}."),
            None => "Doesn't weigh the other people's positions or incentives.".into(),
        },
        (_, "communication" | "clarity") => presentation_comment(a),
        (Category::Technical | Category::SystemDesign, "correctness") => {
            let mut s = coverage_sentence(a);
            if a.fluency.strong_hedges > 0 {
                s.push_str(" Uncertainty (\"I'm not sure\", \"I guess\") undercuts the explanation.");
            }
            s
        }
        (Category::Technical | Category::SystemDesign, "depth") => format!(
            "Uses {} of the question's technical terms, {} and {} over {} words.",
            a.topic_terms,
            count(c.example.count, "example"),
            count(a.numbers_used, "number"),
            a.words()
        ),
        (Category::Technical | Category::SystemDesign, "tradeoffs") => match c.tradeoff.distinct {
            0 => "No trade-offs: say what each choice costs and when you'd choose differently.".into(),
            1 => format!(
                "One trade-off cue ({}); compare at least two options explicitly.",
                quoted_samples(&c.tradeoff, 1)
            ),
            _ => format!("Weighs alternatives ({}).", quoted_samples(&c.tradeoff, 4)),
        },
        (Category::Product, "user_focus") => {
            let users = if c.user.any() {
                format!("Talks about {}.", quoted_samples(&c.user, 5))
            } else {
                "Never names the users or their problem.".into()
            };
            format!("{users} {}", coverage_sentence(a))
        }
        (Category::Product, "prioritisation") => {
            if c.priority.any() {
                format!("Prioritisation language: {}.", quoted_samples(&c.priority, 4))
            } else {
                "No prioritisation: say what you'd do first and why it beats the alternatives.".into()
            }
        }
        (Category::Product, "metrics") => {
            if c.metric.any() {
                format!("Metrics named: {}; {}.", quoted_samples(&c.metric, 5), count(a.numbers_used, "number"))
            } else {
                "No success metric: name the number you'd move and how you'd measure it.".into()
            }
        }
        (Category::Product, "structure") => {
            let mut s = if c.sequence.distinct >= 2 {
                format!("Sequenced ({})", quoted_samples(&c.sequence, 3))
            } else {
                "No clear sequence".to_string()
            };
            s.push_str(if c.hypothesis.any() { "; states a hypothesis" } else { "; no hypothesis" });
            s.push_str(if c.conclusion.any() { "; closes with a conclusion." } else { "; no closing conclusion." });
            s.push(' ');
            s.push_str(&presentation_comment(a));
            s
        }
        (Category::Case, "structure") => {
            let drivers = quoted_samples(&c.issue_tree, 5);
            if c.enumeration.any() || c.sequence.distinct >= 2 {
                format!(
                    "Lays out the problem ({}) and names drivers: {}.",
                    quoted_samples(if c.enumeration.any() { &c.enumeration } else { &c.sequence }, 2),
                    if drivers.is_empty() { "none".into() } else { drivers }
                )
            } else {
                format!(
                    "No explicit issue tree: break the problem into buckets before calculating{}.",
                    if drivers.is_empty() { String::new() } else { format!(" (drivers mentioned: {drivers})") }
                )
            }
        }
        (Category::Case, "hypothesis") => match first_quote(a, &c.hypothesis) {
            Some(q) => format!("States a hypothesis: {q}."),
            None => "No hypothesis: say early where you expect the answer to lie, then test it.".into(),
        },
        (Category::Case, "quantitative") => {
            let mut parts: Vec<String> = figures_sentence(a).into_iter().collect();
            parts.extend(arithmetic_sentence(a));
            if parts.is_empty() {
                parts.push(format!("{} used; no calculation is shown.", count(a.numbers_used, "number")));
            }
            parts.join(" ")
        }
        (Category::Case, "insight") => {
            let mut s = if c.insight.any() {
                format!("Draws implications ({}). ", quoted_samples(&c.insight, 3))
            } else {
                "States numbers without saying what they mean. ".into()
            };
            s.push_str(&coverage_sentence(a));
            s
        }
        (Category::Case, "synthesis") => match first_quote(a, &c.conclusion) {
            Some(q) => format!(
                "Closes with a recommendation: {q}{}{}.",
                if a.number_in_conclusion { ", backed by numbers" } else { ", but without the key numbers" },
                if c.next_steps.any() { ", with risks or next steps" } else { "; add risks and next steps" }
            ),
            // A covered key point that is the recommendation is one, whatever words closed it.
            None => match recommendation_point(a) {
                Some(q) => format!(
                    "Recommends {q}{}.",
                    if c.next_steps.any() { ", with risks or next steps" } else { "; add risks and next steps" }
                ),
                None => "No recommendation at the end: close with \"so I recommend…\", the key number, and next steps.".into(),
            },
        },
        (Category::Estimation, "assumptions") => {
            let mut s = if a.assumption_statements > 0 {
                format!(
                    "{} stated with numbers, e.g. {}.",
                    count(a.assumption_statements, "assumption"),
                    first_quote(a, &c.assumption).unwrap_or_default()
                )
            } else {
                "Assumptions aren't explicit: state each driver with a number (\"I'll assume…\").".into()
            };
            s.push(' ');
            s.push_str(&coverage_sentence(a));
            s.push(' ');
            s.push_str(&presentation_comment(a));
            s
        }
        (Category::Estimation, "arithmetic") => {
            let mut parts: Vec<String> = Vec::new();
            for f in &a.figures {
                parts.push(match &f.status {
                    FigureStatus::Matched(t) => format!("Your estimate {t} is in the expected range (about {}).", f.expected),
                    FigureStatus::Close(t) => format!("Your estimate {t} is within 3× of the expected ~{} but more than 1.5× off.", f.expected),
                    FigureStatus::Wrong(t) => format!("Your estimate {t} is far from the expected ~{}.", f.expected),
                    FigureStatus::Missing => format!("No final figure for {} (expected about {}).", f.label, f.expected),
                });
            }
            parts.extend(arithmetic_sentence(a));
            if parts.is_empty() {
                parts.push(format!("{}, but no calculation is spelled out.", count(a.numbers_used, "number")));
            }
            parts.join(" ")
        }
        (Category::Estimation, "sanity_check") => match first_quote(a, &c.sanity) {
            Some(q) => format!("Sanity-checks the result: {q}."),
            None => "No sanity check: compare the result with a known figure or a second method.".into(),
        },
        _ => coverage_sentence(a),
    };
    if a.relevance < 0.3
        && matches!(
            s.key,
            "relevance" | "correctness" | "insight" | "user_focus" | "assumptions"
        )
    {
        text.push_str(
            " The answer barely addresses this question, so every dimension is scaled down.",
        );
    }
    text
}

/// What the score rests on, in words (the score itself is shown beside it).
fn summary(a: &Analysis, scores: &[Scored]) -> String {
    if a.words() == 0 {
        return if a.injection.is_empty() {
            "No answer was given.".into()
        } else {
            "The answer contained only text addressed to the grader, which was ignored.".into()
        };
    }
    let mut s = String::new();
    if !a.misconceptions.is_empty() {
        s.push_str(&format!(
            "It states {}, which costs it across the board. ",
            match a.misconceptions.len() {
                1 => "a common misconception about this question".to_string(),
                n => format!("{n} common misconceptions about this question"),
            }
        ));
    }
    if !a.coverage.is_empty() && a.covered == 0 {
        s.push_str("It covers none of the key points the question is looking for. ");
    }
    if a.prose < 0.7 {
        s.push_str("It reads as a list of keywords rather than an explanation. ");
    } else if a.relevance < 0.3 {
        s.push_str("It does not address the question asked. ");
    }
    if !a.coverage.is_empty() {
        let covered = covered_points(a);
        s.push_str(&format!(
            "Covers {} of {} key points",
            covered.len(),
            a.coverage.len()
        ));
        if let Some(m) = missed_points(a).first() {
            s.push_str(&format!("; the biggest gap is \"{}\"", short(m)));
        }
        s.push_str(". ");
    }
    if let (Some(best), Some(worst)) = (
        scores.iter().max_by(|x, y| x.score.total_cmp(&y.score)),
        scores.iter().min_by(|x, y| x.score.total_cmp(&y.score)),
    ) {
        if best.score - worst.score >= 0.5 {
            s.push_str(&format!(
                "Strongest: {} ({:.1}); weakest: {} ({:.1}).",
                best.name, best.score, worst.name, worst.score
            ));
        } else {
            s.push_str(&format!(
                "Every dimension scored between {:.1} and {:.1}.",
                worst.score, best.score
            ));
        }
    }
    if a.category == Category::Behavioral {
        let (_, missing) = star_parts(a);
        if !missing.is_empty() && missing.len() < 4 {
            s.push_str(&format!(" STAR {} missing.", and_list(&missing)));
        }
    }
    if !a.figures.is_empty() {
        let right = a
            .figures
            .iter()
            .filter(|f| matches!(f.status, FigureStatus::Matched(_)))
            .count();
        let wrong = a
            .figures
            .iter()
            .filter(|f| matches!(f.status, FigureStatus::Wrong(_)))
            .count();
        s.push_str(&format!(
            " {right} of {} expected figures correct",
            a.figures.len()
        ));
        if wrong > 0 {
            s.push_str(&format!(", {wrong} wrong"));
        }
        s.push('.');
    }
    if !a.injection.is_empty() {
        s.push_str(" Text addressed to the grader was ignored.");
    }
    s.trim().to_string()
}

/// A strength sentence for a high-scoring dimension, built from what was found.
fn strength_for(a: &Analysis, key: &str) -> Option<String> {
    let c = &a.cues;
    let s = match (a.category, key) {
        (Category::Behavioral, "structure") => {
            "Complete STAR story: situation, task, your actions and the result.".to_string()
        }
        (Category::Situational, "structure") => format!(
            "Clear sequence of steps ({}).",
            quoted_samples(&c.sequence, 3)
        ),
        (_, "relevance" | "correctness" | "insight") if a.covered > 0 => {
            let evidence: Vec<String> = a
                .coverage
                .iter()
                .filter(|c| c.covered)
                .take(3)
                .map(|c| match c.matched.first() {
                    Some(k) => format!("{} (\"{k}\")", short(&c.point)),
                    None => short(&c.point),
                })
                .collect();
            format!("Covers {}.", evidence.join("; "))
        }
        (Category::Behavioral, "specificity") => format!(
            "Concrete and personal: {} and {}.",
            count(a.numbers_used, "number"),
            count(c.action.count, "first-person action")
        ),
        (Category::Behavioral, "impact") => {
            format!("Quantified outcome: {}.", first_quote(a, &c.result)?)
        }
        (Category::Behavioral, "reflection") => {
            format!("Genuine reflection: {}.", first_quote(a, &c.reflection)?)
        }
        (Category::Situational, "reflection") => format!(
            "Weighs others' positions: {}.",
            first_quote(a, &c.perspective)?
        ),
        (Category::Situational, "impact") => format!(
            "Clear about the outcome: {}.",
            first_quote(a, &c.outcome_aim)?
        ),
        (_, "tradeoffs") => format!("Discusses trade-offs ({}).", quoted_samples(&c.tradeoff, 3)),
        (_, "depth") => format!(
            "Detailed: {} topic terms and concrete examples or numbers.",
            a.topic_terms
        ),
        (_, "user_focus") => format!("Grounded in users: {}.", quoted_samples(&c.user, 4)),
        (_, "prioritisation") => format!(
            "Prioritises explicitly ({}).",
            quoted_samples(&c.priority, 3)
        ),
        (_, "metrics") => format!("Measurable: {}.", quoted_samples(&c.metric, 4)),
        (Category::Case, "hypothesis") => format!(
            "Leads with a hypothesis: {}.",
            first_quote(a, &c.hypothesis)?
        ),
        (Category::Case, "quantitative") | (Category::Estimation, "arithmetic") => {
            let right: Vec<String> = a
                .figures
                .iter()
                .filter_map(|f| match &f.status {
                    FigureStatus::Matched(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            if right.is_empty() {
                "Calculations are shown and check out.".to_string()
            } else {
                format!("Gets the numbers right: {}.", right.join(", "))
            }
        }
        (Category::Case, "synthesis") => format!(
            "Ends with a clear recommendation: {}.",
            first_quote(a, &c.conclusion)?
        ),
        (Category::Case, "structure") => format!(
            "Structured approach ({}).",
            quoted_samples(&c.issue_tree, 4)
        ),
        (Category::Estimation, "assumptions") => {
            format!(
                "Explicit assumptions ({} stated with numbers).",
                a.assumption_statements
            )
        }
        (Category::Estimation, "sanity_check") => format!(
            "Sanity-checks the estimate: {}.",
            first_quote(a, &c.sanity)?
        ),
        (_, "communication" | "clarity" | "structure") => {
            "Concise and easy to follow, with little hedging or filler.".to_string()
        }
        _ => return None,
    };
    Some(s)
}

fn strengths(a: &Analysis, scores: &[Scored]) -> Vec<String> {
    if a.words() == 0 {
        return Vec::new();
    }
    let mut ranked: Vec<&Scored> = scores.iter().filter(|s| s.score >= STRENGTH_AT).collect();
    ranked.sort_by(|x, y| y.score.total_cmp(&x.score));
    let mut out: Vec<String> = Vec::new();
    for s in ranked {
        if let Some(text) = strength_for(a, s.key)
            && !out.contains(&text)
        {
            out.push(text);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// Advice for a weak dimension, aimed at what is missing.
fn advice_for(a: &Analysis, key: &str) -> Option<String> {
    let c = &a.cues;
    let s = match (a.category, key) {
        (Category::Behavioral, "structure") => {
            let (_, missing) = star_parts(a);
            let first = missing.first()?;
            format!(
                "Complete the STAR arc: {} missing, so {}.",
                and_list(&missing),
                star_hint(first)
            )
        }
        (Category::Situational, "structure") => {
            "Lay out your plan in order: first…, then…, finally….".to_string()
        }
        (_, "relevance" | "correctness" | "insight") => {
            let missed = missed_points(a);
            if missed.is_empty() {
                return None;
            }
            format!(
                "Address the missing key points: {}.",
                join_points(missed.into_iter(), 3)
            )
        }
        (Category::Behavioral, "specificity") => {
            if c.we_count > c.i_count {
                format!(
                    "Make your own role visible: \"we\" ({}) outnumbers \"I\" ({}); say what you did, with numbers.",
                    c.we_count, c.i_count
                )
            } else {
                "Add concrete details: names of systems, sizes, dates, percentages.".to_string()
            }
        }
        (Category::Situational, "specificity") => {
            "Say exactly what you'd do and say, with an example.".to_string()
        }
        (Category::Behavioral, "impact") => {
            if c.result.any() {
                "Quantify the outcome: what number changed, by how much, by when?".to_string()
            } else {
                "State the result of your actions, ideally with a number.".to_string()
            }
        }
        (Category::Situational, "impact") => {
            "Say what a good outcome looks like and how you'd know you got there.".to_string()
        }
        (Category::Behavioral, "reflection") => {
            "Close with a specific lesson and how it changed what you do now.".to_string()
        }
        (Category::Situational, "reflection") => {
            "Acknowledge the other people's positions and what you'd do differently next time."
                .to_string()
        }
        (_, "communication" | "clarity") => {
            let hedges = crate::fluency::Fluency::top(&a.fluency.hedges, 2);
            if !hedges.is_empty() && a.hedge_rate() > 1.0 {
                format!(
                    "Sound more certain: drop hedges like {}.",
                    hedges
                        .iter()
                        .map(|(h, _)| format!("\"{h}\""))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            } else if a.length.factor < 0.8 {
                format!(
                    "Develop the answer: {} words is thin for {}; about {:.0} would cover it.",
                    a.length.words,
                    mmss(a.length.limit_seconds),
                    a.length.full_credit_words
                )
            } else {
                "Signpost the answer (\"first…, second…, so…\") so it is easy to follow."
                    .to_string()
            }
        }
        (_, "depth") => {
            "Go one level deeper: explain how it works inside, with an example or a number."
                .to_string()
        }
        (_, "tradeoffs") => {
            "Compare options: what each costs, and when you would pick the other one.".to_string()
        }
        (_, "user_focus") => {
            "Start from who the users are, which segment matters most, and their pain point."
                .to_string()
        }
        (_, "prioritisation") => {
            "Rank your ideas (impact vs effort) and say what you'd do first and what you'd drop."
                .to_string()
        }
        (_, "metrics") => {
            "Name the success metric and a guardrail, and how you'd test the change.".to_string()
        }
        (Category::Product, "structure") => {
            "Structure it: clarify the goal, diagnose, propose, then measure.".to_string()
        }
        (Category::Case, "structure") => {
            "Lay out an issue tree (e.g. revenue vs costs, by segment) before calculating."
                .to_string()
        }
        (Category::Case, "hypothesis") => {
            "State an early hypothesis (\"my hypothesis is…\") and test it with the numbers."
                .to_string()
        }
        (Category::Case, "quantitative") | (Category::Estimation, "arithmetic") => {
            let wrong: Vec<String> = a
                .figures
                .iter()
                .filter_map(|f| match &f.status {
                    FigureStatus::Wrong(t) if a.category == Category::Estimation => Some(format!(
                        "{t} is far from a reasonable estimate of about {} ({})",
                        f.expected, f.label
                    )),
                    FigureStatus::Wrong(t) => {
                        Some(format!("{t} should be {} ({})", f.expected, f.label))
                    }
                    _ => None,
                })
                .collect();
            let missing: Vec<String> = a
                .figures
                .iter()
                .filter(|f| f.status == FigureStatus::Missing)
                .map(|f| format!("{} ({})", f.label, f.expected))
                .collect();
            if !wrong.is_empty() {
                format!("Fix the numbers: {}.", wrong.join("; "))
            } else if !missing.is_empty() {
                format!("Work through the maths to reach: {}.", missing.join(", "))
            } else if a.arithmetic.iter().any(|c| !c.ok) {
                "Double-check your multiplication before stating results.".to_string()
            } else {
                "Show the calculation step by step, with units.".to_string()
            }
        }
        (Category::Case, "synthesis") => {
            "End with a recommendation that quotes the key number, plus risks and next steps."
                .to_string()
        }
        (Category::Estimation, "assumptions") => {
            "State each assumption with a number and a reason (\"I'll assume…, because…\")."
                .to_string()
        }
        (Category::Estimation, "sanity_check") => {
            "Sanity-check the result against a known figure or a second method.".to_string()
        }
        _ => return None,
    };
    Some(s)
}

fn improvements(a: &Analysis, scores: &[Scored]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |s: String, out: &mut Vec<String>| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    if !a.injection.is_empty() {
        push(
            format!(
                "Remove text aimed at the grader ({}); it was ignored and cost {INJECTION_PENALTY} points on {}.",
                a.injection
                    .iter()
                    .map(|m| format!("\"{}\"", truncate_chars(m, 60)))
                    .collect::<Vec<_>>()
                    .join(", "),
                presentation_key(a.category)
            ),
            &mut out,
        );
    }
    if a.words() == 0 {
        push(
            "Give an answer: nothing was said or written.".into(),
            &mut out,
        );
        return out;
    }
    if a.prose < 0.7 {
        push(
            "Answer in full sentences: a list of keywords doesn't show how the ideas connect, so it earns little credit."
                .into(),
            &mut out,
        );
    } else if a.novelty < 0.2 {
        push(
            "Go beyond restating the question: explain your answer to it.".into(),
            &mut out,
        );
    } else if a.relevance < 0.3 {
        push(
            format!(
                "Answer the question that was asked: \"{}\".",
                truncate_chars(a.input.prompt, 120)
            ),
            &mut out,
        );
    }
    if a.repeated_words > 0 {
        push(
            format!(
                "Don't repeat yourself: {} words repeated earlier sentences and were counted once.",
                a.repeated_words
            ),
            &mut out,
        );
    }
    let mut weak: Vec<&Scored> = scores.iter().filter(|s| s.score < IMPROVE_BELOW).collect();
    weak.sort_by(|x, y| x.score.total_cmp(&y.score));
    for s in weak.into_iter().take(3) {
        if let Some(adv) = advice_for(a, s.key) {
            push(adv, &mut out);
        }
    }
    let missed = missed_points(a);
    if !missed.is_empty()
        && !out
            .iter()
            .any(|o| o.starts_with("Address the missing key points"))
    {
        push(
            format!(
                "Address the missing key points: {}.",
                join_points(missed.into_iter(), 3)
            ),
            &mut out,
        );
    }
    if a.length.factor < 0.75 && !out.iter().any(|o| o.starts_with("Develop the answer")) {
        push(
            format!(
                "Develop the answer: {} words is thin for {}; about {:.0} would cover it.",
                a.length.words,
                mmss(a.length.limit_seconds),
                a.length.full_credit_words
            ),
            &mut out,
        );
    }
    if out.is_empty()
        && let Some(weakest) = scores
            .iter()
            .filter(|s| s.score < 9.5)
            .min_by(|x, y| x.score.total_cmp(&y.score))
        && let Some(adv) = advice_for(a, weakest.key)
    {
        push(
            format!(
                "To make it excellent, work on {}: {}",
                weakest.name.to_lowercase(),
                lower_first(&adv)
            ),
            &mut out,
        );
    }
    if a.length.over_time {
        push(
            format!(
                "Trim to fit {}: lead with the answer, then support it.",
                mmss(a.length.limit_seconds)
            ),
            &mut out,
        );
    }
    out.truncate(6);
    out
}

/// The question's follow-up, or one aimed at the weakest missed key point.
fn follow_up(a: &Analysis) -> String {
    if let Some(f) = a.input.follow_up.map(str::trim).filter(|f| !f.is_empty()) {
        return f.to_string();
    }
    if let Some(point) = missed_points(a).first() {
        let p = lower_first(&truncate_chars(point, 140));
        return match a.category {
            Category::Behavioral => {
                format!("Your answer didn't get to this: {p}. Can you tell me about that part?")
            }
            _ => format!("Your answer didn't cover this: {p}. How would you address it?"),
        };
    }
    match a.category {
        Category::Behavioral => {
            "What would you do differently if you faced the same situation again?"
        }
        Category::Situational => "What would you do if your first approach didn't work?",
        Category::Technical => "How would your answer change at ten times the scale?",
        Category::SystemDesign => {
            "What breaks first when traffic grows tenfold, and how would you fix it?"
        }
        Category::Product => "How would you know within a month whether this worked?",
        Category::Case => {
            "What is the biggest risk to your recommendation, and how would you test it?"
        }
        Category::Estimation => {
            "Which assumption is your estimate most sensitive to, and how would you check it?"
        }
    }
    .to_string()
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) if chars.clone().next().is_some_and(char::is_lowercase) => {
            f.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}
