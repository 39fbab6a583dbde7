import type { Context } from "hono";
import { type JWK, SignJWT } from "jose";
import { type SimClock, systemClock } from "../control/clock.ts";
import type { ControlAccess } from "../control/control-access.ts";
import { type ControlPlane, createControlPlane } from "../control/control-plane.ts";
import { serve } from "../control/openapi.ts";
import { createRandom, deriveSeed, randomSeed } from "../control/random.ts";
import { parseBasicAuth, sameSecret } from "../shared/basic-auth.ts";
import { base64UrlEncode } from "../shared/encoding.ts";
import { type EntraError, entraErrorBody, entraErrors } from "./entra-errors.ts";
import { addKeyControl } from "./key-control.ts";
import { type KeyDescription, KeyRing } from "./key-ring.ts";
import { CLIENT_SECRET_BASIC, tokenServerDescription, tokenServerRoutes } from "./routes.ts";

export interface TokenServerClient {
  clientId: string;
  clientSecret: string;
  tenant: string;
  /** The application id URI of the API the client may call, e.g. "api://maxconf". */
  audience: string;
  roles?: string[];
}

export interface TokenServerOptions {
  clock?: SimClock;
  seed?: number;
  tenants: string[];
  clients: TokenServerClient[];
  /** Lifetime of the access tokens, in seconds (Entra: 3599). */
  expiresIn?: number;
  /** How long a rotated-out key stays in the JWKS, in seconds; by default the token lifetime. */
  keyOverlapSeconds?: number;
  /** Origin written into `iss` and metadata; by default the origin of each request. */
  issuerOrigin?: string;
  controlAccess?: ControlAccess;
}

export interface TokenServer extends ControlPlane {
  tokensIssued(): number;
  jwks(): Promise<{ keys: JWK[] }>;
  /** A new key signs from now on; the previous one is published for the overlap, then dropped. */
  rotateKeys(overlapSeconds?: number): KeyDescription[];
}

/** How far in the past the `expired-tokens` scenario puts `exp`. */
const EXPIRED_BY_SECONDS = 60;

/** Microsoft Entra ID v2, as far as the client credentials grant goes. */
export function createTokenServer(options: TokenServerOptions): TokenServer {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? randomSeed();
  const random = createRandom(deriveSeed(seed, 1));
  const expiresIn = options.expiresIn ?? 3599;
  const tenants = new Set(options.tenants);
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  // The service principal's object id: stable per client, as in a real directory.
  const objectIds = new Map(options.clients.map((client) => [client.clientId, random.uuid()]));
  const keys = new KeyRing(random, clock, (options.keyOverlapSeconds ?? expiresIn) * 1000);
  let issued = 0;
  let issueExpired = false;

  const control = createControlPlane({
    simulator: "token-server",
    clock,
    seed,
    about: tokenServerDescription,
    securitySchemes: { [CLIENT_SECRET_BASIC]: { type: "http", scheme: "basic" } },
    access: options.controlAccess,
    resetState: () => {
      issued = 0;
      keys.dropRetiring();
    },
    scenarios: {
      "expired-tokens": {
        description: "Tokens are issued already expired (exp a minute ago; expires_in unchanged)",
        engage: () => {
          issueExpired = true;
          return () => {
            issueExpired = false;
          };
        },
      },
    },
  });
  const { app } = control;

  const originOf = (c: Context) =>
    options.issuerOrigin?.replace(/\/+$/, "") ?? new URL(c.req.url).origin;
  const fail = (c: Context, failure: EntraError) =>
    c.json(entraErrorBody(failure, clock.now(), random, originOf(c)), failure.status, {
      "cache-control": "no-store, no-cache",
    });

  serve(app, tokenServerRoutes.token, async (c) => {
    const tenant = c.req.param("tenant");
    if (!tenants.has(tenant)) return fail(c, entraErrors.invalidTenant(tenant));
    const isForm = c.req.header("content-type")?.startsWith("application/x-www-form-urlencoded");
    const form = new URLSearchParams(isForm ? await c.req.text() : "");

    const grantType = form.get("grant_type");
    if (!grantType) return fail(c, entraErrors.missingParameter("grant_type"));
    if (grantType !== "client_credentials") return fail(c, entraErrors.unsupportedGrant(grantType));

    const basic = parseBasicAuth(c.req.header("authorization"));
    const clientId = basic ? formDecode(basic.username) : form.get("client_id");
    const clientSecret = basic ? formDecode(basic.password) : form.get("client_secret");
    if (!clientId) return fail(c, entraErrors.missingParameter("client_id"));
    const client = clients.get(clientId);
    if (!client || client.tenant !== tenant)
      return fail(c, entraErrors.unknownClient(clientId, tenant));
    if (!clientSecret) return fail(c, entraErrors.missingSecret());
    if (!sameSecret(clientSecret, client.clientSecret)) {
      return fail(c, entraErrors.wrongSecret(clientId));
    }

    const scope = form.get("scope");
    if (!scope) return fail(c, entraErrors.missingParameter("scope"));
    if (scope.trim() !== `${client.audience}/.default`)
      return fail(c, entraErrors.invalidScope(scope));

    // As from a server whose clock runs behind: the answer looks fresh, the token is not.
    const issuedAt =
      Math.floor(clock.now() / 1000) - (issueExpired ? expiresIn + EXPIRED_BY_SECONDS : 0);
    const signingKey = keys.current;
    const accessToken = await new SignJWT({
      aud: client.audience,
      iss: `${originOf(c)}/${tenant}/v2.0`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + expiresIn,
      azp: client.clientId,
      azpacr: "1",
      oid: objectIds.get(client.clientId),
      sub: objectIds.get(client.clientId),
      tid: tenant,
      uti: base64UrlEncode(random.bytes(16)),
      ver: "2.0",
      // Entra leaves the claim out when the app has no role assigned.
      ...(client.roles?.length ? { roles: client.roles } : {}),
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: signingKey.kid })
      .sign(await signingKey.privateKey);
    issued++;
    return c.json(
      {
        token_type: "Bearer",
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: accessToken,
      },
      200,
      { "cache-control": "no-store, no-cache" },
    );
  });

  serve(app, tokenServerRoutes.keys, async (c) => {
    const tenant = c.req.param("tenant");
    if (!tenants.has(tenant)) return fail(c, entraErrors.invalidTenant(tenant));
    return c.json(await keys.jwks());
  });

  serve(app, tokenServerRoutes.openIdConfiguration, (c) => {
    const tenant = c.req.param("tenant");
    if (!tenants.has(tenant)) return fail(c, entraErrors.invalidTenant(tenant));
    const base = `${originOf(c)}/${tenant}`;
    return c.json({
      issuer: `${base}/v2.0`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint_auth_methods_supported: [
        "client_secret_post",
        "private_key_jwt",
        "client_secret_basic",
      ],
      response_modes_supported: ["query", "fragment", "form_post"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      request_uri_parameter_supported: false,
      tenant_region_scope: "NA",
      cloud_instance_name: "microsoftonline.com",
    });
  });

  const rotate = addKeyControl(app, keys);

  return {
    ...control,
    tokensIssued: () => issued,
    jwks: () => keys.jwks(),
    rotateKeys: rotate,
  };
}

/** HTTP Basic client credentials are form-encoded first (RFC 6749, section 2.3.1). */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return value;
  }
}
