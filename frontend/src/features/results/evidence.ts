/**
 * Evidence highlighting: where an evaluation's verdicts sit in the answer text.
 *
 * The API gives offsets in Unicode code points (not UTF-16 units), so the text is handled as an array of code
 * points (`Array.from(text)`). An offset is trusted only if the slice it names equals the quote; otherwise the
 * quote is searched for, and if it isn't in the text nothing is highlighted.
 */
import type { Evaluation } from "../../api/types";

export type KeyPointResult = Evaluation["key_points"][number];
export type Evidence = NonNullable<KeyPointResult["evidence"]>[number];
export type KeyPointStatus = NonNullable<KeyPointResult["status"]>;
export type Misconception = Evaluation["misconceptions"][number];
export type Figure = Evaluation["figures"][number];

/** A half-open range `[start, end)` of code points. */
export interface Range {
  start: number;
  end: number;
}

/** Find `evidence` in the answer: its offsets when they match the quote, else the quote's occurrence nearest to them. */
export function locate(chars: readonly string[], evidence: Evidence): Range | null {
  const { start, end, quote } = evidence;
  if (!quote) return null;
  if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= chars.length && chars.slice(start, end).join("") === quote) {
    return { start, end };
  }
  const text = chars.join("");
  return nearestOccurrence(text, quote, start) ?? (quote.trim() && quote.trim() !== quote ? nearestOccurrence(text, quote.trim(), start) : null);
}

function nearestOccurrence(text: string, quote: string, near: number): Range | null {
  const length = Array.from(quote).length;
  let best: Range | null = null;
  let bestDistance = Infinity;
  for (let i = text.indexOf(quote); i !== -1; i = text.indexOf(quote, i + 1)) {
    const start = Array.from(text.slice(0, i)).length; // UTF-16 index → code points
    const distance = Math.abs(start - (Number.isFinite(near) ? near : 0));
    if (distance < bestDistance) {
      best = { start, end: start + length };
      bestDistance = distance;
    }
  }
  return best;
}

/** Locate every piece of evidence, then merge the ranges that overlap or touch (one passage, one mark). */
export function locateAll(chars: readonly string[], evidence: readonly Evidence[] | null | undefined): Range[] {
  const ranges = (evidence ?? []).map((e) => locate(chars, e)).filter((r): r is Range => r !== null);
  return mergeRanges(ranges);
}

export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export type HighlightKind = "point" | "claim";

/** One highlighted range of the answer. `id` is unique; several highlights may share a `group` (a key point). */
export interface Highlight {
  id: string;
  group: string;
  kind: HighlightKind;
  range: Range;
}

/** A run of text covered by the same set of highlights. */
export interface Segment {
  start: number;
  end: number;
  text: string;
  /** Highlights covering this run, in the order given. */
  highlights: Highlight[];
  /** Highlights that begin / end with this run. */
  opens: Highlight[];
  closes: Highlight[];
}

/**
 * Split the answer into runs at every highlight boundary. Overlapping highlights share the runs they overlap;
 * adjacent ones (one ends where the next starts) stay separate runs. Ranges are clamped to the text.
 */
export function segment(chars: readonly string[], highlights: readonly Highlight[]): Segment[] {
  const n = chars.length;
  const valid = highlights
    .map((h) => ({ ...h, range: { start: Math.max(0, Math.min(n, h.range.start)), end: Math.max(0, Math.min(n, h.range.end)) } }))
    .filter((h) => h.range.end > h.range.start);
  const bounds = new Set<number>([0, n]);
  for (const h of valid) {
    bounds.add(h.range.start);
    bounds.add(h.range.end);
  }
  const points = [...bounds].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    const covering = valid.filter((h) => h.range.start <= start && h.range.end >= end);
    out.push({
      start,
      end,
      text: chars.slice(start, end).join(""),
      highlights: covering,
      opens: covering.filter((h) => h.range.start === start),
      closes: covering.filter((h) => h.range.end === end),
    });
  }
  return out;
}

/** A key point's status; older evaluations only carry `covered`. */
export function keyPointStatus(k: KeyPointResult): KeyPointStatus {
  return k.status ?? (k.covered ? "covered" : "missed");
}

export const KEY_POINT_STATUS_TEXT: Record<KeyPointStatus, string> = {
  covered: "Covered",
  missed: "Not covered",
  contradicted: "Contradicted",
};

export const FIGURE_STATUS_TEXT: Record<Figure["status"], string> = {
  correct: "Correct",
  close: "Close",
  wrong: "Wrong",
  missing: "Not stated",
};

/** The key point's short name: its label, or the point itself for questions written without labels. */
export function keyPointName(k: KeyPointResult): string {
  return k.label?.trim() || k.point;
}

/**
 * The summary without a leading "NN/100 for this … answer." sentence, which evaluations graded before
 * rubric-v2 start with: the score is already shown next to it. Left as it is when the number differs.
 */
export function summaryWithoutScore(summary: string, score: number | null | undefined): string {
  if (score == null) return summary;
  const m = summary.match(/^\s*(\d{1,3})\s*\/\s*100\b(?:\s+for\s+this\b[^.:]*)?\s*[.:]\s*/i);
  if (!m || Number(m[1]) !== Math.round(score)) return summary;
  const rest = summary.slice(m[0].length).trim();
  return rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : "";
}

/**
 * Improvements that only repeat a wrong claim ("You said "…" — correction") are dropped when the claim is shown
 * with its correction next to the answer.
 */
export function improvementsWithoutClaims(improvements: readonly string[], misconceptions: readonly Misconception[]): string[] {
  const quotes = misconceptions.map((m) => m.evidence?.quote?.trim()).filter((q): q is string => !!q && q.length >= 12);
  return improvements.filter((s) => !quotes.some((q) => s.includes(q)));
}
