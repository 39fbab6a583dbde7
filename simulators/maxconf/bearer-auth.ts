import type { Context, MiddlewareHandler } from "hono";
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from "jose";
import type { SimClock } from "../control/clock.ts";

export interface BearerAuthOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  clock: SimClock;
  fetch?: typeof fetch;
}

const CACHE_LIMIT = 10_000;

/**
 * The API gateway in front of MaxConf: signature, issuer, audience and expiry of an Entra token.
 * A verified token is remembered until it expires, so the hot path is a map lookup.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const { clock } = options;
  const jwks = createRemoteJWKSet(
    new URL(options.jwksUrl),
    options.fetch ? { [customFetch]: options.fetch } : {},
  );
  const expiryByToken = new Map<string, number>();

  return async (c, next) => {
    const token = c.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) return reject(c, "Bearer token missing", "Bearer");
    const cachedExpiryMs = expiryByToken.get(token);
    if (cachedExpiryMs !== undefined) {
      if (clock.now() < cachedExpiryMs) return next();
      expiryByToken.delete(token);
      return reject(c, "Token expired");
    }
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ["RS256"],
        requiredClaims: ["exp"],
        currentDate: new Date(clock.now()),
      });
      if (expiryByToken.size >= CACHE_LIMIT) expiryByToken.clear();
      expiryByToken.set(token, (payload.exp ?? 0) * 1000);
    } catch (error) {
      if (isKeySourceFailure(error)) {
        return c.json(
          { error: "temporarily_unavailable", error_description: "Signing keys unavailable" },
          503,
        );
      }
      return reject(c, describe(error));
    }
    return next();
  };
}

function reject(c: Context, description: string, challenge = 'Bearer error="invalid_token"') {
  return c.json({ error: "invalid_token", error_description: description }, 401, {
    "www-authenticate": challenge,
  });
}

/** The gateway could not fetch the keys: not the caller's fault. */
function isKeySourceFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  // jose reports a non-200 JWKS answer with its generic error class.
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error.constructor === errors.JOSEError
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
