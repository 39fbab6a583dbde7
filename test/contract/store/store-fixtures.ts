import { expect } from "vitest";
import type { Session } from "../../../core/model.ts";
import type { LiveLimits, SessionChange, Store } from "../../../core/ports.ts";
import { anEvent } from "../../support/builders.ts";

/** What every store target lets a case do besides using the store. */
export interface StoreControls {
  /** A second process on the same database: another store instance, closed with the case. */
  anotherProcess(): Promise<Store>;
}

/** Inserts `s`; the insert must be accepted. */
export async function inserted(store: Store, s: Session, limits?: LiveLimits): Promise<Session> {
  expect(await store.sessions.insert(s, anEvent(s), limits)).toEqual({ kind: "inserted" });
  return s;
}

/** Saves the next version of `s` with `changes`; the save must be accepted. */
export async function saved(
  store: Store,
  s: Session,
  changes: Partial<Session>,
  extra: Omit<Partial<SessionChange>, "session" | "expectedVersion"> = {},
): Promise<Session> {
  const next = { ...s, ...changes, version: s.version + 1 };
  const accepted = await store.sessions.save({
    session: next,
    expectedVersion: s.version,
    events: [],
    ...extra,
  });
  expect(accepted).toBe(true);
  return next;
}

export const ids = (sessions: Session[]) => sessions.map((s) => s.id).sort();
