import { type DomainError, fail, ok, type Result } from "../errors.ts";
import type { DeviceIdentity, Session } from "../model.ts";
import type { Sessions } from "../ports.ts";

/** A session the caller may see: another device's session, or one still being set up, is absent. */
export async function loadOwnedSession(
  sessions: Sessions,
  identity: DeviceIdentity,
  sessionId: string,
): Promise<Result<Session>> {
  const session = await sessions.get(sessionId);
  if (
    !session ||
    session.clientId !== identity.clientId ||
    session.deviceCode !== identity.deviceCode ||
    session.state === "requested" ||
    session.state === "allocating"
  ) {
    return fail({ kind: "not_found" });
  }
  return ok(session);
}

const maxAttempts = 5;

/**
 * Runs a load-decide-save cycle again when another request saved the same session first, so
 * concurrent updates of one session serialize instead of failing.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<Result<T> | "conflict">,
): Promise<Result<T>> {
  for (let i = 0; i < maxAttempts; i++) {
    const outcome = await attempt();
    if (outcome !== "conflict") return outcome;
  }
  const busy: DomainError = { kind: "busy" };
  return fail(busy);
}
