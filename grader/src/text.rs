//! Tokenising, spelling normalisation and stemming.
//!
//! Everything downstream (key-point coverage, topic relevance, label context for figures) compares
//! *stems*, so "prioritised", "prioritizing" and "priorities" meet in the middle. Tokens keep their
//! byte offsets into the original text so feedback can quote what the candidate actually said.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use rust_stemmers::{Algorithm, Stemmer};

/// Words: letters and digits, with inner apostrophes ("don't", "customer's"). Hyphens and slashes
/// split words, so "b-tree" becomes "b" "tree"; joined forms are handled by the matchers.
static WORD_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*").expect("valid word regex"));

/// Sentence ends: terminal punctuation followed by whitespace (so "3.5" is not split), or newlines.
static SENTENCE_END_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[.!?]+(?:\s+|$)|\n+").expect("valid sentence regex"));

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Compiles a cue pattern with ASCII word boundaries. Unicode `\b` forces the regex engine off its
/// fast DFA whenever the text contains non-ASCII characters ("£", curly quotes); every cue phrase is
/// ASCII English, so ASCII boundaries lose nothing and keep matching linear and fast.
pub(crate) fn cue_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("valid cue regex")
}

/// One word of the analysed text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Lower-cased surface form (apostrophes normalised to ').
    pub lower: String,
    /// Snowball English stem of the spelling-normalised form.
    pub stem: String,
    /// Byte range in the analysed text.
    pub start: usize,
    pub end: usize,
    /// Index into [`Doc::sentences`].
    pub sentence: usize,
}

/// A tokenised text with sentence boundaries.
#[derive(Debug, Clone)]
pub(crate) struct Doc<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    /// Byte ranges of sentences (trimmed of surrounding whitespace).
    pub sentences: Vec<(usize, usize)>,
}

impl<'t> Doc<'t> {
    pub fn new(text: &'t str) -> Self {
        Self::build(text, true)
    }

    /// Tokens and sentences without stems, for callers that only need words and offsets.
    pub fn unstemmed(text: &'t str) -> Self {
        Self::build(text, false)
    }

    fn build(text: &'t str, with_stems: bool) -> Self {
        let sentences = split_sentences(text);
        let mut tokens = Vec::new();
        let mut sentence = 0usize;
        for m in WORD_RE.find_iter(text) {
            while sentence + 1 < sentences.len() && m.start() >= sentences[sentence].1 {
                sentence += 1;
            }
            let lower = m.as_str().to_lowercase().replace('’', "'");
            let stem = if with_stems {
                stem(&lower)
            } else {
                String::new()
            };
            tokens.push(Token {
                lower,
                stem,
                start: m.start(),
                end: m.end(),
                sentence,
            });
        }
        Doc {
            text,
            tokens,
            sentences,
        }
    }

    pub fn word_count(&self) -> usize {
        self.tokens.len()
    }

    /// Share of words that are function words ("the", "and", "I", "so"…). Natural English prose is
    /// around 40–55%; a pasted list of keywords has almost none.
    pub fn function_word_share(&self) -> f32 {
        if self.tokens.is_empty() {
            return 0.0;
        }
        self.tokens
            .iter()
            .filter(|t| STOPWORDS.contains(t.lower.as_str()))
            .count() as f32
            / self.tokens.len() as f32
    }

    /// Distinct stems of content words (no stopwords, no generic filler vocabulary, no numbers).
    pub fn content_stems(&self) -> HashSet<&str> {
        self.tokens
            .iter()
            .filter(|t| is_content(&t.lower))
            .map(|t| t.stem.as_str())
            .collect()
    }

    /// Index of the sentence containing byte offset `at` (the last sentence starting at or before it).
    pub fn sentence_of(&self, at: usize) -> usize {
        self.sentences
            .partition_point(|&(s, _)| s <= at)
            .saturating_sub(1)
    }

