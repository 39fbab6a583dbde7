import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  jwtVerify,
} from "jose";
import type { DeviceIdentity } from "../../core/model.ts";
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

type Refusal = Extract<Authentication, { ok: false }>;

const refuse = (reason: Refusal["reason"]): Refusal => ({ ok: false, reason });

/** A token that verified: who it proves, with which registered key, until when. */
interface Verified {
  identity: DeviceIdentity;
  key: PublicJwk;
  kid: string | undefined;
  /** `exp` in seconds, when the token has one. */
  exp: number | undefined;
}

/** Tokens remembered; the oldest is forgotten first. */
const verifiedLimit = 10_000;

/**
 * Verifies the device JWT the app sends: signed by a key registered for its `client_id` claim,
 * carrying `client_id` and `device_code`; `exp`, when present, is enforced.
 *
 * The app sends the same token with every request (the shipped app's has no `exp`), so a token
 * that verified is remembered, by its full text, and accepted again without another signature
 * check for as long as the key that verified it is still registered and it has not expired.
 */
export class JwtDeviceAuthenticator implements DeviceAuthenticator {
  /** Per registered key object, the imported key per algorithm. */
  private readonly importedKeys = new WeakMap<PublicJwk, Map<string, CryptoKey | Uint8Array>>();
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly clientKeys: ClientKeys,
    private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<Authentication> {
    const remembered = this.verified.get(token);
    if (remembered) {
      const { identity, key, kid, exp } = remembered;
      const keys = await this.clientKeys.keysFor(identity.clientId, kid);
      if (keys.includes(key) && (exp === undefined || this.nowSeconds() < exp)) {
        return { ok: true, identity };
      }
      this.verified.delete(token);
    }
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
      if (!outcome) continue;
      if (!outcome.ok) return outcome;
      const { identity, exp } = outcome;
      this.remember(token, { identity, key: jwk, kid: header.kid, exp });
      return { ok: true, identity };
    }
    return refuse("bad_signature");
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private remember(token: string, verified: Verified): void {
    if (this.verified.size >= verifiedLimit) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, verified);
  }

  /** The outcome with this key, or undefined when this key did not sign the token. */
  private async verifyWith(
    token: string,
    jwk: PublicJwk,
    alg: string,
  ): Promise<
    { ok: true; identity: DeviceIdentity; exp: number | undefined } | Refusal | undefined
  > {
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
      return { ok: true, identity: { clientId, deviceCode }, exp: payload.exp };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return refuse("expired");
      if (error instanceof errors.JWTClaimValidationFailed) return refuse("malformed");
      return undefined;
    }
  }

  private async importKey(jwk: PublicJwk, alg: string) {
    let byAlgorithm = this.importedKeys.get(jwk);
    if (!byAlgorithm) {
      byAlgorithm = new Map();
      this.importedKeys.set(jwk, byAlgorithm);
    }
    let key = byAlgorithm.get(alg);
    if (!key) {
      key = await importJWK(jwk as JWK, alg);
      byAlgorithm.set(alg, key);
    }
    return key;
  }
}
