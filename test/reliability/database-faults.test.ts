import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleService } from "../../apps/api/build.ts";
import {
  type RunningPostgres,
  startEmbeddedPostgres,
} from "../../apps/shared/embedded-postgres.ts";
import { freePort } from "../support/free-port.ts";
import { startServiceProcess } from "../support/service-process.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

/** What the service does when its PostgreSQL is not there: at start, and while it runs. */
describe("PostgreSQL away", () => {
  let stack: TestStack | undefined;
  let server: RunningPostgres | undefined;
  afterAll(async () => {
    await stack?.close();
    await server?.stop();
  });

  it("at start: one clear error naming DATABASE_URL, its password masked, and exit 2", async () => {
    const url = "postgres://video:s3cret-password@127.0.0.1:1/video";
    const starting = startServiceProcess(await bundleService(), {
      PORT: "0",
      DATABASE_URL: url,
      ENTRA_TENANT: "t",
      ENTRA_CLIENT_ID: "c",
      ENTRA_CLIENT_SECRET: "s",
      ENTRA_SCOPE: "api://maxconf/.default",
      MAXCONF_URL: "http://127.0.0.1:1",
      BCSC_CLIENT_KEYS_FILE: "/dev/null",
      DESTINATION_HOST: "pexip.test",
    });
    const error = (await starting.then(
      () => new Error("the service started"),
      (refusal: Error) => refusal,
    )) as Error;
    expect(error.message).toMatch(/exited \(2\)/);
    expect(error.message).toContain("DATABASE_URL postgres://video:*****@127.0.0.1:1/video");
    expect(error.message).not.toContain("s3cret-password");
  });

  it("while running: 503 with Retry-After and readyz naming it, then back by itself", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bcsc-pg-away-"));
    const port = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    stack = await startTestStack({ env: { DATABASE_URL: server.url } });
    const s = stack;
    const before = await s.asDevice("before-the-outage").create();
    expect(before.status).toBe(201);

    await server.stop();
    const during = await s.asDevice("during-the-outage").create();
    expect(during.status).toBe(503);
    expect(during.headers.get("content-type")).toContain("application/problem+json");
    expect(during.headers.get("retry-after")).toBe("2");
    const ready = await fetch(`${s.urls.api}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.database).toBe("unreachable");

    server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    await expect
      .poll(async () => (await s.asDevice("after-the-outage").create()).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(201);
    const kept = await s
      .asDevice("before-the-outage")
      .call("GET", `/video/v2/sessions/${before.body?.session_id}`);
    expect(kept.status).toBe(200);
    expect((await fetch(`${s.urls.api}/readyz`)).status).toBe(200);
  }, 60_000);
});
