import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomIds } from "../../adapters/crypto/random-ids.ts";
import { signDeviceToken } from "../../apps/shared/dev-device.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

/** Every endpoint × every way of not being the session's owner: refused, and nothing leaks. */
describe("authorization matrix", () => {
  let stack: TestStack;
  let sessionId: string;
  let clientCallId: string;
  const owner = "owner-device";
  const tokens: Record<string, () => Promise<string | undefined>> = {};

  beforeAll(async () => {
    stack = await startTestStack();
    const app = stack.asDevice(owner);
    const created = await app.call("POST", "/video/v2/sessions", {
      client_id: app.clientId,
      device_code: owner,
    });
    sessionId = String(created.body?.session_id);
    clientCallId = crypto.randomUUID();
    await app.call("POST", `/video/v2/sessions/${sessionId}/calls`, {
      client_call_id: clientCallId,
      status: "call_ringing",
    });

    const stranger = await generateKeyPair("RS512");
    const sign = (
      claims: Record<string, unknown>,
      key = stranger.privateKey,
      kid = stack.device.kid,
    ) => new SignJWT(claims).setProtectedHeader({ alg: "RS512", kid }).sign(key);
    const deviceKey = (await importJWK(stack.device.privateJwk, "RS512")) as CryptoKey;
    const claims = { client_id: stack.device.clientId, device_code: owner };
    tokens["no token"] = async () => undefined;
    tokens.malformed = async () => "not.a.jwt";
    tokens["alg none"] = async () =>
      `${btoa(JSON.stringify({ alg: "none" }))}.${btoa(JSON.stringify(claims))}.`.replaceAll(
        "=",
        "",
      );
    tokens["HMAC with the public key"] = async () => {
      const publicJwk = await exportJWK(stranger.publicKey);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    };
    tokens["bad signature"] = () => sign(claims);
    tokens["unknown client"] = () => sign({ ...claims, client_id: "unknown-app" }, deviceKey);
    tokens.expired = () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS512", kid: stack.device.kid })
        .setExpirationTime(Math.floor(stack.clock.now() / 1000) - 60)
        .sign(deviceKey);
    tokens["other device"] = () => signDeviceToken(stack.device, "someone-else");
  });
  afterAll(() => stack?.close());

  const endpoints = () =>
    [
      ["POST", "/video/v2/sessions", { client_id: stack.device.clientId, device_code: owner }],
      ["GET", `/video/v2/sessions/${sessionId}`],
      ["PUT", `/video/v2/sessions/${sessionId}`, { status: "ended" }],
      ["DELETE", `/video/v2/sessions/${sessionId}`],
      [
        "POST",
        `/video/v2/sessions/${sessionId}/calls`,
        { client_call_id: "x", status: "call_ringing" },
      ],
      ["PUT", `/video/v2/sessions/${sessionId}/calls/${clientCallId}`, { status: "call_ended" }],
      ["PUT", `/video/v2/sessions/${sessionId}/calls`, { status: "call_ended" }],
      ["GET", "/video/v2/destinations"],
      ["GET", "/video/v2/service_hours"],
    ] as [string, string, unknown?][];

  const unauthenticated = [
    "no token",
    "malformed",
    "alg none",
    "HMAC with the public key",
    "bad signature",
    "unknown client",
    "expired",
  ];

  it("refuses every endpoint without a valid device token: 401 with WWW-Authenticate", async () => {
    for (const kind of unauthenticated) {
      for (const [method, path, body] of endpoints()) {
        const token = await tokens[kind]?.();
        const response = await fetch(`${stack.urls.api}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await response.text();
        expect(response.status, `${kind}: ${method} ${path}`).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(text).not.toContain(sessionId);
      }
    }
  });

  it("hides another device's session and calls: 404, and its own create is its own", async () => {
    const token = await tokens["other device"]?.();
    for (const [method, path, body] of endpoints().slice(1, 7)) {
      const response = await fetch(`${stack.urls.api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(text).not.toContain(owner);
      expect(text).not.toContain(clientCallId);
    }
    // A body claiming the owner's identity under another device's token is refused.
    const spoof = await fetch(`${stack.urls.api}/video/v2/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ client_id: stack.device.clientId, device_code: owner }),
    });
    expect(spoof.status).toBe(403);
    const ownerView = await stack.asDevice(owner).call("GET", `/video/v2/sessions/${sessionId}`);
    expect(ownerView.body?.status).toBe("session_started");
  });

  it("makes session ids unguessable: the creation time, then 128 random bits", async () => {
    const [, time, random] = /^([0-9a-z]{9})([A-Za-z0-9_-]{22})$/.exec(sessionId) ?? [];
    expect(Math.abs(Number.parseInt(time ?? "", 36) - Date.now())).toBeLessThan(60_000);
    expect(Buffer.from(random ?? "", "base64url")).toHaveLength(16);
    const ids = Array.from({ length: 1000 }, () => randomIds.sessionId());
    expect(new Set(ids.map((id) => id.slice(9))).size).toBe(1000);
    // Sorted as text, they keep the order they were made in: new rows land at an index's end.
    const madeAt = (id: string) => id.slice(0, 9);
    expect([...ids].sort().map(madeAt)).toEqual(ids.map(madeAt));
  });
});
