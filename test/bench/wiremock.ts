import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../support/free-port.ts";
import { type Child, supervised, waitFor } from "./processes.ts";

const jarFolder = new URL("../../node_modules/wiremock/build/", import.meta.url).pathname;

/**
 * WireMock 3 (the `wiremock` package's standalone jar, on Java 17) answering POST /room/create
 * with a fixed body: a static stub. `lean` turns its request journal and request logging off.
 * (A journal bounded like the simulator's, --max-request-journal-entries, makes WireMock ten
 * times slower still, so it is not offered.)
 */
export async function startWireMock(
  dir: string,
  answer: unknown,
  lean: boolean,
): Promise<{ url: string; child: Child }> {
  const jar = readdirSync(jarFolder).find((file) => /^wiremock-standalone-.*\.jar$/.test(file));
  if (!jar) throw new Error(`no WireMock jar in ${jarFolder}`);
  const root = join(dir, "wiremock");
  mkdirSync(join(root, "mappings"), { recursive: true });
  writeFileSync(
    join(root, "mappings", "room-create.json"),
    JSON.stringify({
      request: { method: "POST", urlPath: "/room/create" },
      response: {
        status: 200,
        headers: { "content-type": "application/json" },
        jsonBody: answer,
      },
    }),
  );
  const port = await freePort();
  const logFile = join(dir, "wiremock.log");
  const log = openSync(logFile, "a");
  const spawnedAt = performance.now();
  const java = spawn(
    "java",
    [
      "-jar",
      join(jarFolder, jar),
      "--port",
      String(port),
      "--bind-address",
      "127.0.0.1",
      "--root-dir",
      root,
      ...(lean ? ["--no-request-journal", "--disable-request-logging"] : []),
      "--disable-banner",
    ],
    { stdio: ["ignore", log, log] },
  );
  closeSync(log);
  const child = supervised(java, spawnedAt);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/__admin/health`, child, logFile, { timeoutMs: 60_000, everyMs: 100 });
  return { url, child };
}
