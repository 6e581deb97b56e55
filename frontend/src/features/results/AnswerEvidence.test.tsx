import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Evaluation } from "../../api/types";
import { AnswerEvidence } from "./AnswerEvidence";
import { EvaluationView } from "./EvaluationPanel";

// What the API returns for ds-001 (p = 0.03) and this answer (rubric-v2, offline).
const TEXT =
  "Zoë asked me what p = 0.03 means. It means there is a 97% chance that the new variant is better than the control. If nothing had really changed, we'd see a difference this large only about 3% of the time, and I'd report the effect size with a confidence interval.";
const WRONG = "It means there is a 97% chance that the new variant is better than the control.";
const EFFECT = "If nothing had really changed, we'd see a difference this large only about 3% of the time, and I'd report the effect size with a confidence interval.";
const CORRECTION = "The p-value is computed assuming there is no effect; it describes how surprising the data are under that assumption and gives no probability that the variant is better.";

const evaluation: Evaluation = {
  status: "completed",
  overall_score: 23,
  dimensions: [{ key: "correctness", name: "Correctness", score: 2.6, comment: "Covers 1 of 4 key points." }],
  summary: '23/100 for this technical answer. Covers 1 of 4 key points; the biggest gap is "Definition under the null".',
  strengths: [],
  improvements: [`You said "${WRONG}" — ${CORRECTION}`, "Compare options: what each costs, and when you would pick the other one."],
  key_points: [
    { point: "Defines the p-value under the null", label: "Definition under the null", covered: false, status: "contradicted", evidence: [{ start: 34, end: 113, quote: WRONG }], note: CORRECTION },
    { point: "Separates statistical from practical significance and recommends reporting the effect size with a confidence interval", label: "Effect size with CI", covered: true, status: "covered", evidence: [{ start: 114, end: 263, quote: EFFECT }] },
    { point: "Notes the 0.05 threshold (alpha) must be fixed in advance", label: "Alpha fixed in advance", covered: false, status: "missed", evidence: [] },
    // An older evaluation's point: no label, status or evidence.
    { point: "Mentions sample size", covered: true },
  ],
  misconceptions: [{ claim: "A p-value of 0.03 means there is a 97% chance the variant really is better.", correction: CORRECTION, dimension: "correctness", evidence: { start: 34, end: 113, quote: WRONG } }],
  figures: [
    { label: "Incremental profit", expected: "£3.8m", status: "close", stated: "£4m" },
    { label: "Break-even year", expected: "2027", status: "missing", stated: null },
  ],
  evaluator: "rubric-v2",
  prompt_version: "offline",
  latency_ms: 11,
  completed_at: "2026-01-01T10:00:00Z",
};

