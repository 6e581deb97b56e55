import { readFileSync } from "node:fs";
import { expect, heading, PASSWORD, registerViaApi, test } from "./helpers";

const ANSWER = `Situation: at my last company our release process took three weeks and two engineers were burning out.
Task: as the tech lead I had to cut lead time without risking quality.
Action: I mapped the pipeline with the team, automated the regression suite, introduced feature flags and moved to trunk-based development, and I negotiated a two-sprint freeze on new features with our product manager.
Result: lead time fell from 21 days to 4, change failure rate halved, and the on-call load dropped. I learned to quantify the cost of slowness before asking for time.`;

test.describe("practice", () => {
  test("start a session, answer, see the evaluation, history, export and delete the account", async ({ page }) => {
    const email = await registerViaApi(page);
    await page.goto("/dashboard");
    await page.getByRole("link", { name: "Start practice" }).first().click();
    await heading(page, "Start a practice session");

    const role = page.getByLabel("Role");
    await expect(role.locator("option")).not.toHaveCount(1);
    await role.selectOption({ index: 1 });
    await page.getByLabel("Category").selectOption("behavioral");
    await page.getByLabel("Number of questions").fill("2");
    await page.getByLabel("Timer").selectOption("300");
    await page.getByRole("button", { name: "Start session" }).click();

    await expect(page).toHaveURL(/\/practice\/[0-9a-f-]+/);
    await expect(page.getByRole("timer")).toBeVisible();
    const editor = page.getByLabel("Your answer", { exact: true });

    // Submitting empty shows an error at the field.
    await page.getByRole("button", { name: /Submit/ }).click();
    await expect(editor).toHaveAttribute("aria-invalid", "true");

    // Draft survives a reload.
    await editor.fill(ANSWER);
    await expect(page.getByText("Draft saved on this device")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Your answer", { exact: true })).toHaveValue(ANSWER);

    await page.getByRole("button", { name: /Submit/ }).click();
    await expect(page.getByText("Question 2 of 2")).toBeVisible();

    // Skip the second and finish.
    await page.getByRole("button", { name: "Skip" }).click();
    const dialog = page.getByRole("dialog", { name: "Finish this session?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Finish and see results" }).click();

    await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]+$/);
    await heading(page, "Session results");
    // The evaluation arrives live (SSE) or by polling.
    await expect(page.getByRole("img", { name: /^Overall score: \d+ out of 100/ })).toBeVisible({ timeout: 45_000 });
    await expect(page.getByRole("heading", { name: "Scores by skill" })).toBeVisible();
    await expect(page.getByText("Skipped.")).toBeVisible();

    // History lists it; open it again.
    await page.getByRole("complementary", { name: "Sidebar" }).getByRole("link", { name: "History" }).click();
    await heading(page, "History");
    await expect(page.getByRole("table")).toContainText("Completed");
    await page.getByRole("link", { name: /^View/ }).first().click();
    await heading(page, "Session results");

    // Export: a JSON attachment with the account and the answers, and no secrets.
    await page.goto("/settings/privacy");
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export my data" }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^interviewos-export-\d{8}\.json$/);
    const raw = readFileSync(await download.path(), "utf8");
    const data = JSON.parse(raw) as { account: { email: string }; answers: unknown[] };
    expect(data.account.email).toBe(email);
    expect(JSON.stringify(data.answers)).toContain("Situation: at my last company");
    expect(raw).not.toContain("password_hash");
    await expect(page.getByText(/^Downloaded interviewos-export-/)).toBeVisible();

    // Delete the account (wrong password first).
    await page.getByRole("button", { name: "Delete my account" }).click();
    const del = page.getByRole("dialog", { name: "Delete your account?" });
    await del.getByLabel("Your password", { exact: true }).fill("wrong password");
    await del.getByRole("button", { name: "Delete account permanently" }).click();
    const passwordField = del.getByLabel("Your password", { exact: true });
    await expect(passwordField).toHaveAttribute("aria-invalid", "true");
    await expect(passwordField).toHaveAccessibleDescription(/incorrect/i);
    await passwordField.fill(PASSWORD);
    await del.getByRole("button", { name: "Delete account permanently" }).click();
    await expect(page).toHaveURL(/\/signin\?deleted=1/);
    await expect(page.getByText("Your account was deleted")).toBeVisible();
    await expect(page.getByText(/your data will be erased by/)).toBeVisible();

    // Signed out: protected pages redirect, and the old credentials no longer work.
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin\?next=%2Fdashboard/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("The email or password is incorrect.");
    await expect(page).toHaveURL(/\/signin/);
  });
});
