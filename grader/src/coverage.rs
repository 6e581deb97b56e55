//! Key-point coverage.
//!
//! Each key point's keywords are treated as synonyms: any one of them, matched as a stemmed phrase
//! (with at most one extra word between phrase words), is evidence. Keywords containing numbers are
//! matched as quantities ("720" matches "£720m" and "0.72bn"). When no keyword matches, a point can
//! still be partly covered if most of its own content words appear in the answer.
//!
//! Only asserted evidence counts (see [`crate::claims`]): a keyword in a negated clause, or next to
//! the opposite of a direction the point states, is not evidence for a point that asserts something;
//! when all of a point's evidence is of that kind, the point is *contradicted*.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::numbers::{self, Mention};
use crate::text::{self, Doc};
use crate::{KeyPoint, claims};

/// Coverage of one key point.
#[derive(Debug, Clone)]
pub(crate) struct PointCoverage {
    pub point: String,
    /// Token indices of the places the point is met (or, when contradicted, contradicted).
    pub places: Vec<usize>,
    /// The answer asserts the opposite of the point (negated or reversed evidence only), or a
    /// misconception or figure that contradicts it.
    pub contradicted: bool,
    /// Why it was contradicted, when a figure or misconception says so.
    pub note: Option<String>,
    /// 0.0–1.0: 0.6 with one keyword hit, 0.85 with two, 1.0 with three or more; up to 0.55 for
    /// paraphrase (most of the point's own words) without any keyword.
    pub strength: f32,
    pub covered: bool,
    /// The author's keywords that matched, as written in the question.
    pub matched: Vec<String>,
}

/// Strength at or above which a point counts as covered.
const COVERED_AT: f32 = 0.5;

/// A keyword compiled for matching.
pub(crate) enum Pattern {
    /// Stemmed phrase, plus the stem of all words joined ("b-tree" → "btree").
    Phrase {
        stems: Vec<String>,
        joined: Option<String>,
    },
    /// A quantity, optionally with words that must appear within four words of it ("60 defects").
    Quantity {
        mention: Mention,
        words: Vec<String>,
        /// How many of `words` were written before the number ("gap is $360,000": two).
        words_before: usize,
    },
}

/// Small thesaurus of generic interview vocabulary. Question authors list 2–8 keywords per point and
/// inevitably miss everyday paraphrases ("we decided" for "agreed", "realised" for "learned"); a
/// keyword that is a member of a group also matches the other members. Domain terms are left alone:
/// their synonyms belong in the question's own keyword list.
const THESAURUS: &[&[&str]] = &[
    &[
        "agreed",
        "decided",
        "settled on",
        "aligned",
        "consensus",
        "compromise",
        "went with",
    ],
    &[
        "listened",
        "heard him out",
        "heard her out",
        "heard them out",
        "asked why",
        "his perspective",
        "her perspective",
        "their perspective",
    ],
    &[
        "learned",
        "learnt",
        "lesson",
        "takeaway",
        "realised",
        "realized",
        "taught me",
    ],
    &["result", "outcome", "as a result", "ended up", "in the end"],
    &["evidence", "data", "numbers", "analysis"],
    &[
        "experiment",
        "trial",
        "pilot",
        "prototype",
        "proof of concept",
    ],
    &[
        "mistake",
        "error",
        "failure",
        "failed",
        "went wrong",
        "my fault",
    ],
    &[
        "escalate",
        "escalated",
        "take it to my manager",
        "raise it with my manager",
        "flag it to my manager",
    ],
    &[
        "prioritise",
        "prioritize",
        "priority",
        "most important first",
    ],
    &["stakeholders", "leadership", "sponsor"],
    &[
        "downside",
        "drawback",
        "trade-off",
        "tradeoff",
        "the catch",
        "at the expense of",
        "could backfire",
        "the price is",
    ],
    &[
        "disagreed",
        "disagreement",
        "clashed",
        "at odds",
        "pushed back",
        "argued",
        "different views",
        "didn't see eye to eye",
    ],
    &[
        "understand",
        "their perspective",
        "point of view",
        "what worried",
        "what concerned",
        "their concerns",
        "where they were coming from",
        "their reasoning",
    ],
    &[
        "options",
        "alternatives",
        "fixes",
        "approaches",
        "one option",
        "another option",
        "could imagine",
    ],
    &[
        "effort",
        "cheap to build",
        "quick to build",
        "easy to build",
        "low effort",
        "engineering cost",
        "build cost",
    ],
    &[
        "success metric",
        "i'd know it worked",
        "know it worked",
        "know it's working",
        "success looks like",
        "measure success",
    ],
    &[
        "a/b test",
        "split test",
        "control group",
        "holdout",
        "tested on half",
        "randomised",
        "randomized",
    ],
    &[
        "pain point",
        "frustration",
        "frustrating",
        "falls down",
        "annoying",
        "struggle",
        "painful",
    ],
    &["recommend", "recommendation", "my advice", "I'd suggest"],
    &["risk", "risks", "danger"],
    &["next steps", "action items", "follow up"],
    &[
        "communicated",
        "told them",
        "informed",
        "let them know",
        "kept them posted",
    ],
    &["criticism", "critical feedback", "negative feedback"],
    &["assume", "assumption", "let's say", "suppose"],
    &["sanity check", "cross-check", "double-check", "triangulate"],
    &["segment", "cohort", "persona"],
    &["metric", "kpi", "measure"],
    &["interview", "user research", "survey", "talk to users"],
    &["one-on-one", "1:1", "one to one", "privately", "in private"],
];

