import type { Category, Difficulty } from "../api/types";
import { categoryLabel, difficultyLabel, scoreBand, scoreLabel } from "../lib/format";

export function ScoreRing({ score, size = 96, label = "Overall score" }: { score: number | null | undefined; size?: number; label?: string }) {
  const stroke = 8;
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const value = score == null ? 0 : Math.max(0, Math.min(100, score));
  const band = scoreBand(score);
  return (
    <div className={`score-ring score-${band}`} style={{ width: size, height: size }} role="img" aria-label={score == null ? `${label}: not scored yet` : `${label}: ${Math.round(value)} out of 100, ${scoreLabel(score)}`}>
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} aria-hidden="true">
        <circle cx={size / 2} cy={size / 2} r={r} fill="none" stroke="var(--surface-3)" strokeWidth={stroke} />
        <circle
          cx={size / 2}
          cy={size / 2}
          r={r}
          fill="none"
          stroke="var(--score)"
          strokeWidth={stroke}
          strokeLinecap="round"
          strokeDasharray={c}
          strokeDashoffset={c * (1 - value / 100)}
          style={{ transition: "stroke-dashoffset 0.6s ease" }}
        />
      </svg>
      <div className="score-ring-value" aria-hidden="true">
        <div>
          <strong>{score == null ? "–" : Math.round(value)}</strong>
          <small>{size >= 80 ? "/ 100" : null}</small>
        </div>
      </div>
    </div>
  );
}

export interface DimensionScore {
  key: string;
  name: string;
  score: number;
  comment?: string | null;
}

/** Per-dimension 0–10 scores as labelled bars (a list, so screen readers read name + value). */
export function DimensionBars({ dimensions, max = 10 }: { dimensions: DimensionScore[]; max?: number }) {
  return (
    <ul className="dim-list">
      {dimensions.map((d) => {
        const pct = Math.max(0, Math.min(100, (d.score / max) * 100));
        const band = scoreBand(pct);
        return (
          <li key={d.key} className={`score-${band}`}>
            <div className="dim-head">
              <span>{d.name}</span>
              <span className="score-text">
                {Number.isInteger(d.score) ? d.score : d.score.toFixed(1)}
                <span className="muted small"> / {max}</span>
              </span>
            </div>
            <div className="dim-bar" aria-hidden="true">
              <span style={{ width: `${pct}%` }} />
            </div>
            {d.comment ? <p className="dim-comment">{d.comment}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function CategoryBadge({ category }: { category: Category | string }) {
  return <span className="badge badge-primary">{categoryLabel(category)}</span>;
}

export function DifficultyBadge({ difficulty }: { difficulty: Difficulty | string }) {
  return <span className={`badge badge-${difficulty}`}>{difficultyLabel(difficulty)}</span>;
}

export function ScoreBadge({ score }: { score: number | null | undefined }) {
  if (score == null) return <span className="badge">Not scored</span>;
  const band = scoreBand(score);
  const tone = band === "strong" ? "badge-success" : band === "good" ? "badge-primary" : band === "fair" ? "badge-warning" : "badge-danger";
  return (
    <span className={`badge ${tone}`}>
      {Math.round(score)}
      <span className="visually-hidden"> out of 100</span>
    </span>
  );
}
