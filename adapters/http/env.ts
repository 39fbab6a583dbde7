import type { DeviceIdentity } from "../../core/model.ts";

/**
 * What a request carries: its id (given by the composition root's observer, when it has one),
 * named in what it asks of the upstreams; once authenticated, the device its token proves; and,
 * once answered, the session it concerned (one the device may see), for that session's timeline.
 */
export type HttpEnv = {
  Variables: { requestId?: string; identity: DeviceIdentity; sessionId?: string };
};
