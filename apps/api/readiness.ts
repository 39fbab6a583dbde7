import type { Clock, StoreStatus } from "../../core/ports.ts";
import type { Upstreams } from "./upstreams.ts";

const checkTimeoutMs = 2000;
/** How long a readiness answer about the upstreams is reused. */
export const upstreamCheckReuseMs = 2000;

/**
 * What GET /readyz checks: the store takes writes, a token can be had, MaxConf answers. A probe
 * every second from each of several load balancers must not be a MaxConf call each: the upstream
 * checks are reused for a moment.
 */
export function readinessChecks(store: StoreStatus, upstreams: Upstreams, clock: Clock) {
  const upstreamChecks = reusedFor(upstreamCheckReuseMs, clock, async () => ({
    token: await within(
      checkTimeoutMs,
      upstreams.tokens.get().then(() => "ok"),
    ),
    maxconf: await within(
      checkTimeoutMs,
      upstreams.rooms.reachable().then((up) => (up ? "ok" : "unreachable")),
    ),
  }));
  return async (): Promise<Record<string, string>> => ({
    database: (await store.writable().catch(() => false)) ? "ok" : "unreachable",
    ...(await upstreamChecks()),
  });
}

/** `check`'s answer, shared by every caller until it is `ms` old (and while it is under way). */
function reusedFor<T>(ms: number, clock: Clock, check: () => Promise<T>) {
  let latest: { at: number; answer: Promise<T> } | undefined;
  return (): Promise<T> => {
    const now = clock.now();
    if (!latest || now - latest.at >= ms) latest = { at: now, answer: check() };
    return latest.answer;
  };
}

/** The check's outcome, or why it has none within `ms`. */
export async function within<T>(ms: number, check: Promise<T>): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([check.catch((error) => String(error.message ?? error)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
