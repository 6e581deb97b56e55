//! Numbers: extraction with units, matching against expected figures, and arithmetic checks.
//!
//! Candidates write the same quantity many ways ("720", "£720m", "720 million", "0.72bn"), and round
//! ("about £77m" for 76.8). A mention therefore keeps both the number as written (`raw`) and the
//! scaled value, plus its precision, so "720" can match a figure of 720 (£m) and "£0.72bn" can too,
//! while "620 million" cannot.

use std::sync::LazyLock;

use regex::Regex;

use crate::ExpectedFigure;
use crate::text::{Doc, stem};

/// What kind of quantity a mention is; percentages never match plain counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Plain,
    Percent,
    /// "8x", a multiple.
    Multiple,
    /// Bytes ("2 GB", "9 petabytes"); value is in bytes.
    Data,
}

/// A number found in text.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    /// The number as written, without its scale: 720 in "£720m".
    pub raw: f64,
    /// Multiplier from a suffix or scale word (1e6 for "m"/"million"), 1 when none.
    pub scale: f64,
    pub kind: Kind,
    pub currency: Option<char>,
    /// Half a unit of the last significant digit, relative to `raw` (rounding the candidate did).
    pub rel_half_ulp: f64,
    /// Preceded by "about", "roughly", "~"…
    pub approx: bool,
    /// Looks like a calendar year (1900–2100 with no unit).
    pub year_like: bool,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Mention {
    /// The absolute value: raw × scale.
    pub fn value(&self) -> f64 {
        self.raw * self.scale
    }

    /// The value used in arithmetic: percentages become fractions.
    pub fn arith_value(&self) -> f64 {
        if self.kind == Kind::Percent {
            self.value() / 100.0
        } else {
            self.value()
        }
    }

    /// True when the mention carries no unit or scale at all ("720", "60").
    pub fn is_bare(&self) -> bool {
        self.scale == 1.0 && self.kind == Kind::Plain && self.currency.is_none()
    }
}

static NUMBER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:(?P<cur>[£$€])\s?)?
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        (?P<suf>
            \s?(?:percent|per\s?cent|thousand|million|billion|trillion|hundred
                 |megabytes?|gigabytes?|terabytes?|petabytes?|exabytes?)\b
          | %
          | \s?(?:bn|mn|tn|mb|gb|tb|pb|eb)\b
          | (?:k|m|b|x)\b
        )?",
    )
    .expect("valid number regex")
});

static APPROX_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:about|around|roughly|approximately|approx\.?|circa|ca\.|~|nearly|almost|call it|say|maybe|like|some)\s*$")
        .expect("valid approx regex")
});

static CURRENCY_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(pounds|quid|dollars|bucks|euros|gbp|usd|eur)\b")
        .expect("valid currency regex")
});

/// Extracts every numeric mention (digits with units, and number words such as "two million").
pub(crate) fn extract(doc: &Doc) -> Vec<Mention> {
    let mut out = digit_mentions(doc.text);
    out.extend(word_mentions(doc));
    out.sort_by_key(|m| m.start);
    out
}

/// Extracts mentions from a short free text (keywords, prompts).
pub(crate) fn extract_str(text: &str) -> Vec<Mention> {
    extract(&Doc::unstemmed(text))
}

fn digit_mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for caps in NUMBER_RE.captures_iter(text) {
        let (Some(whole), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        // Skip digits glued to letters: "h264", "p99", "b2b", "1080p", "100ms".
        let before = text[..whole.start()].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
            continue;
        }
        let after = text[whole.end()..].chars().next();
        if after.is_some_and(|c| c.is_alphabetic() || c == '_') {
            continue;
        }
        let digits = num.as_str().replace(',', "");
        let Ok(raw) = digits.parse::<f64>() else {
            continue;
        };
        if !raw.is_finite() {
            continue;
        }
        let suffix = caps
            .name("suf")
            .map(|s| s.as_str().trim().to_lowercase())
            .unwrap_or_default();
        let (scale, kind) = suffix_scale(&suffix);
        let mut currency = caps.name("cur").and_then(|c| c.as_str().chars().next());
        if currency.is_none()
            && let Some(c) = CURRENCY_AFTER_RE.captures(&text[whole.end()..])
        {
            currency = match c.get(1).map(|m| m.as_str().to_lowercase()).as_deref() {
                Some("pounds" | "quid" | "gbp") => Some('£'),
                Some("euros" | "eur") => Some('€'),
                _ => Some('$'),
            };
        }
        let approx = APPROX_BEFORE_RE.is_match(&text[..whole.start()]);
        let year_like = suffix.is_empty()
            && currency.is_none()
            && !num.as_str().contains([',', '.'])
            && (1900.0..=2100.0).contains(&raw);
        out.push(Mention {
            raw,
            scale,
            kind,
            currency,
            rel_half_ulp: rel_half_ulp(num.as_str(), raw),
            approx,
            year_like,
            start: whole.start(),
            end: whole.end(),
            text: whole.as_str().trim().to_string(),
        });
    }
    out
}

