import type { DeviceIdentity } from "../../core/model.ts";

/**
 * What a request carries once authenticated: the device its token proves; and, once answered,
 * the session it concerned (one the device may see), for that session's timeline.
 */
export type HttpEnv = { Variables: { identity: DeviceIdentity; sessionId?: string } };
