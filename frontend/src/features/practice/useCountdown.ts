import { useEffect, useState } from "react";
import { readStorage, removeStorage, storageKey, writeStorage } from "../../lib/storage";

export interface Countdown {
  /** Whole seconds since the start. */
  elapsed: number;
  /** Whole seconds left (negative when over time); null when untimed. */
  remaining: number | null;
  expired: boolean;
}

export function computeCountdown(startedAt: number, limitSeconds: number | null | undefined, now: number): Countdown {
  const elapsed = Math.max(0, Math.floor((now - startedAt) / 1000));
  if (!limitSeconds || limitSeconds <= 0) return { elapsed, remaining: null, expired: false };
  const remaining = limitSeconds - elapsed;
  return { elapsed, remaining, expired: remaining <= 0 };
}

/** Ticks once a second from `startedAt` (epoch ms); computes from the clock, so it never drifts. */
export function useCountdown(startedAt: number, limitSeconds: number | null | undefined): Countdown {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [startedAt]);
  const c = computeCountdown(startedAt, limitSeconds, now);
  // Only whole-second changes matter to the view; returning primitives keeps renders cheap.
  return c;
}

function clockKey(sessionId: string, questionId: string) {
  return storageKey("qstart", sessionId, questionId);
}

/** When this question was first shown (persisted, so a reload doesn't restart the timer). */
export function getQuestionStart(sessionId: string, questionId: string): number {
  const key = clockKey(sessionId, questionId);
  const stored = Number(readStorage(key));
  if (Number.isFinite(stored) && stored > 0 && stored <= Date.now()) return stored;
  const now = Date.now();
  writeStorage(key, String(now));
  return now;
}

export function clearQuestionStart(sessionId: string, questionId: string) {
  removeStorage(clockKey(sessionId, questionId));
}
