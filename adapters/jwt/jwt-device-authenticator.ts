import { createHash, type KeyObject } from "node:crypto";
import type { DeviceIdentity } from "../../core/model.ts";
import type {
  Authentication,
  ClientKeys,
  Clock,
  DeviceAuthenticator,
  PublicJwk,
} from "../../core/ports.ts";
import {
  algorithms,
  checkTimeClaims,
  type DecodedJws,
  decodeJws,
  signerAmong,
  verificationKey,
} from "./compact-jws.ts";

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

/** SHA-256 of a token's text, 43 characters: tells one token from every other. */
const textDigest = (token: string): string =>
  createHash("sha256").update(token).digest("base64url");

/** A claim that names the caller: text without control characters (NUL, line breaks, C1). */
const isName = (claim: unknown): claim is string =>
  typeof claim === "string" && !/\p{Cc}/u.test(claim);

/**
 * Verifies the device JWT the app sends: signed (with an asymmetric algorithm: never `none`,
 * never HMAC) by a key registered for its `client_id` claim, carrying `client_id` and
 * `device_code` (text without control characters); `exp`, `nbf` and `iat`, when present, are
 * enforced (an `iat` from the future is refused).
 *
 * The app sends the same token with every request (the shipped app's has no `exp`), so a token
 * that verified is remembered, by the SHA-256 digest of its full text, and accepted again without
 * another signature check for as long as the key that verified it is still registered and it has
 * not expired. The digest, not the text: a token is ~600 characters (kept with the request's
 * whole Authorization header, which it is a slice of), and 10,000 of them were 10 MB of the heap.
 */
export class JwtDeviceAuthenticator implements DeviceAuthenticator {
  /**
   * Per registered key object, the imported key per algorithm (null: unsuitable for it). Weak:
   * an entry lasts while its key object is held, by the key source or a remembered token.
   */
  private readonly importedKeys = new WeakMap<PublicJwk, Map<string, KeyObject | null>>();
  /** By the digest of the token's text (`textDigest`). */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly clientKeys: ClientKeys,
    private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<Authentication> {
    const digest = textDigest(token);
    const remembered = this.verified.get(digest);
    if (remembered) {
      const { identity, key, kid, exp } = remembered;
      const keys = await this.clientKeys.keysFor(identity.clientId, kid);
      if (keys.includes(key) && (exp === undefined || this.nowSeconds() < exp)) {
        return { ok: true, identity };
      }
      this.verified.delete(digest);
    }
    const jws = decodeJws(token);
    if (!jws) return refuse("malformed");
    const { alg, kid } = jws.header;
    const clientId = jws.payload.client_id;
    if (
      !isName(clientId) ||
      typeof alg !== "string" ||
      !Object.hasOwn(algorithms, alg) ||
      (kid !== undefined && typeof kid !== "string")
    ) {
      return refuse("malformed");
    }
    const candidates = (await this.clientKeys.keysFor(clientId, kid)).filter(
      (jwk) => (!kid || jwk.kid === kid) && (!jwk.alg || jwk.alg === alg),
    );
    if (candidates.length === 0) return refuse("unknown_client");
    const jwk = await signerAmong(jws, alg, candidates, (candidate) =>
      this.importKey(candidate, alg),
    );
    if (!jwk) return refuse("bad_signature");
    const outcome = this.claimsOf(jws);
    if (!outcome.ok) return outcome;
    const { identity, exp } = outcome;
    // One literal: entries share a hidden class (spread from the outcome, each had its own).
    this.remember(digest, { identity, key: jwk, kid, exp });
    return { ok: true, identity };
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** What a token signed by a registered key proves, or why it is refused anyway. */
  private claimsOf(
    jws: DecodedJws,
  ): { ok: true; identity: DeviceIdentity; exp: number | undefined } | Refusal {
    const { payload } = jws;
    const time = checkTimeClaims(payload, this.nowSeconds());
    if (time === "expired") return refuse("expired");
    const { client_id: clientId, device_code: deviceCode, exp } = payload;
    if (time !== "ok" || !isName(clientId) || !isName(deviceCode) || !deviceCode) {
      return refuse("malformed");
    }
    return { ok: true, identity: { clientId, deviceCode }, exp: exp as number | undefined };
  }

  private remember(digest: string, verified: Verified): void {
    if (this.verified.size >= verifiedLimit) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(digest, verified);
  }

  private importKey(jwk: PublicJwk, alg: string): KeyObject | undefined {
    let byAlgorithm = this.importedKeys.get(jwk);
    if (!byAlgorithm) {
      byAlgorithm = new Map();
      this.importedKeys.set(jwk, byAlgorithm);
    }
    let key = byAlgorithm.get(alg);
    if (key === undefined) {
      key = verificationKey(jwk, alg) ?? null;
      byAlgorithm.set(alg, key);
    }
    return key ?? undefined;
  }
}
