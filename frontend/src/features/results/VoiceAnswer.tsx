/** A voice answer's parts on the results pages: playback, the transcript's state, and delivery feedback. */
import { useEffect, useId, useMemo, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useUpdateTranscript } from "../../api/sessions";
import type { Answer } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { DimensionBars } from "../../components/Score";
import { api } from "../../lib/api-client";
import { formatClock } from "../../lib/format";
import { isApiError } from "../../lib/problem";

type Delivery = NonNullable<Answer["delivery"]>;

/** Plays the recording back. It needs the bearer token, so it is fetched as a blob (seeking is local). */
export function RecordingPlayer({ answer }: { answer: Answer }) {
  const audio = answer.audio;
  const recording = useQuery({
    queryKey: ["answers", answer.id, "audio"],
    enabled: !!audio?.url,
    staleTime: Infinity,
    queryFn: async ({ signal }) => {
      const { data, error } = await api.GET("/api/v1/answers/{id}/audio", { params: { path: { id: answer.id } }, parseAs: "blob", signal });
      if (error || !data) throw new Error("The recording could not be loaded.");
      return data as Blob;
    },
  });
  const url = useMemo(() => (recording.data ? URL.createObjectURL(recording.data) : null), [recording.data]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  if (!audio) return null;
  if (!audio.url)
    return (
      <p className="small muted" style={{ margin: 0 }}>
        <Icon name="mic" size={14} /> The recording was deleted after the retention period; the transcript and feedback stay.
      </p>
    );
  if (recording.isError) return <ErrorAlert error={recording.error} onRetry={() => recording.refetch()} />;
  return url ? <audio controls src={url} aria-label="Recording of your answer" style={{ width: "100%" }} /> : <p className="small muted">Loading the recording…</p>;
}

/** Where the transcript stands, and a box to type it when speech-to-text failed. */
export function TranscriptStatus({ answer }: { answer: Answer }) {
  const t = answer.transcript;
  const update = useUpdateTranscript(answer.session_id);
  const [text, setText] = useState(answer.text);
  if (!t) return null;
  if (t.status === "pending")
    return (
      <div className="row small muted" role="status">
        <span className="spinner spinner-sm" aria-hidden="true" /> Transcribing your recording…
      </div>
    );
  if (t.status === "completed")
    return (
      <p className="small muted" style={{ margin: 0 }}>
        {t.source === "openai" ? "Transcribed automatically" : t.source === "edited" ? "Transcript typed by you" : "Transcript from your browser"}
        {t.timed_words ? " with word timings" : ""}.
      </p>
    );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    update.mutate({ answerId: answer.id, text });
  }
  const fieldError = isApiError(update.error) ? update.error.fieldErrors.text : undefined;
  return (
    <Alert tone="warning" title="We couldn't transcribe this recording">
      <form className="stack-sm" onSubmit={onSubmit} noValidate>
        <span>{t.error ?? "Speech-to-text failed."} Type what you said to get feedback — it doesn't use another answer from your allowance.</span>
        <label htmlFor={`transcript-${answer.id}`} className="field-label">
          Transcript
        </label>
        <textarea id={`transcript-${answer.id}`} className="textarea" rows={5} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={fieldError ? true : undefined} />
        {fieldError ? <div className="field-error">{fieldError}</div> : null}
        {update.isError && !fieldError ? <ErrorAlert error={update.error} /> : null}
        <div>
          <Button type="submit" variant="primary" size="sm" loading={update.isPending} loadingText="Saving…" disabled={!text.trim()}>
            Evaluate this transcript
          </Button>
        </div>
      </form>
    </Alert>
  );
}

/**
 * Delivery feedback: measured pace, fillers, pauses and timing, scored on their own. `context` (e.g. "question 2")
 * is added to the region's name for screen readers, so several answers on one page don't repeat one landmark name.
 */
export function DeliveryView({ delivery, context, level = 3 }: { delivery: Delivery; context?: string; level?: 3 | 4 }) {
  const H = level === 4 ? "h4" : "h3";
  const headingId = useId();
  const m = delivery.metrics;
  const fillers = m.fillers.slice(0, 4).map((f) => `“${f.word}” ×${f.count}`).join(", ");
  return (
    <section aria-labelledby={headingId} className="stack-sm">
      <H id={headingId}>
        Delivery{context ? <span className="visually-hidden"> — {context}</span> : null}
      </H>
      <dl className="stat-grid">
        <div>
          <dt>Pace</dt>
          <dd>{Math.round(m.words_per_minute)} words/min</dd>
        </div>
        <div>
          <dt>Filler words</dt>
          <dd>
            {m.filler_count} ({m.fillers_per_minute.toFixed(1)}/min)
          </dd>
        </div>
        <div>
          <dt>Long pauses</dt>
          <dd>{m.timed ? `${m.long_pauses}${m.longest_pause_seconds ? ` (longest ${m.longest_pause_seconds.toFixed(1)} s)` : ""}` : "—"}</dd>
        </div>
        <div>
          <dt>Talk time</dt>
          <dd>
            {formatClock(Math.round(m.talk_seconds))}
            {m.time_limit_seconds ? ` of ${formatClock(m.time_limit_seconds)}` : ""}
            {m.over_time ? " · over time" : ""}
          </dd>
        </div>
      </dl>
      {fillers ? <p className="small muted" style={{ margin: 0 }}>Most frequent fillers: {fillers}.</p> : null}
      {!m.timed ? <p className="small muted" style={{ margin: 0 }}>Pauses are measured when the server transcribes your recording with word timings.</p> : null}
      <DimensionBars dimensions={delivery.dimensions} />
    </section>
  );
}
