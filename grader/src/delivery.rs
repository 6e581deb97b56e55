//! Delivery metrics for spoken answers: pace, fillers, pauses and timing.
//!
//! Works from the transcript alone (words per minute over the recording, filler counts) and gets
//! sharper with word timestamps from the speech-to-text engine (speaking span, long pauses).

use serde::{Deserialize, Serialize};

use crate::fluency::{self, Fluency};
use crate::text::Doc;
use crate::{DimensionScore, round1};

/// A transcribed word with its start and end time in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedWord {
    pub word: String,
    pub start: f32,
    pub end: f32,
}

/// Measured delivery of one spoken answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryMetrics {
    pub words: u32,
    pub words_per_minute: f32,
    pub filler_count: u32,
    pub fillers_per_minute: f32,
    /// Filler → count, most frequent first.
    pub fillers: Vec<(String, u32)>,
    /// Gaps of at least [`LONG_PAUSE_SECONDS`] between consecutive words (needs timestamps).
    pub long_pauses: u32,
    /// Longest gap between consecutive words; `None` without timestamps.
    pub longest_pause_seconds: Option<f32>,
    /// Seconds from the first word's start to the last word's end with timestamps, otherwise the
    /// recording duration.
    pub talk_seconds: f32,
    pub time_limit_seconds: Option<u32>,
    /// The recording ran past the time limit.
    pub over_time: bool,
}

/// A silence this long mid-answer reads as losing the thread rather than a breath.
pub const LONG_PAUSE_SECONDS: f32 = 2.0;
/// Comfortable interview pace, words per minute.
pub const PACE_RANGE: (f32, f32) = (120.0, 160.0);

fn finite_non_negative(x: f32) -> f32 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

