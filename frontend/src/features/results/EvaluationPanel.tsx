import { useEvaluation, useRetryEvaluation } from "../../api/sessions";
import type { Answer, Evaluation } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert, Skeleton } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { DimensionBars, ScoreRing } from "../../components/Score";
import { formatDuration, scoreLabel } from "../../lib/format";
import { DeliveryView, TranscriptStatus } from "./VoiceAnswer";

export function EvaluationPending({ status }: { status: Evaluation["status"] }) {
  return (
    <div className="stack-sm" role="status" aria-live="polite">
      <div className="row small muted">
        <span className="spinner spinner-sm" aria-hidden="true" />
        {status === "running" ? "Evaluating your answer…" : "Queued for evaluation…"}
      </div>
      <div className="row" aria-hidden="true">
        <Skeleton width={96} height={96} className="round" />
        <div className="stack-sm" style={{ flex: 1 }}>
          <Skeleton height={12} width="70%" />
          <Skeleton height={10} />
          <Skeleton height={10} width="85%" />
        </div>
      </div>
    </div>
  );
}

function List({ items, tone }: { items: string[]; tone: "yes" | "no" }) {
  return (
    <ul className="check-list">
      {items.map((s, i) => (
        <li key={i} className={tone}>
          <Icon name={tone === "yes" ? "check" : "arrowRight"} />
          <span>{s}</span>
        </li>
      ))}
    </ul>
  );
}

export function EvaluationView({ evaluation }: { evaluation: Evaluation }) {
  const dims = evaluation.dimensions ?? [];
  const keyPoints = evaluation.key_points ?? [];
  const covered = keyPoints.filter((k) => k.covered).length;
  return (
    <div className="eval-card">
      <div className="eval-top">
        <ScoreRing score={evaluation.overall_score} />
        <div style={{ flex: 1, minWidth: 220 }}>
          <div className="small muted">{scoreLabel(evaluation.overall_score)}</div>
          {evaluation.summary ? <p style={{ margin: 0 }}>{evaluation.summary}</p> : null}
        </div>
      </div>
      {dims.length ? (
        <section aria-label="Scores by skill">
          <h3>Scores by skill</h3>
          <DimensionBars dimensions={dims} />
        </section>
      ) : null}
      <div className="eval-columns">
        {evaluation.strengths?.length ? (
          <section>
            <h3>What went well</h3>
            <List items={evaluation.strengths} tone="yes" />
          </section>
        ) : null}
        {evaluation.improvements?.length ? (
          <section>
            <h3>What to improve</h3>
            <List items={evaluation.improvements} tone="no" />
          </section>
        ) : null}
      </div>
      {keyPoints.length ? (
        <section>
          <h3>
            Key points covered: {covered} of {keyPoints.length}
          </h3>
          <ul className="check-list">
            {keyPoints.map((k, i) => (
              <li key={i} className={k.covered ? "yes" : "no"}>
                <Icon name={k.covered ? "checkCircle" : "xCircle"} />
                <span>
                  <span className="visually-hidden">{k.covered ? "Covered: " : "Missed: "}</span>
                  {k.point}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {evaluation.follow_up_question ? (
        <div className="callout">
          <strong>Likely follow-up:</strong> {evaluation.follow_up_question}
        </div>
      ) : null}
      {evaluation.sample_answer ? (
        <details className="disclosure">
          <summary>Stronger sample answer</summary>
          <div className="disclosure-body pre-wrap">{evaluation.sample_answer}</div>
        </details>
      ) : null}
      {evaluation.evaluator || evaluation.latency_ms ? (
        <p className="small muted" style={{ margin: 0 }}>
          Evaluated by {evaluation.evaluator ?? "InterviewOS"}
          {evaluation.prompt_version ? ` (rubric ${evaluation.prompt_version})` : ""}
          {evaluation.latency_ms != null ? ` in ${evaluation.latency_ms < 1000 ? `${evaluation.latency_ms} ms` : formatDuration(evaluation.latency_ms / 1000)}` : ""}.
        </p>
      ) : null}
    </div>
  );
}

/** The evaluation of one answer, in whatever state it is; voice answers add their delivery feedback. */
export function EvaluationPanel({ answer, sessionId, poll = false }: { answer: Answer; sessionId?: string; poll?: boolean }) {
  return (
    <div className="stack">
      {answer.transcript ? <TranscriptStatus answer={answer} /> : null}
      {answer.transcript?.status === "failed" ? null : <ContentEvaluation answer={answer} sessionId={sessionId} poll={poll} />}
      {answer.delivery ? <DeliveryView delivery={answer.delivery} /> : null}
    </div>
  );
}

function ContentEvaluation({ answer, sessionId, poll }: { answer: Answer; sessionId?: string; poll: boolean }) {
  const embedded = answer.evaluation;
  const evaluation = useEvaluation(answer.id, embedded, { poll });
  const retry = useRetryEvaluation(sessionId ?? answer.session_id);
  const current: Evaluation | undefined = evaluation.data ?? embedded;
  const status = current?.status ?? "pending";

  if (status === "failed") {
    return (
      <Alert
        tone="error"
        title="We couldn't evaluate this answer"
        actions={
          <Button size="sm" onClick={() => retry.mutate(answer.id)} loading={retry.isPending} loadingText="Retrying…">
            <Icon name="refresh" /> Try again
          </Button>
        }
      >
        {current?.error || "The evaluator didn't respond in time."} Retrying doesn't use another answer from your allowance.
        {retry.isError ? <ErrorAlert error={retry.error} /> : null}
      </Alert>
    );
  }
  if (status === "completed" && current && current.overall_score != null) return <EvaluationView evaluation={current} />;
  if (status === "completed" && evaluation.isError) return <ErrorAlert error={evaluation.error} onRetry={() => evaluation.refetch()} />;
  return <EvaluationPending status={status} />;
}
