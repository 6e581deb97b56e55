//! Claims, not keywords.
//!
//! A keyword is evidence only where the answer asserts it: a word inside a negated or distanced
//! clause ("it is *not* the probability that…", "a common misconception is that…") asserts the
//! opposite, and so does a word next to the opposite direction of the point ("inserts get *faster*"
//! against a point about slower writes). This module decides polarity and direction for coverage,
//! and finds the question's authored misconceptions asserted in the answer.

use std::sync::LazyLock;

use crate::Misconception;
use crate::coverage::{self, Pattern};
use crate::numbers::{self, Mention};
use crate::text::{self, Doc};

/// Words that negate the clause they open.
const NEGATORS: &[&str] = &[
    "not", "no", "never", "nor", "neither", "without", "cannot", "none", "nothing", "nobody",
    "hardly", "barely", "nowhere", "isnt", "dont", "doesnt", "cant", "wont",
];

/// Words that distance the writer from the claim that follows ("a common misconception is that…").
const DISTANCING: &[&str] = &[
    "myth",
    "myths",
    "misconception",
    "misconceptions",
    "mistake",
    "mistaken",
    "mistakenly",
    "wrong",
    "wrongly",
    "false",
    "falsely",
    "incorrect",
    "incorrectly",
    "fallacy",
    "misread",
    "misreading",
    "misreads",
    "misunderstanding",
    "misinterpret",
    "misinterpretation",
    "pitfall",
    "trap",
    "contrary",
    "untrue",
    "misleading",
    "naive",
    "naively",
];

/// Words that close the scope of a negation ("not A but B": B is asserted).
const SCOPE_ENDS: &[&str] = &[
    "but", "however", "although", "though", "whereas", "instead", "rather", "yet",
];

/// How many words before a keyword a negator still reaches ("is not the probability").
const NEGATION_REACH: usize = 5;

/// Distancing frames reach further ("a common misconception is that p is the probability…").
const DISTANCING_REACH: usize = 9;

/// How many words either side of a keyword an opposite direction word is looked for.
const DIRECTION_REACH: usize = 6;

pub(crate) fn is_negator(lower: &str) -> bool {
    NEGATORS.contains(&lower) || lower.ends_with("n't") || DISTANCING.contains(&lower)
}

fn is_distancing(lower: &str) -> bool {
    DISTANCING.contains(&lower)
}

/// Whether a text (a key point, a keyword, a pattern term) carries its own negation.
pub(crate) fn has_negation(s: &str) -> bool {
    text::phrase_words(s).iter().any(|w| is_negator(w))
}

/// Whether token `i` sits in a negated or distanced clause: a negator up to [`NEGATION_REACH`] words
/// before it, in the same sentence and clause (commas, semicolons, colons, dashes and "but" end
/// a negation's reach).
pub(crate) fn negated(doc: &Doc, i: usize) -> bool {
    let toks = &doc.tokens;
    let Some(t) = toks.get(i) else { return false };
    let mut j = i;
    for step in 1..=DISTANCING_REACH {
        if j == 0 {
            break;
        }
        let gap = &doc.text[toks[j - 1].end..toks[j].start];
        if toks[j - 1].sentence != t.sentence || gap.contains([',', ';', ':', '—', '–', '(', ')'])
        {
            break;
        }
        j -= 1;
        let w = toks[j].lower.as_str();
        if SCOPE_ENDS.contains(&w) {
            break;
        }
        if is_distancing(w) || (step <= NEGATION_REACH && is_negator(w)) {
            return true;
        }
    }
    false
}

/// Pairs of direction words (as stems): a point that says one is contradicted by a keyword sitting
/// next to the other.
const OPPOSITES: &[(&str, &str)] = &[
    ("faster", "slower"),
    ("quicker", "slower"),
    ("speed up", "slow down"),
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("raise", "lower"),
    ("higher", "lower"),
    ("more", "less"),
    ("more", "fewer"),
    ("always", "never"),
    ("before", "after"),
    ("improve", "worsen"),
    ("better", "worse"),
    ("larger", "smaller"),
    ("bigger", "smaller"),
    ("above", "below"),
    ("rise", "fall"),
    ("grow", "shrink"),
    ("gain", "loss"),
    ("cheaper", "more expensive"),
    ("overestimate", "underestimate"),
    ("maximise", "minimise"),
    ("strengthen", "weaken"),
    ("safe", "unsafe"),
    ("secure", "insecure"),
];

