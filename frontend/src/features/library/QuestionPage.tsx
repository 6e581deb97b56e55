import { Link, useParams } from "react-router";
import type { Question } from "../../api/types";
import { buttonClass } from "../../components/Button";
import { ErrorAlert, LoadingBlock } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge } from "../../components/Score";
import { formatDuration, humanize } from "../../lib/format";
import { useQuestion } from "./api";
import { CaseDetails } from "./CaseDetails";

type Solution = NonNullable<Question["solution"]>;

function structureText(item: unknown): string {
  if (typeof item === "string") return item;
  if (item && typeof item === "object") return Object.entries(item as Record<string, unknown>).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`).join("; ");
  return String(item);
}

function CaseSolutionView({ solution }: { solution: Solution }) {
  return (
    <div className="stack">
      {solution.expected_structure?.length ? (
        <>
          <h3>Expected structure</h3>
          <ul>
            {solution.expected_structure.map((item, i) => (
              <li key={i}>{structureText(item)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {solution.calculations?.length ? (
        <div className="table-wrap">
          <table className="table">
            <caption>The numbers</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Formula</th>
                <th scope="col" className="num">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {solution.calculations.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.label}</th>
                  <td>
                    <code>{c.formula}</code>
                  </td>
                  <td className="num">
                    {c.value.toLocaleString(undefined, { maximumFractionDigits: 2 })}
                    {c.unit ? ` ${c.unit}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {solution.synthesis ? (
        <div className="callout">
          <strong>Synthesis:</strong> {solution.synthesis}
        </div>
      ) : null}
    </div>
  );
}

export function QuestionPage() {
  const { questionId } = useParams();
  const question = useQuestion(questionId);
  const breadcrumbs = <Link to="/library">← Library</Link>;

  if (question.isPending) return <LoadingBlock label="Loading question…" />;
  if (question.isError)
    return (
      <>
        <PageHeader title="Question" breadcrumbs={breadcrumbs} />
        <ErrorAlert error={question.error} onRetry={() => question.refetch()} />
      </>
    );
  const q = question.data;
  const keyPoints = (q.key_points ?? []) as unknown[];
  const practiceHref = `/practice?question=${encodeURIComponent(q.id)}${q.roles?.[0] ? `&role=${encodeURIComponent(q.roles[0])}` : ""}`;

  return (
    <>
      <PageHeader
        title={q.category === "case" && q.case ? `Case: ${q.case.client}` : "Question"}
        documentTitle={q.prompt.slice(0, 60)}
        breadcrumbs={breadcrumbs}
        actions={
          <Link className={buttonClass("primary")} to={practiceHref}>
            <Icon name="play" />
            Practise this question
          </Link>
        }
      />
      <div className="stack-lg">
        <section className="card stack" aria-label="Question">
          <div className="badges">
            <CategoryBadge category={q.category} />
            <DifficultyBadge difficulty={q.difficulty} />
            {q.industry ? <span className="badge">{humanize(q.industry)}</span> : null}
            {q.time_limit_seconds ? (
              <span className="badge">
                <Icon name="timer" size={14} /> {formatDuration(q.time_limit_seconds)}
              </span>
            ) : null}
          </div>
          <p className="question-prompt pre-wrap" style={{ margin: 0 }}>
            {q.prompt}
          </p>
          {q.topics?.length ? (
            <p className="small muted" style={{ margin: 0 }}>
              Topics: {q.topics.map(humanize).join(", ")}
            </p>
          ) : null}
          {q.roles?.length ? (
            <p className="small muted" style={{ margin: 0 }}>
              Roles: {q.roles.map(humanize).join(", ")}
            </p>
          ) : null}
        </section>

        {q.case ? (
          <section aria-labelledby="case-heading" className="stack">
            <h2 id="case-heading">Case materials</h2>
            <CaseDetails caseBlock={q.case} />
          </section>
        ) : null}

        {q.model_answer || keyPoints.length || q.solution ? (
          <section aria-labelledby="model-heading" className="card stack">
            <h2 id="model-heading">Model answer</h2>
            {keyPoints.length ? (
              <>
                <h3>Key points a strong answer covers</h3>
                <ul>
                  {keyPoints.map((k, i) => (
                    <li key={i}>{typeof k === "string" ? k : String((k as { point?: string }).point ?? "")}</li>
                  ))}
                </ul>
              </>
            ) : null}
            {q.model_answer ? <p className="pre-wrap">{q.model_answer}</p> : null}
            {q.solution ? <CaseSolutionView solution={q.solution} /> : null}
          </section>
        ) : (
          <p className="muted small">
            <Icon name="lock" size={14} /> The model answer and key points unlock after you've answered this question.
          </p>
        )}
      </div>
    </>
  );
}
