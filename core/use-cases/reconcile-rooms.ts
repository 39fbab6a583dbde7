import { isLive } from "../model.ts";
import type { Clock, Rooms, Sessions } from "../ports.ts";
import { stepSession } from "../statechart.ts";

const roomsBetweenBreaks = 100;
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

export interface ReconcileSettings {
  /** How long a room may be unaccounted for (its create still answering) before it is deleted. */
  graceMs: number;
}

export interface Reconciliation {
  interrupted: number;
  deleted: string[];
}

/**
 * Makes MaxConf's rooms match our sessions. A create interrupted by a crash or a timeout leaves a
 * session `allocating` (marked failed here) and perhaps a room nobody will use; such rooms, and
 * the rooms of sessions that are over, are deleted. Runs at start and periodically.
 */
export class ReconcileRooms {
  /** When each unaccounted room was first seen; rooms get a grace period from then. */
  private readonly unaccountedSince = new Map<string, number>();

  constructor(
    private readonly deps: { sessions: Sessions; rooms: Rooms; clock: Clock },
    private readonly settings: ReconcileSettings,
    /** Sessions this process is still allocating a room for: slow, not interrupted. */
    private readonly allocatingHere: ReadonlySet<string> = new Set(),
  ) {}

  async execute(): Promise<Reconciliation> {
    const interrupted = await this.failInterruptedCreates();
    const deleted: string[] = [];
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    for (const name of await this.deps.rooms.list()) {
      // Thousands of rooms would hold the event loop for a while: requests go in between.
      if (seen.size % roomsBetweenBreaks === roomsBetweenBreaks - 1) await nextTurn();
      seen.add(name);
      const session = await this.deps.sessions.findByRoom(name);
      if (session && isLive(session.state)) {
        this.unaccountedSince.delete(name);
        continue;
      }
      const since = this.unaccountedSince.get(name) ?? now;
      this.unaccountedSince.set(name, since);
      if (now - since < this.settings.graceMs && !session) continue;
      await this.deps.rooms.delete(name);
      this.unaccountedSince.delete(name);
      deleted.push(name);
    }
    for (const name of this.unaccountedSince.keys()) {
      if (!seen.has(name)) this.unaccountedSince.delete(name);
    }
    return { interrupted, deleted };
  }

  private async failInterruptedCreates(): Promise<number> {
    const { sessions, clock } = this.deps;
    const at = clock.now();
    let failed = 0;
    for (const session of await sessions.allocatingSince(at - this.settings.graceMs)) {
      if (this.allocatingHere.has(session.id)) continue;
      const step = stepSession(session.state, { type: "ROOM_FAILED" });
      if (!step.allowed) continue;
      const saved = await sessions.save({
        session: {
          ...session,
          state: step.next,
          reason: "interrupted",
          statusAt: at,
          version: session.version + 1,
        },
        expectedVersion: session.version,
        events: [
          { sessionId: session.id, kind: "session", status: step.next, actor: "system", at },
        ],
      });
      if (saved) failed++;
    }
    return failed;
  }
}
