import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import type { Background } from "../shared/background.ts";
import { DeletionQueue } from "./deletion-queue.ts";
import type { PexipAdminClient } from "./pexip-admin-client.ts";
import { newRoomSpec, type Room } from "./room.ts";
import { RoomPool } from "./room-pool.ts";

/** Fields of a handed-out room a PATCH may change. */
export type RoomChanges = Partial<Pick<Room, "pin" | "guest_pin" | "tag" | "allow_guests">>;

export interface RoomsOptions {
  pexip: PexipAdminClient;
  random: Random;
  clock: SimClock;
  poolSize: number;
  background: Background;
}

/** MaxConf's rooms: the pool of spares and the rooms handed out, kept in step with Pexip. */
export class Rooms {
  readonly #handedOut = new Map<string, Room>();
  readonly #issuedNames = new Set<string>();
  readonly #pool: RoomPool;
  readonly #deletions: DeletionQueue;
  readonly #pexip: PexipAdminClient;
  readonly #random: Random;
  readonly #background: Background;

  constructor({ pexip, random, clock, poolSize, background }: RoomsOptions) {
    this.#pexip = pexip;
    this.#random = random;
    this.#background = background;
    this.#deletions = new DeletionQueue(clock);
    this.#pool = new RoomPool(
      poolSize,
      (namePrefix) => this.#make("", namePrefix),
      (room) => pexip.deleteConference(room.id),
      background,
    );
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

  /**
   * Deletes on Pexip first; a failure leaves the room listed, for a retry by the caller, and
   * queues its deletion for the garbage collector.
   */
  async delete(room: Room): Promise<void> {
    try {
      await this.#pexip.deleteConference(room.id);
    } catch (error) {
      this.#deletions.add(room.name);
      throw error;
    }
    this.#handedOut.delete(room.name);
    this.#deletions.remove(room.name);
  }

  /** Rooms whose deletion is queued for the garbage collector. */
  queuedDeletions(): string[] {
    return this.#deletions.names();
  }

  /** The garbage collector's run: queued deletions past their grace period, in the background. */
  collectGarbage(): void {
    for (const name of this.#deletions.due()) {
      const room = this.#handedOut.get(name);
      if (!room) this.#deletions.remove(name);
      else this.#background.run("garbage collection", () => this.delete(room));
    }
  }

  /** Bulk creation: rooms added to the queue in the background, named after the prefix. */
  bulkCreate(count: number, namePrefix: string): void {
    this.#pool.add(count, namePrefix);
  }

  /** Bulk deletion: handed-out rooms whose names start with the prefix, and the whole queue. */
  async bulkDelete(namePrefix: string): Promise<{ deleted: number; queueCleared: number }> {
    const matching = this.list().filter(({ name }) => name.startsWith(namePrefix));
    const outcomes = await Promise.allSettled(matching.map((room) => this.delete(room)));
    const deleted = outcomes.filter(({ status }) => status === "fulfilled").length;
    return { deleted, queueCleared: this.#pool.clear() };
  }

  /** Forgets the rooms handed out (deleting them on Pexip in the background); spares stay. */
  reset(): void {
    for (const { id } of this.#handedOut.values()) {
      this.#background.run("room deletion on reset", () => this.#pexip.deleteConference(id));
    }
    this.#handedOut.clear();
    this.#deletions.clear();
  }

  #make(tag: string, namePrefix = ""): Promise<Room> {
    const spec = newRoomSpec(this.#random, tag, (name) => this.#issuedNames.has(name), namePrefix);
    this.#issuedNames.add(spec.name);
    return this.#pexip.createConference(spec);
  }
}
