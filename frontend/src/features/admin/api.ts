import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AdminQuestionInput, QuestionSpec } from "../../api/types";
import { api, unwrap } from "../../lib/api-client";

/** A PATCH body: any subset of the spec except its id. */
export type QuestionPatch = Partial<Omit<QuestionSpec, "id">>;

export const adminKeys = {
  spec: (id: string) => ["questions", "spec", id] as const,
};

/** `GET /admin/questions/{id}`: the full definition (key points, rubric, model answer, case) for editing. */
export function useQuestionSpec(id: string | undefined) {
  return useQuery({
    queryKey: adminKeys.spec(id ?? ""),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/admin/questions/{id}", { params: { path: { id: id! } }, signal })),
    enabled: !!id,
    staleTime: 0,
  });
}

export function useCreateQuestion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AdminQuestionInput) => unwrap(api.POST("/api/v1/admin/questions", { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["questions"] }),
  });
}

export function useUpdateQuestion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: QuestionPatch }) =>
      // The spec types this body as a free-form object ("any subset of QuestionSpec except id"), which
      // openapi-typescript renders as `Record<string, never>`; QuestionPatch is that subset.
      unwrap(api.PATCH("/api/v1/admin/questions/{id}", { params: { path: { id } }, body: patch as Record<string, never> })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["questions"] }),
  });
}

export function useDeleteQuestion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/v1/admin/questions/{id}", { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["questions"] }),
  });
}
