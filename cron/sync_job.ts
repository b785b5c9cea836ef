/**
 * The sync job (every five minutes): fetches, for every connected participant
 * of every active or settling competition, the orders updated since its
 * cursor, so missed webhooks heal (in the settlement window: missed refunds
 * and cancellations). One store's failure is reported and does not stop the others.
 */
import { listCompetitionsByStatus } from "../lib/competitions/competitions.ts";
import { listParticipants } from "../lib/competitions/participants.ts";
import type { LifecycleServices } from "../lib/competitions/settlement.ts";
import { log } from "../lib/core/log.ts";

/** What one sync run did. */
export interface SyncRunReport {
  synced: number;
  failed: { participantId: string; shop: string; error: string }[];
}

/** Syncs every connected participant of every active or settling competition once. */
export async function runSyncJob(services: Pick<LifecycleServices, "kv" | "syncParticipant">): Promise<SyncRunReport> {
  const report: SyncRunReport = { synced: 0, failed: [] };
  const competitions = [
    ...await listCompetitionsByStatus(services.kv, "ACTIVE"),
    ...await listCompetitionsByStatus(services.kv, "SETTLING"),
  ];
  for (const competition of competitions) {
    for (const participant of await listParticipants(services.kv, competition.id)) {
      if (participant.connection !== "connected") continue;
      try {
        await services.syncParticipant(participant);
        report.synced++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failed.push({ participantId: participant.id, shop: participant.shop, error: message });
      }
    }
  }
  // Each store's failure is logged where it happened; the run says how many.
  if (report.failed.length > 0) log("warn", "sync run had failures", { synced: report.synced, failed: report.failed });
  return report;
}
