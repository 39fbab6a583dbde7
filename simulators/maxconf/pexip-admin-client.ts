import type { Room, RoomAlias, RoomSpec } from "./room.ts";

const CONFERENCE_PATH = "/api/admin/configuration/v1/conference/";

export interface PexipAdminClient {
  createConference(spec: RoomSpec): Promise<Room>;
  updateConference(id: number, fields: Partial<Room>): Promise<void>;
  /** Resolves also when Pexip no longer has it. */
  deleteConference(id: number): Promise<void>;
}

/** MaxConf's side of the Pexip management API. */
export function createPexipAdminClient(baseUrl: string, fetchFn: typeof fetch): PexipAdminClient {
  const collectionUrl = new URL(CONFERENCE_PATH, baseUrl.replace(/\/+$/, "/")).href;
  const conferenceUrl = (id: number) => `${collectionUrl}${id}/`;
  const expectStatus = async (response: Response, allowed: number[], action: string) => {
    if (!allowed.includes(response.status)) {
      throw new Error(`Pexip ${action}: HTTP ${response.status} ${await response.text()}`);
    }
  };

  return {
    async createConference(spec) {
      const created = await fetchFn(collectionUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(conferenceBody(spec)),
      });
      await expectStatus(created, [201], "create conference");
      const location = created.headers.get("location");
      if (!location) throw new Error("Pexip create conference: no Location header");
      // Pexip answers the POST with only a Location; the ids and times come from a GET.
      const fetched = await fetchFn(new URL(location, collectionUrl).href);
      await expectStatus(fetched, [200], "read conference");
      return toRoom((await fetched.json()) as PexipConference);
    },
    async updateConference(id, fields) {
      const response = await fetchFn(conferenceUrl(id), {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(fields),
      });
      await expectStatus(response, [200, 202, 204], "update conference");
    },
    async deleteConference(id) {
      const response = await fetchFn(conferenceUrl(id), { method: "DELETE" });
      await expectStatus(response, [200, 202, 204, 404], "delete conference");
    },
  };
}

/** What MaxConf asks Pexip to create for a room. */
export function conferenceBody(spec: RoomSpec) {
  return {
    name: spec.name,
    service_type: "conference",
    allow_guests: true,
    pin: spec.pin,
    guest_pin: spec.guest_pin,
    tag: spec.tag,
    aliases: [{ alias: spec.name }],
  };
}

/** A Pexip conference as MaxConf reads it (Pexip sends more fields than these). */
export interface PexipConference extends Omit<Room, "service_type"> {
  service_type: string;
  aliases: RoomAlias[];
}

/** Keeps the fields MaxConf shows of a Pexip conference (the seed's room object). */
export function toRoom(conference: PexipConference): Room {
  return {
    id: conference.id,
    name: conference.name,
    service_type: "conference",
    allow_guests: conference.allow_guests,
    pin: conference.pin,
    guest_pin: conference.guest_pin,
    tag: conference.tag,
    aliases: conference.aliases.map(
      ({ alias, conference: uri, creation_time, description, id }) => ({
        alias,
        conference: uri,
        creation_time,
        description,
        id,
      }),
    ),
  };
}
