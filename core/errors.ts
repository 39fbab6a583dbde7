import type { CallState, SessionState } from "./model.ts";

/** Expected outcomes a use case answers with instead of a value; the HTTP adapter maps them. */
export type DomainError =
  | { kind: "not_found" }
  | { kind: "identity_mismatch"; field: "client_id" | "device_code" }
  | {
      kind: "refused_transition";
      subject: "session" | "call";
      current: SessionState | CallState;
      requested: string;
    }
  | { kind: "busy" }
  /** The caller's client already holds as many live sessions as it may. */
  | { kind: "live_session_limit"; limit: number }
  /** `sessionId`: the failed session kept for it, if one was. */
  | { kind: "upstream"; error: UpstreamError; sessionId?: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: DomainError): Result<T> => ({ ok: false, error });

export type UpstreamName = "token-server" | "maxconf";
export type UpstreamFailure = "unavailable" | "timeout" | "bad_answer";

/** Thrown by adapters when an upstream cannot do its part; the core turns it into a value. */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  constructor(
    readonly upstream: UpstreamName,
    readonly failure: UpstreamFailure,
    message: string,
    readonly details: {
      retryAfterSeconds?: number;
      /**
       * The upstream certainly did not act on the request (refused connection, 429, 503), so even
       * an operation that is not idempotent may be sent again.
       */
      notProcessed?: boolean;
      /** The HTTP status the upstream answered, when it answered. */
      status?: number;
    } = {},
  ) {
    super(message);
  }

  get retryAfterSeconds(): number | undefined {
    return this.details.retryAfterSeconds;
  }
}

/**
 * Thrown by a store adapter when its database cannot answer now (unreachable, timed out, lost
 * the connection): the caller is told to retry shortly, and nothing it was not told is lost.
 */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
}

/** How an adapter runs one upstream operation: retries, backoff, circuit breaking. */
export interface CallPolicy {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** Classifies an upstream's HTTP refusal: overload and outages are worth retrying, the rest not. */
export function upstreamRefusal(
  upstream: UpstreamName,
  status: number,
  retryAfterHeader: unknown,
  detail: string,
): UpstreamError {
  const seconds = Number(retryAfterHeader);
  const retryAfterSeconds = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  if (status === 429 || status === 503) {
    return new UpstreamError(upstream, "unavailable", detail, {
      retryAfterSeconds,
      notProcessed: true,
      status,
    });
  }
  if (status >= 500) {
    return new UpstreamError(upstream, "unavailable", detail, { retryAfterSeconds, status });
  }
  return new UpstreamError(upstream, "bad_answer", detail, { status });
}

/** Why a request got no answer, as the transport tells it. */
export interface NoAnswer {
  /** Our timeout ran out first. */
  timedOut: boolean;
  /** The connection was refused: the request was never sent. */
  refused: boolean;
  /** The transport's own word for it (an error code), for the message. */
  cause: string;
}

/** Classifies a request that got no answer: timed out, refused (never sent), or cut off. */
export function upstreamUnreachable(
  upstream: UpstreamName,
  what: string,
  noAnswer: NoAnswer,
): UpstreamError {
  if (noAnswer.timedOut) return new UpstreamError(upstream, "timeout", `${what} timed out`);
  return new UpstreamError(upstream, "unavailable", `${what} failed: ${noAnswer.cause}`, {
    notProcessed: noAnswer.refused,
  });
}
