import type { Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { expect, expectNoSeriousA11yViolations, heading, practiseViaApi, registerWithToken, screenshot, test } from "./helpers";

// ds-001 ("what does p = 0.03 mean?"): the offline grader flags the 97% sentence as a wrong claim and finds the
// effect-size key point in the last sentence. "Zoë" puts a non-ASCII character before every offset.
const ANSWER =
  "Zoë asked me what p = 0.03 means. It means there is a 97% chance that the new variant is better than the control. If nothing had really changed, we'd see a difference this large only about 3% of the time, and I'd report the effect size with a confidence interval.";

/** A library question's id, by slug, through the public list endpoint (filters narrow it; pages are followed). */
async function questionIdBySlug(page: Page, slug: string, filters: Record<string, string>): Promise<string> {
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...filters, limit: "100", ...(cursor ? { cursor } : {}) });
    const res = await page.request.get(`/api/v1/questions?${params}`);
    expect(res.status(), await res.text()).toBe(200);
    const body = (await res.json()) as { items: { id: string; slug: string }[]; next_cursor?: string | null };
    const hit = body.items.find((q) => q.slug === slug);
    if (hit) return hit.id;
    cursor = body.next_cursor ?? null;
  } while (cursor);
  throw new Error(`question ${slug} not found`);
}

/** Answer ds-001 with ANSWER through the API and wait for its evaluation. Returns the session and answer ids. */
async function answerDs001(page: Page, token: string): Promise<{ sessionId: string; answerId: string }> {
  const headers = { Authorization: `Bearer ${token}` };
  const questionId = await questionIdBySlug(page, "ds-001", { role: "data-scientist", category: "technical", difficulty: "easy" });
  const created = await page.request.post("/api/v1/sessions", { headers, data: { role: "data-scientist", question_ids: [questionId], mode: "text" } });
  expect(created.status(), await created.text()).toBe(201);
  const sessionId = ((await created.json()) as { id: string }).id;
  const answered = await page.request.post(`/api/v1/sessions/${sessionId}/answers`, { headers, data: { question_id: questionId, text: ANSWER, duration_seconds: 95 } });
  expect(answered.status(), await answered.text()).toBeLessThan(300);
  const answerId = ((await answered.json()) as { id: string }).id;
  const done = await page.request.post(`/api/v1/sessions/${sessionId}/complete`, { headers });
  expect(done.status(), await done.text()).toBeLessThan(300);
  await expect
    .poll(
      async () => {
        const r = await page.request.get(`/api/v1/answers/${answerId}`, { headers });
        return ((await r.json()) as { evaluation?: { status?: string } }).evaluation?.status;
      },
      { timeout: 45_000, intervals: [250, 500, 1000] },
    )
    .toBe("completed");
  return { sessionId, answerId };
}

