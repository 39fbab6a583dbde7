import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../../apps/demo/flow.ts";
import { readDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import { readDevCa } from "../../apps/shared/dev-tls.ts";
import { fetchTrusting, withNodeRoots } from "../../apps/shared/trust.ts";
import type { JournalEntry } from "../../simulators/index.ts";
import { freshDatabase } from "../support/postgres.ts";
import {
  repositoryRoot,
  type StackProcess,
  stackTestTimeoutMs,
  startStackProcess,
} from "../support/stack-process.ts";

/**
 * The stack as a Deno child process on free ports, the mobile app's whole flow against it over
 * real sockets (the simulators over HTTPS with the dev CA it made, trusted here; the simulated
 * agent on real time, answering after 200 ms), then a clean stop.
 */
describe.each([
  { store: "SQLite (node:sqlite)", postgres: false },
  { store: "PostgreSQL (pg)", postgres: true },
])("the stack on Deno, on $store", ({ postgres }) => {
  const dataDir = mkdtempSync(join(tmpdir(), "bcsc-deno-stack-"));
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let deno: StackProcess;
  let trustingItsCa: typeof fetch;

  beforeAll(async () => {
    database = postgres ? await freshDatabase() : undefined;
    deno = await startDenoStack({
      PORT: "0",
      TOKEN_SERVER_PORT: "0",
      MAXCONF_PORT: "0",
      PEXIP_PORT: "0",
      DATA_DIR: dataDir,
      AGENT_JOIN_DELAY_MS: "200",
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    trustingItsCa = fetchTrusting(withNodeRoots(readDevCa(dataDir)));
  }, stackTestTimeoutMs);

  afterAll(async () => {
    await deno?.stop("SIGKILL");
    await database?.drop();
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
      fetch: trustingItsCa,
    });
    expect(summary.sessionStatuses).toEqual([
      "session_granted",
      "session_started",
      "session_ended",
    ]);
    expect(summary.callStatuses).toContain("call_in_call");
    expect(summary.callStatuses.at(-1)).toBe("call_ended");
    if (database) {
      // It was PostgreSQL's to keep.
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      const { rows } = await db.query("SELECT state FROM sessions WHERE id = $1", [
        summary.sessionId,
      ]);
      await db.end();
      expect(rows).toEqual([{ state: "session_ended" }]);
    }

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
    const response = await trustingItsCa(`${deno.urls.maxconf}/_sim/journal?${query}`);
    return ((await response.json()) as { entries: JournalEntry[] }).entries;
  }
});

/** What `deno task start` (and so `npm run start:deno`) runs. */
async function startDenoStack(env: Record<string, string>): Promise<StackProcess> {
  const denoJson = JSON.parse(readFileSync(join(repositoryRoot, "deno.json"), "utf8"));
  const [binary = "", ...args] = (denoJson.tasks.start.command as string).split(" ");
  // No binary is a broken install, not a reason to skip.
  if (!existsSync(join(repositoryRoot, binary))) {
    throw new Error(`no deno binary at ${binary}: run npm install (devDependency "deno")`);
  }
  return startStackProcess(join(repositoryRoot, binary), args, env);
}
