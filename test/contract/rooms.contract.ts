import { expect } from "vitest";
import { UpstreamError } from "../../core/errors.ts";
import type { Rooms } from "../../core/ports.ts";
import type { RoomOperation } from "./fakes/fake-rooms.ts";
import { contractSuite, rejectionOf } from "./harness.ts";

/** What a fake or a simulator lets a case do to MaxConf. */
export interface RoomsControls {
  /** The next `times` room requests are answered 401, as when a token expired early. */
  refuseTokens(times: number): Promise<void>;
  /** The next `times` requests of `operation` are answered with `status`. */
  refuse(
    operation: RoomOperation,
    times: number,
    status: number,
    retryAfterSeconds?: number,
  ): Promise<void>;
  /** Tokens requested from the token server so far. */
  tokensFetched(): Promise<number>;
}

const faults = "fault injection on MaxConf (/_sim/faults)";

/** Hex of UTF-8 text, as the service sends uuiData. */
const hex = (text: string) =>
  Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");

const names = async (rooms: Rooms) => (await rooms.list()).map((room) => room.name);

/** Runs a case with a `create` that remembers its rooms, and deletes them afterwards. */
function withRooms<Controls>(
  run: (rooms: Rooms, create: () => Promise<string>, controls: Controls) => Promise<void>,
) {
  return async (rooms: Rooms, controls: Controls) => {
    const made: string[] = [];
    const create = async () => {
      const room = await rooms.create(hex(`contract-test:${crypto.randomUUID()}`));
      made.push(room.name);
      return room.name;
    };
    try {
      await run(rooms, create, controls);
    } finally {
      for (const name of made) await rooms.delete(name).catch(() => {});
    }
  };
}

export const roomsContract = contractSuite<Rooms, RoomsControls>([
  {
    name: "creates a room: its name, the alias to dial and the guest PIN",
    async run(rooms) {
      const room = await rooms.create(hex("contract-test:create"));
      try {
        expect(room.name).toMatch(/^\S+$/);
        expect(room.alias).toMatch(/^\S+$/);
        expect(room.guestPin).toMatch(/^\d+$/);
      } finally {
        await rooms.delete(room.name);
      }
    },
  },
  {
    name: "each create hands out another room",
    run: withRooms(async (_rooms, create) => {
      const [first, second] = [await create(), await create()];
      expect(second).not.toBe(first);
    }),
  },
  {
    name: "lists the rooms handed out, and no longer a deleted one",
    run: withRooms(async (rooms, create) => {
      const [kept, deleted] = [await create(), await create()];
      expect(await names(rooms)).toEqual(expect.arrayContaining([kept, deleted]));
      await rooms.delete(deleted);
      const listed = await names(rooms);
      expect(listed).toContain(kept);
      expect(listed).not.toContain(deleted);
    }),
  },
  {
    name: "a listed room names the uuiData it was created with (what attributes it to us)",
    async run(rooms) {
      const text = `contract-test:${crypto.randomUUID()}`;
      const room = await rooms.create(hex(text));
      try {
        const listed = (await rooms.list()).find((r) => r.name === room.name);
        expect(listed).toEqual({ name: room.name, uuiText: text });
      } finally {
        await rooms.delete(room.name);
      }
    },
  },
  {
    name: "deleting a room twice succeeds: the second delete finds it gone",
    run: withRooms(async (rooms, create) => {
      const name = await create();
      await rooms.delete(name);
      await expect(rooms.delete(name)).resolves.toBeUndefined();
    }),
  },
  {
    name: "deleting a room MaxConf never had succeeds (already gone counts as done)",
    async run(rooms) {
      await expect(rooms.delete(`contract-gone-${Date.now()}`)).resolves.toBeUndefined();
    },
  },
  {
    name: "a refused token (401) is dropped, one new token fetched and the call retried once",
    needs: faults,
    run: withRooms<RoomsControls>(async (rooms, create, controls) => {
      await rooms.list(); // a token in the cache
      const fetched = await controls.tokensFetched();
      await controls.refuseTokens(1);
      await create();
      expect(await controls.tokensFetched()).toBe(fetched + 1);
      await rooms.list();
      expect(await controls.tokensFetched()).toBe(fetched + 1);
    }),
  },
  {
    name: "a token refused twice fails as a bad answer after exactly one retry",
    needs: faults,
    async run(rooms, controls) {
      await rooms.list();
      const fetched = await controls.tokensFetched();
      await controls.refuseTokens(2);
      const error = await rejectionOf(rooms.create(hex("contract-test:refused")));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ upstream: "maxconf", failure: "bad_answer" });
      expect(await controls.tokensFetched()).toBe(fetched + 1);
    },
  },
  {
    name: "an overloaded create (503, Retry-After) is unavailable and safe to resend; a 500 is not",
    needs: faults,
    async run(rooms, controls) {
      await controls.refuse("create", 1, 503, 3);
      expect(await rejectionOf(rooms.create(hex("contract-test:busy")))).toMatchObject({
        upstream: "maxconf",
        failure: "unavailable",
        retryAfterSeconds: 3,
        details: { notProcessed: true },
      });
      await controls.refuse("create", 1, 500);
      const error = await rejectionOf(rooms.create(hex("contract-test:broken")));
      expect(error).toMatchObject({ upstream: "maxconf", failure: "unavailable" });
      // MaxConf may have popped a room before failing: resending could hand out a second one.
      expect((error as UpstreamError).details.notProcessed).not.toBe(true);
    },
  },
  {
    name: "a failed deletion (502) is an upstream failure and the room stays, for a retry",
    needs: faults,
    run: withRooms<RoomsControls>(async (rooms, create, controls) => {
      const name = await create();
      await controls.refuse("delete", 1, 502);
      expect(await rejectionOf(rooms.delete(name))).toMatchObject({
        upstream: "maxconf",
        failure: "unavailable",
      });
      expect(await names(rooms)).toContain(name);
      await rooms.delete(name);
      expect(await names(rooms)).not.toContain(name);
    }),
  },
]);
