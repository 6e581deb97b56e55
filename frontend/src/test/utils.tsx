import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { vi } from "vitest";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers },
  });
}

export function problem(status: number, code: string, detail: string, errors?: { field: string; message: string }[], headers?: Record<string, string>) {
  return json({ type: `https://interviewos.app/problems/${code}`, title: code.replace(/_/g, " "), status, detail, code, errors }, status, headers);
}

export type Handler = (req: Request) => Response | Promise<Response>;

/** Replace globalThis.fetch (the generated client calls it lazily) and record requests. */
export function mockFetch(handler: Handler) {
  const calls: Request[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    calls.push(req.clone());
    return handler(req);
  });
  vi.stubGlobal("fetch", fn);
  return { fn, calls };
}

export function path(req: Request): string {
  return new URL(req.url).pathname;
}

export function renderRoute(element: ReactElement, { route = "/", path: routePath = "/", extra = [] as RouteObject[] } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const router = createMemoryRouter([{ path: routePath, element }, ...extra, { path: "*", element: <div>elsewhere</div> }], { initialEntries: [route] });
  const utils = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...utils, router, queryClient };
}
