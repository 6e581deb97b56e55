import { act, render, renderHook, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatClock } from "../../lib/format";
import { CountdownBadge } from "./CountdownBadge";
import { computeCountdown, getQuestionStart, useCountdown } from "./useCountdown";

describe("countdown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-03-01T10:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("computes remaining and overtime from the clock", () => {
    const start = Date.now();
    expect(computeCountdown(start, 120, start + 30_500)).toEqual({ elapsed: 30, remaining: 90, expired: false });
    expect(computeCountdown(start, 120, start + 125_000)).toEqual({ elapsed: 125, remaining: -5, expired: true });
    expect(computeCountdown(start, null, start + 10_000)).toEqual({ elapsed: 10, remaining: null, expired: false });
  });

  it("formats the clock", () => {
    expect(formatClock(125)).toBe("2:05");
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(-12)).toBe("+0:12");
  });

  it("ticks every second and expires", () => {
    const start = Date.now();
    const { result } = renderHook(() => useCountdown(start, 3));
    expect(result.current.remaining).toBe(3);
    act(() => vi.advanceTimersByTime(1000));
    expect(result.current.remaining).toBe(2);
    act(() => vi.advanceTimersByTime(2000));
    expect(result.current.expired).toBe(true);
  });

  it("keeps the question's start time across reloads", () => {
    const first = getQuestionStart("s1", "q1");
    vi.advanceTimersByTime(60_000);
    expect(getQuestionStart("s1", "q1")).toBe(first);
    expect(getQuestionStart("s1", "q2")).toBe(first + 60_000);
  });

  it("renders an accessible timer and announces milestones", () => {
    const start = Date.now();
    function Harness() {
      const c = useCountdown(start, 65);
      return <CountdownBadge countdown={c} limitSeconds={65} />;
    }
    render(<Harness />);
    expect(screen.getByRole("timer")).toHaveAccessibleName("1:05 left");
    act(() => vi.advanceTimersByTime(5_000));
    expect(screen.getByRole("timer")).toHaveAccessibleName("1:00 left");
    expect(screen.getByText("60 seconds left.")).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(70_000));
    expect(screen.getByRole("timer")).toHaveAccessibleName("Over time by 0:10");
    expect(screen.getByText("Time is up. You can still submit your answer.")).toBeInTheDocument();
  });
});
