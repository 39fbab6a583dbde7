import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleService } from "../../apps/api/build.ts";
import { type DevDevice, ensureDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import { freshDatabase } from "../support/postgres.ts";
import { type ServiceProcess, startServiceProcess } from "../support/service-process.ts";
import { startSystemSimulators } from "../support/system-simulators.ts";

const replicas = 3;
const devices = 160;
const concurrentDevices = 12;
/** Replica 2 is killed once this many devices have begun, and started again this many later. */
const killAt = 50;
const restartAfter = 30;
/** Every fourth device keeps its session: rooms of live sessions must stay. */
const keepsSession = (i: number) => i % 4 === 3;

interface Sent {
  replica: number;
  /** Sent to the killed replica while it was down, or in flight when it was killed. */
  toKilled: boolean;
  status: number | "no answer";
  title?: string;
}

/**
 * One PostgreSQL, one set of simulators, three replicas of the built service side by side. Devices
 * play the app's flow with each request at another replica, a create sent twice at once to two of
 * them; one replica is SIGKILLed mid-load and started again.
 */
describe("three replicas on one PostgreSQL, one of them killed mid-load", () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let upstreams: Awaited<ReturnType<typeof startSystemSimulators>>;
  let device: DevDevice;
  let entry: string;
  let env: Record<string, string>;
  const running: (ServiceProcess | undefined)[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    upstreams = await startSystemSimulators("cluster", 11);
    const dataDir = mkdtempSync(join(tmpdir(), "bcsc-cluster-"));
    device = await ensureDevDevice(dataDir, "cluster-app");
    entry = await bundleService();
    env = {
      PORT: "0",
      LOG_LEVEL: "error",
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: "4",
      ...upstreams.settings,
      BCSC_CLIENT_KEYS_FILE: device.keysFile,
      RECONCILE_INTERVAL_SECONDS: "1",
      // One client plays every installation here.
      CLIENT_MAX_LIVE_SESSIONS: "100000",
    };
    // Started together: they migrate once between them.
    running.push(
      ...(await Promise.all(
        Array.from({ length: replicas }, () => startServiceProcess(entry, env)),
      )),
    );
  }, 60_000);
  afterAll(async () => {
    for (const service of running) service?.process.kill("SIGKILL");
    await upstreams?.close();
    await database?.drop();
  });

  it("loses nothing acknowledged, keeps one live session per device, fails only at the killed one", async () => {
    const sent: Sent[] = [];
    const send = async (
      replica: number,
      method: string,
      path: string,
      token: string,
      body?: unknown,
    ) => {
      const target = running[replica];
      // Down when sent, or killed while the request was under way.
      const toKilled = () => replica === 2 && (target === undefined || running[2] !== target);
      try {
        if (!target) throw new Error("down");
        const response = await fetch(`${target.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        const answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        sent.push({
          replica,
          toKilled: toKilled(),
          status: response.status,
          title: String(answer.title ?? ""),
        });
        return response.status < 300 ? answer : undefined;
      } catch {
        sent.push({ replica, toKilled: toKilled(), status: "no answer" });
        return undefined;
      }
    };
    /** Sent to `replica`; when it did not answer, to the next one (as a client's retry would). */
    const sendOrRetry = async (
      replica: number,
      ...request: Parameters<typeof send> extends [number, ...infer R] ? R : never
    ) => (await send(replica, ...request)) ?? send((replica + 1) % replicas, ...request);

    const acknowledged = new Map<string, { sessionId: string; status: string; retried: boolean }>();
    const playDevice = async (i: number) => {
      const deviceCode = `cluster-device-${i}`;
      const token = await signDeviceToken(device, deviceCode);
      const at = (k: number) => (i + k) % replicas;
      const create = { client_id: device.clientId, device_code: deviceCode };
      const [first, twin] = await Promise.all([
        send(at(0), "POST", "/video/v2/sessions", token, create),
        send(at(1), "POST", "/video/v2/sessions", token, create),
      ]);
      const made =
        first ?? twin ?? (await sendOrRetry(at(2), "POST", "/video/v2/sessions", token, create));
      if (!made) throw new Error(`device ${i} got no session`);
      const sessionId = String(made.session_id);
      if (first && twin) expect(twin.session_id).toBe(sessionId);
      const record = { sessionId, status: String(made.status), retried: !first };
      acknowledged.set(deviceCode, record);
      const path = `/video/v2/sessions/${sessionId}`;
      const steps: [string, string, unknown][] = [
        ["PUT", path, { status: "started" }],
        ["POST", `${path}/calls`, { client_call_id: `call-${i}`, status: "call_ringing" }],
        ["PUT", `${path}/calls/call-${i}`, { status: "call_in_call" }],
        ["PUT", `${path}/calls/call-${i}`, { status: "call_in_call" }],
      ];
      if (!keepsSession(i)) steps.push(["PUT", path, { status: "ended" }]);
      for (const [k, [method, stepPath, body]] of steps.entries()) {
        const answer = await sendOrRetry(at(k + 2), method, stepPath, token, body);
        if (answer && !stepPath.includes("/calls")) record.status = String(answer.status);
      }
    };

    let begun = 0;
    const worker = async () => {
      while (begun < devices) {
        const i = begun++;
        if (i === killAt) {
          running[2]?.process.kill("SIGKILL");
          running[2] = undefined;
        }
        if (i === killAt + restartAfter) {
          running[2] = await startServiceProcess(entry, env);
        }
        await playDevice(i);
      }
    };
    await Promise.all(Array.from({ length: concurrentDevices }, worker));

    // Only requests that met the killed replica failed; every other answer was a success.
    expect(sent.length).toBeGreaterThan(1000);
    const failed = sent.filter((s) => s.status === "no answer" || s.status >= 300);
    expect(failed.filter((s) => !s.toKilled)).toEqual([]);
    expect(failed.length).toBeGreaterThan(0);

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      // Every acknowledged session is there, with its last acknowledged status.
      const { rows } = await db.query("SELECT id, device_code, state FROM sessions");
      const byId = new Map(rows.map((row) => [row.id as string, row]));
      for (const [deviceCode, { sessionId, status }] of acknowledged) {
        expect(byId.get(sessionId)).toMatchObject({ device_code: deviceCode, state: status });
      }
      // No device with two live sessions, however its creates were spread.
      const doubled = await db.query(
        `SELECT device_code FROM sessions WHERE state IN ('allocating', 'session_granted',
           'session_started') GROUP BY client_id, device_code HAVING count(*) > 1`,
      );
      expect(doubled.rows).toEqual([]);
      // A create retried elsewhere answered the device's one granted session.
      for (const [deviceCode, { sessionId, retried }] of acknowledged) {
        if (!retried) continue;
        const granted = await db.query(
          "SELECT id FROM sessions WHERE device_code = $1 AND room_name IS NOT NULL",
          [deviceCode],
        );
        expect(granted.rows.map((row) => row.id)).toEqual([sessionId]);
      }
      // Once the outbox and reconciliation have run, MaxConf holds the rooms of live sessions.
      const liveRooms = async () =>
        (
          await db.query(
            `SELECT room_name FROM sessions WHERE room_name IS NOT NULL
             AND state IN ('session_granted', 'session_started') ORDER BY room_name`,
          )
        ).rows.map((row) => row.room_name);
      const atMaxconf = () =>
        upstreams.simulators.maxconf
          .rooms()
          .map((room) => room.name)
          .sort();
      await expect
        .poll(async () => JSON.stringify(atMaxconf()) === JSON.stringify(await liveRooms()), {
          timeout: 30_000,
          interval: 500,
        })
        .toBe(true);
      expect((await liveRooms()).length).toBe(devices / 4);
    } finally {
      await db.end();
    }
  }, 120_000);
});
