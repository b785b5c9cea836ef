/**
 * A time in the reader's zone inside an island's own markup, written with
 * the reader clock it is given: the page's on the server, the island's in
 * the browser (which learns the browser's zone once it runs). A prop, not a
 * context, so no island bundles Preact's context for it.
 */
import { readableTime, type ViewerClock } from "../lib/web/viewer_clock.ts";

/** `<ReaderTime iso={order.createdAt} clock={clock} />` */
export function ReaderTime(props: { iso: string; clock: ViewerClock }) {
  return <time dateTime={props.iso}>{readableTime(props.iso, props.clock.timeZone, props.clock.now)}</time>;
}