/// A thesaurus group: its members' stems (to find a keyword's group) and their compiled patterns.
struct SynonymGroup {
    member_stems: Vec<Vec<String>>,
    patterns: Vec<Pattern>,
}

static THESAURUS_PATTERNS: LazyLock<Vec<SynonymGroup>> = LazyLock::new(|| {
    THESAURUS
        .iter()
        .map(|group| SynonymGroup {
            member_stems: group.iter().map(|w| text::phrase_stems(w)).collect(),
            patterns: group.iter().filter_map(|w| compile(w)).collect(),
        })
        .collect()
});

/// The compiled synonyms of a keyword, if it belongs to a thesaurus group (compared by stems).
fn synonyms(keyword: &str) -> Option<&'static [Pattern]> {
    let stems = text::phrase_stems(keyword);
    THESAURUS_PATTERNS
        .iter()
        .find(|g| g.member_stems.contains(&stems))
        .map(|g| g.patterns.as_slice())
}

pub(crate) fn compile(keyword: &str) -> Option<Pattern> {
    let words = text::phrase_words(keyword);
    if words.is_empty() {
        return None;
    }
    if keyword.chars().any(|c| c.is_ascii_digit()) {
        let ms = numbers::extract_str(keyword);
        if ms.len() == 1 {
            let m = ms[0].clone();
            let unit_words = [
                "million", "billion", "thousand", "trillion", "hundred", "percent", "per", "cent",
                "m", "k", "bn", "mn",
            ];
            let stems_of = |s: &str| -> Vec<String> {
                text::phrase_words(s)
                    .into_iter()
                    .filter(|w| {
                        !unit_words.contains(&w.as_str()) && w.chars().any(char::is_alphabetic)
                    })
                    .map(|w| text::stem(&w))
                    .collect()
            };
            let mut words = stems_of(&keyword[..m.start]);
            let words_before = words.len();
            words.extend(stems_of(&keyword[m.end..]));
            return Some(Pattern::Quantity {
                mention: m,
                words,
                words_before,
            });
        }
    }
    let stems = text::phrase_stems(keyword);
    let joined = (words.len() > 1).then(|| text::stem(&words.concat()));
    Some(Pattern::Phrase { stems, joined })
}

/// Pre-computed views of the answer used by the matchers.
struct Index<'a> {
    doc: &'a Doc<'a>,
    mentions: &'a [Mention],
    /// First token index of each stem.
    first: HashMap<&'a str, usize>,
    /// First token index of each pair of adjacent words written together ("pay back" → "payback").
    first_joined: HashMap<String, usize>,
}

