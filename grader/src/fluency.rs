//! Fillers ("um", "you know", filler "like") and hedges ("I guess", "maybe", "I'm not sure").
//!
//! Fillers are a delivery problem; hedges are a conviction problem. Both are counted per 100 words
//! for written answers and per minute for spoken ones. A hedge directly in front of a number
//! ("maybe 3 million") is an estimate, not a hedge, and is not counted.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

static FILLER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::cue_regex(
        r"(?ix)
        \b(?P<f>u+m+|u+h+m*|e+r+m+|e+r+|a+h+|h+m+|mm+|you\ know|I\ mean|basically|literally|sort\ of|kind\ of)\b
        | (?:^|[,.!?;]\s*|\b(?:is|was|are|were|it's|that's|which\ is|just)\s+)(?P<like>like)(?:\s*,|\s+(?:um|uh|so|really|just|totally|literally)\b)
        | \b(?P<like2>like),
        ",
    )
});

/// Hedge phrases with their weight: outright uncertainty counts fully, softeners count half.
static HEDGE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::cue_regex(
        r"(?i)\b(?P<strong>I guess|I'm not (?:really |totally |entirely |too )?sure|I am not sure|not (?:really )?sure|I don't (?:really )?know|I suppose|or something|and stuff|I can't think of|no idea|hopefully)\b|\b(?P<mild>maybe|perhaps|possibly|probably|sort of|kind of|might|I think maybe|I'd say maybe)\b",
    )
});

static NUMBER_AHEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::cue_regex(
        r"(?i)^\s*(?:(?:about|around|roughly|a|an|just|like|even)\s+){0,2}(?:[£$€~]?\d|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|half|a few|a couple)",
    )
});

/// Counted fillers and hedges of a text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fluency {
    /// Canonical filler → count ("um" for "umm", "like" for filler "like").
    pub fillers: BTreeMap<String, u32>,
    /// Hedge phrase (lower-case) → count.
    pub hedges: BTreeMap<String, u32>,
    /// Weighted hedge count (strong = 1, mild = 0.5).
    pub hedge_weight: f32,
    pub strong_hedges: u32,
}

impl Fluency {
    /// "um ×3, like ×2" style list of the most frequent items of a map.
    pub fn top(map: &BTreeMap<String, u32>, n: usize) -> Vec<(String, u32)> {
        let mut v: Vec<(String, u32)> = map.iter().map(|(k, c)| (k.clone(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}

/// Canonical form of a filler: collapses elongations ("ummm" → "um").
fn canonical_filler(raw: &str) -> String {
    let l = raw.to_lowercase();
    let squeezed: String = {
        let mut out = String::new();
        for c in l.chars() {
            if !out.ends_with(c) || c == ' ' {
                out.push(c);
            }
        }
        out
    };
    match squeezed.as_str() {
        "um" | "uhm" => "um".into(),
        "uh" => "uh".into(),
        "erm" => "erm".into(),
        "er" => "er".into(),
        "ah" => "ah".into(),
        "hm" | "m" => "hmm".into(),
        _ => l,
    }
}

/// Counts fillers and hedges in a text.
pub(crate) fn measure(text: &str) -> Fluency {
    let mut f = Fluency::default();
    for caps in FILLER_RE.captures_iter(text) {
        let word = caps
            .name("f")
            .map(|m| canonical_filler(m.as_str()))
            .or_else(|| {
                caps.name("like")
                    .or_else(|| caps.name("like2"))
                    .map(|_| "like".to_string())
            });
        if let Some(w) = word {
            *f.fillers.entry(w).or_default() += 1;
        }
    }
    for caps in HEDGE_RE.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if NUMBER_AHEAD_RE.is_match(&text[m.end()..]) {
            continue;
        }
        let strong = caps.name("strong").is_some();
        *f.hedges.entry(m.as_str().to_lowercase()).or_default() += 1;
        if strong {
            f.hedge_weight += 1.0;
            f.strong_hedges += 1;
        } else {
            f.hedge_weight += 0.5;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fillers_including_filler_like() {
        let f =
            measure("Um, so, like, I mean it was ummm kind of fine. You know? I'd like a coffee.");
        assert_eq!(f.fillers.get("um"), Some(&2));
        assert_eq!(f.fillers.get("like"), Some(&1), "{:?}", f.fillers);
        assert_eq!(f.fillers.get("i mean"), Some(&1));
        assert_eq!(f.fillers.get("kind of"), Some(&1));
        assert_eq!(f.fillers.get("you know"), Some(&1));
    }

    #[test]
    fn hedges_are_weighted_and_estimates_are_not_hedges() {
        let f = measure(
            "I guess it could work, maybe. I'm not sure. Maybe 3 million people, probably about 40%.",
        );
        assert_eq!(f.strong_hedges, 2);
        assert_eq!(
            f.hedges.get("maybe"),
            Some(&1),
            "the second maybe precedes a number"
        );
        assert!(!f.hedges.contains_key("probably"));
        assert!((f.hedge_weight - 2.5).abs() < 1e-6);
    }

    #[test]
    fn confident_text_has_no_hedges() {
        let f =
            measure("I booked a one-on-one, we replayed the traffic and failures fell to 1.2%.");
        assert!(f.hedges.is_empty());
        assert!(f.fillers.is_empty());
    }
}
