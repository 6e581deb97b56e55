/**
 * The candidate's answer with the evaluation's evidence in it: key points (select one to mark where the answer
 * covers or contradicts it), wrong claims (always marked, with their corrections) and figures.
 */
import { Fragment, useEffect, useId, useMemo, useRef, useState } from "react";
import type { Evaluation } from "../../api/types";
import { Icon, type IconName } from "../../components/Icon";
import {
  FIGURE_STATUS_TEXT,
  KEY_POINT_STATUS_TEXT,
  keyPointName,
  keyPointStatus,
  locate,
  locateAll,
  segment,
  type Figure,
  type Highlight,
  type KeyPointResult,
  type KeyPointStatus,
  type Misconception,
  type Range,
} from "./evidence";

const STATUS_ICON: Record<KeyPointStatus, IconName> = { covered: "checkCircle", missed: "minusCircle", contradicted: "xCircle" };
const FIGURE_ICON: Record<Figure["status"], IconName> = { correct: "checkCircle", close: "approx", wrong: "xCircle", missing: "minusCircle" };

const NO_POINTS: KeyPointResult[] = [];
const NO_CLAIMS: Misconception[] = [];
const NO_FIGURES: Figure[] = [];

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the answer box shows for the selected key point, in words (also announced). */
function selectionMessage(point: KeyPointResult, ranges: Range[]): string {
  const name = `“${keyPointName(point)}”`;
  const status = keyPointStatus(point);
  if (status === "missed") return `${name} was not found in your answer.`;
  if (!ranges.length) return status === "covered" ? `${name} is covered, but the exact passage couldn't be pinpointed in your answer.` : `Your answer contradicts ${name}; the exact passage couldn't be pinpointed.`;
  return status === "covered"
    ? `Highlighted ${plural(ranges.length, "passage")} in your answer for ${name}.`
    : `Highlighted ${plural(ranges.length, "passage")} in your answer that ${ranges.length === 1 ? "contradicts" : "contradict"} ${name}.`;
}

