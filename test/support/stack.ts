import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { ensureDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import { devAppClientId } from "../../apps/stack/compose-stack.ts";
import { type StackOptions, startStack } from "../../apps/stack/stack.ts";
import { VirtualClock } from "../../simulators/control/clock.ts";
import { testTls } from "./dev-tls.ts";
import { simSeed } from "./sim-seed.ts";

export interface TestStackOptions extends Partial<StackOptions> {
  /** Extra service settings, given the stack's data folder (for files a setting names). */
  configure?: (dataDir: string) => Record<string, string>;
}

/** The folder of one dev device for this process's stacks (an RSA key pair takes 100–200 ms). */
let devDeviceDir: Promise<string> | undefined;

/** A new data folder holding the process's dev device, as a stack started before would. */
async function dataDirWithDevice(): Promise<string> {
  devDeviceDir ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "bcsc-device-"));
    await ensureDevDevice(dir, devAppClientId);
    return join(dir, "dev-device");
  })();
  const dataDir = mkdtempSync(join(tmpdir(), "bcsc-stack-"));
  cpSync(await devDeviceDir, join(dataDir, "dev-device"), { recursive: true });
  return dataDir;
}

/**
 * The whole stack on ephemeral ports, the simulators over HTTPS with the run's dev CA, a fresh
 * database, and a virtual clock the test moves. The clock starts on Wednesday 2026-11-25, 10:00 in
 * Vancouver.
 */
export async function startTestStack(options: TestStackOptions = {}) {
  const { configure, ...stackOptions } = options;
  const clock = new VirtualClock(Date.parse("2026-11-25T18:00:00Z"));
  const seed = simSeed(424242);
  const dataDir = await dataDirWithDevice();
  const stack = await startStack({
    ports: { api: 0, tokenServer: 0, maxconf: 0, pexip: 0 },
    dataDir,
    tls: testTls(),
    clock,
    seed,
    agentJoinDelayMs: 3000,
    ...stackOptions,
    env: {
      SQLITE_SYNCHRONOUS: "NORMAL",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      ...configure?.(dataDir),
      ...stackOptions.env,
    },
  });

  /** Calls the API as a device: a bearer token signed by the dev device key. */
  const asDevice = (deviceCode: string) => {
    const call = async (method: string, path: string, body?: unknown, init: RequestInit = {}) => {
      const token = await signDeviceToken(stack.device, deviceCode);
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      if (body !== undefined && !headers.has("content-type"))
        headers.set("content-type", "application/json");
      const response = await fetch(`${stack.urls.api}${path}`, {
        method,
        headers,
        body: typeof body === "string" || body === undefined ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      };
    };
    /** The app's create, as the shipped app sends it. */
    const create = () =>
      call("POST", "/video/v2/sessions", {
        client_id: stack.device.clientId,
        device_code: deviceCode,
      });
    return { clientId: stack.device.clientId, deviceCode, call, create };
  };

  /**
   * Moves the virtual clock in steps, letting the service's background jobs (which talk to the
   * simulators over real sockets) finish after each step, as they would in real time.
   */
  const passTime = async (ms: number, stepMs = 5_000) => {
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      await clock.advance(Math.min(stepMs, ms - elapsed));
      await stack.service.backgroundIdle();
    }
  };

  return { ...stack, clock, seed, dataDir, asDevice, passTime };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * One stack for all the tests of a `describe`: started before the first, closed after the last.
 * Read it inside a test (`stack()`), once it has started.
 */
export function sharedTestStack(options?: TestStackOptions): () => TestStack {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(options);
  });
  afterAll(() => stack?.close());
  return () => {
    if (!stack) throw new Error("the shared test stack has not started");
    return stack;
  };
}
