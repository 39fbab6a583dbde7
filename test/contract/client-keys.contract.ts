import { expect } from "vitest";
import type { ClientKeys, PublicJwk } from "../../core/ports.ts";
import { contractSuite } from "./harness.ts";

export interface ClientKeysSubject {
  keys: ClientKeys;
  /** A client the implementation knows, with its keys where the test registered them. */
  registered: { clientId: string; keys?: PublicJwk[] };
}

/** What a simulated JWKS host lets a case do. */
export interface KeyHostControls {
  /** What the host answers for the client from now on (a key with `d` is a private one). */
  publish(clientId: string, keys: JsonWebKey[]): void;
  /** Key-set requests the host received for the client. */
  fetches(clientId: string): number;
  /** Requests the host received, for any client or path. */
  totalFetches(): number;
  /** While down, the host answers 503. */
  setDown(down: boolean): void;
  advance(ms: number): Promise<void>;
  cacheMs: number;
  refetchCooldownMs: number;
  /** How long a client found to have no keys is not asked about again. */
  unknownClientMs: number;
}

const ecKey = (kid: string, x: string, y: string): PublicJwk => ({
  kty: "EC",
  crv: "P-256",
  alg: "ES256",
  use: "sig",
  kid,
  x,
  y,
});
const keyA1 = ecKey(
  "app-a-1",
  "Xb2HXPOiAC_G-LqhgdxH9fUMBxUa8pgHgXtBRIXfeQc",
  "xW-4nk0aAWwZYTtBqX81qLmT-VVGNvX5cO-9qEAR03c",
);
const keyA2 = ecKey(
  "app-a-2",
  "4h1L0Jwd2gi1wRNdkAj2hdRjVBBaI9Q0jMo17o29CnY",
  "xveIfXgLgmk9IDrYmmN9u0i2o5RlkrY2FuCbgcGEZJQ",
);
const keyB1 = ecKey(
  "app-b-1",
  "uDe5w6ApRlFRMpJSpwj5O5CpNZTOgLSz6BEuIyaSAGg",
  "aQci0hxbdYWxd3TnvAqa1L0gAVlZb5UFVF5ybI0K1lE",
);

/** The keys every controllable target is set up with. */
export const registeredKeys: Record<string, PublicJwk[]> = {
  "contract-app-a": [keyA1],
  "contract-app-b": [keyB1],
};

const keyHost = "a key host to control (publish, outage, time)";
const kids = (keys: PublicJwk[]) => keys.map((key) => key.kid);

export const clientKeysContract = contractSuite<ClientKeysSubject, KeyHostControls>([
  {
    name: "answers a registered client's public keys",
    async run({ keys, registered }) {
      const answered = await keys.keysFor(registered.clientId);
      if (registered.keys) expect(answered).toEqual(registered.keys);
      expect(answered.length).toBeGreaterThan(0);
      for (const key of answered) {
        expect(key.kty).toMatch(/^(RSA|EC|OKP)$/);
        expect(key).not.toHaveProperty("d");
      }
    },
  },
  {
    name: "answers a client it does not know with no keys",
    async run({ keys }) {
      expect(await keys.keysFor(`unknown-client-${crypto.randomUUID()}`)).toEqual([]);
    },
  },
  {
    name: "answers an id no client could have (a path, a dot segment, too long) with no keys",
    async run({ keys }) {
      for (const clientId of ["..", ".", "a/b", "%2e%2e", "", "x".repeat(129)]) {
        expect(await keys.keysFor(clientId)).toEqual([]);
      }
    },
  },
  {
    name: "never asks the host about such an id",
    needs: keyHost,
    async run({ keys }, host) {
      for (const clientId of ["..", ".", "a/b", "%2e%2e", "", "x".repeat(129)]) {
        await keys.keysFor(clientId);
      }
      expect(host.totalFetches()).toBe(0);
    },
  },
  {
    name: "never hands out a private key, even one the host publishes",
    needs: keyHost,
    async run({ keys, registered }, host) {
      host.publish(registered.clientId, [keyA1, { ...keyA2, d: "private-part" }]);
      expect(await keys.keysFor(registered.clientId)).toEqual([keyA1]);
    },
  },
  {
    name: "serves keys from its cache: concurrent first requests share one fetch",
    needs: keyHost,
    async run({ keys, registered }, host) {
      const { clientId } = registered;
      await Promise.all(Array.from({ length: 10 }, () => keys.keysFor(clientId)));
      await keys.keysFor(clientId, keyA1.kid);
      expect(host.fetches(clientId)).toBe(1);
      await host.advance(host.cacheMs);
      await keys.keysFor(clientId);
      expect(host.fetches(clientId)).toBe(2);
    },
  },
  {
    name: "an unknown kid (a rotated key) refetches, but not more often than the cooldown",
    needs: keyHost,
    async run({ keys, registered }, host) {
      const { clientId } = registered;
      await keys.keysFor(clientId);
      host.publish(clientId, [keyA1, keyA2]);
      expect(kids(await keys.keysFor(clientId, "app-a-2"))).toEqual(["app-a-1"]);
      expect(host.fetches(clientId)).toBe(1);
      await host.advance(host.refetchCooldownMs);
      expect(kids(await keys.keysFor(clientId, "app-a-2"))).toEqual(["app-a-1", "app-a-2"]);
      expect(kids(await keys.keysFor(clientId, "app-a-2"))).toEqual(["app-a-1", "app-a-2"]);
      expect(host.fetches(clientId)).toBe(2);
    },
  },
  {
    name: "while the host is down it keeps the last good keys, or has none: never an error",
    needs: keyHost,
    async run({ keys, registered }, host) {
      const good = await keys.keysFor(registered.clientId);
      host.setDown(true);
      await host.advance(host.cacheMs);
      expect(await keys.keysFor(registered.clientId)).toEqual(good);
      expect(host.fetches(registered.clientId)).toBe(2);
      expect(await keys.keysFor("contract-app-b")).toEqual([]);
      host.setDown(false);
      await host.advance(host.unknownClientMs);
      expect(await keys.keysFor("contract-app-b")).toEqual([keyB1]);
    },
  },
  {
    name: "asks about a client it found to have no keys once per unknownClientMs",
    needs: keyHost,
    async run({ keys }, host) {
      expect(await keys.keysFor("contract-app-c")).toEqual([]);
      host.publish("contract-app-c", [keyA2]);
      expect(await keys.keysFor("contract-app-c")).toEqual([]);
      expect(host.fetches("contract-app-c")).toBe(1);
      await host.advance(host.unknownClientMs);
      expect(await keys.keysFor("contract-app-c")).toEqual([keyA2]);
    },
  },
]);
