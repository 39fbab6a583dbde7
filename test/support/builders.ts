import type { Call, Destination, DeviceIdentity, Session, SessionEvent } from "../../core/model.ts";
import type { Sessions } from "../../core/ports.ts";

/** One moment every test's data starts from: Wednesday 2026-11-25, 10:00 in Vancouver. */
export const T0 = Date.parse("2026-11-25T18:00:00Z");

/** The one test-data builder: a granted session with a room, changed by `overrides`. */
export function aSession(id: string, overrides: Partial<Session> = {}): Session {
  return {
    id,
    clientId: "test-app",
    deviceCode: `device-${id}`,
    destinationName: "destination-a",
    destinationHost: "conference.test",
    state: "session_granted",
    uuiData: hex(id),
    room: { name: `room-${id}`, alias: `alias-${id}`, guestPin: "1234" },
    createdAt: T0,
    statusAt: T0,
    lastActivityAt: T0,
    version: 1,
    ...overrides,
  };
}

/** The audit event a session's insert is written with. */
export const anEvent = (s: Session, overrides: Partial<SessionEvent> = {}): SessionEvent => ({
  sessionId: s.id,
  kind: "session",
  status: s.state,
  actor: "test",
  at: s.statusAt,
  ...overrides,
});

export function aCall(s: Session, clientCallId: string, overrides: Partial<Call> = {}): Call {
  return {
    sessionId: s.id,
    callId: `call-${s.id}-${clientCallId}`,
    clientCallId,
    state: "call_ringing",
    createdAt: T0 + 1000,
    statusAt: T0 + 1000,
    ...overrides,
  };
}

export const aDestination = (overrides: Partial<Destination> = {}): Destination => ({
  name: "destination-a",
  priority: 1,
  host: "conference.test",
  maxActiveSessions: 100,
  maxInactiveSeconds: 600,
  maxQueueWaitSeconds: 3600,
  ...overrides,
});

/** Hex of UTF-8 text, as the service sends uuiData. */
export const hex = (text: string) =>
  Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");

/** The device that owns `s`: who may see and change it. */
export const ownerOf = (s: Session): DeviceIdentity => ({
  clientId: s.clientId,
  deviceCode: s.deviceCode,
});

/**
 * Given: `session` is in the store, with its `calls` (saved one version on), written through the
 * store's own ports. Returns the session as stored.
 */
export async function givenStored(
  { sessions }: { sessions: Sessions },
  session: Session,
  ...calls: Call[]
): Promise<Session> {
  const insertion = await sessions.insert(session, anEvent(session));
  if (insertion.kind !== "inserted") throw new Error(`session ${session.id} was not stored`);
  if (calls.length === 0) return session;
  const next = { ...session, version: session.version + 1 };
  await sessions.save({ session: next, expectedVersion: session.version, calls, events: [] });
  return next;
}

/**
 * Given: another writer (a request in another process, a background job) saves each session with
 * `meanwhile` just before this one's first `times` saves, which then lose on the version.
 */
export function anotherWriterFirst(
  sessions: Sessions,
  meanwhile: Partial<Session> = {},
  times = 1,
): Sessions {
  let left = times;
  return {
    insert: (session, event, limits) => sessions.insert(session, event, limits),
    get: (id) => sessions.get(id),
    getCall: (sessionId, clientCallId) => sessions.getCall(sessionId, clientCallId),
    liveCall: (sessionId) => sessions.liveCall(sessionId),
    async save(change) {
      const current = left-- > 0 ? await sessions.get(change.session.id) : undefined;
      if (current) {
        const next = { ...current, ...meanwhile, version: current.version + 1 };
        await sessions.save({ session: next, expectedVersion: current.version, events: [] });
      }
      return sessions.save(change);
    },
  };
}
