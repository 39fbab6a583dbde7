import type { Clock, CurrentServiceHours, Destinations, Ids, Rooms, Sessions } from "../ports.ts";

/** What the use cases are built from; the composition root supplies the adapters. */
export interface UseCaseDeps {
  sessions: Sessions;
  rooms: Rooms;
  destinations: Destinations;
  serviceHours: CurrentServiceHours;
  clock: Clock;
  ids: Ids;
  /** Called after a room deletion was owed, so delivery need not wait for the next sweep. */
  roomDeletionOwed: () => void;
}
