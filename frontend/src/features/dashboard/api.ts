import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { sessionKeys } from "../../api/sessions";
import type { ProgressQuery } from "../../api/types";
import { api, unwrap } from "../../lib/api-client";

/** `GET /progress`, optionally for one role and a date range (`from`/`to` are UTC `YYYY-MM-DD`, inclusive). */
export function useProgress(filter: ProgressQuery = {}) {
  const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as ProgressQuery;
  return useQuery({
    queryKey: [...sessionKeys.progress, query],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/progress", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}