fn suffix_scale(suffix: &str) -> (f64, Kind) {
    let s: String = suffix.chars().filter(|c| !c.is_whitespace()).collect();
    match s.as_str() {
        "%" | "percent" | "percent." | "percent," => (1.0, Kind::Percent),
        _ if s.starts_with("per") && s.ends_with("cent") => (1.0, Kind::Percent),
        "k" | "thousand" => (1e3, Kind::Plain),
        "m" | "mn" | "million" => (1e6, Kind::Plain),
        "b" | "bn" | "billion" => (1e9, Kind::Plain),
        "tn" | "trillion" => (1e12, Kind::Plain),
        "hundred" => (1e2, Kind::Plain),
        "x" => (1.0, Kind::Multiple),
        "mb" | "megabyte" | "megabytes" => (1e6, Kind::Data),
        "gb" | "gigabyte" | "gigabytes" => (1e9, Kind::Data),
        "tb" | "terabyte" | "terabytes" => (1e12, Kind::Data),
        "pb" | "petabyte" | "petabytes" => (1e15, Kind::Data),
        "eb" | "exabyte" | "exabytes" => (1e18, Kind::Data),
        _ => (1.0, Kind::Plain),
    }
}

/// Half a unit in the last significant place, relative to the value: "720" → 5/720, "3.5" → 0.05/3.5,
/// "600,000" → 50,000/600,000. Captures how much rounding the writer signalled.
fn rel_half_ulp(written: &str, raw: f64) -> f64 {
    if raw == 0.0 {
        return 0.0;
    }
    let digits = written.replace(',', "");
    let half = if let Some((_, dec)) = digits.split_once('.') {
        0.5 * 10f64.powi(-(dec.len().min(12) as i32))
    } else {
        let trailing = digits.chars().rev().take_while(|&c| c == '0').count();
        let trailing = trailing.min(digits.len().saturating_sub(1)).min(15);
        0.5 * 10f64.powi(trailing as i32)
    };
    (half / raw.abs()).min(1.0)
}

fn number_word(w: &str) -> Option<f64> {
    let v = match w {
        "zero" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    };
    Some(v)
}

fn scale_word(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" => Some(1e6),
        "billion" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

/// Number words: "two million", "a hundred", "half a million", "forty five", "fifty percent".
/// Digits followed by scale words ("3 million") are handled by the digit regex instead.
fn word_mentions(doc: &Doc) -> Vec<Mention> {
    let toks = &doc.tokens;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let w = toks[i].lower.as_str();
        let starts = number_word(w).is_some()
            || (matches!(w, "a" | "an")
                && toks
                    .get(i + 1)
                    .is_some_and(|t| scale_word(&t.lower).is_some()))
            || (w == "half"
                && toks
                    .get(i + 1)
                    .is_some_and(|t| matches!(t.lower.as_str(), "a" | "an"))
                && toks
                    .get(i + 2)
                    .is_some_and(|t| scale_word(&t.lower).is_some_and(|s| s >= 1e3)));
        let prev_is_digit = i > 0
            && toks[i - 1].lower.chars().all(|c| c.is_ascii_digit())
            && toks[i - 1].sentence == toks[i].sentence;
        if !starts || prev_is_digit {
            i += 1;
            continue;
        }
        let (mut total, mut current, mut used_scale, mut half) = (0.0f64, 0.0f64, false, false);
        let begin = i;
        let mut j = i;
        while j < toks.len() {
            let t = toks[j].lower.as_str();
            if let Some(v) = number_word(t) {
                current += v;
            } else if let Some(s) = scale_word(t) {
                used_scale = true;
                let base = if current == 0.0 { 1.0 } else { current };
                if s == 1e2 {
                    current = base * 100.0;
                } else {
                    total += base * s;
                    current = 0.0;
                }
            } else {
                // Glue words: a leading "a"/"half a", and "and" between number words.
                let glue = (matches!(t, "a" | "an") && (j == begin || (half && j == begin + 1)))
                    || (t == "half" && j == begin)
                    || (t == "and"
                        && j > begin
                        && toks
                            .get(j + 1)
                            .is_some_and(|n| number_word(&n.lower).is_some()));
                if !glue {
                    break;
                }
                if t == "half" {
                    half = true;
                }
            }
            j += 1;
        }
        let mut value = total + current;
        if half {
            value *= 0.5;
        }
        let last = j.saturating_sub(1).max(begin);
        let mut end = toks[last].end;
        let mut kind = Kind::Plain;
        if let Some(n) = toks.get(j)
            && n.lower == "percent"
        {
            kind = Kind::Percent;
            end = n.end;
        }
        if (value >= 2.0 || used_scale) && value.is_finite() {
            let start = toks[begin].start;
            out.push(Mention {
                raw: value,
                scale: 1.0,
                kind,
                currency: None,
                rel_half_ulp: rel_half_ulp(&format!("{value:.0}"), value),
                approx: APPROX_BEFORE_RE.is_match(&doc.text[..start]),
                year_like: false,
                start,
                end,
                text: doc.text.get(start..end).unwrap_or_default().to_string(),
            });
        }
        i = j.max(i + 1);
    }
    out
}