    /// The sentence containing byte offset `at`, shortened to about `max_chars` characters around it.
    pub fn quote_at(&self, at: usize, max_chars: usize) -> String {
        let Some(&(s, e)) = self.sentences.get(self.sentence_of(at)) else {
            return String::new();
        };
        quote_window(self.text, s, e, at, max_chars)
    }
}

/// Splits `text` into trimmed sentence byte ranges; empty sentences are dropped.
fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for m in SENTENCE_END_RE.find_iter(text) {
        push_trimmed(text, start, m.end(), &mut out);
        start = m.end();
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        out.push((start + lead, start + lead + trimmed.len()));
    }
}

/// A window of at most `max_chars` characters of `text[s..e]` centred near `at`, with ellipses.
pub(crate) fn quote_window(text: &str, s: usize, e: usize, at: usize, max_chars: usize) -> String {
    let Some(sentence) = text.get(s..e) else {
        return String::new();
    };
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    if chars.len() <= max_chars {
        return collapse_ws(sentence);
    }
    let rel = at.saturating_sub(s);
    let centre = chars.iter().position(|&(i, _)| i >= rel).unwrap_or(0);
    let from = centre
        .saturating_sub(max_chars / 3)
        .min(chars.len() - max_chars);
    let to = from + max_chars;
    let body: String = chars[from..to].iter().map(|&(_, c)| c).collect();
    let mut q = String::new();
    if from > 0 {
        q.push('…');
    }
    q.push_str(collapse_ws(&body).trim());
    if to < chars.len() {
        q.push('…');
    }
    q
}

/// Collapses runs of whitespace into single spaces and trims.
pub(crate) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Truncates to at most `max` characters, adding an ellipsis when shortened.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    let s = collapse_ws(s);
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    // End on a word boundary when one is reasonably close: never "…key point cut mid-wo…".
    if let Some(space) = out.rfind(char::is_whitespace)
        && out[..space].chars().count() >= max / 2
    {
        out.truncate(space);
    }
    out = out
        .trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c))
        .to_string();
    out.push('…');
    out
}

/// Stems one lower-case word after normalising British/American spelling, so "prioritise" and
/// "prioritize" (or "behaviour" and "behavior") share a stem. Both sides of every comparison go
/// through this function, so the rewrites only need to be consistent, not linguistically perfect.
pub(crate) fn stem(lower: &str) -> String {
    let w = normalise_spelling(lower);
    STEMMER.stem(&w).into_owned()
}

fn normalise_spelling(w: &str) -> String {
    let n = w.chars().count();
    if n < 5 || !w.is_ascii() {
        return w.to_string();
    }
    const RULES: &[(&str, &str)] = &[
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ise", "ize"),
        ("ysing", "yzing"),
        ("ysed", "yzed"),
        ("yse", "yze"),
        ("ours", "ors"),
        ("our", "or"),
        ("tres", "ters"),
        ("tre", "ter"),
        ("ogue", "og"),
        ("lling", "ling"),
        ("lled", "led"),
    ];
    for (from, to) in RULES {
        if let Some(base) = w.strip_suffix(from) {
            // "hour", "four", "your" are shorter than 5 and never reach here; keep short bases intact.
            if base.len() >= 2 {
                return format!("{base}{to}");
            }
        }
    }
    w.to_string()
}

/// Tokenises and stems a short phrase (a keyword, a label) into its stems.
pub(crate) fn phrase_stems(phrase: &str) -> Vec<String> {
    WORD_RE
        .find_iter(phrase)
        .map(|m| stem(&m.as_str().to_lowercase().replace('’', "'")))
        .collect()
}

/// Lower-cased word tokens of a short phrase (no stemming).
pub(crate) fn phrase_words(phrase: &str) -> Vec<String> {
    WORD_RE
        .find_iter(phrase)
        .map(|m| m.as_str().to_lowercase().replace('’', "'"))
        .collect()
}

/// Number of words in a text, without stemming.
pub(crate) fn count_words(text: &str) -> usize {
    WORD_RE.find_iter(text).count()
}

