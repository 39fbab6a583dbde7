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
  | { kind: "upstream"; error: UpstreamError };

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
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
