/**
 * A time in the reader's zone inside an island's own markup: the local-time
 * component written with the reader clock in context (the page's on the
 * server, the island's props in the browser), without the island wrapper,
 * so an island that renders it does not bundle every other island.
 */
import { useContext } from "preact/hooks";
import LocalTime from "../islands/local_time.tsx";
import { ViewerClockContext } from "../lib/web/viewer_clock.ts";

/** `<ReaderTime iso={order.createdAt} />` */
export function ReaderTime(props: { iso: string }) {
  return <LocalTime iso={props.iso} clock={useContext(ViewerClockContext)} />;
}
