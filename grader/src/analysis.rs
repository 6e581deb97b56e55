//! Gathers every signal about one answer once, so scoring and feedback read the same evidence.

use std::collections::{BTreeMap, HashSet};

use crate::claims;
use crate::coverage::{self, PointCoverage};
use crate::fluency::{self, Fluency};
use crate::numbers::{self, ArithCheck, FigureCheck, Mention};
use crate::structure::Cues;
use crate::text::{self, Doc};
use crate::{Category, GradingInput};

/// Answers longer than this many bytes are graded on their first part; keeps grading time bounded
/// for pasted walls of text (about 8,000 words, far beyond any time limit).
pub(crate) const MAX_ANSWER_BYTES: usize = 48_000;

/// Spoken words per minute used to turn a time limit into an expected length.
pub(crate) const WORDS_PER_MINUTE: f32 = 130.0;

/// Cuts `text` to [`MAX_ANSWER_BYTES`] on a character boundary.
pub(crate) fn bounded(text: &str) -> &str {
    if text.len() <= MAX_ANSWER_BYTES {
        return text;
    }
    let mut end = MAX_ANSWER_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// How the answer's length compares with what the time allows.
#[derive(Debug, Clone)]
pub(crate) struct LengthFit {
    pub words: usize,
    /// Words at which length stops limiting the score.
    pub full_credit_words: f32,
    /// Words that fill the whole time limit at 130 wpm.
    pub budget_words: f32,
    pub limit_seconds: u32,
    /// 0–1; 1 when long enough.
    pub factor: f32,
    pub over_time: bool,
}

/// All signals for one answer.
pub(crate) struct Analysis<'a> {
    pub input: &'a GradingInput<'a>,
    pub category: Category,
    pub doc: Doc<'a>,
    pub mentions: Vec<Mention>,
    pub coverage: Vec<PointCoverage>,
    /// The question's misconceptions that the answer asserts.
    pub misconceptions: Vec<claims::Asserted>,
    /// Mean key-point strength, 0–1.
    pub coverage_frac: f32,
    pub covered: usize,
    pub cues: Cues,
    pub fluency: Fluency,
    /// Share of the answer's content words that belong to the question's vocabulary.
    pub topic_precision: f32,
    /// Number of distinct question-vocabulary terms used.
    pub topic_terms: usize,
    /// 0–1: 1 for ordinary prose, towards 0 for a list of keywords (see [`prose_factor`]).
    pub prose: f32,
    /// Share of the answer's content words that are not in the prompt (restating the question is not
    /// answering it).
    pub novelty: f32,
    /// Words in sentences that repeat an earlier sentence word for word.
    pub repeated_words: usize,
    /// 0–1 on-topic gate combining coverage and vocabulary (times `prose`); scales every dimension.
    pub relevance: f32,
    pub length: LengthFit,
    pub figures: Vec<FigureCheck>,
    pub arithmetic: Vec<ArithCheck>,
    pub injection: Vec<String>,
    /// Numbers that are not years.
    pub numbers_used: usize,
    /// Sentences that state a number together with an assumption cue ("let's say 58 million").
    pub assumption_statements: usize,
    /// A number appears in a sentence with a result cue.
    pub quantified_result: bool,
    /// A number appears in the concluding sentences.
    pub number_in_conclusion: bool,
    /// Per rubric key: share of the rubric line's distinctive words that the answer uses, 0–1.
    rubric_overlap: BTreeMap<String, f32>,
}

/// A misconception the answer asserts takes away the key points it contradicts, and any point whose
/// only evidence is the sentence that asserts it (a wrong statement is no evidence of a right one).
fn contradict_by_misconceptions(
    coverage: &mut [PointCoverage],
    input: &GradingInput,
    found: &[claims::Asserted],
    doc: &Doc,
) {
    for f in found {
        let m = &input.misconceptions[f.index];
        let sentence_start = doc
            .tokens
            .iter()
            .position(|t| t.sentence == f.sentence)
            .unwrap_or(0);
        for &k in &m.contradicts {
            if let Some(c) = coverage.get_mut(usize::from(k).wrapping_sub(1)) {
                c.covered = false;
                c.contradicted = true;
                c.strength = 0.0;
                c.places = vec![sentence_start];
                c.note = Some(m.correction.trim().to_string());
            }
        }
    }
    let wrong_sentences: HashSet<usize> = found.iter().map(|f| f.sentence).collect();
    for c in coverage.iter_mut().filter(|c| c.covered) {
        if !c.places.is_empty()
            && c.places
                .iter()
                .all(|&p| wrong_sentences.contains(&doc.tokens[p].sentence))
        {
            c.covered = false;
            c.strength = c.strength.min(0.3);
        }
    }
}

