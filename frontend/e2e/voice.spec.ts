import { expect, heading, registerViaApi, screenshot, test } from "./helpers";

const SPOKEN =
  "Um, in my last role I led the migration of our billing system. Invoices failed every month for a tenth of customers, so I set up a small team, we found the root cause in our retry logic, and we cut failures by ninety percent within a quarter.";

test.describe("voice answers", () => {
  test("record an answer with the microphone, fix the transcript, get content and delivery feedback", async ({ page }) => {
    await registerViaApi(page);
    await page.goto("/practice");
    await heading(page, "Start a practice session");
    const role = page.getByLabel("Role");
    await expect(role.locator("option")).not.toHaveCount(1);
    await role.selectOption({ index: 1 });
    await page.getByLabel("Category").selectOption("behavioral");
    await page.getByLabel("Number of questions").fill("1");
    await page.getByRole("radio", { name: "Speaking" }).check();
    await page.getByRole("button", { name: "Start session" }).click();
    await expect(page).toHaveURL(/\/practice\/[0-9a-f-]+/);

    // Chromium's fake capture device is the microphone.
    await page.getByRole("button", { name: "Record answer" }).click();
    await expect(page.getByText(/Recording… \d+:\d\d/)).toBeVisible();
    await page.waitForTimeout(2500);
    await page.getByRole("button", { name: "Stop recording" }).click();
    await expect(page.getByText(/Recorded \d+:\d\d/)).toBeVisible();
    await expect(page.getByLabel("Your recording")).toBeVisible();

    // This server has no speech-to-text: without a transcript the API asks for one, at the field.
    const transcript = page.getByLabel("Your answer (transcript)");
    await transcript.fill("");
    const refused = page.waitForResponse((r) => r.url().endsWith("/answers/audio") && r.request().method() === "POST");
    await page.getByRole("button", { name: /Submit/ }).click();
    expect((await refused).status()).toBe(422);
    await expect(page.getByText("This server can't transcribe recordings")).toBeVisible();
    await expect(transcript).toHaveAttribute("aria-invalid", "true");

    await transcript.fill(SPOKEN);
    const accepted = page.waitForResponse((r) => r.url().endsWith("/answers/audio") && r.request().method() === "POST");
    await page.getByRole("button", { name: /Submit/ }).click();
    const res = await accepted;
    expect(res.status()).toBe(202);
    const answer = await res.json();
    expect(answer.mode).toBe("voice");
    expect(answer.audio.content_type).toBe("audio/webm");
    expect(answer.audio.bytes).toBeGreaterThan(1000);

    // The last answer finishes the session.
    await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]+$/);
    await expect(page.getByRole("img", { name: /^Overall score: \d+ out of 100/ })).toBeVisible({ timeout: 45_000 });
    const delivery = page.getByRole("region", { name: "Delivery" });
    await expect(delivery).toBeVisible();
    await expect(delivery).toContainText(/\d+ words\/min/);
    await expect(delivery).toContainText("Filler words");
    await expect(delivery).toContainText("“um” ×1");

    // The answer page plays the recording back (fetched with the session's token).
    await page.getByRole("link", { name: /answer/i }).last().click();
    await expect(page).toHaveURL(/\/answers\/[0-9a-f-]+$/);
    const player = page.getByLabel("Recording of your answer");
    await expect(player).toBeVisible();
    const duration = await player.evaluate(async (el: HTMLAudioElement) => {
      if (el.readyState < 1) await new Promise((r) => el.addEventListener("loadedmetadata", r, { once: true }));
      return el.duration;
    });
    expect(duration).toBeGreaterThan(0);
    await expect(page.getByText("Transcript from your browser")).toBeVisible();
    await screenshot(page, "voice-answer");
  });
});