fn approx_eq(a: f64, b: f64, rel_tol: f64) -> bool {
    let scale = a.abs().max(b.abs());
    if scale == 0.0 {
        return true;
    }
    (a - b).abs() <= rel_tol * scale + 1e-12
}

/// Largest relative tolerance ever granted for rounding (so "300" never matches 280).
const MAX_ROUNDING_TOL: f64 = 0.06;
/// Base relative tolerance for exact-looking figures.
const BASE_TOL: f64 = 0.015;

fn tolerance(a: &Mention, b: &Mention) -> f64 {
    BASE_TOL.max(a.rel_half_ulp.max(b.rel_half_ulp).min(MAX_ROUNDING_TOL))
}

/// Whether two mentions state the same quantity, allowing for units written differently
/// ("£720m" vs "720" vs "0.72bn") and for the rounding either side signalled.
pub(crate) fn same_quantity(a: &Mention, b: &Mention) -> bool {
    let pct = |m: &Mention| m.kind == Kind::Percent;
    // 2.6% and 0.026 are one rate: a percentage against a plain fraction compares as a fraction.
    let as_fraction = |p: &Mention, f: &Mention| {
        pct(p)
            && f.kind == Kind::Plain
            && f.currency.is_none()
            && f.scale == 1.0
            && f.raw.abs() <= 1.0
            && f.raw != 0.0
            && approx_eq(p.value() / 100.0, f.raw, tolerance(p, f))
    };
    if as_fraction(a, b) || as_fraction(b, a) {
        return true;
    }
    if pct(a) != pct(b) && !(a.is_bare() || b.is_bare()) {
        return false;
    }
    if (a.kind == Kind::Data) != (b.kind == Kind::Data) && !(a.is_bare() || b.is_bare()) {
        return false;
    }
    let tol = tolerance(a, b);
    if approx_eq(a.value(), b.value(), tol) {
        return true;
    }
    // Shorthand: one side without a scale ("720" for "£720m") compares the written numbers.
    if (a.scale == 1.0 || b.scale == 1.0) && approx_eq(a.raw, b.raw, tol) {
        return true;
    }
    // A bare number may be in implied thousands, millions or billions ("720" vs "£0.72bn").
    let implied = |bare: &Mention, scaled: &Mention| {
        bare.is_bare()
            && scaled.scale > 1.0
            && [1e3, 1e6, 1e9]
                .iter()
                .any(|s| approx_eq(bare.raw * s, scaled.value(), tol))
    };
    implied(a, b) || implied(b, a)
}

/// How far apart two quantities are, as a ratio ≥ 1 (1 = equal), reading a bare number in whichever
/// implied scale (units, thousands, millions, billions) brings it closest to the other.
pub(crate) fn magnitude_ratio(a: &Mention, b: &Mention) -> f64 {
    let scales = |m: &Mention| -> Vec<f64> {
        if m.is_bare() {
            vec![1.0, 1e3, 1e6, 1e9]
        } else {
            vec![m.scale]
        }
    };
    let mut best = f64::INFINITY;
    for sa in scales(a) {
        for sb in scales(b) {
            let (x, y) = ((a.raw * sa).abs(), (b.raw * sb).abs());
            if x == 0.0 || y == 0.0 {
                if x == y {
                    return 1.0;
                }
                continue;
            }
            best = best.min(x.max(y) / x.min(y));
        }
    }
    best
}

/// Whether an answer's mention states the figure a detection term names — stricter than
/// [`same_quantity`]: a term with a unit (%, currency, scale) is met only by the same value with a
/// compatible unit, and the tolerance is the writers' rounding (at least 0.5%, at most 3%).
pub(crate) fn states_figure(term: &Mention, m: &Mention) -> bool {
    if m.year_like {
        return false;
    }
    let tol = 0.005_f64.max(term.rel_half_ulp.max(m.rel_half_ulp).min(0.03));
    if term.is_bare() {
        // "4,800" is met by "4,800" or "4.8k", never by "15%" or "£20".
        return m.kind == Kind::Plain
            && m.currency.is_none()
            && (approx_eq(term.raw, m.raw, tol) || approx_eq(term.raw, m.value(), tol));
    }
    if m.is_bare() || term.kind != m.kind {
        return false;
    }
    if term.currency.is_some() && m.currency.is_some() && term.currency != m.currency {
        return false;
    }
    approx_eq(term.value(), m.value(), tol)
}

