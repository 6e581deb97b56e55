import { useCallback, useEffect, useRef, useState } from "react";
import { readJson, removeStorage, storageKey, writeJson } from "../../lib/storage";

interface StoredDraft {
  text: string;
  updated_at: number;
}

export function draftKey(sessionId: string, questionId: string): string {
  return storageKey("draft", sessionId, questionId);
}

export function readDraft(sessionId: string, questionId: string): string {
  return readJson<StoredDraft>(draftKey(sessionId, questionId))?.text ?? "";
}

/**
 * An answer draft autosaved to localStorage, keyed by session + question. Writes are debounced while typing
 * and flushed when the page is hidden or closed and on unmount, so a reload never loses text.
 * Remount (React `key`) when the question changes.
 */
export function useDraft(sessionId: string, questionId: string, delayMs = 400) {
  const key = draftKey(sessionId, questionId);
  const [text, setTextState] = useState(() => readDraft(sessionId, questionId));
  const latest = useRef(text);
  const [savedAt, setSavedAt] = useState<number | null>(() => readJson<StoredDraft>(key)?.updated_at ?? null);
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const value = pending.current;
    if (value === null) return;
    pending.current = null;
    if (value.trim() === "") {
      removeStorage(key);
      setSavedAt(null);
    } else {
      const now = Date.now();
      writeJson(key, { text: value, updated_at: now } satisfies StoredDraft);
      setSavedAt(now);
    }
  }, [key]);

  const setText = useCallback(
    (update: string | ((previous: string) => string)) => {
      const value = typeof update === "function" ? update(latest.current) : update;
      latest.current = value;
      setTextState(value);
      pending.current = value;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, delayMs);
    },
    [flush, delayMs],
  );

  /** Forget the draft (after a successful submit). */
  const clear = useCallback(() => {
    pending.current = null;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    removeStorage(key);
    setSavedAt(null);
  }, [key]);

  useEffect(() => {
    const onHide = () => flush();
    const onVisibility = () => {
      if (document.visibilityState === "hidden") flush();
    };
    window.addEventListener("pagehide", onHide);
    window.addEventListener("beforeunload", onHide);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("pagehide", onHide);
      window.removeEventListener("beforeunload", onHide);
      document.removeEventListener("visibilitychange", onVisibility);
      flush();
    };
  }, [flush]);

  return { text, setText, clear, flush, savedAt };
}
