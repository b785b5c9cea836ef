/**
 * Island: a live countdown to a date. The server renders the remaining time,
 * so the page reads correctly without JavaScript; in the browser it ticks
 * every second.
 */
import { useEffect, useState } from "preact/hooks";

/** Props of {@link Countdown}: `to` is an ISO 8601 date-time. */
export interface CountdownProps {
  to: string;
}

/**
 * Remaining time as text in its two largest units (`"2d 3h"`, `"1h 2m"`,
 * `"4m 5s"`, `"5s"`), so a week-long countdown does not tick seconds; `"0s"`
 * once the time has passed.
 * @example formatRemaining(3_723_000) // "1h 2m"
 */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(total / 86_400), "d"],
    [Math.floor(total / 3_600) % 24, "h"],
    [Math.floor(total / 60) % 60, "m"],
    [total % 60, "s"],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  const start = first === -1 ? 3 : first;
  return parts.slice(start, start + 2)
    .map(([value, unit]) => `${value}${unit}`).join(" ");
}

/**
 * Counts down to `to`, e.g. `<Countdown to="2025-12-01T12:00:00Z" />`.
 * Declare it on a page through `island(Countdown, "countdown")`.
 */
export default function Countdown({ to }: CountdownProps) {
  const target = Date.parse(to);
  // Plain hooks, no signals: pages with only a countdown then load no signals runtime.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (Number.isNaN(target)) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= target) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [target]);
  return (
    <time class="countdown" dateTime={to} role="timer">
      {Number.isNaN(target) ? to : formatRemaining(target - now)}
    </time>
  );
}
