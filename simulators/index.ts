export { type SimClock, systemClock, VirtualClock } from "./control/clock.ts";
export type { ControlAccess } from "./control/control-access.ts";
export type { JournalEntry } from "./control/journal.ts";
export {
  createMaxConfSimulator,
  type MaxConfOptions,
  type MaxConfSimulator,
} from "./maxconf/index.ts";
export type { Room } from "./maxconf/room.ts";
export { createPexipSimulator, type PexipOptions, type PexipSimulator } from "./pexip/index.ts";
export {
  createTokenServer,
  type TokenServer,
  type TokenServerClient,
  type TokenServerOptions,
} from "./token-server/index.ts";
export type { KeyDescription } from "./token-server/key-ring.ts";
export {
  DEFAULT_EVENT_SINK_CREDENTIALS,
  type WiredSimulators,
  type WiringOptions,
  wireSimulators,
} from "./wiring.ts";
