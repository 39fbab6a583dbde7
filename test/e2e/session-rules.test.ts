import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.ts";

const roomCreates = (stack: TestStack) =>
  stack.simulators.maxconf.journal.entries().filter((e) => e.path === "/room/create").length;

/** A video configuration file, in the app's vocabulary, for one test. */
function configFile(stack: { dir: string }, config: object): string {
  const path = join(stack.dir, `video-config-${crypto.randomUUID()}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}
const openAllWeek = {
  time_zone: "America/Vancouver",
  regular_service_periods: [
    { start_day: "MONDAY", end_day: "SUNDAY", start_time: "00:00", end_time: "23:59" },
  ],
  service_unavailable_periods: [],
};
const destination = { destination_name: "Test Harness Queue Destination", destination_priority: 1 };

describe("session rules", () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it("answers 50 identical concurrent creates with one session and one room", async () => {
    stack = await startTestStack();
    const app = stack.asDevice("impatient-device");
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.call("POST", "/video/v2/sessions", {
          client_id: app.clientId,
          device_code: app.deviceCode,
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(49);
    expect(new Set(answers.map((a) => a.body?.session_id)).size).toBe(1);
    expect(roomCreates(stack)).toBe(1);
    // And a sequential repeat too.
    const again = await app.call("POST", "/video/v2/sessions/", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    expect(again.status).toBe(200);
    expect(again.body?.session_id).toBe(answers[0]?.body?.session_id);
    expect(roomCreates(stack)).toBe(1);
  });

  it("expires a session idle past max_inactive_seconds and deletes its room, with nobody calling", async () => {
    stack = await startTestStack();
    const app = stack.asDevice("idle-device");
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    const id = String(created.body?.session_id);
    const room = String(created.body?.room_name);
    await stack.clock.advance(599_000);
    expect((await app.call("GET", `/video/v2/sessions/${id}`)).body?.status).toBe(
      "session_granted",
    );
    await stack.clock.advance(10_000);
    await expect
      .poll(async () => (await app.call("GET", `/video/v2/sessions/${id}`)).body?.status)
      .toBe("session_expired");
    await expect
      .poll(() => stack?.simulators.maxconf.rooms().some((r) => r.name === room))
      .toBe(false);
    // A new create after expiry gets a new session.
    const next = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    expect(next.status).toBe(201);
    expect(next.body?.session_id).not.toBe(id);
  });

  it("keeps a session alive while call updates arrive", async () => {
    stack = await startTestStack();
    const app = stack.asDevice("chatty-device");
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    const id = String(created.body?.session_id);
    await app.call("POST", `/video/v2/sessions/${id}/calls`, {
      client_call_id: "c1",
      status: "call_in_call",
    });
    for (let i = 0; i < 30; i++) {
      await stack.clock.advance(30_000);
      await app.call("PUT", `/video/v2/sessions/${id}/calls/c1`, { status: "call_in_call" });
    }
    expect((await app.call("GET", `/video/v2/sessions/${id}`)).body?.status).toBe(
      "session_started",
    );
  });

  it("moves queue positions as sessions ahead reach an agent or end", async () => {
    stack = await startTestStack();
    const [a, b, c] = ["queue-a", "queue-b", "queue-c"].map(
      (d) => stack?.asDevice(d) as ReturnType<TestStack["asDevice"]>,
    );
    const ids: string[] = [];
    for (const app of [a, b, c]) {
      const created = await app?.call("POST", "/video/v2/sessions", {
        client_id: app.clientId,
        device_code: app.deviceCode,
      });
      ids.push(String(created?.body?.session_id));
      await stack.clock.advance(1000);
    }
    const position = async (app: typeof a, id?: string) =>
      (await app?.call("GET", `/video/v2/sessions/${id}`))?.body?.queue_position;
    expect([
      await position(a, ids[0]),
      await position(b, ids[1]),
      await position(c, ids[2]),
    ]).toEqual([1, 2, 3]);
    await a?.call("POST", `/video/v2/sessions/${ids[0]}/calls`, {
      client_call_id: "a1",
      status: "call_in_call",
    });
    expect([
      await position(a, ids[0]),
      await position(b, ids[1]),
      await position(c, ids[2]),
    ]).toEqual([0, 1, 2]);
    await b?.call("DELETE", `/video/v2/sessions/${ids[1]}`);
    expect(await position(c, ids[2])).toBe(1);
  });

  it("does not grant outside service hours, and creates no room", async () => {
    stack = await startTestStack({
      configure: (dir) => ({
        VIDEO_CONFIG_FILE: configFile(
          { dir },
          {
            destinations: [destination],
            // The test clock reads Wednesday 10:00 in Vancouver; open only on Sundays.
            service_hours: {
              ...openAllWeek,
              regular_service_periods: [
                { start_day: "SUNDAY", end_day: "SUNDAY", start_time: "08:00", end_time: "17:00" },
              ],
            },
          },
        ),
      }),
    });
    const app = stack.asDevice("late-device");
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "session_not_granted",
      reason: "outside_service_hours",
      room_name: null,
    });
    expect(roomCreates(stack)).toBe(0);
  });

  it("does not grant inside an unavailable period", async () => {
    stack = await startTestStack({
      configure: (dir) => ({
        VIDEO_CONFIG_FILE: configFile(
          { dir },
          {
            destinations: [destination],
            service_hours: {
              ...openAllWeek,
              service_unavailable_periods: [
                {
                  start_date: "2026-11-25",
                  end_date: "2026-11-25",
                  reason: "MAINTENANCE",
                  reason_description: "Upgrade",
                },
              ],
            },
          },
        ),
      }),
    });
    const app = stack.asDevice("maintenance-device");
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    expect(created.body).toMatchObject({
      status: "session_not_granted",
      reason: "service_unavailable",
    });
    expect(roomCreates(stack)).toBe(0);
  });

  it("does not grant past a destination's max_active_sessions", async () => {
    stack = await startTestStack({
      configure: (dir) => ({
        VIDEO_CONFIG_FILE: configFile(
          { dir },
          {
            destinations: [{ ...destination, max_active_sessions: 2 }],
            service_hours: openAllWeek,
          },
        ),
      }),
    });
    const statuses: unknown[] = [];
    for (const device of ["m1", "m2", "m3"]) {
      const app = stack.asDevice(device);
      statuses.push(
        (
          await app.call("POST", "/video/v2/sessions", {
            client_id: app.clientId,
            device_code: device,
          })
        ).body?.reason ?? "granted",
      );
    }
    expect(statuses).toEqual(["granted", "granted", "max_active_sessions"]);
    expect(roomCreates(stack)).toBe(2);
  });

  it("limits each device's creates and updates, with Retry-After", async () => {
    stack = await startTestStack({ configure: () => ({ RATE_LIMIT_PER_MINUTE: "3" }) });
    const app = stack.asDevice("spammy-device");
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: app.deviceCode,
    });
    const id = String(created.body?.session_id);
    await app.call("PUT", `/video/v2/sessions/${id}`, { status: "started" });
    await app.call("PUT", `/video/v2/sessions/${id}`, { status: "started" });
    const limited = await app.call("PUT", `/video/v2/sessions/${id}`, { status: "started" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Reads are not limited; another device is not affected.
    expect((await app.call("GET", `/video/v2/sessions/${id}`)).status).toBe(200);
    const other = stack.asDevice("calm-device");
    expect(
      (
        await other.call("POST", "/video/v2/sessions", {
          client_id: other.clientId,
          device_code: other.deviceCode,
        })
      ).status,
    ).toBe(201);
    await stack.clock.advance(20_000);
    expect((await app.call("PUT", `/video/v2/sessions/${id}`, { status: "started" })).status).toBe(
      200,
    );
  });
});
