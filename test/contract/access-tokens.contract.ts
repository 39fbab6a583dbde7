import { expect } from "vitest";
import { UpstreamError } from "../../core/errors.ts";
import type { AccessTokens } from "../../core/ports.ts";
import { contractSuite, rejectionOf } from "./harness.ts";

/** What a fake or a simulator lets a case do to the token server and to time. */
export interface AccessTokensControls {
  /** Lifetime of the tokens the upstream issues. */
  lifetimeMs: number;
  /** Moves the clock the subject and its upstream read. */
  advance(ms: number): Promise<void>;
  /** Token requests the upstream received so far, answered or refused. */
  fetchAttempts(): Promise<number>;
  /** The upstream refuses the next `times` token requests with `status`. */
  refuseFetches(times: number, status: number, retryAfterSeconds?: number): Promise<void>;
}

const faults = "fault injection on the token server (/_sim/faults)";
/**
 * EntraAccessTokens' renewal policy (of a token living longer than 8 minutes): renewed in the
 * background from 2 minutes before it expires, never handed out in its last minute.
 */
const RENEW_AHEAD_MS = 120_000;
const EXPIRY_MARGIN_MS = 60_000;
const time = "control of time (a VirtualClock)";

export const accessTokensContract = contractSuite<AccessTokens, AccessTokensControls>([
  {
    name: "hands out a bearer token",
    async run(tokens) {
      const token = await tokens.get();
      expect(token).toMatch(/^\S{16,}$/);
    },
  },
  {
    name: "serves the cached token instead of fetching one per call",
    async run(tokens, controls) {
      const first = await tokens.get();
      expect(await tokens.get()).toBe(first);
      expect(await tokens.get()).toBe(first);
      if (controls) expect(await controls.fetchAttempts()).toBe(1);
    },
  },
  {
    name: "concurrent callers on a cold cache share one fetch",
    async run(tokens, controls) {
      const all = await Promise.all(Array.from({ length: 25 }, () => tokens.get()));
      expect(new Set(all).size).toBe(1);
      if (controls) expect(await controls.fetchAttempts()).toBe(1);
    },
  },
  {
    name: "an invalidated token is replaced by a new one (the 401 path)",
    async run(tokens, controls) {
      const first = await tokens.get();
      tokens.invalidate(first);
      const second = await tokens.get();
      expect(second).not.toBe(first);
      expect(await tokens.get()).toBe(second);
      if (controls) expect(await controls.fetchAttempts()).toBe(2);
    },
  },
  {
    name: "invalidating a token no longer in use keeps the current one",
    async run(tokens) {
      const first = await tokens.get();
      tokens.invalidate(first);
      const second = await tokens.get();
      // A slow request that used the first token reports its 401 late.
      tokens.invalidate(first);
      expect(await tokens.get()).toBe(second);
    },
  },
  {
    name: "renews in the background 2 minutes before expiry: callers keep the cached token",
    needs: time,
    async run(tokens, controls) {
      const first = await tokens.get();
      await controls.advance(controls.lifetimeMs - RENEW_AHEAD_MS - 1000);
      expect(await tokens.get()).toBe(first);
      expect(await controls.fetchAttempts()).toBe(1); // one fetch per lifetime, no more
      await controls.advance(2000);
      expect(await tokens.get()).toBe(first); // still served while the renewal runs
      await expect.poll(() => tokens.get()).not.toBe(first);
      expect(await controls.fetchAttempts()).toBe(2);
    },
  },
  {
    name: "never hands out a token in the last minute of its lifetime",
    needs: time,
    async run(tokens, controls) {
      const first = await tokens.get();
      await controls.advance(controls.lifetimeMs - EXPIRY_MARGIN_MS + 1000);
      expect(await tokens.get()).not.toBe(first);
      expect(await controls.fetchAttempts()).toBe(2);
    },
  },
  {
    name: "a failed background renewal keeps the cached token, and the next call tries again",
    needs: `${time} and ${faults}`,
    async run(tokens, controls) {
      const first = await tokens.get();
      await controls.refuseFetches(1, 503);
      await controls.advance(controls.lifetimeMs - RENEW_AHEAD_MS + 1000);
      expect(await tokens.get()).toBe(first);
      await expect.poll(() => controls.fetchAttempts()).toBe(2);
      expect(await tokens.get()).toBe(first);
      await expect.poll(() => tokens.get()).not.toBe(first);
      expect(await controls.fetchAttempts()).toBe(3);
    },
  },
  {
    name: "refused credentials (401) are a bad answer from the token server",
    needs: faults,
    async run(tokens, controls) {
      await controls.refuseFetches(1, 401);
      const error = await rejectionOf(tokens.get());
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ upstream: "token-server", failure: "bad_answer" });
    },
  },
  {
    name: "an overloaded token server (503) is unavailable with its Retry-After; nothing cached",
    needs: faults,
    async run(tokens, controls) {
      await controls.refuseFetches(1, 503, 7);
      const error = await rejectionOf(tokens.get());
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({
        upstream: "token-server",
        failure: "unavailable",
        retryAfterSeconds: 7,
        details: { notProcessed: true },
      });
      expect(await tokens.get()).toMatch(/^\S{16,}$/);
    },
  },
]);
