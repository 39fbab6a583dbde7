import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  RemoteJwksClientKeys,
  type RemoteJwksSettings,
} from "../../adapters/client-keys/remote-jwks-client-keys.ts";
import type { PublicJwk } from "../../core/ports.ts";
import { VirtualClock } from "../../simulators/index.ts";
import { registeredKeys } from "../contract/client-keys.contract.ts";
import { type JwksHost, startJwksHost } from "../contract/jwks-host.ts";

const [key] = registeredKeys["contract-app-a"] as [PublicJwk];
const settings = {
  cacheMs: 300_000,
  refetchCooldownMs: 30_000,
  unknownClientMs: 60_000,
  fetchesPerMinute: 6,
  maxConcurrentFetches: 3,
  timeoutMs: 5000,
};

let host: JwksHost;
beforeAll(async () => {
  host = await startJwksHost();
});
afterAll(() => host.listener.close());

function setUp(overrides: Partial<RemoteJwksSettings> = {}) {
  host.reset();
  const clock = new VirtualClock();
  const keys = new RemoteJwksClientKeys(
    { ...settings, urlTemplate: host.urlTemplate, ...overrides },
    clock,
  );
  return { keys, clock };
}

describe("RemoteJwksClientKeys, client ids", () => {
  it("never fetches for an id that is not one plain path segment, and answers no keys", async () => {
    const { keys } = setUp({ fetchesPerMinute: 100, maxConcurrentFetches: 100 });
    host.publish("..", [key]);
    const notIds = ["..", ".", "a/b", "%2e%2e", ".%2e", "", "x".repeat(129), "a b", "a?b", "a#b"];
    for (const clientId of [...notIds, ".hidden", "a\u0000b", "ä"]) {
      expect(await keys.keysFor(clientId)).toEqual([]);
    }
    expect(host.totalFetches()).toBe(0);
  });

  it("fetches the ids the app and the dev stack use, each at its own URL", async () => {
    const { keys } = setUp({ fetchesPerMinute: 100, maxConcurrentFetches: 100 });
    const ids = [
      "bcsc-video-api",
      "bcsc-demo-app",
      crypto.randomUUID(),
      "x".repeat(128),
      "a.b~c_d",
    ];
    for (const clientId of ids) host.publish(clientId, [key]);
    for (const clientId of ids) expect(await keys.keysFor(clientId)).toEqual([key]);
    for (const clientId of ids) expect(host.fetches(clientId)).toBe(1);
  });
});

describe("RemoteJwksClientKeys, unknown clients", () => {
  it("asks about a client the host does not know once per unknownClientMs", async () => {
    const { keys, clock } = setUp();
    for (let i = 0; i < 5; i++) expect(await keys.keysFor("late-client")).toEqual([]);
    expect(host.fetches("late-client")).toBe(1);
    host.publish("late-client", [key]);
    await clock.advance(settings.unknownClientMs - 1);
    expect(await keys.keysFor("late-client")).toEqual([]);
    await clock.advance(1);
    expect(await keys.keysFor("late-client")).toEqual([key]);
    expect(host.fetches("late-client")).toBe(2);
  });

  it("remembers a failed first fetch, and an emptied key set, as unknown", async () => {
    const { keys, clock } = setUp();
    host.setDown(true);
    expect(await keys.keysFor("contract-app-a")).toEqual([]);
    host.setDown(false);
    host.publish("contract-app-a", [key]);
    expect(await keys.keysFor("contract-app-a")).toEqual([]);
    await clock.advance(settings.unknownClientMs);
    expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    host.publish("contract-app-a", []);
    await clock.advance(settings.cacheMs);
    expect(await keys.keysFor("contract-app-a")).toEqual([]);
    expect(await keys.keysFor("contract-app-a")).toEqual([]);
    expect(host.fetches("contract-app-a")).toBe(3);
  });

  it("remembers 10,000 clients without keys at most, forgetting the oldest first", async () => {
    // 10,001 key sets fetched: answered in process (404, as the host does for an unknown
    // client), not over HTTP, which took 7 s of CPU; the cases above go over the wire.
    const fetched = new Map<string, number>();
    const inProcess = async (url: string | URL | Request) => {
      const clientId = String(url).split("/").at(-2) ?? "";
      fetched.set(clientId, (fetched.get(clientId) ?? 0) + 1);
      return new Response("not found", { status: 404 });
    };
    const { keys } = setUp({
      fetchesPerMinute: 20_000,
      maxConcurrentFetches: 50,
      fetch: inProcess as typeof fetch,
    });
    const ids = Array.from({ length: 10_001 }, (_, i) => `nobody-${i}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((clientId) => keys.keysFor(clientId)));
    }
    await keys.keysFor("nobody-1");
    await keys.keysFor("nobody-0");
    expect([fetched.get("nobody-0"), fetched.get("nobody-1")]).toEqual([2, 1]);
  });
});

describe("RemoteJwksClientKeys, bounded fetching", () => {
  it("fetches for clients it holds no keys for at fetchesPerMinute at most", async () => {
    const { keys, clock } = setUp();
    const unknown = (i: number) => `unknown-${i}`;
    for (let i = 0; i < 20; i++) expect(await keys.keysFor(unknown(i))).toEqual([]);
    expect(host.totalFetches()).toBe(settings.fetchesPerMinute);
    // Refused over the bound is not remembered: the client is asked about once a token is free.
    await clock.advance(60_000 / settings.fetchesPerMinute);
    host.publish(unknown(19), [key]);
    expect(await keys.keysFor(unknown(19))).toEqual([key]);
    expect(await keys.keysFor(unknown(18))).toEqual([]);
    expect(host.totalFetches()).toBe(settings.fetchesPerMinute + 1);
  });

  it("never refuses a client it holds keys for: its refetches are bounded by the cooldown", async () => {
    const { keys, clock } = setUp();
    host.publish("contract-app-a", [key]);
    expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    await clock.advance(settings.cacheMs);
    for (let i = 0; i < 20; i++) await keys.keysFor(`unknown-${i}`);
    expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    expect(await keys.keysFor("contract-app-a", "rotated")).toEqual([key]);
    expect(host.fetches("contract-app-a")).toBe(2);
    // While its host fails, the last good keys, and one try per cooldown.
    host.setDown(true);
    await clock.advance(settings.cacheMs);
    for (let i = 0; i < 5; i++) expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    expect(host.fetches("contract-app-a")).toBe(3);
    await clock.advance(settings.refetchCooldownMs);
    expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    expect(host.fetches("contract-app-a")).toBe(4);
  });

  it("has at most maxConcurrentFetches under way; others are refused without waiting", async () => {
    const { keys } = setUp({ fetchesPerMinute: 100 });
    host.publish("contract-app-a", [key]);
    expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    const release = host.hold();
    const waiting = Array.from({ length: 3 }, (_, i) => keys.keysFor(`slow-${i}`));
    for (let i = 0; i < 10; i++) expect(await keys.keysFor(`refused-${i}`)).toEqual([]);
    expect(await keys.keysFor("contract-app-a")).toEqual([key]);
    await vi.waitFor(() => expect(host.answering()).toBe(settings.maxConcurrentFetches));
    release();
    expect(await Promise.all(waiting)).toEqual([[], [], []]);
    expect(host.totalFetches()).toBe(1 + settings.maxConcurrentFetches);
  });
});
