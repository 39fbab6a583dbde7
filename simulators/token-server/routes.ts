import { createRoute, z } from "@hono/zod-openapi";
import { json, type SimulatorDescription } from "../control/openapi.ts";
import { entraErrorSchema } from "./entra-errors.ts";

export const CLIENT_SECRET_BASIC = "clientSecretBasic";

const tenant = z.object({ tenant: z.string().min(1) });
const entraError = json(entraErrorSchema, "Entra's error body");
const credentialsInFormOrBasic: Record<string, string[]>[] = [{}, { [CLIENT_SECRET_BASIC]: [] }];
const publicRoute: Record<string, string[]>[] = [];
const tags = ["entra"];

/** What the token server's OpenAPI document says of it besides its routes. */
export const tokenServerDescription: SimulatorDescription = {
  title: "Token server simulator (Microsoft Entra ID v2, client credentials)",
  description:
    "Microsoft Entra ID v2 as far as the client-credentials grant goes: access tokens (RS256 " +
    "JWTs with Entra's claims), the tenant's signing keys and OpenID metadata, and Entra's " +
    "error bodies (AADSTS codes).",
  tags: [
    {
      name: "entra",
      description: "Entra's endpoints, under the tenant: token, keys, OpenID configuration.",
    },
  ],
};

/**
 * A valid client-credentials request. The handler reads the form field by field instead, in
 * Entra's order, to answer each missing or wrong field with Entra's own error.
 */
const tokenRequestForm = z.strictObject({
  grant_type: z.literal("client_credentials"),
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  scope: z.string().regex(/\/\.default$/),
});

const tokenAnswer = z.strictObject({
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().min(1),
  ext_expires_in: z.number().int().min(1),
  access_token: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
});

const jwks = z.object({
  keys: z
    .array(
      z.object({
        kty: z.literal("RSA"),
        use: z.literal("sig"),
        kid: z.string(),
        n: z.string(),
        e: z.string(),
      }),
    )
    .min(1),
});

const openIdConfiguration = z.object({
  issuer: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
});

/** The token server's public routes: Entra v2 as far as the client credentials grant goes. */
export const tokenServerRoutes = {
  token: createRoute({
    operationId: "issueToken",
    tags,
    method: "post",
    path: "/{tenant}/oauth2/v2.0/token",
    summary: "A client-credentials access token",
    description:
      "Checks the form field by field in Entra's order (grant type, client, secret, scope " +
      "`<audience>/.default`) and answers each fault with Entra's own error (an AADSTS code); " +
      "credentials come from the form or HTTP Basic. The token is an RS256 JWT signed by the " +
      "current key, with Entra's claims.",
    // The client's credentials travel in the form or as HTTP Basic.
    security: credentialsInFormOrBasic,
    request: {
      params: tenant,
      body: {
        required: true,
        content: { "application/x-www-form-urlencoded": { schema: tokenRequestForm } },
      },
    },
    responses: { 200: json(tokenAnswer), 400: entraError, 401: entraError },
  }),
  keys: createRoute({
    operationId: "getSigningKeys",
    tags,
    security: publicRoute,
    method: "get",
    path: "/{tenant}/discovery/v2.0/keys",
    summary: "The tenant's signing keys (JWKS)",
    description:
      "The public keys that sign the tenant's tokens: the current one, and those rotated out " +
      "until their overlap ends.",
    request: { params: tenant },
    responses: { 200: json(jwks), 400: entraError },
  }),
  openIdConfiguration: createRoute({
    operationId: "getOpenIdConfiguration",
    tags,
    security: publicRoute,
    method: "get",
    path: "/{tenant}/v2.0/.well-known/openid-configuration",
    summary: "OpenID Connect metadata",
    description:
      "Entra's OpenID Connect metadata for the tenant: its issuer, token endpoint and JWKS " +
      "address, and the values Entra publishes beside them.",
    request: { params: tenant },
    responses: { 200: json(openIdConfiguration), 400: entraError },
  }),
};
