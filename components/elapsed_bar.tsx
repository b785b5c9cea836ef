/** How much of a competition's time has passed, as a native `<progress>` bar. */

/**
 * Percent of [start, end] elapsed at `now`, 0–100, whole numbers.
 * @example elapsedPercent(0, 100, 25) // 25
 */
export function elapsedPercent(startMs: number, endMs: number, now: number): number {
  if (now <= startMs) return 0;
  if (now >= endMs || endMs <= startMs) return 100;
  return Math.floor(((now - startMs) / (endMs - startMs)) * 100);
}

/**
 * The bar with a visible label, e.g. "40% of the time has passed"; in the
 * first percent, how long ago it started instead of "0%".
 */
export function ElapsedBar(props: { startMs: number; endMs: number; now: number }) {
  const percent = elapsedPercent(props.startMs, props.endMs, props.now);
  const minutes = Math.floor((props.now - props.startMs) / 60_000);
  const label = percent >= 1 || props.now < props.startMs
    ? `${percent}% of the time has passed`
    : minutes < 1
    ? "Started just now"
    : minutes < 120
    ? `Started ${minutes} minute${minutes === 1 ? "" : "s"} ago`
    : `Started ${Math.floor(minutes / 60)} hours ago`;
  return (
    <div class="elapsed">
      <label for="elapsed-bar">{label}</label>
      <progress id="elapsed-bar" max={100} value={percent}>{percent}%</progress>
    </div>
  );
}
