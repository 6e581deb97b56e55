import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import type { ApiBody, AuthResponse, Me, UpdateMe } from "../../api/types";
import { api, rawApi, unwrap } from "../../lib/api-client";
import { authStore, type AuthState } from "../../lib/auth-store";

export const meKey = ["me"] as const;

export function useAuth(): AuthState {
  return useSyncExternalStore(authStore.subscribe, authStore.getState, authStore.getState);
}

export function useMe() {
  const { status } = useAuth();
  return useQuery({
    queryKey: meKey,
    queryFn: async () => {
      const me = await unwrap(api.GET("/api/v1/me"));
      authStore.setUser(me);
      return me;
    },
    enabled: status === "authenticated",
    staleTime: 60_000,
    initialData: () => authStore.getState().user ?? undefined,
    initialDataUpdatedAt: 0,
  });
}

type Credentials = ApiBody<"/api/v1/auth/login", "post">;

function useSessionStart() {
  const qc = useQueryClient();
  return (auth: AuthResponse) => {
    qc.clear();
    authStore.setSession(auth);
    if (auth.user) qc.setQueryData<Me>(meKey, auth.user);
  };
}

export function useLogin() {
  const start = useSessionStart();
  return useMutation({
    mutationFn: async (body: Credentials) => unwrap(rawApi.POST("/api/v1/auth/login", { body })),
    onSuccess: start,
  });
}

export function useRegister() {
  const start = useSessionStart();
  return useMutation({
    mutationFn: async (body: Credentials) => unwrap(rawApi.POST("/api/v1/auth/register", { body })),
    onSuccess: start,
  });
}

export function useVerifyEmail() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => unwrap(rawApi.POST("/api/v1/auth/verify-email", { body: { token } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}

export function useResendVerification() {
  return useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/auth/resend-verification")) });
}

export function useForgotPassword() {
  return useMutation({ mutationFn: (email: string) => unwrap(rawApi.POST("/api/v1/auth/forgot-password", { body: { email } })) });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) => unwrap(rawApi.POST("/api/v1/auth/reset-password", { body })),
  });
}

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMe) => unwrap(api.PATCH("/api/v1/me", { body })),
    onSuccess: (me) => {
      if (me && typeof me === "object" && "id" in me) {
        qc.setQueryData(meKey, me);
        authStore.setUser(me);
      } else {
        void qc.invalidateQueries({ queryKey: meKey });
      }
    },
  });
}

/** Sign out of this browser: revoke the refresh token (best effort), then forget everything locally. */
export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api.POST("/api/v1/auth/logout", { body: {} });
      } catch {
        /* offline: still sign out locally */
      }
    },
    onSettled: () => {
      authStore.clear("signed_out");
      qc.clear();
    },
  });
}