/// A key point that names a figure ("roughly 2.5–3 million coffees a day") is not met by a sentence
/// that states the same kind of figure far from it ("450 million coffees a day"): the point is
/// contradicted and the wrong figure quoted, unless the answer states the right figure somewhere.
fn contradict_by_figures(
    coverage: &mut [PointCoverage],
    points: &[crate::KeyPoint],
    doc: &Doc,
    mentions: &[Mention],
) {
    for (c, kp) in coverage.iter_mut().zip(points) {
        if !c.covered {
            continue;
        }
        let expected: Vec<Mention> = numbers::extract_str(&kp.point)
            .into_iter()
            .filter(|m| !m.year_like)
            .collect();
        if expected.is_empty() {
            continue;
        }
        let comparable = |m: &Mention, f: &Mention| {
            m.kind == f.kind
                && (m.currency.is_none() || f.currency.is_none() || m.currency == f.currency)
        };
        let nearest = |m: &Mention| {
            expected
                .iter()
                .filter(|f| comparable(m, f))
                .map(|f| numbers::magnitude_ratio(f, m))
                .fold(f64::INFINITY, f64::min)
        };
        let usable = mentions.iter().filter(|m| !m.year_like);
        if usable.clone().any(|m| nearest(m) <= 1.5) {
            continue;
        }
        let point_sentences: HashSet<usize> =
            c.places.iter().map(|&p| doc.tokens[p].sentence).collect();
        if let Some(wrong) = usable
            .filter(|m| point_sentences.contains(&doc.sentence_of(m.start)))
            .find(|m| nearest(m) > 3.0)
        {
            c.covered = false;
            c.contradicted = true;
            c.strength = 0.0;
            c.places = vec![doc.tokens.partition_point(|t| t.start < wrong.start)];
            c.note = Some(format!(
                "The answer says {}; the expected figure is {}.",
                wrong.text.trim(),
                expected
                    .iter()
                    .map(|f| f.text.trim())
                    .collect::<Vec<_>>()
                    .join("–")
            ));
        }
    }
}

