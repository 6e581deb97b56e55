import { expect, expectNoSeriousA11yViolations, practiseViaApi, registerWithToken, screenshot, test } from "./helpers";

test("the dashboard charts real progress after answering, in light and dark", async ({ page }) => {
  test.setTimeout(120_000);
  const { token } = await registerWithToken(page);
  await practiseViaApi(page, token, 3);

  const progress = await page.request.get("/api/v1/progress", { headers: { Authorization: `Bearer ${token}` } });
  const report = (await progress.json()) as { totals: { answers: number }; dimensions: { name: string }[]; by_role: { name: string }[] };
  expect(report.totals.answers).toBe(3);

  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Score trend" })).toBeVisible();
  const totals = page.getByRole("group", { name: "Totals" });
  await expect(totals.locator(".stat", { hasText: "Answers" })).toContainText("3");
  await expect(totals.locator(".stat", { hasText: "Current streak" })).toContainText("1");
  await expect(page.getByRole("img", { name: /^Average score per week: 1 data point, \d+\.$/ })).toBeVisible();
  await expect(page.getByRole("img", { name: new RegExp(`^Average score by skill: ${report.dimensions[0].name.replace(/[/]/g, "\\/")} \\d`) })).toBeVisible();
  await expect(page.getByRole("heading", { name: "By role" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Focus areas" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Practise this" })).toBeVisible();
  await expectNoSeriousA11yViolations(page, "progress light");
  await screenshot(page, "dashboard-progress-light");

  // Filtering by the role practised refetches and still charts the same answers.
  const role = page.getByRole("form", { name: "Filter progress" }).getByLabel("Role");
  await role.selectOption({ label: report.by_role[0].name });
  await expect(page.getByRole("img", { name: /^Average score per week: 1 data point/ })).toBeVisible();
  await role.selectOption({ index: 0 });

  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expectNoSeriousA11yViolations(page, "progress dark");
  await screenshot(page, "dashboard-progress-dark");
});