impl<'a> Index<'a> {
    fn new(doc: &'a Doc<'a>, mentions: &'a [Mention]) -> Self {
        let mut first = HashMap::new();
        for (i, t) in doc.tokens.iter().enumerate() {
            first.entry(t.stem.as_str()).or_insert(i);
        }
        // Keyed by the plain lower-case concatenation: stemming every pair would double the cost of
        // grading for a rare case; the lookup below tries the common inflections instead.
        let mut first_joined = HashMap::new();
        for (i, w) in doc.tokens.windows(2).enumerate() {
            if w[0].sentence == w[1].sentence {
                first_joined
                    .entry(format!("{}{}", w[0].lower, w[1].lower))
                    .or_insert(i);
            }
        }
        Index {
            doc,
            mentions,
            first,
            first_joined,
        }
    }

    /// Token indices of every place the pattern matches (at most a few dozen).
    fn find_all(&self, p: &Pattern) -> Vec<usize> {
        let toks = &self.doc.tokens;
        match p {
            Pattern::Phrase { stems, joined } => {
                let mut out = Vec::new();
                for i in 0..toks.len() {
                    if out.len() >= 32 {
                        break;
                    }
                    let joined_here = joined.as_deref().is_some_and(|j| {
                        toks[i].stem == j
                            || (i + 1 < toks.len()
                                && toks[i].sentence == toks[i + 1].sentence
                                && text::stem(&format!("{}{}", toks[i].lower, toks[i + 1].lower))
                                    == j)
                    });
                    if joined_here || self.phrase_at(i, stems) {
                        out.push(i);
                    }
                }
                if out.is_empty() && stems.len() == 1 {
                    // Written as two words ("pay back" for "payback").
                    out.extend(self.find(p));
                }
                out
            }
            Pattern::Quantity { mention, words, .. } => self
                .mentions
                .iter()
                .filter(|m| {
                    numbers::same_quantity(mention, m)
                        && (words.is_empty() || self.words_near(m, words))
                })
                .map(|m| {
                    toks.iter()
                        .position(|t| t.start >= m.start)
                        .unwrap_or(toks.len().saturating_sub(1))
                })
                .collect(),
        }
    }

    /// Whether the stemmed phrase starts at token `i` (one extra word allowed between words).
    fn phrase_at(&self, i: usize, stems: &[String]) -> bool {
        let toks = &self.doc.tokens;
        if toks[i].stem != stems[0] {
            return false;
        }
        let mut at = i;
        for want in &stems[1..] {
            match (at + 1..(at + 3).min(toks.len()))
                .find(|&k| toks[k].sentence == toks[i].sentence && toks[k].stem == *want)
            {
                Some(k) => at = k,
                None => return false,
            }
        }
        true
    }

    /// Token index of the first place the pattern matches, if any.
    fn find(&self, p: &Pattern) -> Option<usize> {
        let toks = &self.doc.tokens;
        match p {
            Pattern::Phrase { stems, joined } => {
                let single = |s: &str| {
                    self.first.get(s).copied().or_else(|| {
                        ["", "s", "es", "ed", "ing", "e"].iter().find_map(|suffix| {
                            self.first_joined.get(&format!("{s}{suffix}")).copied()
                        })
                    })
                };
                if stems.len() == 1 {
                    return single(&stems[0]);
                }
                self.phrase(stems)
                    .or_else(|| joined.as_deref().and_then(single))
            }
            Pattern::Quantity { mention, words, .. } => self
                .mentions
                .iter()
                .find(|m| {
                    numbers::same_quantity(mention, m)
                        && (words.is_empty() || self.words_near(m, words))
                })
                .map(|m| {
                    toks.iter()
                        .position(|t| t.start >= m.start)
                        .unwrap_or(toks.len())
                }),
        }
    }

