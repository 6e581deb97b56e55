import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sessionKeys } from "../../api/sessions";
import type { Session } from "../../api/types";
import { resetClientState } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { mockFetch, path } from "../../test/utils";
import { useSessionEvents } from "./useSessionEvents";

const pending = { status: "pending", dimensions: [], strengths: [], improvements: [], key_points: [] } as const;
const session = {
  id: "s1",
  role: { slug: "product-manager", name: "Product Manager" },
  mode: "text",
  status: "completed",
  started_at: "2025-01-01T00:00:00Z",
  questions: [
    {
      position: 1,
      time_limit_seconds: 180,
      attempts: 1,
      question: { id: "q1", slug: "pm-001", version: 1, category: "product", difficulty: "easy", topics: [], roles: [], prompt: "Why?", time_limit_seconds: 180, retired: false },
      answer: { id: "a1", session_id: "s1", question_id: "q1", text: "Because", duration_seconds: 10, submitted_at: "2025-01-01T00:01:00Z", over_time: false, attempt: 1, mode: "text", evaluation: pending },
    },
  ],
  summary: { questions: 1, answered: 1, skipped: 0, pending_evaluations: 1, failed_evaluations: 0, dimensions: [], practice_seconds: 10, all_evaluated: false },
} as unknown as Session;

function stream(chunks: string[]): Response {
  const body = new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      // keep the stream open like a real SSE endpoint
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

describe("live evaluations over SSE", () => {
  beforeEach(() => {
    authStore.reset();
    resetClientState();
    authStore.setSession({ access_token: "tok", expires_in: 900 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("streams with the bearer token and puts evaluations into the session cache", async () => {
    const evaluation = { ...pending, status: "completed", overall_score: 72, dimensions: [{ key: "metrics", name: "Metrics", score: 7, comment: "ok" }] };
    const { calls } = mockFetch((req) =>
      path(req) === "/api/v1/sessions/s1/events"
        ? stream([`event: evaluation\ndata: ${JSON.stringify({ answer_id: "a1", question_id: "q1", evaluation })}\n\n`])
        : new Response(JSON.stringify(session), { headers: { "Content-Type": "application/json" } }),
    );
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    qc.setQueryData(sessionKeys.detail("s1"), session);
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
    const { result, unmount } = renderHook(() => useSessionEvents("s1", true), { wrapper });

    await waitFor(() => expect(result.current).toBe("live"));
    await waitFor(() => expect(qc.getQueryData<Session>(sessionKeys.detail("s1"))?.questions[0].answer?.evaluation.overall_score).toBe(72));
    const sse = calls.find((c) => path(c) === "/api/v1/sessions/s1/events")!;
    expect(sse.headers.get("Authorization")).toBe("Bearer tok");
    expect(sse.headers.get("Accept")).toBe("text/event-stream");
    expect(qc.getQueryData(sessionKeys.evaluation("a1"))).toMatchObject({ overall_score: 72 });
    unmount();
  });

  it("reports offline (so the page polls) when the stream isn't available", async () => {
    mockFetch(() => new Response(JSON.stringify({ title: "Not found", status: 404, detail: "No such route", code: "not_found" }), { status: 404, headers: { "Content-Type": "application/problem+json" } }));
    const qc = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useSessionEvents("s1", true), { wrapper });
    await waitFor(() => expect(result.current).toBe("offline"));
  });

  it("is idle when nothing is pending", () => {
    const { fn } = mockFetch(() => new Response(null));
    const qc = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useSessionEvents("s1", false), { wrapper });
    expect(result.current).toBe("idle");
    expect(fn).not.toHaveBeenCalled();
  });
});
