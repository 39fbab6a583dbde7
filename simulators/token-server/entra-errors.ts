import { z } from "@hono/zod-openapi";
import type { Random } from "../control/random.ts";

export interface EntraError {
  status: 400 | 401;
  error: string;
  code: number;
  message: string;
}

/** The failures of Entra's token endpoint that the simulator reproduces. */
export const entraErrors = {
  invalidTenant: (tenant: string): EntraError => ({
    status: 400,
    error: "invalid_tenant",
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  missingParameter: (name: string): EntraError => ({
    status: 400,
    error: "invalid_request",
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  unsupportedGrant: (grantType: string): EntraError => ({
    status: 400,
    error: "unsupported_grant_type",
    code: 70003,
    message: `The app requested an unsupported grant type '${grantType}'.`,
  }),
  unknownClient: (clientId: string, tenant: string): EntraError => ({
    status: 400,
    error: "unauthorized_client",
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  missingSecret: (): EntraError => ({
    status: 401,
    error: "invalid_client",
    code: 7000216,
    message:
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
  }),
  wrongSecret: (clientId: string): EntraError => ({
    status: 401,
    error: "invalid_client",
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  invalidScope: (scope: string): EntraError => ({
    status: 400,
    error: "invalid_scope",
    code: 70011,
    message: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
} satisfies Record<string, (...args: string[]) => EntraError>;

export const entraErrorSchema = z
  .object({
    error: z.string(),
    error_description: z.string().regex(/^AADSTS\d+: /),
    error_codes: z.array(z.number().int()),
    timestamp: z.string(),
    trace_id: z.string(),
    correlation_id: z.string(),
    error_uri: z.string(),
  })
  .openapi("EntraError");

/** Entra's error body; the description's last lines name the trace, correlation and time. */
export function entraErrorBody(
  failure: EntraError,
  nowMs: number,
  random: Random,
  origin: string,
): z.infer<typeof entraErrorSchema> {
  const traceId = random.uuid();
  const correlationId = random.uuid();
  // Entra writes "2026-01-05 18:00:00Z": no "T", no fraction.
  const timestamp = `${new Date(nowMs).toISOString().slice(0, 19).replace("T", " ")}Z`;
  return {
    error: failure.error,
    error_description: [
      `AADSTS${failure.code}: ${failure.message}`,
      `Trace ID: ${traceId}`,
      `Correlation ID: ${correlationId}`,
      `Timestamp: ${timestamp}`,
    ].join("\r\n"),
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${origin}/error?code=${failure.code}`,
  };
}
