import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { createControlPlane } from "../../simulators/control/control-plane.ts";
import { listen } from "./listen.ts";
import { startWiredStack, type WiredStack } from "./wired-stack.ts";

function echoSimulator() {
  const clock = new VirtualClock();
  let loud = false;
  const control = createControlPlane({
    simulator: "echo",
    clock,
    seed: 1,
    resetState: () => {},
    scenarios: {
      loud: {
        description: "Shouts",
        engage: () => {
          loud = true;
          return () => {
            loud = false;
          };
        },
      },
    },
  });
  control.app.get("/items/:id", (c) => c.json({ id: c.req.param("id"), loud }));
  const apply = (name: string) =>
    control.app.request(`/_sim/scenarios/${name}`, { method: "POST" });
  return { ...control, clock, apply };
}

describe("scenario presets", () => {
  it("lists the common scenarios and the simulator's own, with descriptions", async () => {
    const sim = echoSimulator();
    const listed = await (await sim.app.request("/_sim/scenarios")).json();
    expect(listed.active).toBeNull();
    expect(listed.scenarios.map((s: { name: string }) => s.name)).toEqual([
      "outage",
      "slow",
      "flaky",
      "rate-limited",
      "reset-connections",
      "malformed",
      "loud",
    ]);
    for (const scenario of listed.scenarios) expect(scenario.description).not.toBe("");
  });

  it("applies one scenario at a time as ordinary faults; DELETE ends it", async () => {
    const sim = echoSimulator();
    const applied = await sim.apply("outage");
    expect(applied.status).toBe(201);
    expect((await applied.json()).faults).toEqual([expect.objectContaining({ id: "fault-1" })]);
    const down = await sim.app.request("/items/1");
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: "service_unavailable" });

    await sim.apply("rate-limited");
    expect(sim.faults.list().map(({ id }) => id)).toEqual(["fault-2"]);
    const limited = await sim.app.request("/items/1");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("5");
    expect((await (await sim.app.request("/_sim/scenarios")).json()).active).toBe("rate-limited");

    expect((await sim.app.request("/_sim/scenarios", { method: "DELETE" })).status).toBe(204);
    expect((await sim.app.request("/items/1")).status).toBe(200);
    expect(sim.faults.list()).toEqual([]);
    expect((await sim.app.request("/_sim/health")).status).toBe(200);
  });

  it("leaves faults added by hand alone", async () => {
    const sim = echoSimulator();
    sim.faults.add({ match: { path: "/items/9" }, respond: { status: 418 } });
    await sim.apply("malformed");
    await sim.app.request("/_sim/scenarios", { method: "DELETE" });
    expect(sim.faults.list().map(({ id }) => id)).toEqual(["fault-1"]);
  });

  it("switches simulator behaviour on and off (DELETE /_sim/faults and reset end it too)", async () => {
    const sim = echoSimulator();
    const loud = async () => (await (await sim.app.request("/items/1")).json()).loud;
    await sim.apply("loud");
    expect(await loud()).toBe(true);
    await sim.app.request("/_sim/faults", { method: "DELETE" });
    expect(await loud()).toBe(false);
    await sim.apply("loud");
    await sim.app.request("/_sim/reset", { method: "POST" });
    expect(await loud()).toBe(false);
    expect(sim.scenarios.active()).toBeUndefined();
  });

  it("answers 404 with the known names for an unknown scenario", async () => {
    const response = await echoSimulator().apply("toString");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: "unknown_scenario",
      scenarios: expect.arrayContaining(["outage", "loud"]),
    });
  });

  it("is slow by 2 s on the simulator's clock", async () => {
    const sim = echoSimulator();
    await sim.apply("slow");
    let answered = false;
    const pending = Promise.resolve(sim.app.request("/items/1")).then((response) => {
      answered = true;
      return response;
    });
    await sim.clock.advance(1999);
    expect(answered).toBe(false);
    await sim.clock.advance(1);
    expect((await pending).status).toBe(200);
  });

  it("fails about 30% of requests when flaky, the same ones for the same seed", async () => {
    const statuses = async () => {
      const sim = echoSimulator();
      await sim.apply("flaky");
      const seen: number[] = [];
      for (let i = 0; i < 200; i++) seen.push((await sim.app.request(`/items/${i}`)).status);
      return seen;
    };
    const first = await statuses();
    const failures = first.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(80);
    expect(await statuses()).toEqual(first);
  });

  it("resets connections over a real socket", async () => {
    const sim = echoSimulator();
    const listener = await listen();
    listener.handle(sim.app.fetch);
    try {
      await sim.apply("reset-connections");
      await expect(fetch(`${listener.url}/items/1`)).rejects.toThrow();
    } finally {
      await listener.close();
    }
  });

  describe("on the wired simulators", () => {
    let stack: WiredStack;
    beforeAll(async () => {
      stack = await startWiredStack({ poolSize: 0 });
    });
    afterAll(() => stack.close());

    it.each([
      ["tokenServer", ["expired-tokens"]],
      ["maxconf", ["expired-tokens"]],
      ["pexip", []],
    ] as const)("%s offers the common scenarios plus %j", async (simulator, own) => {
      const response = await fetch(`${stack.urls[simulator]}/_sim/scenarios`);
      const names = (await response.json()).scenarios.map((s: { name: string }) => s.name);
      expect(names).toEqual([
        "outage",
        "slow",
        "flaky",
        "rate-limited",
        "reset-connections",
        "malformed",
        ...own,
      ]);
    });

    it("takes MaxConf down and back up", async () => {
      await fetch(`${stack.urls.maxconf}/_sim/scenarios/outage`, { method: "POST" });
      expect((await fetch(`${stack.urls.maxconf}/health`)).status).toBe(503);
      await fetch(`${stack.urls.maxconf}/_sim/scenarios`, { method: "DELETE" });
      expect((await fetch(`${stack.urls.maxconf}/health`)).status).toBe(200);
    });
  });
});
