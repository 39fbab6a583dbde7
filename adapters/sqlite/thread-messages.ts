import { StoreUnavailable } from "../../core/errors.ts";
import type { Store } from "../../core/ports.ts";

/** Which SQLite module the thread opens the file with: better-sqlite3 (Node), node:sqlite (Deno). */
export type Driver = "better-sqlite3" | "node:sqlite";

/** What the thread opens a store on. */
export interface StoreThreadOptions {
  driver: Driver;
  path: string;
  synchronous: "FULL" | "NORMAL";
}

/** A store the thread has open (0: none yet, for the call that opens one). */
export type StoreId = number;
/**
 * A call to the SQLite thread: its id (0: nobody waits for an answer), the store, the port (""
 * for the store itself: open, close), the method and its arguments.
 */
export type Call = [id: number, store: StoreId, port: string, method: string, args: unknown[]];
/**
 * An answer: the call's id and its value, or what it threw; id 0 is a store's outbox saying it
 * is owed a delivery (the value is the store).
 */
export type Reply = [id: number, value?: unknown, error?: ThrownError];

export interface ThrownError {
  name: string;
  message: string;
  stack?: string;
}

type Ports = Exclude<keyof Store, "close">;
/**
 * Methods not passed on as they are: records sent on without waiting, a listener kept in the
 * caller, a history whose rows the caller parses.
 */
type NotPassedOn = "record" | "recordRead" | "whenOwed" | "history";

/** The methods whose answers the calling thread waits for, port by port. */
export const calledPorts = {
  sessions: ["insert", "get", "save", "getCall", "liveCall"],
  staleSessions: ["idleSince", "orphanedAllocations", "isOrphaned"],
  queue: ["position", "positions"],
  outbox: ["claim", "delivered", "failed"],
  status: ["writable", "counts"],
  timeline: ["search", "prune"],
} as const satisfies { [Port in Ports]: readonly (keyof Store[Port] & string)[] };

// A method added to a port and not listed above (nor among NotPassedOn) fails to compile here.
type Unlisted = {
  [Port in Ports]: Exclude<keyof Store[Port], NotPassedOn | (typeof calledPorts)[Port][number]>;
}[Ports];
export const everyMethodListed: [Unlisted] extends [never] ? true : never = true;

export function thrown(error: unknown): ThrownError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack };
}

/** The error again, in the calling thread: a StoreUnavailable stays one. */
export function revived({ name, message, stack }: ThrownError): Error {
  const error =
    name === "StoreUnavailable"
      ? new StoreUnavailable(message)
      : Object.assign(new Error(message), { name });
  if (stack) error.stack = stack;
  return error;
}
