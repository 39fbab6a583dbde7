import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleService } from "../../apps/api/build.ts";
import { runDemo } from "../../apps/demo/flow.ts";
import { ensureDevDevice, signDeviceToken } from "../../apps/shared/dev-device.ts";
import { launchChromium, type TestBrowser } from "../support/chromium.ts";
import { testTls } from "../support/dev-tls.ts";
import { startServiceProcess } from "../support/service-process.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

/** Where the session page's screenshot goes; README's picture is made with this set to its path. */
const SCREENSHOT = process.env.OPS_CONSOLE_SCREENSHOT ?? join(tmpdir(), "ops-console.png");
const WAIT = { timeout: 10_000 };
const SESSION = "PUT /video/v2/sessions/{session_id}";
const CALLS = "PUT /video/v2/sessions/{session_id}/calls";

/**
 * The support staff's console (`/ops`) in Chromium, on the dev stack (the API over HTTPS with the
 * dev CA): one-click sign-in, the demo's session seen live, its page drawing the seed's arrows
 * from its real rows; then a MaxConf failure drawn red and named by the verdict.
 */
describe("the operations console in Chromium", () => {
  let chromium: TestBrowser;
  let stack: TestStack;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    chromium = await launchChromium("the operations console");
    const { certFile, keyFile } = testTls();
    // The service starts while the token server is down, so the demo's create is the one that
    // fetches a token: the seed's "alt no active token".
    stack = await startTestStack({
      env: { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile },
      beforeService: (urls) =>
        fault(urls.tokenServer, { match: { path: "/*" }, respond: { status: 500 } }),
    });
    await stack.service.backgroundIdle();
    await fetch(`${stack.urls.tokenServer}/_sim/faults`, { method: "DELETE" });
    page = await chromium.context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      // CSP refusals and failed loads, too
      if (message.type() === "error")
        pageErrors.push(`${message.text()} ${message.location().url}`);
    });
    await page.goto(`${stack.urls.api}/ops`);
    await page.click("#dev-sign-in"); // one click: the dev stack's token simulator signs one
    await page.locator("#who", { hasText: "Signed in as bcsc-ops-console" }).waitFor(WAIT);
    expect(await page.textContent("#who")).toContain("VideoApi.Support");
  });
  afterAll(async () => {
    await chromium?.close();
    await stack?.close();
  });

  it("shows the demo's session live, then every arrow of the seed the service saw", async () => {
    let callPending = () => {};
    const agentCalled = new Promise<void>((resolve) => {
      callPending = resolve;
    });
    const deviceCode = "console-demo-device";
    const demo = runDemo({
      api: stack.urls.api,
      clientId: stack.device.clientId,
      deviceCode,
      authorization: async () => `Bearer ${await signDeviceToken(stack.device, deviceCode)}`,
      keepAliveIntervalMs: 0,
      log: (line) => {
        if (line.includes("report call_media_pending")) callPending();
      },
    });
    demo.catch(() => {}); // awaited below; a failure before that is the test's own
    await agentCalled;
    const live = page.locator("#live-sessions tbody tr[data-status=session_started]");
    await live.waitFor(WAIT);
    expect(await page.textContent("#counts")).toContain("session_started: 1");
    const sessionId = await live.getAttribute("data-session-id");
    await live.locator("a").click();
    // The call so far: the app waits for the agent, as the verdict says.
    await page.locator('g.arrow[data-label="call_media_pending"]').waitFor(WAIT);
    expect(await page.getAttribute("#verdict", "data-code")).toBe("silent_after_ringing");

    await stack.clock.advance(5000); // the simulated agent answers; the demo ends its call
    const { callStatuses } = await demo;
    const deletion = page.locator('g.arrow[data-label="DELETE /room/{name}"]');
    await refreshUntilShown(page, deletion);
    expect(await page.getAttribute("#verdict", "data-code")).toBe("room_deleted");

    // The outbox's deletion is drawn after the request that owed it, or at its own time when the
    // delivery ran outside that request: the seed's flow is checked without it, then it alone.
    const deletionRow = await deletion.getAttribute("data-seq");
    const deletionSteps = [
      "api → maxconf: DELETE /room/{name}",
      // 404 when Pexip's end had MaxConf delete it first (the seed's way): done all the same.
      expect.stringMatching(/^maxconf → api: (200|404)$/),
    ];
    const steps = `#diagram :is(g.arrow, g.note):not([data-seq="${deletionRow}"])`;
    expect(await drawn(page.locator(steps))).toEqual([
      "app → api: POST /video/v2/sessions",
      "note: allocating",
      "api → token-server: POST /{tenant}/oauth2/v2.0/token",
      "token-server → api: 200",
      "api → maxconf: POST /room/create",
      "maxconf → api: 200",
      "note: session_granted",
      "api → app: 201",
      `app → api: ${SESSION}`,
      "note: session_started",
      "api → app: 200",
      ...callStatuses.flatMap((status) => [
        `pexip → app: ${status}`,
        `app → api: ${CALLS}`,
        "api → app: 200",
      ]),
      `app → api: ${SESSION}`,
      "note: session_ended",
      "api → app: 200",
    ]);
    expect(await drawn(page.locator(`#diagram [data-seq="${deletionRow}"]`))).toEqual(
      deletionSteps,
    );
    expect(callStatuses).toEqual(expect.arrayContaining(["call_ringing", "call_in_call"]));
    expect(await page.locator('#diagram [data-failed="true"]').count()).toBe(0);
    // The verdict rests on the deletion: highlighted.
    expect(await drawn(page.locator('#diagram [data-verdict="true"]'))).toEqual(deletionSteps);
    // Real times and latencies: the 201 says how long the create took.
    const created = page.locator('g.arrow[data-label="201"]');
    expect(await created.textContent()).toMatch(/201\s+\d+ ms/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
    expect(exported.session.session_id).toBe(sessionId);
    expect(exported.verdict.code).toBe("room_deleted");
    expect(await page.locator("#rows tbody tr").count()).toBe(exported.entries.length);
    expect(pageErrors).toEqual([]);
  });

  it("draws MaxConf's failed room create red, and the verdict names MaxConf", async () => {
    await fault(stack.urls.maxconf, {
      match: { method: "POST", path: "/room/create" },
      respond: { status: 500 },
      times: 1,
    });
    expect((await stack.asDevice("console-maxconf-fault").create()).status).toBe(503);

    await page.click("text=← All sessions");
    await page.selectOption("#search select[name=status]", "session_failed");
    await page.click("#search button[type=submit]");
    await page.locator("#found tbody tr[data-status=session_failed] a").click();
    const failed = page.locator('#diagram g.arrow[data-failed="true"]');
    await refreshUntilShown(page, failed);
    expect(await page.getAttribute("#verdict", "data-blames")).toBe("maxconf");
    expect(await page.getAttribute("#verdict", "data-code")).toBe("maxconf_create_failed");
    expect(await page.textContent("#verdict")).toContain("MaxConf failed the room create");
    expect(await drawn(failed)).toEqual(["maxconf → api: 500", "api → app: 503"]);
    expect(await drawn(page.locator('#diagram [data-verdict="true"]'))).toEqual([
      "api → maxconf: POST /room/create",
      "maxconf → api: 500",
    ]);
    expect(pageErrors).toEqual([]);
  });

  it("keeps the sign-in for the tab, signs out, and takes a pasted token (as from Entra)", async () => {
    await page.reload();
    await page.locator("#who", { hasText: "Signed in as bcsc-ops-console" }).waitFor(WAIT);
    await page.click("#sign-out");
    await page.waitForURL(/\/ops$/, WAIT);
    expect(await page.textContent("#who")).toBe("Not signed in.");
    expect(await page.isHidden("#sessions-view")).toBe(true);

    await page.fill("#token", "not a token");
    await page.click("#paste-token button[type=submit]");
    expect(await page.textContent("#problem")).toContain("not a JWT");
    const answer = await fetch(`${stack.urls.api}/dev/staff-token`, { method: "POST" });
    const { access_token } = (await answer.json()) as { access_token: string };
    await page.fill("#token", access_token);
    await page.click("#paste-token button[type=submit]");
    await page.locator("#live-state", { hasText: "(live)" }).waitFor(WAIT); // the token works
    expect(await page.textContent("#who")).toContain("bcsc-ops-console");
    expect(pageErrors).toEqual([]);
  });
});