/// The opposite pairs, as stem sequences.
static OPPOSITE_STEMS: LazyLock<Vec<(Vec<String>, Vec<String>)>> = LazyLock::new(|| {
    OPPOSITES
        .iter()
        .map(|(a, b)| (text::phrase_stems(a), text::phrase_stems(b)))
        .collect()
});

/// A direction a key point states, with the opposite that contradicts it.
#[derive(Debug, Clone)]
pub(crate) struct Direction {
    pub says: Vec<String>,
    pub opposite: Vec<String>,
}

/// The directions a key point states in its text or keywords.
pub(crate) fn directions(point: &str, keywords: &[String]) -> Vec<Direction> {
    let mut stems: Vec<String> = text::phrase_stems(point);
    for k in keywords {
        stems.extend(text::phrase_stems(k));
    }
    let contains = |seq: &[String]| stems.windows(seq.len()).any(|w| w == seq);
    let mut out = Vec::new();
    for (a, b) in OPPOSITE_STEMS.iter() {
        match (contains(a), contains(b)) {
            (true, false) => out.push(Direction {
                says: a.clone(),
                opposite: b.clone(),
            }),
            (false, true) => out.push(Direction {
                says: b.clone(),
                opposite: a.clone(),
            }),
            _ => {}
        }
    }
    out
}

/// Whether the keyword at token `i` stands next to the opposite of a direction the point states
/// (and not next to that direction itself): "indexes make inserts faster" against "slower writes".
pub(crate) fn reversed(doc: &Doc, i: usize, dirs: &[Direction]) -> bool {
    if dirs.is_empty() {
        return false;
    }
    let toks = &doc.tokens;
    let s = toks[i].sentence;
    let lo = i.saturating_sub(DIRECTION_REACH);
    let hi = (i + DIRECTION_REACH + 1).min(toks.len());
    let window: Vec<&str> = toks[lo..hi]
        .iter()
        .filter(|t| t.sentence == s)
        .map(|t| t.stem.as_str())
        .collect();
    let has = |seq: &[String]| {
        window
            .windows(seq.len())
            .any(|w| w.iter().zip(seq).all(|(a, b)| *a == b))
    };
    dirs.iter().any(|d| has(&d.opposite) && !has(&d.says))
}

/// A misconception asserted in the answer: its index and the byte range of the sentence.
#[derive(Debug, Clone)]
pub(crate) struct Asserted {
    pub index: usize,
    pub sentence: usize,
}

/// Finds the misconceptions the answer asserts: some pattern has all its terms in one sentence, and
/// (unless the pattern carries its own negation) none of them sits in a negated clause.
pub(crate) fn find_misconceptions(
    items: &[Misconception],
    doc: &Doc,
    mentions: &[Mention],
) -> Vec<Asserted> {
    let mut found = Vec::new();
    for (index, m) in items.iter().enumerate() {
        'patterns: for pattern in &m.detect {
            let own_negation = pattern.iter().any(|t| has_negation(t));
            let terms: Vec<Pattern> = pattern
                .iter()
                .filter_map(|t| coverage::compile(t))
                .collect();
            if terms.is_empty() || terms.len() != pattern.len() {
                continue;
            }
            for s in 0..doc.sentences.len() {
                let mut positions = Vec::with_capacity(terms.len());
                for t in &terms {
                    match first_in_sentence(doc, mentions, t, s) {
                        Some(at) => positions.push(at),
                        None => break,
                    }
                }
                if positions.len() != terms.len() {
                    continue;
                }
                if !own_negation && positions.iter().any(|&at| negated(doc, at)) {
                    continue;
                }
                found.push(Asserted { index, sentence: s });
                break 'patterns;
            }
        }
    }
    found
}

