import type { CaseBlock, Exhibit, ExhibitCell } from "../../api/types";
import { humanize } from "../../lib/format";

/** Exhibit cells are numbers or text; numbers are shown as authored (years must not get thousands separators). */
export function cellText(v: ExhibitCell | null | undefined): string {
  if (v == null || v === "") return "—";
  return String(v);
}

function isNumeric(v: ExhibitCell | null | undefined): boolean {
  return typeof v === "number" || (typeof v === "string" && /^[-+£$€]?\d[\d,.]*%?$/.test(v.trim()));
}

/** A case exhibit as a real data table: caption, column headers, first column as row headers. */
export function ExhibitTable({ exhibit, index }: { exhibit: Exhibit; index: number }) {
  const numericCols = exhibit.columns.map((_, c) => exhibit.rows.length > 0 && exhibit.rows.every((r) => r[c] == null || isNumeric(r[c])));
  return (
    <div className="table-wrap" role="region" aria-labelledby={`exhibit-${index}`} tabIndex={0}>
      <table className="table">
        <caption id={`exhibit-${index}`}>
          Exhibit {index + 1}: {exhibit.title}
        </caption>
        <thead>
          <tr>
            {exhibit.columns.map((col, c) => (
              <th key={c} scope="col" className={numericCols[c] && c > 0 ? "num" : undefined}>
                {col}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {exhibit.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) =>
                c === 0 ? (
                  <th key={c} scope="row">
                    {cellText(cell)}
                  </th>
                ) : (
                  <td key={c} className={numericCols[c] ? "num" : undefined}>
                    {cellText(cell)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CaseDetails({ caseBlock, revealFacts = true }: { caseBlock: CaseBlock; revealFacts?: boolean }) {
  return (
    <div className="stack">
      <dl className="grid-2" style={{ margin: 0 }}>
        <div>
          <dt className="stat-label">Client</dt>
          <dd style={{ margin: 0 }}>{caseBlock.client}</dd>
        </div>
        <div>
          <dt className="stat-label">Case type</dt>
          <dd style={{ margin: 0 }}>{humanize(caseBlock.case_type)}</dd>
        </div>
      </dl>
      {caseBlock.clarifying_facts?.length ? (
        <details className="disclosure" open={revealFacts ? undefined : false}>
          <summary>Clarifying questions ({caseBlock.clarifying_facts.length})</summary>
          <div className="disclosure-body">
            <p className="small muted">What the interviewer would tell you if you asked. Try asking yourself first.</p>
            <dl className="stack-sm" style={{ margin: 0 }}>
              {caseBlock.clarifying_facts.map((f, i) => (
                <div key={i}>
                  <dt style={{ fontWeight: 600 }}>{f.question}</dt>
                  <dd style={{ margin: 0 }} className="muted">
                    {f.answer}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        </details>
      ) : null}
      {caseBlock.exhibits?.map((ex, i) => (
        <ExhibitTable key={i} exhibit={ex} index={i} />
      ))}
    </div>
  );
}
