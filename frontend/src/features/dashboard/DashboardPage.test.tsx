import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Progress } from "../../api/types";
import { resetClientState } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { json, mockFetch, path, renderRoute } from "../../test/utils";
import { DashboardPage } from "./DashboardPage";

const question = {
  id: "q1",
  slug: "beh-001",
  version: 1,
  category: "behavioral" as const,
  difficulty: "medium" as const,
  industry: null,
  topics: ["impact"],
  roles: ["product-manager"],
  prompt: "Tell me about a time you changed a team's mind with data.",
  time_limit_seconds: 180,
  case_type: null,
  retired: false,
};

const progress: Progress = {
  totals: { sessions: 3, answers: 7, practice_seconds: 2700 },
  average_score: 63.4,
  streak: { current_days: 2, longest_days: 5 },
  timeline: [
    { week: "2025-05-12", answers: 3, average_score: 58 },
    { week: "2025-05-19", answers: 4, average_score: 67 },
  ],
  dimensions: [
    { key: "structure", name: "Structure / STAR", average: 7.1, trend: 0.6 },
    { key: "impact", name: "Impact", average: 4.8, trend: -0.4 },
    { key: "relevance", name: "Relevance", average: 6.5, trend: null },
  ],
  by_role: [{ key: "product-manager", name: "Product Manager", answers: 7, average_score: 63.4 }],
  by_category: [{ key: "behavioral", name: "Behavioural", answers: 7, average_score: 63.4 }],
  weakest: [{ key: "impact", name: "Impact", average: 4.8, trend: -0.4 }],
  recommended_questions: [{ question, reason: "Practises your weakest skill: Impact" }],
  graders: [{ evaluator: "rubric-v2", first_at: "2025-05-12T10:00:00Z", last_at: "2025-05-20T10:00:00Z", evaluations: 7 }],
};

describe("dashboard", () => {
  beforeEach(() => {
    authStore.reset();
    resetClientState();
    authStore.setSession({ access_token: "t", expires_in: 900 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("renders the progress report and refetches it for a role and period", async () => {
    const { calls } = mockFetch((req) => {
      switch (path(req)) {
        case "/api/v1/progress":
          return json(progress);
        case "/api/v1/roles":
          return json({ items: [{ id: "r1", slug: "product-manager", name: "Product Manager", description: "", question_count: 10 }] });
        case "/api/v1/me/usage":
          return json({ plan: "free", period_start: "2025-05-01T00:00:00Z", period_end: "2025-06-01T00:00:00Z", answers_used: 7, answers_limit: 25 });
        case "/api/v1/sessions":
          return json({ items: [], next_cursor: null });
        case "/api/v1/me":
          return json({ id: "u1", email: "a@example.com", email_verified: true, role: "user", plan: "free", theme: "system", training_opt_out: false, created_at: "2025-01-01T00:00:00Z" });
        default:
          return json({});
      }
    });
    renderRoute(<DashboardPage />);
    expect(await screen.findByRole("img", { name: /Average score per week: 2 data points, from 58 to 67/ })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: /Average score by skill: Structure \/ STAR 7\.1/ })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: /Average score by category: Behavioural 63/ })).toBeInTheDocument();
    expect(screen.getByText("45 min")).toBeInTheDocument();
    expect(screen.getByText(/Practises your weakest skill: Impact/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Practise this/ })).toHaveAttribute("href", "/practice?question=q1&role=product-manager");
    // One grader version: no note about mixed scales.
    expect(screen.queryByRole("note")).not.toBeInTheDocument();

    await screen.findByRole("option", { name: "Product Manager" });
    await userEvent.selectOptions(screen.getByLabelText("Role"), "product-manager");
    await userEvent.selectOptions(screen.getByLabelText("Period"), "30");
    await waitFor(() => {
      const last = calls.filter((c) => path(c) === "/api/v1/progress").at(-1)!;
      const q = new URL(last.url).searchParams;
      expect(q.get("role")).toBe("product-manager");
      expect(q.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
  });

  it("says when the chart mixes grader versions", async () => {
    const mixed: Progress = {
      ...progress,
      graders: [
        { evaluator: "rubric-v1", first_at: "2025-05-01T10:00:00Z", last_at: "2025-05-13T10:00:00Z", evaluations: 3 },
        { evaluator: "rubric-v2", first_at: "2025-05-14T10:00:00Z", last_at: "2025-05-20T10:00:00Z", evaluations: 4 },
      ],
    };
    mockFetch((req) => {
      switch (path(req)) {
        case "/api/v1/progress":
          return json(mixed);
        case "/api/v1/roles":
          return json({ items: [] });
        case "/api/v1/me/usage":
          return json({ plan: "free", period_start: "2025-05-01T00:00:00Z", period_end: "2025-06-01T00:00:00Z", answers_used: 7, answers_limit: 25 });
        case "/api/v1/sessions":
          return json({ items: [], next_cursor: null });
        case "/api/v1/me":
          return json({ id: "u1", email: "a@example.com", email_verified: true, role: "user", plan: "free", theme: "system", training_opt_out: false, created_at: "2025-01-01T00:00:00Z" });
        default:
          return json({});
      }
    });
    renderRoute(<DashboardPage />);
    const note = await screen.findByRole("note");
    expect(note).toHaveTextContent(/updated grader/);
    expect(note).toHaveTextContent(/not directly comparable/);
  });
});
