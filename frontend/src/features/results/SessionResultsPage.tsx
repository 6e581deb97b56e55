import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { isEvaluationSettled, sessionAnswers, useCompleteSession, useDeleteSession, useSession } from "../../api/sessions";
import type { Session } from "../../api/types";
import { Button, buttonClass } from "../../components/Button";
import { Alert, ErrorAlert, LoadingBlock } from "../../components/Feedback";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge, DimensionBars, ScoreRing } from "../../components/Score";
import { formatDateTime, formatDuration, scoreLabel } from "../../lib/format";
import { EvaluationPanel } from "./EvaluationPanel";
import { useSessionEvents, type LiveState } from "./useSessionEvents";

function summarise(session: Session) {
  const answers = sessionAnswers(session);
  const server = session.summary;
  const scored = answers.map((a) => a.evaluation).filter((e) => e?.status === "completed" && e.overall_score != null);
  // Pending is computed from the answers (live updates land there first); the rest comes from the server's summary.
  const pending = answers.filter((a) => !isEvaluationSettled(a.evaluation)).length;
  const localAverage = scored.length ? scored.reduce((sum, e) => sum + (e.overall_score ?? 0), 0) / scored.length : null;
  const average = server?.average_score ?? localAverage;
  let dimensions = (server?.dimensions ?? []).map((d) => ({ key: d.key, name: d.name, score: Math.round(d.average * 10) / 10 }));
  if (!dimensions.length && scored.length) {
    const dims = new Map<string, { name: string; total: number; n: number }>();
    for (const e of scored) {
      for (const d of e.dimensions ?? []) {
        const cur = dims.get(d.key) ?? { name: d.name, total: 0, n: 0 };
        cur.total += d.score;
        cur.n += 1;
        dims.set(d.key, cur);
      }
    }
    dimensions = [...dims.entries()].map(([key, v]) => ({ key, name: v.name, score: Math.round((v.total / v.n) * 10) / 10 }));
  }
  const totalTime = server?.practice_seconds ?? answers.reduce((sum, a) => sum + (a.duration_seconds ?? 0), 0);
  return { answers, scored: scored.length, pending, average, dimensions, totalTime, best: server?.best ?? null, weakest: server?.weakest ?? null };
}

function LiveIndicator({ state, pending }: { state: LiveState; pending: number }) {
  if (pending === 0) return null;
  return (
    <span className="badge" role="status">
      <span className="spinner spinner-sm" aria-hidden="true" />
      {pending} evaluation{pending === 1 ? "" : "s"} in progress{state === "live" ? " · live" : ""}
    </span>
  );
}

export function SessionResultsPage() {
  const { sessionId = "" } = useParams();
  const session = useSession(sessionId);
  const summary = useMemo(() => (session.data ? summarise(session.data) : null), [session.data]);
  const pending = summary?.pending ?? 0;
  const live = useSessionEvents(sessionId, pending > 0);
  // Poll as a fallback whenever the live stream isn't connected and work is outstanding.
  useSession(sessionId, { refetchInterval: pending > 0 && live !== "live" ? 4000 : false });

  if (session.isPending) return <LoadingBlock label="Loading results…" />;
  if (session.isError)
    return (
      <>
        <PageHeader title="Session results" breadcrumbs={<Link to="/history">← History</Link>} />
        <ErrorAlert error={session.error} onRetry={() => session.refetch()} />
      </>
    );
  return <Results session={session.data} summary={summary!} liveState={live} />;
}

