/** Sessions, answers and evaluations: shared by practice, results, history and dashboard. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../lib/api-client";
import type { Answer, CreateSession, Evaluation, Session } from "./types";

export interface SessionListFilters {
  status?: "in_progress" | "completed";
  role?: string;
}

export const sessionKeys = {
  all: ["sessions"] as const,
  list: (f: SessionListFilters, limit: number) => ["sessions", "list", f, limit] as const,
  detail: (id: string) => ["sessions", "detail", id] as const,
  answer: (id: string) => ["answers", id] as const,
  evaluation: (answerId: string) => ["answers", answerId, "evaluation"] as const,
  progress: ["progress"] as const,
};

export function useSessionList(filters: SessionListFilters, limit = 20) {
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as SessionListFilters;
  return useInfiniteQuery({
    queryKey: sessionKeys.list(query, limit),
    queryFn: ({ pageParam, signal }) => unwrap(api.GET("/api/v1/sessions", { params: { query: { ...query, limit, cursor: pageParam ?? undefined } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
    placeholderData: keepPreviousData,
  });
}

export function useSession(id: string | undefined, options: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: sessionKeys.detail(id ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/sessions/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
    refetchInterval: options.refetchInterval,
  });
}

export function useCreateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSession) => unwrap(api.POST("/api/v1/sessions", { body })),
    onSuccess: (session) => {
      qc.setQueryData(sessionKeys.detail(session.id), session);
      void qc.invalidateQueries({ queryKey: ["sessions", "list"] });
    },
  });
}

export function useSubmitAnswer(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { question_id: string; text: string; duration_seconds: number }) =>
      unwrap(api.POST("/api/v1/sessions/{id}/answers", { params: { path: { id: sessionId } }, body })),
    onSuccess: (answer) => {
      qc.setQueryData<Session>(sessionKeys.detail(sessionId), (s) => (s ? upsertAnswer(s, answer) : s));
      void qc.invalidateQueries({ queryKey: sessionKeys.detail(sessionId) });
      void qc.invalidateQueries({ queryKey: ["me", "usage"] });
    },
  });
}

export function useCompleteSession(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/sessions/{id}/complete", { params: { path: { id: sessionId } } })),
    onSuccess: (session) => {
      if (session && typeof session === "object" && "questions" in session) qc.setQueryData<Session>(sessionKeys.detail(sessionId), session);
      void qc.invalidateQueries({ queryKey: sessionKeys.all });
      void qc.invalidateQueries({ queryKey: sessionKeys.progress });
    },
  });
}

export function useDeleteSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/sessions/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useAnswer(id: string | undefined, options: { pollUntilEvaluated?: boolean } = {}) {
  return useQuery({
    queryKey: sessionKeys.answer(id ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/answers/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
    // The answer embeds its evaluation: poll it until the evaluation settles.
    refetchInterval: (q) => (options.pollUntilEvaluated && q.state.data && !isEvaluationSettled(q.state.data.evaluation) ? 4000 : false),
  });
}

/** True when the embedded evaluation already carries the full result (not just a status). */
export function isEvaluationComplete(e: Evaluation | null | undefined): boolean {
  return !!e && e.status === "completed" && e.overall_score != null;
}

export function isEvaluationSettled(e: Evaluation | null | undefined): boolean {
  return !!e && (e.status === "completed" || e.status === "failed");
}

export function useEvaluation(answerId: string, embedded: Evaluation | null | undefined, options: { poll?: boolean } = {}) {
  const complete = isEvaluationComplete(embedded);
  return useQuery({
    queryKey: sessionKeys.evaluation(answerId),
    queryFn: () => unwrap(api.GET("/api/v1/answers/{id}/evaluation", { params: { path: { id: answerId } } })),
    // Fetch the full evaluation when the embedded one is only a status.
    enabled: !complete && (embedded?.status === "completed" || options.poll === true),
    initialData: complete ? (embedded as Evaluation) : undefined,
    refetchInterval: (q) => (options.poll && !isEvaluationSettled(q.state.data) ? 5000 : false),
  });
}

