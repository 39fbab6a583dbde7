import type { Clock, ExchangeObserver, Timeline } from "../../core/ports.ts";
import { currentContext } from "./request-context.ts";

/**
 * Each upstream exchange made on a session's behalf, kept in its timeline with the request or
 * job that caused it; an exchange for no session (readiness, a listing, a refresh) is not kept.
 */
export function recordExchanges(timeline: Timeline, clock: Clock): ExchangeObserver {
  return (exchange) => {
    const context = currentContext();
    if (!context?.sessionId) return;
    timeline.record({
      kind: "upstream",
      ...exchange,
      sessionId: context.sessionId,
      at: clock.now() - exchange.ms,
      ...(context.requestId ? { requestId: context.requestId } : {}),
      cause: context.cause ?? "request",
    });
  };
}
