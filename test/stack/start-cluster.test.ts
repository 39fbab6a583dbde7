import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import { readDevCa } from "../../apps/shared/dev-tls.ts";
import { fetchTrusting, withNodeRoots } from "../../apps/shared/trust.ts";
import { simControl } from "../contract/sim-control.ts";
import { freePort } from "../support/free-port.ts";
import {
  runToExit,
  type StackProcess,
  stackTestTimeoutMs,
  startStackProcess,
} from "../support/stack-process.ts";

// What `npm run start:cluster` runs: node itself, so a signal sent to it reaches its handler.
const startCluster = ["--import", "tsx", "apps/cluster/main.ts"];

/** The processes of a process group still running (Linux /proc). */
function stillRunning(group: number): string[] {
  const running: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      // The fields after the command's closing parenthesis: state, parent, group.
      const [state, , pgrp] =
        readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      if (Number(pgrp) !== group || state === "Z") continue;
      running.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim());
    } catch {
      // it ended while it was read
    }
  }
  return running;
}

/**
 * `npm run start:cluster` as a developer runs it and stops it: `kill` (SIGTERM) to the process they
 * started, which takes its replicas, its simulators and its PostgreSQL down with it.
 */
describe("npm run start:cluster", { timeout: stackTestTimeoutMs }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "start-cluster-"));
  let cluster: StackProcess | undefined;
  afterAll(async () => {
    await cluster?.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  const settings = async () => ({
    DATA_DIR: dataDir,
    REPLICAS: "2",
    LOG_LEVEL: "info",
    PORT: String(await freePort()),
    TOKEN_SERVER_PORT: String(await freePort()),
    MAXCONF_PORT: String(await freePort()),
    PEXIP_PORT: String(await freePort()),
    POSTGRES_PORT: String(await freePort()),
  });

  it("serves creates from its replicas; a SIGTERM lets the one in flight finish, then stops every process it started", async () => {
    cluster = await startStackProcess(process.execPath, startCluster, await settings());
    const device = readDevDevice(dataDir);
    const create = async (deviceCode: string) =>
      fetch(`${cluster?.urls.api}/video/v2/sessions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${await signDeviceToken(device, deviceCode)}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ client_id: device.clientId, device_code: deviceCode }),
      });
    const created = await create("cluster-device");
    expect(created.status, await created.clone().text()).toBe(201);
    expect(stillRunning(cluster.pid).some((command) => command.includes("postgres"))).toBe(true);

    // A create still waiting for its room when the stop comes: MaxConf answers it a second late.
    const maxconf = simControl(
      cluster.urls.maxconf,
      fetchTrusting(withNodeRoots(readDevCa(dataDir))),
    );
    await maxconf.fault({
      match: { method: "POST", path: "/room/create" },
      latencyMs: 1_000,
      times: 1,
    });
    const inFlight = create("stopping-device");
    // The fault is gone once it has taken its request: the create is waiting on MaxConf.
    await expect.poll(() => maxconf.armedFaults()).toBe(0);

    process.kill(cluster.pid, "SIGTERM");
    expect((await inFlight).status).toBe(201);
    expect(await cluster.exited).toBe(0);
    await expect.poll(() => stillRunning(cluster?.pid ?? 0), { timeout: 5_000 }).toEqual([]);
  });

  it("starts nothing and names the port when one of its ports is in use (npm start still running)", async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const busy = (other.address() as AddressInfo).port;
    const run = await runToExit(process.execPath, startCluster, {
      ...(await settings()),
      MAXCONF_PORT: String(busy),
    });
    other.close();
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toContain(`in use already: MAXCONF_PORT ${busy}`);
    expect(output).not.toContain("cluster is up");
  });

  it("stops every process it started when the SIGTERM comes while it starts (the simulators up, the replicas not yet)", async () => {
    cluster = await startStackProcess(
      process.execPath,
      startCluster,
      await settings(),
      // The simulators' banner: PostgreSQL and the simulators are up, the replicas come next.
      "Control API on each simulator",
    );
    expect(cluster.banner).not.toContain("Try it:");
    process.kill(cluster.pid, "SIGTERM");
    expect(await cluster.exited).toBe(0);
    await expect.poll(() => stillRunning(cluster?.pid ?? 0), { timeout: 5_000 }).toEqual([]);
  });
});
