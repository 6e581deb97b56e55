import { expect, registerViaApi, test } from "./helpers";

test.describe("theme", () => {
  test("switches between system, light and dark, and survives a reload", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/");
    const html = page.locator("html");
    await expect(html).toHaveAttribute("data-theme", "light");
    await page.getByRole("radio", { name: "Dark theme" }).check();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await page.reload();
    await expect(html).toHaveAttribute("data-theme", "dark");
    await page.getByRole("radio", { name: "System theme" }).check();
    await page.emulateMedia({ colorScheme: "dark" });
    await expect(html).toHaveAttribute("data-theme", "dark");
    await page.emulateMedia({ colorScheme: "light" });
    await expect(html).toHaveAttribute("data-theme", "light");
  });

  test("a signed-in user's choice is saved to the account", async ({ page, browser }) => {
    await registerViaApi(page);
    await page.goto("/settings/appearance");
    await expect(page.getByRole("heading", { name: "Appearance" })).toBeVisible();
    const saved = page.waitForResponse((r) => r.url().endsWith("/api/v1/me") && r.request().method() === "PATCH");
    await page.getByRole("main").getByRole("radio", { name: "Dark theme" }).check();
    expect((await saved).status()).toBe(200);
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    // Another browser (light OS theme, nothing in storage) signed in to the same account gets dark.
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.emulateMedia({ colorScheme: "light" });
    const cookies = await page.context().cookies();
    await context.addCookies(cookies);
    await other.addInitScript(() => localStorage.setItem("interviewos:session-hint", "1"));
    await other.goto("/dashboard");
    await expect(other.locator("html")).toHaveAttribute("data-theme", "dark");
    await context.close();
  });
});