/** Arms a fault at a simulator (its control API). */
async function fault(simulator: string, spec: unknown): Promise<void> {
  const armed = await fetch(`${simulator}/_sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  expect(armed.status).toBe(201);
}

/** The diagram's arrows and notes, in order, as "from → to: label". */
function drawn(steps: Locator): Promise<string[]> {
  return steps.evaluateAll((elements) =>
    elements.map((step) => {
      const { from, to, label } = (step as SVGElement).dataset;
      return to ? `${from} → ${to}: ${label}` : `note: ${label}`;
    }),
  );
}

/** A row may be stored a moment after the answer that made it: Refresh until it is drawn. */
async function refreshUntilShown(page: Page, step: Locator): Promise<void> {
  await expect
    .poll(async () => {
      await page.click("#refresh");
      return step.count();
    }, WAIT)
    .toBeGreaterThan(0);
}

describe("the operations console in the built service (npm run api, the Docker image)", () => {
  it("serves the page and its script, bundled at build time", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bcsc-built-console-"));
    const device = await ensureDevDevice(dataDir, "built-console-app");
    const service = await startServiceProcess(await bundleService(), {
      PORT: "0",
      DATABASE_PATH: join(dataDir, "video-api.db"),
      ENTRA_TENANT: "t",
      ENTRA_CLIENT_ID: "c",
      ENTRA_CLIENT_SECRET: "s",
      ENTRA_SCOPE: "api://maxconf/.default",
      MAXCONF_URL: "http://127.0.0.1:1",
      BCSC_CLIENT_KEYS_FILE: device.keysFile,
      DESTINATION_HOST: "pexip.test",
    });
    try {
      const page = await fetch(`${service.url}/ops`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("/ops/console.js");
      const script = await fetch(`${service.url}/ops/console.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect((await script.text()).length).toBeGreaterThan(10_000);
    } finally {
      service.process.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
