import { json, type OpenApiDocument } from "../control/openapi.ts";

const tenant = {
  name: "tenant",
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1 },
};
const entraError = json({ $ref: "#/components/schemas/EntraError" }, "Entra's error body");

/** The token server's public routes: Entra v2 as far as the client credentials grant goes. */
export const tokenServerOpenApi: OpenApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Token server simulator (Microsoft Entra ID v2, client credentials)",
    version: "1",
  },
  paths: {
    "/{tenant}/oauth2/v2.0/token": {
      post: {
        summary: "A client-credentials access token",
        parameters: [tenant],
        // The client's credentials travel in the form or as HTTP Basic.
        security: [{}, { clientSecretBasic: [] }],
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                required: ["grant_type", "scope"],
                properties: {
                  grant_type: { const: "client_credentials" },
                  client_id: { type: "string", minLength: 1 },
                  client_secret: { type: "string", minLength: 1 },
                  scope: { type: "string", pattern: "/\\.default$" },
                },
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          200: json({
            type: "object",
            required: ["token_type", "expires_in", "ext_expires_in", "access_token"],
            properties: {
              token_type: { const: "Bearer" },
              expires_in: { type: "integer", minimum: 1 },
              ext_expires_in: { type: "integer", minimum: 1 },
              access_token: { type: "string", pattern: "^[\\w-]+\\.[\\w-]+\\.[\\w-]+$" },
            },
            additionalProperties: false,
          }),
          400: entraError,
          401: entraError,
        },
      },
    },
    "/{tenant}/discovery/v2.0/keys": {
      get: {
        summary: "The tenant's signing keys (JWKS)",
        parameters: [tenant],
        responses: {
          200: json({
            type: "object",
            required: ["keys"],
            properties: {
              keys: {
                type: "array",
                minItems: 1,
                items: {
                  type: "object",
                  required: ["kty", "use", "kid", "n", "e"],
                  properties: {
                    kty: { const: "RSA" },
                    use: { const: "sig" },
                    kid: { type: "string" },
                    n: { type: "string" },
                    e: { type: "string" },
                  },
                },
              },
            },
          }),
          400: entraError,
        },
      },
    },
    "/{tenant}/v2.0/.well-known/openid-configuration": {
      get: {
        summary: "OpenID Connect metadata",
        parameters: [tenant],
        responses: {
          200: json({
            type: "object",
            required: ["issuer", "token_endpoint", "jwks_uri"],
            properties: {
              issuer: { type: "string" },
              token_endpoint: { type: "string" },
              jwks_uri: { type: "string" },
            },
          }),
          400: entraError,
        },
      },
    },
    "/_sim/keys": {
      get: {
        tags: ["control"],
        summary: "The signing keys: current and retiring",
        responses: { 200: json({ $ref: "#/components/schemas/KeyDescriptions" }) },
      },
    },
    "/_sim/keys/rotate": {
      post: {
        tags: ["control"],
        summary: "A new key signs from now on; the old one stays published for the overlap",
        requestBody: {
          required: false,
          ...json({
            type: "object",
            properties: { overlapSeconds: { type: "integer", minimum: 0 } },
          }),
        },
        responses: {
          200: json({ $ref: "#/components/schemas/KeyDescriptions" }),
          400: json({ type: "object", required: ["error"] }),
        },
      },
    },
  },
  components: {
    securitySchemes: { clientSecretBasic: { type: "http", scheme: "basic" } },
    schemas: {
      EntraError: {
        type: "object",
        required: [
          "error",
          "error_description",
          "error_codes",
          "timestamp",
          "trace_id",
          "correlation_id",
          "error_uri",
        ],
        properties: {
          error: { type: "string" },
          error_description: { type: "string", pattern: "^AADSTS\\d+: " },
          error_codes: { type: "array", items: { type: "integer" } },
          timestamp: { type: "string" },
          trace_id: { type: "string" },
          correlation_id: { type: "string" },
          error_uri: { type: "string" },
        },
      },
      KeyDescriptions: {
        type: "object",
        required: ["keys"],
        properties: {
          keys: {
            type: "array",
            items: {
              type: "object",
              required: ["kid", "status"],
              properties: {
                kid: { type: "string" },
                status: { enum: ["current", "retiring"] },
                dropsAt: { type: "string" },
              },
            },
          },
        },
      },
    },
  },
};
