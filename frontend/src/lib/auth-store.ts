/**
 * The session: access token in memory only (never in storage). The refresh token lives in an httpOnly cookie
 * the browser sends to /auth/refresh; we only keep a non-secret hint that a session may exist, so anonymous
 * visitors don't trigger a pointless refresh call on every page load.
 */
import type { AuthResponse, Me } from "../api/types";
import { readStorage, removeStorage, storageKey, writeStorage } from "./storage";

export type AuthStatus = "unknown" | "authenticated" | "anonymous";
/** Why the session ended: the sign-in page words its notice accordingly. `deleted`: the account was deleted here. */
export type SignedOutReason = "signed_out" | "expired" | "deleted" | null;

export interface AuthState {
  status: AuthStatus;
  accessToken: string | null;
  /** epoch ms */
  expiresAt: number | null;
  user: Me | null;
  signedOutReason: SignedOutReason;
  /** For `deleted`: when the account's data will have been erased (ISO date-time). */
  purgeAfter?: string | null;
}

const HINT_KEY = storageKey("session-hint");

let state: AuthState = {
  status: "unknown",
  accessToken: null,
  expiresAt: null,
  user: null,
  signedOutReason: null,
};
const listeners = new Set<() => void>();

function emit(next: AuthState) {
  state = next;
  for (const l of listeners) l();
}

export const authStore = {
  getState(): AuthState {
    return state;
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getAccessToken(): string | null {
    return state.accessToken;
  },
  setSession(auth: Pick<AuthResponse, "access_token" | "expires_in"> & { user?: Me | null }) {
    writeStorage(HINT_KEY, "1");
    emit({
      status: "authenticated",
      accessToken: auth.access_token,
      expiresAt: Date.now() + Math.max(0, auth.expires_in) * 1000,
      user: auth.user ?? state.user,
      signedOutReason: null,
    });
  },
  setUser(user: Me) {
    if (state.status !== "authenticated") return;
    emit({ ...state, user });
  },
  clear(reason: SignedOutReason = "signed_out", purgeAfter: string | null = null) {
    removeStorage(HINT_KEY);
    emit({ status: "anonymous", accessToken: null, expiresAt: null, user: null, signedOutReason: reason, purgeAfter });
  },
  hasSessionHint(): boolean {
    return readStorage(HINT_KEY) === "1";
  },
  /** Test helper. */
  reset() {
    removeStorage(HINT_KEY);
    emit({ status: "unknown", accessToken: null, expiresAt: null, user: null, signedOutReason: null });
  },
};