/// An expected figure turned into a mention so the same comparison applies.
fn figure_mention(f: &ExpectedFigure) -> Mention {
    let unit = f
        .unit
        .clone()
        .unwrap_or_else(|| unit_from_label(&f.label))
        .to_lowercase();
    let currency = unit.chars().find(|c| matches!(c, '£' | '$' | '€'));
    let letters: String = unit
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '%')
        .collect();
    let (scale, kind) = match letters.as_str() {
        "%" | "percent" | "pct" => (1.0, Kind::Percent),
        "x" | "times" => (1.0, Kind::Multiple),
        _ if is_rate(f) => (1.0, Kind::Percent),
        other => suffix_scale(other),
    };
    Mention {
        // A rate kept as a fraction is compared as the percentage people say.
        raw: if kind == Kind::Percent && is_rate(f) {
            f.value * 100.0
        } else {
            f.value
        },
        scale,
        kind,
        currency,
        rel_half_ulp: 0.0,
        approx: false,
        year_like: false,
        start: 0,
        end: 0,
        text: format_figure(f),
    }
}

/// "Revenue (£m)" → "£m".
fn unit_from_label(label: &str) -> String {
    label
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(u, _)| u.trim().to_string())
        .unwrap_or_default()
}

/// Formats an expected figure the way a person would say it: "£720m", "3.3%", "9.4x", "60 units".
pub(crate) fn format_figure(f: &ExpectedFigure) -> String {
    let v = trim_number(f.value);
    let unit = f.unit.clone().unwrap_or_else(|| unit_from_label(&f.label));
    let u = unit.trim();
    if u.is_empty() {
        // A ratio kept as a fraction reads as a percentage: "68%", not "0.68".
        return if is_rate(f) {
            format!("{}%", trim_number((f.value * 1000.0).round() / 10.0))
        } else {
            v
        };
    }
    if let Some(rest) = u.strip_prefix(['£', '$', '€']) {
        let cur = &u[..u.len() - rest.len()];
        return format!("{cur}{v}{rest}");
    }
    if u == "%" || u == "x" || (u.len() <= 2 && u.chars().all(|c| c.is_ascii_alphabetic())) {
        return format!("{v}{u}");
    }
    format!("{v} {u}")
}

