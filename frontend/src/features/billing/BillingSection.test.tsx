import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Me, PlansResponse, Subscription } from "../../api/types";
import { resetClientState } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { json, mockFetch, path, problem, renderRoute } from "../../test/utils";
import { BillingSection } from "./BillingSection";

const me: Me = {
  id: "u1",
  email: "ada@example.com",
  email_verified: true,
  display_name: null,
  role: "user",
  plan: "free",
  theme: "system",
  training_opt_out: false,
  created_at: "2025-01-01T00:00:00Z",
  billing_state: null,
};

function plans(billing_enabled: boolean): PlansResponse {
  const price = (interval: "month" | "year", amount: number) => ({ interval, amount, currency: "gbp", stripe_price_id: billing_enabled ? `price_${interval}` : null });
  return {
    billing_enabled,
    plans: [
      { id: "free", name: "Free", description: "Get started.", monthly_answer_limit: 25, ai_grader: false, prices: [] },
      { id: "pro", name: "Pro", description: "Practise without limits.", monthly_answer_limit: null, ai_grader: true, prices: [price("month", 1200), price("year", 12000)] },
    ],
  };
}

function subscription(over: Partial<Subscription> = {}): Subscription {
  return { plan: "free", status: "none", interval: null, current_period_end: null, cancel_at_period_end: false, plan_until: null, has_billing_account: false, billing_enabled: false, ...over };
}

const usage = { plan: "free", period_start: "2025-05-01T00:00:00Z", period_end: "2025-06-01T00:00:00Z", answers_used: 3, answers_limit: 25 };

describe("billing section", () => {
  beforeEach(() => {
    authStore.reset();
    resetClientState();
    authStore.setSession({ access_token: "t", expires_in: 900 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shows the plans from the spec's shape and a clear offline state when billing is disabled", async () => {
    const { calls } = mockFetch((req) => {
      switch (path(req)) {
        case "/api/v1/billing/plans":
          return json(plans(false));
        case "/api/v1/billing/subscription":
          return json(subscription());
        case "/api/v1/me/usage":
          return json(usage);
        default:
          return problem(404, "not_found", "Not found");
      }
    });
    renderRoute(<BillingSection me={me} />);
    const pro = await screen.findByRole("region", { name: "Pro" });
    expect(within(pro).getByText("Unlimited evaluated answers")).toBeInTheDocument();
    expect(within(pro).getByText(/£12/)).toBeInTheDocument();
    expect(within(pro).getByRole("button", { name: "Upgrades unavailable" })).toBeDisabled();
    expect(screen.getAllByText("Payments are offline")[0]).toBeVisible();
    expect(within(screen.getByRole("region", { name: "Free" })).getByText("25 evaluated answers a month")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("radio", { name: /Yearly/ }));
    expect(within(pro).getByText(/£120/)).toBeInTheDocument();
    expect(calls.some((c) => path(c) === "/api/v1/billing/checkout")).toBe(false);
  });

  it("sends the checkout request and explains a billing_disabled 503", async () => {
    const { calls } = mockFetch((req) => {
      switch (path(req)) {
        case "/api/v1/billing/plans":
          return json(plans(true));
        case "/api/v1/billing/subscription":
          return json(subscription({ billing_enabled: true }));
        case "/api/v1/me/usage":
          return json(usage);
        case "/api/v1/billing/checkout":
          return problem(503, "billing_disabled", "Billing is not configured on this server.");
        default:
          return problem(404, "not_found", "Not found");
      }
    });
    renderRoute(<BillingSection me={me} />);
    await userEvent.click(await screen.findByRole("button", { name: "Upgrade to Pro" }));
    await waitFor(() => expect(screen.getByText("Payments are offline")).toBeVisible());
    const checkout = calls.find((c) => path(c) === "/api/v1/billing/checkout");
    expect(await checkout!.json()).toEqual({ plan: "pro", interval: "month" });
  });
});