impl<'a> Analysis<'a> {
    pub fn new(input: &'a GradingInput<'a>, text: &'a str, injection: Vec<String>) -> Self {
        let doc = Doc::new(text);
        let mentions: Vec<Mention> = numbers::extract(&doc);
        let mut coverage = coverage::assess(input.key_points, &doc, &mentions);
        let misconceptions = claims::find_misconceptions(input.misconceptions, &doc, &mentions);
        contradict_by_misconceptions(&mut coverage, input, &misconceptions, &doc);
        contradict_by_figures(&mut coverage, input.key_points, &doc, &mentions);
        let covered = coverage.iter().filter(|c| c.covered).count();
        let cues = Cues::find(text);
        let fluency = fluency::measure(text);

        // Question vocabulary: prompt, key points and keywords, model answer, follow-up.
        let mut vocab: HashSet<String> = text::content_stems_of(input.prompt);
        for kp in input.key_points {
            vocab.extend(text::content_stems_of(&kp.point));
            for k in &kp.keywords {
                vocab.extend(text::content_stems_of(k));
            }
        }
        vocab.extend(text::content_stems_of(input.model_answer));
        if let Some(f) = input.follow_up {
            vocab.extend(text::content_stems_of(f));
        }
        let answer_stems = doc.content_stems();
        let topic_terms = answer_stems.iter().filter(|s| vocab.contains(**s)).count();
        let topic_precision = if answer_stems.is_empty() {
            0.0
        } else {
            topic_terms as f32 / answer_stems.len() as f32
        };

        let coverage_frac = if coverage.is_empty() {
            // No key points: fall back on vocabulary overlap.
            ((topic_precision - 0.15) / 0.4).clamp(0.0, 1.0)
        } else {
            coverage.iter().map(|c| c.strength).sum::<f32>() / coverage.len() as f32
        };
        let prose = prose_factor(&doc);
        let stuffing = stuffing(
            &doc,
            coverage::keyword_density(input.key_points, &doc, &mentions),
            mentions.iter().filter(|m| !m.year_like).count(),
        );
        let prompt_stems = text::content_stems_of(input.prompt);
        let novelty = if answer_stems.len() < 4 {
            1.0
        } else {
            answer_stems
                .iter()
                .filter(|s| !prompt_stems.contains(**s))
                .count() as f32
                / answer_stems.len() as f32
        };
        // An answer that mostly restates the prompt earns nothing for the prompt's words.
        let echo = (novelty / 0.2).clamp(0.0, 1.0);
        let relevance = prose
            * echo
            * (1.0 - STUFFING_PENALTY * stuffing)
            * relevance_gate(
                input.category,
                coverage_frac,
                topic_precision,
                doc.word_count(),
            );
        let repeated_words = repeated_words(&doc);

        let length = length_fit(input, doc.word_count().saturating_sub(repeated_words));
        let prompt_mentions = numbers::extract_str(input.prompt);
        let figures = match input.category {
            Category::Estimation => {
                numbers::check_estimate_figures(input.expected_figures, &mentions)
            }
            _ => numbers::check_case_figures(
                input.expected_figures,
                &doc,
                &mentions,
                &prompt_mentions,
            ),
        };
        let arithmetic = numbers::check_arithmetic(text, &mentions);
        let usable: Vec<&Mention> = mentions.iter().filter(|m| !m.year_like).collect();
        let numbers_used = usable.len();

        let number_sentences: HashSet<usize> =
            usable.iter().map(|m| doc.sentence_of(m.start)).collect();
        let sentence_has_number = |sentence: usize| number_sentences.contains(&sentence);
        let assumption_sentences: HashSet<usize> = cues
            .assumption
            .at
            .iter()
            .map(|&at| doc.sentence_of(at))
            .filter(|&s| sentence_has_number(s))
            .collect();
        let quantified_result = cues
            .result
            .at
            .iter()
            .any(|&at| sentence_has_number(doc.sentence_of(at)));
        let n_sent = doc.sentences.len();
        let mut concluding: HashSet<usize> = cues
            .conclusion
            .at
            .iter()
            .map(|&at| doc.sentence_of(at))
            .collect();
        concluding.extend(n_sent.saturating_sub(2)..n_sent);
        let number_in_conclusion = concluding.iter().any(|&s| sentence_has_number(s));

        let all_stems: HashSet<&str> = doc.tokens.iter().map(|t| t.stem.as_str()).collect();
        let rubric_overlap = input
            .rubric
            .iter()
            .map(|(key, line)| {
                let stems: Vec<String> = text::content_stems_of(line)
                    .into_iter()
                    .filter(|s| !RUBRIC_GENERIC.contains(&s.as_str()))
                    .collect();
                let share = if stems.is_empty() {
                    0.0
                } else {
                    stems
                        .iter()
                        .filter(|s| all_stems.contains(s.as_str()))
                        .count() as f32
                        / stems.len() as f32
                };
                (key.clone(), share)
            })
            .collect();
        Analysis {
            rubric_overlap,
            input,
            category: input.category,
            doc,
            mentions,
            coverage,
            misconceptions,
            coverage_frac,
            covered,
            cues,
            fluency,
            topic_precision,
            topic_terms,
            prose,
            novelty,
            repeated_words,
            relevance,
            length,
            figures,
            arithmetic,
            injection,
            numbers_used,
            assumption_statements: assumption_sentences.len(),
            quantified_result,
            number_in_conclusion,
        }
    }

    pub fn words(&self) -> usize {
        self.doc.word_count()
    }

    /// Weighted hedges per 100 words.
    pub fn hedge_rate(&self) -> f32 {
        per_100(self.fluency.hedge_weight, self.words())
    }

    /// Fillers per 100 words ("sort of"/"kind of" are counted as hedges instead).
    pub fn filler_rate(&self) -> f32 {
        let n: u32 = self
            .fluency
            .fillers
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "sort of" | "kind of"))
            .map(|(_, v)| *v)
            .sum();
        per_100(n as f32, self.words())
    }

    /// Share of the rubric line's distinctive words that the answer uses, 0–1 (0 without a line).
    pub fn rubric_overlap(&self, key: &str) -> f32 {
        self.rubric_overlap.get(key).copied().unwrap_or(0.0)
    }
}

/// Stems of words that every rubric line uses and that say nothing about the topic.
const RUBRIC_GENERIC: &[&str] = &[
    "clear", "concis", "easi", "follow", "candid", "specif", "explain", "describ", "answer",
    "strong", "excel", "cover", "mention", "show", "state", "concret", "detail", "real", "relev",
    "structur",
];

fn per_100(n: f32, words: usize) -> f32 {
    if words == 0 {
        0.0
    } else {
        n * 100.0 / words as f32
    }
}

