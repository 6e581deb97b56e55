import { defineConfig, devices } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * End-to-end tests against the real backend, which also serves the built SPA (run `npm run build` first).
 * The backend binary defaults to ../target/debug/interviewos (override with INTERVIEWOS_BIN).
 * Each run gets a fresh SQLite database and email outbox in a temp dir (shared with workers via env).
 */
const port = Number(process.env.E2E_PORT ?? 18737);
if (!process.env.E2E_TMPDIR) process.env.E2E_TMPDIR = mkdtempSync(join(tmpdir(), "interviewos-e2e-"));
const tmp = process.env.E2E_TMPDIR;
process.env.E2E_OUTBOX_DIR = join(tmp, "outbox");
const baseURL = `http://127.0.0.1:${port}`;
const bin = process.env.INTERVIEWOS_BIN ?? resolve(import.meta.dirname, "../target/debug/interviewos");
const databaseUrl = `sqlite://${join(tmp, "e2e.db")}?mode=rwc`;
// For tests that use the CLI against the same database (create-admin).
process.env.E2E_BIN = bin;
process.env.E2E_DATABASE_URL = databaseUrl;
// A per-run secret, so the backend doesn't persist a dev secret under ./data.
process.env.E2E_JWT_SECRET ??= randomBytes(32).toString("hex");

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    permissions: ["microphone"],
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        // A synthetic microphone (a beep) and auto-accepted permission prompts, for recorded answers.
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: `"${bin}" serve`,
    url: `${baseURL}/health/live`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      BIND_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      EMAIL_OUTBOX_DIR: join(tmp, "outbox"),
      APP_BASE_URL: baseURL,
      FRONTEND_DIST_DIR: resolve(import.meta.dirname, "dist"),
      RATE_LIMIT_AUTH_PER_MIN: "1000",
      JWT_SECRET: process.env.E2E_JWT_SECRET,
      BCRYPT_COST: "4",
      RUST_LOG: process.env.RUST_LOG ?? "warn",
    },
  },
});
