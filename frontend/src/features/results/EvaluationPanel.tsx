import { useId } from "react";
import { useEvaluation, useRetryEvaluation } from "../../api/sessions";
import type { Answer, Evaluation } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert, Skeleton } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { DimensionBars, ScoreRing } from "../../components/Score";
import { formatDateTime, formatDuration, scoreLabel } from "../../lib/format";
import { AnswerEvidence } from "./AnswerEvidence";
import { improvementsWithoutClaims, summaryWithoutScore } from "./evidence";
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

/** Engine details (grader, rubric, timing): kept out of the candidate's view, available as a tooltip. */
function engineDetails(evaluation: Evaluation): string {
  const parts = [evaluation.evaluator ?? "InterviewOS"];
  if (evaluation.prompt_version) parts.push(`rubric ${evaluation.prompt_version}`);
  if (evaluation.latency_ms != null) parts.push(evaluation.latency_ms < 1000 ? `${evaluation.latency_ms} ms` : formatDuration(evaluation.latency_ms / 1000));
  return `Evaluated by ${parts.join(" · ")}`;
}

/** Sub-headings of the feedback: h3 under a page section (h2), h4 inside an answer's card (h3). */
export type HeadingLevel = 3 | 4;

export function EvaluationView({ evaluation, answer, level = 3 }: { evaluation: Evaluation; answer: Pick<Answer, "text" | "mode">; level?: HeadingLevel }) {
  const H = level === 4 ? "h4" : "h3";
  const dims = evaluation.dimensions ?? [];
  const misconceptions = evaluation.misconceptions ?? [];
  const summary = evaluation.summary ? summaryWithoutScore(evaluation.summary, evaluation.overall_score) : "";
  const improvements = improvementsWithoutClaims(evaluation.improvements ?? [], answer.text ? misconceptions : []);
  return (
    <div className="eval-card">
      <div className="eval-top">
        <ScoreRing score={evaluation.overall_score} />
        <div style={{ flex: 1, minWidth: 220 }}>
          <div className="small muted">{scoreLabel(evaluation.overall_score)}</div>
          {summary ? <p style={{ margin: 0 }}>{summary}</p> : null}
        </div>
      </div>
      {answer.text ? <AnswerEvidence key={evaluation.completed_at ?? ""} text={answer.text} evaluation={evaluation} voice={answer.mode === "voice"} level={level} /> : null}
      {dims.length ? (
        <div>
          <H>Scores by skill</H>
          <DimensionBars dimensions={dims} />
        </div>
      ) : null}
      {evaluation.strengths?.length || improvements.length ? (
        <div className="eval-columns">
          {evaluation.strengths?.length ? (
            <div>
              <H>What went well</H>
              <List items={evaluation.strengths} tone="yes" />
            </div>
          ) : null}
          {improvements.length ? (
            <div>
              <H>What to improve</H>
              <List items={improvements} tone="no" />
            </div>
          ) : null}
        </div>
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
      <p className="small muted eval-meta" title={engineDetails(evaluation)}>
        Automated feedback{evaluation.completed_at ? ` · ${formatDateTime(evaluation.completed_at)}` : ""}
      </p>
    </div>
  );
}

/** The answer as submitted, before (or without) an evaluation to annotate it. */
function PlainAnswer({ answer, level }: { answer: Answer; level: HeadingLevel }) {
  const headingId = useId();
  const H = level === 4 ? "h4" : "h3";
  if (!answer.text) return null;
  return (
    <div className="stack-sm">
      <H id={headingId} style={{ margin: 0 }}>
        {answer.mode === "voice" ? "Your answer (transcript)" : "Your answer"}
      </H>
      <div className="answer-text" tabIndex={0} role="group" aria-labelledby={headingId}>
        {answer.text}
      </div>
    </div>
  );
}

/** The evaluation of one answer, in whatever state it is; voice answers add their delivery feedback. */
export function EvaluationPanel({
  answer,
  sessionId,
  poll = false,
  context,
  level = 3,
}: {
  answer: Answer;
  sessionId?: string;
  poll?: boolean;
  /** Which answer this is on a page of several (e.g. "question 2"), for unique landmark names. */
  context?: string;
  level?: HeadingLevel;
}) {
  return (
    <div className="stack">
      {answer.transcript ? <TranscriptStatus answer={answer} /> : null}
      {answer.transcript?.status === "failed" ? null : <ContentEvaluation answer={answer} sessionId={sessionId} poll={poll} level={level} />}
      {answer.delivery ? <DeliveryView delivery={answer.delivery} context={context} level={level} /> : null}
    </div>
  );
}

function ContentEvaluation({ answer, sessionId, poll, level }: { answer: Answer; sessionId?: string; poll: boolean; level: HeadingLevel }) {
  const embedded = answer.evaluation;
  const evaluation = useEvaluation(answer.id, embedded, { poll });
  const retry = useRetryEvaluation(sessionId ?? answer.session_id);
  const current: Evaluation | undefined = evaluation.data ?? embedded;
  const status = current?.status ?? "pending";

  if (status === "failed") {
    return (
      <>
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
        <PlainAnswer answer={answer} level={level} />
      </>
    );
  }
  if (status === "completed" && current && current.overall_score != null) return <EvaluationView evaluation={current} answer={answer} level={level} />;
  return (
    <>
      {status === "completed" && evaluation.isError ? <ErrorAlert error={evaluation.error} onRetry={() => evaluation.refetch()} /> : <EvaluationPending status={status} />}
      <PlainAnswer answer={answer} level={level} />
    </>
  );
}
