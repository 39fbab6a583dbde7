import { z } from "zod";
import type { TokenServerClient } from "../../simulators/index.ts";

type Env = Record<string, string | undefined>;

const clientsSchema = z.array(
  z.object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    tenant: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    roles: z.array(z.string()).optional(),
  }),
);

/**
 * `TOKEN_SERVER_CLIENTS` (a JSON array of `{clientId, clientSecret, tenant?, audience?, roles?}`,
 * registered besides ENTRA_CLIENT_ID), `TOKEN_EXPIRES_IN` and `TOKEN_KEY_OVERLAP_SECONDS`.
 */
export function tokenSettings(env: Env, defaults: { tenant: string; audience: string }) {
  const clients = clientsSchema.safeParse(parseJson(env.TOKEN_SERVER_CLIENTS ?? "[]"));
  if (!clients.success) {
    throw new Error(
      "TOKEN_SERVER_CLIENTS must be a JSON array of {clientId, clientSecret, tenant?, audience?, roles?}",
    );
  }
  const extraClients: TokenServerClient[] = clients.data.map((client) => ({
    ...defaults,
    ...client,
  }));
  return {
    extraClients,
    tokenExpiresIn: seconds(env, "TOKEN_EXPIRES_IN", 1),
    keyOverlapSeconds: seconds(env, "TOKEN_KEY_OVERLAP_SECONDS", 0),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function seconds(env: Env, variable: string, minimum: number): number | undefined {
  const text = env[variable];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${variable} must be a whole number of seconds >= ${minimum}, got '${text}'`);
  }
  return value;
}
