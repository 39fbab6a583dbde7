import type { Call, Destination, Session, SessionEvent } from "../../core/model.ts";

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
  ...overrides,
});

/** Hex of UTF-8 text, as the service sends uuiData. */
export const hex = (text: string) =>
  Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");
