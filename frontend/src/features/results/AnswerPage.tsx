import { Link, useParams } from "react-router";
import { useAnswer } from "../../api/sessions";
import { ErrorAlert, LoadingBlock } from "../../components/Feedback";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge } from "../../components/Score";
import { formatDateTime, formatDuration } from "../../lib/format";
import { useQuestion } from "../library/api";
import { CaseDetails } from "../library/CaseDetails";
import { EvaluationPanel } from "./EvaluationPanel";
import { RecordingPlayer } from "./VoiceAnswer";

export function AnswerPage() {
  const { answerId = "" } = useParams();
  const answer = useAnswer(answerId, { pollUntilEvaluated: true });
  const question = useQuestion(answer.data?.question_id);
  const q = question.data ?? null;
  const back = answer.data?.session_id ? <Link to={`/sessions/${answer.data.session_id}`}>← Session results</Link> : <Link to="/history">← History</Link>;

  if (answer.isPending) return <LoadingBlock label="Loading answer…" />;
  if (answer.isError)
    return (
      <>
        <PageHeader title="Answer" breadcrumbs={<Link to="/history">← History</Link>} />
        <ErrorAlert error={answer.error} onRetry={() => answer.refetch()} />
      </>
    );
  const a = answer.data;
  return (
    <>
      <PageHeader title="Your answer" breadcrumbs={back} lead={`Submitted ${formatDateTime(a.submitted_at)} · ${formatDuration(a.duration_seconds)}${a.over_time ? " · over time" : ""}`} />
      <div className="stack-lg">
        <section className="card stack" aria-labelledby="question-heading">
          <h2 id="question-heading" className="visually-hidden">
            Question
          </h2>
          {q ? (
            <>
              <div className="badges">
                <CategoryBadge category={q.category} />
                <DifficultyBadge difficulty={q.difficulty} />
              </div>
              <p className="question-prompt pre-wrap" style={{ margin: 0 }}>
                {q.prompt}
              </p>
              {q.case ? (
                <details className="disclosure">
                  <summary>Case materials</summary>
                  <div className="disclosure-body">
                    <CaseDetails caseBlock={q.case} />
                  </div>
                </details>
              ) : null}
              <Link to={`/library/${q.id}`} className="small">
                Open in library (model answer)
              </Link>
            </>
          ) : question.isError ? (
            <ErrorAlert error={question.error} />
          ) : (
            <LoadingBlock label="Loading question…" />
          )}
          {a.audio ? (
            <>
              <h3 style={{ margin: 0 }}>Your recording</h3>
              <RecordingPlayer answer={a} />
            </>
          ) : null}
        </section>
        <section className="card" aria-labelledby="feedback-heading">
          <h2 id="feedback-heading">Feedback</h2>
          <EvaluationPanel answer={a} sessionId={a.session_id} />
        </section>
      </div>
    </>
  );
}