export function AnswerEvidence({ text, evaluation, voice = false, level = 3 }: { text: string; evaluation: Evaluation; voice?: boolean; level?: 3 | 4 }) {
  const H = level === 4 ? "h4" : "h3";
  const uid = useId();
  const answerId = `${uid}-answer`;
  const answerHeadingId = `${uid}-answer-heading`;
  // Evaluations stored before these fields existed may lack them.
  const keyPoints = evaluation.key_points ?? NO_POINTS;
  const misconceptions = evaluation.misconceptions ?? NO_CLAIMS;
  const figures = evaluation.figures ?? NO_FIGURES;
  const chars = useMemo(() => Array.from(text), [text]);
  const [selected, setSelected] = useState<number | null>(null);
  const [touched, setTouched] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);

  const pointRanges = useMemo(() => keyPoints.map((k) => (keyPointStatus(k) === "missed" ? [] : locateAll(chars, k.evidence))), [chars, keyPoints]);
  const claimRanges = useMemo(() => misconceptions.map((m) => (m.evidence ? locate(chars, m.evidence) : null)), [chars, misconceptions]);
  const numberClaims = misconceptions.length > 1;
  const claimName = (i: number) => (numberClaims ? `Wrong claim ${i + 1}` : "Wrong claim");
  const claimIndex = (h: Highlight) => Number(h.group.slice("claim-".length));

  const segments = useMemo(() => {
    const highlights: Highlight[] = [];
    claimRanges.forEach((range, i) => {
      if (range) highlights.push({ id: `claim-${i}`, group: `claim-${i}`, kind: "claim", range });
    });
    if (selected !== null) {
      (pointRanges[selected] ?? []).forEach((range, r) => highlights.push({ id: `point-${selected}-${r}`, group: `point-${selected}`, kind: "point", range }));
    }
    return segment(chars, highlights);
  }, [chars, claimRanges, pointRanges, selected]);

  // Bring the first marked passage into view inside the answer box (the page itself doesn't move).
  useEffect(() => {
    const box = boxRef.current;
    if (selected === null || !box) return;
    const mark = box.querySelector<HTMLElement>(`mark[data-group="point-${selected}"]`);
    if (!mark) return;
    const b = box.getBoundingClientRect();
    const m = mark.getBoundingClientRect();
    if (m.top < b.top || m.bottom > b.bottom) box.scrollTop += m.top - b.top - 12;
  }, [selected]);

  const selectedPoint = selected !== null ? keyPoints[selected] : undefined;
  const message = selectedPoint
    ? selectionMessage(selectedPoint, pointRanges[selected!] ?? [])
    : touched
      ? "No key point selected."
      : keyPoints.length
        ? "Select a key point to highlight where your answer covers it."
        : "";
  const hasPointMarks = pointRanges.some((r) => r.length > 0);
  const hasClaimMarks = claimRanges.some(Boolean);
  const covered = keyPoints.filter((k) => keyPointStatus(k) === "covered").length;
  const pointName = selectedPoint ? keyPointName(selectedPoint) : "";

  function toggle(i: number) {
    setTouched(true);
    setSelected((cur) => (cur === i ? null : i));
  }

  return (
    <>
      <div className="evidence-wrap">
        <div className={keyPoints.length ? "evidence" : "evidence evidence-single"}>
          <div className="evidence-answer stack-sm">
            <H id={answerHeadingId} style={{ margin: 0 }}>
              {voice ? "Your answer (transcript)" : "Your answer"}
            </H>
            <p className="small muted evidence-status" aria-live="polite" aria-atomic="true">
              {message}
            </p>
            {/* Focusable because it scrolls when the answer is long. */}
            <div className="answer-text evidence-text" id={answerId} ref={boxRef} tabIndex={0} role="group" aria-labelledby={answerHeadingId}>
              {segments.map((s) => {
                if (!s.highlights.length) return <Fragment key={s.start}>{s.text}</Fragment>;
                const point = s.highlights.some((h) => h.kind === "point");
                const claim = s.highlights.some((h) => h.kind === "claim");
                const group = s.highlights.find((h) => h.kind === "point")?.group ?? s.highlights[0].group;
                return (
                  <mark key={s.start} className={["evidence-mark", point && "mark-point", claim && "mark-claim"].filter(Boolean).join(" ")} data-group={group}>
                    {s.opens.map((h) =>
                      h.kind === "claim" ? (
                        <span key={h.id} className="claim-tag">
                          <Icon name="alert" size={12} />
                          {claimName(claimIndex(h))}
                          <span className="visually-hidden">: </span>
                        </span>
                      ) : (
                        <span key={h.id} className="visually-hidden">
                          {keyPointStatus(selectedPoint!) === "contradicted" ? `Contradicts “${pointName}”: ` : `Evidence for “${pointName}”: `}
                        </span>
                      ),
                    )}
                    {s.text}
                    {s.closes.map((h) => (
                      <span key={h.id} className="visually-hidden">
                        {h.kind === "claim" ? ` (end of ${claimName(claimIndex(h)).toLowerCase()})` : " (end of highlight)"}
                      </span>
                    ))}
                  </mark>
                );
              })}
            </div>
            {hasClaimMarks || hasPointMarks ? (
              <p className="evidence-legend small muted" aria-hidden="true">
                {hasPointMarks ? (
                  <span>
                    <span className="legend-swatch mark-point">Abc</span> selected key point
                  </span>
                ) : null}
                {hasClaimMarks ? (
                  <span>
                    <span className="legend-swatch mark-claim">Abc</span> wrong claim
                  </span>
                ) : null}
              </p>
            ) : null}
          </div>

          {keyPoints.length ? (
            <div className="evidence-points stack-sm">
              <H style={{ margin: 0 }}>
                Key points: {covered} of {keyPoints.length} covered
              </H>
              <ul className="kp-list">
                {keyPoints.map((k, i) => {
                  const status = keyPointStatus(k);
                  const name = keyPointName(k);
                  const isSelected = selected === i;
                  const ranges = pointRanges[i] ?? [];
                  return (
                    <li key={i} className={`kp kp-${status}`}>
                      <button type="button" className="kp-button" aria-pressed={isSelected} aria-controls={answerId} onClick={() => toggle(i)}>
                        <Icon name={STATUS_ICON[status]} className="kp-icon" />
                        <span className="kp-text">
                          <span className="kp-head">
                            <span className="kp-name">{name}</span>
                            <span className="kp-status">{KEY_POINT_STATUS_TEXT[status]}</span>
                          </span>
                          {name !== k.point ? <span className="kp-point">{k.point}</span> : null}
                        </span>
                      </button>
                      {isSelected ? (
                        <div className="kp-detail small">
                          {status === "missed" ? (
                            <p>Not found in your answer.</p>
                          ) : ranges.length ? (
                            <>
                              <p>{status === "covered" ? "Where your answer covers it:" : "Where your answer contradicts it:"}</p>
                              <ul className="kp-quotes">
                                {ranges.map((r) => (
                                  <li key={r.start}>“{chars.slice(r.start, r.end).join("")}”</li>
                                ))}
                              </ul>
                            </>
                          ) : (
                            <p>{status === "covered" ? "Covered, but the exact passage couldn't be pinpointed in your answer." : "The exact passage couldn't be pinpointed in your answer."}</p>
                          )}
                          {status === "contradicted" && k.note ? (
                            <p>
                              <strong>Why:</strong> {k.note}
                            </p>
                          ) : null}
                        </div>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </div>
          ) : null}
        </div>
      </div>

      {misconceptions.length ? (
        <div className="stack-sm">
          <H style={{ margin: 0 }}>{misconceptions.length === 1 ? "Wrong claim" : "Wrong claims"}</H>
          <ul className="claim-list">
            {misconceptions.map((m, i) => {
              const range = claimRanges[i];
              const said = range ? chars.slice(range.start, range.end).join("") : m.evidence?.quote || m.claim;
              return (
                <li key={i} className="claim-item">
                  <span className="claim-tag">
                    <Icon name="alert" size={12} />
                    {claimName(i)}
                  </span>
                  <p>
                    <strong>You said:</strong> “{said.trim()}”
                  </p>
                  <p>
                    <strong>Correction:</strong> {m.correction}
                  </p>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}

      {figures.length ? <FiguresTable figures={figures} level={level} /> : null}
    </>
  );
}

/**
 * Expected against stated figures. On a narrow card each row becomes a small block (label on top, three values
 * under it); the explicit roles keep it a table for assistive technology when CSS changes the display.
 */
function FiguresTable({ figures, level }: { figures: Figure[]; level: 3 | 4 }) {
  const H = level === 4 ? "h4" : "h3";
  const headingId = useId();
  return (
    <div className="stack-sm figures">
      <H id={headingId} style={{ margin: 0 }}>
        Figures
      </H>
      <div className="table-wrap">
        <table className="table figure-table" role="table" aria-labelledby={headingId}>
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                Figure
              </th>
              <th scope="col" role="columnheader">
                Expected
              </th>
              <th scope="col" role="columnheader">
                You said
              </th>
              <th scope="col" role="columnheader">
                Verdict
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {figures.map((f, i) => (
              <tr key={i} role="row">
                <th scope="row" role="rowheader">
                  {f.label}
                </th>
                <td role="cell" data-label="Expected">
                  {f.expected}
                </td>
                <td role="cell" data-label="You said">
                  {f.stated?.trim() ? (
                    f.stated
                  ) : (
                    <span className="muted">
                      —<span className="visually-hidden">not stated</span>
                    </span>
                  )}
                </td>
                <td role="cell" data-label="Verdict">
                  <span className={`verdict verdict-${f.status}`}>
                    <Icon name={FIGURE_ICON[f.status]} size={16} />
                    {FIGURE_STATUS_TEXT[f.status]}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