/// Token index of the first match of a compiled term inside sentence `s`.
fn first_in_sentence(doc: &Doc, mentions: &[Mention], p: &Pattern, s: usize) -> Option<usize> {
    let toks = &doc.tokens;
    match p {
        Pattern::Phrase { stems, joined } => {
            let first = toks.partition_point(|t| t.sentence < s);
            let end = toks.partition_point(|t| t.sentence <= s);
            for i in first..end {
                if joined.as_deref() == Some(toks[i].stem.as_str()) {
                    return Some(i);
                }
                if toks[i].stem != stems[0] {
                    continue;
                }
                let mut at = i;
                let mut ok = true;
                for want in &stems[1..] {
                    match (at + 1..(at + 3).min(end)).find(|&k| toks[k].stem == *want) {
                        Some(k) => at = k,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    return Some(i);
                }
            }
            None
        }
        Pattern::Quantity { mention, .. } => {
            let (start, end) = doc.sentences[s];
            mentions
                .iter()
                .find(|m| m.start >= start && m.end <= end && numbers::same_quantity(mention, m))
                .map(|m| {
                    toks.partition_point(|t| t.start < m.start)
                        .min(toks.len().saturating_sub(1))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(doc: &Doc, word: &str) -> usize {
        doc.tokens
            .iter()
            .position(|t| t.lower == word)
            .expect("word in text")
    }

    #[test]
    fn negation_reaches_the_clause_it_opens() {
        let d = Doc::new("It is not the probability that the null is true.");
        assert!(negated(&d, at(&d, "probability")));
        let d = Doc::new("It is the probability that the null is true.");
        assert!(!negated(&d, at(&d, "probability")));
        let d = Doc::new("A common misconception is that p is the probability of the null.");
        assert!(negated(&d, at(&d, "probability")));
        let d = Doc::new("The planner doesn't always use an index.");
        assert!(negated(&d, at(&d, "index")));
        // A clause break or "but" ends the reach.
        let d = Doc::new("It is not a guess, it is the probability of data this extreme.");
        assert!(!negated(&d, at(&d, "probability")));
        let d = Doc::new("Not the hypothesis but the data under the null.");
        assert!(!negated(&d, at(&d, "data")));
        // Too far away to be about this word.
        let d = Doc::new("No one on the team had ever measured the latency before.");
        assert!(!negated(&d, at(&d, "latency")));
    }

    #[test]
    fn opposite_directions_reverse_a_keyword() {
        let dirs = directions("Explains write overhead", &["slower writes".into()]);
        assert!(dirs.iter().all(|d| d.says == ["slower"]), "{dirs:?}");
        let d = Doc::new("Indexes make inserts faster because the rows are sorted.");
        assert!(reversed(&d, at(&d, "inserts"), &dirs));
        let d = Doc::new("Every insert is slower, not faster, with more indexes.");
        assert!(
            !reversed(&d, at(&d, "insert"), &dirs),
            "says the direction too"
        );
        let d = Doc::new("Every insert has to update each index.");
        assert!(!reversed(&d, at(&d, "insert"), &dirs));
        assert!(directions("Defines the p-value", &["null".into()]).is_empty());
    }

    fn m(detect: &[&[&str]]) -> Misconception {
        Misconception {
            claim: "c".into(),
            correction: "c".into(),
            dimension: "correctness".into(),
            contradicts: vec![],
            detect: detect
                .iter()
                .map(|p| p.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    fn found(items: &[Misconception], answer: &str) -> Vec<usize> {
        let d = Doc::new(answer);
        let ms = numbers::extract(&d);
        find_misconceptions(items, &d, &ms)
            .into_iter()
            .map(|a| a.index)
            .collect()
    }

    #[test]
    fn misconceptions_fire_on_assertions_only() {
        let items = [m(&[&["97%", "chance"], &["probability", "null", "true"]])];
        assert_eq!(
            found(&items, "So there's a 97 percent chance it's better."),
            [0]
        );
        assert_eq!(
            found(&items, "It's the probability that the null is true."),
            [0]
        );
        assert!(found(&items, "It is not a 97% chance the variant wins.").is_empty());
        assert!(found(&items, "It is not the probability that the null is true.").is_empty());
        assert!(
            found(
                &items,
                "There is always a chance of error. The 97 users were excluded."
            )
            .is_empty(),
            "terms in different sentences"
        );
        // A pattern carrying its own negation asserts a negative claim.
        let items = [m(&[&["never", "failed"]])];
        assert_eq!(
            found(&items, "Honestly, I have never failed at anything."),
            [0]
        );
    }

    #[test]
    fn number_terms_match_as_quantities() {
        let items = [m(&[&["450 million", "coffees"]])];
        assert_eq!(
            found(&items, "That gives about 450m coffees every day."),
            [0]
        );
        assert!(found(&items, "That gives about 3 million coffees every day.").is_empty());
    }
}
