import type { Background } from "../shared/background.ts";
import type { Room } from "./room.ts";

/**
 * Rooms made ahead of demand (MaxConf's queue): taking one is instant, and a replacement is made
 * in the background. A failed replacement is tried again on the next take.
 */
export class RoomPool {
  #ready: Room[] = [];
  #inFlight = 0;
  /** Bumped when the queue is cleared, so rooms still being made for the old one are discarded. */
  #generation = 0;
  readonly #target: number;
  readonly #makeRoom: (namePrefix: string) => Promise<Room>;
  readonly #discard: (room: Room) => Promise<void>;
  readonly #background: Background;

  constructor(
    target: number,
    makeRoom: (namePrefix: string) => Promise<Room>,
    discard: (room: Room) => Promise<void>,
    background: Background,
  ) {
    this.#target = target;
    this.#makeRoom = makeRoom;
    this.#discard = discard;
    this.#background = background;
  }

  take(): Room | undefined {
    return this.#ready.shift();
  }

  size(): number {
    return this.#ready.length;
  }

  refill(): void {
    while (this.#ready.length + this.#inFlight < this.#target) this.#add("");
  }

  /** Bulk creation: rooms beyond the target, made in the background. */
  add(count: number, namePrefix: string): void {
    for (let i = 0; i < count; i++) this.#add(namePrefix);
  }

  /** Empties the queue; its rooms (and those still being made) are deleted in the background. */
  clear(): number {
    const cleared = this.#ready;
    this.#ready = [];
    this.#generation++;
    for (const room of cleared)
      this.#background.run("queued room deletion", () => this.#discard(room));
    return cleared.length;
  }

  #add(namePrefix: string): void {
    const generation = this.#generation;
    this.#inFlight++;
    this.#background.run("pool room creation", async () => {
      let room: Room;
      try {
        room = await this.#makeRoom(namePrefix);
      } finally {
        this.#inFlight--;
      }
      if (generation === this.#generation) this.#ready.push(room);
      else await this.#discard(room);
    });
  }
}
