import type { Random } from "../control/random.ts";
import type { Background } from "../shared/background.ts";
import type { PexipAdminClient } from "./pexip-admin-client.ts";
import { newRoomSpec, type Room } from "./room.ts";
import { RoomPool } from "./room-pool.ts";

/** Fields of a handed-out room a PATCH may change. */
export type RoomChanges = Partial<Pick<Room, "pin" | "guest_pin" | "tag" | "allow_guests">>;

/** MaxConf's rooms: the pool of spares and the rooms handed out, kept in step with Pexip. */
export class Rooms {
  readonly #handedOut = new Map<string, Room>();
  readonly #issuedNames = new Set<string>();
  readonly #pool: RoomPool;
  readonly #pexip: PexipAdminClient;
  readonly #random: Random;
  readonly #background: Background;

  constructor(pexip: PexipAdminClient, random: Random, poolSize: number, background: Background) {
    this.#pexip = pexip;
    this.#random = random;
    this.#background = background;
    this.#pool = new RoomPool(poolSize, () => this.#make(""), background);
    this.#pool.refill();
  }

  /** Pops a spare (tagging it) or, with none left, creates one; the pool is refilled after. */
  async handOut(tag: string): Promise<Room> {
    let room = this.#pool.take();
    if (room) {
      room.tag = tag;
      const { id } = room;
      this.#background.run("room tag update", () => this.#pexip.updateConference(id, { tag }));
    } else {
      room = await this.#make(tag);
    }
    this.#handedOut.set(room.name, room);
    this.#pool.refill();
    return room;
  }

  get(name: string): Room | undefined {
    return this.#handedOut.get(name);
  }

  list(): Room[] {
    return [...this.#handedOut.values()];
  }

  poolSize(): number {
    return this.#pool.size();
  }

  change(room: Room, changes: RoomChanges): void {
    Object.assign(room, changes);
    this.#background.run("room update", () => this.#pexip.updateConference(room.id, changes));
  }

  /** Deletes on Pexip first, so that a failure leaves the room for a retry. */
  async delete(room: Room): Promise<void> {
    await this.#pexip.deleteConference(room.id);
    this.#handedOut.delete(room.name);
  }

  /** Forgets the rooms handed out (deleting them on Pexip in the background); spares stay. */
  reset(): void {
    for (const { id } of this.#handedOut.values()) {
      this.#background.run("room deletion on reset", () => this.#pexip.deleteConference(id));
    }
    this.#handedOut.clear();
  }

  #make(tag: string): Promise<Room> {
    const spec = newRoomSpec(this.#random, tag, (name) => this.#issuedNames.has(name));
    this.#issuedNames.add(spec.name);
    return this.#pexip.createConference(spec);
  }
}
