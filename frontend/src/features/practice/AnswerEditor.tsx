import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link } from "react-router";
import type { SessionQuestion } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { countWords } from "../../lib/format";
import { isApiError } from "../../lib/problem";
import { CountdownBadge } from "./CountdownBadge";
import { clearQuestionStart, getQuestionStart, useCountdown } from "./useCountdown";
import { useDraft } from "./useDraft";
import { useSpeechRecognition } from "./useSpeechRecognition";

export interface AnswerEditorProps {
  sessionId: string;
  item: SessionQuestion;
  mode: "text" | "voice";
  timeLimit: number | null | undefined;
  submitting: boolean;
  submitError: unknown;
  onSubmit: (text: string, durationSeconds: number) => Promise<unknown>;
  onSkip: () => void;
  isLast: boolean;
}

/** The answer box for one question (remount per question with `key`). */
export function AnswerEditor({ sessionId, item, mode, timeLimit, submitting, submitError, onSubmit, onSkip, isLast }: AnswerEditorProps) {
  const questionId = item.question.id;
  const { text, setText, clear, savedAt } = useDraft(sessionId, questionId);
  const [startedAt] = useState(() => getQuestionStart(sessionId, questionId));
  const countdown = useCountdown(startedAt, timeLimit);
  const [emptyError, setEmptyError] = useState<string | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);

  const speech = useSpeechRecognition((phrase) => {
    if (!phrase) return;
    setText((current) => current + (current && !/\s$/.test(current) ? " " : "") + phrase);
  });

  const words = countWords(text);
  const serverFieldError = isApiError(submitError) ? (submitError.fieldErrors.text ?? submitError.fieldErrors.answer) : undefined;
  const fieldError = emptyError ?? serverFieldError ?? null;
  const errorId = `answer-${questionId}-error`;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (submitting) return;
    if (!text.trim()) {
      setEmptyError("Write an answer before submitting — or skip this question.");
      textarea.current?.focus();
      return;
    }
    setEmptyError(null);
    if (speech.listening) speech.stop();
    try {
      await onSubmit(text.trim(), countdown.elapsed);
      clear();
      clearQuestionStart(sessionId, questionId);
    } catch {
      /* shown by the parent via submitError; the draft stays */
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <div className="row-between">
        <label htmlFor={`answer-${questionId}`} className="field-label" style={{ fontSize: "1rem" }}>
          Your answer
        </label>
        <CountdownBadge countdown={countdown} limitSeconds={timeLimit} />
      </div>

      {countdown.expired ? (
        <Alert tone="warning" title="Time's up">
          Finish your thought and submit — answers over time are marked as such, but still evaluated.
        </Alert>
      ) : null}

      {mode === "voice" ? (
        <div className="card card-tight stack-sm" style={{ background: "var(--surface-2)" }}>
          <div className="row">
            {speech.listening ? (
              <Button variant="danger" onClick={speech.stop}>
                <Icon name="micOff" /> Stop dictation
              </Button>
            ) : (
              <Button variant="primary" onClick={speech.start} disabled={!speech.supported}>
                <Icon name="mic" /> {text ? "Continue speaking" : "Start speaking"}
              </Button>
            )}
            {speech.listening ? (
              <span className="row small" style={{ gap: 6 }}>
                <span className="recording-dot" aria-hidden="true" /> Listening…
              </span>
            ) : (
              <span className="small muted">Your words appear below. Edit the transcript before you submit.</span>
            )}
          </div>
          {speech.interim ? (
            <p className="small muted" aria-live="polite" style={{ margin: 0 }}>
              <em>{speech.interim}</em>
            </p>
          ) : null}
          {!speech.supported ? <Alert tone="info">Voice input isn't available in this browser — type your answer instead.</Alert> : null}
          {speech.error ? <Alert tone="warning">{speech.error}</Alert> : null}
        </div>
      ) : null}

      <textarea
        ref={textarea}
        id={`answer-${questionId}`}
        className="textarea answer-editor"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (emptyError) setEmptyError(null);
        }}
        onKeyDown={onKeyDown}
        placeholder={mode === "voice" ? "Your transcript appears here — you can also type." : "Structure your answer, then fill in the detail…"}
        aria-invalid={fieldError ? true : undefined}
        aria-describedby={[fieldError ? errorId : null, `answer-${questionId}-meta`].filter(Boolean).join(" ")}
        spellCheck
      />
      {fieldError ? (
        <div id={errorId} className="field-error">
          <Icon name="alert" size={16} />
          <span>{fieldError}</span>
        </div>
      ) : null}
      <div className="editor-meta" id={`answer-${questionId}-meta`}>
        <span>
          {words} word{words === 1 ? "" : "s"}
          {words > 0 && words < 60 ? " · most strong answers are 150–400 words" : ""}
        </span>
        <span aria-live="polite">{savedAt ? "Draft saved on this device" : ""}</span>
      </div>

      {submitError && !serverFieldError ? (
        isApiError(submitError, "quota_exceeded") ? (
          <Alert tone="warning" title="You've reached this month's answer limit" actions={<Link className="btn btn-primary btn-sm" to="/settings/billing">Upgrade</Link>}>
            {(submitError as Error).message} Your draft is saved.
          </Alert>
        ) : (
          <ErrorAlert error={submitError} />
        )
      ) : null}

      <div className="form-actions">
        <Button type="submit" variant="primary" size="lg" loading={submitting} loadingText="Submitting…">
          <Icon name="check" />
          {isLast ? "Submit final answer" : "Submit answer"}
        </Button>
        <Button variant="ghost" onClick={onSkip} disabled={submitting}>
          <Icon name="skip" />
          Skip
        </Button>
        <span className="kbd-hint">
          or press <kbd>Ctrl</kbd> + <kbd>Enter</kbd>
        </span>
      </div>
    </form>
  );
}
