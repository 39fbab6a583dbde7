import { upstreamRefusal } from "../../../core/errors.ts";
import type { RoomAssignment } from "../../../core/model.ts";
import type { AccessTokens, ListedRoom, Rooms } from "../../../core/ports.ts";

export type RoomOperation = "create" | "delete" | "list";

interface Refusal {
  status: number;
  retryAfterSeconds?: number;
}

/**
 * MaxConf in memory behind the Rooms port, with MaxConfRooms' rules: every operation carries a
 * token from `tokens`; a refused token (401) is invalidated and the operation sent once more;
 * deleting a room that is gone succeeds; refusals are UpstreamErrors classified alike.
 */
export class FakeRooms implements Rooms {
  readonly #rooms = new Map<string, ListedRoom>();
  readonly #refusals: Record<RoomOperation, Refusal[]> = { create: [], delete: [], list: [] };
  #tokenRefusals = 0;
  #issued = 0;

  constructor(private readonly tokens: AccessTokens) {}

  /** The next `times` requests are answered 401, as when a token expired early. */
  refuseTokens(times: number): void {
    this.#tokenRefusals += times;
  }

  /** The next `times` requests of `operation` are answered with `status`. */
  refuse(operation: RoomOperation, times: number, status: number, retryAfterSeconds?: number) {
    for (let i = 0; i < times; i++) this.#refusals[operation].push({ status, retryAfterSeconds });
  }

  create(uuiData: string): Promise<RoomAssignment> {
    return this.#send("create", () => {
      const name = `fake-room-${++this.#issued}`;
      this.#rooms.set(name, { name, uuiText: fromHex(uuiData) });
      return { name, alias: name, guestPin: String(1000 + this.#issued) };
    });
  }

  /** A room someone else made on the same tenant (another deployment, an operator). */
  addForeign(room: ListedRoom): void {
    this.#rooms.set(room.name, room);
  }

  delete(roomName: string): Promise<void> {
    return this.#send("delete", () => {
      this.#rooms.delete(roomName);
    });
  }

  list(): Promise<ListedRoom[]> {
    return this.#send("list", () => [...this.#rooms.values()].map((room) => ({ ...room })));
  }

  async #send<T>(operation: RoomOperation, act: () => T): Promise<T> {
    const token = await this.tokens.get();
    if (!this.#tokenRefused()) return this.#answer(operation, act);
    this.tokens.invalidate(token);
    await this.tokens.get();
    if (this.#tokenRefused())
      throw upstreamRefusal("maxconf", 401, undefined, "MaxConf answered 401");
    return this.#answer(operation, act);
  }

  #tokenRefused(): boolean {
    if (this.#tokenRefusals === 0) return false;
    this.#tokenRefusals--;
    return true;
  }

  #answer<T>(operation: RoomOperation, act: () => T): T {
    const refusal = this.#refusals[operation].shift();
    if (!refusal) return act();
    const { status, retryAfterSeconds } = refusal;
    throw upstreamRefusal("maxconf", status, retryAfterSeconds, `MaxConf answered ${status}`);
  }
}

const fromHex = (hex: string) =>
  new TextDecoder().decode(Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16)));
