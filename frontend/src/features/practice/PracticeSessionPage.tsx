import { useEffect, useMemo, useRef, useState } from "react";
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router";
import { useCompleteSession, useSession, useSubmitAnswer, useSubmitVoiceAnswer } from "../../api/sessions";
import type { Session } from "../../api/types";
import { Button } from "../../components/Button";
import { ErrorAlert, LoadingBlock } from "../../components/Feedback";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge } from "../../components/Score";
import { toast } from "../../components/Toast";
import { formatDuration } from "../../lib/format";
import { readJson, storageKey, writeJson } from "../../lib/storage";
import { useQuestion } from "../library/api";
import { CaseDetails } from "../library/CaseDetails";
import { AnswerEditor } from "./AnswerEditor";
import { readDraft } from "./useDraft";
import type { Recording } from "./useRecorder";

function useSkipped(sessionId: string) {
  const key = storageKey("skipped", sessionId);
  const [skipped, setSkipped] = useState<string[]>(() => readJson<string[]>(key) ?? []);
  const update = (next: string[]) => {
    setSkipped(next);
    writeJson(key, next);
  };
  return [skipped, update] as const;
}

function sortedQuestions(session: Session) {
  return [...(session.questions ?? [])].sort((a, b) => a.position - b.position);
}

/** Session questions are summaries; a case's client, facts and exhibits come from the question itself. */
function CaseMaterials({ questionId }: { questionId: string }) {
  const q = useQuestion(questionId);
  if (q.isPending) return <LoadingBlock label="Loading case materials…" />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  return q.data.case ? <CaseDetails caseBlock={q.data.case} /> : null;
}

export function PracticeSessionPage() {
  const { sessionId = "" } = useParams();
  const session = useSession(sessionId);
  if (session.isPending) return <LoadingBlock label="Loading your session…" />;
  if (session.isError)
    return (
      <>
        <PageHeader title="Practice session" breadcrumbs={<Link to="/history">← History</Link>} />
        <ErrorAlert error={session.error} onRetry={() => session.refetch()} />
      </>
    );
  if (session.data.status === "completed") return <Navigate to={`/sessions/${sessionId}`} replace />;
  return <Practice session={session.data} />;
}