/// Formats a number with at most three decimals and thousands separators: 600000 → "600,000".
pub(crate) fn trim_number(v: f64) -> String {
    if !v.is_finite() {
        return "?".into();
    }
    let s = format!("{:.3}", v.abs());
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 && int.len() > 4 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && s != "0" { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A computed value written the way the answer wrote its result: "£5.05m", "2.6%", "1,200".
pub(crate) fn in_units_of(value: f64, like: &Mention) -> String {
    if like.kind == Kind::Percent {
        return format!("{}%", trim_number(value * 100.0));
    }
    let (scaled, suffix) = match like.scale {
        s if s >= 1e9 => (value / 1e9, "bn"),
        s if s >= 1e6 => (value / 1e6, "m"),
        s if s >= 1e3 => (value / 1e3, "k"),
        _ => (value, ""),
    };
    let sign = if scaled < 0.0 { "-" } else { "" };
    let currency = like.currency.map(String::from).unwrap_or_default();
    format!("{sign}{currency}{}{suffix}", trim_number(scaled.abs()))
}

/// Outcome of checking one expected figure against the answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FigureStatus {
    /// Quoted correctly (the mention's text is kept for feedback).
    Matched(String),
    /// Estimation only: the right order of magnitude but more than 1.5× off.
    Close(String),
    /// A figure for this label was stated but is wrong.
    Wrong(String),
    /// Not stated.
    Missing,
}

#[derive(Debug, Clone)]
pub(crate) struct FigureCheck {
    pub label: String,
    pub expected: String,
    pub status: FigureStatus,
}

/// Checks case figures: exact within rounding; a mention next to the figure's label words with the
/// same units but a different value counts as a wrong figure. Numbers restated from the prompt are
/// never counted as wrong.
pub(crate) fn check_case_figures(
    figures: &[ExpectedFigure],
    doc: &Doc,
    mentions: &[Mention],
    prompt_mentions: &[Mention],
) -> Vec<FigureCheck> {
    let fms: Vec<Mention> = figures.iter().map(figure_mention).collect();
    let usable: Vec<&Mention> = mentions.iter().filter(|m| !m.year_like).collect();
    let matches_any_figure = |m: &Mention| fms.iter().any(|f| same_quantity(f, m));
    let restated = |m: &Mention| prompt_mentions.iter().any(|p| same_quantity(p, m));
    figures
        .iter()
        .zip(&fms)
        .map(|(fig, fm)| {
            let label = label_stems(&fig.label);
            // A figure equal to a number already in the prompt only counts when the candidate
            // ties it to the figure's label; otherwise restating the prompt would score.
            let coincides = prompt_mentions.iter().any(|p| same_quantity(fm, p));
            // A bare number ("60" stores) is never a money figure unless it is tied to the label.
            let bare_for_money = |m: &Mention| fm.currency.is_some() && m.is_bare();
            let found = usable.iter().find(|m| {
                same_quantity(fm, m)
                    && (!(coincides || bare_for_money(m)) || near_label(doc, m, &label))
            });
            let status = if let Some(m) = found {
                FigureStatus::Matched(m.text.clone())
            } else {
                // A wrong figure is one stated as the same kind of thing: a rate as a percentage
                // or fraction, a count in months with "months" after it.
                let rate = is_rate(fig);
                let unit_word = unit_word(fig);
                let same_kind = |m: &Mention| {
                    (!rate || m.kind == Kind::Percent || (m.is_bare() && m.raw.abs() <= 1.5))
                        && unit_word.as_deref().is_none_or(|w| word_after(doc, m, w))
                };
                usable
                    .iter()
                    .find(|m| {
                        compatible(fm, m)
                            && same_kind(m)
                            && !matches_any_figure(m)
                            && !restated(m)
                            && within_band(fm, m, 20.0)
                            && near_label(doc, m, &label)
                    })
                    .map_or(FigureStatus::Missing, |m| {
                        FigureStatus::Wrong(m.text.clone())
                    })
            };
            FigureCheck {
                label: fig.label.clone(),
                expected: format_figure(fig),
                status,
            }
        })
        .collect()
}

/// Checks estimation figures, which are ballparks: within 1.5× is right, within 3× is close, and the
/// best compatible mention further off than that is wrong.
pub(crate) fn check_estimate_figures(
    figures: &[ExpectedFigure],
    mentions: &[Mention],
) -> Vec<FigureCheck> {
    figures
        .iter()
        .map(|fig| {
            let fm = figure_mention(fig);
            let target = fm.value();
            let best = mentions
                .iter()
                .filter(|m| !m.year_like && compatible(&fm, m) && m.value() > 0.0)
                .map(|m| (m, (m.value() / target).ln().abs()))
                .filter(|(_, d)| d.is_finite())
                .min_by(|a, b| a.1.total_cmp(&b.1));
            let status = match best {
                _ if target <= 0.0 => FigureStatus::Missing,
                None => FigureStatus::Missing,
                Some((m, d)) if d <= 1.5f64.ln() => FigureStatus::Matched(m.text.clone()),
                Some((m, d)) if d <= 3f64.ln() => FigureStatus::Close(m.text.clone()),
                Some((m, _)) => FigureStatus::Wrong(m.text.clone()),
            };
            FigureCheck {
                label: fig.label.clone(),
                expected: format_figure(fig),
                status,
            }
        })
        .collect()
}

/// Same kind of quantity: percent with percent, money with money, bytes with bytes.
/// A unitless figure between 0 and 1 whose label names a rate or ratio (kept as a fraction).
fn is_rate(f: &ExpectedFigure) -> bool {
    let label = f.label.to_lowercase();
    f.unit.as_deref().is_none_or(|u| u.trim().is_empty())
        && unit_from_label(&f.label).is_empty()
        && f.value > 0.0
        && f.value < 1.0
        && [
            "ratio",
            "rate",
            "margin",
            "share",
            "percent",
            "proportion",
            "conversion",
            "churn",
            "occupancy",
            "utilisation",
            "utilization",
            "penetration",
            "yield",
            "-to-",
        ]
        .iter()
        .any(|w| label.contains(w))
}

/// The word a figure is counted in ("months" in "Payback (months)"), if it is a plain word rather
/// than a currency, scale, percentage or multiple.
fn unit_word(f: &ExpectedFigure) -> Option<String> {
    let unit = f.unit.clone().unwrap_or_else(|| unit_from_label(&f.label));
    let u = unit.trim().to_lowercase();
    (u.len() > 2 && u.chars().all(|c| c.is_alphabetic() || c == ' ')).then(|| stem(&u))
}

fn compatible(fig: &Mention, m: &Mention) -> bool {
    if (fig.kind == Kind::Percent) != (m.kind == Kind::Percent) {
        return false;
    }
    if (fig.kind == Kind::Data) != (m.kind == Kind::Data) {
        return false;
    }
    // Money never stands for a count; a count written without "£" may still be money.
    !(fig.currency.is_none() && m.currency.is_some())
}

fn within_band(fig: &Mention, m: &Mention, factor: f64) -> bool {
    let ok = |a: f64, b: f64| a > 0.0 && b > 0.0 && a / b <= factor && b / a <= factor;
    ok(fig.value(), m.value()) || (m.scale == 1.0 && ok(fig.raw, m.raw))
}

/// Content stems of a figure label, minus numbers and words too generic to locate a figure.
fn label_stems(label: &str) -> Vec<String> {
    const WEAK: &[&str] = &[
        "total", "per", "year", "annual", "month", "monthly", "from", "the", "of", "at", "to",
        "after", "new",
    ];
    crate::text::phrase_words(label)
        .into_iter()
        .filter(|w| {
            w.chars().any(char::is_alphabetic) && !WEAK.contains(&w.as_str()) && w.len() > 1
        })
        .map(|w| stem(&w))
        .collect()
}

/// Whether a label word occurs within six words of the mention in the same sentence (also matching
/// two adjacent words written as one, "pay back" for "payback").
/// Whether the word (a stem) follows the mention within two words ("80 branches" is not months).
fn word_after(doc: &Doc, m: &Mention, word: &str) -> bool {
    let idx = doc.tokens.partition_point(|t| t.start < m.end);
    doc.tokens[idx..(idx + 2).min(doc.tokens.len())]
        .iter()
        .any(|t| t.stem == word)
}

fn near_label(doc: &Doc, m: &Mention, label: &[String]) -> bool {
    if label.is_empty() {
        return false;
    }
    let sentence = doc.sentence_of(m.start);
    let idx = doc
        .tokens
        .iter()
        .position(|t| t.start >= m.start)
        .unwrap_or(doc.tokens.len());
    let lo = idx.saturating_sub(6);
    let hi = (idx + 7).min(doc.tokens.len());
    let window = &doc.tokens[lo..hi];
    window.iter().enumerate().any(|(k, t)| {
        t.sentence == sentence
            && (label.contains(&t.stem)
                || window.get(k + 1).is_some_and(|n| {
                    n.sentence == sentence
                        && label.contains(&stem(&format!("{}{}", t.lower, n.lower)))
                }))
    })
}

/// One "a op b … = c" statement found in the answer.
#[derive(Debug, Clone)]
pub(crate) struct ArithCheck {
    /// The statement as written.
    pub text: String,
    /// What the operands actually give, formatted.
    pub computed: String,
    pub stated: String,
    pub ok: bool,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Mul,
    Div,
    Add,
    Sub,
}

static OP_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(times|multiplied by|divided by|divide (?:it |that )?by|plus|minus)\b")
        .expect("valid op regex")
});
static OP_SYMBOL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(x|×|\*|/|÷|\+|over|of)\s*$").expect("valid op symbol regex")
});
static CONNECTOR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b(?:is|are|equals|gives(?: us| you| me)?|that's|thats|makes|comes to|comes out at|gets (?:you|us|me)|get|leaves|so)\b|=|→|->)")
        .expect("valid connector regex")
});
static PRECEDING_OP_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:minus|plus|times|divided by|over|[-+*/×÷])\s*$").expect("valid regex")
});