export function useRetryEvaluation(sessionId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (answerId: string) => unwrap(api.POST("/api/v1/answers/{id}/evaluation/retry", { params: { path: { id: answerId } } })),
    onSuccess: (_res, answerId) => {
      applyEvaluation(qc, sessionId, answerId, { status: "pending" } as Evaluation);
      void qc.invalidateQueries({ queryKey: sessionKeys.evaluation(answerId) });
    },
  });
}

/** The answers of a session, in question order. */
export function sessionAnswers(session: Session): Answer[] {
  return [...(session.questions ?? [])]
    .sort((a, b) => a.position - b.position)
    .map((q) => q.answer)
    .filter((a): a is Answer => !!a);
}

export function upsertAnswer(session: Session, answer: Answer): Session {
  return {
    ...session,
    questions: session.questions.map((q) =>
      q.question.id === answer.question_id ? { ...q, answer, attempts: q.answer?.id === answer.id ? q.attempts : (q.attempts ?? 0) + 1 } : q,
    ),
  };
}

/** Put a new evaluation into every cache that shows it (session detail, answer, evaluation). */
export function applyEvaluation(qc: QueryClient, sessionId: string | undefined, answerId: string, evaluation: Evaluation) {
  if (sessionId) {
    qc.setQueryData<Session>(sessionKeys.detail(sessionId), (s) =>
      s ? { ...s, questions: s.questions.map((q) => (q.answer?.id === answerId ? { ...q, answer: { ...q.answer, evaluation } } : q)) } : s,
    );
  }
  qc.setQueryData<Answer>(sessionKeys.answer(answerId), (a) => (a ? { ...a, evaluation } : a));
  if (isEvaluationSettled(evaluation)) qc.setQueryData(sessionKeys.evaluation(answerId), evaluation);
  else qc.removeQueries({ queryKey: sessionKeys.evaluation(answerId), exact: true });
}

export interface VoiceAnswerInput {
  question_id: string;
  duration_seconds: number;
  /** The client's transcript (browser speech recognition or typed); optional when the server transcribes. */
  transcript: string;
  recording: Blob;
}

/** A recorded answer as multipart/form-data (the browser sets the boundary). */
export function voiceAnswerForm(input: VoiceAnswerInput): FormData {
  const form = new FormData();
  const type = input.recording.type || "audio/webm";
  const ext = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : type.includes("mpeg") ? "mp3" : type.includes("wav") ? "wav" : "webm";
  form.append("audio", input.recording, `answer.${ext}`);
  form.append("question_id", input.question_id);
  form.append("duration_seconds", String(Math.max(0, Math.round(input.duration_seconds))));
  if (input.transcript.trim()) form.append("transcript", input.transcript.trim());
  return form;
}

export function useSubmitVoiceAnswer(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: VoiceAnswerInput) =>
      unwrap(
        api.POST("/api/v1/sessions/{id}/answers/audio", {
          params: { path: { id: sessionId } },
          // The generated type describes the form's fields; the wire format is the FormData itself.
          body: voiceAnswerForm(input) as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      ),
    onSuccess: (answer) => {
      qc.setQueryData<Session>(sessionKeys.detail(sessionId), (s) => (s ? upsertAnswer(s, answer) : s));
      void qc.invalidateQueries({ queryKey: sessionKeys.detail(sessionId) });
      void qc.invalidateQueries({ queryKey: ["me", "usage"] });
    },
  });
}

/** Type or correct a voice answer's transcript (speech-to-text failed or is still running). */
export function useUpdateTranscript(sessionId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ answerId, text }: { answerId: string; text: string }) =>
      unwrap(api.PUT("/api/v1/answers/{id}/transcript", { params: { path: { id: answerId } }, body: { text } })),
    onSuccess: (answer) => {
      qc.setQueryData(sessionKeys.answer(answer.id), answer);
      if (sessionId) qc.setQueryData<Session>(sessionKeys.detail(sessionId), (s) => (s ? upsertAnswer(s, answer) : s));
      qc.removeQueries({ queryKey: sessionKeys.evaluation(answer.id), exact: true });
      if (sessionId) void qc.invalidateQueries({ queryKey: sessionKeys.detail(sessionId) });
    },
  });
}
