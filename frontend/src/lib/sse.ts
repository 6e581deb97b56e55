/**
 * Server-Sent Events over fetch (so the Authorization header and silent refresh apply), via
 * @microsoft/fetch-event-source. Reconnects with backoff; stops on 4xx other than 401/429.
 */
import { fetchEventSource, type EventSourceMessage } from "@microsoft/fetch-event-source";
import { authFetch } from "./api-client";

class FatalSseError extends Error {}

export interface SseOptions {
  onEvent: (event: string, data: unknown) => void;
  onOpen?: () => void;
  onClose?: () => void;
  onError?: (error: unknown) => void;
  signal: AbortSignal;
}

export function subscribeSse(url: string, { onEvent, onOpen, onClose, onError, signal }: SseOptions): Promise<void> {
  let retries = 0;
  const absolute = new URL(url, globalThis.location?.href ?? "http://localhost").toString();
  return fetchEventSource(absolute, {
    signal,
    openWhenHidden: true,
    headers: { accept: "text/event-stream" },
    credentials: "include",
    fetch: (input: RequestInfo | URL, init?: RequestInit) => authFetch(new Request(input, init)),
    async onopen(res) {
      const type = res.headers.get("content-type") ?? "";
      if (res.ok && type.includes("text/event-stream")) {
        retries = 0;
        onOpen?.();
        return;
      }
      if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new FatalSseError(`SSE ${res.status}`);
      throw new Error(`SSE ${res.status}`);
    },
    onmessage(msg: EventSourceMessage) {
      if (!msg.data) return;
      let data: unknown = msg.data;
      try {
        data = JSON.parse(msg.data);
      } catch {
        /* plain text event */
      }
      onEvent(msg.event || "message", data);
    },
    onclose() {
      onClose?.();
      // The server ended the stream: reconnect unless it was aborted (fetchEventSource retries when we throw a retriable error).
      throw new Error("SSE closed");
    },
    onerror(err) {
      onError?.(err);
      if (err instanceof FatalSseError) throw err;
      retries += 1;
      if (retries > 8) throw err;
      return Math.min(30_000, 1000 * 2 ** retries);
    },
  }).catch((e) => {
    if (signal.aborted) return;
    onError?.(e);
  });
}
