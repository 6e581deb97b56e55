import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { applyEvaluation, sessionKeys } from "../../api/sessions";
import type { Evaluation, Session } from "../../api/types";
import { subscribeSse } from "../../lib/sse";

export type LiveState = "idle" | "connecting" | "live" | "offline";

interface EvaluationEvent {
  answer_id: string;
  question_id?: string;
  evaluation: Evaluation;
}

function isEvaluationEvent(d: unknown): d is EvaluationEvent {
  return typeof d === "object" && d !== null && "answer_id" in d && "evaluation" in d;
}

/**
 * Live evaluation updates for a session over SSE. Results land straight in the query cache. While the
 * stream is not live the caller should poll (see `state`).
 */
export function useSessionEvents(sessionId: string, enabled: boolean): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    if (!enabled || !sessionId) return;
    const controller = new AbortController();
    void subscribeSse(`/api/v1/sessions/${encodeURIComponent(sessionId)}/events`, {
      signal: controller.signal,
      onOpen: () => setState("live"),
      onClose: () => setState("connecting"),
      onError: () => {
        if (!controller.signal.aborted) setState("offline");
      },
      onEvent: (event, data) => {
        if (event === "evaluation" && isEvaluationEvent(data)) {
          applyEvaluation(qc, sessionId, data.answer_id, data.evaluation);
          // The session's summary (averages, best/weakest) is computed by the server: fetch it again.
          void qc.invalidateQueries({ queryKey: sessionKeys.detail(sessionId) });
        } else if (event === "session" && typeof data === "object" && data) {
          if ("questions" in data) qc.setQueryData<Session>(sessionKeys.detail(sessionId), data as Session);
          else void qc.invalidateQueries({ queryKey: sessionKeys.detail(sessionId) });
          void qc.invalidateQueries({ queryKey: ["progress"] });
        }
      },
    });
    return () => {
      controller.abort();
      setState("connecting");
    };
  }, [enabled, sessionId, qc]);

  return enabled ? state : "idle";
}
