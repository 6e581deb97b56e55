import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useCreateSession } from "../../api/sessions";
import { CATEGORIES, DIFFICULTIES, type Category, type CreateSession, type Difficulty } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert, LoadingBlock } from "../../components/Feedback";
import { Segmented, SelectField, TextField } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge } from "../../components/Score";
import { categoryLabel, difficultyLabel } from "../../lib/format";
import { hasErrors, splitErrors, type FieldErrors } from "../../lib/forms";
import { isApiError } from "../../lib/problem";
import { useUsage } from "../billing/api";
import { UsageMeter } from "../billing/PlanCards";
import { useQuestion, useRoles } from "../library/api";
import { isRecordingSupported } from "./useRecorder";
import { isSpeechRecognitionSupported } from "./useSpeechRecognition";

const TIMERS = [
  { value: "", label: "Suggested time for each question" },
  { value: "120", label: "2 minutes per question" },
  { value: "180", label: "3 minutes per question" },
  { value: "300", label: "5 minutes per question" },
  { value: "600", label: "10 minutes per question" },
  { value: "900", label: "15 minutes per question (cases)" },
];

export function StartSessionPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const roles = useRoles();
  const usage = useUsage();
  const create = useCreateSession();
  const questionId = params.get("question") ?? undefined;
  const picked = useQuestion(questionId);
  const voiceSupported = isRecordingSupported() || isSpeechRecognitionSupported();

  const [role, setRole] = useState(params.get("role") ?? "");
  const [category, setCategory] = useState<Category | "">((params.get("category") as Category) ?? "");
  const [difficulty, setDifficulty] = useState<Difficulty | "">((params.get("difficulty") as Difficulty) ?? "");
  const [count, setCount] = useState(params.get("count") ?? "5");
  const [mode, setMode] = useState<"text" | "voice">("text");
  const [timer, setTimer] = useState("");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const fields = ["role", "category", "difficulty", "question_count", "mode", "time_limit_seconds", "question_ids"];
  const { fieldErrors, formError, extra } = splitErrors(create.error, fields, clientErrors);

  const effectiveRole = role || (picked.data?.roles?.[0] ?? "");

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const n = Number(count);
    const errors: FieldErrors = {
      role: effectiveRole ? undefined : "Choose the role you're preparing for.",
      question_count: questionId || (Number.isInteger(n) && n >= 1 && n <= 20) ? undefined : "Choose between 1 and 20 questions.",
    };
    setClientErrors(errors);
    if (hasErrors(errors)) return;
    const body: CreateSession = {
      role: effectiveRole,
      mode,
      ...(questionId ? { question_ids: [questionId] } : { question_count: n }),
      ...(!questionId && category ? { category } : {}),
      ...(!questionId && difficulty ? { difficulty } : {}),
      ...(timer ? { time_limit_seconds: Number(timer) } : {}),
    };
    create.mutate(body, { onSuccess: (s) => navigate(`/practice/${s.id}`) });
  }

  const quotaReached = usage.data && usage.data.answers_limit != null && usage.data.answers_used >= usage.data.answers_limit;

  return (
    <>
      <PageHeader title="Start a practice session" lead="Choose what to practise. You'll answer one question at a time and get feedback on each answer." />
      <div className="practice-layout">
        <form className="card form" onSubmit={onSubmit} noValidate aria-label="Session settings">
          {formError ? (
            isApiError(formError, "quota_exceeded") ? (
              <Alert tone="warning" title="You've used this month's answers" actions={<Link className="btn btn-primary btn-sm" to="/settings/billing">See plans</Link>}>
                {(formError as Error).message}
              </Alert>
            ) : (
              <ErrorAlert error={formError}>{extra.length ? <span className="small">{extra.join("; ")}</span> : null}</ErrorAlert>
            )
          ) : null}

          {questionId ? (
            <div className="callout stack-sm">
              <strong>Practising one hand-picked question</strong>
              {picked.isPending ? (
                <span className="muted">Loading question…</span>
              ) : picked.isError ? (
                <ErrorAlert error={picked.error} />
              ) : (
                <>
                  <div className="badges">
                    <CategoryBadge category={picked.data.category} />
                    <DifficultyBadge difficulty={picked.data.difficulty} />
                  </div>
                  <span>{picked.data.prompt}</span>
                </>
              )}
              <Link to="/practice" className="small">
                Choose questions automatically instead
              </Link>
            </div>
          ) : null}

          {roles.isPending ? (
            <LoadingBlock label="Loading roles…" />
          ) : roles.isError ? (
            <ErrorAlert error={roles.error} onRetry={() => roles.refetch()} />
          ) : (
            <SelectField
              label="Role"
              name="role"
              value={effectiveRole}
              onChange={(e) => setRole(e.target.value)}
              error={fieldErrors.role}
              options={[{ value: "", label: "Choose a role…" }, ...(roles.data ?? []).map((r) => ({ value: r.slug, label: r.name }))]}
              required
            />
          )}

          {!questionId ? (
            <div className="grid-2-tight">
              <SelectField
                label="Category"
                name="category"
                value={category}
                onChange={(e) => setCategory(e.target.value as Category | "")}
                error={fieldErrors.category}
                options={[{ value: "", label: "Mixed categories" }, ...CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]}
              />
              <SelectField
                label="Difficulty"
                name="difficulty"
                value={difficulty}
                onChange={(e) => setDifficulty(e.target.value as Difficulty | "")}
                error={fieldErrors.difficulty}
                options={[{ value: "", label: "Mixed difficulty" }, ...DIFFICULTIES.map((d) => ({ value: d, label: difficultyLabel(d) }))]}
              />
              <TextField
                label="Number of questions"
                name="question_count"
                type="number"
                inputMode="numeric"
                min={1}
                max={20}
                value={count}
                onChange={(e) => setCount(e.target.value)}
                error={fieldErrors.question_count}
                hint="Between 1 and 20."
              />
              <SelectField label="Timer" name="time_limit_seconds" value={timer} onChange={(e) => setTimer(e.target.value)} error={fieldErrors.time_limit_seconds} options={TIMERS} />
            </div>
          ) : (
            <SelectField label="Timer" name="time_limit_seconds" value={timer} onChange={(e) => setTimer(e.target.value)} error={fieldErrors.time_limit_seconds} options={TIMERS} />
          )}

          <Segmented<"text" | "voice">
            legend="Answer by"
            name="mode"
            value={mode}
            onChange={setMode}
            error={fieldErrors.mode}
            hint={voiceSupported ? "Record each answer out loud: you get feedback on delivery (pace, filler words, pauses, timing) as well as content, and can correct the transcript." : "Voice answers need a browser that can record audio (Chrome, Edge, Firefox or Safari)."}
            options={[
              { value: "text", label: <><Icon name="edit" size={16} /> Typing</> },
              { value: "voice", label: <><Icon name="mic" size={16} /> Speaking</>, disabled: !voiceSupported },
            ]}
          />

          <div className="form-actions">
            <Button type="submit" variant="primary" size="lg" loading={create.isPending} loadingText="Preparing questions…">
              <Icon name="play" />
              Start session
            </Button>
          </div>
        </form>

        <aside className="stack" aria-label="Your plan">
          {usage.data ? (
            <div className="card card-tight stack-sm">
              <UsageMeter used={usage.data.answers_used} limit={usage.data.answers_limit} periodEnd={usage.data.period_end} />
              {quotaReached ? (
                <Link to="/settings/billing" className="small">
                  Upgrade for more answers
                </Link>
              ) : null}
            </div>
          ) : null}
          <div className="card card-tight">
            <h2 style={{ fontSize: "1rem" }}>Tips</h2>
            <ul className="small muted" style={{ marginBottom: 0 }}>
              <li>Answer as you would out loud — structure first, then detail.</li>
              <li>For behavioural questions, use Situation, Task, Action, Result.</li>
              <li>Your draft saves as you type; you can leave and come back.</li>
              <li>Press Ctrl + Enter to submit an answer.</li>
            </ul>
          </div>
        </aside>
      </div>
    </>
  );
}
