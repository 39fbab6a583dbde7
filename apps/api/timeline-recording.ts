import type { Clock, ExchangeObserver, Timeline } from "../../core/ports.ts";

/**
 * Each upstream exchange made on a session's behalf, kept in its timeline with the request or
 * job that caused it; an exchange for no session (readiness, a listing, a refresh) is not kept.
 */
export function recordExchanges(timeline: Timeline, clock: Clock): ExchangeObserver {
  return (exchange, on) => {
    if (!on) return;
    timeline.record({
      kind: "upstream",
      ...exchange,
      sessionId: on.sessionId,
      at: clock.now() - exchange.ms,
      ...(on.requestId ? { requestId: on.requestId } : {}),
      cause: on.cause,
    });
  };
}