    /// Ordered phrase match within one sentence, allowing one extra word between phrase words.
    fn phrase(&self, stems: &[String]) -> Option<usize> {
        let toks = &self.doc.tokens;
        'start: for i in 0..toks.len() {
            if toks[i].stem != stems[0] {
                continue;
            }
            let mut at = i;
            for want in &stems[1..] {
                let found = (at + 1..(at + 3).min(toks.len()))
                    .find(|&k| toks[k].sentence == toks[i].sentence && toks[k].stem == *want);
                match found {
                    Some(k) => at = k,
                    None => continue 'start,
                }
            }
            return Some(i);
        }
        None
    }

    fn words_near(&self, m: &Mention, words: &[String]) -> bool {
        let toks = &self.doc.tokens;
        let idx = toks
            .iter()
            .position(|t| t.start >= m.start)
            .unwrap_or(toks.len());
        let lo = idx.saturating_sub(4);
        let hi = (idx + 6).min(toks.len());
        words
            .iter()
            .all(|w| toks[lo..hi].iter().any(|t| t.stem == *w))
    }
}

/// Share of the answer's content words that are (the start of) a match of some key point's keyword.
/// Explaining an idea takes words around its keywords; a keyword-stuffed answer is mostly keywords.
pub(crate) fn keyword_density(points: &[KeyPoint], doc: &Doc, mentions: &[Mention]) -> f32 {
    let index = Index::new(doc, mentions);
    let mut hit = std::collections::HashSet::new();
    for kp in points {
        for k in &kp.keywords {
            if let Some(p) = compile(k) {
                hit.extend(index.find_all(&p));
            }
        }
    }
    let content = doc
        .tokens
        .iter()
        .filter(|t| text::is_content(&t.lower))
        .count();
    if content == 0 {
        0.0
    } else {
        hit.len() as f32 / content as f32
    }
}

