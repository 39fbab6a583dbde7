import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { ensureDevDevice } from "../../apps/shared/dev-device.ts";
import { allowCitizenPageOrigin } from "../../apps/stack/citizen-page/cross-origin.ts";
import { withCitizenPage } from "../../apps/stack/citizen-page/dev-routes.ts";

const pexip = async () => Response.json({ status: "success", result: true });

describe("CORS for the citizen page on the Pexip simulator's port", () => {
  const handler = allowCitizenPageOrigin(pexip, "http://127.0.0.1:8080");

  it("answers the page's preflight and marks its answers", async () => {
    const origin = "http://localhost:8080";
    const preflight = await handler(
      new Request("http://127.0.0.1:8083/api/client/v2/conferences/a/request_token", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-headers": "pin, content-type" },
      }),
      {},
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("pin");
    const answer = await handler(
      new Request("http://127.0.0.1:8083/x", { headers: { origin } }),
      {},
    );
    expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
  });

  it("leaves other origins as the simulator answers them", async () => {
    const request = new Request("http://127.0.0.1:8083/x", {
      headers: { origin: "https://elsewhere.example" },
    });
    expect((await handler(request, {})).headers.has("access-control-allow-origin")).toBe(false);
  });
});

describe("the dev stack's routes in front of the API", () => {
  it("serves the page and signs device tokens for fresh device codes; the rest goes to the API", async () => {
    const device = await ensureDevDevice(mkdtempSync(join(tmpdir(), "dev-routes-")), "app");
    const handler = withCitizenPage(
      async () => new Response("api"),
      device,
      "http://127.0.0.1:8080",
    );
    const page = await handler(new Request("http://127.0.0.1:8080/demo"), {});
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/demo/citizen.js");

    const minted = await handler(
      new Request("http://127.0.0.1:8080/dev/device-token", { method: "POST" }),
      {},
    );
    const { client_id, device_code, token } = await minted.json();
    expect(client_id).toBe("app");
    expect(decodeJwt(token)).toEqual({ client_id: "app", device_code });

    const api = await handler(new Request("http://127.0.0.1:8080/video/v2/sessions"), {});
    expect(await api.text()).toBe("api");
  });
});
