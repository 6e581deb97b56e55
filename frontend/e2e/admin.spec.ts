import { execFileSync } from "node:child_process";
import { expect, expectNoSeriousA11yViolations, heading, PASSWORD, screenshotElement, test, uniqueEmail } from "./helpers";

function createAdmin(email: string) {
  execFileSync(process.env.E2E_BIN!, ["create-admin", "--email", email], {
    input: `${PASSWORD}\n`,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL!, JWT_SECRET: process.env.E2E_JWT_SECRET!, BCRYPT_COST: "4", RUST_LOG: "warn" },
    stdio: ["pipe", "ignore", "pipe"],
  });
}

test.describe("admin", () => {
  test("an admin creates, edits and retires a question", async ({ page }) => {
    const email = uniqueEmail("admin");
    createAdmin(email);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard/);

    await page.getByRole("link", { name: "Question bank" }).first().click();
    await heading(page, "Question bank");
    await expect(page.getByRole("table")).toBeVisible();
    await expectNoSeriousA11yViolations(page, "admin list");

    await page.getByRole("button", { name: "New question" }).click();
    const slug = `e2e-${Date.now().toString(36)}`;
    await page.getByLabel("Question id").fill(slug);
    await page.getByLabel("Prompt").fill("Tell me about a time you turned around a failing project. What did you change first?");
    await page.getByLabel("Roles").fill("general-behavioral");
    await page.getByLabel("Topics").fill("turnaround, leadership");
    await page.getByLabel("Key points").fill(
      "Diagnoses the root cause before acting | root cause, diagnose\nSets a clear short-term goal | goal, milestone\nCommunicates with stakeholders | stakeholders, update\nQuantifies the result | percent, reduced, increased",
    );
    await page.getByLabel("Model answer").fill("When I joined the payments team, the migration was six months late. I first interviewed every engineer and found the root cause: an unclear definition of done. I set a four-week milestone, shared weekly updates with stakeholders and we shipped in ten weeks, cutting incidents by 40%.");
    const rubric = page.getByLabel("Rubric");
    await rubric.fill(
      ["structure", "relevance", "specificity", "impact", "reflection", "communication"].map((k) => `${k}: An excellent answer is clear on ${k}.`).join("\n"),
    );
    await screenshotElement(page, page.getByRole("form", { name: "New question" }), "admin-new-question-light");
    await page.getByRole("button", { name: "Create question" }).click();
    await expect(page.getByText("Question created")).toBeVisible();

    await page.getByLabel("Search").fill("turned around a failing project");
    const row = page.getByRole("row", { name: /turned around a failing project/ });
    await expect(row).toBeVisible();
    await row.getByRole("button", { name: /^Edit/ }).click();
    // The editor loads the full spec (GET /admin/questions/{id}): key points, rubric and model answer included.
    await expect(page.getByLabel("Key points")).toHaveValue(/^Diagnoses the root cause before acting \| root cause, diagnose\n/);
    await expect(page.getByLabel("Model answer")).toHaveValue(/^When I joined the payments team/);
    await expect(page.getByLabel("Rubric")).toHaveValue(/impact: An excellent answer is clear on impact\./);
    await screenshotElement(page, page.getByRole("form", { name: "Edit question" }), "admin-edit-question-light");
    await page.getByLabel("Time limit (seconds)").fill("240");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Question updated")).toBeVisible();

    await row.getByRole("button", { name: /^Retire/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Retire question" }).click();
    await expect(page.getByText("Question retired")).toBeVisible();
  });

  test("non-admins can't use question management", async ({ page }) => {
    const email = uniqueEmail("user");
    await page.request.post("/api/v1/auth/register", { data: { email, password: PASSWORD } });
    await page.addInitScript(() => localStorage.setItem("interviewos:session-hint", "1"));
    await page.goto("/admin/questions");
    await expect(page.getByText("Admins only")).toBeVisible();
    await expect(page.getByRole("link", { name: "Question bank" })).toHaveCount(0);
  });
});
