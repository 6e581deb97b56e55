import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** `test` that fails on any uncaught exception or unhandled promise rejection in the page. */
export const test = base.extend({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`${e.name}: ${e.message}`));
    await use(page);
    expect(errors, "uncaught errors / unhandled rejections in the page").toEqual([]);
  },
});
export { expect };

export const PASSWORD = "correct horse battery staple 42";
export const SCREENSHOT_DIR = resolve(import.meta.dirname, "../e2e-screenshots");

let counter = 0;
export function uniqueEmail(prefix = "e2e"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`;
}

interface OutboxEmail {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  template?: string;
  created_at?: string;
}

function readOutbox(): OutboxEmail[] {
  const dir = process.env.E2E_OUTBOX_DIR;
  if (!dir) throw new Error("E2E_OUTBOX_DIR not set (playwright.config.ts sets it)");
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files.sort().map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as OutboxEmail);
}

/** Wait for an email to `to` and return the first link in its text matching `pattern`. */
export async function linkFromEmail(to: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const mail of readOutbox().reverse()) {
      const recipients = Array.isArray(mail.to) ? mail.to : [mail.to];
      if (!recipients.some((r) => r.toLowerCase().includes(to.toLowerCase()))) continue;
      const m = mail.text.match(pattern);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No email to ${to} with a link matching ${pattern}`);
}

/** Register through the API; the refresh cookie lands in the page's browser context. */
export async function registerViaApi(page: Page, email = uniqueEmail()): Promise<string> {
  return (await registerWithToken(page, email)).email;
}

/** Register through the API and also return the access token, for driving the API directly. */
export async function registerWithToken(page: Page, email = uniqueEmail()): Promise<{ email: string; token: string }> {
  const res = await page.request.post("/api/v1/auth/register", { data: { email, password: PASSWORD } });
  expect(res.status(), await res.text()).toBe(201);
  await page.addInitScript(() => localStorage.setItem("interviewos:session-hint", "1"));
  const body = (await res.json()) as { access_token: string };
  return { email, token: body.access_token };
}

const ANSWER_TEXT = `Situation: our checkout conversion had dropped 12% after a redesign and the team disagreed on why.
Task: as the product lead I had to find the cause and fix it within the quarter.
Action: I segmented the funnel by device, ran five user interviews, found the new address form failed on mobile, and shipped a fix behind a feature flag with an A/B test.
Result: conversion recovered fully and rose a further 3%, worth about £400k a year. I learned to instrument every step before a launch.`;

/**
 * Practise through the API as the given user: start a behavioural session, answer `count` questions,
 * complete it and wait until every evaluation has finished. Returns the session id.
 */
export async function practiseViaApi(page: Page, token: string, count = 3): Promise<string> {
  const headers = { Authorization: `Bearer ${token}` };
  // Behavioural questions, so the STAR answer below scores like a real one.
  const created = await page.request.post("/api/v1/sessions", { headers, data: { role: "general-behavioral", category: "behavioral", question_count: count, mode: "text" } });
  expect(created.status(), await created.text()).toBe(201);
  const session = (await created.json()) as { id: string; questions: { question: { id: string } }[] };
  for (const [i, q] of session.questions.entries()) {
    const res = await page.request.post(`/api/v1/sessions/${session.id}/answers`, {
      headers,
      data: { question_id: q.question.id, text: i % 2 ? `${ANSWER_TEXT}
I would also measure retention.` : ANSWER_TEXT, duration_seconds: 120 + 30 * i },
    });
    expect(res.status(), await res.text()).toBeLessThan(300);
  }
  const done = await page.request.post(`/api/v1/sessions/${session.id}/complete`, { headers });
  expect(done.status(), await done.text()).toBeLessThan(300);
  await expect
    .poll(
      async () => {
        const r = await page.request.get(`/api/v1/sessions/${session.id}`, { headers });
        return ((await r.json()) as { summary: { all_evaluated: boolean } }).summary.all_evaluated;
      },
      { timeout: 45_000, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return session.id;
}


/** Serious or critical axe violations (WCAG 2.1 A/AA) on the current page. */
export async function expectNoSeriousA11yViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n  ")}`).join("\n");
  expect(serious, `${label}: axe violations\n${summary}`).toEqual([]);
}

export async function screenshot(page: Page, name: string, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let transitions and the score ring animation settle.
  await page.waitForTimeout(400);
  // Sticky/fixed chrome repeats mid-page in full-page captures; pin it to the top for the picture.
  const pin = fullPage ? await page.addStyleTag({ content: ".sidebar,.topbar{position:static !important}.toast-region{display:none !important}" }) : null;
  // Sticky elements inside the page (the answer beside its key points) are drawn where the current scroll puts
  // them; from the top they sit in their place.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage, animations: "disabled" });
  await pin?.evaluate((el) => (el as Element).remove());
}

/** A picture of one element (with the sticky chrome and toasts out of the way). */
export async function screenshotElement(page: Page, locator: Locator, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const pin = await page.addStyleTag({ content: ".sidebar,.topbar{position:static !important}.toast-region{display:none !important}" });
  await locator.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: "disabled" });
  await pin.evaluate((el) => (el as Element).remove());
}

export async function heading(page: Page, name: string | RegExp) {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}
