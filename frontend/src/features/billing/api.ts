import { useMutation, useQuery } from "@tanstack/react-query";
import type { CheckoutRequest, Plan } from "../../api/types";
import { api, rawApi, unwrap } from "../../lib/api-client";

export const billingKeys = {
  plans: ["billing", "plans"] as const,
  subscription: ["billing", "subscription"] as const,
  usage: ["me", "usage"] as const,
};

/** `GET /billing/plans` (public): the plans and whether the server can take payments at all. */
export function usePlans() {
  return useQuery({
    queryKey: billingKeys.plans,
    queryFn: () => unwrap(rawApi.GET("/api/v1/billing/plans")),
    staleTime: 10 * 60_000,
  });
}

export function useSubscription(enabled = true) {
  return useQuery({
    queryKey: billingKeys.subscription,
    queryFn: () => unwrap(api.GET("/api/v1/billing/subscription")),
    enabled,
  });
}

export function useUsage() {
  return useQuery({ queryKey: billingKeys.usage, queryFn: () => unwrap(api.GET("/api/v1/me/usage")) });
}

/** The plan id to check out, or null for a plan that can't be bought (the free plan). */
export function purchasablePlan(id: Plan["id"]): CheckoutRequest["plan"] | null {
  return id === "free" ? null : id;
}

/** Redirects the browser to Stripe Checkout. */
export function useCheckout() {
  return useMutation({
    mutationFn: (body: CheckoutRequest) => unwrap(api.POST("/api/v1/billing/checkout", { body })),
    onSuccess: (res) => window.location.assign(res.url),
  });
}

/** Redirects the browser to the Stripe customer portal. */
export function usePortal() {
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/billing/portal")),
    onSuccess: (res) => window.location.assign(res.url),
  });
}
