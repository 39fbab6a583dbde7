import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  jwtVerify,
} from "jose";
import type {
  Authentication,
  ClientKeys,
  Clock,
  DeviceAuthenticator,
  PublicJwk,
} from "../../core/ports.ts";

/** Asymmetric algorithms only: never `none`, never HMAC (a public key is no shared secret). */
const acceptedAlgorithms = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

const refuse = (reason: Extract<Authentication, { ok: false }>["reason"]): Authentication => ({
  ok: false,
  reason,
});

/**
 * Verifies the device JWT the app sends: signed by a key registered for its `client_id` claim,
 * carrying `client_id` and `device_code`; `exp`, when present, is enforced.
 */
export class JwtDeviceAuthenticator implements DeviceAuthenticator {
  private readonly importedKeys = new Map<string, CryptoKey | Uint8Array>();

  constructor(
    private readonly clientKeys: ClientKeys,
    private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<Authentication> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let clientId: unknown;
    try {
      header = decodeProtectedHeader(token);
      clientId = decodeJwt(token).client_id;
    } catch {
      return refuse("malformed");
    }
    if (typeof clientId !== "string" || !header.alg || !acceptedAlgorithms.includes(header.alg)) {
      return refuse("malformed");
    }
    const candidates = (await this.clientKeys.keysFor(clientId, header.kid)).filter(
      (jwk) => (!header.kid || jwk.kid === header.kid) && (!jwk.alg || jwk.alg === header.alg),
    );
    if (candidates.length === 0) return refuse("unknown_client");
    for (const jwk of candidates) {
      const outcome = await this.verifyWith(token, jwk, header.alg);
      if (outcome) return outcome;
    }
    return refuse("bad_signature");
  }

  /** The outcome with this key, or undefined when this key did not sign the token. */
  private async verifyWith(
    token: string,
    jwk: PublicJwk,
    alg: string,
  ): Promise<Authentication | undefined> {
    let key: CryptoKey | Uint8Array;
    try {
      key = await this.importKey(jwk, alg);
    } catch {
      return undefined; // a key of another type than the token's algorithm
    }
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [alg],
        currentDate: new Date(this.clock.now()),
      });
      const { client_id: clientId, device_code: deviceCode } = payload;
      if (typeof clientId !== "string" || typeof deviceCode !== "string" || !deviceCode) {
        return refuse("malformed");
      }
      return { ok: true, identity: { clientId, deviceCode } };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return refuse("expired");
      if (error instanceof errors.JWTClaimValidationFailed) return refuse("malformed");
      return undefined;
    }
  }

  private async importKey(jwk: PublicJwk, alg: string) {
    const cacheKey = `${alg}:${JSON.stringify(jwk)}`;
    let key = this.importedKeys.get(cacheKey);
    if (!key) {
      key = await importJWK(jwk as JWK, alg);
      this.importedKeys.set(cacheKey, key);
    }
    return key;
  }
}
