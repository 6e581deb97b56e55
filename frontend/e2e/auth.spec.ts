import { expect, heading, linkFromEmail, PASSWORD, registerViaApi, test, uniqueEmail } from "./helpers";

test.describe("accounts", () => {
  test("sign up, verify the email from the outbox, sign out and sign back in", async ({ page }) => {
    const email = uniqueEmail("signup");
    await page.goto("/");
    await page.getByRole("link", { name: "Get started" }).click();
    await heading(page, "Create your account");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(/\/dashboard/);
    await expect(page.getByText("Please verify your email")).toBeVisible();

    const link = await linkFromEmail(email, /https?:\/\/\S+\/verify-email#token=[^\s"<>]+/);
    await page.goto(link);
    await heading(page, "Verify your email");
    await expect(page.getByText("Email verified")).toBeVisible();
    // The token is removed from the address bar once used.
    expect(new URL(page.url()).hash).toBe("");

    await page.getByRole("link", { name: "Go to your dashboard" }).click();
    await expect(page.getByText("Please verify your email")).toHaveCount(0);

    // Reload keeps the session (refresh cookie → new access token in memory).
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

    await page.getByRole("complementary", { name: "Sidebar" }).getByRole("button", { name: "Sign out" }).click();
    await heading(page, "Sign in");
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin\?next=%2Fdashboard/);

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("a validation error from the server is shown at its field", async ({ page }) => {
    await page.goto("/signup");
    await page.getByLabel("Email").fill(uniqueEmail("weak"));
    const password = page.getByLabel("Password", { exact: true });
    await password.fill("password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator(".field", { has: password }).locator(".field-error")).toContainText(/common/i);
    await expect(page.getByRole("alert")).toContainText(/invalid/i);
    await expect(page.getByLabel("Email")).not.toHaveAttribute("aria-invalid", "true");
  });

  test("duplicate email and wrong password show the problem detail", async ({ page }) => {
    const email = await registerViaApi(page);
    await page.context().clearCookies();
    await page.goto("/signup");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("alert")).toBeVisible();

    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("not the right password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
  });

  test("forgot and reset password through the emailed link", async ({ page }) => {
    const email = await registerViaApi(page);
    await page.context().clearCookies();
    await page.goto("/signin");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await heading(page, "Reset your password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByText("Check your inbox")).toBeVisible();

    const link = await linkFromEmail(email, /https?:\/\/\S+\/reset-password#token=[^\s"<>]+/);
    await page.goto(link);
    await heading(page, "Choose a new password");
    const next = "a brand new passphrase 2025";
    await page.getByLabel("New password", { exact: true }).fill(next);
    await page.getByLabel("Confirm new password").fill(next);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed")).toBeVisible();

    await page.getByRole("link", { name: "Sign in" }).last().click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(next);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard/);
  });

  test("keyboard only: skip link, sign in, focus moves to the new page's heading", async ({ page }) => {
    const email = await registerViaApi(page);
    await page.context().clearCookies();
    await page.goto("/signin");
    await heading(page, "Sign in");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
    await page.getByLabel("Email").focus();
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/dashboard/);
    // Client-side navigation to another page moves focus to its h1.
    await page.getByRole("complementary", { name: "Sidebar" }).getByRole("link", { name: "Settings" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeFocused();
  });
});
