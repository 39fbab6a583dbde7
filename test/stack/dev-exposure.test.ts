import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevDevice } from "../../apps/shared/dev-device.ts";
import { listen } from "../../apps/shared/listen.ts";
import { withCitizenPage } from "../../apps/stack/citizen-page/dev-routes.ts";
import { exposureWarning } from "../../apps/stack/exposure-warning.ts";

const API_PORT = 8080;

async function devRoutes() {
  const device = await ensureDevDevice(mkdtempSync(join(tmpdir(), "dev-exposure-")), "app");
  return withCitizenPage(async () => new Response("api"), device, `http://127.0.0.1:${API_PORT}`);
}

/** `POST /dev/device-token` sent to `host` (the URL a server builds from the Host header). */
const deviceTokenRequest = (host: string, origin?: string) =>
  new Request(`http://${host}/dev/device-token`, {
    method: "POST",
    headers: origin ? { origin } : {},
  });

describe("POST /dev/device-token", () => {
  it("signs a token for the page on a loopback name of the API's port", async () => {
    const handler = await devRoutes();
    for (const [host, origin] of [
      ["127.0.0.1:8080", undefined],
      ["localhost:8080", "http://localhost:8080"],
      ["[::1]:8080", "http://[::1]:8080"],
      ["127.0.0.1:8080", "http://localhost:8080"],
    ] as const) {
      const answer = await handler(deviceTokenRequest(host, origin), {});
      expect(answer.status, `${host} ${origin}`).toBe(200);
      expect(await answer.json()).toHaveProperty("token");
    }
  });

  it("refuses, 403 in problem+json, any other Host or Origin (a DNS-rebinding page)", async () => {
    const handler = await devRoutes();
    for (const [host, origin] of [
      ["rebind.attacker.example:8080", undefined],
      ["rebind.attacker.example:8080", "http://rebind.attacker.example:8080"],
      ["127.0.0.1:8080", "http://rebind.attacker.example:8080"],
      ["127.0.0.1:8080", "null"],
      ["127.0.0.1:9999", undefined],
      ["192.168.1.20:8080", undefined],
    ] as const) {
      const answer = await handler(deviceTokenRequest(host, origin), {});
      expect(answer.status, `${host} ${origin}`).toBe(403);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(await answer.text()).not.toContain('token":');
    }
  });

  it("reads the Host header a real socket receives", async () => {
    const listener = await listen(0);
    const device = await ensureDevDevice(mkdtempSync(join(tmpdir(), "dev-exposure-")), "app");
    listener.handle(withCitizenPage(async () => new Response("api"), device, listener.url));
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const sent = request(
          { port: listener.port, method: "POST", path: "/dev/device-token", headers: { host } },
          (answer) => {
            answer.resume();
            resolve(answer.statusCode ?? 0);
          },
        );
        sent.on("error", reject).end();
      });
    try {
      expect(await statusFor(`127.0.0.1:${listener.port}`)).toBe(200);
      expect(await statusFor(`rebind.attacker.example:${listener.port}`)).toBe(403);
    } finally {
      await listener.close();
    }
  });
});

describe("the warning npm start prints for a HOST beyond loopback", () => {
  const urls = {
    api: "http://127.0.0.1:8080",
    tokenServer: "http://127.0.0.1:8081",
    maxconf: "http://127.0.0.1:8082",
    pexip: "http://127.0.0.1:8083",
  };

  it("names everything then exposed: the API, the device-token endpoint, the simulators and their control APIs", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.20"]) {
      const warning = exposureWarning(host, urls) ?? "";
      expect(warning).toContain(`HOST=${host} is not loopback`);
      for (const exposed of [
        "API on port 8080",
        "POST /dev/device-token",
        "token server (port 8081)",
        "MaxConf (port 8082)",
        "Pexip node (port 8083)",
        "control APIs (/_sim",
      ]) {
        expect(warning).toContain(exposed);
      }
    }
  });

  it("says nothing on loopback", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1"]) {
      expect(exposureWarning(host, urls)).toBeUndefined();
    }
  });
});
