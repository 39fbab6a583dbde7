import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { type DevDevice, ensureDevDevice } from "../../apps/shared/dev-device.ts";

export const benchClientId = "bench-app";

/** The benchmark's device key: RS512 with a kid, made like the dev stack's (the shipped app's). */
export function benchDevice(dataDir: string): Promise<DevDevice> {
  return ensureDevDevice(dataDir, benchClientId);
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * Device tokens for `count` distinct devices, as `signDeviceToken` makes them (RS512, claims
 * client_id and device_code only). Signed with node:crypto's asynchronous `sign`, which runs on
 * the libuv thread pool: both cores sign at once, about twice as fast as jose one by one.
 */
export async function signDeviceTokens(
  device: DevDevice,
  prefix: string,
  count: number,
): Promise<{ deviceCode: string; token: string }[]> {
  const key = createPrivateKey({ key: device.privateJwk as never, format: "jwk" });
  const header = base64url(JSON.stringify({ alg: "RS512", kid: device.kid, typ: "JWT" }));
  const tokens: { deviceCode: string; token: string }[] = [];
  const batch = 512;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const signed = await Promise.all(
      Array.from({ length: size }, (_, i) => {
        const deviceCode = `${prefix}-${start + i}`;
        const payload = base64url(
          JSON.stringify({ client_id: device.clientId, device_code: deviceCode }),
        );
        return signed512(key, `${header}.${payload}`).then((signature) => ({
          deviceCode,
          token: `${header}.${payload}.${signature}`,
        }));
      }),
    );
    tokens.push(...signed);
  }
  return tokens;
}

function signed512(key: KeyObject, input: string): Promise<string> {
  return new Promise((resolve, reject) =>
    sign("sha512", Buffer.from(input), key, (error, signature) =>
      error ? reject(error) : resolve(signature.toString("base64url")),
    ),
  );
}
