/** The simulated Whop: start it with {@link startWhopSandbox}. */
export {
  DEFAULT_HOLD_MS,
  DEFAULT_WHOP_FEES,
  type PayOptions,
  startWhopSandbox,
  type WhopSandbox,
  type WhopSandboxOptions,
} from "./sandbox.ts";
export { feeMinor, type WhopFees } from "./money.ts";
export { DEFAULT_DEMO_USERS, type DemoUser } from "./demo_users.ts";
export { type RefundFault, type TransferResponseFailure, WhopFaults } from "./faults.ts";
export type {
  CheckoutConfigurationRecord,
  NotificationRecord,
  PaymentRecord,
  RefundRecord,
  RefundStatus,
  TransferAttempt,
  TransferOutcome,
  TransferRecord,
} from "./records.ts";
export type { SendWebhookOptions, WebhookDelivery } from "./webhook_sender.ts";
export { signWebhook, webhookHmacKey } from "./webhook_signing.ts";
export { WHOP_STATE_KIND, type WhopSandboxState } from "./persistence.ts";
export { SandboxStateError } from "../state_file.ts";
export { type AccessLevel, Experiences, type SandboxExperience } from "./experiences.ts";