function Practice({ session }: { session: Session }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const submitText = useSubmitAnswer(session.id);
  const submitVoice = useSubmitVoiceAnswer(session.id);
  // Whichever way the last answer went (typed or recorded) is the one whose state the editor shows.
  const [lastVia, setLastVia] = useState<"text" | "voice">("text");
  const submit = lastVia === "voice" ? submitVoice : submitText;
  const complete = useCompleteSession(session.id);
  const [skipped, setSkipped] = useSkipped(session.id);
  const [confirmFinish, setConfirmFinish] = useState(false);
  const questions = useMemo(() => sortedQuestions(session), [session]);
  const answered = useMemo(() => new Set(questions.filter((q) => q.answer).map((q) => q.question.id)), [questions]);
  const questionHeading = useRef<HTMLHeadingElement>(null);

  const requested = Number(params.get("q"));
  const firstOpen = questions.find((q) => !answered.has(q.question.id) && !skipped.includes(q.question.id)) ?? questions.find((q) => !answered.has(q.question.id));
  const current = questions.find((q) => q.position === requested && !answered.has(q.question.id)) ?? firstOpen ?? null;
  const index = current ? questions.indexOf(current) : -1;
  const remaining = questions.filter((q) => !answered.has(q.question.id));
  const isLast = remaining.length === 1;

  // Move focus to the question when it changes (not on first render: the page heading has it then).
  const lastShown = useRef<string | null>(null);
  useEffect(() => {
    const id = current?.question.id ?? null;
    if (lastShown.current !== null && id !== lastShown.current) questionHeading.current?.focus();
    lastShown.current = id;
  }, [current?.question.id]);

  function goTo(position: number) {
    setParams({ q: String(position) }, { replace: true });
  }

  function nextAfter(questionId: string, extraDone: string[] = []) {
    const done = new Set([...answered, ...extraDone]);
    const i = questions.findIndex((q) => q.question.id === questionId);
    const order = [...questions.slice(i + 1), ...questions.slice(0, i)];
    return order.find((q) => !done.has(q.question.id) && !skipped.includes(q.question.id)) ?? order.find((q) => !done.has(q.question.id)) ?? null;
  }

  async function onSubmit(text: string, duration: number, recording?: Recording) {
    if (!current) return;
    setLastVia(recording ? "voice" : "text");
    submitText.reset();
    submitVoice.reset();
    const answer = recording
      ? await submitVoice.mutateAsync({ question_id: current.question.id, transcript: text, duration_seconds: duration, recording: recording.blob })
      : await submitText.mutateAsync({ question_id: current.question.id, text, duration_seconds: duration });
    if (skipped.includes(current.question.id)) setSkipped(skipped.filter((id) => id !== current.question.id));
    const next = nextAfter(current.question.id, [current.question.id]);
    if (next) {
      toast(answer?.over_time ? "Answer submitted (over time) — evaluating in the background." : "Answer submitted — evaluating in the background.");
      goTo(next.position);
    } else {
      finish();
    }
  }

  function onSkip() {
    if (!current) return;
    const id = current.question.id;
    const nextSkipped = skipped.includes(id) ? skipped : [...skipped, id];
    setSkipped(nextSkipped);
    submit.reset();
    const next = nextAfter(id);
    if (next && next.question.id !== id) goTo(next.position);
    else setConfirmFinish(true);
  }

  function finish() {
    complete.mutate(undefined, {
      onSuccess: () => navigate(`/sessions/${session.id}`),
      onError: (e) => {
        // Already completed elsewhere: just show the results.
        if ((e as { status?: number }).status === 409) navigate(`/sessions/${session.id}`);
      },
    });
  }

  const unsentDrafts = questions.filter((q) => !answered.has(q.question.id) && readDraft(session.id, q.question.id).trim()).length;

  return (
    <>
      <PageHeader
        title={`${session.role?.name ?? "Interview"} practice`}
        breadcrumbs={<Link to="/history">← History</Link>}
        lead={
          <>
            {questions.length} question{questions.length === 1 ? "" : "s"} · {session.mode === "voice" ? "Voice" : "Text"} answers
            {session.time_limit_seconds ? ` · ${formatDuration(session.time_limit_seconds)} per question` : " · suggested time per question"}
          </>
        }
        actions={
          <Button onClick={() => setConfirmFinish(true)} disabled={complete.isPending}>
            <Icon name="flag" />
            Finish session
          </Button>
        }
      />
      {complete.isError && (complete.error as { status?: number }).status !== 409 ? <ErrorAlert error={complete.error} /> : null}

      <div className="practice-layout">
        <div className="stack">
          {current ? (
            <section className="card stack" aria-labelledby="current-question">
              <div className="row-between">
                <span className="small muted">
                  Question {index + 1} of {questions.length}
                </span>
                <div className="badges">
                  <CategoryBadge category={current.question.category} />
                  <DifficultyBadge difficulty={current.question.difficulty} />
                </div>
              </div>
              <h2 id="current-question" ref={questionHeading} tabIndex={-1} className="practice-question pre-wrap">
                {current.question.prompt}
              </h2>
              {current.question.category === "case" || current.question.case_type ? <CaseMaterials questionId={current.question.id} /> : null}
              <AnswerEditor
                key={current.question.id}
                sessionId={session.id}
                item={current}
                mode={session.mode}
                timeLimit={current.time_limit_seconds ?? session.time_limit_seconds ?? current.question.time_limit_seconds}
                submitting={submit.isPending}
                submitError={submit.error}
                onSubmit={onSubmit}
                onSkip={onSkip}
                isLast={isLast}
              />
            </section>
          ) : (
            <section className="card stack" aria-labelledby="all-done">
              <h2 id="all-done">All questions answered</h2>
              <p className="muted">Finish the session to see your summary. Evaluations keep arriving on the results page.</p>
              <div>
                <Button variant="primary" size="lg" onClick={finish} loading={complete.isPending} loadingText="Finishing…">
                  Finish and see results
                </Button>
              </div>
            </section>
          )}
        </div>

        <aside className="stack" aria-label="Session progress">
          <div className="card card-tight">
            <h2 style={{ fontSize: "1rem" }}>Progress</h2>
            <p className="small muted">
              {answered.size} of {questions.length} answered
            </p>
            <ol className="q-steps">
              {questions.map((q, i) => {
                const done = answered.has(q.question.id);
                const isSkipped = !done && skipped.includes(q.question.id);
                const isCurrent = current?.question.id === q.question.id;
                return (
                  <li key={q.question.id}>
                    <button
                      type="button"
                      className={`q-step${done ? " done" : ""}${isSkipped ? " skipped" : ""}`}
                      aria-current={isCurrent ? "step" : undefined}
                      disabled={done}
                      onClick={() => goTo(q.position)}
                    >
                      <span className="dot" aria-hidden="true">
                        {done ? <Icon name="check" size={12} /> : i + 1}
                      </span>
                      <span>
                        Question {i + 1}
                        <span className="visually-hidden">{done ? " (answered)" : isSkipped ? " (skipped)" : ""}</span>
                        {isSkipped ? <span className="muted"> · skipped</span> : null}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ol>
          </div>
          {answered.size > 0 ? (
            <Link className="btn btn-sm" to={`/sessions/${session.id}`}>
              See feedback so far
            </Link>
          ) : null}
        </aside>
      </div>

      <Dialog open={confirmFinish} onClose={() => setConfirmFinish(false)} title="Finish this session?">
        <p style={{ margin: 0 }}>
          {remaining.length > 0
            ? `${remaining.length} question${remaining.length === 1 ? " is" : "s are"} still unanswered and will be skipped.`
            : "You've answered every question."}
          {unsentDrafts > 0 ? ` You have ${unsentDrafts} unsent draft${unsentDrafts === 1 ? "" : "s"} — submit ${unsentDrafts === 1 ? "it" : "them"} first if you want feedback.` : ""}
        </p>
        {complete.isError ? <ErrorAlert error={complete.error} /> : null}
        <div className="dialog-actions">
          <Button onClick={() => setConfirmFinish(false)}>Keep practising</Button>
          <Button variant="primary" onClick={finish} loading={complete.isPending} loadingText="Finishing…">
            Finish and see results
          </Button>
        </div>
      </Dialog>
    </>
  );
}
