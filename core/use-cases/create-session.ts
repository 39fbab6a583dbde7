import { fail, ok, type Result, UpstreamError } from "../errors.ts";
import type { DeviceIdentity, Session } from "../model.ts";
import { availabilityAt } from "../service-hours.ts";
import { stepSession } from "../statechart.ts";
import type { UseCaseDeps } from "./deps.ts";
import { type SessionView, viewOf } from "./session-views.ts";

export interface CreatedSession extends SessionView {
  /** False when the device already had a live session, which is answered again. */
  created: boolean;
}

const utf8 = new TextEncoder();
export const toHex = (text: string) =>
  Array.from(utf8.encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");

/**
 * Create a video session: record the intent, ask MaxConf for a room, then grant. One device has at
 * most one live session; concurrent creates for it share one attempt.
 */
export class CreateSession {
  private readonly inFlight = new Map<string, Promise<Result<CreatedSession>>>();

  constructor(
    private readonly deps: UseCaseDeps,
    /** Live sessions one client (one app installation) may hold at once. */
    private readonly livePerClient: number,
    /** Ids of the sessions allocating a room here and now, which reconciliation leaves alone. */
    private readonly allocatingHere: Set<string>,
  ) {}

  async execute(identity: DeviceIdentity): Promise<Result<CreatedSession>> {
    const key = `${identity.clientId}\n${identity.deviceCode}`;
    const running = this.inFlight.get(key);
    if (running) {
      const shared = await running;
      return shared.ok ? ok({ ...shared.value, created: false }) : shared;
    }
    const attempt = this.createOnce(identity).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, attempt);
    return attempt;
  }

  private async createOnce(identity: DeviceIdentity): Promise<Result<CreatedSession>> {
    const { sessions, clock, ids, destinations, serviceHours } = this.deps;
    // A device's live session is found by the insert below, in the same transaction.
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
    if (!availability.open) return this.notGranted(requested, availability.reason);

    const allocating = { ...requested, state: this.next(requested, "ALLOCATE") };
    this.allocatingHere.add(id);
    try {
      const insertion = await sessions.insert(
        allocating,
        {
          sessionId: id,
          kind: "session",
          status: allocating.state,
          actor: identity.clientId,
          at: now,
        },
        { perClient: this.livePerClient, perDestination: destination.maxActiveSessions },
      );
      if (insertion.kind === "existing") return this.existing(insertion.session);
      if (insertion.kind === "client_full") {
        return fail({ kind: "live_session_limit", limit: this.livePerClient });
      }
      if (insertion.kind === "destination_full") {
        return this.notGranted(requested, "max_active_sessions");
      }
      return await this.allocate(allocating);
    } finally {
      this.allocatingHere.delete(id);
    }
  }

  private async allocate(allocating: Session): Promise<Result<CreatedSession>> {
    try {
      const room = await this.deps.rooms.create(allocating.uuiData);
      const granted = await this.settle(allocating, "ROOM_READY", room);
      return ok({ ...(await viewOf(this.deps.sessions, granted)), created: true });
    } catch (error) {
      await this.settle(allocating, "ROOM_FAILED", undefined, describe(error));
      if (error instanceof UpstreamError) return fail({ kind: "upstream", error });
      throw error;
    }
  }

  /** A session refused before any room was asked for: kept, answered 201, final. */
  private async notGranted(requested: Session, reason: string): Promise<Result<CreatedSession>> {
    const session: Session = { ...requested, state: this.next(requested, "DENY"), reason };
    const insertion = await this.deps.sessions.insert(session, {
      sessionId: session.id,
      kind: "session",
      status: session.state,
      actor: session.clientId,
      at: session.createdAt,
    });
    if (insertion.kind === "existing") return this.existing(insertion.session);
    return ok({ session, queuePosition: 0, created: true });
  }

  private next(session: Session, event: "ALLOCATE" | "DENY"): Session["state"] {
    const step = stepSession(session.state, { type: event });
    if (!step.allowed) throw new Error(`a new session cannot take ${event}`);
    return step.next;
  }

  private async existing(session: Session): Promise<Result<CreatedSession>> {
    // A session still allocating in another process is not ready to be shown.
    if (session.state === "allocating") return fail({ kind: "busy" });
    return ok({ ...(await viewOf(this.deps.sessions, session)), created: false });
  }

  private async settle(
    allocating: Session,
    event: "ROOM_READY" | "ROOM_FAILED",
    room?: Session["room"],
    reason?: string,
  ): Promise<Session> {
    const step = stepSession(allocating.state, { type: event });
    if (!step.allowed) throw new Error(`allocating session cannot take ${event}`);
    const at = this.deps.clock.now();
    const next: Session = {
      ...allocating,
      state: step.next,
      room,
      reason,
      statusAt: at,
      lastActivityAt: at,
      version: allocating.version + 1,
    };
    const saved = await this.deps.sessions.save({
      session: next,
      expectedVersion: allocating.version,
      events: [{ sessionId: next.id, kind: "session", status: next.state, actor: "system", at }],
    });
    // Only this attempt writes an allocating row, so losing the race means a broken store.
    if (!saved) throw new Error(`session ${allocating.id} changed while allocating`);
    return next;
  }
}

function describe(error: unknown): string {
  if (error instanceof UpstreamError) return `${error.upstream}_${error.failure}`;
  return "internal_error";
}
