import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

/** The shipped app signs its device tokens with RS512 and a kid ending in the key number. */
const algorithm = "RS512";

export interface DevDevice {
  clientId: string;
  kid: string;
  privateJwk: JWK;
  /** The keys file the service reads (BCSC_CLIENT_KEYS_FILE). */
  keysFile: string;
}

/**
 * The dev stack's device key pair and the client keys file registering its public half, made on
 * first start and reused after, so auth is on even locally.
 */
export async function ensureDevDevice(dataDir: string, clientId: string): Promise<DevDevice> {
  const dir = join(dataDir, "dev-device");
  const deviceFile = join(dir, "device.json");
  const keysFile = join(dir, "client-keys.json");
  if (existsSync(deviceFile) && existsSync(keysFile)) {
    const device = JSON.parse(readFileSync(deviceFile, "utf8")) as Omit<DevDevice, "keysFile">;
    if (device.clientId === clientId) return { ...device, keysFile };
  }
  mkdirSync(dir, { recursive: true });
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const kid = `https://localhost/device/${crypto.randomUUID()}/1`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: algorithm };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: "sig" };
  writeFileSync(deviceFile, JSON.stringify({ clientId, kid, privateJwk }, null, 2), {
    mode: 0o600,
  });
  writeFileSync(keysFile, JSON.stringify({ [clientId]: { keys: [publicJwk] } }, null, 2));
  return { clientId, kid, privateJwk, keysFile };
}

export function readDevDevice(dataDir: string): DevDevice {
  const dir = join(dataDir, "dev-device");
  const device = JSON.parse(readFileSync(join(dir, "device.json"), "utf8"));
  return { ...device, keysFile: join(dir, "client-keys.json") };
}

/** Each device's private key, imported once (an RSA key takes about a millisecond to import). */
const importedKeys = new WeakMap<JWK, ReturnType<typeof importJWK>>();

/** A device token as the shipped app makes it: only client_id and device_code, no iat or exp. */
export async function signDeviceToken(device: DevDevice, deviceCode: string): Promise<string> {
  let imported = importedKeys.get(device.privateJwk);
  if (!imported) {
    imported = importJWK(device.privateJwk, algorithm);
    importedKeys.set(device.privateJwk, imported);
  }
  const key = await imported;
  return new SignJWT({ client_id: device.clientId, device_code: deviceCode })
    .setProtectedHeader({ alg: algorithm, kid: device.kid, typ: "JWT" })
    .sign(key);
}
