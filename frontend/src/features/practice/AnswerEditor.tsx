import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link } from "react-router";
import type { SessionQuestion } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { countWords, formatClock } from "../../lib/format";
import { isApiError } from "../../lib/problem";
import { CountdownBadge } from "./CountdownBadge";
import { clearQuestionStart, getQuestionStart, useCountdown } from "./useCountdown";
import { useDraft } from "./useDraft";
import { type Recording, useRecorder } from "./useRecorder";
import { useSpeechRecognition } from "./useSpeechRecognition";

export interface AnswerEditorProps {
  sessionId: string;
  item: SessionQuestion;
  mode: "text" | "voice";
  timeLimit: number | null | undefined;
  submitting: boolean;
  submitError: unknown;
  /** `recording` is set for a recorded voice answer; its `text` is then the (optional) transcript. */
  onSubmit: (text: string, durationSeconds: number, recording?: Recording) => Promise<unknown>;
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

  const recorder = useRecorder();
  const recording = mode === "voice" ? recorder.recording : null;

  const words = countWords(text);
  const transcriptRequired = isApiError(submitError, "transcript_required")
    ? "This server can't transcribe recordings: type what you said (or let dictation fill it in), then submit again."
    : undefined;
  const audioError = isApiError(submitError) ? (submitError.fieldErrors.audio ?? (submitError.status === 413 || submitError.status === 415 ? submitError.message : undefined)) : undefined;
  const serverFieldError = isApiError(submitError)
    ? (transcriptRequired ?? submitError.fieldErrors.text ?? submitError.fieldErrors.transcript ?? submitError.fieldErrors.answer ?? audioError)
    : undefined;
  const fieldError = emptyError ?? serverFieldError ?? null;
  const errorId = `answer-${questionId}-error`;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (submitting) return;
    if (recorder.state === "recording") recorder.stop();
    if (!text.trim() && !recording) {
      setEmptyError(mode === "voice" ? "Record your answer (or type it) before submitting — or skip this question." : "Write an answer before submitting — or skip this question.");
      textarea.current?.focus();
      return;
    }
    setEmptyError(null);
    if (speech.listening) speech.stop();
    try {
      await onSubmit(text.trim(), recording ? recording.seconds : countdown.elapsed, recording ?? undefined);
      recorder.discard();
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
          {mode === "voice" ? "Your answer (transcript)" : "Your answer"}
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
            {recorder.state === "recording" ? (
              <Button
                variant="danger"
                onClick={() => {
                  recorder.stop();
                  if (speech.listening) speech.stop();
                }}
              >
                <Icon name="micOff" /> Stop recording
              </Button>
            ) : (
              <Button
                variant={recording ? "secondary" : "primary"}
                onClick={() => {
                  void recorder.start();
                  if (speech.supported && !speech.listening) speech.start();
                }}
                disabled={!recorder.supported || recorder.state === "requesting"}
              >
                <Icon name="mic" /> {recording ? "Record again" : "Record answer"}
              </Button>
            )}
            {recorder.state === "recording" ? (
              <span className="row small" style={{ gap: 6 }} role="status">
                <span className="recording-dot" aria-hidden="true" /> Recording… {formatClock(recorder.elapsed)}
              </span>
            ) : recording ? (
              <span className="small muted" role="status">
                Recorded {formatClock(recording.seconds)}. Listen back, then submit — or record again.
              </span>
            ) : (
              <span className="small muted">Answer out loud as you would in the interview. You'll get feedback on delivery as well as content.</span>
            )}
          </div>
          {recording ? <audio controls src={recording.url} aria-label="Your recording" style={{ width: "100%" }} /> : null}
          {speech.supported ? (
            <p className="small muted" style={{ margin: 0 }}>
              Dictation fills in the transcript below while you record; correct it before you submit.
            </p>
          ) : (
            <p className="small muted" style={{ margin: 0 }}>
              Your recording is transcribed after you submit. If this server can't transcribe audio, type what you said below.
            </p>
          )}
          {speech.interim ? (
            <p className="small muted" aria-live="polite" style={{ margin: 0 }}>
              <em>{speech.interim}</em>
            </p>
          ) : null}
          {!recorder.supported ? <Alert tone="info">Recording isn't available in this browser — type your answer instead.</Alert> : null}
          {recorder.error ? <Alert tone="warning">{recorder.error}</Alert> : null}
          {speech.error && recorder.state !== "recording" ? <Alert tone="info">{speech.error}</Alert> : null}
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
        placeholder={mode === "voice" ? "Transcript of your recording — type or correct it here." : "Structure your answer, then fill in the detail…"}
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