/// Assesses every key point against the (already injection-stripped) answer.
pub(crate) fn assess(points: &[KeyPoint], doc: &Doc, mentions: &[Mention]) -> Vec<PointCoverage> {
    let index = Index::new(doc, mentions);
    points
        .iter()
        .map(|kp| {
            // A point that itself denies something ("it is not the probability…") is met by
            // negated wording; polarity is only enforced for points that assert.
            let asserts = !claims::has_negation(&kp.point);
            let dirs = claims::directions(&kp.point, &kp.keywords);
            let mut hits: Vec<(String, usize)> = Vec::new();
            let mut against: Vec<usize> = Vec::new();
            for k in &kp.keywords {
                let self_polar = claims::has_negation(k);
                let mut places = compile(k).map(|p| index.find_all(&p)).unwrap_or_default();
                if places.is_empty()
                    && let Some(syn) = synonyms(k)
                {
                    places = syn.iter().flat_map(|p| index.find_all(p)).collect();
                    places.sort_unstable();
                }
                let mut good = None;
                for at in places {
                    let denied = asserts && !self_polar && claims::negated(doc, at);
                    if denied || claims::reversed(doc, at, &dirs) {
                        against.push(at);
                    } else if good.is_none() {
                        good = Some(at);
                    }
                }
                if let Some(at) = good {
                    hits.push((k.trim().to_string(), at));
                }
            }
            // Evidence is counted by place: keywords matched within two words of each other ("bug
            // fix") are one piece of evidence, not two.
            let mut places: Vec<usize> = hits.iter().map(|h| h.1).collect();
            places.sort_unstable();
            places.dedup_by(|b, a| b.abs_diff(*a) <= 2);
            let matched: Vec<String> = hits.into_iter().map(|h| h.0).collect();
            // One piece of evidence is enough to count a point as covered; several are stronger (and
            // much less likely in an answer to a different question that shares one word).
            let keyword_strength: f32 = match places.len() {
                0 => 0.0,
                1 => 0.6,
                2 => 0.85,
                _ => 1.0,
            };
            let point_stems = text::content_stems_of(&kp.point);
            let overlap = if point_stems.is_empty() {
                0.0
            } else {
                point_stems
                    .iter()
                    .filter(|s| index.first.contains_key(s.as_str()))
                    .count() as f32
                    / point_stems.len() as f32
            };
            // Paraphrase without the keywords: most of the point's own words present. Not when the
            // answer's only mentions of the point deny or reverse it.
            let contradicted = places.is_empty() && !against.is_empty();
            let overlap_strength = if contradicted {
                0.0
            } else if overlap >= 0.6 {
                0.55
            } else {
                overlap * 0.5
            };
            let strength = keyword_strength.max(overlap_strength);
            if contradicted {
                against.sort_unstable();
                against.dedup_by(|b, a| b.abs_diff(*a) <= 2);
                places = against;
            }
            PointCoverage {
                point: kp.point.trim().to_string(),
                places,
                contradicted,
                note: None,
                strength,
                covered: strength >= COVERED_AT,
                matched,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kp(point: &str, keywords: &[&str]) -> KeyPoint {
        KeyPoint {
            point: point.into(),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            label: None,
        }
    }

    fn cover(points: &[KeyPoint], answer: &str) -> Vec<PointCoverage> {
        let doc = Doc::new(answer);
        let ms = numbers::extract(&doc);
        assess(points, &doc, &ms)
    }

    #[test]
    fn keywords_match_by_stem_not_exact_word() {
        let p = [kp("Cuts scope deliberately", &["prioritised", "descoped"])];
        assert!(cover(&p, "I prioritized the login work and cut the rest")[0].covered);
        assert!(!cover(&p, "I worked late every night")[0].covered);
    }

    #[test]
    fn multi_word_keywords_match_as_phrases() {
        let p = [kp("Explains the structure", &["balanced tree", "b-tree"])];
        assert!(
            cover(&p, "It keeps a balanced search tree of pages")[0].covered,
            "one word gap allowed"
        );
        assert!(cover(&p, "a btree index")[0].covered, "joined form");
        assert!(
            !cover(&p, "the tree is balanced")[0].covered,
            "order matters"
        );
        let q = [kp("Payback", &["payback"])];
        assert!(cover(&q, "it would pay back in 18 months")[0].covered);
    }

    #[test]
    fn numeric_keywords_match_with_units_and_tolerance() {
        let p = [kp("Large store revenue", &["720"])];
        for a in ["that's £720m", "about 720 million", "£0.72bn in total"] {
            assert!(cover(&p, a)[0].covered, "{a}");
        }
        assert!(!cover(&p, "about 620 million")[0].covered);
        let q = [kp("Defects per day", &["60 defects"])];
        assert!(cover(&q, "so 60 defects a day")[0].covered);
        assert!(!cover(&q, "60 stores a day")[0].covered);
    }

    #[test]
    fn generic_keywords_match_common_paraphrases() {
        let p = [kp("Reaches an agreed outcome", &["agreed", "compromise"])];
        assert!(cover(&p, "In the end we decided to stay on Postgres")[0].covered);
        let q = [kp("Reflects", &["learned"])];
        assert!(cover(&q, "I realised I had been too quick to judge")[0].covered);
        assert!(!cover(&q, "We shipped it on Friday")[0].covered);
    }

    #[test]
    fn negated_or_reversed_evidence_does_not_cover_and_contradicts() {
        let p = [kp(
            "Explains write overhead because every insert must maintain the index",
            &["insert", "write overhead", "slower writes"],
        )];
        let c = &cover(
            &p,
            "Indexes make inserts faster, which is why I add them everywhere.",
        )[0];
        assert!(!c.covered && c.contradicted, "{c:?}");
        let c = &cover(
            &p,
            "Every insert also has to maintain the index, so writes get slower.",
        )[0];
        assert!(c.covered && !c.contradicted);
        let q = [kp(
            "Notes the planner can skip an index on low-selectivity columns",
            &["planner", "selectivity"],
        )];
        let c = &cover(&q, "It has nothing to do with selectivity.")[0];
        assert!(!c.covered && c.contradicted);
        // A point that denies something is met by denial.
        let r = [kp(
            "States that it is not the probability that the null is true",
            &["probability the null is true"],
        )];
        assert!(cover(&r, "It is not the probability the null is true.")[0].covered);
    }

    #[test]
    fn strength_grows_with_evidence() {
        let p = [kp(
            "Listens to understand their view",
            &["listened", "perspective", "one-on-one"],
        )];
        let two = cover(&p, "I listened and tried to see his perspective")[0].strength;
        let one = cover(&p, "I listened")[0].strength;
        let none = cover(&p, "We shipped it")[0].strength;
        assert!(two > one && one > none, "{two} {one} {none}");
        // Paraphrase of the point itself, without any keyword.
        assert!(cover(&p, "I wanted to understand their view first, so I listens")[0].covered);
    }
}
