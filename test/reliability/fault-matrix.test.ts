import { describe, it } from "vitest";
import { resilienceDefaults } from "../../apps/api/config.ts";
import { simControl } from "../contract/sim-control.ts";
import { readDatabase } from "../support/database.ts";
import { startTestStack, type TestStack, type TestStackOptions } from "../support/stack.ts";

type Upstream = "tokenServer" | "maxconf";
interface FaultCase {
  upstream: Upstream;
  name: string;
  /** What is sent to the simulator's `POST /_sim/faults` (the path is filled in). */
  fault: Record<string, unknown>;
  status: number;
  retryAfter?: string;
}

const upstreamPath: Record<Upstream, { method: string; path: string }> = {
  tokenServer: { method: "POST", path: "/*" },
  maxconf: { method: "POST", path: "/room/create" },
};

// The outcome of each fault on session create: the retry succeeds (201), or the app gets a
// 502/503/504 problem — never a 500.
const cases: FaultCase[] = [
  {
    upstream: "tokenServer",
    name: "500 once",
    fault: { respond: { status: 500 }, times: 1 },
    status: 201,
  },
  {
    upstream: "tokenServer",
    name: "500 always",
    fault: { respond: { status: 500 } },
    status: 503,
    retryAfter: "5",
  },
  {
    upstream: "tokenServer",
    name: "429 + Retry-After: 1, once",
    fault: { respond: { status: 429, headers: { "retry-after": "1" } }, times: 1 },
    status: 201,
  },
  {
    upstream: "tokenServer",
    name: "429 + Retry-After: 30",
    fault: { respond: { status: 429, headers: { "retry-after": "30" } } },
    status: 503,
    retryAfter: "30",
  },
  { upstream: "tokenServer", name: "timeout", fault: { latencyMs: 60_000 }, status: 504 },
  {
    upstream: "tokenServer",
    name: "connection reset once",
    fault: { kind: "reset", times: 1 },
    status: 201,
  },
  {
    upstream: "tokenServer",
    name: "connection reset always",
    fault: { kind: "reset" },
    status: 503,
  },
  {
    upstream: "tokenServer",
    name: "malformed JSON",
    fault: { kind: "malformed-json" },
    status: 502,
  },
  {
    upstream: "tokenServer",
    name: "401 (credentials refused)",
    fault: { respond: { status: 401, body: { error: "invalid_client" } } },
    status: 502,
  },
  {
    upstream: "maxconf",
    name: "500 once (not repeated: the create may have happened)",
    fault: { respond: { status: 500 }, times: 1 },
    status: 503,
  },
  {
    upstream: "maxconf",
    name: "429 + Retry-After: 1, once",
    fault: { respond: { status: 429, headers: { "retry-after": "1" } }, times: 1 },
    status: 201,
  },
  {
    upstream: "maxconf",
    name: "429 + Retry-After: 30",
    fault: { respond: { status: 429, headers: { "retry-after": "30" } } },
    status: 503,
    retryAfter: "30",
  },
  {
    upstream: "maxconf",
    name: "timeout (the room is made after we gave up)",
    fault: { latencyMs: 60_000, times: 1 },
    status: 504,
  },
  { upstream: "maxconf", name: "connection reset", fault: { kind: "reset" }, status: 503 },
  { upstream: "maxconf", name: "malformed JSON", fault: { kind: "malformed-json" }, status: 502 },
  {
    upstream: "maxconf",
    name: "401 expired token once",
    fault: { respond: { status: 401, body: { error: "invalid_token" } }, times: 1 },
    status: 201,
  },
  { upstream: "maxconf", name: "401 always", fault: { respond: { status: 401 } }, status: 502 },
];

/** A stack of the test's own, closed however the test ends. */
async function withStack(options: TestStackOptions, test: (stack: TestStack) => Promise<void>) {
  const stack = await startTestStack(options);
  try {
    await test(stack);
  } finally {
    await stack.close();
  }
}

/**
 * The cases run side by side, each on a stack of its own: most of a case is waiting (a
 * Retry-After second, a timeout, a backoff), and one after another they took 20 s.
 */
