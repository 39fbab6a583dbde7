import { isLive, type Session } from "../model.ts";
import type { Clock, ListedRoom, Rooms, Sessions, StaleSessions } from "../ports.ts";
import { toHex } from "./create-session.ts";
import { failInterrupted } from "./session-transition.ts";

/** Rooms whose sessions are looked up together; requests go in between one chunk and the next. */
const roomsAtOnce = 100;
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

export interface Reconciliation {
  interrupted: number;
  deleted: string[];
  /** Rooms on the tenant that are not provably ours: left alone. */
  unattributed: number;
}

/**
 * Makes MaxConf's rooms match our sessions. A create interrupted by a crash leaves a session
 * `allocating` that nobody will finish (orphaned: marked failed here) and perhaps a room nobody will
 * use; such rooms, those MaxConf made after a create gave up waiting, and
 * the rooms of sessions that are over, are deleted. The tenant is shared (other deployments, kiosks,
 * operators), so only a room that is provably ours is ever touched: MaxConf writes the uuiData it
 * was created with into its tag, and that must name a session in our store. Runs at start and
 * periodically.
 */
export class ReconcileRooms {
  constructor(
    private readonly ports: {
      sessions: Sessions;
      staleSessions: StaleSessions;
      rooms: Rooms;
      clock: Clock;
    },
  ) {}

  async execute(): Promise<Reconciliation> {
    const interrupted = await this.failInterruptedCreates();
    const deleted: string[] = [];
    let unattributed = 0;
    const listed = await this.ports.rooms.list();
    for (let first = 0; first < listed.length; first += roomsAtOnce) {
      if (first > 0) await nextTurn();
      const chunk = listed.slice(first, first + roomsAtOnce);
      // Asked at once, so that a store batching its reads answers the chunk in one query.
      const sessions = await Promise.all(chunk.map((room) => this.sessionOf(room)));
      for (const [index, room] of chunk.entries()) {
        const session = sessions[index];
        if (!session) unattributed++;
        else if (!isLive(session.state)) {
          const on = { sessionId: session.id, cause: "reconciliation" } as const;
          await this.ports.rooms.delete(room.name, on);
          deleted.push(room.name);
        }
      }
    }
    return { interrupted, deleted, unattributed };
  }

  /** The session of ours a room was made for, if it names one. */
  private async sessionOf(room: ListedRoom): Promise<Session | undefined> {
    if (room.uuiText === undefined) return undefined;
    const session = await this.ports.sessions.get(room.uuiText);
    return session?.uuiData === toHex(room.uuiText) ? session : undefined;
  }

  private async failInterruptedCreates(): Promise<number> {
    const { sessions, staleSessions, clock } = this.ports;
    let failed = 0;
    for (const session of await staleSessions.orphanedAllocations()) {
      if (await failInterrupted(sessions, session, clock.now())) failed++;
    }
    return failed;
  }
}
