import { AsyncLocalStorage } from "node:async_hooks";

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` as part of one incoming request, so what it calls upstream carries the same id. */
export const withRequestContext = <T>(context: RequestContext, work: () => T): T =>
  storage.run(context, work);

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;

/** Headers for an upstream call made on behalf of the current request. */
export const upstreamHeaders = (): Record<string, string> => {
  const requestId = currentRequestId();
  return requestId ? { "x-request-id": requestId } : {};
};
