import { z } from "@hono/zod-openapi";
import type { JWK } from "jose";
import type { SimClock } from "../control/clock.ts";
import type { Random } from "../control/random.ts";
import { createSigningKey, type SigningKey } from "./signing-key.ts";

interface RetiringKey {
  key: SigningKey;
  dropsAtMs: number;
  cancelDrop: () => void;
}

export const keyDescriptionSchema = z.object({
  kid: z.string(),
  status: z.enum(["current", "retiring"]),
  /** When a retiring key leaves the JWKS (ISO time on the simulator's clock). */
  dropsAt: z.string().optional(),
});

export type KeyDescription = z.infer<typeof keyDescriptionSchema>;

/**
 * The tenant's signing keys, rotated as Entra does: a new key signs from now on, the one it
 * replaces stays published for an overlap (so the tokens it signed still verify), then goes.
 */
export class KeyRing {
  #current: SigningKey;
  readonly #retiring = new Map<string, RetiringKey>();
  readonly #random: Random;
  readonly #clock: SimClock;
  readonly #defaultOverlapMs: number;

  constructor(random: Random, clock: SimClock, defaultOverlapMs: number) {
    this.#random = random;
    this.#clock = clock;
    this.#defaultOverlapMs = defaultOverlapMs;
    this.#current = createSigningKey(random);
  }

  get current(): SigningKey {
    return this.#current;
  }

  /** Current key first, as published at the JWKS endpoint. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = [this.#current, ...[...this.#retiring.values()].map(({ key }) => key)];
    return { keys: await Promise.all(keys.map((key) => key.publicJwk)) };
  }

  rotate(overlapMs = this.#defaultOverlapMs): KeyDescription[] {
    const previous = this.#current;
    this.#current = createSigningKey(this.#random);
    if (overlapMs <= 0) return this.describe();
    const dropsAtMs = this.#clock.now() + overlapMs;
    const cancelDrop = this.#clock.setTimer(overlapMs, () => this.#retiring.delete(previous.kid));
    this.#retiring.set(previous.kid, { key: previous, dropsAtMs, cancelDrop });
    return this.describe();
  }

  /** Drops every retiring key at once (the current key stays, so its tokens still verify). */
  dropRetiring(): void {
    for (const { cancelDrop } of this.#retiring.values()) cancelDrop();
    this.#retiring.clear();
  }

  describe(): KeyDescription[] {
    return [
      { kid: this.#current.kid, status: "current" },
      ...[...this.#retiring.values()].map(({ key, dropsAtMs }) => ({
        kid: key.kid,
        status: "retiring" as const,
        dropsAt: new Date(dropsAtMs).toISOString(),
      })),
    ];
  }
}
