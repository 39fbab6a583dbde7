import { z } from "@hono/zod-openapi";

export const CONFERENCE_COLLECTION_PATH = "/api/admin/configuration/v1/conference/";

/** A Virtual Meeting Room as Pexip's management API stores it (the fields this deployment uses). */
export const conferenceConfigSchema = z
  .strictObject({
    id: z.number().int(),
    name: z.string(),
    service_type: z.literal("conference"),
    allow_guests: z.boolean(),
    pin: z.string(),
    guest_pin: z.string(),
    tag: z.string(),
    description: z.string(),
    call_type: z.literal("video"),
    guests_can_present: z.boolean(),
    participant_limit: z.number().int().nullable(),
    creation_time: z.string(),
    resource_uri: z.string(),
    aliases: z.array(
      z.strictObject({
        id: z.number().int(),
        alias: z.string(),
        conference: z.string(),
        creation_time: z.string(),
        description: z.string(),
      }),
    ),
  })
  .openapi("Conference");

export type ConferenceConfig = z.infer<typeof conferenceConfigSchema>;

const editableFields = {
  name: z.string().min(1).max(250),
  allow_guests: z.boolean(),
  pin: z.string().regex(/^\d{0,20}$/),
  guest_pin: z.string().regex(/^\d{0,20}$/),
  tag: z.string().max(250),
  description: z.string().max(250),
};

export const newConferenceSchema = z.object({
  name: editableFields.name,
  service_type: z.literal("conference").default("conference"),
  allow_guests: editableFields.allow_guests.default(false),
  pin: editableFields.pin.default(""),
  guest_pin: editableFields.guest_pin.default(""),
  tag: editableFields.tag.default(""),
  description: editableFields.description.default(""),
  aliases: z
    .array(z.object({ alias: z.string().min(1), description: z.string().default("") }))
    .default([]),
});

/** A PATCH changes only the fields it names; unknown fields (and renaming) are ignored. */
export const conferencePatchSchema = z.object(editableFields).omit({ name: true }).partial();

export type NewConference = z.infer<typeof newConferenceSchema>;

/** Field errors in the shape of Pexip's (Tastypie) validation answers. */
export const validationErrorsSchema = z
  .object({ conference: z.record(z.string(), z.array(z.string())) })
  .openapi("ValidationErrors");

export type ValidationErrors = z.infer<typeof validationErrorsSchema>;

export type CreateResult =
  | { ok: true; config: ConferenceConfig }
  | { ok: false; errors: ValidationErrors };

/** Pexip's configuration database: conferences and the aliases that dial them. */
export class ConferenceDirectory {
  #byId = new Map<number, ConferenceConfig>();
  #idByAlias = new Map<string, number>();
  #idByName = new Map<string, number>();
  #nextConferenceId = 1;
  #nextAliasId = 1;

  create(input: NewConference, creationTime: string): CreateResult {
    if (this.#idByName.has(input.name)) {
      return {
        ok: false,
        errors: { conference: { name: ["Conference with this Name already exists."] } },
      };
    }
    const taken = input.aliases.find(({ alias }) => this.#idByAlias.has(alias));
    if (taken) {
      return {
        ok: false,
        errors: { conference: { aliases: [`Alias ${taken.alias} already exists.`] } },
      };
    }

    const id = this.#nextConferenceId++;
    const resourceUri = `${CONFERENCE_COLLECTION_PATH}${id}/`;
    // Field by field, not spread: zod's output objects are slow to copy (a third of a create).
    const config: ConferenceConfig = {
      id,
      name: input.name,
      service_type: input.service_type,
      allow_guests: input.allow_guests,
      pin: input.pin,
      guest_pin: input.guest_pin,
      tag: input.tag,
      description: input.description,
      call_type: "video",
      guests_can_present: true,
      participant_limit: null,
      creation_time: creationTime,
      resource_uri: resourceUri,
      aliases: input.aliases.map(({ alias, description }) => ({
        id: this.#nextAliasId++,
        alias,
        conference: resourceUri,
        creation_time: creationTime,
        description,
      })),
    };
    this.#byId.set(id, config);
    this.#idByName.set(config.name, id);
    for (const { alias } of config.aliases) this.#idByAlias.set(alias, id);
    return { ok: true, config };
  }

  get(id: number): ConferenceConfig | undefined {
    return this.#byId.get(id);
  }

  byAlias(alias: string): ConferenceConfig | undefined {
    const id = this.#idByAlias.get(alias);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  list(): ConferenceConfig[] {
    return [...this.#byId.values()];
  }

  update(id: number, patch: z.infer<typeof conferencePatchSchema>): ConferenceConfig | undefined {
    const config = this.#byId.get(id);
    if (config) Object.assign(config, patch);
    return config;
  }

  delete(id: number): boolean {
    const config = this.#byId.get(id);
    if (!config) return false;
    this.#byId.delete(id);
    this.#idByName.delete(config.name);
    for (const { alias } of config.aliases) this.#idByAlias.delete(alias);
    return true;
  }
}
