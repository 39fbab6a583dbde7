import type { z } from "zod";
import type { SimClock } from "../control/clock.ts";
import type { Journal } from "../control/journal.ts";
import type { Random } from "../control/random.ts";
import {
  CONFERENCE_COLLECTION_PATH,
  type ConferenceConfig,
  type ConferenceDirectory,
  conferencePatchSchema,
  newConferenceSchema,
  type ValidationErrors,
} from "./configuration.ts";

export type CreateOutcome =
  | { status: 201; config: ConferenceConfig }
  | { status: 400; errors: ValidationErrors };
export type UpdateOutcome = { status: 202 | 404 } | { status: 400; errors: ValidationErrors };
export type DeleteOutcome = { status: 204 | 404 };

/** What the management API does to the configuration, whichever way it is called. */
export class ConferenceManagement {
  readonly #directory: ConferenceDirectory;
  readonly #clock: SimClock;
  readonly #random: Random;

  constructor(directory: ConferenceDirectory, clock: SimClock, random: Random) {
    this.#directory = directory;
    this.#clock = clock;
    this.#random = random;
  }

  create(body: unknown): CreateOutcome {
    const input = newConferenceSchema.safeParse(body);
    if (!input.success) return { status: 400, errors: validationErrors(input.error) };
    // Pexip writes times without a zone, to the microsecond.
    const iso = new Date(this.#clock.now()).toISOString();
    const created = this.#directory.create(
      input.data,
      `${iso.slice(0, 23)}${this.#random.digits(3)}`,
    );
    return created.ok
      ? { status: 201, config: created.config }
      : { status: 400, errors: created.errors };
  }

  update(id: number, body: unknown): UpdateOutcome {
    const patch = conferencePatchSchema.safeParse(body);
    if (!patch.success) return { status: 400, errors: validationErrors(patch.error) };
    return { status: this.#directory.update(id, patch.data) ? 202 : 404 };
  }

  delete(id: number): DeleteOutcome {
    return { status: this.#directory.delete(id) ? 204 : 404 };
  }
}

/**
 * The management API for a simulator in the same process (MaxConf, wired by `wireSimulators`):
 * the same effects and journal entries as over HTTP, without building HTTP objects, which would
 * cost more than everything else MaxConf does per room.
 */
export interface InProcessManagement {
  /** False while faults are armed: callers then go over HTTP, where faults apply. */
  usable(): boolean;
  createConference(body: Record<string, unknown>): CreateOutcome;
  updateConference(id: number, body: Record<string, unknown>): UpdateOutcome;
  deleteConference(id: number): DeleteOutcome;
}

const inProcessHeaders = { "content-type": "application/json", "x-sim-in-process": "true" };

export function inProcessManagement(
  management: ConferenceManagement,
  journal: Journal,
  clock: SimClock,
  hasFaults: () => boolean,
): InProcessManagement {
  const journaled = <Outcome extends { status: number }>(
    method: string,
    path: string,
    body: unknown,
    outcome: Outcome,
  ): Outcome => {
    journal.record({
      at: clock.now(),
      method,
      path,
      search: "",
      headers: inProcessHeaders,
      body: body === undefined ? "" : () => JSON.stringify(body),
      status: outcome.status,
      durationMs: 0,
    });
    return outcome;
  };
  const itemPath = (id: number) => `${CONFERENCE_COLLECTION_PATH}${id}/`;
  return {
    usable: () => !hasFaults(),
    createConference: (body) =>
      journaled("POST", CONFERENCE_COLLECTION_PATH, body, management.create(body)),
    updateConference: (id, body) =>
      journaled("PATCH", itemPath(id), body, management.update(id, body)),
    deleteConference: (id) => journaled("DELETE", itemPath(id), undefined, management.delete(id)),
  };
}

function validationErrors(error: z.ZodError): ValidationErrors {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "__all__");
    fields[field] = [...(fields[field] ?? []), issue.message];
  }
  return { conference: fields };
}
