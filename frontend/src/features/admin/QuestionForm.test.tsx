import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { QuestionSpec } from "../../api/types";
import { QuestionForm } from "./QuestionForm";

const spec: QuestionSpec = {
  id: "beh-042",
  version: 2,
  roles: ["general-behavioral"],
  category: "behavioral",
  difficulty: "medium",
  topics: ["conflict"],
  industry: null,
  prompt: "Tell me about a time you disagreed with your manager.",
  key_points: [
    { point: "Explains the disagreement", keywords: ["disagree"] },
    { point: "Describes the resolution", keywords: ["resolved", "agreed"] },
  ],
  rubric: Object.fromEntries(["structure", "relevance", "specificity", "impact", "reflection", "communication"].map((k) => [k, `Excellent ${k} is clear and concrete.`])),
  time_limit_seconds: 180,
  model_answer: "In my last role my manager wanted to ship a feature early. I disagreed because of quality risks, brought data, and we agreed on a staged rollout.",
  follow_up: "What would you do differently?",
  case: null,
};

describe("question form", () => {
  it("loads the full spec for editing and sends only the changed fields", async () => {
    const onUpdate = vi.fn();
    render(<QuestionForm initial={spec} roles={[]} saving={false} error={null} onCreate={vi.fn()} onUpdate={onUpdate} onCancel={vi.fn()} />);
    expect(screen.getByLabelText("Key points")).toHaveValue("Explains the disagreement | disagree\nDescribes the resolution | resolved, agreed");
    expect((screen.getByLabelText("Rubric") as HTMLTextAreaElement).value).toContain("impact: Excellent impact is clear and concrete.");
    expect(screen.getByLabelText("Follow-up question")).toHaveValue("What would you do differently?");
    const time = screen.getByLabelText("Time limit (seconds)");
    await userEvent.clear(time);
    await userEvent.type(time, "240");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(onUpdate).toHaveBeenCalledWith({ time_limit_seconds: 240 });
  });

  it("keeps shared rubric lines when the category changes", async () => {
    render(<QuestionForm initial={spec} roles={[]} saving={false} error={null} onCreate={vi.fn()} onUpdate={vi.fn()} onCancel={vi.fn()} />);
    await userEvent.selectOptions(screen.getByLabelText("Category"), "product");
    expect(screen.getByLabelText("Rubric")).toHaveValue("user_focus:\nprioritisation:\nmetrics:\nstructure: Excellent structure is clear and concrete.");
  });
});