/// Keyword stuffing defence. Natural answers (typed or spoken) are 30–55% function words; a pasted
/// list of the question's keywords has almost none, so it earns keyword coverage without explaining
/// anything. Full credit from a 24% share down to none at 8%; answers under eight words are not judged.
/// Words that tie a statement to a reason, condition, contrast or mechanism. Explaining an idea
/// uses them ("…so the planner skips the index when…"); a list of the right terms does not.
const REASONING_WORDS: &[&str] = &[
    "because",
    "so",
    "since",
    "therefore",
    "thus",
    "hence",
    "which",
    "means",
    "meaning",
    "when",
    "whenever",
    "if",
    "unless",
    "until",
    "then",
    "otherwise",
    "instead",
    "while",
    "whereas",
    "but",
    "although",
    "though",
    "by",
    "than",
    "why",
    "how",
    "each",
    "per",
];

/// How much of the gate a fully keyword-stuffed answer loses.
const STUFFING_PENALTY: f32 = 0.7;

/// 0–1: how much the answer reads as keywords strung together rather than explained. Both must
/// hold: many of its content words are the key points' keywords (≥ 20% starts to count, 40% is
/// full), and it has few reasoning words (under 3.5 per 100 words starts, 1.5 is full). Brief,
/// correct answers are dense too, but they explain, or state figures (each figure lifts a third).
fn stuffing(doc: &Doc, keyword_density: f32, figures: usize) -> f32 {
    let words = doc.word_count();
    if words < 20 {
        return 0.0;
    }
    let reasoning = doc
        .tokens
        .iter()
        .filter(|t| REASONING_WORDS.contains(&t.lower.as_str()))
        .count() as f32
        / words as f32;
    ((keyword_density - 0.2) / 0.2).clamp(0.0, 1.0)
        * ((0.035 - reasoning) / 0.02).clamp(0.0, 1.0)
        * (1.0 - figures as f32 / 3.0).max(0.0)
}

fn prose_factor(doc: &Doc) -> f32 {
    if doc.word_count() < 8 {
        return 1.0;
    }
    ((doc.function_word_share() - 0.08) / 0.16).clamp(0.0, 1.0)
}

/// Words in sentences that repeat an earlier sentence (case and spacing ignored); repeating an answer
/// does not make it longer.
fn repeated_words(doc: &Doc) -> usize {
    let mut seen = HashSet::new();
    let mut repeated = 0;
    for &(s, e) in &doc.sentences {
        let key = text::collapse_ws(&doc.text[s..e]).to_lowercase();
        if !seen.insert(key) {
            repeated += text::count_words(&doc.text[s..e]);
        }
    }
    repeated
}

/// The on-topic gate. Coverage of key points is the main evidence; the share of question vocabulary
/// separates a fluent answer to a different question (low share) from a thin answer to this one.
/// Very short answers cannot be judged on vocabulary share, so they lean on coverage.
fn relevance_gate(category: Category, coverage: f32, precision: f32, words: usize) -> f32 {
    if words == 0 {
        return 0.0;
    }
    let vocab = ((precision - 0.15) / 0.30).clamp(0.0, 1.0);
    let cov = (coverage / 0.5).clamp(0.0, 1.0);
    // A behavioural story can be set anywhere, so its vocabulary says little about relevance; the
    // other categories answer a given scenario or topic, whose words a relevant answer reuses.
    let w = if category == Category::Behavioral {
        0.8
    } else {
        0.6
    };
    (w * cov + (1.0 - w) * vocab).clamp(0.0, 1.0)
}

fn length_fit(input: &GradingInput, words: usize) -> LengthFit {
    let limit = input
        .time_limit_seconds
        .filter(|&l| l > 0)
        .unwrap_or_else(|| input.category.default_time_limit_seconds());
    let budget = WORDS_PER_MINUTE * limit as f32 / 60.0;
    let model_words = text::count_words(input.model_answer) as f32;
    // A complete answer does not need to fill the slot; the model answer shows what "complete" is.
    let full = if model_words >= 60.0 {
        (0.4 * budget).min(0.8 * model_words)
    } else {
        0.4 * budget
    };
    let full = full.max(40.0);
    let factor = if words == 0 {
        0.0
    } else {
        (words as f32 / full).min(1.0).powf(0.7)
    };
    let spoken_over = match (input.duration_seconds, input.time_limit_seconds) {
        (Some(d), Some(l)) if l > 0 => d as f32 > l as f32 * 1.1,
        _ => false,
    };
    LengthFit {
        words,
        full_credit_words: full,
        budget_words: budget,
        limit_seconds: limit,
        factor,
        over_time: spoken_over || words as f32 > 1.3 * budget,
    }
}
