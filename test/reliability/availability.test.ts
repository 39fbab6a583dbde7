import { afterEach, describe, expect, it } from "vitest";
import { resilienceDefaults } from "../../apps/api/config.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

/**
 * Availability, not only invariants: a fault costs the creates it touches and no more. Each
 * upstream's failures count against its own breaker, once per operation, and the problem, the
 * failed session's reason and the metrics blame the upstream that failed.
 */
describe("availability under upstream faults", () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const arm = (url: string, fault: Record<string, unknown>) =>
    fetch(`${url}/_sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(fault),
    });
  const create = (s: TestStack, deviceCode: string) => s.asDevice(deviceCode).create();
  const metrics = async (s: TestStack) => (await fetch(`${s.urls.api}/metrics`)).text();

  it("a failed token fetch that many creates waited on is the token server's, counted once", async () => {
    stack = await startTestStack({
      beforeService: async (urls) => {
        await arm(urls.tokenServer, { match: { path: "/*" }, respond: { status: 500 } });
      },
    });
    const s = stack;
    await s.service.backgroundIdle(); // the reconciliation at start found no token either
    const waited = await Promise.all(
      Array.from({ length: 50 }, (_, i) => create(s, `waiting-on-token-${i}`)),
    );
    expect(waited.every((answer) => answer.status === 503)).toBe(true);
    expect(waited[0]?.body?.detail).toBe("The token server is unavailable.");
    await fetch(`${s.urls.tokenServer}/_sim/faults`, { method: "DELETE" });

    // MaxConf never failed: its circuit is closed and the next creates work at once.
    const next = await Promise.all(Array.from({ length: 20 }, (_, i) => create(s, `after-${i}`)));
    expect(next.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    const text = await metrics(s);
    expect(text).not.toMatch(/upstream_errors_total\{upstream="maxconf"/);
    // Once per fetch, however many creates waited on it.
    const tokenErrors = Number(
      /upstream_errors_total\{upstream="token-server"[^}]*\} (\d+)/.exec(text)?.[1],
    );
    expect(tokenErrors).toBeGreaterThan(0);
    expect(tokenErrors).toBeLessThan(5);
    expect(text).toMatch(/circuit_breaker_state\{upstream="maxconf",work="create"\} 0/);
  });

  it("scattered MaxConf faults cost about their share of creates, never an outage", async () => {
    stack = await startTestStack();
    await arm(stack.urls.maxconf, {
      match: { method: "POST", path: "/room/create" },
      respond: { status: 500 },
      probability: 0.4,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await create(stack, `scattered-${i}`)).status);
    const failed = statuses.filter((status) => status !== 201).length;
    expect(failed).toBeGreaterThan(40);
    expect(failed).toBeLessThan(120);
    // Every create reached MaxConf: the circuit never opened to refuse one unasked.
    const creates = stack.simulators.maxconf.journal
      .entries()
      .filter((e) => e.path === "/room/create");
    expect(creates.length).toBe(200);
  });

  it("token-server faults while a valid token is cached cost no create", async () => {
    stack = await startTestStack();
    expect((await create(stack, "warm-up")).status).toBe(201);
    await arm(stack.urls.tokenServer, { match: { path: "/*" }, respond: { status: 500 } });
    // Into the token's refresh window (renewed 2 minutes ahead): the background renewals fail.
    await stack.passTime(3599_000 - 100_000, 30_000);
    const s = stack;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => create(s, `cached-token-${i}`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(200).fill(201));
  });

  it("failing room deletions never open the circuit that creates go through", async () => {
    stack = await startTestStack();
    await arm(stack.urls.maxconf, {
      match: { method: "DELETE", path: "/room/*" },
      respond: { status: 500 },
    });
    for (let i = 0; i < 3 * resilienceDefaults.CIRCUIT_BREAKER_THRESHOLD; i++) {
      const app = stack.asDevice(`ending-${i}`);
      const made = await create(stack, app.deviceCode);
      await app.call("DELETE", `/video/v2/sessions/${made.body?.session_id}`);
    }
    await stack.service.backgroundIdle();
    expect((await create(stack, "after-deletions-failed")).status).toBe(201);
    const text = await metrics(stack);
    expect(text).toMatch(/circuit_breaker_state\{upstream="maxconf",work="create"\} 0/);
  });
});
