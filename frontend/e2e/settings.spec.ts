import { expect, expectNoSeriousA11yViolations, heading, PASSWORD, registerViaApi, test } from "./helpers";

test.describe("settings", () => {
  test("security shows sign-in activity, including a failed attempt", async ({ page }) => {
    const email = await registerViaApi(page);
    await page.context().clearCookies();
    // One failed and one successful sign-in through the UI.
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("not the right password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("The email or password is incorrect.");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard/);

    await page.goto("/settings/security");
    await heading(page, "Settings");
    const table = page.getByRole("table", { name: "Sign-ins and security events" });
    await expect(table).toBeVisible();
    const login = table.getByRole("row", { name: /^Signed in\b/ }).first();
    await expect(login).toBeVisible();
    await expect(login).toContainText(/Chrome on \w+/);
    await expect(login).toContainText("127.0.0.1");
    await expect(table.getByRole("row", { name: /^Failed sign-in attempt/ })).toHaveCount(1);
    await expectNoSeriousA11yViolations(page, "security activity");
  });

  test("billing lists the plans and says payments are offline", async ({ page }) => {
    await registerViaApi(page);
    await page.goto("/settings/billing");
    await heading(page, "Settings");
    await expect(page.getByRole("heading", { name: "Current plan: Free" })).toBeVisible();
    const free = page.getByRole("region", { name: "Free" });
    const pro = page.getByRole("region", { name: "Pro" });
    await expect(free.getByRole("button", { name: "Your current plan" })).toBeDisabled();
    await expect(pro.getByText(/evaluated answers/)).toBeVisible();
    // No Stripe key in the e2e server: billing is switched off and the UI says so instead of failing at checkout.
    await expect(page.getByRole("status").filter({ hasText: "Payments are offline" })).toBeVisible();
    await expect(pro.getByRole("button", { name: "Upgrades unavailable" })).toBeDisabled();
    await expect(page.getByRole("button", { name: /Manage subscription/ })).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, "billing");

    // The public pricing page shows the same plans.
    await page.goto("/pricing");
    await expect(page.getByRole("region", { name: "Pro" })).toBeVisible();
  });
});
