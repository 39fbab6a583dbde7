import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createControlPlane } from "../../simulators/control/control-plane.ts";
import { JOURNAL_BODY_LIMIT_BYTES, Journal } from "../../simulators/control/journal.ts";
import { createRandom } from "../../simulators/control/random.ts";
import { listen } from "./listen.ts";

function echoSimulator() {
  const clock = new VirtualClock();
  let state = 0;
  const control = createControlPlane({
    simulator: "echo",
    clock,
    seed: 1,
    resetState: () => {
      state = 0;
    },
  });
  control.app.post("/echo", async (c) => {
    state++;
    return c.json({ echoed: await c.req.json(), state });
  });
  control.app.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
  return { ...control, clock, state: () => state };
}

describe("virtual clock", () => {
  it("runs due timers in time order, lets their async work proceed, and skips cancelled ones", async () => {
    const clock = new VirtualClock();
    const ran: string[] = [];
    clock.setTimer(200, () => ran.push(`b@${clock.now()}`));
    clock.setTimer(100, () => {
      ran.push(`a@${clock.now()}`);
      void Promise.resolve().then(() => ran.push("a-async"));
      clock.setTimer(50, () => ran.push(`a-child@${clock.now()}`));
    });
    const cancel = clock.setTimer(150, () => ran.push("cancelled"));
    cancel();
    const start = clock.now();
    await clock.advance(180);
    expect(ran).toEqual([`a@${start + 100}`, "a-async", `a-child@${start + 150}`]);
    expect(clock.now()).toBe(start + 180);
    await clock.advance(20);
    expect(ran.at(-1)).toBe(`b@${start + 200}`);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("starts at the project's reference instant", () => {
    expect(new Date(new VirtualClock().now()).toISOString()).toBe("2026-01-05T18:00:00.000Z");
  });
});

describe("seeded random", () => {
  it("reproduces the same choices from the same seed", () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return [
        random.digits(4),
        random.hex(4),
        random.int(10),
        random.pick(["a", "b", "c"]),
        random.uuid(),
      ];
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
    const [digits, hex, , , uuid] = draw(5);
    expect(digits).toMatch(/^\d{4}$/);
    expect(hex).toMatch(/^[0-9a-f]{8}$/);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("control plane", () => {
  it("journals requests with their query, lower-case headers, body, status and duration", async () => {
    const sim = echoSimulator();
    await sim.app.request("/echo?x=1", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Trace": "t1" },
      body: JSON.stringify({ hello: "world" }),
    });
    await sim.app.request("/items/7");
    await sim.app.request("/_sim/health");

    const { entries } = await (await sim.app.request("/_sim/journal")).json();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      seq: 1,
      time: "2026-01-05T18:00:00.000Z",
      method: "POST",
      path: "/echo",
      query: { x: "1" },
      headers: { "content-type": "application/json", "x-trace": "t1" },
      body: '{"hello":"world"}',
      status: 200,
    });
    expect(entries[0].durationMs).toBeGreaterThanOrEqual(0);

    const byMethod = await (await sim.app.request("/_sim/journal?method=get")).json();
    expect(byMethod.entries.map((e: { path: string }) => e.path)).toEqual(["/items/7"]);
    const byPrefix = await (await sim.app.request("/_sim/journal?path=/items")).json();
    expect(byPrefix.entries).toHaveLength(1);
    const since = await (await sim.app.request("/_sim/journal?since=1")).json();
    expect(since.entries.map((e: { seq: number }) => e.seq)).toEqual([2]);
  });

  it("clears the journal on DELETE, and journal plus state on /_sim/reset", async () => {
    const sim = echoSimulator();
    const post = () => sim.app.request("/echo", { method: "POST", body: "{}" });
    await post();
    expect((await sim.app.request("/_sim/journal", { method: "DELETE" })).status).toBe(204);
    expect(sim.journal.entries()).toHaveLength(0);
    await post();
    expect(sim.state()).toBe(2);
    expect((await sim.app.request("/_sim/reset", { method: "POST" })).status).toBe(204);
    expect(sim.journal.entries()).toHaveLength(0);
    expect(sim.state()).toBe(0);
  });

  it("reports health with the seed that reproduces the run", async () => {
    const sim = echoSimulator();
    expect(await (await sim.app.request("/_sim/health")).json()).toMatchObject({
      status: "ok",
      simulator: "echo",
      seed: 1,
    });
  });

  it("keeps a bounded history, cuts bodies at 64 KiB and writes lazy bodies when read", () => {
    const journal = new Journal(10);
    const base = {
      at: Date.parse("2026-11-25T10:00:00Z"),
      method: "POST",
      path: "/",
      search: "a=1&b=two%20words",
      headers: new Headers({ "content-type": "application/json" }),
      status: 200,
      durationMs: 0,
    };
    let written = 0;
    journal.record({ ...base, body: () => `${++written}${"x".repeat(100_000)}` });
    expect(written).toBe(0);
    const [lazy] = journal.entries();
    expect(written).toBe(1);
    expect(lazy).toMatchObject({
      seq: 1,
      time: "2026-11-25T10:00:00.000Z",
      query: { a: "1", b: "two words" },
      headers: { "content-type": "application/json" },
    });
    expect(lazy?.body).toHaveLength(JOURNAL_BODY_LIMIT_BYTES);
    for (let i = 0; i < 25; i++) journal.record({ ...base, body: "" });
    expect(journal.entries()).toHaveLength(10);
    expect(journal.entries().at(-1)?.seq).toBe(26);
    expect(JOURNAL_BODY_LIMIT_BYTES).toBe(65_536);
  });

  it("keeps counting seq across a clear, and reads entries after a given seq", () => {
    const journal = new Journal(3);
    const request = {
      at: 0,
      method: "GET",
      path: "/",
      search: "",
      headers: {},
      body: "",
      status: 200,
      durationMs: 0,
    };
    for (let i = 0; i < 4; i++) journal.record(request);
    journal.clear();
    expect(journal.entries()).toEqual([]);
    journal.record(request);
    journal.record({ ...request, path: "/after" });
    expect(journal.entries().map(({ seq, path }) => [seq, path])).toEqual([
      [5, "/"],
      [6, "/after"],
    ]);
    expect(journal.entries({ since: 5 }).map(({ seq }) => seq)).toEqual([6]);
  });

  it("journals each request's own headers served by Node, a value repeated from the one before included", async () => {
    const sim = echoSimulator();
    const server = await listen();
    server.handle(sim.app.fetch);
    try {
      const send = (headers: Record<string, string>) =>
        fetch(`${server.url}/items/1`, { headers }).then((response) => response.arrayBuffer());
      await send({ "x-device": "d1", "x-trace": "a" });
      await send({ "x-device": "d1" });
      await send({ "x-device": "d2", "x-trace": "b" });
    } finally {
      await server.close();
    }
    const sent = sim.journal
      .entries()
      .map(({ headers }) => [headers["x-device"], headers["x-trace"]]);
    expect(sent).toEqual([
      ["d1", "a"],
      ["d1", undefined],
      ["d2", "b"],
    ]);
  });

  it("journals a long body cut to 64 KiB", async () => {
    const sim = echoSimulator();
    await sim.app.request("/echo", {
      method: "POST",
      body: JSON.stringify({ pad: "é".repeat(50_000) }),
    });
    const [entry] = sim.journal.entries();
    expect(new TextEncoder().encode(entry?.body).length).toBeLessThanOrEqual(
      JOURNAL_BODY_LIMIT_BYTES,
    );
  });

  describe("faults", () => {
    const addFault = async (sim: ReturnType<typeof echoSimulator>, fault: unknown) => {
      const response = await sim.app.request("/_sim/faults", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(fault),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string };
    };

    it("answers the next N matching requests with the given status, body and headers", async () => {
      const sim = echoSimulator();
      await addFault(sim, {
        match: { method: "GET", path: "/items/*" },
        respond: { status: 429, body: { error: "slow down" }, headers: { "retry-after": "7" } },
        times: 2,
      });
      for (let i = 0; i < 2; i++) {
        const response = await sim.app.request("/items/1");
        expect(response.status).toBe(429);
        expect(response.headers.get("retry-after")).toBe("7");
        expect(await response.json()).toEqual({ error: "slow down" });
      }
      expect((await sim.app.request("/items/1")).status).toBe(200);
      expect(sim.journal.entries().map((e) => [e.status, e.fault])).toEqual([
        [429, "fault-1"],
        [429, "fault-1"],
        [200, undefined],
      ]);
    });

    it("matches exact paths exactly, and can be listed and removed", async () => {
      const sim = echoSimulator();
      const { id } = await addFault(sim, { match: { path: "/items" }, respond: { status: 500 } });
      expect((await sim.app.request("/items/1")).status).toBe(200);
      const listed = await (await sim.app.request("/_sim/faults")).json();
      expect(listed.faults.map((f: { id: string }) => f.id)).toEqual([id]);
      expect((await sim.app.request(`/_sim/faults/${id}`, { method: "DELETE" })).status).toBe(204);
      expect((await sim.app.request(`/_sim/faults/${id}`, { method: "DELETE" })).status).toBe(404);
    });

    it("sends malformed JSON, delays by the simulator's clock, and is cleared by reset", async () => {
      const sim = echoSimulator();
      await addFault(sim, { match: { path: "/items/1" }, kind: "malformed-json", times: 1 });
      const malformed = await sim.app.request("/items/1");
      expect(malformed.headers.get("content-type")).toBe("application/json");
      await expect(malformed.json()).rejects.toThrow();

      await addFault(sim, { match: { path: "/items/2" }, latencyMs: 5000 });
      let answered = false;
      const pending = Promise.resolve(sim.app.request("/items/2")).then((response) => {
        answered = true;
        return response;
      });
      await sim.clock.advance(4999);
      expect(answered).toBe(false);
      await sim.clock.advance(1);
      expect((await pending).status).toBe(200);

      await sim.app.request("/_sim/reset", { method: "POST" });
      expect(sim.faults.list()).toEqual([]);
    });

    it("applies a probabilistic fault to some requests only, reproducibly", async () => {
      const outcomes = async () => {
        const sim = echoSimulator();
        await addFault(sim, {
          match: { path: "/items/*" },
          respond: { status: 503 },
          probability: 0.5,
        });
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await sim.app.request(`/items/${i}`)).status);
        return statuses;
      };
      const first = await outcomes();
      expect(first).toContain(503);
      expect(first).toContain(200);
      expect(await outcomes()).toEqual(first);
    });

    it("resets the connection over a real socket", async () => {
      const sim = echoSimulator();
      const listener = await listen();
      listener.handle(sim.app.fetch);
      try {
        await addFault(sim, { match: { path: "/items/1" }, kind: "reset", times: 1 });
        await expect(fetch(`${listener.url}/items/1`)).rejects.toThrow();
        expect((await fetch(`${listener.url}/items/1`)).status).toBe(200);
      } finally {
        await listener.close();
      }
    });

    it("refuses an invalid fault", async () => {
      const sim = echoSimulator();
      const response = await sim.app.request("/_sim/faults", {
        method: "POST",
        body: JSON.stringify({ match: { path: "no-slash" } }),
      });
      expect(response.status).toBe(400);
    });
  });

  it("is a plain Hono app the simulator extends", () => {
    expect(echoSimulator().app).toBeInstanceOf(Hono);
  });
});
