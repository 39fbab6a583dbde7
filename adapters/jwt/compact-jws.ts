import {
  constants,
  createPublicKey,
  type JsonWebKeyInput,
  type KeyObject,
  verify,
} from "node:crypto";

/**
 * Compact JWS (RFC 7515) signature checks with node:crypto. jose checks signatures through
 * WebCrypto, which on Node 20 costs three times the CPU of `crypto.verify`; every session create
 * carries a token not seen before, so this is on its hot path.
 * Parsing and claims stay small and strict: asymmetric algorithms only, no `crit` extensions.
 */

interface Algorithm {
  /** Digest name for `crypto.verify`; null for EdDSA, which hashes internally. */
  digest: string | null;
  keyTypes: readonly string[];
  /** For ECDSA: the curve the key must be on. */
  curve?: string;
  pss?: boolean;
}

const rsa = ["rsa"];
export const algorithms: Readonly<Record<string, Algorithm>> = {
  RS256: { digest: "sha256", keyTypes: rsa },
  RS384: { digest: "sha384", keyTypes: rsa },
  RS512: { digest: "sha512", keyTypes: rsa },
  PS256: { digest: "sha256", keyTypes: rsa, pss: true },
  PS384: { digest: "sha384", keyTypes: rsa, pss: true },
  PS512: { digest: "sha512", keyTypes: rsa, pss: true },
  ES256: { digest: "sha256", keyTypes: ["ec"], curve: "prime256v1" },
  ES384: { digest: "sha384", keyTypes: ["ec"], curve: "secp384r1" },
  ES512: { digest: "sha512", keyTypes: ["ec"], curve: "secp521r1" },
  EdDSA: { digest: null, keyTypes: ["ed25519", "ed448"] },
};

/** RSA keys shorter than this are refused, as jose and RFC 7518 §3.3 require. */
const minimumRsaBits = 2048;
const digestBytes: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** What the signature covers: `header.payload`, as sent. */
  signingInput: string;
  signature: Buffer;
}

/**
 * The bytes of a segment in its one canonical base64url spelling (no padding, no stray trailing
 * bits, nothing outside the alphabet); decoders drop what does not fit, so one token would
 * otherwise have other spellings that verify just the same.
 */
function base64urlBytes(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, "base64url");
  return bytes.toString("base64url") === segment ? bytes : undefined;
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = base64urlBytes(segment);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The three parts of a compact JWS with JSON objects for header and payload, or undefined. */
export function decodeJws(token: string): DecodedJws | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
  const header = jsonObject(headerPart);
  const payload = jsonObject(payloadPart);
  const signature = base64urlBytes(signaturePart);
  if (!header || !payload || !signature?.length) return undefined;
  // Extensions we do not understand must be refused (RFC 7515 §4.1.11); we understand none.
  if ("crit" in header || "b64" in header) return undefined;
  return {
    header,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature,
  };
}

/** The key as node:crypto uses it, if it suits `alg` (type, curve, size); otherwise undefined. */
export function verificationKey(jwk: JsonWebKey, alg: string): KeyObject | undefined {
  const algorithm = algorithms[alg];
  if (!algorithm) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKeyInput["key"], format: "jwk" });
  } catch {
    return undefined;
  }
  const details = key.asymmetricKeyDetails;
  if (!key.asymmetricKeyType || !algorithm.keyTypes.includes(key.asymmetricKeyType)) {
    return undefined;
  }
  if (algorithm.curve && details?.namedCurve !== algorithm.curve) return undefined;
  if (algorithm.keyTypes === rsa && (details?.modulusLength ?? 0) < minimumRsaBits) {
    return undefined;
  }
  return key;
}

/**
 * Whether `key` made the token's signature with `alg`. Checked on libuv's pool: an RSA-2048
 * check costs the requests' thread ~25 µs done here and ~10 µs handed off, and the pool runs it
 * on the other core.
 */
function signatureMatches(jws: DecodedJws, key: KeyObject, alg: string): Promise<boolean> {
  const algorithm = algorithms[alg];
  if (!algorithm) return Promise.resolve(false);
  const data = Buffer.from(jws.signingInput);
  const signer = algorithm.pss
    ? {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: digestBytes[algorithm.digest ?? ""],
      }
    : algorithm.curve
      ? { key, dsaEncoding: "ieee-p1363" as const }
      : key;
  return new Promise((resolve) => {
    try {
      verify(algorithm.digest, data, signer, jws.signature, (error, valid) =>
        resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}

/**
 * The first candidate whose key made the token's signature with `alg`; `keyOf` gives none for a
 * key that cannot check it.
 */
export async function signerAmong<T>(
  jws: DecodedJws,
  alg: string,
  candidates: readonly T[],
  keyOf: (candidate: T) => KeyObject | null | undefined,
): Promise<T | undefined> {
  for (const candidate of candidates) {
    const key = keyOf(candidate);
    if (key && (await signatureMatches(jws, key, alg))) return candidate;
  }
  return undefined;
}

export type ClaimsCheck = "ok" | "expired" | "invalid";

/** How far ahead of our clock a token's `iat` may be: device clocks drift, but not by more. */
const maxClockSkewSeconds = 60;

/** `exp`, `nbf` and `iat`, when present: numbers, checked against now. */
export function checkTimeClaims(payload: Record<string, unknown>, nowSeconds: number): ClaimsCheck {
  const { exp, nbf, iat } = payload;
  for (const claim of [exp, nbf, iat]) {
    if (claim !== undefined && (typeof claim !== "number" || !Number.isFinite(claim))) {
      return "invalid";
    }
  }
  if (typeof nbf === "number" && nowSeconds < nbf) return "invalid";
  if (typeof iat === "number" && iat > nowSeconds + maxClockSkewSeconds) return "invalid";
  if (typeof exp === "number" && nowSeconds >= exp) return "expired";
  return "ok";
}
