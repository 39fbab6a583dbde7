import type { DeviceIdentity } from "../../core/model.ts";

/** What a request carries once authenticated: the device its token proves. */
export type HttpEnv = { Variables: { identity: DeviceIdentity } };
