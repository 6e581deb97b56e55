import type { Category, Difficulty } from "../api/types";

const CATEGORY_LABELS: Record<string, string> = {
  behavioral: "Behavioural",
  technical: "Technical",
  system_design: "System design",
  product: "Product",
  case: "Case",
  estimation: "Estimation",
  situational: "Situational",
};

export function categoryLabel(c: Category | string | null | undefined): string {
  if (!c) return "";
  return CATEGORY_LABELS[c] ?? humanize(c);
}

export function difficultyLabel(d: Difficulty | string | null | undefined): string {
  return d ? humanize(d) : "";
}

export function humanize(s: string): string {
  const t = s.replace(/[_-]+/g, " ").trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "—";
  const diff = Math.round((t - now) / 1000);
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (abs < 60) return rtf.format(diff, "second");
  if (abs < 3600) return rtf.format(Math.round(diff / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), "hour");
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), "day");
  return formatDate(iso);
}

/** 125 → "2:05"; negative values are shown as overtime "+0:12". */
export function formatClock(totalSeconds: number): string {
  const neg = totalSeconds < 0;
  const s = Math.abs(Math.trunc(totalSeconds));
  const m = Math.floor(s / 60);
  const r = s % 60;
  return `${neg ? "+" : ""}${m}:${r.toString().padStart(2, "0")}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  return r ? `${m}m ${r}s` : `${m}m`;
}

/** Practice time for totals: 0 → "0 min", 2700 → "45 min", 11400 → "3 h 10 min". */
export function formatPracticeTime(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const m = Math.round(Math.max(0, seconds) / 60);
  if (m === 0 && seconds > 0) return "< 1 min";
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** A `YYYY-MM-DD` UTC date `days` days before today (0 = today). */
export function utcDateDaysAgo(days: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days));
  return d.toISOString().slice(0, 10);
}

export function countWords(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/u).length : 0;
}

export function formatMoney(minor: number | null | undefined, currency = "GBP"): string {
  if (minor == null) return "—";
  const value = minor / 100;
  return new Intl.NumberFormat(undefined, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: value % 1 === 0 ? 0 : 2,
  }).format(value);
}

export function scoreBand(score: number | null | undefined): "strong" | "good" | "fair" | "weak" | "none" {
  if (score == null) return "none";
  if (score >= 80) return "strong";
  if (score >= 65) return "good";
  if (score >= 45) return "fair";
  return "weak";
}

export function scoreLabel(score: number | null | undefined): string {
  switch (scoreBand(score)) {
    case "strong":
      return "Strong";
    case "good":
      return "Good";
    case "fair":
      return "Developing";
    case "weak":
      return "Needs work";
    default:
      return "Not scored";
  }
}
