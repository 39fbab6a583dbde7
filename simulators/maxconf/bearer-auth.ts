import type { Context, MiddlewareHandler, Next } from "hono";
import { decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { SimClock } from "../control/clock.ts";
import { requestHeader } from "../shared/node-bindings.ts";
import { KeySourceError, SigningKeys } from "./signing-keys.ts";

export interface BearerAuthOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  clock: SimClock;
  fetch?: typeof fetch;
  /** How long the gateway keeps the JWKS before fetching it again (default 10 minutes). */
  jwksMaxAgeMs?: number;
}

const CACHE_LIMIT = 10_000;

interface VerifiedToken {
  expiryMs: number;
  kid: string | undefined;
}

/**
 * The API gateway in front of MaxConf: signature, issuer, audience and expiry of an Entra token.
 * A verified token is remembered, by its exact Authorization header, until it expires or its key
 * leaves the JWKS: the hot path is a map lookup, with nothing awaited.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const { clock } = options;
  const keys = new SigningKeys({
    jwksUrl: options.jwksUrl,
    clock,
    maxAgeMs: options.jwksMaxAgeMs ?? 10 * 60_000,
    fetch: options.fetch ?? fetch,
  });
  const verified = new Map<string, VerifiedToken>();

  /** Undefined when the token is good, otherwise the refusal. */
  const refusal = async (c: Context, header = ""): Promise<Response | undefined> => {
    const token = header.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) return reject(c, "Bearer token missing", "Bearer");
    const cached = verified.get(header);
    if (cached && (cached.kid === undefined || (await keys.kids()).has(cached.kid))) {
      if (clock.now() < cached.expiryMs) return undefined;
      verified.delete(header);
      return reject(c, "Token expired");
    }
    verified.delete(header);
    const { payload } = await jwtVerify(token, keys.getKey, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ["RS256"],
      requiredClaims: ["exp"],
      currentDate: new Date(clock.now()),
    });
    if (verified.size >= CACHE_LIMIT) verified.clear();
    const { kid } = decodeProtectedHeader(token);
    verified.set(header, { expiryMs: (payload.exp ?? 0) * 1000, kid });
    return undefined;
  };

  const verifyThenContinue = async (c: Context, next: Next, header: string | undefined) => {
    const refused = await refusal(c, header).catch((error: unknown) =>
      isKeySourceFailure(error)
        ? c.json(
            { error: "temporarily_unavailable", error_description: "Signing keys unavailable" },
            503,
          )
        : reject(c, describe(error)),
    );
    return refused ?? next();
  };

  return (c, next) => {
    const header = requestHeader(c, "authorization");
    const known = header === undefined ? undefined : verified.get(header);
    if (known && clock.now() < known.expiryMs && isTrusted(known.kid, keys.freshKids())) {
      return next();
    }
    return verifyThenContinue(c, next, header);
  };
}

/** A token whose key is still in a fresh copy of the JWKS (one without a `kid` names none). */
function isTrusted(kid: string | undefined, freshKids: Set<string> | undefined): boolean {
  return freshKids !== undefined && (kid === undefined || freshKids.has(kid));
}

function reject(c: Context, description: string, challenge = 'Bearer error="invalid_token"') {
  return c.json({ error: "invalid_token", error_description: description }, 401, {
    "www-authenticate": challenge,
  });
}

/** The gateway could not fetch the keys: not the caller's fault. */
function isKeySourceFailure(error: unknown): boolean {
  return (
    error instanceof KeySourceError ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  );
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "Token expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return `Claim '${error.claim}' is not valid`;
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "Signature verification failed";
  if (error instanceof errors.JWKSNoMatchingKey) return "No signing key matches the token";
  return "Token is malformed";
}
