import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { Category, Difficulty } from "../../api/types";
import { api, unwrap } from "../../lib/api-client";

export interface QuestionFilters {
  role?: string;
  category?: Category;
  difficulty?: Difficulty;
  industry?: string;
  topic?: string;
  q?: string;
}

export const libraryKeys = {
  roles: ["roles"] as const,
  questions: (f: QuestionFilters) => ["questions", "list", f] as const,
  question: (id: string) => ["questions", "detail", id] as const,
};

export function useRoles() {
  return useQuery({
    queryKey: libraryKeys.roles,
    queryFn: () => unwrap(api.GET("/api/v1/roles")),
    staleTime: 10 * 60_000,
    select: (d) => d.items,
  });
}

function clean<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== "")) as Partial<T>;
}

export function useQuestions(filters: QuestionFilters, limit = 20) {
  const f = clean(filters);
  return useInfiniteQuery({
    queryKey: libraryKeys.questions(f),
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET("/api/v1/questions", { params: { query: { ...f, limit, cursor: pageParam ?? undefined } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
    placeholderData: keepPreviousData,
  });
}

export function useQuestion(id: string | undefined) {
  return useQuery({
    queryKey: libraryKeys.question(id ?? ""),
    queryFn: () => unwrap(api.GET("/api/v1/questions/{id}", { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export const INDUSTRIES = [
  "retail",
  "healthcare",
  "energy",
  "tech",
  "financial-services",
  "consumer-goods",
  "industrials",
  "public-sector",
  "media",
  "travel",
  "telecom",
  "education",
  "automotive",
  "logistics",
] as const;
