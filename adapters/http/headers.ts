/** The headers answers carry, each a component of the document that responses refer to. */
const answerHeaders = {
  RequestId: {
    name: "x-request-id",
    header: {
      description:
        "The request's id, set by the service on every answer: the caller's x-request-id when " +
        "it is a sane token, else a new UUID. Quote it when reporting a problem.",
      schema: { type: "string" },
      example: "0b6f4c0e-6f1e-4d43-9a57-6c4a37a0f0a1",
    },
  },
  RetryAfter: {
    name: "Retry-After",
    header: {
      description:
        "Seconds to wait before trying again: on every 429 and 503, and on a 409 when the " +
        "session was busy with another request.",
      schema: { type: "integer", minimum: 0 },
      example: 5,
    },
  },
  WwwAuthenticate: {
    name: "WWW-Authenticate",
    header: {
      description: "The Bearer challenge; `error_description` says why a token was refused.",
      required: true,
      schema: { type: "string" },
      example: 'Bearer realm="bcsc-video", error="invalid_token", error_description="expired"',
    },
  },
} as const;

type HeaderId = keyof typeof answerHeaders;

/** `components.headers` of the document. */
export const headerComponents = Object.entries(answerHeaders).map(
  ([id, { header }]) => [id, header] as const,
);

/** A response's headers: the request id, and the others named. */
export const headers = (...others: Exclude<HeaderId, "RequestId">[]) =>
  Object.fromEntries(
    (["RequestId", ...others] as const).map((id) => [
      answerHeaders[id].name,
      { $ref: `#/components/headers/${id}` },
    ]),
  );
