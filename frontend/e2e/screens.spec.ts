import type { Page } from "@playwright/test";
import { expect, expectNoSeriousA11yViolations, registerViaApi, screenshot, test } from "./helpers";

const THEMES = ["light", "dark"] as const;

async function visit(page: Page, path: string, ready: () => Promise<unknown>) {
  await page.goto(path);
  await ready();
}

for (const theme of THEMES) {
  test.describe(`main screens (${theme})`, () => {
    test.use({ colorScheme: theme });

    test(`public screens are accessible and captured (${theme})`, async ({ page }) => {
      await visit(page, "/", () => expect(page.getByRole("heading", { level: 1 })).toBeVisible());
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      await expectNoSeriousA11yViolations(page, `landing ${theme}`);
      await screenshot(page, `landing-${theme}`);

      for (const [path, name, title] of [
        ["/signin", "signin", "Sign in"],
        ["/signup", "signup", "Create your account"],
        ["/privacy", "privacy", "Privacy policy"],
      ] as const) {
        await visit(page, path, () => expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible());
        await expectNoSeriousA11yViolations(page, `${name} ${theme}`);
        await screenshot(page, `${name}-${theme}`);
      }

      // A form with errors.
      await page.goto("/signup");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.getByText("Enter your email address.")).toBeVisible();
      await expectNoSeriousA11yViolations(page, `signup errors ${theme}`);
      await screenshot(page, `signup-errors-${theme}`);
    });

    test(`signed-in screens are accessible and captured (${theme})`, async ({ page }) => {
      test.setTimeout(180_000);
      await registerViaApi(page);
      await visit(page, "/dashboard", () => expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible());
      await page.waitForLoadState("networkidle");
      await expectNoSeriousA11yViolations(page, `dashboard ${theme}`);
      await screenshot(page, `dashboard-${theme}`);

      await visit(page, "/library", () => expect(page.getByRole("heading", { level: 1, name: "Question library" })).toBeVisible());
      await expect(page.locator(".question-card").first()).toBeVisible();
      await expectNoSeriousA11yViolations(page, `library ${theme}`);
      await screenshot(page, `library-${theme}`);

      await page.getByLabel("Category").selectOption("case");
      await page.locator(".question-card").first().click();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await page.waitForLoadState("networkidle");
      await expectNoSeriousA11yViolations(page, `question ${theme}`);
      await screenshot(page, `question-case-${theme}`);

      await visit(page, "/practice", () => expect(page.getByRole("heading", { level: 1, name: "Start a practice session" })).toBeVisible());
      await page.waitForLoadState("networkidle");
      await expectNoSeriousA11yViolations(page, `start ${theme}`);
      await screenshot(page, `practice-start-${theme}`);

      await page.getByLabel("Role").selectOption({ index: 1 });
      await page.getByLabel("Number of questions").fill("2");
      await page.getByLabel("Timer").selectOption("180");
      await page.getByRole("button", { name: "Start session" }).click();
      await expect(page.getByRole("timer")).toBeVisible();
      await page.getByLabel("Your answer", { exact: true }).fill(
        "I would start by clarifying the goal, then structure the problem into drivers, quantify each with rough numbers, and close with a recommendation and the risks I'd test next.",
      );
      await expectNoSeriousA11yViolations(page, `practice ${theme}`);
      await screenshot(page, `practice-question-${theme}`);
      await page.getByRole("button", { name: /Submit/ }).click();
      await expect(page.getByText("Question 2 of 2")).toBeVisible();
      await page.getByRole("button", { name: "Finish session" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Finish and see results" }).click();
      await expect(page.getByRole("img", { name: /^Overall score: \d+/ })).toBeVisible({ timeout: 45_000 });
      await page.getByText("Stronger sample answer").click();
      await expectNoSeriousA11yViolations(page, `results ${theme}`);
      await screenshot(page, `results-${theme}`);

      await visit(page, "/history", () => expect(page.getByRole("heading", { level: 1, name: "History" })).toBeVisible());
      await expect(page.getByRole("table")).toBeVisible();
      await expectNoSeriousA11yViolations(page, `history ${theme}`);
      await screenshot(page, `history-${theme}`);

      await visit(page, "/dashboard", () => expect(page.getByRole("heading", { level: 1 })).toBeVisible());
      await expect(page.getByRole("heading", { name: "Score trend" })).toBeVisible();
      await page.waitForLoadState("networkidle");
      await expectNoSeriousA11yViolations(page, `dashboard after practice ${theme}`);
      await screenshot(page, `dashboard-after-practice-${theme}`);

      for (const [path, name, title] of [
        ["/settings/profile", "settings-profile", "Settings"],
        ["/settings/privacy", "settings-privacy", "Settings"],
        ["/settings/security", "settings-security", "Settings"],
        ["/settings/billing", "settings-billing", "Settings"],
      ] as const) {
        await visit(page, path, () => expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible());
        await page.waitForLoadState("networkidle");
        await expectNoSeriousA11yViolations(page, `${name} ${theme}`);
        await screenshot(page, `${name}-${theme}`);
      }

      // Phone width.
      await page.setViewportSize({ width: 390, height: 844 });
      await visit(page, "/dashboard", () => expect(page.getByRole("heading", { level: 1 })).toBeVisible());
      await page.waitForLoadState("networkidle");
      await screenshot(page, `dashboard-phone-${theme}`);
      await page.getByRole("button", { name: "Open menu" }).click();
      await expect(page.getByRole("dialog", { name: "Menu" })).toBeVisible();
      await expectNoSeriousA11yViolations(page, `phone menu ${theme}`);
      await screenshot(page, `menu-phone-${theme}`, { fullPage: false });
    });
  });
}
