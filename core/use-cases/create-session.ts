import { fail, ok, type Result, UpstreamError } from "../errors.ts";
import { type DeviceIdentity, isLive, type Session } from "../model.ts";
import type {
  Clock,
  CurrentServiceHours,
  Destinations,
  Ids,
  Queue,
  Rooms,
  SessionChange,
  Sessions,
  StaleSessions,
} from "../ports.ts";
import { availabilityAt } from "../service-hours.ts";
import { stepSession } from "../statechart.ts";
import type { SingleFlight } from "./coordination.ts";
import { changeOf, sessionEvent } from "./session-changes.ts";
import { failInterrupted } from "./session-transition.ts";
import { type SessionView, viewOf } from "./session-views.ts";

export interface CreatedSession extends SessionView {
  /** False when the device already had a live session, which is answered again. */
  created: boolean;
}

/** Who asks for the session, and the request they asked in. */
interface Asked {
  identity: DeviceIdentity;
  requestId?: string;
}

export interface CreatePorts {
  sessions: Sessions;
  staleSessions: StaleSessions;
  queue: Queue;
  rooms: Rooms;
  destinations: Destinations;
  serviceHours: CurrentServiceHours;
  clock: Clock;
  ids: Ids;
}

/**
 * Another process may be making the device's session: it is waited for, its answer polled this
 * often, for at most this long (a create's upstream calls are bounded well below it).
 */
const pollMs = 50;
const longestWaitMs = 15_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const utf8 = new TextEncoder();
const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
/** The text's UTF-8 bytes in hex (a table, not a callback and a string per byte: every create). */
export const toHex = (text: string) => {
  let hex = "";
  for (const byte of utf8.encode(text)) hex += hexOfByte[byte];
  return hex;
};

/**
 * Create a video session: record the intent, ask MaxConf for a room, then grant. One device has at
 * most one live session, one client (installation) `livePerClient`; the store checks both when the
 * intent is written. Concurrent creates for one device in this process share one attempt.
 */
export class CreateSession {
  constructor(
    private readonly ports: CreatePorts,
    private readonly settings: { livePerClient: number },
    /** Concurrent creates of one device in this process share one attempt. */
    private readonly perDevice: SingleFlight<Result<CreatedSession>>,
  ) {}

  /** `requestId`: the request asking, named in what the create asks of the upstreams. */
  async execute(identity: DeviceIdentity, requestId?: string): Promise<Result<CreatedSession>> {
    const key = `${identity.clientId}\n${identity.deviceCode}`;
    const asked = { identity, requestId };
    const { result, shared } = this.perDevice.run(key, () => this.createOnce(asked, true));
    const outcome = await result;
    return shared && outcome.ok ? ok({ ...outcome.value, created: false }) : outcome;
  }

  /** `again`: whether this attempt may begin anew once an earlier one turns out to have failed. */
  private async createOnce(asked: Asked, again: boolean): Promise<Result<CreatedSession>> {
    const { identity } = asked;
    const { sessions, clock, ids, destinations, serviceHours } = this.ports;
    const destination = destinations.forNewSession(identity);
    const now = clock.now();
    const id = ids.sessionId();
    const requested: Session = {
      id,
      clientId: identity.clientId,
      deviceCode: identity.deviceCode,
      destinationName: destination.name,
      destinationHost: destination.host,
      state: "requested",
      uuiData: toHex(id),
      createdAt: now,
      statusAt: now,
      lastActivityAt: now,
      version: 1,
    };
    // Not granted is decided before any room is asked for.
    const availability = availabilityAt(serviceHours(), now);
    if (!availability.open) return this.notGranted(requested, availability.reason, asked);

    const allocating = { ...requested, state: this.next(requested, "ALLOCATE") };
    // A device's live session is found by the insert, in the same transaction.
    const insertion = await sessions.insert(
      allocating,
      sessionEvent(allocating, allocating.state, identity.clientId, now),
      { perClient: this.settings.livePerClient, perDestination: destination.maxActiveSessions },
    );
    switch (insertion.kind) {
      case "existing":
        return this.existing(insertion.session, asked, again);
      case "client_full":
        return fail({ kind: "live_session_limit", limit: this.settings.livePerClient });
      case "destination_full":
        return this.notGranted(requested, "max_active_sessions", asked);
      case "inserted":
        return this.allocate(allocating, asked.requestId);
    }
  }

