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

/** The bar with a visible label, e.g. "40% of the time has passed". */
export function ElapsedBar(props: { startMs: number; endMs: number; now: number }) {
  const percent = elapsedPercent(props.startMs, props.endMs, props.now);
  return (
    <div class="elapsed">
      <label for="elapsed-bar">{percent}% of the time has passed</label>
      <progress id="elapsed-bar" max={100} value={percent}>{percent}%</progress>
    </div>
  );
}
