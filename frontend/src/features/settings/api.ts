import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { api, unwrap } from "../../lib/api-client";
import { ApiError, networkError, toApiError } from "../../lib/problem";

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => unwrap(api.POST("/api/v1/me/password", { body })),
  });
}

export function useLogoutAll() {
  return useMutation({ mutationFn: () => unwrap(api.POST("/api/v1/auth/logout-all")) });
}

export function useActivity() {
  return useInfiniteQuery({
    queryKey: ["me", "activity"],
    queryFn: ({ pageParam, signal }) => unwrap(api.GET("/api/v1/me/activity", { params: { query: { cursor: pageParam ?? undefined } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
  });
}

export function useDeleteAccount() {
  return useMutation({ mutationFn: (password: string) => unwrap(api.DELETE("/api/v1/me", { body: { password } })) });
}

function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

/** Download the account export (JSON attachment) through the authenticated client. */
export function useExportData() {
  return useMutation({
    mutationFn: async () => {
      let result;
      try {
        result = await api.GET("/api/v1/me/export", { parseAs: "blob" });
      } catch (e) {
        throw e instanceof ApiError ? e : networkError(e);
      }
      const { data, error, response } = result;
      if (!response.ok || !data) {
        let body: unknown = error;
        if (error instanceof Blob) {
          const text = await error.text();
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        throw toApiError(body, response);
      }
      const name = filenameFrom(response.headers.get("Content-Disposition")) ?? `interviewos-export-${new Date().toISOString().slice(0, 10)}.json`;
      const url = URL.createObjectURL(data as Blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return name;
    },
  });
}
