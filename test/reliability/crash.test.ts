import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleService } from "../../apps/api/build.ts";
import { ensureDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import type { WiredSimulators } from "../../simulators/index.ts";
import { simControl } from "../contract/sim-control.ts";
import { readDatabase } from "../support/database.ts";
import { startServiceProcess as startService } from "../support/service-process.ts";
import { startSystemSimulators } from "../support/system-simulators.ts";

const creates = Number(process.env.CRASH_CREATES ?? 1000);
const concurrency = 24;
const killAfterAcks = 250;

/**
 * kill -9 of the service during a load of creates, restart on the same database: every session
 * that got a 201 is there, and after reconciliation MaxConf holds exactly the rooms of the
 * sessions that are not over.
 */
describe("crash: SIGKILL under load, restart on the same database", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bcsc-crash-"));
  let upstreams: Awaited<ReturnType<typeof startSystemSimulators>>;
  let simulators: WiredSimulators;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;
  let serviceEntry: string;

  beforeAll(async () => {
    upstreams = await startSystemSimulators("crash", 7);
    simulators = upstreams.simulators;
    const device = await ensureDevDevice(dataDir, "crash-app");
    serviceEntry = await bundleService();
    env = {
      PORT: "0",
      DATABASE_PATH: join(dataDir, "video-api.db"),
      ...upstreams.settings,
      BCSC_CLIENT_KEYS_FILE: device.keysFile,
      RATE_LIMIT_PER_MINUTE: "100000",
      // One client plays a thousand installations here.
      CLIENT_MAX_LIVE_SESSIONS: "100000",
      RECONCILE_INTERVAL_SECONDS: "1",
    };
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await upstreams?.close();
  });

  it("loses no acknowledged session and leaks no room", async () => {
    const first = await startService(serviceEntry, env);
    child = first.process;
    const device = await ensureDevDevice(dataDir, "crash-app");
    serviceEntry = await bundleService();
    const acknowledged = new Map<string, string>(); // device code → session id
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < creates && !killed) {
        const deviceCode = `crash-device-${next++}`;
        const token = await signDeviceToken(device, deviceCode);
        try {
          const response = await fetch(`${first.url}/video/v2/sessions`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ client_id: device.clientId, device_code: deviceCode }),
          });
          if (response.status === 201) {
            acknowledged.set(deviceCode, (await response.json()).session_id);
            if (acknowledged.size >= killAfterAcks && !killed) {
              killed = true;
              first.process.kill("SIGKILL");
            }
          } else await response.body?.cancel();
        } catch {
          // The connection died with the process: this create was never acknowledged.
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    expect(killed).toBe(true);
    await first.exited;

    const second = await startService(serviceEntry, env);
    child = second.process;
    try {
      // Every 201 survived the crash, and is still the device's session.
      const db = readDatabase(dataDir);
      try {
        for (const [deviceCode, sessionId] of acknowledged) {
          expect(db.sessionsOf(deviceCode)).toMatchObject([
            { id: sessionId, state: "session_granted" },
          ]);
        }
        // Reconciliation (at start and every second) leaves exactly the rooms of live sessions.
        await expect
          .poll(
            () => {
              const alive = simulators.maxconf
                .rooms()
                .map((room) => room.name)
                .sort();
              return JSON.stringify(alive) === JSON.stringify(db.liveRoomNames().sort());
            },
            { timeout: 10_000, interval: 250 },
          )
          .toBe(true);
        expect(db.liveRoomNames().length).toBeGreaterThanOrEqual(acknowledged.size);
      } finally {
        db.close();
      }
    } finally {
      second.process.kill("SIGTERM");
    }
  }, 60_000);

  it("stops gracefully on SIGTERM: finishes the request in flight, then exits", async () => {
    const service = await startService(serviceEntry, {
      ...env,
      DATABASE_PATH: join(dataDir, "graceful.db"),
      UPSTREAM_TIMEOUT_MS: "5000",
    });
    child = service.process;
    const device = await ensureDevDevice(dataDir, "crash-app");
    serviceEntry = await bundleService();
    // MaxConf takes a second to answer: the create is still in flight when SIGTERM arrives.
    await simControl(upstreams.settings.MAXCONF_URL).fault({
      match: { method: "POST", path: "/room/create" },
      latencyMs: 1000,
      times: 1,
    });
    const token = await signDeviceToken(device, "graceful-device");
    const inFlight = fetch(`${service.url}/video/v2/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ client_id: device.clientId, device_code: "graceful-device" }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = performance.now();
    service.process.kill("SIGTERM");
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(await service.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(10_000);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  }, 30_000);
});
