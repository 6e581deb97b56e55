/**
 * The typed API client (openapi-fetch over the generated schema) with:
 *  - the in-memory access token on every request,
 *  - silent refresh through the httpOnly cookie on 401, single-flight (one refresh for many concurrent 401s,
 *    and serialised across tabs with the Web Locks API so rotating refresh tokens are never reused),
 *  - problem+json errors turned into ApiError by `unwrap`.
 */
import createClient from "openapi-fetch";
import type { paths } from "../api/paths";
import { authStore } from "./auth-store";
import { ApiError, networkError, toApiError } from "./problem";

const baseFetch = (request: Request) => globalThis.fetch(request);

/** Auth endpoints never trigger a refresh-and-retry. */
const NO_RETRY = /\/api\/v1\/auth\/(login|register|refresh|logout|forgot-password|reset-password|verify-email)$/;

/** Absolute same-origin base, so Request objects are valid outside a browser too (tests). */
const baseUrl = globalThis.location?.origin && globalThis.location.origin !== "null" ? globalThis.location.origin : "";

/** A client with no auth handling, used for the refresh call itself. */
export const rawApi = createClient<paths>({ baseUrl, credentials: "include", fetch: baseFetch });

let refreshInFlight: Promise<boolean> | null = null;
let bootstrapPromise: Promise<void> | null = null;

async function doRefresh(): Promise<boolean> {
  try {
    const { data, response } = await rawApi.POST("/api/v1/auth/refresh", { body: {} });
    if (response.ok && data) {
      authStore.setSession(data);
      return true;
    }
    // Only a definite rejection ends the session; a 5xx or 429 leaves state as is so the user can retry.
    if (response.status === 401 || response.status === 403 || response.status === 400) {
      const wasAuthenticated = authStore.getState().status === "authenticated";
      authStore.clear(wasAuthenticated ? "expired" : null);
    } else if (authStore.getState().status === "unknown") {
      authStore.clear(null);
    }
    return false;
  } catch {
    if (authStore.getState().status === "unknown") authStore.clear(null);
    return false;
  }
}

/** Refresh the access token; concurrent callers share one request. Resolves true when a new token is set. */
export function refreshSession(): Promise<boolean> {
  if (!refreshInFlight) {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    const run = locks?.request
      ? () => locks.request("interviewos-refresh", () => doRefresh()) as unknown as Promise<boolean>
      : () => doRefresh();
    refreshInFlight = run().finally(() => {
      refreshInFlight = null;
    });
  }
  return refreshInFlight;
}

/** Restore the session at start-up from the refresh cookie (only when a session hint exists). */
export function bootstrapSession(): Promise<void> {
  if (!bootstrapPromise) {
    bootstrapPromise = (async () => {
      if (authStore.getState().status !== "unknown") return;
      if (!authStore.hasSessionHint()) {
        authStore.clear(null);
        return;
      }
      await refreshSession();
    })();
  }
  return bootstrapPromise;
}

/** Test helper. */
export function resetClientState() {
  refreshInFlight = null;
  bootstrapPromise = null;
}

function withToken(request: Request): Request {
  const token = authStore.getAccessToken();
  if (token) request.headers.set("Authorization", `Bearer ${token}`);
  return request;
}

const TOKEN_CODES = new Set(["invalid_token", "unauthenticated", "token_expired"]);

async function isTokenProblem(response: Response): Promise<boolean> {
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return typeof body?.code !== "string" || TOKEN_CODES.has(body.code);
  } catch {
    return true;
  }
}

/** fetch with bearer token + one silent refresh-and-retry on 401. */
export async function authFetch(request: Request): Promise<Response> {
  const path = new URL(request.url, globalThis.location?.href ?? "http://localhost").pathname;
  const retryable = !NO_RETRY.test(path);
  if (retryable && authStore.getState().status === "unknown") await bootstrapSession();
  const retry = retryable ? request.clone() : null;
  const sentToken = authStore.getAccessToken();
  const response = await globalThis.fetch(withToken(request));
  if (response.status !== 401 || !retry) return response;
  // A 401 about the request itself (e.g. a wrong current password) is not an expired access token.
  if (!(await isTokenProblem(response))) return response;
  // Another request may already have refreshed while this one was in flight.
  const current = authStore.getAccessToken();
  const refreshed = current && current !== sentToken ? true : await refreshSession();
  if (!refreshed) return response;
  return globalThis.fetch(withToken(retry));
}

export const api = createClient<paths>({ baseUrl, credentials: "include", fetch: authFetch });

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Await an openapi-fetch call and return its data, throwing ApiError for problem responses and network failures.
 * For 204/202 without a body, resolves to undefined.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw networkError(e);
  }
  const { data, error, response } = result;
  if (!response.ok) throw toApiError(error, response);
  return data as T;
}
