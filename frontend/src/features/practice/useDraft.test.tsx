import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { draftKey, useDraft } from "./useDraft";

describe("useDraft (answer autosave)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves after a pause in typing, keyed by session and question", () => {
    const { result } = renderHook(() => useDraft("s1", "q1"));
    act(() => result.current.setText("My answer"));
    expect(localStorage.getItem(draftKey("s1", "q1"))).toBeNull();
    act(() => vi.advanceTimersByTime(450));
    expect(JSON.parse(localStorage.getItem(draftKey("s1", "q1"))!).text).toBe("My answer");
    expect(localStorage.getItem(draftKey("s1", "q2"))).toBeNull();
    expect(result.current.savedAt).not.toBeNull();
  });

  it("restores the draft after a reload (remount)", () => {
    const first = renderHook(() => useDraft("s1", "q1"));
    act(() => first.result.current.setText("Situation: our release was late"));
    act(() => vi.advanceTimersByTime(500));
    first.unmount();
    const second = renderHook(() => useDraft("s1", "q1"));
    expect(second.result.current.text).toBe("Situation: our release was late");
  });

  it("flushes immediately when the page is hidden or closed", () => {
    const { result } = renderHook(() => useDraft("s1", "q1"));
    act(() => result.current.setText("typed just before closing"));
    act(() => {
      window.dispatchEvent(new Event("pagehide"));
    });
    expect(JSON.parse(localStorage.getItem(draftKey("s1", "q1"))!).text).toBe("typed just before closing");
  });

  it("flushes on unmount (navigating away) without waiting for the debounce", () => {
    const { result, unmount } = renderHook(() => useDraft("s1", "q1"));
    act(() => result.current.setText("half an answer"));
    unmount();
    expect(JSON.parse(localStorage.getItem(draftKey("s1", "q1"))!).text).toBe("half an answer");
  });

  it("supports functional updates (dictation appends)", () => {
    const { result } = renderHook(() => useDraft("s1", "q1"));
    act(() => result.current.setText("First"));
    act(() => result.current.setText((t) => `${t} second`));
    expect(result.current.text).toBe("First second");
  });

  it("clears the draft after submit and removes empty drafts", () => {
    const { result } = renderHook(() => useDraft("s1", "q1"));
    act(() => result.current.setText("done"));
    act(() => vi.advanceTimersByTime(500));
    act(() => result.current.clear());
    expect(localStorage.getItem(draftKey("s1", "q1"))).toBeNull();
    act(() => result.current.setText("   "));
    act(() => vi.advanceTimersByTime(500));
    expect(localStorage.getItem(draftKey("s1", "q1"))).toBeNull();
  });
});
