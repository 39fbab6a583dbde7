import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDevDevice } from "../../apps/shared/dev-device.ts";
import { registerClientKeys } from "../../apps/stack/client-keys.ts";
import { devCredentialsFile, entraCredentials } from "../../apps/stack/entra-credentials.ts";

describe("what npm start makes of an integrator's settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-settings-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes dev Entra credentials once and keeps them; ENTRA_* replace them one by one", () => {
    const dataDir = join(dir, "credentials");
    const dev = entraCredentials({}, dataDir);
    expect(dev).toMatchObject({ tenant: "bcsc-dev-tenant", clientId: "bcsc-video-api" });
    expect(entraCredentials({}, dataDir)).toEqual(dev);
    expect(JSON.parse(readFileSync(devCredentialsFile(dataDir), "utf8"))).toEqual(dev);
    expect(entraCredentials({ ENTRA_CLIENT_SECRET: "theirs" }, dataDir)).toEqual({
      ...dev,
      clientSecret: "theirs",
    });
  });

  it("adds the integrator's client keys to the dev device's, which stay registered", async () => {
    const device = await ensureDevDevice(join(dir, "data"), "bcsc-demo-app");
    expect(registerClientKeys(device)).toBe(device.keysFile);
    const theirKey = { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "their-1" };
    const theirs = join(dir, "their-keys.json");
    writeFileSync(theirs, JSON.stringify({ "their-app": { keys: [theirKey] } }));
    const registered = JSON.parse(readFileSync(registerClientKeys(device, theirs), "utf8"));
    expect(Object.keys(registered).sort()).toEqual(["bcsc-demo-app", "their-app"]);
    expect(registered["their-app"].keys).toEqual([theirKey]);
    expect(registered["bcsc-demo-app"].keys.map((key: { kid: string }) => key.kid)).toEqual([
      device.kid,
    ]);
  });

  it("refuses a keys file that is not one, naming it", async () => {
    const device = await ensureDevDevice(join(dir, "data"), "bcsc-demo-app");
    const broken = join(dir, "broken-keys.json");
    writeFileSync(
      broken,
      JSON.stringify({ "their-app": { keys: [{ kty: "RSA", d: "private" }] } }),
    );
    expect(() => registerClientKeys(device, broken)).toThrow(
      `client keys file ${broken} is invalid`,
    );
  });
});
