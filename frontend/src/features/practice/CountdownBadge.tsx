import { Icon } from "../../components/Icon";
import { formatClock } from "../../lib/format";
import type { Countdown } from "./useCountdown";

/**
 * The visible timer. Screen readers get a polite announcement at a few milestones rather than every second.
 */
export function CountdownBadge({ countdown, limitSeconds }: { countdown: Countdown; limitSeconds: number | null | undefined }) {
  const { remaining, elapsed, expired } = countdown;
  // The live region's text changes only when a milestone is crossed, so that's all a screen reader hears.
  // (Pure: after a sleep or tab switch only the latest milestone is announced.)
  const milestone = remaining == null ? null : ([0, 10, 30, 60].find((m) => remaining <= m && (limitSeconds ?? 0) > m) ?? null);
  const announcement = milestone === null ? "" : milestone === 0 ? "Time is up. You can still submit your answer." : `${milestone} seconds left.`;

  const timed = remaining != null;
  const low = timed && !expired && remaining <= 30;
  const label = timed ? (expired ? `Over time by ${formatClock(-remaining)}` : `${formatClock(remaining)} left`) : `${formatClock(elapsed)} elapsed`;
  return (
    <>
      <span className={`countdown${expired ? " over" : low ? " low" : ""}`} role="timer" aria-label={label} aria-live="off">
        <Icon name="timer" size={18} />
        <span aria-hidden="true">{timed ? formatClock(remaining) : formatClock(elapsed)}</span>
        {timed && expired ? <span className="small" aria-hidden="true">over</span> : null}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {announcement}
      </span>
    </>
  );
}
