import { beforeEach, describe, expect, it } from "vitest";
import type { DeviceIdentity } from "../../core/model.ts";
import { GetSession } from "../../core/use-cases/index.ts";
import { inMemoryStore } from "../contract/fakes/in-memory-store.ts";
import { aSession, givenStored, ownerOf, T0 } from "../support/builders.ts";

let store: ReturnType<typeof inMemoryStore>;
let getSession: GetSession;

beforeEach(() => {
  store = inMemoryStore();
  getSession = new GetSession(store);
});

describe("GetSession", () => {
  it("shows the owner its session with its place in the destination's queue", async () => {
    await givenStored(store, aSession("ahead", { clientId: "another-app", createdAt: T0 - 1 }));
    const mine = await givenStored(store, aSession("mine"));

    const seen = await getSession.execute(ownerOf(mine), "mine");

    expect(seen).toEqual({ ok: true, value: { session: mine, queuePosition: 2 } });
  });

  it("shows a session that is over, out of the queue", async () => {
    const ended = await givenStored(store, aSession("ended", { state: "session_ended" }));

    const seen = await getSession.execute(ownerOf(ended), "ended");

    expect(seen).toEqual({ ok: true, value: { session: ended, queuePosition: 0 } });
  });

  const owner = ownerOf(aSession("s1"));
  const strangers: [string, DeviceIdentity, string][] = [
    ["by another device", { ...owner, deviceCode: "another-device" }, "s1"],
    ["by another client with the same device code", { ...owner, clientId: "another-app" }, "s1"],
    ["under an unknown id", owner, "unknown"],
  ];
  it.each(strangers)("is not found when asked for %s", async (_, asker, sessionId) => {
    await givenStored(store, aSession("s1"));

    expect(await getSession.execute(asker, sessionId)).toEqual({
      ok: false,
      error: { kind: "not_found" },
    });
  });

  it("is not found while its room is still being made", async () => {
    const allocating = aSession("s1", { state: "allocating", room: undefined });
    await givenStored(store, allocating);

    expect(await getSession.execute(ownerOf(allocating), "s1")).toEqual({
      ok: false,
      error: { kind: "not_found" },
    });
  });
});
