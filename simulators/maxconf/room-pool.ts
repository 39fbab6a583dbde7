import type { Background } from "../shared/background.ts";
import type { Room } from "./room.ts";

/**
 * Rooms made ahead of demand (MaxConf's queue): taking one is instant, and a replacement is made
 * in the background. A failed replacement is tried again on the next take.
 */
export class RoomPool {
  #ready: Room[] = [];
  #inFlight = 0;
  readonly #target: number;
  readonly #makeRoom: () => Promise<Room>;
  readonly #background: Background;

  constructor(target: number, makeRoom: () => Promise<Room>, background: Background) {
    this.#target = target;
    this.#makeRoom = makeRoom;
    this.#background = background;
  }

  take(): Room | undefined {
    return this.#ready.shift();
  }

  size(): number {
    return this.#ready.length;
  }

  refill(): void {
    while (this.#ready.length + this.#inFlight < this.#target) {
      this.#inFlight++;
      this.#background.run("pool room creation", async () => {
        try {
          this.#ready.push(await this.#makeRoom());
        } finally {
          this.#inFlight--;
        }
      });
    }
  }
}
