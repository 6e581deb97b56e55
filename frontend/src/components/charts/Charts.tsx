/**
 * Hand-rolled SVG charts (no chart library): a line chart for score trends, a bar chart and a radar for
 * dimensions. Each is an image with a text summary, plus the same data as a visually hidden table.
 * Imported only by lazily loaded routes, so none of this is in the initial bundle.
 */
import { useId, useLayoutEffect, useRef, useState } from "react";

/**
 * The rendered width of an SVG, so charts draw in real pixels (text keeps its CSS size on a phone instead of
 * being scaled down with a fixed viewBox). Falls back to `fallback` where ResizeObserver is missing (tests).
 */
function useRenderedWidth(fallback: number) {
  const ref = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(([entry]) => {
      const w = Math.round(entry.contentRect.width);
      if (w > 0) setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

function truncate(label: string, chars: number): string {
  return label.length > chars ? `${label.slice(0, Math.max(1, chars - 1))}…` : label;
}

export interface Point {
  label: string;
  value: number | null;
}

function DataTable({ caption, rows, valueHeader }: { caption: string; rows: { label: string; value: string }[]; valueHeader: string }) {
  return (
    <table className="visually-hidden">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">{valueHeader}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <th scope="row">{r.label}</th>
            <td>{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LineChart({ data, title, max = 100, height = 220, valueLabel = "Average score" }: { data: Point[]; title: string; max?: number; height?: number; valueLabel?: string }) {
  const [svgRef, width] = useRenderedWidth(560);
  const pad = { top: 16, right: 20, bottom: 32, left: 38 };
  const iw = width - pad.left - pad.right;
  const ih = height - pad.top - pad.bottom;
  const n = data.length;
  const x = (i: number) => pad.left + (n <= 1 ? iw / 2 : (i / (n - 1)) * iw);
  const y = (v: number) => pad.top + ih - (Math.max(0, Math.min(max, v)) / max) * ih;
  const points = data.map((d, i) => (d.value == null ? null : { x: x(i), y: y(d.value), d }));
  // Break the line at gaps (weeks without scored answers).
  const segments: { x: number; y: number }[][] = [];
  let cur: { x: number; y: number }[] = [];
  for (const p of points) {
    if (p) cur.push(p);
    else if (cur.length) {
      segments.push(cur);
      cur = [];
    }
  }
  if (cur.length) segments.push(cur);
  const ticks = [0, 25, 50, 75, 100].map((t) => (t / 100) * max);
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(iw / 64))));
  const scored = data.filter((d) => d.value != null);
  const first = scored[0]?.value;
  const last = scored[scored.length - 1]?.value;
  const summary =
    scored.length === 0
      ? `${title}: no scored answers yet.`
      : scored.length === 1
        ? `${title}: 1 data point, ${Math.round(first ?? 0)}.`
        : `${title}: ${scored.length} data points, from ${Math.round(first ?? 0)} to ${Math.round(last ?? 0)}.`;
  return (
    <figure style={{ margin: 0 }}>
      <svg ref={svgRef} className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid-line" x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} />
            <text x={pad.left - 8} y={y(t) + 4} textAnchor="end">
              {Math.round(t)}
            </text>
          </g>
        ))}
        {segments.map((seg, i) => (
          <g key={i}>
            {seg.length > 1 ? (
              <path
                className="series-area"
                d={`M${seg[0].x},${y(0)} ${seg.map((p) => `L${p.x},${p.y}`).join(" ")} L${seg[seg.length - 1].x},${y(0)} Z`}
              />
            ) : null}
            <path className="series-line" d={seg.map((p, j) => `${j ? "L" : "M"}${p.x},${p.y}`).join(" ")} />
          </g>
        ))}
        {points.map((p, i) => (p ? <circle key={i} className="series-dot" cx={p.x} cy={p.y} r={3.5} /> : null))}
        {/* With few points, label each one: a lone dot on an empty chart says little by itself. */}
        {scored.length <= 8
          ? points.map((p, i) =>
              p ? (
                <text key={`v${i}`} className="point-label" x={p.x} y={p.y - 10} textAnchor="middle" aria-hidden="true">
                  {Math.round(p.d.value ?? 0)}
                </text>
              ) : null,
            )
          : null}
        {data.map((d, i) =>
          i % labelEvery === 0 || i === n - 1 ? (
            <text key={i} x={x(i)} y={height - 8} textAnchor="middle">
              {d.label}
            </text>
          ) : null,
        )}
      </svg>
      <DataTable caption={title} valueHeader={valueLabel} rows={data.map((d) => ({ label: d.label, value: d.value == null ? "No data" : String(Math.round(d.value)) }))} />
    </figure>
  );
}

