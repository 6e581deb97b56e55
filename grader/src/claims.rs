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

/// Words that carry a negation on through a list without counting towards its reach.
const COORDINATION: &[&str] = &["a", "an", "the", "or", "and", "nor", "any", "of"];

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
    let mut step = 0;
    while step < DISTANCING_REACH {
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
        // Articles and coordination do not weaken a negation: "never slows an insert or an update".
        if !COORDINATION.contains(&w) {
            step += 1;
        }
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

/// A misconception asserted in the answer: its index and the sentence that asserts it.
#[derive(Debug, Clone)]
pub(crate) struct Asserted {
    pub index: usize,
    pub sentence: usize,
}

/// Characters that end a clause for detection: a claim is one clause's assertion, so terms on two
/// sides of a semicolon ("a timeout means a firewall; refused means nothing listens") do not meet.
const CLAUSE_BREAKS: [char; 3] = [';', '—', '–'];

/// Whether the text between two words ends a clause: a semicolon or dash, or a colon followed by a
/// space ("the answer: …", not "3:1").
fn clause_break(gap: &str) -> bool {
    gap.contains(CLAUSE_BREAKS) || (gap.contains(':') && gap.ends_with(char::is_whitespace))
}

/// Token ranges of the clauses of sentence `s`.
fn clauses(doc: &Doc, s: usize) -> Vec<(usize, usize)> {
    let toks = &doc.tokens;
    let first = toks.partition_point(|t| t.sentence < s);
    let end = toks.partition_point(|t| t.sentence <= s);
    let mut out = Vec::new();
    let mut start = first;
    for i in first + 1..end {
        if clause_break(&doc.text[toks[i - 1].end..toks[i].start]) {
            out.push((start, i));
            start = i;
        }
    }
    if start < end {
        out.push((start, end));
    }
    out
}

/// Finds the misconceptions the answer asserts: some pattern has all its terms in one clause, and
/// (unless the pattern carries its own negation) no negating or distancing word opens that clause
/// before its last term ("the coefficient doesn't mean that nudging people will cause upgrades").
pub(crate) fn find_misconceptions(
    items: &[Misconception],
    doc: &Doc,
    mentions: &[Mention],
) -> Vec<Asserted> {
    let compiled: Vec<Vec<(bool, Vec<Pattern>)>> = items
        .iter()
        .map(|m| {
            m.detect
                .iter()
                .filter_map(|pattern| {
                    let terms: Vec<Pattern> = pattern
                        .iter()
                        .filter_map(|t| coverage::compile(t))
                        .collect();
                    (!terms.is_empty() && terms.len() == pattern.len())
                        .then(|| (pattern.iter().any(|t| has_negation(t)), terms))
                })
                .collect()
        })
        .collect();
    let mut found = Vec::new();
    for s in 0..doc.sentences.len() {
        let cl = clauses(doc, s);
        for (index, patterns) in compiled.iter().enumerate() {
            if found.iter().any(|a: &Asserted| a.index == index) {
                continue;
            }
            let asserted = cl.iter().any(|&(lo, hi)| {
                patterns.iter().any(|(own_negation, terms)| {
                    let mut last = lo;
                    for t in terms {
                        match first_in(doc, mentions, t, lo, hi) {
                            Some(at) => last = last.max(at),
                            None => return false,
                        }
                    }
                    *own_negation || !clause_negated(doc, lo, last.min(hi - 1))
                })
            });
            if asserted {
                found.push(Asserted { index, sentence: s });
            }
        }
    }
    found.sort_by_key(|a| a.index);
    found
}

/// Whether a negating or distancing word stands in tokens `lo..=last` with no "but"/"however"
/// after it (which would end its scope).
fn clause_negated(doc: &Doc, lo: usize, last: usize) -> bool {
    let mut negated = false;
    for t in &doc.tokens[lo..=last] {
        if SCOPE_ENDS.contains(&t.lower.as_str()) {
            negated = false;
        } else if is_negator(&t.lower) {
            negated = true;
        }
    }
    negated
}

fn is_number_word(w: &str) -> bool {
    w.chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        || [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "twelve", "twenty", "hundred", "thousand", "million", "billion", "half", "few",
            "several", "many",
        ]
        .contains(&w)
}

/// Token index of the first match of a compiled term among tokens `lo..hi`.
fn first_in(doc: &Doc, mentions: &[Mention], p: &Pattern, lo: usize, hi: usize) -> Option<usize> {
    let toks = &doc.tokens;
    match p {
        Pattern::Phrase { stems, joined } => (lo..hi).find(|&i| {
            if joined.as_deref() == Some(toks[i].stem.as_str()) {
                return true;
            }
            if toks[i].stem != stems[0] {
                return false;
            }
            // One extra word may stand between phrase words, but not a number or a negation:
            // "replace their phone every year" is not "every three years".
            let mut at = i;
            stems[1..].iter().all(|want| {
                let next = at + 1;
                let found = if next < hi && toks[next].stem == *want {
                    Some(next)
                } else if next + 1 < hi
                    && toks[next + 1].stem == *want
                    && !is_negator(&toks[next].lower)
                    && !is_number_word(&toks[next].lower)
                {
                    Some(next + 1)
                } else {
                    None
                };
                match found {
                    Some(k) => {
                        at = k;
                        true
                    }
                    None => false,
                }
            })
        }),
        Pattern::Quantity {
            mention,
            words,
            words_before,
        } => {
            // A mention belongs to the clause of its first word ("£50": the token "50").
            mentions
                .iter()
                .filter(|m| numbers::states_figure(mention, m))
                .map(|m| (toks.partition_point(|t| t.start < m.start), m.end))
                .filter(|&(at, _)| (lo..hi).contains(&at))
                .find(|&(at, end)| {
                    // Words written with the number ("4,800 cases") must stand next to it, before
                    // the next number ("164 gallons, or 750 litres" does not say "164 litres").
                    let next_number = mentions
                        .iter()
                        .find(|n| n.start >= end)
                        .map_or(usize::MAX, |n| n.start);
                    let near_lo = at.saturating_sub(3).max(lo);
                    let near_hi = toks
                        .partition_point(|t| t.start < next_number)
                        .min((at + 6).min(hi));
                    // In the order the term gives them: "gap is $360,000" is not "$360,000 …
                    // so the gap is".
                    let (before, after) = words.split_at(*words_before);
                    let after_from = (at + 1).min(near_hi);
                    before
                        .iter()
                        .all(|w| toks[near_lo..at].iter().any(|t| t.stem == *w))
                        && after
                            .iter()
                            .all(|w| toks[after_from..near_hi].iter().any(|t| t.stem == *w))
                })
                .map(|(at, _)| at)
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
    fn terms_meet_only_inside_one_clause_and_negation_reaches_the_clause() {
        let items = [m(&[&["refused", "firewall"]])];
        assert!(
            found(
                &items,
                "A timeout suggests a firewall dropping packets; refused means nothing listens."
            )
            .is_empty()
        );
        assert_eq!(
            found(
                &items,
                "Connection refused means a firewall is blocking it."
            ),
            [0]
        );
        let items = [m(&[&["projects", "cause", "upgrades"]])];
        assert!(
            found(
                &items,
                "The coefficient doesn't mean that nudging people to create empty projects will cause upgrades."
            )
            .is_empty()
        );
        assert_eq!(
            found(&items, "Creating more projects will cause upgrades."),
            [0]
        );
    }

    #[test]
    fn number_terms_need_their_unit_and_their_words() {
        let items = [m(&[&["£110m", "profit"]])];
        assert!(found(&items, "Getting to £110 per customer lifts profit.").is_empty());
        assert_eq!(found(&items, "Profit reaches £110 million."), [0]);
        let items = [m(&[&["4,800 cases"]])];
        assert!(found(&items, "That is 4,800 sessions a year.").is_empty());
        assert_eq!(found(&items, "One theatre adds 4,800 cases."), [0]);
        let items = [m(&[&["almost 4%", "market"]])];
        assert!(found(&items, "Split year-4 revenue by market size.").is_empty());
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