describe("AnswerEvidence", () => {
  it("lists key points with status in words, and highlights a selected point's evidence", async () => {
    const user = userEvent.setup();
    const { container } = render(<AnswerEvidence text={TEXT} evaluation={evaluation} />);
    const list = screen.getByRole("heading", { name: "Key points: 2 of 4 covered" }).parentElement!;
    const effect = within(list).getByRole("button", { name: /Effect size with CI/ });
    expect(effect).toHaveTextContent("Covered");
    expect(effect).toHaveTextContent("recommends reporting the effect size with a confidence interval"); // the full point, untruncated
    expect(within(list).getByRole("button", { name: /Alpha fixed in advance/ })).toHaveTextContent("Not covered");
    expect(within(list).getByRole("button", { name: /Definition under the null/ })).toHaveTextContent("Contradicted");
    expect(effect).toHaveAttribute("aria-pressed", "false");
    expect(container.querySelector("mark.mark-point")).toBeNull();

    await user.click(effect);
    expect(effect).toHaveAttribute("aria-pressed", "true");
    const marks = container.querySelectorAll("mark.mark-point");
    expect(marks).toHaveLength(1);
    expect(marks[0]).toHaveTextContent(`Evidence for “Effect size with CI”: ${EFFECT} (end of highlight)`);
    expect(screen.getByText(/Highlighted 1 passage in your answer for “Effect size with CI”/)).toHaveAttribute("aria-live", "polite");
    expect(within(list).getByText("Where your answer covers it:")).toBeInTheDocument();

    // Keyboard: Space on the focused button toggles it off.
    effect.focus();
    await user.keyboard(" ");
    expect(effect).toHaveAttribute("aria-pressed", "false");
    expect(container.querySelector("mark.mark-point")).toBeNull();
    expect(screen.getByText("No key point selected.")).toBeInTheDocument();
  });

  it("says plainly when a point was not found, and shows why a contradicted one is wrong", async () => {
    const user = userEvent.setup();
    const { container } = render(<AnswerEvidence text={TEXT} evaluation={evaluation} />);
    await user.click(screen.getByRole("button", { name: /Alpha fixed in advance/ }));
    expect(screen.getByText("Not found in your answer.")).toBeInTheDocument();
    expect(screen.getByText("“Alpha fixed in advance” was not found in your answer.")).toBeInTheDocument();
    expect(container.querySelector("mark.mark-point")).toBeNull();

    await user.click(screen.getByRole("button", { name: /Definition under the null/ }));
    const mark = container.querySelector("mark.mark-point")!;
    // The contradicting sentence is also the wrong claim: one mark carries both styles.
    expect(mark).toHaveClass("mark-claim");
    expect(mark).toHaveTextContent(WRONG);
    expect(screen.getByText(/that contradicts “Definition under the null”/)).toBeInTheDocument();
    expect(screen.getAllByText((_, el) => el?.tagName === "P" && el.textContent === `Why: ${CORRECTION}`)).toHaveLength(1);

    // A point without label or evidence (older evaluation): named by its point, covered, no passage.
    await user.click(screen.getByRole("button", { name: /Mentions sample size/ }));
    expect(screen.getByText("Covered, but the exact passage couldn't be pinpointed in your answer.")).toBeInTheDocument();
  });

  it("marks the wrong claim in the answer with a label, and lists it with what was said and the correction", () => {
    const { container } = render(<AnswerEvidence text={TEXT} evaluation={evaluation} />);
    const claim = container.querySelector("mark.mark-claim")!;
    expect(claim).toHaveTextContent(`Wrong claim: ${WRONG} (end of wrong claim)`);
    expect(within(claim as HTMLElement).getByText("Wrong claim")).toHaveClass("claim-tag");
    const item = container.querySelector(".claim-item")!;
    expect(item).toHaveTextContent(`You said: “${WRONG}”`);
    expect(item).toHaveTextContent(`Correction: ${CORRECTION}`);
    // The answer text itself is intact around the marks.
    expect(container.querySelector(".evidence-text")!.textContent!.replace(/Wrong claim: | \(end of wrong claim\)/g, "")).toBe(TEXT);
  });

  it("tabulates figures as expected, stated and verdict", () => {
    render(<AnswerEvidence text={TEXT} evaluation={evaluation} />);
    const table = screen.getByRole("table", { name: "Figures" });
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual(["FigureExpectedYou saidVerdict", "Incremental profit£3.8m£4mClose", "Break-even year2027—not statedNot stated"]);
  });

  it("shows a voice answer's transcript as the text", () => {
    render(<AnswerEvidence text={TEXT} evaluation={evaluation} voice />);
    expect(screen.getByRole("group", { name: "Your answer (transcript)" })).toHaveTextContent("Zoë asked me");
  });
});

describe("EvaluationView", () => {
  it("shows the score once, keeps engine details out of the text, and doesn't repeat the wrong claim as an improvement", () => {
    const { container } = render(<EvaluationView evaluation={evaluation} answer={{ text: TEXT, mode: "text" }} />);
    expect(screen.getByRole("img", { name: /^Overall score: 23 out of 100/ })).toBeInTheDocument();
    expect(container.textContent).not.toContain("23/100");
    expect(container.textContent).toContain("Covers 1 of 4 key points");
    expect(container.textContent).not.toMatch(/rubric-v2|11 ms|Evaluated by/);
    expect(screen.getByText(/^Automated feedback/)).toHaveAttribute("title", "Evaluated by rubric-v2 · rubric offline · 11 ms");
    expect(screen.getByRole("heading", { name: "What to improve" }).parentElement).not.toHaveTextContent("You said");
    expect(screen.queryAllByRole("region")).toHaveLength(0);
  });
});