export function BarChart({
  data,
  title,
  max = 10,
  digits = 1,
  valueLabel = "Average (out of 10)",
}: {
  data: { label: string; value: number }[];
  title: string;
  max?: number;
  /** Decimal places for the value labels. */
  digits?: number;
  valueLabel?: string;
}) {
  const [svgRef, width] = useRenderedWidth(560);
  const rowH = 34;
  const labelW = Math.round(Math.min(180, Math.max(96, width * 0.34)));
  const labelChars = Math.floor((labelW - 12) / 7.2);
  const pad = 8;
  const height = data.length * rowH + pad * 2;
  const iw = Math.max(40, width - labelW - 50);
  const summary = `${title}: ${data.map((d) => `${d.label} ${d.value.toFixed(digits)}`).join(", ")}.`;
  return (
    <figure style={{ margin: 0 }}>
      <svg ref={svgRef} className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        {data.map((d, i) => {
          const yy = pad + i * rowH;
          const w = (Math.max(0, Math.min(max, d.value)) / max) * iw;
          return (
            <g key={d.label}>
              <text x={labelW - 10} y={yy + rowH / 2 + 4} textAnchor="end">
                {truncate(d.label, labelChars)}
              </text>
              <rect className="bar-bg" x={labelW} y={yy + 6} width={iw} height={rowH - 12} rx={5} />
              <rect className="bar" x={labelW} y={yy + 6} width={Math.max(2, w)} height={rowH - 12} rx={5} />
              <text className="value-label" x={labelW + iw + 8} y={yy + rowH / 2 + 4}>
                {d.value.toFixed(digits)}
              </text>
            </g>
          );
        })}
      </svg>
      <DataTable caption={title} valueHeader={valueLabel} rows={data.map((d) => ({ label: d.label, value: d.value.toFixed(digits) }))} />
    </figure>
  );
}

export function RadarChart({ data, title, max = 10 }: { data: { label: string; value: number }[]; title: string; max?: number }) {
  const size = 340;
  const c = size / 2;
  const r = size / 2 - 70;
  const n = data.length;
  const id = useId();
  if (n < 3) return <BarChart data={data} title={title} max={max} />;
  const angle = (i: number) => -Math.PI / 2 + (i / n) * 2 * Math.PI;
  const pt = (i: number, v: number) => {
    const rr = (Math.max(0, Math.min(max, v)) / max) * r;
    return [c + rr * Math.cos(angle(i)), c + rr * Math.sin(angle(i))] as const;
  };
  const rings = [0.25, 0.5, 0.75, 1];
  const summary = `${title}: ${data.map((d) => `${d.label} ${d.value.toFixed(1)} of ${max}`).join(", ")}.`;
  return (
    <figure style={{ margin: 0 }} aria-labelledby={`${id}-t`}>
      <svg className="chart" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={summary} style={{ maxWidth: 380, margin: "0 auto" }}>
        {rings.map((f) => (
          <polygon key={f} className="radar-ring" points={data.map((_, i) => pt(i, f * max).join(",")).join(" ")} />
        ))}
        {data.map((_, i) => {
          const [x2, y2] = pt(i, max);
          return <line key={i} className="grid-line" x1={c} y1={c} x2={x2} y2={y2} />;
        })}
        <polygon className="radar-area" points={data.map((d, i) => pt(i, d.value).join(",")).join(" ")} />
        {data.map((d, i) => {
          const [lx, ly] = pt(i, max * 1.2);
          const anchor = Math.abs(lx - c) < 8 ? "middle" : lx > c ? "start" : "end";
          return (
            <text key={d.label} x={lx} y={ly + 4} textAnchor={anchor}>
              {truncate(d.label, 16)}
            </text>
          );
        })}
      </svg>
      <figcaption id={`${id}-t`} className="visually-hidden">
        {title}
      </figcaption>
      <DataTable caption={title} valueHeader={`Score (out of ${max})`} rows={data.map((d) => ({ label: d.label, value: d.value.toFixed(1) }))} />
    </figure>
  );
}