function Results({ session, summary, liveState }: { session: Session; summary: ReturnType<typeof summarise>; liveState: LiveState }) {
  const navigate = useNavigate();
  const complete = useCompleteSession(session.id);
  const del = useDeleteSession();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const questions = [...(session.questions ?? [])].sort((a, b) => a.position - b.position);
  const inProgress = session.status === "in_progress";
  const allDone = summary.pending === 0;

  return (
    <>
      <PageHeader
        title={inProgress ? "Feedback so far" : "Session results"}
        documentTitle="Session results"
        breadcrumbs={<Link to="/history">← History</Link>}
        lead={
          <>
            {session.role?.name ?? "Practice"} · {formatDateTime(session.started_at)} · {session.mode === "voice" ? "Voice" : "Text"}
          </>
        }
        actions={
          <>
            <Link className={buttonClass("primary")} to={`/practice?role=${encodeURIComponent(session.role?.slug ?? "")}`}>
              <Icon name="refresh" /> Practise again
            </Link>
            <Button variant="ghost" onClick={() => setConfirmDelete(true)}>
              <Icon name="trash" /> Delete
            </Button>
          </>
        }
      />

      <div className="stack-lg">
        {inProgress ? (
          <Alert
            tone="info"
            title="This session is still open"
            actions={
              <>
                <Link className="btn btn-sm btn-primary" to={`/practice/${session.id}`}>
                  Continue answering
                </Link>
                <Button size="sm" onClick={() => complete.mutate()} loading={complete.isPending}>
                  Finish now
                </Button>
              </>
            }
          >
            {questions.length - summary.answers.length} question{questions.length - summary.answers.length === 1 ? "" : "s"} left.
            {complete.isError ? <ErrorAlert error={complete.error} /> : null}
          </Alert>
        ) : null}

        <section className="card" aria-labelledby="summary-heading">
          <div className="card-header">
            <h2 id="summary-heading">Summary</h2>
            <LiveIndicator state={liveState} pending={summary.pending} />
          </div>
          {summary.answers.length === 0 ? (
            <p className="muted" style={{ margin: 0 }}>
              No answers were submitted in this session.
            </p>
          ) : summary.answers.length === 1 ? (
            // One answer: its score and skills are in its feedback below; repeating them here would show them twice.
            <p className="muted" style={{ margin: 0 }}>
              {summary.answers.length} of {questions.length} answered · {formatDuration(summary.totalTime)} answering. Your score and feedback are below.
            </p>
          ) : (
            <div className="grid-2" style={{ alignItems: "start" }}>
              <div className="row" style={{ gap: "var(--space-5)" }}>
                <ScoreRing score={summary.scored ? summary.average : null} size={120} label="Average score" />
                <div className="stat">
                  <span className="stat-label">Average score</span>
                  <span className="stat-band">{summary.scored ? scoreLabel(summary.average) : allDone ? "No scores" : "Waiting for evaluations"}</span>
                  <span className="stat-sub">
                    {summary.answers.length} of {questions.length} answered · {formatDuration(summary.totalTime)} answering
                  </span>
                </div>
              </div>
              {summary.dimensions.length ? (
                <div>
                  <h3>Average by skill</h3>
                  <DimensionBars dimensions={summary.dimensions} />
                </div>
              ) : null}
            </div>
          )}
        </section>

        <section aria-labelledby="answers-heading" className="stack">
          <h2 id="answers-heading">Question by question</h2>
          {questions.map((q, i) => {
            const answer = q.answer ?? null;
            const isBest = !!answer && summary.best?.answer_id === answer.id && summary.answers.length > 1;
            const isWeakest = !!answer && summary.weakest?.answer_id === answer.id && summary.answers.length > 1;
            return (
              <article key={q.question.id} className="card stack" aria-labelledby={`q-${i}`}>
                <div className="row-between">
                  <span className="small muted">
                    Question {i + 1}
                    {answer ? ` · answered in ${formatDuration(answer.duration_seconds)}` : ""}
                  </span>
                  <div className="badges">
                    <CategoryBadge category={q.question.category} />
                    <DifficultyBadge difficulty={q.question.difficulty} />
                    {answer?.over_time ? <span className="badge badge-warning">Over time</span> : null}
                    {isBest ? <span className="badge badge-success">Best answer</span> : null}
                    {isWeakest ? <span className="badge badge-danger">Most room to improve</span> : null}
                  </div>
                </div>
                <h3 id={`q-${i}`} className="pre-wrap" style={{ fontSize: "1.05rem" }}>
                  {q.question.prompt}
                </h3>
                {answer ? (
                  <>
                    <EvaluationPanel answer={answer} sessionId={session.id} context={`question ${i + 1}`} level={4} />
                    <Link to={`/answers/${answer.id}`} className="small">
                      Open this answer on its own page
                    </Link>
                  </>
                ) : (
                  <p className="muted" style={{ margin: 0 }}>
                    {inProgress ? "Not answered yet." : "Skipped."}{" "}
                    <Link to={`/library/${q.question.id}`}>View question</Link>
                  </p>
                )}
              </article>
            );
          })}
        </section>
      </div>

      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} title="Delete this session?">
        <p style={{ margin: 0 }}>Its answers and feedback will be permanently removed from your history and progress.</p>
        {del.isError ? <ErrorAlert error={del.error} /> : null}
        <div className="dialog-actions">
          <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
          <Button variant="danger" loading={del.isPending} onClick={() => del.mutate(session.id, { onSuccess: () => navigate("/history", { replace: true }) })}>
            Delete session
          </Button>
        </div>
      </Dialog>
    </>
  );
}
