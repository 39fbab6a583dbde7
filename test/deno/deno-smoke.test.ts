import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../apps/demo/flow.ts";
import { readDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import type { JournalEntry } from "../../simulators/index.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readyTimeoutMs = 12_000;

/**
 * The stack as a Deno child process on free ports, the mobile app's whole flow against it over
 * real sockets (the simulated agent on real time, answering after 200 ms), then a clean stop.
 */
describe("the stack on Deno", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bcsc-deno-stack-"));
  let deno: DenoStack;

  beforeAll(async () => {
    deno = await startDenoStack({
      PORT: "0",
      TOKEN_SERVER_PORT: "0",
      MAXCONF_PORT: "0",
      PEXIP_PORT: "0",
      DATA_DIR: dataDir,
      AGENT_JOIN_DELAY_MS: "200",
    });
  });

  afterAll(async () => {
    await deno?.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the mobile app's flow and deletes the room at MaxConf", async () => {
    const device = readDevDevice(dataDir);
    const deviceCode = `deno-smoke-${randomUUID()}`;
    const summary = await runDemo({
      api: deno.urls.api,
      clientId: device.clientId,
      deviceCode,
      authorization: async () => `Bearer ${await signDeviceToken(device, deviceCode)}`,
      keepAliveIntervalMs: 0,
      log: () => {},
    });
    expect(summary.sessionStatuses).toEqual([
      "session_granted",
      "session_started",
      "session_ended",
    ]);
    expect(summary.callStatuses).toContain("call_in_call");
    expect(summary.callStatuses.at(-1)).toBe("call_ended");

    const creates = await maxconfJournal("POST", "/room/create");
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({
      status: 200,
      query: { uuiData: Buffer.from(summary.sessionId).toString("hex") },
    });
    // Ending the session owes MaxConf the room's deletion: 200, or 404 when MaxConf had already
    // deleted it on Pexip's conference_ended. Either way the room is gone.
    const roomDeletions = () => maxconfJournal("DELETE", `/room/${summary.roomName}`);
    await expect.poll(roomDeletions).toHaveLength(1);
    expect([200, 404]).toContain((await roomDeletions())[0]?.status);
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(await deno.stop("SIGTERM")).toBe(0);
  });

  async function maxconfJournal(method: string, path: string): Promise<JournalEntry[]> {
    const query = new URLSearchParams({ method, path });
    const response = await fetch(`${deno.urls.maxconf}/_sim/journal?${query}`);
    return ((await response.json()) as { entries: JournalEntry[] }).entries;
  }
});

interface DenoStack {
  urls: { api: string; maxconf: string };
  /** Signals the process and resolves with its exit code; SIGKILL if it lingers over 5 s. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs what `deno task start` (and so `npm run start:deno`) runs, and waits for the banner with
 * the URLs of the ports it was given.
 */
async function startDenoStack(env: Record<string, string>): Promise<DenoStack> {
  const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const [binary = "", ...args] = (denoJson.tasks.start.command as string).split(" ");
  // No binary is a broken install, not a reason to skip.
  if (!existsSync(join(root, binary))) {
    throw new Error(`no deno binary at ${binary}: run npm install (devDependency "deno")`);
  }
  const child = spawn(join(root, binary), args, {
    cwd: root,
    // Plain text, so a failure's stderr reads well in the test report.
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = async (signal: NodeJS.Signals) => {
    const lingering = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.kill(signal);
    const code = await exited;
    clearTimeout(lingering);
    return code;
  };

  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  try {
    const urls = await new Promise<DenoStack["urls"]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not up after ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const api = /^\s+API\s+(http:\S+)\/video\/v2\/sessions/m.exec(stdout)?.[1];
        const maxconf = /^\s+MaxConf\s+(http:\S+)/m.exec(stdout)?.[1];
        if (api && maxconf) {
          clearTimeout(timer);
          resolve({ api, maxconf });
        }
      });
      child.once("error", reject);
      child.once("exit", (code, signal) => reject(new Error(`exited (${code ?? signal})`)));
    });
    return { urls, stop };
  } catch (error) {
    await stop("SIGKILL");
    throw new Error(
      `the Deno stack did not start: ${(error as Error).message}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    );
  }
}