  private async allocate(
    allocating: Session,
    requestId: string | undefined,
  ): Promise<Result<CreatedSession>> {
    try {
      const on = { sessionId: allocating.id, cause: "request", requestId } as const;
      const room = await this.ports.rooms.create(allocating.uuiData, on);
      const granted = this.settlement(allocating, "ROOM_READY", { room });
      // The place in the queue is read while the grant is written: it counts the sessions ahead,
      // which the grant does not change, so the two need not wait on each other.
      const [, view] = await Promise.all([
        this.save(granted),
        viewOf(this.ports.queue, granted.session),
      ]);
      return ok({ ...view, created: true });
    } catch (error) {
      await this.save(this.settlement(allocating, "ROOM_FAILED", { reason: describe(error) }));
      if (error instanceof UpstreamError) {
        return fail({ kind: "upstream", error, sessionId: allocating.id });
      }
      throw error;
    }
  }

  /** A session refused before any room was asked for: kept, answered 201, final. */
  private async notGranted(
    requested: Session,
    reason: string,
    asked: Asked,
  ): Promise<Result<CreatedSession>> {
    const session: Session = { ...requested, state: this.next(requested, "DENY"), reason };
    const event = sessionEvent(session, session.state, session.clientId, session.createdAt);
    const insertion = await this.ports.sessions.insert(session, event);
    if (insertion.kind === "existing") return this.existing(insertion.session, asked, false);
    return ok({ session, queuePosition: 0, created: true });
  }

  private next(session: Session, event: "ALLOCATE" | "DENY"): Session["state"] {
    const step = stepSession(session.state, { type: event });
    if (!step.allowed) throw new Error(`a new session cannot take ${event}`);
    return step.next;
  }

  /**
   * The device's live session, answered again. One another process is still making is waited for;
   * one whose process is gone (orphaned) is failed, and the create begins anew.
   */
  private async existing(
    session: Session,
    asked: Asked,
    again: boolean,
  ): Promise<Result<CreatedSession>> {
    const { sessions, staleSessions, clock } = this.ports;
    let current: Session | undefined = session;
    for (let waited = 0; current?.state === "allocating"; waited += pollMs) {
      if (waited >= longestWaitMs) return fail({ kind: "busy" });
      if (await staleSessions.isOrphaned(current.id)) {
        await failInterrupted(sessions, current, clock.now());
        return again ? this.createOnce(asked, false) : fail({ kind: "busy" });
      }
      await pause(pollMs);
      current = await sessions.get(current.id);
    }
    if (!current || !isLive(current.state)) {
      // The attempt being waited for failed: the device has no live session now.
      return again ? this.createOnce(asked, false) : fail({ kind: "busy" });
    }
    return ok({ ...(await viewOf(this.ports.queue, current)), created: false });
  }

  private settlement(
    allocating: Session,
    event: "ROOM_READY" | "ROOM_FAILED",
    outcome: Pick<Session, "room" | "reason">,
  ): SessionChange {
    const step = stepSession(allocating.state, { type: event });
    if (!step.allowed) throw new Error(`allocating session cannot take ${event}`);
    const at = this.ports.clock.now();
    return changeOf(
      allocating,
      { ...outcome, state: step.next, statusAt: at, lastActivityAt: at },
      [sessionEvent(allocating, step.next, "system", at)],
    );
  }

  private async save(change: SessionChange): Promise<void> {
    // Only this attempt writes an allocating row, so losing the race means a broken store.
    if (!(await this.ports.sessions.save(change))) {
      throw new Error(`session ${change.session.id} changed while allocating`);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof UpstreamError) return `${error.upstream}_${error.failure}`;
  return "internal_error";
}
