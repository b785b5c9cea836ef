/**
 * Server-sent event frames of the live view, encoded once so that every
 * client of a competition is handed the same bytes.
 */

/** The named events of the live stream (`own`: on a store owner's own stream only). */
export type LiveEventName = "leaderboard" | "join" | "status" | "winner" | "refresh" | "own";

/** One encoded frame; `kind` is its event name, or `heartbeat` for the keep-alive comment. */
export interface LiveFrame {
  kind: LiveEventName | "heartbeat";
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** Encodes a named event whose `id:` is the change key's versionstamp. */
export function eventFrame(kind: LiveEventName, id: string, data: unknown): LiveFrame {
  const json = typeof data === "string" ? data : JSON.stringify(data);
  return { kind, bytes: encoder.encode(`event: ${kind}\nid: ${id}\ndata: ${json}\n\n`) };
}

/** The keep-alive comment, shared by every client. */
export const heartbeatFrame: LiveFrame = { kind: "heartbeat", bytes: encoder.encode(": heartbeat\n\n") };

/** The reconnection delay hint sent first on every stream. */
export function retryBytes(ms: number): Uint8Array {
  return encoder.encode(`retry: ${ms}\n\n`);
}