/// Computes delivery metrics. Timestamps that are missing, non-finite or out of order are tolerated:
/// words with bad times are ignored for timing but still counted.
pub fn delivery_metrics(
    transcript: &str,
    duration_seconds: f32,
    words: Option<&[TimedWord]>,
    time_limit_seconds: Option<u32>,
) -> DeliveryMetrics {
    let duration = finite_non_negative(duration_seconds);
    let timed: Vec<&TimedWord> = words
        .unwrap_or_default()
        .iter()
        .filter(|w| w.word.chars().any(char::is_alphanumeric))
        .collect();
    let joined;
    let text = if transcript.trim().is_empty() && !timed.is_empty() {
        joined = timed
            .iter()
            .map(|w| w.word.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        joined.as_str()
    } else {
        transcript
    };
    let word_count = if timed.is_empty() {
        Doc::new(text).word_count()
    } else {
        timed.len()
    };

    let valid: Vec<(f32, f32)> = timed
        .iter()
        .filter(|w| w.start.is_finite() && w.end.is_finite() && w.start >= 0.0 && w.end >= w.start)
        .map(|w| (w.start, w.end))
        .collect();
    let (talk_seconds, long_pauses, longest) = if !valid.is_empty() {
        let first = valid.iter().map(|w| w.0).fold(f32::INFINITY, f32::min);
        let last = valid.iter().map(|w| w.1).fold(0.0, f32::max);
        let mut gaps = Vec::new();
        for pair in valid.windows(2) {
            gaps.push((pair[1].0 - pair[0].1).max(0.0));
        }
        let longest = gaps.iter().copied().fold(0.0f32, f32::max);
        let long = gaps.iter().filter(|&&g| g >= LONG_PAUSE_SECONDS).count() as u32;
        ((last - first).max(0.0), long, Some(longest))
    } else {
        (duration, 0, None)
    };

    let Fluency { fillers, .. } = fluency::measure(text);
    let filler_count: u32 = fillers.values().sum();
    let minutes = talk_seconds / 60.0;
    let per_minute = |n: f32| {
        if talk_seconds >= 1.0 {
            n / minutes
        } else {
            0.0
        }
    };
    DeliveryMetrics {
        words: word_count as u32,
        words_per_minute: round1(per_minute(word_count as f32)),
        filler_count,
        fillers_per_minute: round1(per_minute(filler_count as f32)),
        fillers: Fluency::top(&fillers, usize::MAX),
        long_pauses,
        longest_pause_seconds: longest.map(round1),
        talk_seconds: round1(talk_seconds),
        time_limit_seconds,
        over_time: time_limit_seconds.is_some_and(|l| duration > l as f32),
    }
}

fn mmss(seconds: f32) -> String {
    let s = finite_non_negative(seconds).round() as u32;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Scores delivery on `pace`, `fillers`, `pauses` (only with word timestamps) and `timing` (only with
/// a time limit), each 0–10 with a comment quoting the measurement. These keys are not part of any
/// category's content weighting; [`crate::overall_score`] ignores them.
pub fn delivery_dimensions(m: &DeliveryMetrics) -> Vec<DimensionScore> {
    let mut out = Vec::new();
    let wpm = m.words_per_minute;
    let (lo, hi) = PACE_RANGE;
    let (pace, pace_comment) = if m.words == 0 || m.talk_seconds < 1.0 {
        (
            0.0,
            "No speech was detected, so pace could not be measured.".to_string(),
        )
    } else if wpm < lo {
        (
            10.0 - (lo - wpm) / 8.0,
            format!(
                "{wpm:.0} words per minute is slow (aim for {lo:.0}–{hi:.0}); tighten pauses and move between points faster."
            ),
        )
    } else if wpm > hi {
        (
            10.0 - (wpm - hi) / 8.0,
            format!(
                "{wpm:.0} words per minute is fast (aim for {lo:.0}–{hi:.0}); slow down so key numbers land."
            ),
        )
    } else {
        (
            10.0,
            format!("{wpm:.0} words per minute is a comfortable interview pace ({lo:.0}–{hi:.0})."),
        )
    };
    out.push(dim("pace", "Pace", pace, pace_comment));

    let fpm = m.fillers_per_minute;
    let top: Vec<String> = m
        .fillers
        .iter()
        .take(3)
        .map(|(f, n)| format!("\"{f}\" ×{n}"))
        .collect();
    let filler_score = if m.words == 0 {
        0.0
    } else {
        10.0 - (fpm - 1.0).max(0.0) * 1.2
    };
    let filler_comment = if m.words == 0 {
        "No speech was detected.".to_string()
    } else if m.filler_count == 0 {
        "No filler words detected.".to_string()
    } else if fpm <= 1.0 {
        format!(
            "{} filler word(s) ({}), {fpm:.1} per minute: barely noticeable.",
            m.filler_count,
            top.join(", ")
        )
    } else {
        format!(
            "{} filler words, {fpm:.1} per minute ({}); replace them with a short silent pause.",
            m.filler_count,
            top.join(", ")
        )
    };
    out.push(dim("fillers", "Filler words", filler_score, filler_comment));

    if let Some(longest) = m.longest_pause_seconds {
        let per_min = if m.talk_seconds >= 1.0 {
            m.long_pauses as f32 / (m.talk_seconds / 60.0)
        } else {
            0.0
        };
        let mut score = 10.0 - per_min * 2.5;
        if longest > 5.0 {
            score -= 2.0;
        }
        let comment = if m.long_pauses == 0 {
            format!("No pauses over {LONG_PAUSE_SECONDS:.0} s; the longest gap was {longest:.1} s.")
        } else {
            format!(
                "{} pause(s) over {LONG_PAUSE_SECONDS:.0} s, the longest {longest:.1} s; signpost (\"next…\") instead of stopping to think mid-sentence.",
                m.long_pauses
            )
        };
        out.push(dim("pauses", "Pauses", score, comment));
    }

    if let Some(limit) = m.time_limit_seconds.filter(|&l| l > 0) {
        let used = m.talk_seconds;
        let ratio = used / limit as f32;
        let (score, comment) = if m.over_time {
            // The recording ran over; talk time may be shorter if it ended in silence.
            (
                10.0 - (ratio - 1.0).max(0.05) * 20.0,
                format!(
                    "Ran over the {} limit; close with your conclusion before time is up.",
                    mmss(limit as f32)
                ),
            )
        } else if ratio < 0.4 {
            (
                10.0 * ratio / 0.4,
                format!(
                    "Used {} of {} ({:.0}%); the answer is too short to cover the key points.",
                    mmss(used),
                    mmss(limit as f32),
                    ratio * 100.0
                ),
            )
        } else {
            (
                10.0,
                format!(
                    "Used {} of {} ({:.0}%), within the limit.",
                    mmss(used),
                    mmss(limit as f32),
                    ratio * 100.0
                ),
            )
        };
        out.push(dim("timing", "Timing", score, comment));
    }
    out
}

fn dim(key: &str, name: &str, score: f32, comment: String) -> DimensionScore {
    DimensionScore {
        key: key.into(),
        name: name.into(),
        score: round1(score.clamp(0.0, 10.0)),
        comment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(words: &[(&str, f32, f32)]) -> Vec<TimedWord> {
        words
            .iter()
            .map(|&(w, s, e)| TimedWord {
                word: w.into(),
                start: s,
                end: e,
            })
            .collect()
    }

    #[test]
    fn transcript_only_metrics() {
        let t =
            "Um so I think, like, the main thing is, um, caching. You know, caching the hot keys.";
        let m = delivery_metrics(t, 10.0, None, Some(60));
        assert_eq!(m.words, 17);
        assert_eq!(m.words_per_minute, 102.0);
        assert_eq!(m.filler_count, 4, "{:?}", m.fillers);
        assert_eq!(m.fillers[0], ("um".to_string(), 2));
        assert_eq!(m.longest_pause_seconds, None);
        assert_eq!(m.long_pauses, 0);
        assert!(!m.over_time);
        let keys: Vec<String> = delivery_dimensions(&m).into_iter().map(|d| d.key).collect();
        assert_eq!(
            keys,
            ["pace", "fillers", "timing"],
            "no pauses dimension without timestamps"
        );
    }

    #[test]
    fn timestamp_metrics_find_pauses_and_span() {
        let words = timed(&[
            ("So", 0.5, 0.7),
            ("first", 0.8, 1.1),
            ("um", 1.2, 1.4),
            ("I", 4.0, 4.1),
            ("would", 4.2, 4.4),
            ("cache", 4.5, 5.0),
            ("it", 8.0, 8.2),
        ]);
        let m = delivery_metrics("", 9.0, Some(&words), Some(5));
        assert_eq!(m.words, 7);
        assert_eq!(m.talk_seconds, 7.7);
        assert_eq!(m.long_pauses, 2);
        assert_eq!(m.longest_pause_seconds, Some(3.0));
        assert_eq!(m.filler_count, 1);
        assert!(m.over_time);
        let dims = delivery_dimensions(&m);
        let pauses = dims
            .iter()
            .find(|d| d.key == "pauses")
            .expect("pauses dimension");
        assert!(pauses.score < 5.0, "{pauses:?}");
        assert!(pauses.comment.contains("3.0 s"));
        let timing = dims
            .iter()
            .find(|d| d.key == "timing")
            .expect("timing dimension");
        assert!(timing.score < 10.0 && timing.comment.contains("Ran over"));
    }

    #[test]
    fn pace_scoring_rewards_conversational_speed() {
        let words = "word ".repeat(140);
        let ok = delivery_metrics(&words, 60.0, None, None);
        let fast = delivery_metrics(&words, 35.0, None, None);
        let pace = |m: &DeliveryMetrics| delivery_dimensions(m)[0].score;
        assert_eq!(pace(&ok), 10.0);
        assert!(pace(&fast) < 6.0);
        assert!(delivery_dimensions(&fast)[0].comment.contains("fast"));
    }

    #[test]
    fn bad_inputs_do_not_panic() {
        let words = timed(&[("a", f32::NAN, 1.0), ("b", 2.0, 1.0), ("", 0.0, 0.0)]);
        let m = delivery_metrics("", f32::INFINITY, Some(&words), Some(0));
        assert!(m.words_per_minute.is_finite());
        let _ = delivery_dimensions(&m);
        let empty = delivery_metrics("", 0.0, None, Some(60));
        assert_eq!(empty.words, 0);
        assert!(
            delivery_dimensions(&empty)
                .iter()
                .all(|d| d.score.is_finite())
        );
    }
}