fn link_op(between: &str, left: &Mention) -> Option<Op> {
    if between.len() > 40 || between.contains(['\n']) {
        return None;
    }
    if let Some(c) = OP_SYMBOL_RE.captures(between) {
        return match c.get(1).map(|m| m.as_str().to_lowercase()).as_deref() {
            Some("x" | "×" | "*") => Some(Op::Mul),
            Some("/" | "÷" | "over") => Some(Op::Div),
            Some("+") => Some(Op::Add),
            Some("of") if left.kind == Kind::Percent => Some(Op::Mul),
            _ => None,
        };
    }
    let ops: Vec<String> = OP_WORD_RE
        .find_iter(between)
        .map(|m| m.as_str().to_lowercase())
        .collect();
    if ops.len() != 1 {
        return None;
    }
    // The operator must come after anything that looks like a result connector, otherwise
    // "is 60 … times" is a new chain, not a continuation.
    let op = ops[0].as_str();
    match op {
        "times" | "multiplied by" => Some(Op::Mul),
        "plus" => Some(Op::Add),
        "minus" => Some(Op::Sub),
        _ => Some(Op::Div),
    }
}

fn link_connector(between: &str) -> bool {
    between.len() <= 40
        && !between.contains('\n')
        && CONNECTOR_RE.is_match(between)
        && OP_WORD_RE.find(between).is_none()
}

