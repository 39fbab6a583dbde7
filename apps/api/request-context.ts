import { AsyncLocalStorage } from "node:async_hooks";
import type { OnBehalfOf } from "../../core/ports.ts";
import type { Cause } from "../../core/timeline.ts";

interface RequestContext {
  /** The incoming request's id (none in background work). */
  requestId?: string;
  /** The session the work is for, and why it is done: what it asks upstream goes in its timeline. */
  sessionId?: string;
  cause?: Cause;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` as part of one incoming request, so what it calls upstream carries the same id. */
export const withRequestContext = <T>(context: RequestContext, work: () => T): T =>
  storage.run(context, work);

/** The work at hand: its request, and the session it is done for. */
export const currentContext = (): RequestContext | undefined => storage.getStore();

/** Marks work as a session's (the core says whose; the context carries it to the adapters). */
export const onBehalfOf: OnBehalfOf = (sessionId, cause, work) =>
  storage.run({ ...storage.getStore(), sessionId, cause }, work);

/** Headers for an upstream call made on behalf of the current request. */
export const upstreamHeaders = (): Record<string, string> => {
  const requestId = storage.getStore()?.requestId;
  return requestId ? { "x-request-id": requestId } : {};
};