/// Distinct content stems of a free text (used for the topic vocabulary and label context).
pub(crate) fn content_stems_of(text: &str) -> HashSet<String> {
    WORD_RE
        .find_iter(text)
        .map(|m| m.as_str().to_lowercase().replace('’', "'"))
        .filter(|w| is_content(w))
        .map(|w| stem(&w))
        .collect()
}

/// A content word carries topic meaning: not a stopword, not generic interview talk, has a letter.
pub(crate) fn is_content(lower: &str) -> bool {
    lower.chars().count() >= 2
        && lower.chars().any(char::is_alphabetic)
        && !STOPWORDS.contains(lower)
        && !GENERIC.contains(lower)
}

/// English function words.
static STOPWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOPWORD_LIST.split_whitespace().collect());

const STOPWORD_LIST: &str = "
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
    in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
    once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
    should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up very
    was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
    while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've
    your yours yourself yourselves also just yet still even ever via per etc e.g ie eg us it'll
    that'll there'd what'd gonna wanna gotta ok okay yeah yes oh um uh er erm ah hmm umm uhm mm";

/// Vocabulary every interview answer uses regardless of topic; counting it would make any fluent
/// answer look on-topic.
static GENERIC: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| GENERIC_LIST.split_whitespace().collect());

const GENERIC_LIST: &str = "
    think thought really thing things lot lots like get gets getting got go goes going went gone
    make makes made making way ways want wanted know knew say says said well one two three much
    many good great bit kind sort maybe probably need needed needs time times able use used using
    work worked working first actually basically pretty quite something someone anything everything
    everyone people person put take took taken see saw look looked looking start started try tried
    trying come came back sure right guess mean means stuff whole big little new old day days week
    weeks year years month months last next around roughly approximately usually often always never
    sometimes definitely certainly honestly obviously clearly especially particularly important
    example instance question answer kinds sorts part parts point points case cases team job
    company tell told feel felt let keep kept give gave given ask asked call called find found help
    helped bring brought lead led different else another every without within across along though
    although however whether less least enough already instead rather actual";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_merge_british_and_american_spelling() {
        assert_eq!(stem("prioritise"), stem("prioritize"));
        assert_eq!(stem("prioritised"), stem("prioritizing"));
        assert_eq!(stem("behaviour"), stem("behavior"));
        assert_eq!(stem("analysed"), stem("analyzed"));
        assert_eq!(stem("centre"), stem("center"));
        assert_eq!(stem("cancelled"), stem("canceled"));
        assert_eq!(stem("indexes"), stem("index"));
    }

    #[test]
    fn doc_tracks_sentences_and_offsets() {
        let d = Doc::new("I set up a 1:1. It cost £3.5m! Then we shipped");
        assert_eq!(d.sentences.len(), 3);
        let cost = d.tokens.iter().find(|t| t.lower == "cost").expect("token");
        assert_eq!(cost.sentence, 1);
        assert_eq!(&d.text[cost.start..cost.end], "cost");
        // "3.5" stays inside one sentence.
        assert_eq!(d.sentence_of(d.text.find("5m").expect("offset")), 1);
    }

    #[test]
    fn quotes_are_short_and_on_char_boundaries() {
        let text = "ééé ".repeat(100);
        let d = Doc::new(&text);
        let q = d.quote_at(150, 40);
        assert!(q.chars().count() <= 42, "{q}");
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
    }

    #[test]
    fn function_word_share_separates_prose_from_keyword_lists() {
        let prose = Doc::new(
            "I set up a one-on-one with him and we agreed to test both ideas on real traffic.",
        );
        let list = Doc::new(
            "b-tree sorted logarithmic full table scan insert overhead selectivity storage memory",
        );
        assert!(
            prose.function_word_share() > 0.35,
            "{}",
            prose.function_word_share()
        );
        assert!(
            list.function_word_share() < 0.05,
            "{}",
            list.function_word_share()
        );
    }

    #[test]
    fn content_words_exclude_stopwords_and_generic_talk() {
        assert!(is_content("index"));
        assert!(!is_content("the"));
        assert!(!is_content("really"));
        assert!(!is_content("42"));
    }
}
