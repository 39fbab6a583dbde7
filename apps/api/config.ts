import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ServerTls } from "../shared/listen.ts";

const port = z.coerce.number().int().min(0).max(65535);
const count = z.coerce.number().int().positive();

/** How upstream calls are retried and when a circuit opens (see ResilienceSettings). */
export const resilienceDefaults = {
  UPSTREAM_RETRIES: 2,
  UPSTREAM_BACKOFF_MS: 100,
  UPSTREAM_MAX_RETRY_AFTER_MS: 2000,
  CIRCUIT_BREAKER_THRESHOLD: 10,
  CIRCUIT_BREAKER_COOLDOWN_SECONDS: 10,
};
const url = z.url();
/** A setting naming a PEM file, checked at start by parsing what it holds. */
const pemFile = (holds: string, parse: (pem: Buffer) => unknown) =>
  z
    .string()
    .min(1)
    .refine(
      (path) => {
        try {
          parse(readFileSync(path));
          return true;
        } catch {
          return false;
        }
      },
      { message: `must name a readable PEM file holding ${holds}` },
    );
const certificateFile = pemFile("a certificate", (pem) => new X509Certificate(pem));

/** Every setting of the service, from the environment; see .env.example. */
export const serviceConfigSchema = z
  .object({
    PORT: port.default(8080),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    HOST: z.string().default("127.0.0.1"),
    // Unset: the listener's defaults (apps/shared/listen.ts), which .env.example gives.
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    HTTP_MAX_CONNECTIONS: z.coerce.number().int().positive().optional(),
    // Both set: the API is served over HTTPS with this certificate (its chain) and key.
    TLS_CERT_FILE: certificateFile.optional(),
    TLS_KEY_FILE: pemFile("a private key", (pem) => createPrivateKey(pem)).optional(),
    API_BASE_PATH: z.string().startsWith("/").default("/video"),
    DATABASE_PATH: z.string().default("./data/video-api.db"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "a postgres:// URL")
      .optional(),
    DATABASE_POOL_SIZE: count.default(10),
    DATABASE_STATEMENT_TIMEOUT_MS: count.default(5000),
    SQLITE_SYNCHRONOUS: z.enum(["FULL", "NORMAL"]).default("FULL"),
    ENTRA_AUTHORITY: url.default("https://login.microsoftonline.com"),
    ENTRA_TENANT: z.string().min(1),
    ENTRA_CLIENT_ID: z.string().min(1),
    ENTRA_CLIENT_SECRET: z.string().min(1),
    ENTRA_SCOPE: z.string().min(1),
    MAXCONF_URL: url,
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    // A CA trusted for upstream calls besides Node's roots (a private CA, the dev stack's).
    UPSTREAM_CA_FILE: certificateFile.optional(),
    UPSTREAM_RETRIES: z.coerce.number().int().min(0).default(resilienceDefaults.UPSTREAM_RETRIES),
    UPSTREAM_BACKOFF_MS: count.default(resilienceDefaults.UPSTREAM_BACKOFF_MS),
    UPSTREAM_MAX_RETRY_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(resilienceDefaults.UPSTREAM_MAX_RETRY_AFTER_MS),
    CIRCUIT_BREAKER_THRESHOLD: count.default(resilienceDefaults.CIRCUIT_BREAKER_THRESHOLD),
    CIRCUIT_BREAKER_COOLDOWN_SECONDS: count.default(
      resilienceDefaults.CIRCUIT_BREAKER_COOLDOWN_SECONDS,
    ),
    BCSC_CLIENT_KEYS_FILE: z.string().min(1).optional(),
    BCSC_CLIENT_JWKS_URL: z
      .string()
      .includes("{client_id}", { message: "must contain {client_id}" })
      .pipe(z.url())
      .optional(),
    BCSC_CLIENT_JWKS_CACHE_SECONDS: z.coerce.number().int().positive().default(300),
    BCSC_CLIENT_JWKS_UNKNOWN_SECONDS: z.coerce.number().int().positive().default(60),
    BCSC_CLIENT_JWKS_FETCHES_PER_MINUTE: z.coerce.number().int().positive().default(300),
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().positive().default(60),
    TIMELINE_RETENTION_DAYS: count.default(90),
    OPS_AUDIENCE: z.string().min(1).default("api://bcsc-video-api"),
    OPS_ROLE: z.string().min(1).default("VideoApi.Support"),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
    CLIENT_MAX_LIVE_SESSIONS: z.coerce.number().int().positive().default(1),
    VIDEO_CONFIG_FILE: z.string().min(1).optional(),
    DESTINATION_HOST: z.string().min(1),
    DESTINATION_MAX_INACTIVE_SECONDS: z.coerce.number().int().positive().default(600),
    DESTINATION_MAX_QUEUE_WAIT_SECONDS: z.coerce.number().int().positive().default(3600),
    DESTINATION_MAX_ACTIVE_SESSIONS: z.coerce.number().int().positive().default(1000),
  })
  .refine((config) => config.BCSC_CLIENT_KEYS_FILE || config.BCSC_CLIENT_JWKS_URL, {
    message:
      "set BCSC_CLIENT_KEYS_FILE or BCSC_CLIENT_JWKS_URL (or both): device tokens are verified against the client's registered keys",
    path: ["BCSC_CLIENT_KEYS_FILE"],
  })
  .refine((config) => Boolean(config.TLS_CERT_FILE) === Boolean(config.TLS_KEY_FILE), {
    message: "set both TLS_CERT_FILE and TLS_KEY_FILE (HTTPS), or neither (HTTP)",
    path: ["TLS_CERT_FILE"],
  });

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

/** Parses the environment; one error lists every bad or missing setting. */
export function loadServiceConfig(env: Record<string, string | undefined>): ServiceConfig {
  const parsed = serviceConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** What a slow or idle client may hold (unset: the listener's defaults). */
export function connectionLimits(config: ServiceConfig) {
  return {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
  };
}

/** The API's certificate and key when TLS_CERT_FILE and TLS_KEY_FILE are set: it serves HTTPS. */
export function serverTls(config: ServiceConfig): ServerTls | undefined {
  if (!config.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined;
  return {
    cert: readFileSync(config.TLS_CERT_FILE, "utf8"),
    key: readFileSync(config.TLS_KEY_FILE, "utf8"),
  };
}
