/**
 * A store's part of the leader's figure under privacy mode: a bar and its
 * percentage, never the figure. Its own module so the embeddable board
 * carries it without the whole leaderboard table.
 */

/** `<ShareOfLeader share={0.42} />` */
export function ShareOfLeader(props: { share: number }) {
  const percent = Math.round(props.share * 100);
  return (
    <span class="share">
      <meter class="share-bar" min={0} max={1} value={props.share} aria-label={`${percent}% of the leader`} />
      <span class="share-percent">{percent}%</span>
    </span>
  );
}