test.describe("answer with evidence", () => {
  test.use({ viewport: { width: 1280, height: 900 } });

  test("select a key point to see its evidence; the wrong claim is marked with its correction", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    const { token } = await registerWithToken(page);
    const { sessionId, answerId } = await answerDs001(page, token);

    await page.goto(`/sessions/${sessionId}`);
    await heading(page, "Session results");
    const ring = page.getByRole("img", { name: /^Overall score: \d+ out of 100/ });
    await expect(ring).toBeVisible();
    // The score is shown once: in the ring (not again in the summary card or the summary sentence).
    const score = (await ring.getAttribute("aria-label"))!.match(/(\d+) out of 100/)![1];
    await expect(page.getByRole("main").getByText(score, { exact: true })).toHaveCount(1);
    await expect(page.getByRole("main")).not.toContainText(`${score}/100`);
    const answer = page.getByRole("group", { name: "Your answer" });
    await expect(answer).toContainText("Zoë asked me what p = 0.03 means.");

    // The wrong claim is marked in the answer (style and a label), and listed with what was said and the correction.
    const claim = answer.locator("mark.mark-claim");
    await expect(claim).toHaveCount(1);
    await expect(claim).toContainText("It means there is a 97% chance that the new variant is better than the control.");
    await expect(claim.locator(".claim-tag")).toHaveText(/Wrong claim/);
    const claimItem = page.locator(".claim-item");
    await expect(claimItem).toContainText("You said: “It means there is a 97% chance that the new variant is better than the control.”");
    await expect(claimItem).toContainText(/Correction: The p-value is computed assuming there is no effect/);

    // Select the covered key point with the keyboard: its evidence is marked and announced.
    const effect = page.getByRole("button", { name: /Effect size with CI/ });
    await expect(effect).toContainText("Covered");
    await expect(effect).toHaveAttribute("aria-pressed", "false");
    await expect(answer.locator("mark.mark-point")).toHaveCount(0);
    await effect.focus();
    await page.keyboard.press("Enter");
    await expect(effect).toHaveAttribute("aria-pressed", "true");
    const mark = answer.locator("mark.mark-point");
    await expect(mark).toHaveCount(1);
    await expect(mark).toContainText("I'd report the effect size with a confidence interval.");
    await expect(mark).toBeVisible();
    await expect(page.getByText("Highlighted 1 passage in your answer for “Effect size with CI”.")).toHaveAttribute("aria-live", "polite");
    await expectNoSeriousA11yViolations(page, "results with evidence");
    await screenshot(page, "evidence-results-light");

    // A missed point says so; a contradicted one marks the sentence that contradicts it.
    const alpha = page.getByRole("button", { name: /Alpha fixed in advance/ });
    await expect(alpha).toContainText("Not covered");
    await alpha.click();
    await expect(alpha).toHaveAttribute("aria-pressed", "true");
    await expect(effect).toHaveAttribute("aria-pressed", "false");
    await expect(page.getByText("Not found in your answer.", { exact: true })).toBeVisible();
    await expect(page.getByText("“Alpha fixed in advance” was not found in your answer.")).toBeVisible();
    await expect(answer.locator("mark.mark-point")).toHaveCount(0);
    const definition = page.getByRole("button", { name: /Definition under the null/ });
    await expect(definition).toContainText("Contradicted");
    await definition.click();
    await expect(answer.locator("mark.mark-point")).toContainText("97% chance");

    // Engine details stay out of the main view.
    await expect(page.getByRole("main")).not.toContainText("rubric-v2");
    await expect(page.getByText(/^Automated feedback/)).toHaveAttribute("title", /rubric-v2/);

    await effect.click();
    await page.emulateMedia({ colorScheme: "dark" });
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await expectNoSeriousA11yViolations(page, "results with evidence (dark)");
    await screenshot(page, "evidence-results-dark");

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "evidence-results-phone-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await screenshot(page, "evidence-results-phone-light");

    // The answer's own page shows the same evidence.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/answers/${answerId}`);
    await heading(page, "Your answer");
    await page.getByRole("button", { name: /Effect size with CI/ }).click();
    await expect(page.getByRole("group", { name: "Your answer" }).locator("mark.mark-point")).toContainText("effect size with a confidence interval");
    await expectNoSeriousA11yViolations(page, "answer page with evidence");
    await screenshot(page, "evidence-answer-light");
  });

  test("a session of several answers names each landmark once and shows each score once", async ({ page }) => {
    const { token } = await registerWithToken(page);
    const sessionId = await practiseViaApi(page, token, 2);
    await page.goto(`/sessions/${sessionId}`);
    await heading(page, "Session results");
    await expect(page.getByRole("img", { name: /^Overall score: \d+/ })).toHaveCount(2);
    await expect(page.getByRole("group", { name: "Your answer" })).toHaveCount(2);
    const unique = await new AxeBuilder({ page }).withRules(["landmark-unique", "duplicate-id-aria", "heading-order"]).analyze();
    expect(unique.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    // The average appears in its ring only.
    const summary = page.getByRole("region", { name: "Summary" });
    const average = (await summary.getByRole("img", { name: /^Average score: \d+/ }).getAttribute("aria-label"))!.match(/(\d+) out of 100/)![1];
    await expect(summary.getByText(average, { exact: true })).toHaveCount(1);
  });
});