/// Finds statements such as "40 stores times £18m is £720m" or "52 divided by 3 is about 17 million"
/// and checks them. Chains ("50 × 2,000 × £40 is £4m") are evaluated left to right. A result stated
/// in a different thousands-scale ("40 × 18 = 720" for £720m) is accepted as shorthand.
pub(crate) fn check_arithmetic(text: &str, mentions: &[Mention]) -> Vec<ArithCheck> {
    let ms: Vec<&Mention> = mentions.iter().filter(|m| !m.year_like).collect();
    let between = |a: &Mention, b: &Mention| text.get(a.end..b.start).unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < ms.len() {
        // Skip chains that begin mid-expression ("one minus 50 over 60").
        let pre = text.get(..ms[i].start).unwrap_or("");
        let pre_tail: String = pre
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if i > 0 && link_op(between(ms[i - 1], ms[i]), ms[i - 1]).is_some() {
            i += 1;
            continue;
        }
        if PRECEDING_OP_RE.is_match(&pre_tail) {
            i += 1;
            continue;
        }
        let mut acc = ms[i].arith_value();
        let mut j = i;
        let mut ops = 0;
        while j + 1 < ms.len() {
            let Some(op) = link_op(between(ms[j], ms[j + 1]), ms[j]) else {
                break;
            };
            let v = ms[j + 1].arith_value();
            acc = match op {
                Op::Mul => acc * v,
                Op::Div if v != 0.0 => acc / v,
                Op::Div => f64::NAN,
                Op::Add => acc + v,
                Op::Sub => acc - v,
            };
            ops += 1;
            j += 1;
        }
        if ops > 0
            && j + 1 < ms.len()
            && link_connector(between(ms[j], ms[j + 1]))
            && acc.is_finite()
        {
            let result = ms[j + 1];
            let stated = result.arith_value();
            let tol = if result.approx {
                0.12
            } else {
                0.03f64.max(result.rel_half_ulp.min(0.12))
            };
            let ok = (-3..=3).any(|k| approx_eq(acc * 1000f64.powi(k), stated, tol));
            out.push(ArithCheck {
                text: text
                    .get(ms[i].start..result.end)
                    .map(crate::text::collapse_ws)
                    .unwrap_or_default(),
                // Shown in the scale the answer used ("40 × 18" is 720, said as "620 million").
                computed: in_units_of(
                    (-3..=3)
                        .map(|k| acc * 1000f64.powi(k))
                        .min_by(|x, y| {
                            let d =
                                |v: f64| (v.abs().max(1e-12) / stated.abs().max(1e-12)).ln().abs();
                            d(*x).total_cmp(&d(*y))
                        })
                        .unwrap_or(acc),
                    result,
                ),
                stated: result.text.clone(),
                ok,
            });
            i = j + 1;
        } else {
            i = j.max(i) + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Mention {
        let ms = extract_str(s);
        assert_eq!(ms.len(), 1, "{s}: {ms:?}");
        ms[0].clone()
    }

    fn fig(value: f64, unit: &str) -> ExpectedFigure {
        ExpectedFigure {
            label: "Revenue from large stores".into(),
            value,
            unit: Some(unit.into()),
        }
    }

    #[test]
    fn parses_units_and_formats() {
        assert_eq!(one("£720m").value(), 720e6);
        assert_eq!(one("0.72bn").value(), 720e6);
        assert_eq!(one("720 million").value(), 720e6);
        assert_eq!(one("$1,200").value(), 1200.0);
        assert_eq!(one("about 3.3%").kind, Kind::Percent);
        assert!(one("about 3.3%").approx);
        assert_eq!(one("8x").kind, Kind::Multiple);
        assert_eq!(one("2 GB").value(), 2e9);
        assert_eq!(one("two million").value(), 2e6);
        assert_eq!(one("half a million").value(), 5e5);
        assert_eq!(one("forty five").value(), 45.0);
        assert_eq!(one("2 million pounds").currency, Some('£'));
        assert!(one("in 2021").year_like);
    }

    #[test]
    fn ignores_digits_inside_identifiers() {
        assert!(extract_str("h264 and p99 and b2b and 1080p and 100ms").is_empty());
        assert!(extract_str("a one-on-one").is_empty());
    }

    #[test]
    fn same_quantity_handles_unit_variants_and_rounding() {
        let f = figure_mention(&fig(720.0, "£m"));
        for s in ["720", "£720m", "720 million", "£0.72bn", "720m"] {
            assert!(same_quantity(&f, &one(s)), "{s}");
        }
        for s in ["620 million", "£72m", "7.2%"] {
            assert!(!same_quantity(&f, &one(s)), "{s}");
        }
        let g = figure_mention(&fig(76.8, "£m"));
        assert!(same_quantity(&g, &one("about £77m")));
        let p = figure_mention(&fig(16.7, "%"));
        assert!(same_quantity(&p, &one("17%")));
        let c = figure_mention(&fig(280.0, "£m"));
        assert!(
            !same_quantity(&c, &one("300 million")),
            "rounding is capped"
        );
    }

    #[test]
    fn case_figures_match_and_wrong_figures_are_found() {
        let figs = vec![
            fig(720.0, "£m"),
            ExpectedFigure {
                label: "Group operating margin".into(),
                value: 3.3,
                unit: Some("%".into()),
            },
        ];
        let text =
            "Large stores are 40 times 18, which is like 620 million of revenue. The margin is 4%.";
        let doc = Doc::new(text);
        let ms = extract(&doc);
        let prompt = extract_str("40 large stores at 4.0% margin");
        let checks = check_case_figures(&figs, &doc, &ms, &prompt);
        assert_eq!(checks[0].status, FigureStatus::Wrong("620 million".into()));
        // 4% is restated from the prompt, so it is not a wrong margin.
        assert_eq!(checks[1].status, FigureStatus::Missing);
        let good = Doc::new("That's £720m, a 3.3% margin overall.");
        let checks = check_case_figures(&figs, &good, &extract(&good), &prompt);
        assert!(
            checks
                .iter()
                .all(|c| matches!(c.status, FigureStatus::Matched(_))),
            "{checks:?}"
        );
    }

    #[test]
    fn wrong_sums_are_quoted_back_in_the_answers_units() {
        let text = "Lost revenue is £192m × 3.0% = £3.8m a year.";
        let doc = Doc::new(text);
        let checks = check_arithmetic(text, &extract(&doc));
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].ok);
        assert_eq!(checks[0].computed, "£5.76m");
        let text = "So 12 out of 480 is 2.5%.";
        let doc = Doc::new(text);
        let ok = check_arithmetic(text, &extract(&doc));
        assert!(ok.iter().all(|c| c.ok), "{ok:?}");
    }

    #[test]
    fn rates_show_as_percentages_and_wrong_figures_are_of_the_same_kind() {
        let figs = vec![
            ExpectedFigure {
                label: "Cost-to-income after the branch programme".into(),
                value: 0.6371,
                unit: None,
            },
            ExpectedFigure {
                label: "Payback on restructuring (months)".into(),
                value: 9.0,
                unit: None,
            },
        ];
        assert_eq!(format_figure(&figs[0]), "63.7%");
        assert_eq!(format_figure(&figs[1]), "9 months");
        let prompt = extract_str("A bank with 300 branches.");
        let text = "Closing 12 branches pays back the restructuring, and cost-to-income after the branch \
                    programme falls with 80 branches converted.";
        let doc = Doc::new(text);
        let checks = check_case_figures(&figs, &doc, &extract(&doc), &prompt);
        assert_eq!(checks[0].status, FigureStatus::Missing, "{checks:?}");
        assert_eq!(checks[1].status, FigureStatus::Missing, "{checks:?}");
        let wrong = Doc::new(
            "Cost-to-income after the branch programme is 70%, and payback takes 14 months.",
        );
        let checks = check_case_figures(&figs, &wrong, &extract(&wrong), &prompt);
        assert_eq!(
            checks[0].status,
            FigureStatus::Wrong("70%".into()),
            "{checks:?}"
        );
        assert_eq!(
            checks[1].status,
            FigureStatus::Wrong("14".into()),
            "{checks:?}"
        );
        let right = Doc::new(
            "Cost-to-income after the branch programme is about 63.7%, or 0.637; payback 9 months.",
        );
        let checks = check_case_figures(&figs, &right, &extract(&right), &prompt);
        assert!(
            checks
                .iter()
                .all(|c| matches!(c.status, FigureStatus::Matched(_))),
            "{checks:?}"
        );
    }

    #[test]
    fn a_percentage_and_its_fraction_are_one_rate() {
        let rate = figure_mention(&ExpectedFigure {
            label: "Churn rate".into(),
            value: 0.026,
            unit: None,
        });
        for s in ["≈ 2.6%", "2.6 percent", "0.026"] {
            assert!(same_quantity(&rate, &one(s)), "{s}");
        }
        assert!(!same_quantity(&rate, &one("26%")));
    }

    #[test]
    fn a_bare_count_is_not_a_money_figure_unless_tied_to_its_label() {
        let figs = vec![ExpectedFigure {
            label: "Operating profit (£m)".into(),
            value: 60.0,
            unit: Some("£m".into()),
        }];
        let prompt = extract_str("The chain has 120 stores.");
        let stores = Doc::new("They opened 60 stores last year, and the rest is rent.");
        let checks = check_case_figures(&figs, &stores, &extract(&stores), &prompt);
        assert_eq!(checks[0].status, FigureStatus::Missing, "{checks:?}");
        let profit = Doc::new("So operating profit comes to 60 in total.");
        let checks = check_case_figures(&figs, &profit, &extract(&profit), &prompt);
        assert!(
            matches!(checks[0].status, FigureStatus::Matched(_)),
            "{checks:?}"
        );
    }

    #[test]
    fn estimates_are_judged_by_order_of_magnitude() {
        let figs = vec![ExpectedFigure {
            label: "Phones per year".into(),
            value: 20.0,
            unit: Some("m".into()),
        }];
        let status = |s: &str| {
            check_estimate_figures(&figs, &extract_str(s))[0]
                .status
                .clone()
        };
        assert!(matches!(
            status("about 25 million a year"),
            FigureStatus::Matched(_)
        ));
        assert!(matches!(status("maybe 45 million"), FigureStatus::Close(_)));
        assert!(matches!(
            status("around 100 million"),
            FigureStatus::Wrong(_)
        ));
        assert_eq!(status("lots of phones"), FigureStatus::Missing);
    }

    #[test]
    fn arithmetic_statements_are_checked() {
        let check = |s: &str| check_arithmetic(s, &extract_str(s));
        let ok = check("40 stores times £18m is £720m, and 80 times 3.5 is £280m.");
        assert_eq!(ok.len(), 2, "{ok:?}");
        assert!(ok.iter().all(|c| c.ok));
        let bad = check("Large stores are 40 times 18, which is like 620 million.");
        assert_eq!(bad.len(), 1);
        assert!(!bad[0].ok);
        let chain = check("50 gyms times 2,000 members times £40 is £4m a month");
        assert_eq!(chain.len(), 1, "{chain:?}");
        assert!(chain[0].ok);
        let pct = check("6% of 1,000 is 60 defects a day, times £40 is £2,400 a day");
        assert_eq!(pct.len(), 2, "{pct:?}");
        assert!(pct.iter().all(|c| c.ok));
        assert!(check("one minus 50 over 60, so about 16.7%").is_empty());
        let approx = check("52 divided by 3 is about 17 million");
        assert!(approx[0].ok);
    }
}