describe.concurrent("fault matrix: each upstream × each fault, through the simulators' control API", () => {
  for (const testCase of cases) {
    it(`${testCase.upstream}: ${testCase.name} → ${testCase.status}`, async ({ expect }) => {
      let simUrl = "";
      const options: TestStackOptions = {
        configure: () => ({
          // Short where the fault is a hang, so the case does not wait long for its 504 — but not
          // so short that the request is given up before it reaches the upstream (a connect and
          // TLS handshake on a busy machine can take longer than 300 ms); generous elsewhere, so
          // a loaded machine's slowness is not mistaken for one.
          UPSTREAM_TIMEOUT_MS: "latencyMs" in testCase.fault ? "1000" : "5000",
          RECONCILE_INTERVAL_SECONDS: "10",
        }),
        // Armed before the service starts, so its first token request meets the fault too.
        beforeService: async (urls) => {
          simUrl = urls[testCase.upstream];
          const fault = { match: upstreamPath[testCase.upstream], ...testCase.fault };
          await simControl(simUrl).fault(fault);
        },
      };
      await withStack(options, async (stack) => {
        const app = stack.asDevice(`fault-${testCase.upstream}-${testCase.name}`);
        const answer = await app.call("POST", "/video/v2/sessions", {
          client_id: app.clientId,
          device_code: app.deviceCode,
        });
        expect(answer.status).toBe(testCase.status);

        const db = readDatabase(stack.dataDir);
        try {
          const sessions = db.sessionsOf(app.deviceCode);
          if (answer.status === 201) {
            expect(sessions).toMatchObject([
              { id: answer.body?.session_id, state: "session_granted" },
            ]);
          } else {
            expect(answer.headers.get("content-type")).toContain("application/problem+json");
            if (testCase.retryAfter)
              expect(answer.headers.get("retry-after")).toBe(testCase.retryAfter);
            // A failed create leaves a failed record with its reason, or nothing: never half a
            // session.
            for (const session of sessions) {
              expect(session.state).toBe("session_failed");
              expect(session.reason).toBeTruthy();
              expect(session.room_name).toBeNull();
            }
          }

          // Faults cleared, time passes, the reconciler runs: MaxConf holds exactly the live rooms.
          await fetch(`${simUrl}/_sim/faults`, { method: "DELETE" });
          await stack.passTime(100_000);
          await expect
            .poll(() =>
              stack.simulators.maxconf
                .rooms()
                .map((r) => r.name)
                .sort(),
            )
            .toEqual(db.liveRoomNames().sort());
          // A held request (timeout) is journalled once its fault has answered, after the time
          // passed; the cases beside it can make that take more than poll's default second.
          const faulted = async () => {
            const journal = await (await fetch(`${simUrl}/_sim/journal`)).json();
            return journal.entries.some((e: { fault?: string }) => e.fault);
          };
          await expect.poll(faulted, { timeout: 10_000 }).toBe(true);

          // The app's next try works.
          const retried = await app.call("POST", "/video/v2/sessions", {
            client_id: app.clientId,
            device_code: app.deviceCode,
          });
          expect([200, 201]).toContain(retried.status);
        } finally {
          db.close();
        }
      });
    });
  }

  it("opens the circuit after repeated failures: fast 503 with Retry-After, then recovers", async ({
    expect,
  }) => {
    // MaxConf answers 500 at once; a generous timeout keeps a loaded machine from turning one
    // into a 504.
    await withStack({ configure: () => ({ UPSTREAM_TIMEOUT_MS: "5000" }) }, async (stack) => {
      const fault = { match: { method: "POST", path: "/room/create" }, respond: { status: 500 } };
      await simControl(stack.urls.maxconf).fault(fault);
      const statuses: number[] = [];
      // Sustained failure: one more than the breaker's threshold of failures in a row.
      for (let i = 0; i <= resilienceDefaults.CIRCUIT_BREAKER_THRESHOLD; i++) {
        const app = stack.asDevice(`breaker-${i}`);
        const answer = await app.call("POST", "/video/v2/sessions", {
          client_id: app.clientId,
          device_code: app.deviceCode,
        });
        statuses.push(answer.status);
      }
      expect(statuses.every((s) => s === 503)).toBe(true);
      const creates = () =>
        stack.simulators.maxconf.journal.entries().filter((e) => e.path === "/room/create").length;
      const reached = creates();
      for (let i = 0; i < 3; i++) {
        const app = stack.asDevice(`breaker-more-${i}`);
        const answer = await app.call("POST", "/video/v2/sessions", {
          client_id: app.clientId,
          device_code: app.deviceCode,
        });
        expect(answer.status).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("10");
      }
      expect(creates()).toBe(reached); // the open circuit answered without calling MaxConf
      await fetch(`${stack.urls.maxconf}/_sim/faults`, { method: "DELETE" });
    });
  });

  it("keeps an owed room deletion while MaxConf is down and delivers it when it is back", async ({
    expect,
  }) => {
    await withStack({ configure: () => ({ UPSTREAM_TIMEOUT_MS: "5000" }) }, async (stack) => {
      const app = stack.asDevice("outbox-device");
      const created = await app.call("POST", "/video/v2/sessions", {
        client_id: app.clientId,
        device_code: app.deviceCode,
      });
      const room = String(created.body?.room_name);
      const fault = { match: { method: "DELETE", path: "/room/*" }, respond: { status: 503 } };
      await simControl(stack.urls.maxconf).fault(fault);
      const ended = await app.call("DELETE", `/video/v2/sessions/${created.body?.session_id}`);
      expect(ended.status).toBe(204);
      await expect
        .poll(() => stack.simulators.maxconf.journal.entries().some((e) => e.method === "DELETE"))
        .toBe(true);
      expect(stack.simulators.maxconf.rooms().some((r) => r.name === room)).toBe(true);
      await fetch(`${stack.urls.maxconf}/_sim/faults`, { method: "DELETE" });
      await stack.passTime(60_000);
      await expect
        .poll(() => stack.simulators.maxconf.rooms().some((r) => r.name === room))
        .toBe(false);
    });
  });
});
