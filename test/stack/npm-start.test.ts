import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevDevice, readDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import { readDevCa } from "../../apps/shared/dev-tls.ts";
import { fetchTrusting, withNodeRoots } from "../../apps/shared/trust.ts";
import type { JournalEntry } from "../../simulators/index.ts";
import {
  runToExit,
  type StackProcess,
  stackTestTimeoutMs,
  startStackProcess,
} from "../support/stack-process.ts";

// What `npm start` runs: node itself (no tsx CLI between it and the signals it is sent).
const npmStart = ["--import", "tsx", "apps/stack/main.ts"];
const freePorts = { PORT: "0", TOKEN_SERVER_PORT: "0", MAXCONF_PORT: "0", PEXIP_PORT: "0" };

/**
 * `npm start` as an integrator runs it: their app client's keys, their video configuration and
 * their Entra credentials in the environment. The child trusts nothing but the CA it made, so its
 * service's calls to the simulators (over HTTPS) work only if it hands that CA to its adapters.
 */
describe("npm start with an integrator's settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "npm-start-"));
  const dataDir = join(dir, "data");
  const videoConfigFile = join(dir, "video-config.json");
  const credentials = {
    ENTRA_TENANT: "integrator-tenant",
    ENTRA_CLIENT_ID: "integrator-video-api",
    ENTRA_CLIENT_SECRET: "integrator-secret",
  };
  let stack: StackProcess;
  let trustingItsCa: typeof fetch;

  beforeAll(async () => {
    const integratorsApp = await ensureDevDevice(join(dir, "integrator"), "integrator-app");
    writeFileSync(
      videoConfigFile,
      JSON.stringify({
        destinations: [{ destination_name: "Integrator Queue", destination_priority: 1 }],
        service_hours: {
          time_zone: "America/Vancouver",
          regular_service_periods: [
            { start_day: "MONDAY", end_day: "SUNDAY", start_time: "00:00", end_time: "23:59" },
          ],
          service_unavailable_periods: [],
        },
      }),
    );
    stack = await startStackProcess(process.execPath, npmStart, {
      ...freePorts,
      DATA_DIR: dataDir,
      LOG_LEVEL: "silent",
      BCSC_CLIENT_KEYS_FILE: integratorsApp.keysFile,
      VIDEO_CONFIG_FILE: videoConfigFile,
      ...credentials,
    });
    trustingItsCa = fetchTrusting(withNodeRoots(readDevCa(dataDir)));
  }, stackTestTimeoutMs);
  afterAll(async () => {
    await stack?.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const create = async (app: Awaited<ReturnType<typeof ensureDevDevice>>, deviceCode: string) =>
    fetch(`${stack.urls.api}/video/v2/sessions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await signDeviceToken(app, deviceCode)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ client_id: app.clientId, device_code: deviceCode }),
    });

  it("prints its dev CA, how to trust it, and the Entra client without its secret", () => {
    expect(stack.urls.tokenServer).toMatch(/^https:/);
    expect(stack.banner).toContain(`NODE_EXTRA_CA_CERTS=${join(dataDir, "dev-ca", "ca.pem")}`);
    expect(stack.banner).toContain(
      `authority ${stack.urls.tokenServer}/integrator-tenant, client integrator-video-api, secret from ENTRA_CLIENT_SECRET`,
    );
    expect(stack.banner).not.toContain("integrator-secret");
  });

  it("verifies the integrator's devices and the demo's, and gets its token with their credentials", async () => {
    const integratorsApp = readDevDevice(join(dir, "integrator"));
    const theirs = await create(integratorsApp, "integrator-device");
    expect(theirs.status, await theirs.clone().text()).toBe(201);
    expect(await theirs.json()).toMatchObject({ status: "session_granted" });
    expect((await create(readDevDevice(dataDir), "demo-device")).status).toBe(201);

    const journal = await trustingItsCa(`${stack.urls.tokenServer}/_sim/journal`);
    const { entries } = (await journal.json()) as { entries: JournalEntry[] };
    const tokenRequests = entries.filter((entry) => entry.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenRequests.map((entry) => [entry.path, entry.status])).toEqual([
      ["/integrator-tenant/oauth2/v2.0/token", 200],
    ]);
    expect(String(tokenRequests[0]?.body)).toContain("client_id=integrator-video-api");
  });

  it("serves the integrator's video configuration", async () => {
    const answer = await fetch(`${stack.urls.api}/video/v2/destinations`, {
      headers: {
        authorization: `Bearer ${await signDeviceToken(readDevDevice(dataDir), "config-reader")}`,
      },
    });
    expect(await answer.json()).toEqual([
      expect.objectContaining({ destination_name: "Integrator Queue" }),
    ]);
  });
});

describe("npm start with a setting it cannot use", () => {
  it("stops with one error naming the setting", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "npm-start-bad-"));
    try {
      const run = await runToExit(process.execPath, npmStart, {
        ...freePorts,
        DATA_DIR: dataDir,
        RATE_LIMIT_PER_MINUTE: "lots",
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^npm start: invalid configuration:/);
      expect(run.stderr).toContain("RATE_LIMIT_PER_MINUTE");
      expect(run.stdout).not.toContain("stack is up");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
