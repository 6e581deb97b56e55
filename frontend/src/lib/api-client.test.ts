import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { json, mockFetch, path, problem } from "../test/utils";
import { api, bootstrapSession, refreshSession, resetClientState, unwrap } from "./api-client";
import { authStore } from "./auth-store";
import { ApiError } from "./problem";
import type { Me } from "../api/types";

const user = { id: "u1", email: "a@example.com", email_verified: true, display_name: null, role: "user" as const, plan: "free", theme: "system" as const, training_opt_out: false, created_at: "2025-01-01T00:00:00Z" } satisfies Me;
const tokens = (n: number) => ({ user, access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: "Bearer", expires_in: 900 });

describe("auth store + api client", () => {
  beforeEach(() => {
    authStore.reset();
    resetClientState();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("sends the in-memory access token as a bearer header", async () => {
    authStore.setSession(tokens(1));
    const { calls } = mockFetch(() => json(user));
    const me = await unwrap(api.GET("/api/v1/me"));
    expect(me.email).toBe("a@example.com");
    expect(calls[0].headers.get("Authorization")).toBe("Bearer access-1");
    expect(calls[0].credentials).toBe("include");
  });

  it("never writes the access token to storage", () => {
    authStore.setSession(tokens(1));
    expect(JSON.stringify({ ...localStorage })).not.toContain("access-1");
  });

  it("refreshes once for many concurrent 401s and retries each request with the new token", async () => {
    authStore.setSession(tokens(1));
    let refreshes = 0;
    const { calls } = mockFetch(async (req) => {
      const p = path(req);
      if (p === "/api/v1/auth/refresh") {
        refreshes += 1;
        await new Promise((r) => setTimeout(r, 10));
        return json(tokens(2));
      }
      if (req.headers.get("Authorization") === "Bearer access-2") return json(p === "/api/v1/me" ? user : { items: [] });
      return problem(401, "invalid_token", "The token is invalid, expired or already used.");
    });
    const results = await Promise.all([unwrap(api.GET("/api/v1/me")), unwrap(api.GET("/api/v1/roles")), unwrap(api.GET("/api/v1/me"))]);
    expect(refreshes).toBe(1);
    expect(results[0]).toMatchObject({ id: "u1" });
    expect(results[1]).toEqual({ items: [] });
    expect(authStore.getAccessToken()).toBe("access-2");
    const refreshCall = calls.find((c) => path(c) === "/api/v1/auth/refresh")!;
    expect(refreshCall.credentials).toBe("include");
    expect(refreshCall.headers.get("Authorization")).toBeNull();
  });

  it("retries a POST with its body intact after refreshing", async () => {
    authStore.setSession(tokens(1));
    const bodies: string[] = [];
    mockFetch(async (req) => {
      if (path(req) === "/api/v1/auth/refresh") return json(tokens(2));
      bodies.push(await req.text());
      if (req.headers.get("Authorization") === "Bearer access-2") return json({ id: "s1" }, 201);
      return problem(401, "unauthenticated", "expired");
    });
    const res = await unwrap(api.POST("/api/v1/sessions", { body: { role: "product-manager", mode: "text" } }));
    expect(res).toMatchObject({ id: "s1" });
    expect(bodies).toHaveLength(2);
    expect(JSON.parse(bodies[1])).toEqual({ role: "product-manager", mode: "text" });
  });

  it("ends the session (expired) when the refresh is rejected", async () => {
    authStore.setSession(tokens(1));
    mockFetch((req) => (path(req) === "/api/v1/auth/refresh" ? problem(401, "invalid_refresh_token", "Refresh token expired") : problem(401, "unauthenticated", "expired")));
    await expect(unwrap(api.GET("/api/v1/me"))).rejects.toMatchObject({ status: 401 });
    expect(authStore.getState()).toMatchObject({ status: "anonymous", accessToken: null, signedOutReason: "expired" });
  });

  it("does not refresh-and-retry for the login endpoint", async () => {
    const { fn } = mockFetch(() => problem(401, "invalid_credentials", "Email or password is incorrect."));
    const err = await unwrap(api.POST("/api/v1/auth/login", { body: { email: "a@example.com", password: "wrongpass" } })).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("invalid_credentials");
    expect(err.detail).toBe("Email or password is incorrect.");
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("does not refresh for a 401 about the request itself (wrong current password)", async () => {
    authStore.setSession(tokens(1));
    const { fn } = mockFetch(() => problem(401, "invalid_credentials", "The email or password is incorrect."));
    const err = await unwrap(api.POST("/api/v1/me/password", { body: { current_password: "nope", new_password: "a good new passphrase" } })).catch((e) => e);
    expect(err.code).toBe("invalid_credentials");
    expect(fn).toHaveBeenCalledTimes(1);
    expect(authStore.getState().status).toBe("authenticated");
  });

  it("keeps the session on a transient refresh failure", async () => {
    authStore.setSession(tokens(1));
    mockFetch(() => problem(503, "unavailable", "Down for maintenance", undefined, { "Retry-After": "30" }));
    expect(await refreshSession()).toBe(false);
    expect(authStore.getState().status).toBe("authenticated");
  });

  it("bootstraps from the refresh cookie only when a session hint exists", async () => {
    const { fn } = mockFetch(() => json(tokens(3)));
    await bootstrapSession();
    expect(fn).not.toHaveBeenCalled();
    expect(authStore.getState().status).toBe("anonymous");

    authStore.reset();
    resetClientState();
    localStorage.setItem("interviewos:session-hint", "1");
    await bootstrapSession();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(authStore.getState()).toMatchObject({ status: "authenticated", accessToken: "access-3" });
  });

  it("turns network failures into a friendly ApiError", async () => {
    mockFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const err = await unwrap(api.GET("/api/v1/roles")).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("network_error");
  });
});
