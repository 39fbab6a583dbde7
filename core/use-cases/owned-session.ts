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

const maxAttempts = 8;
const firstBackoffMs = 2;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a load-decide-save cycle again when another writer (another process, or a background job)
 * saved the same session first, after a short random pause that grows each time; only a session
 * that keeps changing under it is answered busy.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<Result<T> | "conflict">,
): Promise<Result<T>> {
  for (let i = 0; i < maxAttempts; i++) {
    const outcome = await attempt();
    if (outcome !== "conflict") return outcome;
    await pause(Math.random() * firstBackoffMs * 2 ** i);
  }
  const busy: DomainError = { kind: "busy" };
  return fail(busy);
}
